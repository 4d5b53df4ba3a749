"""Seconds to prefill the batch's prompts (time to first token) in the engine's chunks.

FLOPs over the achieved FLOP/s, never faster than reading the weights once per chunk, with the
engine's per-chunk costs, an eager prefill's launch floor, unfused attention scores and the
vision tower's encoder passes.
"""

from __future__ import annotations

import math

from llmsize.estimate.engines import llama_cpp_mmq_tiles as mmq_tiles
from llmsize.estimate.engines.ollama_mmid_sync import prompt_host_seconds
from llmsize.hardware import mmid_prompt
from llmsize.hardware.encoder_time import encoder_seconds
from llmsize.hardware.forward_costs import (
    _allreduce_seconds,
    _attention_scale,
    _layer_latency,
    _moe_gather_seconds,
)
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.head_params import matmul_param_tokens
from llmsize.hardware.host_prompt import host_prompt_seconds
from llmsize.hardware.moe_prefill import routed_prefill_flops
from llmsize.hardware.prompt_dequant import bf16_fp32_conversion_seconds, prompt_dequant_seconds
from llmsize.hardware.speed_profiles import (
    OFFLOAD_MIN_BATCH,
    engine_profile,
    expert_gemm_rate,
    prefill_compute,
)
from llmsize.hardware.speed_records import SpeedConstants, SpeedInputs


def prefill_seconds(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants,
                    prompt_tokens: int | None = None) -> tuple[float, str]:
    """Seconds to prefill the batch's prompts in the engine's chunks, and what bounded it."""
    prompt = prompt_tokens or inputs.prompt_tokens
    tokens = inputs.batch * prompt
    chunk = c.prefill_chunk_tokens or tokens
    chunks = max(1, math.ceil(tokens / chunk))
    flops = gpu.flops_for(c.peak_dtype or inputs.compute_dtype) * c.compute_fraction * c.matrix_speedup
    growth = (prompt / inputs.prompt_tokens) ** 2
    wide = min(inputs.attention_flops_prefill_wide, inputs.attention_flops_prefill) * growth
    # Counted in FLOPs at the mat-muls' rate; attention reaches the matrix units as the mat-muls do.
    # Blocks wider than FlashAttention's heads run the engine's other kernel (vllm_wide_heads.py).
    matmul_rate = flops / c.matrix_speedup
    attn = ((inputs.attention_flops_prefill * growth - wide) * _attention_scale(inputs, gpu, c, matmul_rate)
            + wide * _attention_scale(inputs, gpu, c, matmul_rate, wide=True))
    # Routed-expert GEMMs see only their share of each chunk's tokens; they run slower per FLOP.
    # On ggml-cuda's MMQ each expert pays whole tiles of the ubatch's width, a narrow tile most of a wide
    # one's time (its weight side; llama_cpp_mmq_tiles.py COLUMN_SHARE).
    # Builds before PR #15525 (host-grouped ids; Ollama's vendored copies too) size it to tokens x k.
    width = mmq_tiles.width_columns(min(chunk, tokens), inputs.experts_per_token,
                                    inputs.prefill_host_helper or inputs.prefill_moe_host_s > 0)
    rate = (mmq_tiles.expert_tile_rate(min(chunk, tokens), inputs.expert_pick_share, c.expert_tile_max_cols,
                                       width, mmq_tiles.COLUMN_SHARE)
            if c.expert_tile_max_cols
            else expert_gemm_rate(min(chunk, tokens), inputs.expert_pick_share, c.expert_half_tokens))
    routed = min(inputs.routed_active_params, inputs.active_params)
    # The prompt's mat-muls stream weights on their own kernels, not the decode mat-vecs' (speed_constants).
    bandwidth = gpu.bandwidth_bytes_per_s * (c.prompt_bandwidth_fraction or c.bandwidth_fraction)
    streamed = min(inputs.routed_weight_bytes_per_gpu, inputs.weight_bytes_per_gpu) if rate < 1 else 0
    # The embedding gather multiplies nothing; the head runs on the rows whose logits the engine keeps.
    rows = prompt if inputs.prefill_logits_every_token else 1
    dense = matmul_param_tokens(inputs.active_params - routed, inputs.outside_params, inputs.head_params,
                                prompt, rows)
    # The dense weight mat-muls may run a faster tile than the routed ones (c.dense_matmul_speedup).
    dense_flops = inputs.batch * (2 * dense / c.dense_matmul_speedup + attn)
    routed_flops = inputs.batch * 2 * routed * prompt / rate
    compute_s = (dense_flops + routed_flops) / (inputs.tp * flops)
    if c.moe_prefill_device:  # the fused-MoE call's own measured rate at the chunk's tokens (moe_prefill.py)
        curve = engine_profile(c.engine).moe_prefill_rate[c.moe_prefill_device]
        routed_flops = routed_prefill_flops(inputs.batch * 2 * routed * prompt, min(chunk, tokens), curve,
                                            flops)
        compute_s = (dense_flops + routed_flops) / (inputs.tp * flops)
    memory_s = chunks * inputs.pp * inputs.weight_bytes_per_gpu / bandwidth
    if streamed:
        # An expert GEMM whose token tile is mostly empty (few tokens per expert) cannot hide its
        # weight loads behind its math: it streams its expert's weights, then multiplies, so the
        # routed part costs stream + math, while the dense mat-muls overlap the two (roofline max).
        # The sum is never below the weights' read time, so it bounds the prefill by itself.
        dense_s = max(dense_flops / (inputs.tp * flops),
                      chunks * inputs.pp * (inputs.weight_bytes_per_gpu - streamed) / bandwidth)
        compute_s = dense_s + routed_flops / (inputs.tp * flops) + chunks * inputs.pp * streamed / bandwidth
    per_chunk = c.step_fixed_s + max(inputs.num_layers * c.launch_per_layer_s,
                                     _layer_latency(inputs, c)) + c.moe_loop_s
    comm_s = _allreduce_seconds(inputs, gpu, tokens, c) + _moe_gather_seconds(inputs, gpu, c, tokens)
    # Op offload copies the host weights to the GPU each ubatch, a MoE block's picked experts included
    # (llama_cpp_op_upload.py); without it the CPU runs those blocks (hardware/host_prompt.py).
    upload = inputs.host_weight_bytes if inputs.host_upload_bytes is None else inputs.host_upload_bytes
    if inputs.host_prompt_flops and inputs.host_weight_bytes and c.upload_bytes_per_s:
        comm_s += host_prompt_seconds(inputs.host_prompt_flops, upload, chunks, c.host_bandwidth_bytes_per_s)
    elif inputs.host_weight_bytes and c.upload_bytes_per_s and min(chunk, tokens) >= OFFLOAD_MIN_BATCH:
        comm_s += chunks * upload / c.upload_bytes_per_s
    elif inputs.host_weight_bytes and c.host_bandwidth_bytes_per_s:
        comm_s += chunks * inputs.host_weight_bytes / c.host_bandwidth_bytes_per_s
    seconds = max(compute_s, memory_s) + chunks * per_chunk + comm_s + _score_seconds(inputs, gpu, c, prompt)
    seconds += mmid_prompt.walk_seconds(inputs, c, tokens, chunk)
    seconds += mmid_prompt.expert_loop_seconds(inputs, c, tokens, chunk)
    seconds += mmid_prompt.sycl_scan_seconds(inputs, c, tokens, chunk)
    if gpu.vendor != "apple":  # ggml-cuda's MMQ (CUDA and HIP builds); Metal has its own MUL_MAT_ID
        seconds += prompt_host_seconds(inputs.prefill_moe_host_s, inputs.layer_parts.get("moe_ffn", 0),
                                       tokens, chunk)
        seconds += mmid_prompt.ollama_scan_seconds(inputs, tokens, chunk)
    seconds += prompt_dequant_seconds(inputs, gpu, c, tokens, chunk)  # llama.cpp CUDA before PR #8075
    seconds += bf16_fp32_conversion_seconds(inputs, gpu, c, tokens, chunk)  # llama.cpp SYCL, BF16 weights
    seconds = max(seconds, eager_prefill_seconds(inputs, c, chunks, min(chunk, tokens)))
    seconds += tower_seconds(inputs, gpu, c)  # images / video: the encoder runs before the decoder
    # Gated DeltaNet layers pass their chunk intermediates through memory, kernel after kernel, between
    # the mat-muls (estimate/engines/fla_chunk_prefill.py); each pipeline stage holds its share of them.
    if c.delta_prefill_bytes_per_s:
        seconds += tokens * inputs.delta_prefill_bytes_per_token / c.delta_prefill_bytes_per_s
    return seconds, "compute" if compute_s >= memory_s else "memory"


def eager_prefill_seconds(inputs: SpeedInputs, c: SpeedConstants, chunks: int, chunk_tokens: int) -> float:
    """The CPU's floor under a prefill whose chunks run eagerly: each chunk's forward launches every
    kernel of every layer from Python, and the GPU cannot finish a chunk before its last kernel is
    launched (estimate/engines/sglang_prefill_graphs.py). Kernels count in dense-layer equivalents, as
    the decode step's launch time does; 0 when the engine's graphs cover the chunk."""
    if not inputs.prefill_eager_launch_s or chunk_tokens <= inputs.prefill_graph_tokens:
        return 0.0
    layers = c.latency_layers or inputs.num_layers
    return chunks * (c.step_fixed_s + layers * inputs.prefill_eager_launch_s)


def tower_seconds(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants) -> float:
    """The batch's vision-encoder passes at the engine's 16-bit prefill share (hardware/encoder_time.py)."""
    if not inputs.encoder_flops:
        return 0.0
    dtype = "bf16" if inputs.compute_dtype == "fp8" else inputs.compute_dtype
    return encoder_seconds(inputs.encoder_flops, inputs.encoder_tp, inputs.batch, gpu.flops_for(dtype),
                           prefill_compute(c.engine, gpu, quantized=False))


def _score_seconds(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants, prompt: int) -> float:
    """Memory-bound passes over attention scores an unfused attention writes and reads back.

    Separate kernels after the weight GEMMs (mul_mat, soft_max, mul_mat), streamed at the share an
    element-wise 16-bit kernel reaches; the bytes grow with the prompt squared (every ubatch scores the
    whole cache before it).
    """
    if not inputs.score_bytes_prefill:
        return 0.0
    scale = (prompt / inputs.prompt_tokens) ** 2
    per_gpu = inputs.score_bytes_prefill * scale / max(1, inputs.tp)
    return per_gpu / (gpu.bandwidth_bytes_per_s * c.kv_bandwidth_fraction)
