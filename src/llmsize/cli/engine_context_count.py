"""The engine's own context where the GPU count is chosen by the search (no --num-gpus, or auto).

Ollama picks its default NumCtx from the summed VRAM of every GPU it discovers at start (ollama
server/routes.go `Serve`: totalVRAM += gpu.TotalMemory - OLLAMA_GPU_OVERHEAD over discover.GPUDevices,
then >= 47 GiB -> 262144, >= 23 GiB -> 32768, else 4096; since v0.15.5). With --num-gpus N the machine
is N GPUs and engine_context.py sizes for all N. Without it the count is the search's answer, and the
machine that answer describes is that many GPUs: `compare gpt-oss:20b --gpu RTX-3060-12GB` showed
"2 (PP2)" at 4,096 tokens, the tier of one 12 GB card, where two cards (23.4 GiB) start at 32,768
(issue 15, newcomer round 16). The context changes the memory and so the count: the answer is the
fixed point, the fewest GPUs that fit at the context Ollama takes on that many. The tier only grows with
the count and the need with the context, so from the one-GPU tier each step moves up and at most one
step per tier is taken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from llmsize.cli.engine_context import engine_default_context

# More GPUs than any layout takes (the count bound the README states): the context at the most VRAM.
MANY_GPUS = 4096

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.hardware.gpus import GpuSpec
    from llmsize.specs.models import ModelSpec


def engine_context_for_count(spec: ModelSpec, workload: Workload, gpu: GpuSpec, count: int | None,
                             place: Callable[[Workload], int | None]) -> Workload:
    """`workload` at the context its engine takes on the GPUs the run uses: `count` of `gpu` where given,
    else the count `place` settles on (the GPU count the search picks for a workload; None: none fits)."""
    if count is not None:
        return engine_default_context(spec, workload, gpu, count)
    sized = engine_default_context(spec, workload, gpu, 1)
    if engine_default_context(spec, workload, gpu, MANY_GPUS).context == sized.context:
        return sized  # the count does not move the engine's context (vLLM, SGLang; the top tier): no search
    tried = {sized.context}
    while True:
        chosen = place(sized)
        if chosen is None or chosen <= 1:
            return sized
        again = engine_default_context(spec, workload, gpu, chosen)
        if again.context in tried:
            return sized
        tried.add(again.context)
        sized = again


def planner_count(spec: ModelSpec, gpu: GpuSpec) -> Callable[[Workload], int | None]:
    """The auto search's GPU count for a workload of `spec` on `gpu` (Planner.choose_layout), None where
    no count fits."""
    from llmsize.hardware.planner import Planner

    def place(wl: Workload) -> int | None:
        layout, fits = Planner(spec, wl).choose_layout(gpu, None)
        return layout.count if fits else None

    return place
