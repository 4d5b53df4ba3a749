"""The workload resolved once, before the components run: engine, weight format, dtypes, placement.

Every component and engine module reads these facts from one `Resolved` instead of re-deriving
them (the weight format, the compute dtype and the pipeline stages used to be worked out again by
each component that needed them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from llmsize.estimate import kv_cache
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines.base import BaseEngine
from llmsize.estimate.memo import KeptPerObject, memo
from llmsize.estimate.placement import Stage
from llmsize.estimate.weights import WeightEstimate, compute_dtype, estimate_weights, stages
from llmsize.estimate.workload import Mode, Workload
from llmsize.specs.models import ModelSpec

if TYPE_CHECKING:  # the media's and LoRA's modules load when a workload has them (issue 15)
    from llmsize.estimate import adapters
    from llmsize.estimate.audio import AudioLoad
    from llmsize.estimate.images import ImageLoad
    from llmsize.estimate.video import VideoLoad

_DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2}


@dataclass(frozen=True)
class Resolved:
    """Shared, per-workload facts every component and stage needs."""

    engine: BaseEngine
    weights: WeightEstimate
    compute: str
    kv_dtype: str
    stages: tuple[Stage, ...]
    targets: adapters.LoraTargets | None
    # False when only the nominal peak is wanted (the planner's searches): the activations' low-high
    # range takes a second walk with the fused kernel, which no fit row shows (issue 15).
    ranges: bool = True
    # The images each sequence sends (estimate/images.py); the decoder's workload already counts
    # their tokens, the transformers phase walk adds the tower's own peak (activations/vision.py).
    images: ImageLoad | None = None
    audio: AudioLoad | None = None  # the audio each sequence sends (estimate/audio.py)
    video: VideoLoad | None = None  # the video each sequence sends (estimate/video.py)

    @property
    def compute_bytes(self) -> int:
        """Bytes per activation element in the compute dtype (2 unless fp32)."""
        return _DTYPE_BYTES.get(self.compute, 2)

    @property
    def busiest_stage(self) -> Stage:
        """The stage with the most blocks (ties: the one with the head)."""
        return max(self.stages, key=lambda st: (len(st.layers), st.head))


# Workload fields that only size the sequences: the weights, stages, dtypes and LoRA targets never
# read them, so the planner's searches over context and batch resolve each layout once (issue 15).
_PER_TOKEN = frozenset({"context", "batch", "prompt_tokens"})


class ShapeKey(tuple[object, ...]):
    """The workload's field values but its sequence sizes, hashed once (a memo key asked twice)."""

    _hash: int

    def __hash__(self) -> int:
        return self._hash


def shape_key(wl: Workload) -> ShapeKey | None:
    """`wl` without its sequence sizes: the key of what stays the same at every context and batch
    (None, not cached, if some field is unhashable)."""
    # Kept per workload object (frozen, and kept alive by its entry): the key reads every field, and
    # a cold `fit --all` built it 517 times for a dozen workload objects (issue 15).
    return _SHAPE_KEYS.get(wl, lambda: _new_shape_key(wl))


_SHAPE_KEYS: KeptPerObject[ShapeKey | None] = KeptPerObject(1024)


def _new_shape_key(wl: Workload) -> ShapeKey | None:
    key = ShapeKey(value for name, value in wl.__dict__.items() if name not in _PER_TOKEN)
    try:
        key._hash = tuple.__hash__(key)
    except TypeError:
        return None
    return key


def resolve_workload(
    spec: ModelSpec, wl: Workload, key: ShapeKey | None = None, **fields: object
) -> Resolved:
    """Resolve `wl` for `spec` once per shape (`shape_key`); the engine validates its settings and
    KV type up front. The parts kept per shape read no sequence size (tests/unit/test_resolve_shape.py;
    `fit --all` over the catalog, docs/startup.md). `fields`: other fields of the result (its media),
    set in the same copy."""
    key = key or shape_key(wl)
    shared = memo(spec, None if key is None else ("resolved", key), lambda: _resolve(spec, wl))
    # The engine is bound to the whole workload (llama.cpp's n_ctx, SGLang's chunk): bind it anew.
    return replace(shared, engine=engine_for(wl), **fields)  # type: ignore[arg-type]


def _resolve(spec: ModelSpec, wl: Workload) -> Resolved:
    eng = engine_for(wl)
    placed = stages(spec, wl)
    weights = estimate_weights(spec, wl, placed)
    compute = compute_dtype(spec, wl, weights.format)
    kv_dtype = kv_cache.kv_dtype_for(wl, compute, spec)
    eng.kv_element_bytes(kv_dtype)
    targets = None
    if wl.mode in (Mode.LORA, Mode.QLORA):
        from llmsize.estimate import adapters

        targets = adapters.resolve_targets(spec, wl)
    return Resolved(eng, weights, compute, kv_dtype, placed, targets)
