"""estimate(spec, workload): components, the busiest GPU, trainable counts, assumptions and warnings."""

from __future__ import annotations

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate import core
from llmsize.estimate.overhead import CUDA_CONTEXT_BYTES, CUDA_CONTEXT_HIGH_BYTES, CUDA_CONTEXT_LOW_BYTES
from llmsize.estimate.result import COMPONENTS
from llmsize.estimate.weights import weight_bytes
from llmsize.estimate.workload import Workload
from llmsize.specs.params import active_params, total_params
from llmsize.specs.resolve import resolve


def test_every_component_is_reported_with_its_rule() -> None:
    spec = resolve("Qwen2.5-7B-Instruct")
    est = core.estimate(spec, Workload(context=8192))
    assert [c.name for c in est.components] == list(COMPONENTS)
    for comp in est.components:
        if comp.bytes:
            assert comp.formula and comp.detail, comp.name
    assert est.weights_bytes == 2 * total_params(spec)
    assert est.kv_cache_bytes >= 2 * 28 * 4 * 128 * 2 * 8191  # at least the cache of context - 1 tokens
    assert est.peak_phase


def test_overhead_is_the_cuda_context_with_a_range() -> None:
    est = core.estimate(resolve("Qwen2.5-0.5B"), Workload())
    assert est.overhead_bytes == CUDA_CONTEXT_BYTES
    over = next(c for c in est.components if c.name == "overhead")
    assert over.range is not None
    assert (
        over.range.low
        == CUDA_CONTEXT_LOW_BYTES
        <= est.overhead_bytes
        <= CUDA_CONTEXT_HIGH_BYTES
        <= over.range.high
    )


def test_params_and_trainable_params() -> None:
    spec = resolve("Mixtral-8x7B-v0.1")
    est = core.estimate(spec, Workload(mode="lora"))
    assert est.params == total_params(spec) and est.active_params == active_params(spec) < est.params
    # PEFT default for mixtral: q_proj + v_proj, LoraConfig's r=8, 32 layers (4096 -> 4096 and 4096 -> 1024)
    assert est.trainable_params == 32 * 8 * ((4096 + 4096) + (4096 + 1024))
    assert est.adapters_bytes == 4 * est.trainable_params
    full = core.estimate(resolve("Qwen2.5-0.5B"), Workload(mode="full", context=256))
    assert full.trainable_params == total_params(resolve("Qwen2.5-0.5B"))


def test_pipeline_parallel_reports_the_busiest_stage() -> None:
    spec = resolve("Llama-3.1-8B")
    wl = Workload(pp=4, num_gpus=4, context=2048)
    ctx, busiest = core.plan(spec, wl)
    assert busiest.static.weights == max(ctx.weights.per_stage)
    est = core.estimate(spec, wl)
    assert est.weights_bytes < weight_bytes(spec, Workload()) / 3
    assert any("busiest GPU" in a for a in est.assumptions)


def test_assumptions_and_warnings() -> None:
    spec = resolve("Meta-Llama-3-8B-Instruct")  # max_position_embeddings 8192
    est = core.estimate(spec, Workload(context=16384, kv_dtype="fp8"))
    assert any("max_position_embeddings" in w for w in est.warnings)
    assert any("KV cache in fp8" in a for a in est.assumptions)
    lora = core.estimate(spec, Workload(mode="qlora"))
    assert any("NF4" in a for a in lora.assumptions)
    assert any("fp32" in a for a in lora.assumptions)


def test_training_has_no_kv_cache_and_grows_with_optimizer_state() -> None:
    spec = resolve("Qwen2.5-0.5B")
    adamw = core.estimate(spec, Workload(mode="full", context=512))
    eight = core.estimate(spec, Workload(mode="full", context=512, optimizer="adamw-8bit"))
    assert adamw.kv_cache_bytes == 0
    assert eight.optimizer_bytes < adamw.optimizer_bytes


def test_bad_combinations_raise_bad_input() -> None:
    spec = resolve("Qwen2.5-7B-Instruct")  # 28 heads, 4 KV heads
    with pytest.raises(BadInputError):
        core.estimate(spec, Workload(tp=3, num_gpus=3))
    with pytest.raises(BadInputError):
        core.estimate(spec, Workload(kv_dtype="q4_0"))  # llama.cpp type on transformers
    with pytest.raises(BadInputError):
        core.estimate(spec, Workload(mode="training", quant="awq"))


def test_sweep_matches_one_estimate_per_point() -> None:
    from llmsize.estimate.sweep import sweep

    for model, base in (
        ("Qwen2.5-7B-Instruct", Workload()),
        ("gemma-2-9b", Workload(prompt_tokens=3000)),
        ("DeepSeek-V2-Lite", Workload(engine="vllm", kv_dtype="fp8")),
    ):
        spec = resolve(model)
        contexts, batches, dtypes = [3000, 4096, 9000], [1, 3], ["bf16", "fp16"]
        grid = sweep(spec, base, contexts, batches, dtypes)
        for i, dtype in enumerate(dtypes):
            for j, context in enumerate(contexts):
                for k, batch in enumerate(batches):
                    wl = Workload.model_validate(
                        {**base.model_dump(), "dtype": dtype, "context": context, "batch": batch}
                    )
                    est = core.estimate(spec, wl)
                    assert grid.kv_cache[i, j, k] == est.kv_cache_bytes, (model, dtype, context, batch)
                    assert grid.activations[i, j, k] == est.activations_bytes, (model, dtype, context, batch)
                    assert grid.total[i, j, k] == est.total_bytes


@pytest.mark.parametrize(
    ("model", "wl"),
    [
        ("Llama-3.1-8B-Instruct", Workload(context=32768)),
        ("gemma-3-27b-it", Workload(context=20000, batch=3)),  # sliding-window layers
        ("DeepSeek-V3", Workload(context=8192, tp=8, num_gpus=8)),  # MLA + MoE
        ("Qwen3-30B-A3B", Workload(context=4096, engine="vllm")),
        ("Qwen2.5-7B-Instruct", Workload(mode="qlora", context=8192)),
    ],
)
def test_numbers_only_estimate_has_the_same_bytes(model: str, wl: Workload) -> None:
    """The planner's `explained=False` (issue 15) skips the range walk and the formulas, not a byte."""
    spec = resolve(model)
    full = core.estimate(spec, wl)
    plain = core.estimate(spec, wl, explained=False)
    assert plain.memory_dict() == full.memory_dict()
    assert plain.peak_phase == full.peak_phase
    assert plain.engine_figures == full.engine_figures
    assert plain.warnings == full.warnings
    assert [c.formula for c in plain.components] == [""] * len(COMPONENTS)
    # A second, cached walk of the same sizes gives the same answer as the first.
    assert core.estimate(spec, wl).memory_dict() == full.memory_dict()
