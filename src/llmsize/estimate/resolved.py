"""The workload resolved once, before the components run: engine, weight format, dtypes, placement.

Every component and engine module reads these facts from one `Resolved` instead of re-deriving
them (the weight format, the compute dtype and the pipeline stages used to be worked out again by
each component that needed them).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.estimate import adapters, kv_cache
from llmsize.estimate.audio import AudioLoad
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines.base import BaseEngine
from llmsize.estimate.images import ImageLoad
from llmsize.estimate.placement import Stage
from llmsize.estimate.video import VideoLoad
from llmsize.estimate.weights import WeightEstimate, compute_dtype, estimate_weights, stages
from llmsize.estimate.workload import Mode, Workload
from llmsize.specs.models import ModelSpec

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


def resolve_workload(spec: ModelSpec, wl: Workload) -> Resolved:
    """Resolve `wl` for `spec` once; the engine validates its settings and KV type up front."""
    eng = engine_for(wl)
    placed = stages(spec, wl)
    weights = estimate_weights(spec, wl, placed)
    compute = compute_dtype(spec, wl, weights.format)
    kv_dtype = kv_cache.kv_dtype_for(wl, compute, spec)
    eng.kv_element_bytes(kv_dtype)
    targets = adapters.resolve_targets(spec, wl) if wl.mode in (Mode.LORA, Mode.QLORA) else None
    return Resolved(eng, weights, compute, kv_dtype, placed, targets)
