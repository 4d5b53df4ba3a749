"""`--num-gpus auto` estimates fewer layouts under SGLang and inference, choosing the same (issue 15).

Two shortcuts of hardware/planner.py: layouts whose default static share SGLang itself makes zero or
negative (reserved_mib grows by TP x PP / 8 GiB) are refused before any estimate, and the replicas of
an inference layout share one budget (no inference estimate reads the replica count). Both are
checked here against estimating every layout of every count.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.fit import visible_memory_bytes
from llmsize.hardware.gpus import GpuSpec, get_gpu
from llmsize.hardware.layout import AUTO_COUNTS
from llmsize.hardware.plan import Layout, Planner
from llmsize.specs.resolve import resolve


def _every_layout_choice(planner: Planner, gpu: GpuSpec) -> tuple[Layout, bool]:
    """The auto search with every layout of every count estimated: the first that fits, else the
    least need of the last count tried (or of the first, on a refusal no count lifts)."""
    best: tuple[Layout, bool] | None = None
    for count in AUTO_COUNTS:
        budgets = [(lay, planner.budget(gpu, planner.workload(lay))) for lay in planner.layouts(count)]
        if not budgets:
            continue
        fitting = [lay for lay, bud in budgets if bud.fits]
        if fitting:
            return fitting[0], True
        least = min(bud.need_bytes for _, bud in budgets)
        best = next(lay for lay, bud in budgets if bud.need_bytes == least), False
        if any(bud.layout_independent for _, bud in budgets):
            return best
    assert best is not None
    return best


@pytest.mark.parametrize(
    ("model", "gpu", "context"),
    [
        ("Qwen3-0.6B", "GTX-1660", 4096),  # fits one card
        ("Llama-3.1-8B", "RTX-3060-8GB", 4096),  # fits 8 GPUs (TP 8)
        ("Llama-3.1-70B", "GTX-1660", 4096),  # fits no count: every count searched, the widest kept
        ("Qwen3-8B", "RX-7600", 1 << 20),  # past the derived length: refused at the first count
    ],
)
def test_sglang_auto_choice_equals_estimating_every_layout(model: str, gpu: str, context: int) -> None:
    spec = resolve(model)
    card = get_gpu(gpu)
    wl = Workload(engine=Engine.SGLANG, context=context)
    brute = _every_layout_choice(Planner(spec, wl).for_gpu(card), card)
    assert Planner(spec, wl).choose_layout(card, None) == brute


def test_refused_before_estimate_means_the_budget_refuses() -> None:
    """Where SGLang's default share is not positive the layout never starts; where it is, it may."""
    spec = resolve("Llama-3.1-8B")
    card = get_gpu("RTX-3060-8GB")
    planner = Planner(spec, Workload(engine=Engine.SGLANG)).for_gpu(card)
    total = visible_memory_bytes(card)
    refused = 0
    for layout in (Layout(1, 1, 1), Layout(2, 4, 1), Layout(8, 8, 1), Layout(8, 32, 1)):
        wl = planner.workload(layout)
        early = engine_for(wl).refused_before_estimate(spec, total)
        bud = planner.budget(card, wl)
        if early:
            refused += 1
            assert not bud.fits and bud.reason is not None and "refuse" in bud.reason
    assert refused >= 1  # 64 ranks reserve 8 GiB of an 8 GiB card: the default share is below zero
    assert not engine_for(planner.workload(Layout(1, 1, 1))).refused_before_estimate(spec, total)


@pytest.mark.parametrize("engine", [Engine.SGLANG, Engine.VLLM, Engine.TRANSFORMERS])
def test_inference_replicas_have_one_budget(engine: Engine) -> None:
    """The same tp x pp with 1, 2 or 5 replicas: the same need, fit and reason."""
    spec = resolve("Qwen3-8B")
    card = get_gpu("L4")
    planner = Planner(spec, Workload(engine=engine, context=8192)).for_gpu(card)
    tp = 1 if engine is Engine.TRANSFORMERS else 2
    seen = set()
    for dp in (1, 2, 5):
        bud = planner.budget(card, planner.workload(Layout(tp, 2, dp)))
        seen.add((bud.need_bytes, bud.fits, bud.reason))
    assert len(seen) == 1
