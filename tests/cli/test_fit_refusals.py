"""`fit` says why when the workload itself is refused, instead of an empty "Nothing fits" table.

An option of another engine (`--mem-fraction-static` is SGLang's) is refused by every precision
`fit` tries; before, each refusal was skipped as "this format cannot run here" and the user saw an
empty table with exit 0 (single model) or "0 of 0 catalog models" (--all).
"""

from __future__ import annotations

import pytest

from llmsize.cli import main
from llmsize.errors import BadInputError
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import fit_catalog
from llmsize.specs.resolve import resolve


@pytest.mark.parametrize("target", [["Qwen2.5-7B"], ["--all"]])
def test_fit_with_another_engines_option_is_one_line_exit_2(
        target: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ex:
        main(["fit", *target, "--gpu", "H100", "--engine", "vllm", "--mem-fraction-static", "0.8"])
    out = capsys.readouterr()
    assert ex.value.code == 2, out
    assert "--mem-fraction-static applies to SGLang, not vLLM" in out.err
    assert "Nothing fits" not in out.out and "0 of 0" not in out.out


def test_fit_catalog_raises_when_no_model_can_be_sized() -> None:
    wl = Workload.model_validate({"engine": "vllm", "mem_fraction_static": 0.8})
    with pytest.raises(BadInputError, match="applies to SGLang"):
        fit_catalog([resolve("Qwen2.5-0.5B"), resolve("Qwen2.5-1.5B")], wl, get_gpu("H100"))


def test_fit_catalog_still_skips_a_model_the_workload_does_not_suit() -> None:
    # vLLM needs the query heads divisible by --tp: Qwen2.5-0.5B has 14 (refused at tp 4, skipped),
    # Qwen2.5-7B 28 (kept); one refusal among sized models is not the whole workload's fault.
    wl = Workload.model_validate({"engine": "vllm", "tp": 4, "num_gpus": 4})
    fits = fit_catalog([resolve("Qwen2.5-0.5B"), resolve("Qwen2.5-7B")], wl, get_gpu("H100"), 4)
    assert [f.model for f in fits] == ["Qwen2.5-7B"]
