"""What every forward pass pays, a decode step and a prefill chunk alike.

Per-layer kernel latency, tensor-parallel all-reduces and MoE token gathers, and attention's
achieved FLOP rate: shared by decode_time.py and prefill_time.py, so each is written once.
"""

from __future__ import annotations

from llmsize.estimate.engines import llama_cpp_fattn_accumulate as fattn_accumulate
from llmsize.hardware.allreduce import collective_link_bytes_per_s
from llmsize.hardware.expert_parallel import dispatch_combine_seconds
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.qk_norm_tp import qk_norm_collective_calls
from llmsize.hardware.speed_profiles import MESH_SMALL_MESSAGE_BYTES
from llmsize.hardware.speed_records import SpeedConstants, SpeedInputs


def _layer_latency(inputs: SpeedInputs, c: SpeedConstants) -> float:
    """Seconds of per-layer kernel latency in one forward pass (plus the per-node cost of extra nodes)."""
    if c.gpu_per_node_s and c.latency_layers:
        # Dense blocks at the per-layer latency, every node beyond them at the per-node time.
        dense_layers = min(c.latency_layers, float(inputs.num_layers))
        return c.gpu_per_layer_s * dense_layers + c.gpu_per_node_s * c.extra_nodes
    return c.gpu_per_layer_s * (c.latency_layers or inputs.num_layers)


def _allreduce_seconds(inputs: SpeedInputs, gpu: GpuSpec, tokens: int, c: SpeedConstants) -> float:
    """Two all-reduces of the activations per layer under tensor parallelism (Megatron-LM layout).

    Ring all-reduce moves 2(tp-1)/tp of the message per GPU (NCCL docs, "ring" algorithm); the link
    figure is bidirectional, so one direction carries half of it; each call also pays a latency.
    Behind a switch (NVSwitch) every peer is reached at the GPU's whole figure; in a switchless
    mesh (8 x MI300X: one xGMI link per peer) a decode-sized all-reduce moves at one link's share.
    """
    if inputs.tp <= 1:
        return 0.0
    calls = 2 * inputs.num_layers
    qk_calls = qk_norm_collective_calls(inputs)  # latency only (hardware/qk_norm_tp.py)
    link = collective_link_bytes_per_s(gpu)
    if not link:
        return (calls + qk_calls) * c.allreduce_latency_s
    message = tokens * inputs.hidden_size * inputs.activation_bytes_per_element
    per_gpu = message * 2 * (inputs.tp - 1) / inputs.tp
    peer = gpu.peer_link_bytes_per_s
    if peer and message <= MESH_SMALL_MESSAGE_BYTES:
        # Switchless mesh: a small all-reduce runs over one peer link at a time, not all of them.
        link = peer
    return calls * (c.allreduce_latency_s + per_gpu / (link / 2 * c.interconnect_fraction)) + (
        qk_calls * c.allreduce_latency_s)


def _moe_gather_seconds(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants, tokens: int,
                        decode: bool = False) -> float:
    """MoE token gather / scatter across engine cores or DP-attention groups (expert_parallel.py)."""
    return dispatch_combine_seconds(inputs, collective_link_bytes_per_s(gpu), c.interconnect_fraction,
                                    c.gather_latency_s or c.allreduce_latency_s, tokens, decode)


# Weight and activation formats whose mat-mul rate attention does not share (see attention_rate).
LOW_PRECISION_DTYPES = frozenset({"fp8", "int8", "fp4", "nvfp4", "mxfp4"})


def attention_rate(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants, wide: bool = False) -> float:
    """Achieved FLOP/s of attention's QKᵀ and PV: the 16-bit rate when the mat-muls run 8- or 4-bit.

    An FP8 (W8A8) checkpoint quantizes its linear layers' weights and inputs; the attention kernels
    take the bf16/fp16 query, keys and values of a 16-bit KV cache (vLLM's and SGLang's FlashAttention
    and FlashInfer backends), and llama.cpp's int8 MMQ covers only its quantized-weight mat-muls while
    its attention (flash-attention kernel or KQ mat-mul on the f16 cache) runs FP16. So a long prompt's
    context-squared FLOPs run at the 16-bit rate whatever the weights. An FP8 KV cache with an FP8
    attention kernel would run faster; the model keeps the 16-bit rate (SpeedInputs has no KV dtype).
    The share of that rate is the engine's attention kernel's own where its profile names one for
    the GPU's architecture (SGLang on Hopper), else the prefill share. `wide`: the blocks whose head dim
    FlashAttention cannot take, at the engine's figure for them where it has one.
    """
    dtype = c.peak_dtype or inputs.compute_dtype
    if dtype in LOW_PRECISION_DTYPES:
        dtype = "bf16"  # flops_for falls back to fp16 where bf16 is not native
    share = c.latent_attention_fraction or c.attention_fraction or c.compute_fraction
    if wide and c.wide_attention_fraction:
        share = c.wide_attention_fraction
    rate = gpu.flops_for(dtype) * share
    if c.attention_fp16_acc_flops and not c.latent_attention_fraction:
        # llama.cpp CUDA: P·V accumulates in FP16, at that MMA mode's rate (llama_cpp_fattn_accumulate.py)
        rate = fattn_accumulate.mixed_rate(rate, c.attention_fp16_acc_flops * share)
    return rate


def _attention_scale(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants, matmul_flops: float,
                     wide: bool = False) -> float:
    """Attention FLOPs expressed at the mat-muls' rate: their rate over attention's (1 without a figure)."""
    rate = attention_rate(inputs, gpu, c, wide)
    return matmul_flops / rate if rate > 0 and matmul_flops > 0 else 1.0
