"""Strix Halo: llama.cpp's batch-1 GGUF weight stream runs at the memory system's measured read ceiling.

The LPDDR class share (0.79 of the datasheet, calibrated on DGX Spark rows) priced Strix Halo's stream at
202 GB/s; its GPU reads ~212-215 GB/s by published memory benchmarks, and llama.cpp's large dense decodes
reach that (hardware/lpddr_ceiling.py). Checked against kyuz0's toolbox logs (build 9193, ROCm 7.2.3 and
RADV; bench/speed_tables.yaml keeps them as held-out rows).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.hardware.speed_profiles import kernel_bandwidth
from llmsize.specs.resolve import resolve

STRIX = "Ryzen-AI-Max-395-128GB"
# lhl's notes (r/LocalLLaMA, details at llm-tracker.info/_TOORG/Strix-Halo): 'rocm_bandwidth_test gives
# about 212 GB/s peak bandwidth'
LLM_TRACKER = "https://reddit.birdcat.cafe/r/MetaAI+LocalLlama"
# '256 GB/s theoretical, ~215 GB/s measured (84% efficiency)'
SOFTAB = "https://whylucian.github.io/softab/docs/hardware-specs.html"
KYUZ0 = ("https://github.com/kyuz0/amd-strix-halo-toolboxes/blob/08aa7bc026cb730fbf70a414b0fa5ca802fb72f5/"
         "benchmark/results/")
QWEN36_ROCM = KYUZ0 + "Qwen3.6-27B-UD-Q8_K_XL__rocm-7_2_3__fa1.log"
QWEN36_VULKAN = KYUZ0 + "Qwen3.6-27B-UD-Q8_K_XL__vulkan_radv__fa1.log"
MINISTRAL_ROCM = KYUZ0 + "Ministral-3-14B-Instruct-2512-BF16__rocm-7_2_3__fa1.log"


def _tg(model: str, quant: str, backend: str | None = None) -> float:
    """tg128 tokens/s (one step at 64 cached tokens, llama-bench's mean position) on Strix Halo."""
    spec = resolve(model)
    data = {"engine": "llama.cpp", "context": 129, "prompt_tokens": 1, "quant": quant, "flash_attn": "on"}
    if backend:
        data["backend"] = backend
    wl = Workload.model_validate(data)
    inputs, gpu = speed_inputs(spec, wl, estimate(spec, wl), Layout()), get_gpu(STRIX)
    step, _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), 64)
    return 1 / step


def test_the_gguf_stream_is_the_published_read_ceiling() -> None:
    gb_s = kernel_bandwidth("gguf", get_gpu(STRIX)) * get_gpu(STRIX).bandwidth_gb_s
    assert 212.0 <= gb_s <= 215.0, (LLM_TRACKER, SOFTAB)
    # Only where a ceiling is published: DGX Spark keeps the LPDDR class share, and so does a kernel
    # family other than GGUF on Strix Halo.
    assert kernel_bandwidth("gguf", get_gpu("DGX-Spark")) == pytest.approx(0.79)
    assert kernel_bandwidth("int4", get_gpu(STRIX)) < 0.79


def test_large_dense_8_bit_and_bf16_decode_at_the_ceiling() -> None:
    # kyuz0, Qwen3.6-27B UD-Q8_K_XL: ROCm 'tg128 | 6.51', RADV 'tg128 | 6.30'; the class share gave
    # 5.74 (-11.8%) and 5.78 (-8.2%).
    assert _tg("Qwen3.6-27B", "UD-Q8_K_XL") == pytest.approx(6.51, rel=0.08), QWEN36_ROCM
    assert _tg("Qwen3.6-27B", "UD-Q8_K_XL", "vulkan") == pytest.approx(6.30, rel=0.06), QWEN36_VULKAN
    # Ministral-3-14B BF16 under ROCm: 'tg128 | 8.50' (class share: 7.76, -8.7%).
    assert _tg("Ministral-3-14B-Instruct-2512", "BF16") == pytest.approx(8.50, rel=0.06), MINISTRAL_ROCM
