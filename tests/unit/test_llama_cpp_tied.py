"""llama.cpp / Ollama with tied embeddings: token_embd in host RAM and its copy on the GPU.

A GGUF of a tied model has no output.weight; src/llama-model.cpp `load_tensors` creates the output
layer from token_embd with TENSOR_DUPLICATED, placed as the output layer (the last GPU under a full
-ngl), while token_embd keeps the input layer's CPU buffer; Ollama's Go engine (ml/backend/ggml/ggml.go
`New`) targets a second "output.weight" from token_embd likewise. The file's one tensor is then in
both "CPU_Mapped" and "CUDA0 model buffer" (engines/llama_cpp_placement.py tied_output_bytes).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from llmsize.cli import app

runner = CliRunner()
MIB = 2**20
# Q6_K stores 256 values in 210 B (ggml-common.h block_q6_K); llama-quant gives a tied model's
# token_embd the output tensor's type, Q6_K under Q4_0 / Q4_K_M
GEMMA2_9B_EMBD = 256_000 * 3_584 * 210 // 256
QWEN3_4B_EMBD = 151_936 * 2_560 * 210 // 256
GEMMA2 = ("gemma-2-9b-it", "--engine", "llama.cpp", "--quant", "Q4_0", "--gpu", "RTX-4090")


def _doc(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["estimate", *args, "--format", "json"])
    assert result.exit_code in (0, 3), result.output
    return json.loads(result.output)


def test_gemma2_9b_splits_as_the_published_ollama_log() -> None:
    # ollama/ollama#7534 (Ollama 0.4.0 llama runner, gemma2:latest Q4_0, 43/43 layers on an RTX 4070 Ti
    # SUPER): "CPU buffer size = 717.77 MiB" and "CUDA0 buffer size = 5185.21 MiB"
    doc = _doc(*GEMMA2)
    assert doc["memory_host"]["weights"] == GEMMA2_9B_EMBD
    assert pytest.approx(717.77, abs=0.005) == GEMMA2_9B_EMBD / MIB
    assert doc["memory"]["weights"] / MIB == pytest.approx(5185.21, rel=0.02)
    # the GPU's copy is the same tensor: in both, and once in the file
    assert doc["engine"]["duplicated_weights_bytes"] == GEMMA2_9B_EMBD
    assert doc["all_weights_bytes"] == doc["memory"]["weights"]


def test_the_file_is_the_same_whether_the_output_layer_is_offloaded_or_not() -> None:
    # -ngl 42 keeps the output layer (and with it the duplicate) on the CPU: token_embd is mmapped once
    full, partial = _doc(*GEMMA2), _doc(*GEMMA2, "--gpu-layers", "42")
    assert partial["engine"]["duplicated_weights_bytes"] == 0
    assert full["all_weights_bytes"] == partial["all_weights_bytes"]
    # the GPU loses exactly the copy; host RAM keeps token_embd (plus the small output norm)
    assert full["memory"]["weights"] - partial["memory"]["weights"] == GEMMA2_9B_EMBD + 3_584 * 4
    assert partial["memory_host"]["weights"] == GEMMA2_9B_EMBD + 3_584 * 4


def test_the_busiest_gpu_without_the_output_layer_holds_no_copy() -> None:
    # on two GPUs the output layer lies on the last; host RAM holds token_embd whichever GPU is busiest
    doc = _doc(*GEMMA2, "--num-gpus", "2")
    assert doc["memory_host"]["weights"] == GEMMA2_9B_EMBD


@pytest.mark.parametrize("engine", ["llama.cpp", "ollama"])
def test_qwen3_4b_keeps_its_tied_embeddings_in_host_ram(engine: str) -> None:
    doc = _doc("qwen3:4b", "--engine", engine, "--gpu", "RTX-4090")
    assert doc["memory_host"]["weights"] == QWEN3_4B_EMBD
    assert doc["engine"]["duplicated_weights_bytes"] == QWEN3_4B_EMBD
    assert doc["all_weights_bytes"] == doc["memory"]["weights"]


def test_an_untied_model_has_no_copy() -> None:
    # qwen3:8b has its own output.weight: token_embd is host RAM only (ollama/ollama#11224)
    doc = _doc("qwen3:8b", "--gpu", "RTX-4090")
    assert doc["engine"]["duplicated_weights_bytes"] == 0
    assert doc["all_weights_bytes"] == doc["memory"]["weights"] + doc["memory_host"]["weights"]


def test_ollama_gemma3_keeps_the_projector_on_the_gpu_and_token_embd_on_the_host() -> None:
    # Ollama's blob carries the vision tower, which goes to the first GPU (llm/memory.go); the tied
    # token_embd must not be mistaken for it
    doc = _doc("gemma3:4b", "--gpu", "RTX-4090")
    copy = doc["engine"]["duplicated_weights_bytes"]
    assert copy > 0 and doc["memory_host"]["weights"] == copy
    assert "tied output layer" in doc["components"]["weights"]["detail"]


def test_on_unified_memory_the_tied_copy_shares_the_mapped_pages() -> None:
    # A Mac loads the GGUF through mmap into host-pointer buffers ("Metal_Mapped model buffer"): token_embd
    # and its output copy point at the same file offset; a discrete card holds the copy in its own memory
    # (llama_cpp_host.device_need). Metal's working-set limit counts the GPU's buffers only, so the
    # CPU_Mapped token_embd stays outside the Mac's budget (GpuSpec.host_ram_in_budget, newcomer round 14).
    mac = _doc("gemma-2-9b-it", "--engine", "llama.cpp", "--quant", "Q4_0", "--gpu", "M4-Max-128GB")
    dup = mac["engine"]["duplicated_weights_bytes"]
    assert dup == GEMMA2_9B_EMBD
    assert mac["memory_host"]["total"] > dup
    assert mac["gpus"][0]["per_gpu_bytes"] == mac["memory"]["total"]
    discrete = _doc(*GEMMA2)
    assert discrete["gpus"][0]["per_gpu_bytes"] == discrete["memory"]["total"]
