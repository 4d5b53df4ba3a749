"""Unsloth's Q4_K_XL files of Gated DeltaNet MoE models keep their always-read tensors at Q8_0
(specs/unsloth_hybrid_moe.py): the file sizes and decode speeds other people published for them.

Sizes are the weights llama-bench / the Hub list for the file; speeds are llama-bench tg128. Tolerances:
3% for a size (the routed experts' own mix is not modelled), the held-out llama.cpp class's 20% for a speed.
"""

from __future__ import annotations

import pytest

import llmsize
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve

GIB = 1024**3
# kyuz0/amd-r9700-ai-toolboxes benchmark/results/Qwen3.6-35B-A3B-UD-Q4_K_XL__rocm7_2_2__fa1__single.log
# (commit 703c876e): "| qwen35moe 35B.A3B Q4_K - Medium | 20.81 GiB | 34.66 B | ROCm | 99 | 1 | tg128 |"
KYUZ0_R9700 = "https://github.com/kyuz0/amd-r9700-ai-toolboxes"
# ggml-org/Llama-macOS PR 63's table of the unsloth/Qwen3.5-*-GGUF files: UD-Q4_K_XL 22.2 GB (35B-A3B).
LLAMA_MACOS_63 = "https://github.com/ggml-org/Llama-macOS/pull/63"
# PR #20334's description: Qwen3-Coder-Next UD-Q4_K_XL on a Radeon 8060S (Vulkan), tg128 46.64 t/s (the PR).
PR_20334 = "https://github.com/ggml-org/llama.cpp/pull/20334"
# aayushgarg.dev 2026-04-05 (Qwen3.5 vs Gemma 4): RTX 4090, llama.cpp of 2026-04-03, Qwen3.5-35B-A3B
# UD-Q4_K_XL (20.70 GiB) tg128 ~136 t/s.
GARG_4090 = "https://aayushgarg.dev/posts/2026-04-05-qwen35-vs-gemma4"


def _weights(name: str, quant: str) -> float:
    spec = llmsize.resolve(name)
    return float(estimate(spec, Workload(engine="llama.cpp", quant=quant)).all_weights_bytes)


@pytest.mark.parametrize(("name", "published", "source"), [
    ("Qwen3.6-35B-A3B", 20.81 * GIB, KYUZ0_R9700),
    ("Qwen3.5-35B-A3B", 22.2e9, LLAMA_MACOS_63),
])
def test_q4_k_xl_size_holds_its_q8_0_tensors(name: str, published: float, source: str) -> None:
    sized = _weights(name, "UD-Q4_K_XL")
    assert sized == pytest.approx(published, rel=0.03), source
    # Q4_K_M's rules alone (the stand-in before) sit ~5% under the file: the always-read tensors are Q8_0.
    assert _weights(name, "Q4_K_M") < published * 0.96, source


def test_the_pins_cover_only_the_always_read_tensors() -> None:
    spec = llmsize.resolve("Qwen3.6-35B-A3B-UD-Q4_K_XL")
    assert ("attn.*", "Q8_0") in spec.weight_format.gguf_tensor_types
    assert ("mixer.*", "Q8_0") in spec.weight_format.gguf_tensor_types
    assert not any(kind.startswith("expert") for kind, _ in spec.weight_format.gguf_tensor_types)
    assert any("Q8_0" in w and "Unsloth" in w for w in spec.warnings)
    # A dense hybrid (Qwen3.5-27B) and a non-hybrid MoE keep the plain stand-in.
    assert not llmsize.resolve("Qwen3.5-27B-UD-Q4_K_XL").weight_format.gguf_tensor_types
    plain_moe = llmsize.resolve("Qwen3-30B-A3B-UD-Q4_K_XL").weight_format.gguf_tensor_types
    assert ("attn.*", "Q8_0") not in plain_moe


def _tokens_per_s(model: str, gpu: str, engine: str, backend: str | None = None) -> float:
    spec = resolve(model)
    data = {"engine": "llama.cpp", "context": 129, "prompt_tokens": 1, "quant": "UD-Q4_K_XL"}
    if backend:
        data["backend"] = backend
    wl = Workload.model_validate(data)
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine)
    card = get_gpu(gpu)
    step, _ = decode_step(inputs, card, resolve_constants(inputs, card), 64)
    return 1 / step


@pytest.mark.parametrize(("model", "gpu", "engine", "backend", "published", "source"), [
    ("Qwen3-Coder-Next", "Ryzen-AI-Max-395-128GB", "llama.cpp", "vulkan", 46.64, PR_20334),  # +29% before
    ("Qwen3.5-35B-A3B", "RTX-4090", "llama.cpp-fusions-pr16884-pr19645", None, 136.0, GARG_4090),
])
def test_hybrid_moe_decode_reads_the_q8_0_tensors(model: str, gpu: str, engine: str, backend: str | None,
                                                  published: float, source: str) -> None:
    assert _tokens_per_s(model, gpu, engine, backend) == pytest.approx(published, rel=0.20), source
