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
"""

from __future__ import annotations

import itertools
import math

from llmsize.estimate.engines import llama_cpp_f32_weights as f32_weights
from llmsize.estimate.engines import llama_cpp_mmid_host as mmid_host
from llmsize.estimate.engines import llama_cpp_mmq_tiles as mmq_tiles
from llmsize.estimate.engines import llama_cpp_rdna35 as rdna35
from llmsize.estimate.engines import llama_cpp_sycl_bf16 as sycl_bf16
from llmsize.estimate.engines import llama_cpp_sycl_mmid as sycl_mmid
from llmsize.estimate.engines import llama_cpp_vulkan_amd_tiles as amd_tiles
from llmsize.estimate.engines import llama_cpp_vulkan_bf16 as vulkan_bf16
from llmsize.estimate.engines import ollama_go_mask as go_mask
from llmsize.estimate.engines import transformers_batched_mm as batched_mm
from llmsize.estimate.engines import transformers_moe_loop as moe_loop
from llmsize.estimate.engines.llama_cpp_batch import batch_decode_seconds, sequence_layer_seconds
from llmsize.estimate.engines.llama_cpp_vulkan_mmid import seconds_per_read
from llmsize.estimate.engines.ollama_mmid_sync import prompt_host_seconds
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.engines.transformers_cache_copies import cache_step_traffic
from llmsize.estimate.engines.vllm_paged_gqa import paged_kv_read_factor
from llmsize.estimate.engines.vllm_wide_heads import wide_head_note
from llmsize.hardware import host_split, mmid_prompt
from llmsize.hardware.allreduce import allreduce_latency_s
from llmsize.hardware.attention_flops import (  # re-exported: their former home
    attention_flops_decode as attention_flops_decode,
)
from llmsize.hardware.attention_flops import attention_flops_prefill as attention_flops_prefill
from llmsize.hardware.attention_flops import attention_pair_count as attention_pair_count
from llmsize.hardware.attention_stream import decode_attention_share
from llmsize.hardware.efficiency import Efficiency as Efficiency  # re-exported: its former home
from llmsize.hardware.encoder_time import encoder_note, encoder_seconds
from llmsize.hardware.expert_parallel import dispatch_combine_seconds, step_weight_reads
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.head_params import matmul_param_tokens
from llmsize.hardware.host_prompt import host_prompt_note, host_prompt_seconds
from llmsize.hardware.matrix_units import matrix_unit_speedup
from llmsize.hardware.moe_prefill import routed_prefill_flops
from llmsize.hardware.moe_stream import (
    fused_moe_stream_fraction,
    moe_call_floor_seconds,
    routed_read_bytes,
    weight_read_seconds,
)
from llmsize.hardware.prompt_dequant import bf16_fp32_conversion_seconds, prompt_dequant_seconds
from llmsize.hardware.qk_norm_tp import qk_norm_collective_calls
from llmsize.hardware.speed_profiles import (
    ALLREDUCE_LATENCY_S,
    DEFAULT_HOST_BANDWIDTH_GB_S,
    DEFAULT_HOST_THREADS,
    DEFAULT_PCIE_ONE_WAY_GB_S,
    HOST_BANDWIDTH_FRACTION,
    HOST_THREAD_BYTES_PER_S,
    INTERCONNECT_FRACTION,
    MESH_SMALL_MESSAGE_BYTES,
    OFFLOAD_MIN_BATCH,
    PCIE_FRACTION,
    class_value,
    device_class,
    engine_profile,
    expert_gemm_rate,
    kernel_bandwidth,
    kernel_launch_per_layer,
    prefill_compute,
)
from llmsize.hardware.speed_wave import wave_mean_ttft_s
from llmsize.hardware.vulkan_paths import (
    vulkan_note,
    vulkan_prefill_share,
    vulkan_request,
    vulkan_share_key,
    vulkan_speedup,
)
from llmsize.records import ConfigDict, Field, Record


class SpeedConstants(Record):
    """The constants that produced one speed estimate (after overrides), so users can see and change them."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    engine: str
    kernel: str
    bandwidth_fraction: float
    kv_bandwidth_fraction: float
    compute_fraction: float
    step_fixed_s: float
    launch_per_layer_s: float
    gpu_per_layer_s: float
    state_traffic: float = Field(default=2.0, description="bytes moved per recurrent-state byte per step")
    delta_prefill_bytes_per_s: float = Field(
        default=0.0, description="achieved rate of the chunked Gated DeltaNet prefill kernels' memory "
        "traffic (the 16-bit stream share; 0: the engine does not run them)")
    latency_layers: float = Field(
        default=0.0, description="dense-layer equivalents of small-kernel latency per forward pass, from "
        "the engine's kernel counts per block part (0: one per layer)")
    gpu_per_node_s: float = Field(default=0.0, description="GPU seconds per node beyond a dense block's")
    extra_nodes: float = Field(
        default=0.0, description="graph nodes per forward pass beyond a dense block's per layer (the "
        "engine's node counts per block part, estimate/engines/llama_cpp_nodes.py)")
    prefill_chunk_tokens: int | None
    kv_traffic_factor: float = Field(description="bytes moved per KV byte per step (1 = read once), "
                                     "slow copies counted at their share of the 16-bit stream rate")
    interconnect_fraction: float
    allreduce_latency_s: float
    host_bandwidth_bytes_per_s: float = Field(
        default=0.0, description="achieved host-RAM bandwidth for offloaded layers (0: none offloaded)")
    upload_bytes_per_s: float = Field(
        default=0.0, description="achieved host-to-GPU copy rate for offloaded weights during a prompt")
    expert_half_tokens: float = Field(
        default=0.0, description="prefill: tokens per expert at which expert GEMMs reach half their rate")
    expert_tile_max_cols: int = Field(
        default=0, description="prefill: MMQ tile width cap of the expert GEMMs, each expert paying whole "
        "tiles (estimate/engines/llama_cpp_mmq_tiles.py; 0: expert_half_tokens prices them)")
    peak_dtype: str = Field(
        default="", description="dtype of the peak FLOP/s the mat-muls run at (empty: the compute dtype)")
    attention_fraction: float = Field(
        default=0.0, description="achieved / 16-bit peak FLOP/s of attention (0: compute_fraction)")
    latent_attention_fraction: float = Field(
        default=0.0, description="achieved / 16-bit peak FLOP/s of attention in MLA's latent form where the "
        "engine runs it so (0: attention_fraction; estimate/engines/llama_cpp_mla.py)")
    wide_attention_fraction: float = Field(
        default=0.0, description="achieved / 16-bit peak FLOP/s of prefill attention on blocks wider than "
        "FlashAttention's head dim (0: attention_fraction; estimate/engines/vllm_wide_heads.py)")
    matrix_speedup: float = Field(
        default=1.0, description="prefill: peak matrix rate / the catalog's figure where the engine reaches "
        "matrix units beside the shaders (Apple M5 Neural Accelerators; hardware/matrix_units.py), or the "
        "llama.cpp Vulkan path's FP16-accumulate peak over that figure (hardware/vulkan_paths.py)")
    dense_matmul_speedup: float = Field(
        default=1.0, description="prefill: the dense (MUL_MAT) weight mat-muls' rate over the share, where "
        "the engine runs them on a faster tile than the share was fitted on (llama.cpp Vulkan's large AMD "
        "coopmat tile since PR #18749: estimate/engines/llama_cpp_vulkan_amd_tiles.py)")
    moe_stream_fraction: float = Field(
        default=0.0, description="decode: achieved / datasheet bandwidth of the routed experts in a "
        "fused-MoE grid (0: they stream like the other weights; hardware/moe_stream.py)")
    moe_call_extra_s: float = Field(
        default=0.0, description="decode: extra seconds per routed-FFN call (untuned fused_moe tiles)")
    moe_call_floor_s: float = Field(
        default=0.0, description="decode: fewest seconds one routed-FFN call takes, its experts' stream "
        "included (AITER's block-FP8 fused MoE on CDNA3; hardware/moe_stream.moe_call_floor_seconds)")
    moe_prefill_device: str = Field(
        default="", description="prefill: the '<vendor>-<architecture>' whose measured fused-MoE FLOP rate "
        "(the engine profile's moe_prefill_rate) the routed experts run at (AITER's block-FP8 fused MoE on "
        "CDNA3; hardware/moe_prefill.py); empty: the prefill share")
    decode_attention: str = Field(
        default="", description="decode attention: the kernel the engine picks and why, where its KV rate "
        "is priced apart (vLLM / SGLang on CDNA3: estimate/engines/rocm_decode_backend.py); empty: the "
        "fitted share")
    moe_a2a_backend: str = Field(
        default="", description="the MoE all-to-all backend asked for (SGLang --moe-a2a-backend, vLLM "
        "--all2all-backend; estimate/engines/moe_all_to_all.py); empty: the engine's default")
    sampling_s: float = Field(
        default=0.0, description="decode: CPU seconds a token spends sampling (Ollama's repeat-penalty scan)")
    host_graph_per_layer_s: float = Field(
        default=0.0, description="decode: CPU seconds per layer rebuilding the step's graph, serial with the "
        "GPU (Ollama's runners before graph reuse: estimate/engines/ollama_graph.py)")
    batch_eager_launch_s: float = Field(
        default=0.0, description="decode of several sequences: GPU seconds each eagerly launched kernel "
        "leaves idle (llama.cpp CUDA builds without graphs at batch > 1; 0: graphs replayed)")
    batch_sequence_layer_s: float = Field(
        default=0.0, description="decode: seconds per layer each sequence beyond the first adds (llama.cpp "
        "CUDA: estimate/engines/llama_cpp_batch.py)")
    moe_gather_traffic: float = Field(
        default=0.0, description="decode: bytes copied per picked expert byte and (token, expert) pair "
        "beyond the read (transformers 5.x batched_mm gathers: estimate/engines/transformers_batched_mm.py)")
    moe_loop_s: float = Field(
        default=0.0, description="CPU seconds per forward pass an eager per-expert MoE loop adds, serial "
        "with the GPU (transformers 4.x: estimate/engines/transformers_moe_loop.py; 0: none)")
    graph_max_context: int = Field(
        default=0, description="decode: contexts beyond this many tokens run without CUDA graphs (vLLM V0's "
        "max_seq_len_to_capture); 0: no cap")
    eager_launch_per_layer_s: float = Field(
        default=0.0, description="decode past graph_max_context: CPU seconds to launch one layer's kernels")
    bf16_mmid_fp32_flops: float = Field(
        default=0.0, description="decode: FP32 FLOP/s of the device whose BF16 MoE step runs the scalar "
        "mat-mat MUL_MAT_ID (llama.cpp Vulkan, bf16: 0: estimate/engines/llama_cpp_vulkan_bf16.py; 0: none)")
    mmid_walk_s_per_read: float = Field(
        default=0.0, description="prefill: seconds per id a MUL_MAT_ID workgroup reads walking the routing "
        "(llama.cpp Vulkan before PR #18352: estimate/engines/llama_cpp_vulkan_mmid.py; 0: no walk)")
    bf16_fp32_gemm: bool = Field(
        default=False, description="BF16 weights convert to FP32 for an FP32 GEMM in every mat-mul "
        "(llama.cpp SYCL before PR #21580 without oneDNN: estimate/engines/llama_cpp_sycl_bf16.py)")
    sycl_mmid_s_per_pair: float = Field(
        default=0.0, description="prefill: seconds per (expert, routed pair) visit of a MUL_MAT_ID "
        "(llama.cpp SYCL before PR #23142: estimate/engines/llama_cpp_sycl_mmid.py; 0: no scan)")
    mmid_expert_dispatch_s: float = Field(
        default=0.0, description="prefill: GPU seconds per dispatch of a MUL_MAT_ID looped expert by expert "
        "(llama.cpp HIP on RDNA 3.5: estimate/engines/llama_cpp_mmid_host.py; 0: none or not measured)")
    mmid_quantized_loop: bool = Field(
        default=False, description="prefill: quantized experts loop too at ubatches of 64+ tokens "
        "(llama.cpp HIP on RDNA before PR #17576: estimate/engines/llama_cpp_mmid_host.py)")
    mmid_round_trip_s: float = Field(
        default=0.0, description="prefill: seconds of one host round trip (copy + stream sync) of a "
        "MUL_MAT_ID grouping its experts on the host (llama.cpp CUDA/HIP: engines/llama_cpp_mmid_host.py)")
    prefill_dequant_above_tokens: int = Field(
        default=0, description="prefill: ubatches above this many tokens convert quantized weights to FP16 "
        "first (llama.cpp CUDA before PR #8075: estimate/engines/llama_cpp_cublas_prefill.py; 0: never)")
    kv_reread_factor: float = Field(
        default=1.0, description="decode: attention time over reading the KV cache once, where the kernel "
        "reads each KV head once per query head (vLLM 0.4: estimate/engines/vllm_paged_gqa.py; 1: once)")
    step_overlapped: bool = Field(
        default=False, description="decode: the fixed host step runs beside the GPU's step (vLLM 0.14+ async "
        "scheduling: estimate/engines/vllm_async.py), so a step costs the longer of the two")


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


class SpeedInputs(Record):
    """Per-GPU facts of one layout that the speed model needs (all bytes are per GPU)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    weight_bytes_per_gpu: int = Field(ge=0, description="weights held by the busiest GPU")
    active_weight_bytes_per_gpu: int = Field(ge=0, description="weights one decode step reads on it")
    kv_bytes_per_gpu: int = Field(ge=0, description="KV cache of the whole batch at the context, on it")
    active_params: int = Field(gt=0, description="parameters used per token (whole model)")
    attention_flops_prefill: float = Field(ge=0, description="attention FLOPs of one prompt (whole model)")
    mla_absorbed_prefill: bool = Field(
        default=False, description="the engine scores an MLA prompt in the latent (absorbed) form "
        "(estimate/engines/llama_cpp_mla.py): attention_flops_prefill counts that form")
    attention_flops_prefill_wide: float = Field(
        default=0.0, ge=0, description="the part of attention_flops_prefill in blocks whose head dim exceeds "
        "FlashAttention's 256 (Gemma 4's global blocks)")
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
    engine: str = Field(default="vllm", description="speed profile: transformers, vllm, sglang, llama.cpp")
    kernel: str = Field(default="16bit", description="weight kernel: 16bit, fp8, int8, int4, awq, gguf, bnb")
    kv_groups: int = Field(default=1, ge=1, description="query heads per KV head (GQA n_rep)")
    context: int | None = Field(default=None, description="tokens in the cache at decode (default: prompt)")
    decode_context: int | None = Field(
        default=None, description="tokens a request holds when decode speed is quoted, where the engine's "
        "window (context) is wider than the request (Workload.request_context); None: context")
    host_weight_bytes: int = Field(
        default=0, ge=0, description="llama.cpp: weights of the layers kept in host RAM (read by the CPU)")
    host_kv_bytes: int = Field(default=0, ge=0, description="llama.cpp: those layers' KV cache, in host RAM")
    host_upload_bytes: int | None = Field(
        default=None, ge=0, description="llama.cpp op offload: host weights each prompt ubatch copies to the "
        "GPU (a host MUL_MAT_ID weight's experts, not only a token's picks: llama_cpp_op_upload.py); None: "
        "host_weight_bytes")
    host_prompt_flops: float = Field(
        default=0.0, ge=0, description="prompt FLOPs of the host-resident weights where the engine runs them "
        "on the CPU (no op offload: Ollama's Go engine v0.7.0-v0.12.7, --no-op-offload); 0: on the GPU")
    prefill_chunk_tokens: int | None = Field(
        default=None, gt=0, description="the engine's configured prompt tokens per forward pass (-ub)")
    prefill_eager_launch_s: float = Field(
        default=0.0, ge=0, description="CPU seconds to launch one dense layer's kernels in a prefill that "
        "runs eagerly while the speed profile counts no launch (SGLang outside its piecewise CUDA "
        "graphs: estimate/engines/sglang_prefill_graphs.py); 0: none priced")
    prefill_graph_tokens: int = Field(
        default=0, ge=0, description="the largest prefill chunk the engine's graphs cover (0: none); a "
        "larger chunk pays prefill_eager_launch_s")
    wave_prefill_runs: tuple[tuple[int, int], ...] = Field(
        default=(), description="the prefill batches when the batch's prompts arrive together (the engine's "
        "admission budget), as runs of (requests per batch, batches); empty: one batch")
    head_params: int = Field(
        default=0, ge=0, description="parameters of the LM head one logit row multiplies (the tied token "
        "table where tied; hardware/head_params.py); 0 with outside_params 0: active_params as one block")
    outside_params: int = Field(
        default=0, ge=0, description="parameters of active_params no prompt token multiplies: the embedding "
        "tables (a row gather) and the untied head (hardware/head_params.py)")
    prefill_logits_every_token: bool = Field(
        default=False, description="the engine computes the head on every prompt token (transformers "
        "before 4.45); False: on the last token of each sequence")
    prefill_expert_loop: bool = Field(
        default=False, description="a prompt's MUL_MAT_ID that the grouped kernels refuse runs one expert "
        "at a time from the host (llama.cpp CUDA/HIP: estimate/engines/llama_cpp_mmid_host.py)")
    prefill_host_helper: bool = Field(
        default=False, description="the grouped MMQ kernel groups each MUL_MAT_ID's tokens on the host "
        "(llama.cpp builds before PR #15525: estimate/engines/llama_cpp_mmid_host.py)")
    prefill_quantized_loop: bool = Field(
        default=False, description="quantized experts loop too at ubatches of 64+ tokens on RDNA (llama.cpp "
        "HIP builds before PR #17576: estimate/engines/llama_cpp_mmid_host.py)")
    prefill_before_wmma_mmq: bool = Field(
        default=False, description="a quantized prompt mat-mul on RDNA 3.5 runs no WMMA MMQ (llama.cpp HIP "
        "builds before PR #17576: estimate/engines/llama_cpp_rdna35.py)")
    prefill_before_amd_large_tile: bool = Field(
        default=False, description="a prompt's MUL_MAT on AMD Vulkan coopmat runs no large tile (llama.cpp "
        "builds before PR #18749: estimate/engines/llama_cpp_vulkan_amd_tiles.py)")
    routed_active_params: int = Field(
        default=0, ge=0, description="MoE: routed-expert parameters one token runs (part of active_params)")
    moe_projections: int = Field(
        default=3, ge=1, description="MoE: routed projections (MUL_MAT_IDs) a layer runs: gate, up and down, "
        "or up and down for non-gated experts (Nemotron-H's ReLU^2)")
    routed_weight_bytes_per_gpu: int = Field(
        default=0, ge=0, description="MoE: bytes of the routed experts' weights on this GPU (part of "
        "weight_bytes_per_gpu)")
    expert_ranks: int = Field(
        default=1, ge=1, description="MoE: ranks holding whole experts (expert parallelism; 1: TP slices)")
    expert_token_ranks: int = Field(
        default=1, ge=1, description="MoE: engine cores whose tokens one MoE layer routes (vLLM --dp)")
    expert_output_all_reduced: bool = Field(
        default=False, description="MoE across engine cores / attention groups: the expert output is "
        "all-reduced on the gathered tokens (SGLang's default path) instead of reduce-scattered")
    expert_all_to_all: bool = Field(
        default=False, description="MoE: tokens reach their experts' ranks by an all-to-all dispatch and "
        "combine (SGLang --moe-a2a-backend deepep: hardware/expert_all_to_all.py) instead of gathers")
    expert_all_to_all_kernels: str = Field(
        default="auto", description="with expert_all_to_all, the DeepEP kernels a step runs: 'auto' "
        "low-latency in decode and normal for prompts (SGLang --deepep-mode auto), or 'low_latency' / "
        "'normal' in every step (vLLM deepep_low_latency / deepep_high_throughput)")
    moe_a2a_backend: str = Field(
        default="", description="the engine's MoE all-to-all backend as asked for (--moe-a2a-backend); "
        "empty: the engine's default")
    moe_a2a_note: str = Field(default="", description="what the speed model does with that backend")
    expert_pick_share: float = Field(
        default=0.0, ge=0, le=1, description="MoE: experts a token picks / routed experts (top-k / E)")
    kv_read_curve: tuple[tuple[int, float], ...] = Field(
        default=(), description="attention cache bytes one decode step reads on this GPU, as (context, "
        "bytes) points of a piecewise-linear curve (sliding-window layers stop growing at their window); "
        "empty: kv_bytes_per_gpu grows linearly with the context")
    layer_parts: dict[str, int] = Field(
        default_factory=dict, description="blocks by part: token-mixer kinds, 'dense_ffn', 'moe_ffn', "
        "'shared_expert', and 'block' (norm + residual sub-blocks)")
    experts_per_token: int = Field(default=0, ge=0, description="MoE: experts each token picks (top-k)")
    attention_flops_curve: tuple[tuple[int, float], ...] = Field(
        default=(), description="attention FLOPs of one new token as (context, FLOPs) points; empty: "
        "attention_flops_decode grows linearly with the context")
    state_bytes_per_gpu: int = Field(
        default=0, ge=0, description="linear-attention / Mamba state of the batch on this GPU: read and "
        "written back every decode step, whatever the context")
    delta_prefill_bytes_per_token: int = Field(
        default=0, ge=0, description="bytes one prompt token moves through GPU memory in the chunked Gated "
        "DeltaNet kernels of all the model's delta-net layers on one GPU (estimate/engines/"
        "fla_chunk_prefill.py); paid where the engine runs them (chunked_delta_prefill)")
    score_bytes_prefill: float = Field(
        default=0.0, ge=0, description="bytes the batch's prompts move through materialised attention "
        "scores (llama.cpp without flash attention: estimate/engines/llama_cpp_scores.py; 0: fused)")
    unfused_kv_read_factor: float = Field(
        default=0.0, ge=0, description="bytes an unfused decode attention moves per byte of cache read once "
        "(llama.cpp without flash attention: estimate/engines/llama_cpp_unfused_decode.py; 0: fused)")
    decode_attention: str = Field(
        default="", description="the decode-attention kernel the engine picks where its KV "
        "rate is priced apart, and why (estimate/engines/rocm_decode_backend.py; empty: the fitted share)")
    sampling_note: str = Field(default="", description="what the sampler sampling_s prices does each token")
    sampling_s: float = Field(
        default=0.0, ge=0, description="CPU seconds each decode step spends sampling after its logits, "
        "before the next step can start (Ollama's repeat-penalty scan: estimate/engines/ollama_sampling.py)")
    prefill_moe_host_s: float = Field(
        default=0.0, ge=0, description="seconds each MoE layer's expert mat-muls wait on host round trips "
        "in a prompt ubatch on CUDA/ROCm (Ollama v0.6.8-v0.12.3: engines/ollama_mmid_sync.py)")
    decode_host_splits: tuple[int, int, int] = Field(
        default=(0, 0, 0), description="ops of a decode step run on the CPU between graph splits: host round "
        "trips, bytes over the host link, bytes the CPU moves (llama.cpp SYCL before PR #22149: "
        "engines/llama_cpp_sycl_ssm_host.py; zeros: none)")
    decode_mask_caches: tuple[int, ...] = Field(
        default=(), description="decode: the caches whose padded attention mask the host builds and uploads "
        "every step, each as its cell cap (0: the whole context; Ollama's Go engine before v0.13.5: "
        "engines/ollama_go_mask.py); empty: none")
    bf16_weights: bool = Field(
        default=False, description="the weights are stored as BF16 (a BF16 GGUF): llama.cpp's Vulkan backend "
        "runs them on its own shaders (estimate/engines/llama_cpp_vulkan_bf16.py)")
    fp32_weights: bool = Field(
        default=False, description="the weights are stored as F32 (an F32 GGUF): llama.cpp's CUDA prompt "
        "GEMMs run cuBLAS SGEMM in TF32 (estimate/engines/llama_cpp_f32_weights.py)")
    encoder_flops: float = Field(
        default=0.0, ge=0, description="vision tower FLOPs of one sequence's images / video, encoded before "
        "the decoder's prefill (hardware/encoder_flops.py; 0: text only)")
    encoder_attention_flops: float = Field(
        default=0.0, ge=0, description="the attention part of encoder_flops")
    encoder_tp: int = Field(default=1, ge=1, description="ranks the engine splits the tower's blocks over")
    qk_norm_tp_collectives: int = Field(
        default=0, ge=0, description="collectives each attention block adds under TP for a q/k norm over "
        "all heads (ModelSpec.qk_norm_tp_collectives; hardware/qk_norm_tp.py)")


class SpeedEstimate(Record):
    """Latency and throughput, with what bounded each phase and the constants behind them."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    ttft_s: float = Field(description="time to first token: prefill of the batch's prompts")
    tpot_s: float = Field(description="time per output token for one sequence")
    decode_tokens_per_s: float = Field(description="per sequence")
    aggregate_tokens_per_s: float = Field(description="all sequences of all replicas")
    prefill_tokens_per_s: float = Field(default=0.0, description="prompt tokens per second of the prefill")
    encoder_s: float = Field(default=0.0, description="part of ttft_s: the vision tower's encoder passes")
    speed_class: str
    ttft_class: str = ""
    decode_bound: str = Field(description="'memory', 'compute', 'overhead' or 'host memory' (offload)")
    prefill_bound: str
    bytes_per_step: int = Field(description="bytes one GPU reads per decode step")
    compute_flops: float = Field(description="peak FLOP/s used for the compute dtype")
    compute_bound_concurrency: int | None = Field(
        default=None, description="concurrency from which decode is compute-bound (weights only)")
    overhead_s: float = Field(default=0.0, description="per-step engine overhead not hidden by the GPU")
    memory_s: float = 0.0
    compute_s: float = 0.0
    communication_s: float = 0.0
    host_s: float = Field(default=0.0, description="per step: offloaded layers read from host RAM by the CPU")
    efficiency: Efficiency
    constants: SpeedConstants | None = None
    notes: tuple[str, ...] = ()


def resolve_constants(inputs: SpeedInputs, gpu: GpuSpec, eff: Efficiency | None = None) -> SpeedConstants:
    """The speed constants of this engine, kernel and GPU, with the user's overrides applied."""
    eff = eff or Efficiency()
    prof = engine_profile(inputs.engine)
    kv_factor = 1.0
    if prof.kv_materialized:
        # torch.cat reads and writes the old cache (2x); repeat_kv reads it and writes n_rep copies,
        # which SDPA then reads: 3 + 2·n_rep bytes moved per cached byte. Without the copies (SDPA's
        # enable_gqa, or the query packed per KV head) attention reads the cache once: 3. Copies of
        # PyTorch before 2.8 stream slower (estimate/engines/transformers_cache_copies.py).
        kv_factor = cache_step_traffic(inputs.kv_groups, prof.kv_gqa_copies, prof.kv_copy_share)
    launch = prof.launch_per_layer_s + kernel_launch_per_layer(prof.engine, inputs.kernel)
    launch += _batched_mm_launch(inputs, prof)
    quantized = inputs.kernel not in ("16bit", "fp8")
    peak_dtype = (prof.quantized_peak_dtype or "") if quantized else ""
    if prof.vulkan_matrix_cores is not None:
        peak_dtype = "fp16"  # ggml-vulkan: every weight GEMM runs FP16 (hardware/vulkan_paths.py)
    sgemm = prof.f32_weights_sgemm and f32_weights.runs_sgemm(
        inputs.fp32_weights, gpu.vendor, prof.vulkan_matrix_cores is not None)
    if sgemm:  # F32 weights: cuBLAS SGEMM at the TF32 rate (estimate/engines/llama_cpp_f32_weights.py)
        peak_dtype, quantized = f32_weights.F32_GEMM_DTYPE, False
    bf16_fp32 = sycl_bf16.runs_fp32_gemm(prof.sycl_bf16_fp32_gemm, inputs.bf16_weights)
    if bf16_fp32:  # BF16 weights through ggml-sycl's FP32 fallback GEMM (llama_cpp_sycl_bf16.py)
        peak_dtype = sycl_bf16.GEMM_DTYPE
    return SpeedConstants(
        engine=prof.engine,
        kernel=inputs.kernel,
        bandwidth_fraction=(eff.bandwidth if eff.bandwidth is not None
                            else kernel_bandwidth(inputs.kernel, gpu, prof.kernel_bandwidth)),
        kv_bandwidth_fraction=(eff.bandwidth if eff.bandwidth is not None else decode_attention_share(
            prof, gpu, inputs.batch, kernel_bandwidth("16bit", gpu))),
        compute_fraction=(eff.compute if eff.compute is not None
                          else f32_weights.sgemm_share(_prefill_share(prof, gpu, quantized)) if sgemm
                          else sycl_bf16.SGEMM_SHARE if bf16_fp32
                          else _prefill_share(prof, gpu, quantized, inputs.bf16_weights,
                                              inputs.prefill_before_wmma_mmq)),
        step_fixed_s=eff.step_overhead_s if eff.step_overhead_s is not None else prof.step_fixed_s,
        launch_per_layer_s=0.0 if prof.graphs else launch,
        graph_max_context=prof.graph_max_context if prof.graphs else 0,
        eager_launch_per_layer_s=prof.eager_launch_per_layer_s,
        gpu_per_layer_s=class_value(prof.gpu_per_layer_by_class, gpu, prof.gpu_per_layer_s),
        state_traffic=prof.state_traffic,
        delta_prefill_bytes_per_s=(gpu.bandwidth_bytes_per_s * kernel_bandwidth("16bit", gpu)
                                   if prof.chunked_delta_prefill else 0.0),
        latency_layers=_latency_layers(inputs, (prof.one_sequence_kernels if inputs.batch == 1 else {})
                                       or prof.layer_kernels),
        gpu_per_node_s=_per_node(prof, gpu),
        extra_nodes=(_extra_nodes(inputs, prof.node_kernels or prof.layer_kernels)
                     + inputs.num_layers * prof.unfused_kernels_per_layer
                     if _per_node(prof, gpu) else 0.0),
        prefill_chunk_tokens=inputs.prefill_chunk_tokens or prof.prefill_chunk_tokens,
        expert_half_tokens=prof.expert_half_tokens,
        expert_tile_max_cols=(mmq_tiles.tile_cols_max(gpu.vendor, gpu.architecture, prof.expert_tile_max_cols)
                              if quantized and prof.vulkan_matrix_cores is None else 0),
        peak_dtype=peak_dtype,
        attention_fraction=(eff.compute if eff.compute is not None
                            else prof.attention_compute.get(gpu.architecture, 0.0)),
        wide_attention_fraction=(eff.compute if eff.compute is not None
                                 else prof.wide_head_attention_compute.get(gpu.architecture, 0.0)),
        latent_attention_fraction=(0.0 if not inputs.mla_absorbed_prefill
                                   else eff.compute if eff.compute is not None
                                   else prof.latent_attention_compute.get(
                                       f"{gpu.architecture}-{device_class(gpu)}", 0.0)),
        matrix_speedup=(matrix_unit_speedup(gpu, prof.matrix_units) if prof.vulkan_matrix_cores is None
                        else vulkan_speedup(gpu, vulkan_request(prof.vulkan_matrix_cores),
                                            inputs.bf16_weights)),
        bf16_mmid_fp32_flops=_bf16_mmid_flops(inputs, prof, gpu),
        dense_matmul_speedup=(1.0 if eff.compute is not None or sgemm
                              else _dense_matmul_speedup(inputs, prof, gpu)),
        moe_stream_fraction=(fused_moe_stream_fraction(inputs.kernel, gpu) if prof.fused_moe
                             and inputs.expert_pick_share and eff.bandwidth is None else 0.0),
        moe_call_extra_s=prof.moe_call_extra_s if inputs.expert_pick_share else 0.0,
        moe_call_floor_s=(prof.moe_call_floor_s.get(f"{gpu.vendor}-{gpu.architecture}", 0.0)
                          if inputs.expert_pick_share and inputs.kernel == "fp8" else 0.0),
        moe_prefill_device=(f"{gpu.vendor}-{gpu.architecture}"
                            if f"{gpu.vendor}-{gpu.architecture}" in prof.moe_prefill_rate
                            and inputs.expert_pick_share and inputs.kernel == "fp8" and eff.compute is None
                            else ""),
        kv_traffic_factor=kv_factor,
        moe_loop_s=_moe_loop_seconds(inputs, prof, kernel_launch_per_layer(prof.engine, inputs.kernel)),
        moe_gather_traffic=(batched_mm.gather_passes(inputs.kernel) if prof.moe_batched_mm
                            and inputs.layer_parts.get("moe_ffn", 0) and inputs.expert_pick_share else 0.0),
        decode_attention=inputs.decode_attention,
        moe_a2a_backend=inputs.moe_a2a_backend,
        sampling_s=inputs.sampling_s,
        host_graph_per_layer_s=prof.host_graph_per_layer_s,
        **_batch_constants(prof, gpu),
        mmid_walk_s_per_read=(seconds_per_read(gpu.fp32_flops or 0.0)
                              if prof.vulkan_mmid_walk and inputs.expert_pick_share else 0.0),
        bf16_fp32_gemm=bf16_fp32,
        sycl_mmid_s_per_pair=(sycl_mmid.seconds_per_pair(gpu.fp32_flops or 0.0)
                              if prof.sycl_mmid_scan and inputs.expert_pick_share else 0.0),
        mmid_expert_dispatch_s=(class_value(mmid_host.DIRECT_DISPATCH_BY_ARCH, gpu, 0.0)
                                if inputs.prefill_expert_loop and inputs.expert_pick_share else 0.0),
        mmid_quantized_loop=(inputs.prefill_quantized_loop and gpu.vendor == "amd"
                             and gpu.architecture in mmid_host.QUANTIZED_LOOP_ARCHITECTURES),
        mmid_round_trip_s=(mmid_host.GROUPING_ROUND_TRIP_SECONDS if inputs.prefill_expert_loop
                           and inputs.expert_pick_share and gpu.vendor != "apple" else 0.0),
        prefill_dequant_above_tokens=(prof.prefill_dequant_above_tokens
                                      or int(class_value(prof.prefill_dequant_above_by_arch, gpu, 0))),
        kv_reread_factor=(inputs.unfused_kv_read_factor
                          if prof.unfused_decode_per_query_head and inputs.unfused_kv_read_factor
                          else paged_kv_read_factor(inputs.kv_groups) if prof.kv_per_query_head else 1.0),
        step_overlapped=prof.step_overlapped,
        interconnect_fraction=eff.interconnect if eff.interconnect is not None else INTERCONNECT_FRACTION,
        allreduce_latency_s=allreduce_latency_s(prof.allreduce_kernel_measured, gpu, inputs.tp,
                                                ALLREDUCE_LATENCY_S),
        **(_host_rates(inputs, gpu, eff) if inputs.host_weight_bytes or inputs.host_kv_bytes else {}),
    )


def _moe_loop_seconds(inputs: SpeedInputs, prof: EngineSpeedProfile, kernel_launch_s: float) -> float:
    """CPU seconds per forward of an engine whose routed FFNs loop over every expert (0 for the others)."""
    routed = inputs.layer_parts.get("moe_ffn", 0)
    if not prof.moe_expert_loop or not routed or not inputs.expert_pick_share:
        return 0.0
    num_experts = round(inputs.experts_per_token / inputs.expert_pick_share)
    # Experts no token of the step picked run the loop on empty tensors (transformers_moe_loop).
    return moe_loop.split_loop_seconds(routed, inputs.layer_parts.get("shared_expert", 0), num_experts,
                                       inputs.experts_per_token, inputs.batch, prof.launch_per_layer_s,
                                       kernel_launch_s, inputs.kernel)


def _batched_mm_launch(inputs: SpeedInputs, prof: EngineSpeedProfile) -> float:
    """Extra CPU launch seconds per layer of transformers 5.x's batched_mm routed FFNs (0 for the others)."""
    routed = inputs.layer_parts.get("moe_ffn", 0)
    if not prof.moe_batched_mm or not routed or not inputs.expert_pick_share:
        return 0.0
    return batched_mm.launch_per_layer(routed, inputs.num_layers, prof.launch_per_layer_s)


def _batch_constants(prof: EngineSpeedProfile, gpu: GpuSpec) -> dict[str, float]:
    """The engine's batched-decode costs where its CUDA/HIP backend runs (not Metal or Vulkan)."""
    if gpu.vendor == "apple" or prof.vulkan_matrix_cores is not None or not prof.graphs:
        return {}
    return {"batch_eager_launch_s": prof.batch_eager_launch_s,
            "batch_sequence_layer_s": sequence_layer_seconds(prof.batch_sequence_layer_s,
                                                             gpu.bandwidth_bytes_per_s)}


def _prefill_share(prof: EngineSpeedProfile, gpu: GpuSpec, quantized: bool, bf16: bool = False,
                   before_wmma_mmq: bool = False) -> float:
    """The engine's prefill share of peak; llama.cpp's Vulkan profiles key theirs by mat-mul path. RDNA
    3.5's WMMA MMQ share: quantized weights, HIP builds from PR #17576 (engines/llama_cpp_rdna35.py)."""
    without = rdna35.WMMA_MMQ_KEYS if before_wmma_mmq or bf16 else frozenset()
    share = prefill_compute(prof.engine, gpu, quantized=quantized, without=without)
    if prof.vulkan_matrix_cores is None:
        return share
    request = vulkan_request(prof.vulkan_matrix_cores)
    return vulkan_prefill_share(prof.prefill_compute, gpu, request, device_class(gpu), share, bf16)


def _dense_matmul_speedup(inputs: SpeedInputs, prof: EngineSpeedProfile, gpu: GpuSpec) -> float:
    """llama.cpp Vulkan on AMD coopmat: the large MUL_MAT tile of builds from PR #18749 over a share fitted
    on builds before it (estimate/engines/llama_cpp_vulkan_amd_tiles.py); 1 elsewhere."""
    if prof.vulkan_matrix_cores is None:
        return 1.0
    key = vulkan_share_key(prof.prefill_compute, gpu, vulkan_request(prof.vulkan_matrix_cores),
                           device_class(gpu), inputs.bf16_weights)
    return amd_tiles.dense_speedup(key, inputs.prefill_before_amd_large_tile)


def _bf16_mmid_flops(inputs: SpeedInputs, prof: EngineSpeedProfile, gpu: GpuSpec) -> float:
    """The FP32 rate behind a BF16 MoE decode step on ggml-vulkan's scalar MUL_MAT_ID (0 where it does not
    run: not Vulkan, not BF16, no routed experts, or a driver with bf16 cooperative matrices)."""
    if (prof.vulkan_matrix_cores is None or not inputs.bf16_weights or not inputs.expert_pick_share
            or vulkan_bf16.bf16_matrix_cores(gpu.vendor)):
        return 0.0
    return gpu.fp32_flops or gpu.flops_for("fp16") / 2


def _latency_layers(inputs: SpeedInputs, kernels: dict[str, int]) -> float:
    """Dense-layer equivalents of small-kernel latency: the model's kernels over a dense layer's.

    The per-layer latency is calibrated on dense attention models; a routed FFN (router, top-k,
    gathers, a sum over experts), a Gated DeltaNet or Mamba mixer, or a mixer-only block runs more
    or fewer kernels, each paying the same launch and drain latency whatever its bytes. The engine
    module counts its kernels per block part.
    """
    parts = inputs.layer_parts
    if not kernels or not parts:
        return 0.0
    dense = 2 * kernels.get("block", 0) + kernels.get("attention", 0) + kernels.get("dense_ffn", 0)
    if dense <= 0:
        return 0.0
    further = max(0, inputs.experts_per_token - 1)
    per_moe = kernels.get("moe_ffn", 0) + kernels.get("moe_per_expert", 0) * further
    # An engine that counts no MLA mixer of its own runs it like its attention.
    total = sum(kernels.get(part, kernels.get("attention", 0) if part == "mla" else 0) * n
                for part, n in parts.items() if part != "moe_ffn")
    return (total + per_moe * parts.get("moe_ffn", 0)) / dense


def _per_node(prof: EngineSpeedProfile, gpu: GpuSpec) -> float:
    """The engine's GPU seconds per extra graph node on `gpu`'s device class."""
    return class_value(prof.gpu_per_node_by_class, gpu, prof.gpu_per_node_s)


def _extra_nodes(inputs: SpeedInputs, kernels: dict[str, int]) -> float:
    """Graph nodes of one forward pass beyond `num_layers` dense blocks (0 when it has no more).

    The per-layer latency and the weights' bandwidth share are calibrated together on dense models,
    so a dense block's own nodes are already priced in them; the nodes a routed FFN, a gated or
    recurrent mixer or extra norms add carry almost no bytes and each costs the engine's per-node
    time (estimate/engines/llama_cpp_nodes.py).
    """
    layers = _latency_layers(inputs, kernels)
    if layers <= inputs.num_layers:
        return 0.0
    dense = 2 * kernels.get("block", 0) + kernels.get("attention", 0) + kernels.get("dense_ffn", 0)
    return (layers - inputs.num_layers) * dense


def _layer_latency(inputs: SpeedInputs, c: SpeedConstants) -> float:
    """Seconds of per-layer kernel latency in one forward pass (plus the per-node cost of extra nodes)."""
    if c.gpu_per_node_s and c.latency_layers:
        # Dense blocks at the per-layer latency, every node beyond them at the per-node time.
        dense_layers = min(c.latency_layers, float(inputs.num_layers))
        return c.gpu_per_layer_s * dense_layers + c.gpu_per_node_s * c.extra_nodes
    return c.gpu_per_layer_s * (c.latency_layers or inputs.num_layers)


def _decode_latency(inputs: SpeedInputs, c: SpeedConstants) -> float:
    """Per-layer kernel latency of one decode step, with untuned fused-MoE tiles' extra per routed FFN
    and the costs of decoding several sequences at once (llama.cpp: llama_cpp_batch.py)."""
    batch_s = batch_decode_seconds(inputs.batch, inputs.num_layers, c.latency_layers or inputs.num_layers,
                                   c.batch_eager_launch_s, c.batch_sequence_layer_s)
    return _layer_latency(inputs, c) + c.moe_call_extra_s * inputs.layer_parts.get("moe_ffn", 0) + batch_s


def _host_rates(inputs: SpeedInputs, gpu: GpuSpec, eff: Efficiency) -> dict[str, float]:
    """Achieved host-RAM and host-to-GPU rates for llama.cpp's offloaded layers.

    Unified memory (Apple silicon, DGX Spark, Strix Halo) is one pool: the CPU reads it at the
    device's own achieved bandwidth (the weight kernel's share) and nothing crosses PCIe. Otherwise
    the user's figure or the default dual-channel DDR5 one, at the share llama.cpp's CPU decode
    reaches (speed_profiles).
    """
    if gpu.memory.unified and eff.host_bandwidth_gb_s is None:
        own = gpu.bandwidth_bytes_per_s * kernel_bandwidth(inputs.kernel, gpu)
        return {"host_bandwidth_bytes_per_s": own, "upload_bytes_per_s": 0.0}
    peak_gb_s = eff.host_bandwidth_gb_s or DEFAULT_HOST_BANDWIDTH_GB_S
    one_way = gpu.pcie_gb_s / 2 if gpu.pcie_gb_s else DEFAULT_PCIE_ONE_WAY_GB_S
    host = peak_gb_s * 1e9 * HOST_BANDWIDTH_FRACTION
    if inputs.experts_per_token:
        # host experts run ggml-cpu's mul_mat_id, whose threads' rate can be the slower one; llama.cpp's -t
        # default is the physical cores, the default 7950X host's unless the user or detection says
        # (speed_profiles.HOST_THREAD_BYTES_PER_S, DEFAULT_HOST_THREADS)
        host = min(host, _host_threads(eff) * HOST_THREAD_BYTES_PER_S)
    return {"host_bandwidth_bytes_per_s": host,
            "upload_bytes_per_s": 0.0 if gpu.memory.unified else one_way * 1e9 * PCIE_FRACTION}


def _host_threads(eff: Efficiency) -> int:
    """The CPU threads llama.cpp / Ollama multiply host-resident weights on (speed_profiles)."""
    return eff.host_threads or DEFAULT_HOST_THREADS


def _host_note(inputs: SpeedInputs, c: SpeedConstants, gpu: GpuSpec, eff: Efficiency) -> str:
    achieved = f"{c.host_bandwidth_bytes_per_s / 1e9:.0f} GB/s achieved"
    if gpu.memory.unified and eff.host_bandwidth_gb_s is None:
        return f"layers on the CPU read unified memory at the device's own bandwidth ({achieved})"
    figure = eff.host_bandwidth_gb_s or DEFAULT_HOST_BANDWIDTH_GB_S
    source = "" if eff.host_bandwidth_gb_s else ": default dual-channel DDR5-5600, set --host-bandwidth"
    threads = ""
    if inputs.experts_per_token:  # the threads' rate bounds the experts' mul_mat_id only (_host_rates)
        threads = (f"; {eff.host_threads} CPU threads" if eff.host_threads else
                   f"; host: {DEFAULT_HOST_THREADS} threads (llama.cpp's -t default, the physical cores of "
                   "the default Ryzen 7950X host; --host-threads to change)")
        threads += f" at {HOST_THREAD_BYTES_PER_S / 1e9:.1f} GB/s each on the experts"
    return f"layers in host RAM decode at {achieved} (host figure {figure:g} GB/s{source}{threads})"


def _host_decode_seconds(inputs: SpeedInputs, c: SpeedConstants, kv_scale: float) -> float:
    """The CPU's part of one decode step: the offloaded layers' weights and KV read from host RAM."""
    if not c.host_bandwidth_bytes_per_s:
        return 0.0
    return (inputs.host_weight_bytes + inputs.host_kv_bytes * kv_scale) / c.host_bandwidth_bytes_per_s


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
    link = gpu.interconnect_bytes_per_s
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
    return dispatch_combine_seconds(inputs, gpu.interconnect_bytes_per_s, c.interconnect_fraction,
                                    c.allreduce_latency_s, tokens, decode)


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
    return gpu.flops_for(dtype) * share


def _attention_scale(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants, matmul_flops: float,
                     wide: bool = False) -> float:
    """Attention FLOPs expressed at the mat-muls' rate: their rate over attention's (1 without a figure)."""
    rate = attention_rate(inputs, gpu, c, wide)
    return matmul_flops / rate if rate > 0 and matmul_flops > 0 else 1.0


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
    compute_s = inputs.batch * (2 * decode_matmul_params(inputs) + attn) / (inputs.tp * flops)
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
    bandwidth = gpu.bandwidth_bytes_per_s * c.bandwidth_fraction
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


def generation_seconds(inputs: SpeedInputs, gpu: GpuSpec, eff: Efficiency | None = None, *,
                       prompt_tokens: int, new_tokens: int, samples: int = 8) -> float:
    """Prefill `prompt_tokens`, then decode `new_tokens` as the cache grows (midpoint rule over `samples`)."""
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
    c = resolve_constants(inputs, gpu, eff)
    notes: list[str] = []
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

    per_seq = 1.0 / step_s
    return SpeedEstimate(
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
