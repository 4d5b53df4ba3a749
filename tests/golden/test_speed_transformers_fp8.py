"""transformers' fine-grained FP8 decode per release (estimate/engines/transformers_fp8_linear.py), checked
against Qwen's published transformers 4.51.3 speeds on an H20. No test is timed."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import transformers_batched_mm as batched_mm
from llmsize.estimate.engines import transformers_fp8_linear as fp8_linear
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, generation_seconds, resolve_constants
from llmsize.hardware.speed_profiles import ENGINE_PROFILES
from llmsize.specs.resolve import resolve

# Qwen3's speed benchmark, transformers 4.51.3 on one H20, 1 prompt token + 2048 generated
# (bench/speed_tables.yaml qwen3-h20-157 and qwen3-h20-158): "Qwen3-32B | 1 | BF16 | 1 | 26.24" and
# "Qwen3-32B | 1 | FP8 | 1 | 7.37" tokens/s.
QWEN3_SPEED = (
    "https://github.com/QwenLM/Qwen2.5/blob/ac7272455d45483d2f579a88295e81586d60ff6f/"
    "docs/source/getting_started/speed_benchmark.md"
)
PUBLISHED_BF16 = 26.24
PUBLISHED_FP8 = 7.37


def _inputs(model: str, engine: str) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate(
        {"engine": "transformers", "context": 2049, "prompt_tokens": 1, "batch": 1, "num_gpus": 1}
    )
    return speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=1, pp=1), engine=engine)


def _tokens_per_s(model: str, engine: str, gpu_id: str) -> float:
    seconds = generation_seconds(_inputs(model, engine), get_gpu(gpu_id), prompt_tokens=1, new_tokens=2048)
    return 2049 / seconds


def test_451_fp8_matches_the_published_h20_row() -> None:
    # 4.51's FP8Linear runs act_quant, the Triton matmul and torch.cuda.synchronize per linear
    predicted = _tokens_per_s("Qwen3-32B-FP8", "transformers-4", "H20")
    assert abs(predicted / PUBLISHED_FP8 - 1) < 0.15, QWEN3_SPEED


def test_451_fp8_decodes_slower_than_bf16_on_the_same_card() -> None:
    # half the weight bytes, yet 26.24 / 7.37 = 3.6x slower: the per-linear sync, not the bytes, sets the step
    fp8 = _tokens_per_s("Qwen3-32B-FP8", "transformers-4", "H20")
    bf16 = _tokens_per_s("Qwen3-32B", "transformers-4", "H20")
    assert PUBLISHED_BF16 / PUBLISHED_FP8 > 3
    assert bf16 / fp8 > 2, QWEN3_SPEED


def test_5x_fp8_linear_is_one_launch_without_sync() -> None:
    # 3 dispatches with no kernel at 3.2 us (pytorch/pytorch#189573) and one Triton launch at 18 us
    # (triton-lang/triton#3648), per linear, 7 linears a layer
    assert fp8_linear.launch_per_layer() == pytest.approx(7 * (3 * 3.2e-6 + 18e-6))
    v5 = ENGINE_PROFILES["transformers"].kernel_launch_per_layer_s["fp8"]
    v451 = ENGINE_PROFILES["transformers-4"].kernel_launch_per_layer_s["fp8"]
    assert v5 == pytest.approx(fp8_linear.launch_per_layer())
    assert v5 < v451 / 5


def test_5x_fp8_on_hopper_is_not_slower_than_bf16_on_ampere() -> None:
    # 4.51's sync-per-linear cost carried over to 5.x made an H100 decode FP8 at 8 tokens/s against an A100's
    # 14 in BF16; 5.23's fused kernel leaves both steps launch-bound, the FP8 one a Triton launch longer per
    # linear than the BF16 one on the same card
    h100_fp8 = _tokens_per_s("Qwen3-32B-FP8", "transformers", "H100-SXM-80GB")
    h100_bf16 = _tokens_per_s("Qwen3-32B", "transformers", "H100-SXM-80GB")
    a100_bf16 = _tokens_per_s("Qwen3-32B", "transformers", "A100-SXM-80GB")
    assert a100_bf16 < h100_fp8 < h100_bf16


def test_5x_fp8_experts_are_read_in_place() -> None:
    # fp8_batched_mm_experts_forward's matmul_batched strides into each expert's slice; the 16-bit
    # batched_mm_experts_forward gathers copies (read + write) first
    assert batched_mm.gather_passes("fp8") == 0.0
    assert batched_mm.gather_passes("16bit") == batched_mm.GATHER_COPY_PASSES == 2.0
    gpu = get_gpu("H100-SXM-80GB")
    assert resolve_constants(_inputs("Qwen3-30B-A3B-FP8", "transformers"), gpu).moe_gather_traffic == 0.0
    assert resolve_constants(_inputs("Qwen3-30B-A3B", "transformers"), gpu).moe_gather_traffic == 2.0
