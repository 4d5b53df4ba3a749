"""vLLM and SGLang on a Mac are answered with their memory rules, and the row says that the run goes
through another backend there (vLLM: the vllm-metal plugin, MLX; SGLang: its MLX backend), so the CUDA
pool modelled is an approximation (docs.vllm.ai installation gpu.apple; sgl-project/sglang#19137)."""

from __future__ import annotations

import pytest

from cli_rows import estimate_gpu_row

MODEL = "Qwen2.5-7B-Instruct"


@pytest.mark.parametrize(("engine", "backend"), [("vllm", "vllm-metal"), ("sglang", "MLX backend")])
def test_a_server_engine_on_a_mac_names_the_backend_it_runs_through(engine: str, backend: str) -> None:
    row = estimate_gpu_row(MODEL, "--engine", engine, "--gpu", "M4-Max-128GB")
    warnings = row["warnings"]
    assert isinstance(warnings, list)
    assert sum(backend in w for w in warnings) == 1


@pytest.mark.parametrize("engine", ["vllm", "sglang", "llama.cpp"])
def test_on_an_nvidia_card_no_backend_note(engine: str) -> None:
    row = estimate_gpu_row(MODEL, "--engine", engine, "--gpu", "RTX-4090")
    assert not any("Apple silicon" in w for w in row["warnings"])  # type: ignore[union-attr]


def test_llama_cpp_on_a_mac_is_its_own_metal_backend() -> None:
    row = estimate_gpu_row(MODEL, "--engine", "llama.cpp", "--gpu", "M4-Max-128GB")
    assert not any("MLX" in w for w in row["warnings"])  # type: ignore[union-attr]
