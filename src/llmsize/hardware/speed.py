"""Speed you can plan with: decode, prefill (time to first token) and throughput.

A decode step of one engine on one layout takes
    step = engine overhead + max(CPU launch time, GPU time) + tensor-parallel communication
    GPU time = max(bytes read ÷ achieved bandwidth, FLOPs ÷ achieved FLOP/s) + per-layer kernel latency
where the bytes are the weights one step really reads (active experts only for MoE) plus the KV
cache at the current context, and the achieved bandwidth is the fraction of the datasheet figure
the weight format's kernel reaches on that class of memory. Engines that replay CUDA graphs
(vLLM, SGLang, llama.cpp) keep the CPU off the critical path; an eager Python loop (transformers'
`generate`) launches every layer's kernels from the CPU, so small models are launch-bound.
Prefill runs in the engine's chunks: FLOPs (2 × active parameters per token plus attention's
context² term) over the achieved FLOP/s, but never faster than reading the weights once per chunk.
This is the roofline argument (Williams et al., CACM 2009) as applied to LLM inference by Pope et
al., "Efficiently Scaling Transformer Inference" (MLSys 2023), with each engine's step overheads.
Every constant comes from hardware/speed_profiles.py, is reported with the result, and can be overridden.

This module puts the parts together (estimate_speed, generation_seconds) and names the classes users
see; each part has a module of its own: speed_records.py (the records), speed_constants.py
(resolve_constants), decode_time.py (decode_step), prefill_time.py (prefill_seconds), forward_costs.py
(what both pay: layer latency, all-reduces, attention's rate) and host_offload_speed.py (layers in
host RAM).
"""

from __future__ import annotations

import math

from llmsize.estimate.engines import llama_cpp_sycl_bf16 as sycl_bf16
from llmsize.estimate.engines import ollama_go_mask as go_mask
from llmsize.estimate.engines.vllm_wide_heads import wide_head_note
from llmsize.hardware import host_split, mmid_prompt
from llmsize.hardware.attention_flops import (
    attention_flops_decode,
    attention_flops_prefill,
    attention_pair_count,
)
from llmsize.hardware.decode_time import decode_matmul_params, decode_step
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.encoder_time import encoder_note
from llmsize.hardware.forward_costs import attention_rate
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.host_offload_speed import _host_note
from llmsize.hardware.host_prompt import host_prompt_note
from llmsize.hardware.power_limit import capped
from llmsize.hardware.power_limit import describe as power_note
from llmsize.hardware.prefill_time import prefill_seconds, tower_seconds
from llmsize.hardware.speed_constants import resolve_constants
from llmsize.hardware.speed_profiles import engine_profile
from llmsize.hardware.speed_records import SpeedConstants, SpeedEstimate, SpeedInputs
from llmsize.hardware.speed_serving import arrival_batch_s
from llmsize.hardware.speed_wave import wave_mean_ttft_s
from llmsize.hardware.vulkan_paths import vulkan_note, vulkan_request

__all__ = [
    "SPEED_CLASSES",
    "TTFT_CLASSES",
    "Efficiency",
    "SpeedConstants",
    "SpeedEstimate",
    "SpeedInputs",
    "attention_flops_decode",
    "attention_flops_prefill",
    "attention_pair_count",
    "attention_rate",
    "decode_matmul_params",
    "decode_step",
    "estimate_speed",
    "generation_seconds",
    "prefill_seconds",
    "resolve_constants",
    "speed_class",
    "tower_seconds",
    "ttft_class",
]


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
# Time to first token: under 1 s feels immediate, 1-3 s acceptable, longer is a visible wait.
TTFT_CLASSES: tuple[tuple[float, str], ...] = ((1.0, "good"), (3.0, "acceptable"), (math.inf, "slow"))


def speed_class(tokens_per_s: float) -> str:
    """'instant' (100+), 'fast' (50-100), 'fluent' (30-50), 'comfortable' (20-30), 'slow' (10-20)..."""
    for floor, label in SPEED_CLASSES:
        if tokens_per_s >= floor:
            return label
    return SPEED_CLASSES[-1][1]


def ttft_class(seconds: float) -> str:
    """'good' (< 1 s), 'acceptable' (1-3 s) or 'slow' (> 3 s)."""
    for ceiling, label in TTFT_CLASSES:
        if seconds < ceiling:
            return label
    return TTFT_CLASSES[-1][1]


def generation_seconds(inputs: SpeedInputs, gpu: GpuSpec, eff: Efficiency | None = None, *,
                       prompt_tokens: int, new_tokens: int, samples: int = 8) -> float:
    """Prefill `prompt_tokens`, then decode `new_tokens` as the cache grows (midpoint rule over `samples`)."""
    gpu = capped(gpu, eff.power_limit_w if eff else None)  # the clock a --power-limit leaves (power_limit.py)
    c = resolve_constants(inputs, gpu, eff)
    total, _ = prefill_seconds(inputs, gpu, c, prompt_tokens)
    if new_tokens <= 0:
        return total
    parts = min(samples, new_tokens)
    for k in range(parts):
        ctx = prompt_tokens + int((k + 0.5) * new_tokens / parts)
        step, _ = decode_step(inputs, gpu, c, ctx)
        total += step * new_tokens / parts
    return total


def estimate_speed(inputs: SpeedInputs, gpu: GpuSpec, eff: Efficiency | None = None) -> SpeedEstimate:
    """Decode and prefill times of one layout of `gpu`s (see module docstring)."""
    eff = eff or Efficiency()
    notes: list[str] = []
    if eff.power_limit_w:  # the card at the clock its --power-limit leaves (hardware/power_limit.py)
        capped_gpu = capped(gpu, eff.power_limit_w)  # refuses a limit the board cannot take, first
        notes.append(power_note(gpu, eff.power_limit_w))
        gpu = capped_gpu
    c = resolve_constants(inputs, gpu, eff)
    if not gpu.supports(inputs.compute_dtype):
        notes.append(f"{gpu.id} has no native {inputs.compute_dtype}; speed uses its fallback rate")
    if c.decode_attention:
        notes.append(c.decode_attention)
    if inputs.moe_a2a_note:
        notes.append(inputs.moe_a2a_note)
    step_s, parts = decode_step(inputs, gpu, c, inputs.decode_context)
    if parts["host"] > max(parts["memory"], parts["compute"], parts["overhead"]):
        decode_bound = "host memory"
    elif parts["overhead"] > max(parts["memory"], parts["compute"]):
        decode_bound = "overhead"
    else:
        decode_bound = "memory" if parts["memory"] >= parts["compute"] else "compute"
    prefill_s, prefill_bound = prefill_seconds(inputs, gpu, c)

    if inputs.tp > 1 and not gpu.interconnect_bytes_per_s:
        notes.append("no interconnect figure for this GPU: tensor-parallel traffic counted as latency only")
    if inputs.pp > 1:
        notes.append("pipeline stages run one after another for a single sequence (no micro-batching)")
    if c.engine.endswith("-eager"):  # estimate/engines/speed_eager.py
        notes.append("no CUDA graphs (--enforce-eager): the CPU launches every layer's kernels each step")
    if c.host_bandwidth_bytes_per_s:
        notes.append(_host_note(inputs, c, gpu, eff))
    if inputs.host_prompt_flops and inputs.host_weight_bytes and c.upload_bytes_per_s:
        notes.append(host_prompt_note(inputs.host_prompt_flops))
    if inputs.sampling_s:
        what = inputs.sampling_note or "the engine's sampler"
        notes.append(f"sampling adds {inputs.sampling_s * 1e3:.2f} ms a token on the CPU: {what} "
                     "(estimate/engines/ollama_sampling.py)")
    if inputs.decode_host_splits[0]:
        notes.append(host_split.note(inputs.decode_host_splits, gpu, c.host_bandwidth_bytes_per_s))
    if inputs.decode_mask_caches:
        ctx = inputs.context or inputs.prompt_tokens
        mask_s = go_mask.step_seconds(ctx, inputs.decode_mask_caches, host_split.link_bytes_per_s(gpu))
        notes.append(f"decode: the host builds {len(inputs.decode_mask_caches)} attention mask(s) padded to "
                     f"{go_mask.MASK_ROWS} rows and uploads them every token, {mask_s * 1e3:.2f} ms at "
                     f"{ctx:,} cached tokens (estimate/engines/ollama_go_mask.py)")
    if inputs.prefill_moe_host_s and inputs.layer_parts.get("moe_ffn") and gpu.vendor != "apple":
        notes.append(f"prompt: {inputs.prefill_moe_host_s * 1e3:.2f} ms a MoE layer per ubatch of host round "
                     "trips (expert grouping on the CPU, estimate/engines/ollama_mmid_sync.py)")
    tokens = inputs.batch * inputs.prompt_tokens
    loop_s = mmid_prompt.expert_loop_seconds(inputs, c, tokens, c.prefill_chunk_tokens or tokens)
    if loop_s:
        notes.append(f"prompt: {loop_s * 1e3:.1f} ms of routed-expert mat-muls grouped on the host (syncs, a "
                     "host scan of the ids, and a per-expert loop where the grouped kernels refuse them; "
                     "llama_cpp_mmid_host.py)")
    # ggml-cuda's host scans, as prefill_seconds adds them: none on Metal (its own MUL_MAT_ID)
    scan_s = (mmid_prompt.ollama_scan_seconds(inputs, tokens, c.prefill_chunk_tokens or tokens)
              if gpu.vendor != "apple" else 0.0)
    if scan_s:
        notes.append(f"prompt: {scan_s * 1e3:.1f} ms of host scans grouping the routed tokens by expert "
                     "between those round trips (llama_cpp_mmid_host.py)")
    if c.host_graph_per_layer_s:
        notes.append(f"the runner rebuilds and allocates the decode graph every token: "
                     f"{inputs.num_layers * c.host_graph_per_layer_s * 1e3:.2f} ms a token on the CPU "
                     "(no graph reuse; estimate/engines/ollama_graph.py)")
    if inputs.score_bytes_prefill:
        notes.append("flash attention off: every prompt ubatch writes its F32 attention scores to memory "
                     "and reads them back (16 bytes a score); long prompts slow with their length squared")
    if inputs.unfused_kv_read_factor and c.kv_reread_factor == inputs.unfused_kv_read_factor:
        notes.append(f"flash attention off on this build: each query head's mat-vec reads its KV head, "
                     f"{c.kv_reread_factor:.2f}x the cache a decode step (llama_cpp_unfused_decode.py)")
    encoder_s = tower_seconds(inputs, gpu, c)
    if encoder_s:
        notes.append(encoder_note(encoder_s, prefill_s - encoder_s,
                                  inputs.encoder_attention_flops / inputs.encoder_flops))
    if inputs.attention_flops_prefill_wide and c.wide_attention_fraction:
        notes.append(wide_head_note(c.wide_attention_fraction))
    runs = inputs.wave_prefill_runs
    wave_s = wave_mean_ttft_s(
        runs, lambda n: prefill_seconds(inputs.model_copy(update={"batch": n}), gpu, c)[0])
    if wave_s is not None:
        batches, largest = sum(k for _, k in runs), max(n for n, _ in runs)
        notes.append(f"the engine prefills these {inputs.batch} prompts in {batches:,} batches of at most "
                     f"{largest} (its prefill token budget): arriving together, the mean request's "
                     f"first token comes after {wave_s:.2f} s, the last's after the whole wave's prefill")
    vendor_note = engine_profile(c.engine).vendor_notes.get(gpu.vendor)
    if vendor_note:
        notes.append(vendor_note)
    vulkan = engine_profile(c.engine).vulkan_matrix_cores
    if vulkan is not None:
        notes.append(vulkan_note(gpu, vulkan_request(vulkan), inputs.bf16_weights))
    if c.bf16_fp32_gemm:
        notes.append(sycl_bf16.NOTE)
    if c.matrix_speedup > 1 and vulkan is None:
        notes.append(f"prompt mat-muls run on the GPU cores' matrix units at {c.matrix_speedup:g}x the "
                     "shader FP16 rate (Metal 4 tensor API; builds before llama.cpp PR #16634 do not)")

    peak = gpu.flops_for(c.peak_dtype or inputs.compute_dtype)
    bandwidth = gpu.bandwidth_bytes_per_s * c.bandwidth_fraction
    weights_per_token_s = inputs.active_weight_bytes_per_gpu / bandwidth
    flop_per_seq_s = 2 * decode_matmul_params(inputs) / (inputs.tp * peak * c.compute_fraction)
    bound_at = max(1, math.ceil(weights_per_token_s / flop_per_seq_s)) if flop_per_seq_s > 0 else None

    arrivals = None
    if inputs.serving_arrivals is not None:
        # a closed-loop serving run's other prompts, prefilled in the batches the engine admits them in
        # (estimate/engines/sglang_arrivals.py): the mean batch's prefill
        waits, prompts = inputs.serving_arrivals
        arrivals = (waits, arrival_batch_s(prompts, lambda n: prefill_seconds(
            inputs.model_copy(update={"batch": min(inputs.batch, n)}), gpu, c)[0]))
    per_seq = 1.0 / step_s
    return SpeedEstimate(
        serving_arrivals=arrivals,
        lockstep_cores=inputs.expert_token_ranks,
        ttft_s=prefill_s,
        encoder_s=encoder_s,
        tpot_s=step_s,
        decode_tokens_per_s=per_seq,
        aggregate_tokens_per_s=per_seq * inputs.batch * inputs.dp,
        prefill_tokens_per_s=inputs.batch * inputs.prompt_tokens / prefill_s,
        speed_class=speed_class(per_seq),
        ttft_class=ttft_class(prefill_s),
        decode_bound=decode_bound,
        prefill_bound=prefill_bound,
        bytes_per_step=int(inputs.active_weight_bytes_per_gpu + inputs.kv_bytes_per_gpu),
        compute_flops=peak,
        compute_bound_concurrency=bound_at,
        overhead_s=parts["overhead"],
        memory_s=parts["memory"],
        compute_s=parts["compute"],
        communication_s=parts["comm"],
        host_s=parts["host"],
        efficiency=eff,
        constants=c,
        notes=tuple(notes),
    )
