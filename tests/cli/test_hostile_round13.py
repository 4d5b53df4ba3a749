"""The thirteenth hostile round (issue 15): `--num-gpus N` that fits no layout of N GPUs.

The planner then takes the largest count below N with a layout that fits. Tried count by count, that
was one estimate per (TP, PP, replica class) below N, each a walk over every block: a config of
16,384 blocks on 64 T4s with vLLM took ~18 s. hardware/fewer_gpus.py searches each series of
pipeline degrees by bisection instead; these tests hold it to the count-by-count answer and bound
the estimates it asks for (the time itself is measured by bench/fuzz_round13.py, never here).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
)

from llmsize import Workload, resolve
from llmsize.hardware.fewer_gpus import fewer_gpus_layout
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.layout import Layout
from llmsize.hardware.planner import Planner


def _one_by_one(n: int, layouts: Any, fits: Any) -> Layout | None:
    for count in range(n - 1, 0, -1):
        for layout in layouts(count):
            if fits(layout):
                return layout
    return None


def _layouts(count: int) -> list[Layout]:
    out = []
    for tp in (1, 2, 4, 8):
        for pp in range(1, count + 1):
            if count % (tp * pp) == 0:
                out.append(Layout(tp, pp, count // (tp * pp)))
    return sorted(out, key=lambda lay: (lay.dp, lay.pp))


def test_series_search_equals_one_by_one_on_monotone_needs() -> None:
    """For any need that does not grow with the pipeline degree in a (TP, replica class) series, apart
    from PP 1 (no stage communication), the bisection lands on the count-by-count answer; each
    series asks `fits` at most log2 of its length + 2 times."""
    rng = random.Random(13)
    for _ in range(300):
        n = rng.randint(2, 70)
        threshold = {(tp, d): rng.choice([None, *range(2, 40)]) for tp in (1, 2, 4, 8) for d in (1, 2, 3)}
        single = {(tp, d): rng.random() < 0.2 for tp in (1, 2, 4, 8) for d in (1, 2, 3)}

        def fits(lay: Layout, threshold: Any = threshold, single: Any = single) -> bool:
            key = (lay.tp, min(lay.dp, 3))
            if lay.pp == 1:
                return bool(single[key])
            return threshold[key] is not None and lay.pp >= threshold[key]

        asked: list[Layout] = []

        def counted(lay: Layout, fits: Any = fits, asked: list[Layout] = asked) -> bool:
            asked.append(lay)
            return bool(fits(lay))

        found = fewer_gpus_layout(n, _layouts, counted, lambda lay: (lay.tp, min(lay.dp, 3)))
        assert found == _one_by_one(n, _layouts, fits), n
        assert len(asked) <= 12 * (2 + (n - 1).bit_length()), (n, len(asked))


@pytest.mark.parametrize(
    ("model", "workload", "gpu", "counts"),
    [
        # (gemma-2-9b under transformers on 3 / 7 MI300X was the other case: its eager scores needed TP 2,
        # which transformers now plans only when --tp asks (issue 15, round 11), and --tp fixes the layout)
        ("Qwen2.5-7B", {"engine": "vllm", "context": 131072}, "T4", (29, 31)),
    ],
)
def test_planner_falls_back_as_count_by_count(
    model: str, workload: dict[str, Any], gpu: str, counts: tuple[int, ...]
) -> None:
    """Catalog models whose N GPUs have no layout that fits (gemma-2's eager scores need a TP degree
    that divides its heads; a prime count offers none): the planner's answer is the count-by-count one
    (also checked over a sample of the catalog by bench/fewer_gpus_identical.py)."""
    planner = Planner(resolve(model), Workload(**workload))
    card = get_gpu(gpu)
    sub = planner.for_gpu(card)
    for n in counts:
        layout, fits = planner.choose_layout(card, n)
        assert fits and layout.count < n, (n, layout)
        assert layout == sub.fewer_gpus_one_by_one(card, n, sub.usable(card), {}), n


def test_no_layout_on_64_gpus_asks_few_estimates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Qwen2.5-7B at 1M tokens on 64 T4s with vLLM fits no layout of any count: the count-by-count
    fallback estimated every (TP, PP, replica class) below 64 (~160 per format); the series search asks
    the deepest split of each series and its PP 1 (at most 2 x 4 TP degrees x 3 classes)."""
    calls = 0
    budget = Planner.budget

    def counted(self: Planner, gpu: Any, wl: Workload) -> Any:
        nonlocal calls
        calls += 1
        return budget(self, gpu, wl)

    monkeypatch.setattr(Planner, "budget", counted)
    planner = Planner(resolve("Qwen2.5-7B"), Workload(engine="vllm", context=1 << 20))
    t4 = get_gpu("T4")
    layout, fits = planner.choose_layout(t4, 64)
    assert not fits and layout.count == 64  # the least need of the 64-GPU layouts, as before
    assert calls <= len(planner.for_gpu(t4).layouts(64)) + 2 * 4 * 3, calls


@pytest.mark.parametrize("engine", ["vllm", "sglang", "transformers", "llama.cpp"])
def test_full_attention_blocks_sized_alike_without_the_walk(engine: str) -> None:
    """The cache walks skip visiting each block where every block is full attention with its own K/V
    (ModelSpec.every_block_full_attention, kv_cache.py / vllm_kv_groups.py): the same model with each
    block's kind spelled out (layer_types, which the walks then visit) must be sized the same."""
    from llmsize.estimate.core import estimate

    spec = resolve("Qwen2.5-0.5B")
    assert spec.every_block_full_attention
    spelled = spec.model_copy(update={"layer_types": ("full_attention",) * spec.num_layers})
    assert not spelled.every_block_full_attention
    for wl in (Workload(engine=engine), Workload(engine=engine, context=32768, batch=4),
               Workload(engine=engine, num_gpus=2, pp=2)):
        assert estimate(spec, wl).total_bytes == estimate(spelled, wl).total_bytes, wl


@pytest.mark.parametrize("model", ["DeepSeek-V2-Lite", "gemma-3n-E4B-it", "Qwen2.5-0.5B"])
def test_zero3_gathered_block_from_one_block_of_each_kind(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ZeRO-3 sizes the largest gathered block (core.py _gathered_layers) from one block per set of
    parameter groups (weights.distinct_blocks), not every block: a dense-first MoE (DeepSeek-V2-Lite),
    per-block MLP widths (Gemma 3n) and a uniform model are sized as by the walk over every block."""
    import llmsize.estimate.core as core

    spec = resolve(model)
    blocks = core.distinct_blocks(spec, tuple(range(spec.num_layers)))
    assert 1 <= len(blocks) < spec.num_layers
    wls = [Workload(mode="full", zero=3, num_gpus=8), Workload(mode="lora", zero=3, num_gpus=4, pp=2)]
    fast = [core.estimate(spec, wl).total_bytes for wl in wls]
    monkeypatch.setattr(core, "distinct_blocks", lambda spec, layers: layers)
    assert fast == [core.estimate(spec, wl).total_bytes for wl in wls]


def _round13() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import fuzz_round13

    return fuzz_round13


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("pick", range(6))
def test_seeded_sample_of_round13_inputs(
    pick: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A seeded sample of bench/fuzz_round13.py's odd-but-valid configs and option values (sizes,
    contexts, concurrency lists, --output targets): each ends in a result or one line with exit 2."""
    r13 = _round13()
    (tmp_path / "configs").mkdir()
    (tmp_path / "options").mkdir()
    configs = list(r13.config_cases(tmp_path / "configs"))
    options = list(r13.option_cases(tmp_path / "options"))
    rng = random.Random(13)
    sample = [*rng.sample(configs, 2), *rng.sample(options, 4)]
    assert_answered(sample[pick], capsys)
