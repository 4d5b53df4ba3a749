"""llama.cpp Vulkan with BF16 weights on a driver without bf16 cooperative matrices ('bf16: 0').

ggml-vulkan builds its BF16 mat-muls on cooperative matrices only with the driver's bf16 support; without
it they run the scalar shaders widened to FP32, and a BF16 MoE decode step runs the mat-mat MUL_MAT_ID on
32-column tiles (estimate/engines/llama_cpp_vulkan_bf16.py). Checked against kyuz0's Strix Halo runs
(RADV, device line 'fp16: 1 | bf16: 0 | matrix cores: KHR_coopmat'); bench/speed_tables.yaml keeps them.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, estimate_speed, prefill_seconds, resolve_constants
from llmsize.hardware.vulkan_paths import vulkan_path
from llmsize.specs.resolve import resolve

STRIX = "Ryzen-AI-Max-395-128GB"
KYUZ0 = "https://github.com/kyuz0/amd-strix-halo-toolboxes/blob/08aa7bc026cb730fbf70a414b0fa5ca802fb72f5/benchmark/results/"
MINISTRAL = KYUZ0 + "Ministral-3-14B-Instruct-2512-BF16__vulkan_radv__fa1.log"
QWEN36 = KYUZ0 + "Qwen3.6-35B-A3B-BF16-00001-of-00002__vulkan_radv__fa1.log"
GLM47 = KYUZ0 + "GLM-4.7-Flash-BF16-00001-of-00002__vulkan_radv__fa1.log"
GEMMA3_2025 = ("https://github.com/kyuz0/amd-strix-halo-toolboxes/tree/2c8a1e2/benchmark/results/"
               "gemma-3-27b-it-BF16-00001-of-00002__vulkan_radv__fa1.log")


def _rates(model: str, quant: str, prompt: int = 512) -> tuple[float, float, bool]:
    """(pp tokens/s, tg tokens/s at 64 cached tokens, whether the weights are BF16) on Strix Halo Vulkan."""
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": prompt + 128, "prompt_tokens": prompt,
                                  "quant": quant, "flash_attn": "on", "backend": "vulkan"})
    inputs, gpu = speed_inputs(spec, wl, estimate(spec, wl), Layout()), get_gpu(STRIX)
    c = resolve_constants(inputs, gpu)
    pp, _ = prefill_seconds(inputs, gpu, c, prompt)
    step, _ = decode_step(inputs, gpu, c, 64)
    return prompt / pp, 1 / step, inputs.bf16_weights


def test_bf16_weights_take_the_scalar_path_only_without_bf16_matrices() -> None:
    assert vulkan_path(get_gpu(STRIX), "auto", bf16=True) == "scalar"
    assert vulkan_path(get_gpu(STRIX), "auto") == "coopmat"
    assert vulkan_path(get_gpu("RTX-3090"), "auto", bf16=True) == "coopmat2"  # NVIDIA: bf16 coopmat2


def test_dense_bf16_prompt_runs_the_fp32_scalar_shaders() -> None:
    # kyuz0, Ministral-3-14B-Instruct-2512 BF16, build 9193: 'pp512 | 255.05'; the coopmat path gave +99%.
    pp, tg, bf16 = _rates("Ministral-3-14B-Instruct-2512", "BF16")
    assert bf16
    assert pp == pytest.approx(255.05, rel=0.25), MINISTRAL
    # Dense BF16 decode keeps its mat-vec shader: 'tg128 | 7.83'.
    assert tg == pytest.approx(7.83, rel=0.15), MINISTRAL
    # kyuz0 2025 (build 7423), gemma-3-27b-it BF16: 'pp512 | 107.99'.
    pp, _, _ = _rates("gemma-3-27b-it", "BF16")
    assert pp == pytest.approx(107.99, rel=0.3), GEMMA3_2025


def test_bf16_moe_decode_pays_the_tiled_mul_mat_id() -> None:
    # kyuz0, Qwen3.6-35B-A3B BF16 and GLM-4.7-Flash BF16, build 9193: 'tg128 | 10.68' and '| 9.46'
    # (the mat-vec model gave 29.9 and 26.4). The tile's rate is priced on another run (Qwen3-30B-A3B).
    _, tg, _ = _rates("Qwen3.6-35B-A3B", "BF16")
    assert tg == pytest.approx(10.68, rel=0.3), QWEN36
    _, tg, _ = _rates("GLM-4.7-Flash", "BF16")
    assert tg == pytest.approx(9.46, rel=0.3), GLM47
    # A quantized MoE keeps mul_mat_vec_id: no tile cost.
    _, q4, bf16 = _rates("Qwen3.6-35B-A3B", "Q4_K_M")
    assert not bf16 and q4 > 3 * tg


def test_the_report_says_which_shaders_bf16_runs() -> None:
    spec = resolve("Qwen3.6-35B-A3B")
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 640, "prompt_tokens": 512,
                                  "quant": "BF16", "backend": "vulkan"})
    notes = estimate_speed(speed_inputs(spec, wl, estimate(spec, wl), Layout()), get_gpu(STRIX)).notes
    assert any("bf16: 0" in n and "FP32" in n for n in notes)
