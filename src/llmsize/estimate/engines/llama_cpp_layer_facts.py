"""What llama.cpp's start-up figures read of the blocks on the GPU, once per model and placement.

llama_cpp_figures.figures asked each block on the GPU whether it caches K/V of its own, keeps a
recurrent state or attends through a window, for every estimate, though a search estimates one
placement at many contexts and batches (issue 15: 96,584 `has_kv` calls in a cold `fit --all --gpu
T4 --engine llama.cpp --format json`). The answers read only the spec and the stages' blocks, so
they are kept per (spec, stages) in estimate/memo.py; the figures' numbers and lines are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from llmsize.estimate.memo import memo
from llmsize.estimate.placement import Stage
from llmsize.specs.models import ModelSpec


@dataclass(frozen=True)
class LayerFacts:
    """The blocks llama.cpp's logs count, for one placement of one model."""

    on_gpu: tuple[int, ...]  # every stage's blocks, ascending
    kv_layers: int  # blocks of the whole model with a K/V cache of their own (llama-kv-cache.cpp's count)
    state_layers: int  # blocks on the GPUs with a recurrent state
    stage_states: tuple[int, ...]  # the same, per stage, in the stages' order
    full: tuple[int, ...]  # blocks on the GPUs caching K/V over the whole context
    swa: tuple[int, ...]  # blocks on the GPUs caching K/V through a window
    widest_window: int | None  # the widest of those windows (None: no windowed block)


def layer_facts(spec: ModelSpec, stages: Sequence[Stage]) -> LayerFacts:
    """The facts of `stages` (their blocks, order and index: the key), computed once per spec object."""
    placed = tuple(stages)
    return memo(spec, ("llama.cpp layer facts", placed), lambda: _facts(spec, placed))


def _facts(spec: ModelSpec, stages: tuple[Stage, ...]) -> LayerFacts:
    on_gpu = tuple(sorted({layer for st in stages for layer in st.layers}))
    if spec.every_block_full_attention:  # every block caches K/V over the whole context: no walk
        return LayerFacts(on_gpu, spec.num_layers, 0, (0,) * len(stages), on_gpu, (), None)
    stage_states = tuple(sum(1 for layer in st.layers if spec.has_state(layer)) for st in stages)
    kv = [layer for layer in on_gpu if spec.has_kv(layer)]
    windows = {layer: spec.layer_window(layer) for layer in kv}
    swa = tuple(layer for layer in kv if windows[layer] is not None)
    return LayerFacts(
        on_gpu=on_gpu,
        kv_layers=sum(map(spec.has_kv, range(spec.num_layers))),
        state_layers=sum(1 for layer in on_gpu if spec.has_state(layer)),
        stage_states=stage_states,
        full=tuple(layer for layer in kv if windows[layer] is None),
        swa=swa,
        widest_window=max((int(w) for w in windows.values() if w is not None), default=None),
    )
