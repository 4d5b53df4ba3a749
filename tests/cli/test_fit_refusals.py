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
    # the refused model stays in the count, with why, and nothing sized (issue 15, round 11)
    assert [(f.model, f.best is not None, bool(f.refused)) for f in fits] == [
        ("Qwen2.5-0.5B", False, True), ("Qwen2.5-7B", True, False)]
    assert fits[0].options == ()


@pytest.mark.parametrize("engine", ["vllm", "sglang"])
def test_weights_larger_than_the_card_name_the_load_not_a_memory_knob(
        engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    # MiMo-V2-Flash ships FP8 weights of 309e9 parameters (model card: 309B total), ~289 GiB, over an
    # 80 GB H100: the engine dies loading them, so raising --gpu-memory-utilization or
    # --mem-fraction-static (the pool-refusal hints) cannot help.
    with pytest.raises(SystemExit) as ex:
        main(["fit", "MiMo-V2-Flash", "--gpu", "H100-SXM-80GB", "--engine", engine])
    assert ex.value.code == 0  # not fitting is a result (exit 3 only with --check)
    out = " ".join(capsys.readouterr().out.split())
    assert "the weights alone" in out and "more GPUs (--num-gpus auto)" in out
    assert "--gpu-memory-utilization" not in out and "--mem-fraction-static" not in out


def test_nothing_fits_names_why_the_closest_format_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # SGLang's static share on a 24 GB card (mem_fraction_static x free memory) is below Qwen3.5-27B's
    # 4-bit weights (~17.4 GiB), so every format is refused although the table's headroom column is
    # positive for the 4-bit ones: the line must say which format came closest and why it is refused.
    with pytest.raises(SystemExit):
        main(["fit", "Qwen3.5-27B", "--gpu", "RTX-3090", "--engine", "sglang"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Nothing fits RTX-3090 (closest: " in out
    assert "SGLang would refuse to start" in out
