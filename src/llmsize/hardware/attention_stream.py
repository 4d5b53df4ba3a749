"""Share of the datasheet bandwidth a decode step's KV read reaches through the engine's attention kernel.

The default is the 16-bit weight share (hardware/speed_profiles.kernel_bandwidth): the attention kernels
of the fit rows (FlashAttention / FlashInfer on NVIDIA, AMD's HIP paged attention) stream the cache as fast
as the GEMVs stream weights. Where an engine profile names a measured rate for the GPU's architecture
(EngineSpeedProfile.decode_attention_rate: Triton decode attention on CDNA3,
estimate/engines/rocm_triton_attention.py), that rate, at the step's batch, over the datasheet figure.
"""

from __future__ import annotations

import itertools
import math

from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.hardware.gpus import GpuSpec


def rate_at(curve: tuple[tuple[int, float], ...], batch: int) -> float:
    """`curve`'s bytes/s at `batch`: log-linear between measured batches, the end values outside them."""
    points = sorted(curve)
    if batch <= points[0][0]:
        return points[0][1]
    for (b0, r0), (b1, r1) in itertools.pairwise(points):
        if batch <= b1:
            return r0 + (r1 - r0) * math.log(batch / b0) / math.log(b1 / b0)
    return points[-1][1]


def decode_attention_share(prof: EngineSpeedProfile, gpu: GpuSpec, batch: int, default: float) -> float:
    """Achieved / datasheet bandwidth of the decode KV read: the profile's measured rate for this
    architecture where it names one (never above `default`, the weight kernels' share), else `default`."""
    curve = prof.decode_attention_rate.get(f"{gpu.vendor}-{gpu.architecture}")
    if not curve:
        return default
    return min(default, rate_at(curve, max(1, batch)) / gpu.bandwidth_bytes_per_s)
