"""An Ollama tag on a Mac (or a CPU-only machine) is planned for Ollama, as on a CUDA GPU (issue 15, round 8).

"How fast is gpt-oss-20b on my M3 Max with Ollama": `fit gpt-oss:20b --gpu M3-Max` planned llama.cpp
(the rule for machines without CUDA/ROCm, cli/gpu_options.py local_engine) while `--gpu RTX-4090`
planned Ollama, the runtime the tag names; Ollama runs on Metal (ollama.com/download: macOS).
"""

from __future__ import annotations

import pytest

from cli_rows import wide_output as _run


@pytest.mark.parametrize("gpu", ["M3-Max", "RTX-4090"])
def test_ollama_tag_is_planned_for_ollama(gpu: str, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert "engine ollama" in _run(["fit", "qwen3:8b", "--gpu", gpu], capsys, monkeypatch)


def test_plan_of_a_tag_on_a_mac_is_ollama_run(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert "ollama run qwen3:8b" in _run(["plan", "qwen3:8b", "--gpu", "M3-Max"], capsys, monkeypatch)


def test_other_names_on_a_mac_stay_llama_cpp(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert "engine llama.cpp" in _run(["fit", "Qwen3-8B", "--gpu", "M3-Max"], capsys, monkeypatch)
