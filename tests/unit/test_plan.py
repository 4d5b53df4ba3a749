"""Planning: layouts, TP validity, the exact reverse searches, chat budgets, and plans on real models."""

from __future__ import annotations

import math

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate.workload import Engine, Mode, Workload
from llmsize.hardware.budget import chat_budget
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import (
    Layout,
    Planner,
    best_precision,
    compare,
    largest_within,
    read_fraction,
    recommend,
    tp_problem,
)
from llmsize.specs.resolve import resolve
from llmsize.units import GIB

# ------------------------------------------------------------------------------------- search


def _brute(f, budget: int, lo: int, hi: int) -> int | None:  # type: ignore[no-untyped-def]
    best = None
    for x in range(lo, hi + 1):
        if f(x) <= budget:
            best = x
    return best


@pytest.mark.parametrize(
    "f",
    [
        lambda x: 1000 + 37 * x,  # linear (KV cache)
        lambda x: 1000 + 3 * x + x * x // 50,  # quadratic (eager attention)
        lambda x: 500 + 40 * min(x, 300) + 2 * x,  # a sliding window's kink
        lambda x: 100 + 16 * math.ceil(x / 16) * 7,  # block rounding (vLLM)
    ],
)
@pytest.mark.parametrize("budget", [50, 1000, 1037, 5000, 12345, 40000, 10**9])
def test_largest_within_matches_brute_force(f, budget: int) -> None:  # type: ignore[no-untyped-def]
    assert largest_within(f, budget, 1, 2000) == _brute(f, budget, 1, 2000)


def test_largest_within_needs_few_evaluations_on_linear_memory() -> None:
    calls = []

    def f(x: int) -> int:
        calls.append(x)
        return 14 * GIB + 131072 * x + 5

    assert largest_within(f, 24 * GIB, 1, 131072) == (10 * GIB - 5) // 131072
    assert len(calls) <= 5


# --------------------------------------------------------------------------------- TP validity


def test_tp_must_divide_attention_heads() -> None:
    spec = resolve("Llama-3.1-8B")  # 32 heads, 8 KV heads
    assert tp_problem(spec, 1) is None
    assert tp_problem(spec, 8) is None
    assert tp_problem(spec, 16) is None  # 16 > 8 KV heads: each KV head replicated on 2 GPUs
    problem = tp_problem(spec, 3)
    assert problem is not None and "32 attention heads" in problem


def test_tp_that_neither_divides_nor_multiplies_kv_heads() -> None:
    spec = resolve("Qwen2.5-7B")  # 28 heads, 4 KV heads
    assert tp_problem(spec, 4) is None
    assert tp_problem(spec, 7) is not None  # 7 divides 28 heads but not 4 KV heads, nor is a multiple


# ------------------------------------------------------------------------------------- budgets


def test_chat_budget_finds_the_turn_that_stops_fitting() -> None:
    budget = chat_budget(prompt_tokens=500, output_tokens=300, turns=20, window_tokens=32768,
                         memory_tokens=10_000, system_tokens=200)
    # context(t) = 200 + 800 t: turn 12 needs 9,800 tokens, turn 13 needs 10,600 > 10,000 (memory).
    assert budget.turns_that_fit == 12
    assert budget.stops_at_turn == 13
    assert budget.limited_by == "memory"
    assert [t.fits for t in budget.turns][11:13] == [True, False]
    assert "turn 13" in budget.summary()


def test_chat_budget_limited_by_the_window_or_all_fit() -> None:
    budget = chat_budget(prompt_tokens=1000, output_tokens=1000, turns=3, window_tokens=4096,
                         memory_tokens=100_000)
    assert budget.limited_by == "context window"
    assert budget.stops_at_turn == 3
    everything = chat_budget(prompt_tokens=100, output_tokens=100, turns=5, window_tokens=4096,
                             memory_tokens=100_000)
    assert everything.stops_at_turn is None and everything.turns_that_fit == 5


def test_chat_budget_rejects_nonsense() -> None:
    with pytest.raises(BadInputError):
        chat_budget(prompt_tokens=0, output_tokens=10, turns=3, window_tokens=4096, memory_tokens=100)


# ------------------------------------------------------------------------ plans on real models


def test_read_fraction_dense_and_moe() -> None:
    dense = resolve("Llama-3.1-8B")
    # Untied embeddings: the 128256 x 4096 table is a lookup, not read per step.
    assert 0.9 < read_fraction(dense, 1) < 1.0
    moe = resolve("Mixtral-8x7B-v0.1")  # 2 of 8 experts per token
    assert read_fraction(moe, 1) < 0.4
    assert read_fraction(moe, 1) < read_fraction(moe, 8) < read_fraction(moe, 64) <= 1.0


def test_single_gpu_fit_with_limits_and_speed() -> None:
    spec = resolve("Qwen2.5-7B-Instruct")
    planner = Planner(spec, Workload(dtype="bf16", context=4096))
    row = planner.plan(get_gpu("RTX-4090"), 1)
    assert row.fits and row.count == 1
    assert row.headroom_bytes == row.usable_bytes - row.per_gpu_bytes
    assert row.max_context is not None and row.max_context >= 4096
    # The answer is exact: one more token does not fit (or it is the model's window).
    if row.max_context < spec.max_position_embeddings:
        more = planner.estimate(planner.workload(Layout(), context=row.max_context + 1))
        assert more.total_bytes > row.usable_bytes
    assert row.max_batch is not None and row.max_batch >= 1
    assert row.decode_tokens_per_s and 10 < row.decode_tokens_per_s < 200
    assert row.speed_class is not None and row.ttft_s is not None


def test_auto_finds_the_smallest_count() -> None:
    spec = resolve("Llama-3.1-70B")
    planner = Planner(spec, Workload(dtype="bf16", context=4096))
    h100 = get_gpu("h100")
    row = planner.plan(h100, None)
    assert row.fits
    # ~141 GB of bf16 weights: two 80 GB cards, split by layers as transformers' device_map="auto" does
    # (tensor parallelism needs tp_plan="auto" under torchrun: --tp; issue 15, round 11)
    assert row.count == 2 and (row.tp, row.pp) == (1, 2)
    assert not planner.plan(h100, 1, limits=False).fits


def test_explicit_bad_tp_and_zero_gpus_are_bad_input() -> None:
    spec = resolve("Llama-3.1-8B")
    with pytest.raises(BadInputError, match="attention heads"):
        Planner(spec, Workload(tp=3, num_gpus=3)).plan(get_gpu("h100"), 3)
    with pytest.raises(BadInputError, match="at least 1"):
        Planner(spec, Workload()).plan(get_gpu("h100"), 0)


def test_vllm_reports_concurrent_sequences() -> None:
    spec = resolve("Llama-3.1-8B")
    planner = Planner(spec, Workload(dtype="bf16", context=8192, engine=Engine.VLLM))
    row = planner.plan(get_gpu("h100"), 1)
    assert row.engine == "vllm" and row.fits
    assert row.usable_bytes == int(get_gpu("h100").visible_memory_bytes * 0.9)
    # Llama-3.1-8B keeps 128 KiB of bf16 K+V per token (32 layers x 8 heads x 128 x 2 x 2 bytes).
    per_seq = 8192 * 32 * 8 * 128 * 2 * 2
    assert row.kv_pool_bytes is not None and row.max_concurrent_seqs is not None
    assert row.max_concurrent_seqs == row.kv_pool_bytes // per_seq


def test_llama_cpp_reports_layers_on_the_gpu() -> None:
    spec = resolve("Llama-3.1-70B")
    planner = Planner(spec, Workload(quant="Q4_K_M", engine=Engine.LLAMA_CPP, context=4096))
    row = planner.plan(get_gpu("RTX-4090"), 1)
    assert not row.fits
    assert row.gpu_layers is not None and 0 < row.gpu_layers < spec.num_layers


def test_best_precision_on_a_small_card() -> None:
    spec = resolve("Llama-3.1-8B")
    results, best = best_precision(spec, Workload(context=4096), get_gpu("RTX-3060-12GB"))
    labels = [r.option.label for r in results]
    assert labels[0] == "bf16"
    assert best is not None and best > 0  # 16 GB of bf16 weights do not fit 12 GB; a quantization does
    assert not results[0].row.fits and results[best].row.fits
    assert results[best].row.max_context is not None


def test_fp8_on_a100_is_a_warning_not_an_error() -> None:
    spec = resolve("Llama-3.1-8B")
    row = Planner(spec, Workload(quant="fp8")).plan(get_gpu("a100"), 1)
    assert row.fits
    assert any("Marlin" in w for w in row.warnings)


def test_compare_and_recommend() -> None:
    spec = resolve("Llama-3.1-70B")
    wl = Workload(dtype="bf16", context=4096)
    gpus = [get_gpu(n) for n in ("H100", "A100-80GB", "L40S", "RTX-4090")]
    rows = compare([(spec, wl)], gpus, None)
    assert [r.row.gpu for r in rows] == [g.id for g in gpus]
    counts = {r.row.gpu: r.row.count for r in rows}
    assert counts["H100-SXM-80GB"] == 2 and counts["RTX-4090"] >= 6
    lines = recommend(rows)
    assert len(lines) == 1 and "Recommendation" in lines[0]


def test_training_prefers_zero_data_parallelism() -> None:
    spec = resolve("Llama-3.1-8B")
    planner = Planner(spec, Workload(mode=Mode.FULL, dtype="bf16", zero=3, context=2048,
                                     gradient_checkpointing=True))
    layouts = planner.layouts(8)
    assert layouts[0] == Layout(1, 1, 8)


def test_training_splits_layers_not_tensors_unless_tp_is_asked() -> None:
    """Trainer/TRL runs with several GPUs and no ZeRO use DDP replicas or a device_map="auto" layer
    split (pipeline stages); tensor parallel training needs an explicit plan, so TP only with --tp."""
    spec = resolve("Qwen2.5-14B")
    wl = Workload(mode=Mode.LORA, dtype="bf16", context=4096)
    assert all(layout.tp == 1 for layout in Planner(spec, wl).layouts(4))
    assert {layout.pp for layout in Planner(spec, wl).layouts(4)} == {1, 2, 4}
    row = Planner(spec, wl).plan(get_gpu("RTX-4090"), 2)
    assert (row.tp, row.pp) == (1, 2)
    asked = Planner(spec, wl.model_copy(update={"tp": 2, "num_gpus": 2})).layouts(2)
    assert asked and all(layout.tp == 2 for layout in asked)


def test_transformers_splits_layers_unless_tp_is_asked() -> None:
    # gemma-2 runs eager attention (scores: batch x heads x context^2). Plain transformers
    # (device_map="auto") splits the layers, which does not shrink the scores: two MI300X do not hold them.
    # TP 2 (tp_plan="auto" under torchrun, asked with --tp 2) splits its 16 heads, and fits.
    spec = resolve("gemma-2-9b")
    wl = Workload(dtype="bf16", context=32768, batch=2)
    mi300x = get_gpu("MI300X")
    plain = Planner(spec, wl).plan(mi300x, 2, limits=False)
    assert (plain.tp, plain.pp) == (1, 2) and not plain.fits
    asked = Planner(spec, wl.model_copy(update={"tp": 2, "num_gpus": 2})).plan(mi300x, 2, limits=False)
    assert asked.tp == 2 and asked.fits
