"""Which layout of fewer than N GPUs `--num-gpus N` falls back to when no layout of all N fits.

With N GPUs one can always run a smaller layout and leave GPUs idle; the planner takes the largest
count below N with a layout that fits, and of that count the most preferred layout (planner.py
`choose_layout`). Tried one by one, that is one estimate per (TP, PP, replica class) of every count
below N, about 200 at N = 64, each a walk over the model's blocks: a config of 16,384 blocks on 64
T4s that fits nothing took ~18 s (issue 15, "every input answered in under 2 s").

The search here asks for far fewer. Layouts with the same TP degree and replica class (what the
estimate reads of the replica count, planner.py `_layout_budget`) form a series along the pipeline
degree, and along it the need does not grow: each further stage holds fewer blocks (contiguous runs
of floor(L / pp) or one more, the embedding on the first stage and the LM head on the last: vLLM's
vllm/distributed/utils.py and SGLang's python/sglang/srt/distributed/utils.py `get_pp_indices`, as
estimate/weights.py `stages` splits them), while what
every rank holds whatever its blocks (the CUDA context, NCCL) is the same at every PP > 1. PP 1 has
no stage-to-stage communication (vllm_post_kv.py `pre_snapshot_bytes`: NCCL at tp x pp > 1), so it is
asked on its own. So the fitting pipeline degrees > 1 of a series are all those from its smallest,
found by bisection: two estimates per series where its deepest split does not fit (at most 4 TP
degrees x 3 replica classes), log2 of its length more where it does. Engines that place blocks
themselves (llama.cpp, Ollama: split points i/n that are not nested) and ZeRO (whose need falls
with the replica count too) keep the one-by-one search (planner.py). Where blocks differ (sliding and
full attention, dense and MoE), a deeper split can still put more of the heavier ones on one stage,
so this is an assumption, not a proof: bench/fewer_gpus_identical.py holds it to the one-by-one
answer over a sample of the catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from llmsize.hardware.layout import Layout


def fewer_gpus_layout(num_gpus: int, layouts: Callable[[int], list[Layout]], fits: Callable[[Layout], bool],
                      series: Callable[[Layout], Hashable]) -> Layout | None:
    """The first layout, counts from num_gpus - 1 down and each count's `layouts` in their order,
    that fits, with `fits` asked once per bisection step of a series (`series(layout)`: the layouts
    whose need differs only by their pipeline degree); None when none fits."""
    by_count = {count: layouts(count) for count in range(num_gpus - 1, 0, -1)}
    members: dict[Hashable, dict[int, Layout]] = {}
    for candidates in by_count.values():
        for layout in candidates:
            members.setdefault(series(layout), {}).setdefault(layout.pp, layout)
    found: dict[Hashable, tuple[bool, int | None]] = {}
    for candidates in by_count.values():
        for layout in candidates:
            key = series(layout)
            if key not in found:
                found[key] = fitting_degrees(members[key], fits)
            single, start = found[key]
            if (single and layout.pp == 1) or (start is not None and layout.pp >= start):
                return layout
    return None


def fitting_degrees(by_pp: dict[int, Layout], fits: Callable[[Layout], bool]) -> tuple[bool, int | None]:
    """(whether PP 1 fits, the smallest pipeline degree > 1 that fits): PP 1 asked on its own, the
    degrees > 1 by bisection where the deepest fits (fitting is monotone along them: module docstring)."""
    single = 1 in by_pp and fits(by_pp[1])
    degrees = sorted(pp for pp in by_pp if pp > 1)
    lo, hi = 0, len(degrees) - 1
    if not degrees or not fits(by_pp[degrees[hi]]):
        return single, None
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(by_pp[degrees[mid]]):
            hi = mid
        else:
            lo = mid + 1
    return single, degrees[lo]
