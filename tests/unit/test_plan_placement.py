"""Layouts an engine that places blocks itself does not tell apart share one budget (issue 15).

llama.cpp and Ollama split blocks over GPUs by themselves (--split-mode layer), so 16 GPUs as 16
stages or as 2 stages x 8 replicas are the same run, and every count past the layer count holds the
same split (llama_cpp_placement.placement_key says where the estimate reads each degree). The
planner estimates one layout per key: the same choice as trying them all, in far fewer estimates.
"""

from __future__ import annotations

from collections.abc import Hashable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.cli import main
from llmsize.estimate.engines import Budget, engine_for
from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.gpus import GpuSpec, get_gpu
from llmsize.hardware.layout import AUTO_COUNTS
from llmsize.hardware.plan import Layout, Planner
from llmsize.specs.resolve import resolve

OWN_SPLIT = (Engine.LLAMA_CPP, Engine.OLLAMA)


def _all_layouts_choice(planner: Planner, gpu: GpuSpec, counts: list[int]) -> tuple[Layout, bool]:
    """`--num-gpus auto` as the planner chose before placement keys: every layout of every count
    estimated, the first that fits, else the least need of the count (the last count tried)."""
    best: tuple[Layout, bool] | None = None
    for count in counts:
        candidates = planner.layouts(count)
        if not candidates:
            continue
        budgets = [(layout, planner.budget(gpu, planner.workload(layout))) for layout in candidates]
        fitting = [layout for layout, bud in budgets if bud.fits]
        if fitting:
            return fitting[0], True
        least = min(bud.need_bytes for _, bud in budgets)
        best = next(layout for layout, bud in budgets if bud.need_bytes == least), False
        if planner.budget(gpu, planner.workload(best[0])).layout_independent:
            return best
    assert best is not None
    return best


def test_deepseek_r1_bf16_on_rtx_4090_estimates_each_split_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """DeepSeek-R1 (61 blocks) with Ollama fits no count of RTX 4090s: the 19 counts of AUTO_COUNTS
    held 106 layouts (139 budgets, 116 estimates). One split per count below 61 blocks (1-8, 16, 24, 32,
    48: 12) and one for every count from 64 up (61 GPUs hold a block each, the rest none): 13."""
    calls: list[Workload] = []
    plain = Planner.budget

    def counted(self: Planner, gpu: GpuSpec, wl: Workload) -> Budget:
        calls.append(wl)
        return plain(self, gpu, wl)

    chosen: list[int] = []
    choose = Planner.choose_layout

    def choosing(self: Planner, gpu: GpuSpec, num_gpus: int | None, **kw: int) -> tuple[Layout, bool]:
        out = choose(self, gpu, num_gpus, **kw)
        chosen.append(len(calls))
        return out

    monkeypatch.setattr(Planner, "budget", counted)
    monkeypatch.setattr(Planner, "choose_layout", choosing)
    with pytest.raises(SystemExit) as ended:
        # --num-gpus auto: the layout search alone (without it plan first sizes Ollama's own one-GPU split)
        main(["plan", "deepseek-r1:671b", "--gpu", "RTX-4090", "--quant", "BF16", "--engine", "ollama",
              "--num-gpus", "auto"])
    assert ended.value.code == 3  # nothing fits
    assert "23.99 GiB" in capsys.readouterr().err
    below = [c for c in AUTO_COUNTS if c < 61]
    assert chosen == [len(below) + 1]  # the layout search: one budget per split
    assert len({(wl.num_gpus, wl.pp) for wl in calls[: chosen[0]]}) == chosen[0]
    assert len(calls) < 139 // 4  # the row's own limits and offload split come on top (27 in all)


@pytest.mark.parametrize(
    ("model", "quant", "engine", "gpu"),
    [
        ("deepseek-r1:671b", "BF16", Engine.OLLAMA, "RTX-4090"),
        ("Llama-3.1-70B", "Q4_K_M", Engine.LLAMA_CPP, "RTX-3090"),
        ("Qwen3-30B-A3B", "Q8_0", Engine.LLAMA_CPP, "RTX-4060"),
        ("Llama-3.1-405B", "Q2_K", Engine.OLLAMA, "RTX-4090"),
    ],
)
def test_auto_choice_equals_trying_every_layout(model: str, quant: str, engine: Engine, gpu: str) -> None:
    spec = resolve(model)
    wl = Workload(quant=quant, engine=engine, context=8192)
    card = get_gpu(gpu)
    brute = _all_layouts_choice(Planner(spec, wl).for_gpu(card), card, list(AUTO_COUNTS))
    assert Planner(spec, wl).choose_layout(card, None) == brute
    explicit = _explicit_choice(Planner(spec, wl).for_gpu(card), card, 12)
    assert Planner(spec, wl).choose_layout(card, 12) == explicit


def _explicit_choice(planner: Planner, gpu: GpuSpec, n: int) -> tuple[Layout, bool]:
    """`--num-gpus n` tried on every layout of n, then of n - 1 ... 1 (GPUs left idle)."""
    first: tuple[Layout, bool] | None = None
    for count in range(n, 0, -1):
        candidates = planner.layouts(count)
        if not candidates:
            continue
        budgets = [(layout, planner.budget(gpu, planner.workload(layout))) for layout in candidates]
        fitting = [layout for layout, bud in budgets if bud.fits]
        if fitting:
            return fitting[0], True
        if first is None:
            least = min(bud.need_bytes for _, bud in budgets)
            first = next(layout for layout, bud in budgets if bud.need_bytes == least), False
    assert first is not None
    return first


@settings(max_examples=25, deadline=None)
@given(
    model=st.sampled_from(["Llama-3.1-8B", "Qwen3-30B-A3B", "gemma-2-9b", "Mixtral-8x7B-v0.1"]),
    engine=st.sampled_from(OWN_SPLIT),
    quant=st.sampled_from(["Q4_K_M", "Q8_0", "BF16"]),
    context=st.sampled_from([2048, 8192, 32768]),
    batch=st.integers(1, 4),
    gpu_layers=st.one_of(st.none(), st.integers(0, 40)),
    counts=st.lists(st.integers(1, 80), min_size=2, max_size=4, unique=True),
)
def test_equal_placement_keys_mean_equal_budgets(
    model: str, engine: Engine, quant: str, context: int, batch: int, gpu_layers: int | None,
    counts: list[int],
) -> None:
    """Brute force over every layout of a few counts: the key says all the budget reads of a layout."""
    spec = resolve(model)
    planner = Planner(spec, Workload(quant=quant, engine=engine, context=context, batch=batch,
                                     gpu_layers=gpu_layers))
    gpu = get_gpu("RTX-4090")
    seen: dict[Hashable, Budget] = {}
    for count in counts:
        for layout in planner.layouts(count):
            wl = planner.workload(layout)
            key = engine_for(wl).placement_key(spec, wl)
            bud = planner.budget(gpu, wl)
            if key in seen:
                assert (bud.need_bytes, bud.fits, bud.reason) == (
                    seen[key].need_bytes, seen[key].fits, seen[key].reason), (layout, key)
            seen.setdefault(key, bud)


def test_engines_with_stages_by_layout_keep_every_layout() -> None:
    """vLLM splits blocks into --pipeline-parallel-size stages: no key, each layout its own budget."""
    spec = resolve("Llama-3.1-70B")
    wl = Workload(engine=Engine.VLLM).model_copy(update={"tp": 1, "pp": 2, "num_gpus": 4})
    assert engine_for(wl).placement_key(spec, wl) is None
