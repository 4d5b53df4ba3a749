"""`fit MODEL --mode qlora|lora` that does not fit under Trainer's defaults says whether Unsloth's run fits
(cli/framework_hint.py; issue 15, round 8: "can I QLoRA Qwen3-32B on a 4090" got only "Nothing fits ...
--num-gpus auto"). QLoRA paper (Dettmers et al. 2023, arXiv:2305.14314, abstract): "Guanaco 33B ... can be
finetuned on a single 24 GB consumer GPU" -- a ~33B QLoRA on one 24 GB card is a run people make.
"""

from __future__ import annotations

import json

import pytest

from cli_rows import wide_output as _run


def test_qlora_that_needs_unsloth_says_so(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(["fit", "Qwen3-32B", "--mode", "qlora", "--gpu", "RTX-4090"], capsys, monkeypatch)
    assert "Nothing fits" in out and "with --framework unsloth it fits" in out
    # the hint's peak is the one `fit --framework unsloth` itself reports
    argv = ["fit", "Qwen3-32B", "--mode", "qlora", "--gpu", "RTX-4090", "--framework", "unsloth",
            "--format", "json"]
    doc = json.loads(_run(argv, capsys, monkeypatch))
    best = next(o for o in doc["options"] if o["precision"] == doc["best"])
    assert f"{best['per_gpu_bytes'] / 2**30:,.1f} GiB per GPU" in out


@pytest.mark.parametrize("argv", [
    ["fit", "Qwen3-8B", "--mode", "qlora", "--gpu", "RTX-4090"],  # fits already
    ["fit", "Qwen3-32B", "--mode", "qlora", "--gpu", "RTX-4090", "--framework", "trl"],  # a framework named
    ["fit", "Llama-3.1-70B", "--mode", "qlora", "--gpu", "RTX-4090"],  # Unsloth does not fit it either
])
def test_no_hint_when_it_would_not_help(argv: list[str], capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert "--framework unsloth" not in _run(argv, capsys, monkeypatch)


def test_training_is_not_sent_to_llama_cpp(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # `fit Qwen3-30B-A3B --mode qlora --gpu RTX-4090` suggested `--engine llama.cpp --n-cpu-moe N`, an
    # inference engine, for a training run
    out = _run(["fit", "Qwen3-30B-A3B", "--mode", "qlora", "--gpu", "RTX-4090"], capsys, monkeypatch)
    assert "Nothing fits" in out and "--n-cpu-moe" not in out
    out = _run(["fit", "Qwen3-30B-A3B", "--gpu", "RTX-3060", "--engine", "vllm"], capsys, monkeypatch)
    assert "--n-cpu-moe" in out  # inference keeps the hint
