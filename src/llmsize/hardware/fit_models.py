"""FitRow: one GPU (or GPU layout) checked against an estimate. JSON keys are a DESIGN.md contract."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FitRow(BaseModel):
    """Whether a workload fits `count` GPUs of one kind, with headroom, limits and rough speed.

    Required keys (DESIGN.md): gpu, count, fits, per_gpu_bytes, headroom_bytes, max_context,
    decode_tokens_per_s, ttft_s. Keys are only ever added.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    gpu: str = Field(description="catalog id")
    count: int = Field(gt=0)
    fits: bool
    per_gpu_bytes: int = Field(ge=0, description="predicted peak on the busiest GPU")
    headroom_bytes: int = Field(description="usable memory minus per_gpu_bytes; negative when it does not fit")
    max_context: int | None = Field(default=None, description="longest context that fits at the batch asked")
    decode_tokens_per_s: float | None = None
    ttft_s: float | None = None
    tp: int = 1
    pp: int = 1
    dp: int = 1
    reason: str | None = Field(default=None, description="why it does not fit: the component that is too large")
