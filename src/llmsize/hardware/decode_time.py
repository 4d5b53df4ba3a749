"""Seconds of one decode step: weights and KV cache read, FLOPs, launches, communication and host work.

The roofline step of hardware/speed.py's docstring for one new token per sequence, with the cache
read at the current context (piecewise-linear curves per layer kind) and the engine's overheads.
"""

from __future__ import annotations

import itertools

from llmsize.estimate.engines import llama_cpp_sycl_bf16 as sycl_bf16
from llmsize.estimate.engines import llama_cpp_vulkan_bf16 as vulkan_bf16
from llmsize.estimate.engines import ollama_go_mask as go_mask
from llmsize.estimate.engines import transformers_batched_mm as batched_mm
from llmsize.estimate.engines.llama_cpp_batch import batch_decode_seconds
from llmsize.estimate.engines.llama_cpp_mmq_decode import matmul_column_params
from llmsize.estimate.engines.llama_cpp_mmvq_columns import column_seconds
from llmsize.hardware import host_split
from llmsize.hardware.expert_parallel import step_weight_reads
from llmsize.hardware.forward_costs import (
    _allreduce_seconds,
    _attention_scale,
    _layer_latency,
    _moe_gather_seconds,
)
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.head_params import matmul_param_tokens
from llmsize.hardware.host_offload_speed import _host_decode_seconds
from llmsize.hardware.moe_stream import moe_call_floor_seconds, routed_read_bytes, weight_read_seconds
from llmsize.hardware.speed_records import SpeedConstants, SpeedInputs


def _decode_latency(inputs: SpeedInputs, c: SpeedConstants) -> float:
    """Per-layer kernel latency of one decode step, with untuned fused-MoE tiles' extra per routed FFN
    and the costs of decoding several sequences at once (llama.cpp: llama_cpp_batch.py)."""
    batch_s = batch_decode_seconds(inputs.batch, inputs.num_layers, c.latency_layers or inputs.num_layers,
                                   c.batch_eager_launch_s, c.batch_sequence_layer_s)
    return _layer_latency(inputs, c) + c.moe_call_extra_s * inputs.layer_parts.get("moe_ffn", 0) + batch_s


def _kv_bytes_at(inputs: SpeedInputs, context: int) -> float:
    """Attention-cache bytes of the batch one GPU reads at `context` tokens.

    With a read curve (speed_inputs.kv_read_curve): full-attention layers grow with the context,
    sliding-window layers stop at their window, and the fixed recurrent state is counted apart
    (`state_bytes_per_gpu`).
    Without one, the given KV grows linearly with the context.
    """
    if not inputs.kv_read_curve:
        base = inputs.context or inputs.prompt_tokens
        return inputs.kv_bytes_per_gpu * context / max(1, base)
    return _curve_at(inputs.kv_read_curve, context)


def _curve_at(curve: tuple[tuple[int, float], ...], x: int) -> float:
    """A piecewise-linear curve of (x, y) points at `x`, extended past its last point by its last slope."""
    if len(curve) == 1:
        return float(curve[0][1])
    for (x0, y0), (x1, y1) in itertools.pairwise(curve):
        if x <= x1 or (x1, y1) == curve[-1]:
            return y0 + (y1 - y0) * (x - x0) / max(1, x1 - x0)
    return float(curve[-1][1])  # pragma: no cover - the loop returns on its last segment


def _attention_flops_at(inputs: SpeedInputs, context: int) -> float:
    """Attention FLOPs of one new token at `context`: windowed layers stop growing at their window."""
    if inputs.attention_flops_curve:
        return _curve_at(inputs.attention_flops_curve, context)
    base = inputs.context or inputs.prompt_tokens
    return inputs.attention_flops_decode * context / max(1, base)


def _launch_per_layer(c: SpeedConstants, context: int) -> float:
    """CPU launch seconds per layer of a decode step at `context` tokens: none while a captured graph
    covers the context, the engine's eager launch past its capture limit (vLLM V0's max_seq_len_to_capture,
    0.4's max_context_len_to_capture: estimate/engines/vllm_v0_graphs.py, vllm_graph_cap.py)."""
    if c.graph_max_context and context > c.graph_max_context:
        return c.eager_launch_per_layer_s
    return c.launch_per_layer_s


def decode_step(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants,
                context: int | None = None) -> tuple[float, dict[str, float]]:
    """Seconds of one decode step at `context` cached tokens, and its parts."""
    ctx = context if context is not None else (inputs.context or inputs.prompt_tokens)
    bandwidth = gpu.bandwidth_bytes_per_s
    flops = gpu.flops_for(c.peak_dtype or inputs.compute_dtype) * c.compute_fraction
    # Whole experts per EP rank: the busiest rank's picked experts set the step (expert_parallel.py).
    reads = step_weight_reads(inputs)
    shares = (c.bandwidth_fraction, c.moe_stream_fraction)
    weights_s = inputs.pp * weight_read_seconds(*reads, bandwidth, *shares)
    # llama.cpp CUDA's quantized mat-vec at 2-8 columns redoes every weight's dot product per column: the
    # larger of the weights' read and that arithmetic (estimate/engines/llama_cpp_mmvq_columns.py).
    weights_s = max(weights_s, column_seconds(inputs.batch, decode_matmul_params(inputs) / max(1, inputs.tp),
                                              c.mmvq_column_s_per_param))
    # A routed FFN's call no faster than its kernel's floor (AITER's block-FP8 MoE on CDNA3; moe_stream.py):
    # the stages' routed streams (one stage's bytes per GPU, the stages in turn) over all the model's calls.
    if c.moe_call_floor_s:
        routed_s = inputs.pp * weight_read_seconds(round(reads[1]), reads[1], bandwidth, *shares)
        calls = inputs.layer_parts.get("moe_ffn", 0)
        weights_s += moe_call_floor_seconds(routed_s, calls, c.moe_call_floor_s)
    # A recurrent state (GDN / Mamba) is read and written back each step (vLLM's selective_state_update
    # and fla's fused recurrent kernels update it in place: 2 x its bytes; the engine says its own).
    kv_bytes = (_kv_bytes_at(inputs, ctx) * c.kv_traffic_factor * c.kv_reread_factor
                + c.state_traffic * inputs.state_bytes_per_gpu)
    kv_s = inputs.pp * kv_bytes / (bandwidth * c.kv_bandwidth_fraction)
    attn = _attention_flops_at(inputs, ctx) * _attention_scale(inputs, gpu, c, flops)  # mat-mul-rate FLOPs
    # llama.cpp CUDA above the mat-vec's columns: a MUL_MAT on MMQ computes whole int8 tiles, each paying its
    # weight side whatever its width (estimate/engines/llama_cpp_mmq_decode.py); else the step's own columns.
    column_params = matmul_column_params(inputs.batch, decode_matmul_params(inputs),
                                         inputs.routed_active_params, c.mmq_decode_tile_cols)
    compute_s = (2 * column_params + inputs.batch * attn) / (inputs.tp * flops)
    # transformers 5.x's batched_mm gathers copy every picked expert per (token, expert) pair first.
    weights_s += inputs.pp * batched_mm.gather_bytes(
        inputs.routed_weight_bytes_per_gpu, inputs.expert_pick_share, inputs.batch, c.moe_gather_traffic
    ) / (bandwidth * c.kv_bandwidth_fraction)
    # ggml-sycl's BF16 fallback writes the weights as FP32 and its GEMM reads them (llama_cpp_sycl_bf16.py).
    weights_s *= sycl_bf16.DECODE_TRAFFIC if c.bf16_fp32_gemm else 1.0
    memory_s = weights_s + kv_s
    # BF16 experts on ggml-vulkan's scalar mat-mat MUL_MAT_ID multiply 32-column tiles for each token
    # (estimate/engines/llama_cpp_vulkan_bf16.py): FP32 work after the reads.
    memory_s += inputs.pp * vulkan_bf16.mmid_tile_seconds(
        routed_read_bytes(inputs.routed_weight_bytes_per_gpu, inputs.expert_pick_share, inputs.batch),
        c.bf16_mmid_fp32_flops) if c.bf16_mmid_fp32_flops else 0.0
    # An eager step launches every kernel of every layer: a routed FFN with its router, top-k, alignment,
    # two expert GEMMs and a shared expert beside it launches ~1.8x a dense layer's kernels, so the CPU
    # time counts layers in dense-layer equivalents of kernels, as their GPU latency does.
    cpu_s = (c.latency_layers or inputs.num_layers) * _launch_per_layer(c, ctx)
    comm_s = _allreduce_seconds(inputs, gpu, inputs.batch, c)
    comm_s += _moe_gather_seconds(inputs, gpu, c, inputs.batch, decode=True)
    # llama.cpp runs the host layers on the CPU in turn with the GPU's (one graph, layer by layer).
    host_s = _host_decode_seconds(inputs, c, ctx / max(1, inputs.context or inputs.prompt_tokens))
    if c.kv_traffic_factor > 1:
        # Eager cache copies (torch.cat into a freshly allocated, ever-larger tensor per layer, then
        # repeat_kv) are kernels of their own, after the weight kernels, not beside them; like them
        # they run while the CPU launches the next ones: Qwen's transformers 4.46 table shows the
        # 0.5B-3B steps not growing from 1 to 30,720 tokens (launch-bound: the copies hide), the
        # 7B-72B ones growing by the copies' time (estimate/engines/transformers_cache_copies.py).
        gpu_s = max(weights_s, compute_s) + _decode_latency(inputs, c) + kv_s
        step = c.step_fixed_s + max(cpu_s, gpu_s) + comm_s + host_s
    else:
        gpu_s = max(memory_s, compute_s) + _decode_latency(inputs, c)
        # The all-reduces are GPU kernels on the step's stream: while the CPU launches an eager step's
        # kernels one by one (the bound of a launch-bound step), they run in the GPU's idle gaps.
        device_s = max(cpu_s, gpu_s + comm_s)
        # An engine that schedules the next step while the GPU runs this one (vLLM's async scheduling)
        # pays the longer of its host step and the device's, not both in turn.
        step = (max(c.step_fixed_s, device_s) if c.step_overlapped else c.step_fixed_s + device_s) + host_s
    # Sampling runs on the CPU between steps (the next token's input is the sampled one): serial.
    # So does an eager per-expert MoE loop: each torch.where syncs the host with the GPU.
    # So does rebuilding the step's graph where the engine does not reuse it (engines/ollama_graph.py).
    # So do ops the GPU backend refuses: the scheduler waits for the GPU, copies their inputs out, runs
    # them on the CPU and copies the results back (hardware/host_split.py).
    host_serial = (inputs.sampling_s + inputs.num_layers * c.host_graph_per_layer_s
                   + host_split.decode_seconds(inputs.decode_host_splits, gpu, c.host_bandwidth_bytes_per_s)
                   + go_mask.step_seconds(ctx, inputs.decode_mask_caches, host_split.link_bytes_per_s(gpu)))
    step += host_serial + c.moe_loop_s
    fixed_s = max(0.0, c.step_fixed_s - gpu_s - comm_s) if c.step_overlapped else c.step_fixed_s
    overhead = (fixed_s + max(0.0, cpu_s - gpu_s) + _decode_latency(inputs, c) + host_serial
                + c.moe_loop_s)
    return step, {"memory": memory_s, "compute": compute_s, "cpu": cpu_s, "gpu": gpu_s, "comm": comm_s,
                  "overhead": overhead, "host": host_s}


def decode_matmul_params(inputs: SpeedInputs) -> int:
    """Parameters one decoded token multiplies: all active ones but the gathered tables, head included."""
    return matmul_param_tokens(inputs.active_params, inputs.outside_params, inputs.head_params, 1, 1)
