"""The speed constants an engine module owns: how it spends a decode step and a prefill.

Each engine module (transformers, vllm, sglang, llama_cpp; Ollama inherits llama.cpp's) defines
one `EngineSpeedProfile` beside its memory rules, naming the release the constants were
calibrated on. The speed model (hardware/speed.py) asks the engine for it; kernel and device
constants that do not depend on the engine stay in hardware/speed_profiles.py. Calibrated on the
`fit` rows of bench/speed_tables.yaml (`python bench/speed_validation.py --fit`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class EngineSpeedProfile(BaseModel):
    """How one engine spends a decode step and a prefill, apart from reading bytes and doing FLOPs."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    engine: str
    version: str = Field(description="the engine release the constants were calibrated on")
    step_fixed_s: float = Field(ge=0, description="per decode step: scheduler, sampling, Python, sync")
    launch_per_layer_s: float = Field(
        ge=0, description="CPU time to launch one decoder layer's kernels; overlaps the GPU work"
    )
    gpu_per_layer_s: float = Field(
        ge=0, description="GPU time per layer not spent streaming bytes (small-kernel latency)"
    )
    prefill_chunk_tokens: int | None = Field(
        default=None, description="prompt tokens per forward pass (chunked prefill / ubatch); None = whole"
    )
    kv_materialized: bool = Field(
        default=False, description="decode copies the KV cache each step (torch.cat) and expands GQA heads"
    )
    graphs: bool = Field(description="decode replays CUDA graphs (launch cost is off the critical path)")
    prefill_compute: dict[str, float] = Field(
        default_factory=dict, description="achieved / peak FLOP/s of a prefill, per device class"
    )
    kernel_launch_per_layer_s: dict[str, float] = Field(
        default_factory=dict, description="extra CPU launch time per layer of a weight kernel family"
    )
    gpu_per_layer_by_class: dict[str, float] = Field(
        default_factory=dict,
        description="gpu_per_layer_s where a device class runs another backend (llama.cpp: Metal on Apple)",
    )
    expert_half_tokens: float = Field(
        default=0.0, ge=0,
        description="prefill: tokens per expert at which an expert GEMM runs at half its full-tile rate "
        "(0: expert GEMMs run like dense ones)",
    )
    layer_kernels: dict[str, int] = Field(
        default_factory=dict,
        description="kernels one decode step runs per part of a block (norm + residual as 'block', each "
        "token-mixer kind, 'dense_ffn', 'moe_ffn', 'moe_per_expert', 'shared_expert'); the per-layer latency "
        "above is that of a dense attention layer, spread over its kernels (empty: one latency a layer)",
    )
    state_traffic: float = Field(
        default=2.0, gt=0,
        description="bytes moved per byte of recurrent (GDN / Mamba) state per decode step: read and written "
        "back in place = 2",
    )
    sources: tuple[str, ...] = ()
