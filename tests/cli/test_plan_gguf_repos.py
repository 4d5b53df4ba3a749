"""`plan --engine llama.cpp` pulls a GGUF repo that exists, sizes the file it holds, and states the GPU split.

Repos and file sizes are the published ones (cited next to each), not llmsize's output: meta-llama,
google, mistralai, openai and deepseek-ai publish no "{org}/{model}-GGUF" repo, which the old command
named (`-hf meta-llama/Llama-3.1-8B-Instruct-GGUF:Q4_K_M`).
"""

from __future__ import annotations

import pytest
from test_hostile_inputs import json_doc, run_cli


@pytest.mark.parametrize(
    ("model", "pull"),
    [
        # huggingface.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:
        # Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf 4.92 GB
        ("Llama-3.1-8B-Instruct", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M"),
        # Qwen publishes its own GGUFs (huggingface.co/Qwen/Qwen3-4B-GGUF:
        # `llama-server -hf Qwen/Qwen3-4B-GGUF:Q4_K_M`)
        ("Qwen3-8B", "Qwen/Qwen3-8B-GGUF:Q4_K_M"),
        # huggingface.co/unsloth/gemma-3-12b-it-GGUF: gemma-3-12b-it-Q4_K_M.gguf 7.3 GB
        ("gemma-3-12b-it", "unsloth/gemma-3-12b-it-GGUF:Q4_K_M"),
        # huggingface.co/MaziyarPanahi/Mistral-7B-Instruct-v0.3-GGUF:
        # Mistral-7B-Instruct-v0.3.Q4_K_M.gguf 4.37 GB
        ("Mistral-7B-Instruct-v0.3", "MaziyarPanahi/Mistral-7B-Instruct-v0.3-GGUF:Q4_K_M"),
        # huggingface.co/unsloth/DeepSeek-R1-Distill-Qwen-7B-GGUF:
        # DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf 4.68 GB
        ("DeepSeek-R1-Distill-Qwen-7B", "unsloth/DeepSeek-R1-Distill-Qwen-7B-GGUF:Q4_K_M"),
        # llama.cpp's gpt-oss guide (ggml-org/llama.cpp discussion #15396):
        # `llama-server -hf ggml-org/gpt-oss-20b-GGUF`
        ("gpt-oss-20b", "ggml-org/gpt-oss-20b-GGUF"),
    ],
)
def test_plan_pulls_a_repo_that_holds_the_gguf(
    model: str, pull: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["plan", model, "--gpu", "RTX-4090", "--engine", "llama.cpp"], capsys)
    assert code == 0, err
    words = out.split()
    assert words[:3] == ["llama-server", "-hf", pull]


def test_gpt_oss_120b_plan_is_sized_as_the_mxfp4_file_it_pulls(capsys: pytest.CaptureFixture[str]) -> None:
    # ggml-org/gpt-oss-120b-GGUF: llama-bench "gpt-oss ?B MXFP4 MoE | 59.02 GiB | 116.83 B"
    # (community.frame.work/t/will-the-ai-max-395-128gb-be-able-to-run-gpt-oss-120b/73280/26). The old plan
    # sized K-quant experts: 87.4 GB of weights.
    doc = json_doc(["plan", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp"], capsys)
    command = str(doc["command"])
    assert command.startswith("llama-server -hf ggml-org/gpt-oss-120b-GGUF -c ")
    memory, rows = doc["memory"], doc["gpus"]
    assert isinstance(memory, dict) and isinstance(rows, list)
    host = int(rows[0]["host_bytes"] or 0)  # one card, the experts of some layers in CPU RAM (round 15)
    assert abs((memory["weights"] + host) / 2**30 - 59.02) < 0.05
    # split over three 24 GB cards: the command names the split, one share per GPU
    args = ["plan", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp", "--num-gpus", "3"]
    three = json_doc(args, capsys)
    gpus = int(three["gpus"][0]["pp"])
    assert gpus == 3
    assert f"--split-mode layer --tensor-split {','.join(['1'] * gpus)}" in str(three["command"])


def test_a_k_quant_of_gpt_oss_comes_from_a_repo_that_has_one(capsys: pytest.CaptureFixture[str]) -> None:
    # ggml-org's repo holds only the MXFP4 file; unsloth/gpt-oss-120b-GGUF holds Q4_K_M (58.46 GiB,
    # ailocalcheck.com/model/unsloth/gpt-oss-120b-GGUF)
    code, out, err = run_cli(
        ["plan", "gpt-oss-120b", "--gpu", "H100", "--engine", "llama.cpp", "--quant", "Q4_K_M"], capsys
    )
    assert code == 0, err
    assert out.startswith("llama-server -hf unsloth/gpt-oss-120b-GGUF:Q4_K_M ")
    assert "--tensor-split" not in out  # one 80 GB card holds the ~63 GB file


def test_a_gguf_repo_asked_for_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "Qwen/Qwen3-8B-GGUF", "--gpu", "RTX-4090", "--engine", "llama.cpp"]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    assert out.startswith("llama-server -hf Qwen/Qwen3-8B-GGUF:Q4_K_M ")
