"""Training tables say nothing about speed: no decode, no first token (issue 15, round 8).

`fit --all --mode qlora` printed a "tokens/s" column of "-" under "Speeds are rough estimates ...";
`compare --mode lora` a "decode tok/s", "TTFT s" and "$/M out tok" column of "-"; `estimate --mode lora
--gpu X` the same two columns. llmsize models no training throughput, so those columns are left out.
"""

from __future__ import annotations

import pytest

from llmsize.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "200")
    try:
        main(argv)
    except SystemExit as ex:
        assert not ex.code, capsys.readouterr()
    return capsys.readouterr().out


SPEED_WORDS = ("tokens/s", "tok/s", "TTFT", "Speeds are", "$/M out")


@pytest.mark.parametrize("argv", [
    ["fit", "--all", "--mode", "qlora", "--gpu", "RTX-4090"],
    ["compare", "Qwen2.5-0.5B", "--mode", "lora", "--gpus", "RTX-4090,H100"],
    ["estimate", "Qwen2.5-0.5B", "--mode", "full", "--gpu", "RTX-4090,H100"],
    ["fit", "Qwen2.5-0.5B", "--mode", "qlora", "--gpu", "RTX-4090"],
])
def test_training_tables_leave_speed_out(argv: list[str], capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(argv, capsys, monkeypatch)
    assert "headroom GiB" in out  # the table is there
    assert not [w for w in SPEED_WORDS if w in out], out


@pytest.mark.parametrize("argv", [
    ["fit", "--all", "--gpu", "RTX-4090"],
    ["compare", "Qwen2.5-0.5B", "--gpus", "RTX-4090,H100"],
    ["estimate", "Qwen2.5-0.5B", "--gpu", "RTX-4090,H100"],
])
def test_inference_tables_keep_speed(argv: list[str], capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(argv, capsys, monkeypatch)
    assert "tok" in out and "Speeds are" in out


def test_estimate_without_a_gpu_names_the_next_step(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # "what GPU do I need to serve Llama-3.3-70B at 32k with vLLM": the estimate alone named no way to ask
    out = _run(["estimate", "Qwen2.5-0.5B", "--engine", "vllm", "--context", "32k"], capsys, monkeypatch)
    assert "Which GPUs it fits: add --gpu NAME" in out and "llmsize compare" in out
    out = _run(["estimate", "Qwen2.5-0.5B", "--gpu", "L4"], capsys, monkeypatch)
    assert "Which GPUs it fits" not in out  # the fit table answers it
