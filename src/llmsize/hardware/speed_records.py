"""The speed model's records: what it reads of a layout, the constants it ran with, what it returns.

SpeedInputs (built by speed_inputs.py), SpeedConstants (resolved by speed_constants.py) and
SpeedEstimate (returned by speed.estimate_speed) are plain frozen data, kept apart from the
formulas so the helper modules that price one mechanism can import them without the model.
"""

from __future__ import annotations

from llmsize.hardware.efficiency import Efficiency
from llmsize.records import ConfigDict, Field, Record


class SpeedConstants(Record):
    """The constants that produced one speed estimate (after overrides), so users can see and change them."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    engine: str
    kernel: str
    bandwidth_fraction: float
    kv_bandwidth_fraction: float
    power_limit_w: float | None = Field(
        default=None, description="the board power limit asked (--power-limit); None: the stock one, tdp_w")
    core_clock_ratio: float = Field(
        default=1.0, description="core clock under compute-bound work at that limit over the catalog's: it "
        "scales the FLOP rates (hardware/power_limit.py)")
    prompt_bandwidth_fraction: float = Field(
        default=0.0, description="share of the datasheet bandwidth a prompt's weight mat-muls stream at, "
        "where it differs from the decode mat-vecs' bandwidth_fraction "
        "(EngineSpeedProfile.dequant_kernel_bandwidth); 0: bandwidth_fraction")
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
    gather_latency_s: float = Field(
        default=0.0, description="seconds per MoE all-gather / reduce-scatter call across engine cores "
        "(0: the all-reduce latency; hardware/allreduce.py gather_latency_s)")
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
    attention_fp16_acc_flops: float = Field(
        default=0.0, description="peak FLOP/s of the FP16-accumulate MMA that attention's P·V half runs at "
        "(llama.cpp CUDA on NVIDIA: estimate/engines/llama_cpp_fattn_accumulate.py; 0: the 16-bit figure)")
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
    mmvq_column_s_per_param: float = Field(
        default=0.0, description="decode of 2-8 sequences: seconds one weight's dot product takes in each "
        "column beyond the first (llama.cpp CUDA's mat-vec kernel: "
        "estimate/engines/llama_cpp_mmvq_columns.py)")
    mmq_decode_tile_cols: int = Field(
        default=0, description="decode of more sequences than the mat-vec kernel takes: the widest MMQ "
        "tile, each step computing whole tiles (llama.cpp CUDA on NVIDIA int8 MMA: "
        "estimate/engines/llama_cpp_mmq_decode.py; 0: the step's columns as they are)")
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
    serving_arrivals: tuple[float, float] | None = Field(
        default=None, description="closed-loop serving at this batch: (prefill batches of the others' "
        "prompts a request waits through, prompts a batch) as the engine admits arrivals "
        "(estimate/engines/sglang_arrivals.py); None: the others' shares of one wave")
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
    float_gguf: bool = Field(
        default=False, description="the weights are a GGUF of F16, BF16 or F32 tensors, not block-quantized: "
        "their mat-vecs unpack nothing (EngineSpeedProfile.dequant_kernel_bandwidth does not apply)")
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
    lockstep_cores: int = Field(
        default=1, ge=1, description="engine cores whose steps run together (vLLM --data-parallel-size with "
        "a MoE model): a closed loop on one waits through every core's prompts (hardware/speed_serving.py)")
    serving_arrivals: tuple[float, float] | None = Field(
        default=None, description="closed-loop serving: (prefill batches a request waits through, seconds "
        "a batch) where the engine admits arrivals in batches (SpeedInputs.serving_arrivals); None: one wave")
