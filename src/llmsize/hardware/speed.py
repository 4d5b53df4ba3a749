"""Rough speed: a roofline model of decode (memory-bound) and prefill (compute-bound).

Decode reads every active weight and the KV cache of the whole batch once per step, so
    time per step ≈ max(bytes read ÷ achievable bandwidth, FLOPs ÷ achievable FLOP/s)
and prefill does ≈ 2 × active parameters FLOPs per prompt token plus attention,
    time ≈ max(FLOPs ÷ achievable FLOP/s, weight bytes ÷ achievable bandwidth).
This is the standard roofline argument (Williams et al., "Roofline", CACM 2009) as applied to
LLM inference by e.g. Pope et al., "Efficiently Scaling Transformer Inference" (MLSys 2023).
These are estimates: every efficiency factor is shown in the output and can be overridden.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from llmsize.hardware.gpus import GpuSpec
from llmsize.specs.models import ModelSpec


class Efficiency(BaseModel):
    """Fractions of the datasheet peaks that real inference reaches; all overridable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # REFERENCE: model bandwidth utilisation of decode in real serving stacks is 60-85% of peak
    # (https://www.open-source-ai.tech/glossary/model-bandwidth-utilization); llama.cpp and MLX
    # sit at the low end. 0.7 is the middle-low of that band.
    bandwidth: float = Field(default=0.7, gt=0, le=1, description="achieved / peak memory bandwidth")
    # REFERENCE: an A100 (312 TFLOPS bf16 peak) reaches ~150-180 TFLOPS in LLM training with
    # FlashAttention, i.e. 0.5-0.58 of peak (stas00/ml-engineering, "Maximum Achievable FLOPS",
    # https://github.com/stas00/ml-engineering/blob/master/compute/accelerator/README.md).
    compute: float = Field(default=0.5, gt=0, le=1, description="achieved / peak tensor FLOP/s")
    # REFERENCE: NCCL reaches ~783 of 900 GB/s on HGX H100 NVLink
    # (https://github.com/NVIDIA/nccl/issues/1264): ~0.87 of the link's peak.
    interconnect: float = Field(default=0.85, gt=0, le=1, description="achieved / peak GPU-to-GPU bandwidth")

    def describe(self) -> str:
        return (f"efficiency: bandwidth {self.bandwidth:.0%}, compute {self.compute:.0%}, "
                f"interconnect {self.interconnect:.0%} of peak")


# Plain-words classes for the speed one user sees (lower bound inclusive, tokens/s).
# 20-30 t/s is "comfortable": text streams faster than anyone reads, yet visibly arrives word by
# word; below 10 t/s the output falls behind a reader (DESIGN decision recorded in docs).
SPEED_CLASSES: tuple[tuple[float, str], ...] = (
    (100.0, "instant"),
    (50.0, "fast"),
    (30.0, "fluent"),
    (20.0, "comfortable"),
    (10.0, "slow"),
    (0.0, "too slow to read along"),
)


def speed_class(tokens_per_s: float) -> str:
    """'instant' (100+), 'fast' (50-100), 'fluent' (30-50), 'comfortable' (20-30), 'slow' (10-20)..."""
    for floor, label in SPEED_CLASSES:
        if tokens_per_s >= floor:
            return label
    return SPEED_CLASSES[-1][1]


class SpeedInputs(BaseModel):
    """Per-GPU facts of one layout that the roofline needs (all bytes are per GPU)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weight_bytes_per_gpu: int = Field(ge=0, description="weights held by the busiest GPU")
    active_weight_bytes_per_gpu: int = Field(ge=0, description="weights one decode step reads on it")
    kv_bytes_per_gpu: int = Field(ge=0, description="KV cache of the whole batch at the context, on it")
    active_params: int = Field(gt=0, description="parameters used per token (whole model)")
    attention_flops_prefill: float = Field(ge=0, description="attention FLOPs of one prompt (whole model)")
    attention_flops_decode: float = Field(ge=0, description="attention FLOPs of one new token at the context")
    prompt_tokens: int = Field(gt=0)
    batch: int = Field(default=1, gt=0)
    hidden_size: int = Field(gt=0)
    num_layers: int = Field(gt=0)
    activation_bytes_per_element: float = 2.0
    compute_dtype: str = "bf16"
    tp: int = 1
    pp: int = 1
    dp: int = 1


class SpeedEstimate(BaseModel):
    """Rough latency and throughput, with what bounded each phase."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ttft_s: float = Field(description="time to first token: prefill of the batch's prompts")
    tpot_s: float = Field(description="time per output token for one sequence")
    decode_tokens_per_s: float = Field(description="per sequence")
    aggregate_tokens_per_s: float = Field(description="all sequences of all replicas")
    speed_class: str
    decode_bound: str = Field(description="'memory' or 'compute'")
    prefill_bound: str
    bytes_per_step: int = Field(description="bytes one GPU reads per decode step")
    compute_flops: float = Field(description="peak FLOP/s used for the compute dtype")
    efficiency: Efficiency
    notes: tuple[str, ...] = ()


def _allreduce_seconds(inputs: SpeedInputs, gpu: GpuSpec, tokens: int, eff: Efficiency) -> float:
    """Two all-reduces of the activations per layer under tensor parallelism (Megatron-LM layout).

    Ring all-reduce moves 2(tp-1)/tp of the message per GPU (NCCL docs, "ring" algorithm); the link
    figure is bidirectional, so one direction carries half of it. Latency per call is ignored.
    """
    if inputs.tp <= 1:
        return 0.0
    link = gpu.interconnect_bytes_per_s
    if not link:
        return 0.0
    message = tokens * inputs.hidden_size * inputs.activation_bytes_per_element
    per_gpu = message * 2 * (inputs.tp - 1) / inputs.tp
    # Pipeline stages run one after another, so every layer's all-reduces add up.
    return 2 * inputs.num_layers * per_gpu / (link / 2 * eff.interconnect)


def estimate_speed(inputs: SpeedInputs, gpu: GpuSpec, eff: Efficiency | None = None) -> SpeedEstimate:
    """Roofline decode and prefill times for one layout of `gpu`s (see module docstring)."""
    eff = eff or Efficiency()
    bandwidth = gpu.bandwidth_bytes_per_s * eff.bandwidth
    flops = gpu.flops_for(inputs.compute_dtype) * eff.compute
    notes: list[str] = []
    if not gpu.supports(inputs.compute_dtype):
        notes.append(f"{gpu.id} has no native {inputs.compute_dtype}; speed uses its fallback rate")

    # Decode: every stage reads its active weights and its share of the KV cache, one after another.
    bytes_per_step = inputs.active_weight_bytes_per_gpu + inputs.kv_bytes_per_gpu
    memory_s = inputs.pp * bytes_per_step / bandwidth
    decode_flops = inputs.batch * (2 * inputs.active_params + inputs.attention_flops_decode)
    compute_s = decode_flops / (inputs.tp * flops)
    step_s = max(memory_s, compute_s) + _allreduce_seconds(inputs, gpu, inputs.batch, eff)
    decode_bound = "memory" if memory_s >= compute_s else "compute"

    # Prefill: the batch's prompts in one pass; stages run in sequence, TP splits the FLOPs.
    prefill_flops = inputs.batch * (2 * inputs.active_params * inputs.prompt_tokens
                                    + inputs.attention_flops_prefill)
    prefill_compute_s = prefill_flops / (inputs.tp * flops)
    prefill_memory_s = inputs.pp * inputs.weight_bytes_per_gpu / bandwidth
    prefill_s = max(prefill_compute_s, prefill_memory_s) + _allreduce_seconds(
        inputs, gpu, inputs.batch * inputs.prompt_tokens, eff)
    prefill_bound = "compute" if prefill_compute_s >= prefill_memory_s else "memory"

    if inputs.tp > 1 and not gpu.interconnect_bytes_per_s:
        notes.append("no interconnect figure for this GPU: tensor-parallel communication not counted")
    if inputs.pp > 1:
        notes.append("pipeline stages run one after another for a single sequence (no micro-batching)")

    per_seq = 1.0 / step_s
    return SpeedEstimate(
        ttft_s=prefill_s,
        tpot_s=step_s,
        decode_tokens_per_s=per_seq,
        aggregate_tokens_per_s=per_seq * inputs.batch * inputs.dp,
        speed_class=speed_class(per_seq),
        decode_bound=decode_bound,
        prefill_bound=prefill_bound,
        bytes_per_step=bytes_per_step,
        compute_flops=gpu.flops_for(inputs.compute_dtype),
        efficiency=eff,
        notes=tuple(notes),
    )


def attention_pair_count(tokens: int, window: int | None) -> int:
    """Query-key pairs a causal prompt of `tokens` scores: Σ_i min(i, window)."""
    if window is None or window >= tokens:
        return tokens * (tokens + 1) // 2
    return window * (window + 1) // 2 + (tokens - window) * window


def _attention_dims(spec: ModelSpec) -> tuple[int, int, int]:
    """(query heads, q·k width, v width) of one attention layer; MLA uses its own head dims."""
    if spec.is_mla:
        return (spec.num_attention_heads, spec.qk_nope_head_dim + spec.qk_rope_head_dim,
                spec.v_head_dim or spec.head_dim)
    return spec.num_attention_heads, spec.head_dim, spec.head_dim


def attention_flops_prefill(spec: ModelSpec, tokens: int) -> float:
    """Score and value matmuls of one causal prompt: 2·heads·(d_qk + d_v) per query-key pair, per layer.

    QKᵀ costs 2·d_qk FLOPs per pair and P·V 2·d_v (multiply + add), as in the Chinchilla paper's
    FLOP accounting (Hoffmann et al. 2022, appendix F); causal masking halves the pairs.
    """
    heads, d_qk, d_v = _attention_dims(spec)
    total = 0
    for layer in range(spec.num_layers):
        total += attention_pair_count(tokens, spec.layer_window(layer))
    return 2.0 * heads * (d_qk + d_v) * total


def attention_flops_decode(spec: ModelSpec, context: int) -> float:
    """One new token attending to `context` cached tokens (or its window), all layers."""
    heads, d_qk, d_v = _attention_dims(spec)
    total = 0
    for layer in range(spec.num_layers):
        window = spec.layer_window(layer)
        total += min(context, window) if window else context
    return 2.0 * heads * (d_qk + d_v) * total
