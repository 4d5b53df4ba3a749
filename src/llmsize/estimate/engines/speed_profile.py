"""The speed constants an engine module owns: how it spends a decode step and a prefill.

Each engine module (transformers, vllm, sglang, llama_cpp; Ollama inherits llama.cpp's) defines
one `EngineSpeedProfile` beside its memory rules, naming the release the constants were
calibrated on. The speed model (hardware/speed.py) asks the engine for it; kernel and device
constants that do not depend on the engine stay in hardware/speed_profiles.py. Calibrated on the
`fit` rows of bench/speed_tables.yaml (`python bench/speed_validation.py --fit`).
"""

from __future__ import annotations

from llmsize.records import ConfigDict, Field, Record

# REFERENCE: kernels of one decode step as the graph replays them (vllm/model_executor/models/qwen2.py,
# qwen3_moe.py, qwen3_next.py, layers/mamba/mamba_mixer2.py): a fused add + RMSNorm per sub-block
# ('block': 1); attention = qkv mat-mul, rotary, reshape_and_cache, the attention kernel, o mat-mul (5);
# a dense FFN = gate_up mat-mul, silu_and_mul, down (3), so a dense layer runs 10; a routed FFN
# (layers/fused_moe: router mat-mul, topk_softmax, moe_align_block_size, two fused_moe GEMMs,
# silu_and_mul, moe_sum) 7 whatever k; a shared expert 3 + its add; a Gated DeltaNet mixer (in_proj_qkvz,
# in_proj_ba, causal_conv1d_update, fused_gdn_gating, fused_recurrent_gated_delta_rule, gated RMSNorm,
# out_proj, a layout copy) 8; Mamba-2 (in_proj, causal_conv1d_update, selective_state_update, gated
# RMSNorm, out_proj, dt/D terms) 6; a short conv 5; MLA (models/deepseek_v2.py DeepseekV2MLAAttention:
# fused q_a/kv_a mat-mul, 2 norms, q_b mat-mul, rotary, concat_and_cache_mla, the W_UK and W_UV
# absorption bmm's, the decode kernel, o_proj) 10.
FUSED_LAYER_KERNELS: dict[str, int] = {
    "block": 1, "attention": 5, "mla": 10, "linear_attention": 8, "mamba": 6, "conv": 5,
    "dense_ffn": 3, "moe_ffn": 7, "moe_per_expert": 0, "shared_expert": 4}


# REFERENCE: the lightning indexer's decode kernels beside a DSA layer's MLA (DeepSeek-V3.2, GLM-5), as
# vLLM runs them (model_executor/models/deepseek_v2.py Indexer.forward, then
# model_executor/layers/sparse_attn_indexer.py sparse_attn_indexer): the wq_b mat-mul, rotary on the
# index q / k, the q fp8 group quant, the wk mat-mul, k_norm, the weights_proj mat-mul and its scaling,
# indexer_k_quant_and_cache, DeepGEMM fp8_paged_mqa_logits and top_k_per_row_decode (10); SGLang's
# nsa_indexer.py Indexer runs the same sequence (its PRs #16637 and #17688 move weights_proj and the q
# projection to a second stream: they still launch). The sparse MLA kernel replaces the dense one, so
# the 'mla' count stands. Engine profiles that name no 'dsa_indexer' count none (llama.cpp runs V3.2
# densely).
SERVING_LAYER_KERNELS: dict[str, int] = {**FUSED_LAYER_KERNELS, "dsa_indexer": 10}


class EngineSpeedProfile(Record):
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
    kv_gqa_copies: bool = Field(
        default=True, description="with kv_materialized: GQA heads are expanded (repeat_kv) before attention "
        "at decode, n_rep copies written and read; False: attention reads the KV heads as they are")
    graphs: bool = Field(description="decode replays CUDA graphs (launch cost is off the critical path)")
    prefill_compute: dict[str, float] = Field(
        default_factory=dict, description="achieved / peak FLOP/s of a prefill, per device class"
    )
    prefill_compute_16bit: dict[str, float] = Field(
        default_factory=dict, description="achieved / peak FLOP/s of a prefill with 16-bit weights where "
        "the engine runs another kernel for them than for quantized ones (empty: prefill_compute)"
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
    expert_tile_max_cols: int = Field(
        default=0, ge=0,
        description="prefill: widest MMQ tile an expert GEMM of a quantized MoE runs on NVIDIA GPUs with "
        "int8 MMA; each expert pays whole tiles of the ubatch's width (llama_cpp_mmq_tiles.py; 0: none)",
    )
    layer_kernels: dict[str, int] = Field(
        default_factory=dict,
        description="kernels one decode step runs per part of a block (norm + residual as 'block', each "
        "token-mixer kind, 'dense_ffn', 'moe_ffn', 'moe_per_expert', 'shared_expert'); the per-layer latency "
        "above is that of a dense attention layer, spread over its kernels (empty: one latency a layer)",
    )
    one_sequence_kernels: dict[str, int] = Field(
        default_factory=dict, description="layer_kernels of a decode step of one sequence, where an "
        "eager forward's layout copies find their views already contiguous (estimate/engines/"
        "vllm_eager_kernels.py); empty: layer_kernels")
    gpu_per_node_s: float = Field(
        default=0.0, ge=0, description="GPU seconds of every graph node a forward pass runs beyond its "
        "blocks' share of the engine's dense block (layer_kernels): routers, gates, extra norms, state "
        "updates; gpu_per_layer_s keeps the dense blocks' own latency (0: extra nodes count as fractions "
        "of a dense layer)")
    node_kernels: dict[str, int] = Field(
        default_factory=dict, description="kernels per block part that pay gpu_per_node_s, after the "
        "backend fuses neighbouring nodes (llama.cpp CUDA, estimate/engines/llama_cpp_fusion.py); empty: "
        "layer_kernels")
    batch_eager_launch_s: float = Field(
        default=0.0, ge=0, description="GPU seconds each kernel launch leaves idle when a decode step of "
        "several sequences runs without CUDA graphs (llama.cpp builds before PR #19645; "
        "estimate/engines/llama_cpp_batch.py); 0: graphs replayed at every batch")
    batch_sequence_layer_s: float = Field(
        default=0.0, ge=0, description="decode: seconds per layer each sequence beyond the first adds "
        "(llama.cpp CUDA: estimate/engines/llama_cpp_batch.py); 0: none")
    mmvq_columns: bool = Field(
        default=False, description="decode of 2-8 sequences: the quantized mat-vec kernel repeats every "
        "weight's dot product per column, priced at the GPU's issue rate (llama.cpp CUDA on NVIDIA: "
        "estimate/engines/llama_cpp_mmvq_columns.py)")
    gpu_per_node_by_class: dict[str, float] = Field(
        default_factory=dict, description="gpu_per_node_s where a device class differs (0: its per-layer "
        "latency and bandwidth share, calibrated on rows with such models, already hold the extra nodes)")
    quantized_peak_dtype: str | None = Field(
        default=None, description="peak-rate dtype of the engine's quantized mat-muls over many tokens "
        "(llama.cpp: 'int8', its MMQ kernels run int8 tensor-core MMA); None: the activation dtype")
    attention_compute: dict[str, float] = Field(
        default_factory=dict, description="achieved / 16-bit peak FLOP/s of the prefill attention kernel, "
        "per GPU architecture ('hopper', ...), where it differs from the mat-muls' prefill share (absent: "
        "that share)")
    attention_fp16_accumulate: bool = Field(
        default=False, description="the prompt attention's P·V product accumulates in FP16 on NVIDIA tensor "
        "cores, at that mode's rate (llama.cpp CUDA: estimate/engines/llama_cpp_fattn_accumulate.py)")
    latent_attention_compute: dict[str, float] = Field(
        default_factory=dict, description="achieved / 16-bit peak FLOP/s of attention run in MLA's latent "
        "(absorbed) form, per '<architecture>-<device class>' (llama.cpp: estimate/engines/llama_cpp_mla.py; "
        "absent: attention_compute)")
    wide_head_attention_compute: dict[str, float] = Field(
        default_factory=dict, description="achieved / 16-bit peak FLOP/s of the prefill attention kernel on "
        "blocks whose head dim exceeds FlashAttention's 256, per GPU architecture (vLLM: "
        "estimate/engines/vllm_wide_heads.py; absent: attention_compute)")
    decode_attention_rate: dict[str, tuple[tuple[int, float], ...]] = Field(
        default_factory=dict, description="bytes/s the decode attention kernel streams the KV cache at, "
        "by batch ((batch, bytes/s), ...), per '<vendor>-<architecture>' where the engine runs a kernel "
        "measured there (Triton decode attention on CDNA3: estimate/engines/rocm_triton_attention.py); "
        "absent: the 16-bit weight share")
    state_traffic: float = Field(
        default=2.0, gt=0,
        description="bytes moved per byte of recurrent (GDN / Mamba) state per decode step: read and written "
        "back in place = 2",
    )
    chunked_delta_prefill: bool = Field(
        default=False, description="a prompt's Gated DeltaNet layers run flash-linear-attention's chunked "
        "Triton kernels, each passing its result to the next through GPU memory (vLLM: "
        "estimate/engines/fla_chunk_prefill.py); False: not priced")
    matrix_units: bool = Field(
        default=False, description="prompt mat-muls run on the GPU cores' matrix units where the device "
        "has ones reached only through a dedicated API (llama.cpp: Metal 4 tensor API on Apple M5; "
        "hardware/matrix_units.py)")
    vulkan_matrix_cores: str | None = Field(
        default=None, description="llama.cpp's Vulkan backend: 'auto' (the device's mat-mul shaders), "
        "'coopmat' (KHR cooperative matrices) or 'scalar': prompt mat-muls run at that path's FP16-"
        "accumulate peak, prefill_compute keyed by path (hardware/vulkan_paths.py); None: not Vulkan")
    f32_weights_sgemm: bool = Field(
        default=False, description="F32 weights: the prompt's GEMMs run cuBLAS SGEMM at the TF32 rate on "
        "NVIDIA GPUs (llama.cpp CUDA: estimate/engines/llama_cpp_f32_weights.py); False: the kernel's own")
    vendor_notes: dict[str, str] = Field(
        default_factory=dict, description="a line for the speed report by GPU vendor: which backend's "
        "kernels price the run there (llama.cpp's CUDA profile on an Intel GPU, whose builds run SYCL or "
        "Vulkan: estimate/engines/llama_cpp_sycl.py)")
    vulkan_mmid_walk: bool = Field(
        default=False, description="llama.cpp Vulkan builds before PR #18352: every MUL_MAT_ID workgroup "
        "of a prompt walks the whole ids tensor (estimate/engines/llama_cpp_vulkan_mmid.py)")
    sycl_mmid_scan: bool = Field(
        default=False, description="llama.cpp SYCL builds before PR #23142: every expert of a prompt's "
        "MUL_MAT_ID scans all routed pairs (estimate/engines/llama_cpp_sycl_mmid.py)")
    sycl_bf16_fp32_gemm: bool = Field(
        default=False, description="llama.cpp SYCL builds before PR #21580 without oneDNN: BF16 weights "
        "convert to FP32 for an FP32 GEMM in every mat-mul, decode included (estimate/engines/"
        "llama_cpp_sycl_bf16.py)")
    prefill_dequant_above_tokens: int = Field(
        default=0, ge=0, description="llama.cpp CUDA builds before PR #8075: a quantized prompt mat-mul of "
        "more than this many tokens converts its weights to FP16 before cuBLAS, each ubatch "
        "(estimate/engines/llama_cpp_cublas_prefill.py); 0: no conversion")
    prefill_dequant_above_by_arch: dict[str, float] = Field(
        default_factory=dict, description="the same threshold for one vendor-architecture on every build "
        "(llama.cpp CUDA on Volta: estimate/engines/llama_cpp_volta_prefill.py); absent: the one above")
    fused_moe: bool = Field(
        default=False, description="decode runs the routed experts as one fused-MoE grid (vLLM / SGLang's "
        "Triton fused_moe): 16-bit experts stream at hardware/moe_stream.FUSED_MOE_STREAM_FRACTION on HBM")
    moe_call_extra_s: float = Field(
        default=0.0, ge=0, description="extra GPU seconds per routed-FFN call of a decode step (vLLM's "
        "untuned default fused_moe tiles; hardware/moe_stream.UNTUNED_MOE_CALL_S)")
    moe_call_floor_s: dict[str, float] = Field(
        default_factory=dict, description="decode: fewest GPU seconds one routed-FFN call of FP8 experts "
        "takes, per '<vendor>-<architecture>' where the engine's fused-MoE kernel is measured there (SGLang "
        "on CDNA3: AITER's block-FP8 fused MoE, estimate/engines/rocm_aiter_moe.py); absent: no floor")
    moe_prefill_rate: dict[str, tuple[tuple[int, float], ...]] = Field(
        default_factory=dict, description="prefill: useful FLOP/s of the fused-MoE call of FP8 experts "
        "by the tokens in the call ((tokens, FLOP/s), ...), per '<vendor>-<architecture>' where the "
        "engine's kernel is timed there (SGLang on CDNA3: AITER's block-FP8 fused MoE, "
        "estimate/engines/rocm_aiter_moe.py); absent: the routed experts run at the prefill share")
    kernel_bandwidth: dict[str, float] = Field(
        default_factory=dict, description="achieved / datasheet bandwidth of batch-1 weight kernels keyed "
        "'<kernel family>-<device class>' where the engine's own build streams differently from the shared "
        "table (hardware/speed_profiles.KERNEL_BANDWIDTH; empty: that table)")
    dequant_kernel_bandwidth: dict[str, float] = Field(
        default_factory=dict, description="achieved / datasheet bandwidth of the batch-1 mat-vecs of a "
        "block-quantized GGUF (shaders that unpack each block in the kernel), keyed by GPU architecture, "
        "where the engine's build streams them at a share measured there (ggml-vulkan on Intel Xe2: "
        "estimate/engines/llama_cpp_vulkan_intel.py); F16 / BF16 / F32 weights and other architectures "
        "keep kernel_bandwidth's share")
    allreduce_kernel_measured: bool = Field(
        default=False, description="tensor-parallel decode all-reduces cost the one-shot custom kernel's "
        "measured latency on NVLink peers (hardware/allreduce.py); False: the fitted default latency, which "
        "carries a release's other per-step tensor-parallel costs")
    moe_expert_loop: bool = Field(
        default=False, description="a routed FFN loops over every expert in Python, each iteration synced "
        "(transformers 4.40-4.51: estimate/engines/transformers_moe_loop.py); False: fused or grouped "
        "experts")
    graph_max_context: int = Field(
        default=0, ge=0, description="decode steps whose context exceeds this many tokens run without "
        "CUDA graphs (vLLM V0's max_seq_len_to_capture; estimate/engines/vllm_v0_graphs.py); 0: no cap")
    eager_launch_per_layer_s: float = Field(
        default=0.0, ge=0, description="CPU seconds to launch one layer's kernels when a graph engine "
        "decodes eagerly (past graph_max_context, or --enforce-eager); 0: the eager profile borrows "
        "transformers' per-kernel time (estimate/engines/speed_eager.py)")
    kv_copy_share: float = Field(
        default=1.0, gt=0, le=1, description="with kv_materialized: the cache copies' (torch.cat, "
        "repeat_kv) bandwidth over a 16-bit kernel's; PyTorch before 2.8 copies 2-byte elements without "
        "vector loads (estimate/engines/transformers_cache_copies.py)")
    moe_batched_mm: bool = Field(
        default=False, description="decode runs the routed experts through transformers 5.x's batched_mm "
        "experts interface: per-pair weight gathers and the router's and experts' extra calls "
        "(estimate/engines/transformers_batched_mm.py)")
    unfused_kernels_per_layer: float = Field(
        default=0.0, ge=0, description="decode: kernels a layer launches beyond the calibrated dense block, "
        "each at the per-node time (a build without a CUDA fusion the calibration builds have: "
        "estimate/engines/ollama_graph.py); 0: none")
    host_graph_per_layer_s: float = Field(
        default=0.0, ge=0, description="per decode step and layer: CPU seconds rebuilding and allocating the "
        "step's ggml graph before the GPU can start, serial with it (llama.cpp before graph reuse, PR "
        "#14482; Ollama's own runners: estimate/engines/ollama_graph.py); 0: the graph is reused")
    step_overlapped: bool = Field(
        default=False, description="decode: the fixed host step (step_fixed_s) runs while the GPU runs the "
        "previous step, so a step costs the longer of the two, not their sum (vLLM's async scheduling, "
        "the default from 0.14: estimate/engines/vllm_async.py); False: host and GPU take turns")
    kv_per_query_head: bool = Field(
        default=False, description="decode attention reads each KV head once per query head (vLLM 0.4's "
        "paged_attention grid), GQA's repeats served by the L2 (estimate/engines/vllm_paged_gqa.py); False: "
        "once per KV head")
    unfused_decode_per_query_head: bool = Field(
        default=False, description="without flash attention, decode attention runs one FP16 mat-mul per "
        "query head, each reading its KV head from memory (llama.cpp CUDA/Metal builds before PR #10318: "
        "estimate/engines/llama_cpp_unfused_decode.py); False: the build's kernels are not modelled so")
    sources: tuple[str, ...] = ()
