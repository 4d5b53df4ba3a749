"""vLLM, V1 engine: a profiled budget, then the rest of its share of the card as paged KV blocks.

Modelled release: vLLM 0.19 (V1 engine, the default since 0.8); the published logs this module is
checked against (tests/golden/engine_logs.yaml) are from 0.19. Sources (vllm-project/vllm, read at
commit 35d5cda and later):
- budget, `vllm/v1/worker/gpu_worker.py` `Worker.init_device` / `determine_available_memory`:
  requested = gpu_memory_utilization x total memory as `cudaMemGetInfo` reports it (the driver-
  visible total, 79.22 GiB on an H100 80GB); available KV memory = requested - (weights as loaded +
  the profile run's torch peak increase + the non-torch increase) (`memory_profiling`,
  vllm/utils/mem_utils.py). `--kv-cache-memory` replaces that figure. The CUDA context and NCCL
  exist before the initial snapshot and CUDA graphs are captured after the KV cache is allocated
  (`compile_or_warm_up_model`), so both come out of the (1 - utilization) share; from 0.21 on
  (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS, default on) the graph estimate is taken off the KV
  budget instead. Here the graphs are checked against the share outside the budget (a warning).
- profile run, `vllm/v1/worker/gpu_model_runner.py` `profile_run` -> `_dummy_run(max_num_tokens)`:
  one flat batch of max_num_batched_tokens tokens through the model with its flash-attention
  kernels (no score matrix), then `_dummy_sampler_run` over the last token of
  min(max_num_seqs, max_num_batched_tokens) dummy requests: full-vocabulary logits (gathered, so
  not sharded by tensor parallelism), their fp32 copy, the probabilities, the exponential noise and
  the Triton top-k/top-p buffer, plus the cuBLAS workspace of the first GEMM (vllm_sampler.py).
- defaults, `vllm/engine/arg_utils.py` `EngineArgs.get_batch_defaults` (`vllm serve`, the OpenAI
  server context): max_num_batched_tokens 8192 and max_num_seqs 1024 on GPUs with >= 70 GiB that
  are not an A100, else 2048 and 256. block_size 16 (`vllm/config/cache.py`); MLA models run
  FlashMLA pages of 64 tokens (`vllm/platforms/cuda.py` check_and_update_config). A float32
  checkpoint is served in bf16 (`vllm/config/model.py` `_get_and_verify_dtype`).
- weights as loaded: each weight of 10 MiB or more keeps its caching-allocator segment's rounding to
  2 MiB when the remainder is too small to split (torch_alloc.py): "Model loading took" is
  torch.cuda.memory_allocated's increase (vllm/utils/mem_utils.py DeviceMemoryProfiler), e.g. +1 MiB
  per block for Qwen2.5-72B's 231 MiB down_proj at TP 2; MXFP4 MoE experts padded the way the
  kernel vLLM picks for the GPU needs
  (`vllm/model_executor/layers/fused_moe/oracle/mxfp4.py` `select_mxfp4_moe_backend` and
  `mxfp4_round_up_hidden_size_and_intermediate_size`): Triton on compute capability 9.x (Hopper),
  FlashInfer TRT-LLM on datacenter Blackwell (SM100), ROCm's kernels on AMD, Marlin elsewhere.
- pages, `vllm/v1/core/kv_cache_utils.py`: a uniform model gets num_blocks = available //
  page_size // num_layers; a hybrid one (full + sliding layers) splits each kind's layers into
  groups of the smallest kind's size, all groups sharing one page size and one pool of block ids:
  num_blocks = available // page_size // group_size. "GPU KV cache size: N tokens" prints
  num_blocks // num_groups x block_size; "Maximum concurrency for L tokens per request" prints
  num_blocks / (sum over groups of the blocks one request of L tokens needs); a sliding group needs
  cdiv(min(window - 1 + max_num_batched_tokens, L), block_size) + 1 blocks
  (`SlidingWindowSpec.max_memory_usage_bytes`). `check_enough_kv_cache_memory` refuses to start
  when one request of max_model_len does not fit, and names the largest max_model_len that would.
- linear-attention / Mamba layers (`vllm/platforms/interface.py` `_align_hybrid_block_size`, before
  0.20 `vllm/model_executor/models/config.py` HybridAttentionMambaModelConfig): each such layer
  keeps one state per request (`MambaSpec`: conv state of kernel - 1 positions in the model dtype,
  the SSM/delta state in mamba_ssm_cache_dtype), and pages must be one size, so the attention
  block grows to 16 x cdiv(state page, 16 x attention bytes per token) tokens and the state page is
  padded to it. The state layers form groups like any other kind; a request needs one block in each
  (mamba_cache_mode "none", i.e. without prefix caching of the state; two with
  --enable-prefix-caching, "align" mode). Checked: Qwen3.5-27B on
  vLLM 0.19 printed "GPU KV cache size: 290,864 tokens" and "Maximum concurrency for 32,768 tokens
  per request: 33.04x" (vllm-project/vllm#40691): both follow from 1,487 blocks of 784 tokens in
  4 groups (48 delta-net + 16 attention layers), the block size this rule gives.
- speculative decoding (`--speculative`, estimate/speculative.py; vLLM 0.19 wheel): the drafter is
  loaded with the model (gpu_model_runner.py `load_model` -> `drafter.load_model`, inside "Model
  loading took"), sharing the target's embedding and, for MTP, its lm_head (v1/spec_decode/eagle.py
  `_maybe_share_embeddings` / `_maybe_share_lm_head`; deepseek_mtp.py keeps its shared_head.head); its
  attention layers are in the static forward context, so `get_kv_cache_spec` gives them KV specs and
  they join the KV cache groups (one more full-attention layer per MTP layer or EAGLE head; a draft
  model's layers as their own kind, kv_cache_utils.py unifying the page size); `_dummy_sampler_run`
  warms the RejectionSampler on 2 x num_reqs model-dtype logits; CUDA graphs capture decode batches of
  1 + num_speculative_tokens tokens per request (config/vllm.py `_set_cudagraph_sizes`). The scheduler's
  lookahead slots (num_lookahead_tokens) are runtime allocations, not part of the sizing.
Not modelled: prefix-caching reserves (and the state's "align"/"all" cache modes), LoRA slots, the
per-backend MLA workspaces, DFlash/DSpark drafters, the drafter's own dummy-run activations beyond the
target's hidden states.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import dsa_cache, server_releases, vllm_async, vllm_dsv4, vllm_state_dtype
from llmsize.estimate.engines.base import BaseEngine, Budget, WeightPlacement, ceil_div, pad, serving_dtype
from llmsize.estimate.engines.nccl import device_buffers, link_class
from llmsize.estimate.engines.speed_profile import FUSED_LAYER_KERNELS, EngineSpeedProfile
from llmsize.estimate.engines.torch_alloc import block_slack_bytes, weight_tensor_bytes
from llmsize.estimate.engines.vllm_encoder import EncoderProfile, encoder_profile
from llmsize.estimate.engines.vllm_sampler import blas_workspace_bytes, sampler_peak
from llmsize.estimate.engines.vllm_v0_graphs import V0_MAX_SEQ_LEN_TO_CAPTURE, eager_launch_per_layer
from llmsize.estimate.mixer_tp import replicated_groups
from llmsize.estimate.workload import Engine, Workload
from llmsize.units import GIB, MIB, format_gib

if TYPE_CHECKING:
    from llmsize.estimate.kv_cache import KvTerm
    from llmsize.estimate.overhead import Overhead
    from llmsize.estimate.phases import Peak, StaticBytes
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import EngineFigures, Estimate
    from llmsize.specs.models import ModelSpec, WeightFormat

VLLM_VERSION_MODELLED = "0.19"
BLOCK_TOKENS = 16  # REFERENCE: vllm/config/cache.py CacheConfig.block_size default 16
MLA_BLOCK_TOKENS = 64  # REFERENCE: vllm/platforms/cuda.py: FlashMLA needs block_size 64
# REFERENCE: vllm/platforms/interface.py `_align_hybrid_block_size`: the attention block of a hybrid
# attention + Mamba model is a multiple of the backend's smallest kernel block (16 for FlashAttention
# and FlashInfer on CUDA).
KERNEL_BLOCK_ALIGNMENT = 16
# REFERENCE: vllm/config/cache.py `BlockSize = Literal[1, 8, 16, 32, 64, 128, 256]` (0.19): the
# --block-size argument's choices; vLLM's argument parser rejects any other value.
BLOCK_SIZES = (1, 8, 16, 32, 64, 128, 256)
# REFERENCE: vllm/engine/arg_utils.py EngineArgs.get_batch_defaults (OPENAI_API_SERVER context).
LARGE_GPU_BYTES = 70 * GIB
BATCHED_TOKENS_LARGE, SEQS_LARGE = 8192, 1024
BATCHED_TOKENS_SMALL, SEQS_SMALL = 2048, 256
# REFERENCE: vllm/config/compilation.py: max_cudagraph_capture_size = min(2 x max_num_seqs, 512);
# capture sizes 1, 2, 4, then steps of 8 up to 256, then steps of 16.
MAX_CAPTURE = 512
# REFERENCE: the CUDA context and the NCCL communicator exist before vLLM's initial memory snapshot
# (gpu_worker.py init_device takes it after init_worker_distributed_environment), so they are not
# in its budget: they come out of the (1 - utilization) share. pytorch/pytorch#109888: ~400 MB.
CUDA_CONTEXT_BYTES = 400 * MIB
# REFERENCE: vLLM V1 logs "non_torch_memory takes 0.33GiB" (RTX 5090, TP 1, vllm#14452) and
# "0.04GiB" (8 GB card, vllm#12529): the cuBLAS workspace and lazily loaded kernel modules.
NON_TORCH_TP1_BYTES = 256 * MIB
# REFERENCE: vllm PR #10511 (Llama-3-8B, H100): non_torch_memory 1.79 GiB at TP 1 and 3.58 GiB at
# TP 2 (V0 profiler, context included); the difference, ~1.8 GiB, is NCCL and the custom
# all-reduce buffers a tensor-parallel rank adds on switched GPUs (none between PCIe cards: nccl.py).
NON_TORCH_TP_EXTRA_BYTES = int(1.79 * GIB)
# REFERENCE: vllm/model_executor/layers/fused_moe/oracle/mxfp4.py (v0.19) `select_mxfp4_moe_backend`
# walks FLASHINFER_TRTLLM_MXFP4_BF16 (SM100 family), CK (ROCm with AITER), TRITON (triton_kernels
# on compute capability 9.0 <= cc < 11.0), FLASHINFER_CUTLASS, TRITON_UNFUSED, MARLIN, and takes
# the first the device supports: an H100 logs "Using 'TRITON' Mxfp4 MoE backend", an A100/L40S/
# RTX 4090/RTX 5090 (cc 8.x, 12.x) gets Marlin. `mxfp4_round_up_hidden_size_and_intermediate_size`
# then pads each backend's (intermediate per rank, hidden): Marlin (128, 256) ("n % 256 == 0 and
# k % 128 == 0"), TRT-LLM (256, 256), ROCm (256, 256), Triton (64, unpadded). Older releases (0.10,
# `quantization/mxfp4.py` `get_mxfp4_backend`) fell back to Marlin when triton_kernels was absent.
# Checks: gpt-oss-120b on one H100, "Model loading took 64.38 GiB" with Triton (vllm#33155) and
# 65.9651 GiB with Marlin (vllm#23278); gpt-oss-20b at TP 2 7.01 GiB per rank (llm-d-planner#205).
MXFP4_PADS: dict[str, tuple[int, int]] = {  # backend -> (intermediate multiple, hidden multiple)
    "marlin": (128, 256),
    "flashinfer_trtllm": (256, 256),
    "rocm": (256, 256),
    "triton": (64, 1),
}
# REFERENCE: the Triton backend then hands each expert weight to triton_kernels' matmul_ogs layouts
# (vllm `mxfp4_utils._swizzle_mxfp4`, num_warps 8 outside batched MoE; biases cast to fp32 because
# matmul_ogs reads fp32 bias). On Hopper, triton-lang/triton python/triton_kernels/.../layout_details/
# hopper_value.py `HopperMXValueLayoutTransformation._padded_shape` pads the packed reduction axis
# (bytes) to 64 and the output axis to 256; hopper_scale.py `HopperMXScaleLayoutTransformation.
# swizzle_data` pads the output axis to 2 x num_warps x 2 x 8 = 256 and the scale columns to 2.
TRITON_HOPPER_K_BYTES_ALIGN = 64
TRITON_HOPPER_N_ALIGN = 256
TRITON_SCALE_K_ALIGN = 2
MXFP4_BLOCK = 32
ROCM_ARCHITECTURES = ("cdna", "rdna")


def mxfp4_expert_bytes(backend: str | None, inter: int, hidden: int) -> int:
    """Bytes of one expert's gate_up (w13) and down (w2) MXFP4 weights, scales and bf16/fp32 biases
    as `backend` holds them for a per-rank intermediate size; None = as the checkpoint stores them."""

    def up(x: int, multiple: int) -> int:
        return ceil_div(x, multiple) * multiple

    def mx(k: int, n: int, k_align: int = 1, n_align: int = 1, s_align: int = 1) -> int:
        # (n x k) 4-bit values in bytes + one E8M0 scale per 32 along k
        return up(k // 2, k_align) * up(n, n_align) + up(k // MXFP4_BLOCK, s_align) * up(n, n_align)

    if backend is None:
        return mx(hidden, 2 * inter) + mx(inter, hidden) + 2 * (2 * inter + hidden)
    pad_inter, pad_hidden = MXFP4_PADS[backend]
    i, h = up(inter, pad_inter), up(hidden, pad_hidden)
    if backend != "triton":
        return mx(h, 2 * i) + mx(i, h) + 2 * (2 * i + h)
    ka, na, sa = TRITON_HOPPER_K_BYTES_ALIGN, TRITON_HOPPER_N_ALIGN, TRITON_SCALE_K_ALIGN
    return mx(h, 2 * i, ka, na, sa) + mx(i, h, ka, na, sa) + 4 * (2 * i + h)


def rope_cache_bytes(spec: ModelSpec, wl: Workload) -> int:
    """The RoPE cos/sin tables vLLM builds when it constructs the model, on every rank and stage.

    vllm/model_executor/layers/rotary_embedding/base.py `RotaryEmbedding.__init__` registers a
    `cos_sin_cache` buffer of (positions x rotary_dim) in the model dtype, one per distinct RoPE
    (`get_rope` caches instances), so it is counted in "Model loading took". Positions are
    max_position_embeddings, times the factor for linear scaling (linear_scaling_rope.py: "the
    maximum length after applying the rope scaling is max_position_embeddings * scaling_factor")
    and dynamic NTK (dynamic_ntk_scaling_rope.py), original_max_position_embeddings x factor for
    YaRN (yarn_scaling_rope.py, deepseek_scaling_rope.py). Gemma 3's sliding layers build a second,
    unscaled table (vllm/model_executor/models/gemma3.py Gemma3Attention: rope_local_base_freq).
    Check: gemma-3-12b-it loads 23.31 GiB on vLLM 0.19 (llm-d-planner#205) against 22.70 GiB of
    parameters: 1,048,576 x 256 x 2 bytes + 131,072 x 256 x 2 = 0.56 GiB.
    A partial RoPE spans head_dim x partial_rotary_factor (get_rope's rotary_dim: Qwen3.5's 64 of 256).
    Not modelled: LongRoPE's two tables.
    """
    element = 4 if wl.dtype is not None and str(wl.dtype) == "fp32" else 2
    return rope_positions(spec) * rotary_dim(spec) * element


def rotary_dim(spec: ModelSpec) -> int:
    """The width of one cos/sin row: the MLA rope dims, else head_dim x partial_rotary_factor (0 when the
    model has no RoPE)."""
    if spec.position_embedding_params or not spec.num_attention_heads:
        return 0
    if spec.is_mla and spec.qk_rope_head_dim:
        return spec.qk_rope_head_dim
    return int(spec.head_dim * spec.rotary_fraction)


def rope_positions(spec: ModelSpec) -> int:
    """Rows of the cos/sin tables the model builds (rope_cache_bytes: scaled positions, Gemma 3's local
    table)."""
    base = spec.max_position_embeddings
    kind, factor = spec.rope_scaling_type, spec.rope_scaling_factor
    if kind in ("linear", "dynamic"):
        positions = int(base * factor)
    elif kind in ("yarn", "deepseek_yarn"):
        positions = int((spec.rope_original_max_positions or base) * factor)
    else:
        positions = base
    return positions + (base if spec.local_rope else 0)


def mxfp4_backend_for(architecture: str, segment: str) -> str:
    """The MXFP4 MoE kernel vLLM 0.19 picks on a GPU of this catalog architecture (see MXFP4_PADS)."""
    arch = architecture.lower()
    if arch.startswith(ROCM_ARCHITECTURES):
        return "rocm"
    if arch == "hopper":  # compute capability 9.0
        return "triton"
    if arch.startswith("blackwell") and segment == "datacenter":  # SM100/SM103
        return "flashinfer_trtllm"
    return "marlin"  # Ampere/Ada (8.x), consumer Blackwell (12.x), Thor (11.0), unknown


_RULE = {True: "blocks", False: "window_blocks"}  # kv_cache.KvTerm rules of a full / window group


@dataclass(frozen=True)
class _Group:
    """One KV cache group: `layers` layers of one kind sharing a block table."""

    layers: int
    window: int | None
    state: bool = False  # linear-attention / Mamba layers: one fixed-size state per request
    token_bytes: Fraction = Fraction(0)  # one layer's K/V per token (0: the model's common size)
    chunked: bool = False  # Llama 4's chunked local attention: ChunkedLocalAttentionSpec, not a window



# REFERENCE: speed. Decode replays captured CUDA graphs for batch sizes up to 512
# (vllm/worker/model_runner.py _BATCH_SIZES_TO_CAPTURE in 0.6.3), so per-layer CPU launch drops out
# and the fixed Python part (scheduler, sampler, output processing) remains; chunked prefill of
# 8192 tokens per step (vllm/engine/arg_utils.py max_num_batched_tokens with chunked prefill on).
# SPEED_V0 is the V0 engine of 0.6.3, calibrated on Qwen's vLLM 0.6.3 tables (bench rows of releases
# before 0.8 use it: LEGACY_SPEED).
SPEED_V0 = EngineSpeedProfile(
    engine="vllm-0.6", version="0.6.3 (V0 engine)",
    step_fixed_s=2.46e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.031e-3,
    prefill_chunk_tokens=8192, graphs=True,
    prefill_compute={"hbm": 0.55, "gddr": 0.60},
    layer_kernels=FUSED_LAYER_KERNELS, fused_moe=True,
    # Decode past 8192 tokens runs eagerly, each kernel a bare op launch (vllm_v0_graphs.py).
    graph_max_context=V0_MAX_SEQ_LEN_TO_CAPTURE,
    eager_launch_per_layer_s=eager_launch_per_layer(2 * FUSED_LAYER_KERNELS["block"]
                                                    + FUSED_LAYER_KERNELS["attention"]
                                                    + FUSED_LAYER_KERNELS["dense_ffn"]),
    sources=("https://github.com/vllm-project/vllm/blob/v0.6.3/vllm/worker/model_runner.py",))
# The V1 engine (the default from 0.8; vllm/v1/engine/core.py runs the scheduler in its own EngineCore
# process and vllm/v1/worker/gpu_model_runner.py keeps a persistent batch, so input preparation,
# detokenisation and output processing overlap the GPU) pays less per step; the rest of the step
# (graphs, kernels, chunked prefill) is the same. step_fixed_s fitted on the V1 fit rows
# (bench/speed_tables.yaml: vLLM v0.10 benchmark_latency on 8 x MI300X), other constants as V0's.
# On Hopper the V1 engine's FLASH_ATTN backend runs FlashAttention-3 (vllm_flash_attn, fa_version 3 on
# sm90), the kernel family whose long-prompt share SGLang's profile takes from
# Dao-AILab/flash-attention#1075 (0.82 of the 16-bit peak) and its H20 rows confirm; no vLLM row on
# Hopper has a long enough prompt to check it separately. 0.6.3 ran FlashAttention-2 everywhere.
SPEED_V1_SYNC = SPEED_V0.model_copy(update={
    "engine": vllm_async.SYNC_V1_ENGINE, "version": "V1 engine, 0.8-0.13 (step fitted on v0.10 rows)",
    "step_fixed_s": 1.48e-3,
    # V1 keeps attention outside its piecewise graphs: no context cap, and its eager profile keeps the
    # borrowed per-kernel launch time (speed_eager.py; vllm#20469 measures ~0.23 ms a layer eager).
    "graph_max_context": 0, "eager_launch_per_layer_s": 0.0,
    "attention_compute": {"hopper": 0.82},
    # V1 ranks receive the scheduler output through shared memory; the custom all-reduce's measured
    # latency applies (hardware/allreduce.py).
    "allreduce_kernel_measured": True,
    "sources": ("https://github.com/vllm-project/vllm/blob/v0.10.0/vllm/v1/engine/core.py",)})
# From 0.14 the V1 engine schedules the next step while the GPU runs this one (async scheduling on by
# default): the same constants, the host step overlapped (estimate/engines/vllm_async.py).
SPEED = vllm_async.overlapped(SPEED_V1_SYNC, "vllm", "V1 engine, 0.14+ (async scheduling; step fitted on "
                              "v0.10 rows)")
# REFERENCE: vllm/model_executor/layers/fused_moe/fused_moe.py `try_get_optimal_moe_config` looks the
# Triton tiles up by (E, N, device name, dtype) in fused_moe/configs/ and, when no file matches, logs
# "Using default MoE config" and runs `get_default_config` (BLOCK_SIZE_M 16, N 32, K 64 at decode; no
# num_warps / num_stages before mid-2025). vLLM's own benchmark of those tiles (benchmarks/kernels/
# benchmark_moe.py, E=128 N=768 bf16 on an A100-PCIe-40GB, batch 1-96; PR #19049) sits 24-54 us, 36 us
# on average, above the tuned-tile model (hardware/moe_stream.py) at every batch: a fixed extra time per
# routed-FFN call. Rows measured on those tiles use this profile by name (nothing fitted on a row). The
# figure is the A100's: the same tiles on a B200 (PR #31448, batch 1-4) sit only 10-16 us above the model.
UNTUNED_MOE_CALL_S = 36e-6
UNTUNED_MOE_SPEED = SPEED_V1_SYNC.model_copy(update={
    "engine": "vllm-moe-untuned", "moe_call_extra_s": UNTUNED_MOE_CALL_S,
    "version": "V1 engine of mid-2025 on the default (untuned) fused_moe tiles"})
LEGACY_SPEED: dict[str, EngineSpeedProfile] = {SPEED_V0.engine: SPEED_V0, SPEED_V1_SYNC.engine: SPEED_V1_SYNC,
                                               UNTUNED_MOE_SPEED.engine: UNTUNED_MOE_SPEED}


class Vllm(BaseEngine):
    """vLLM's V1 engine (`vllm serve`)."""

    engine: ClassVar[Engine] = Engine.VLLM
    reads_options: ClassVar[frozenset[str]] = frozenset(
        {"max_num_seqs", "max_num_batched_tokens", "enforce_eager", "block_size", "kv_cache_memory"}
        | {"speculative", "mm_encoder_tp_mode", "engine_version"}
    )
    # --speculative-config method mtp (deepseek_mtp, qwen3_next_mtp, ...), eagle, eagle3, draft_model
    # (vllm/config/speculative.py SpeculativeMethod, 0.19).
    speculative_methods: ClassVar[frozenset[str]] = frozenset({"mtp", "eagle", "eagle3", "draft"})
    draft_mtp_head: ClassVar[bool] = True
    version: ClassVar[str] = VLLM_VERSION_MODELLED
    speed: ClassVar[EngineSpeedProfile] = SPEED
    label: ClassVar[str] = "vLLM"
    # DeepSeek V4 (compressed_sparse / heavily_compressed layers) is paged as one packed pool:
    # vllm_dsv4.py, from the vLLM 0.2x releases that run it (DeepseekV4ForCausalLM).
    # --kv-cache-dtype auto|fp8 (fp8_e4m3/fp8_e5m2)|nvfp4 (vllm/config/cache.py CacheDType)
    kv_dtypes: ClassVar[frozenset[str]] = frozenset({"fp32", "fp16", "bf16", "fp8", "nvfp4"})
    # REFERENCE: docs.vllm.ai features/quantization/fp8: below compute capability 8.9 FP8 weights
    # run weight-only through the FP8 Marlin kernel.
    fp8_weight_only: ClassVar[bool] = True
    hf_phase_walk: ClassVar[bool] = False
    unsupported_formats: ClassVar[frozenset[str]] = frozenset({"exl2", "mlx"})
    # REFERENCE: vLLM's own build for macOS runs on the CPU only; GPU inference on Apple silicon goes
    # through vllm-metal, a plugin whose compute backend is MLX and whose default KV cache is MLX-managed
    # (docs.vllm.ai getting_started/installation gpu.apple.inc.md and cpu.apple.inc.md;
    # vllm-project/vllm-metal README: paged attention opt-in before v0.2.0).
    backend_notes: ClassVar[Mapping[str, str]] = {
        "apple": "vLLM on Apple silicon runs through the vllm-metal plugin (MLX backend): its KV cache and "
        "kernels are MLX's, so the CUDA block pool and speed profile modelled here are an approximation "
        "there; llama.cpp or Ollama (--engine) are modelled on Macs",
    }

    # --- settings ---------------------------------------------------------------------------------
    def block_tokens(
        self, spec: ModelSpec | None = None, attn_token_bytes: int = 0, compute_bytes: int = 2
    ) -> int:
        """Tokens per KV block: --block-size, else 16 (64 for MLA), raised for a hybrid model until one
        attention page holds a layer's state page (`_align_hybrid_block_size`)."""
        if spec is not None and spec.compressed is not None:
            return self.wl.block_size or vllm_dsv4.DEFAULT_BLOCK_TOKENS
        base = self.wl.block_size or (MLA_BLOCK_TOKENS if spec is not None and spec.is_mla else BLOCK_TOKENS)
        if spec is None or not attn_token_bytes:
            return base
        state = self.state_page_bytes(spec, compute_bytes)
        if not state:
            return base
        align = KERNEL_BLOCK_ALIGNMENT
        return max(base, align * ceil_div(state, align * attn_token_bytes))

    @staticmethod
    def hybrid_state(spec: ModelSpec) -> bool:
        """Whether the model mixes attention layers with fixed-state (linear-attention / Mamba) ones."""
        layers = range(spec.num_layers)
        if spec.recurrent is None:
            return False
        return any(map(spec.has_state, layers)) and any(map(spec.has_kv, layers))

    def state_page_bytes(self, spec: ModelSpec, compute_bytes: int) -> int:
        """One layer's state for one request on one rank, as vLLM's MambaSpec sizes it: the conv state
        of kernel - 1 positions in the model dtype and the recurrent state in the dtype the model keeps
        it (mamba_ssm_cache_dtype: fp32 for Qwen3.5/3.6 and Nemotron-H, else the model dtype;
        vllm_state_dtype.py). 0 without state layers or without attention layers (then pages need no
        unifying)."""
        if not self.hybrid_state(spec):
            return 0
        return self.state_bytes(spec, compute_bytes, self.wl.tp)

    def state_bytes(self, spec: ModelSpec, compute_bytes: int, tp: int) -> int:
        """MambaSpec's shapes (`vllm/model_executor/layers/mamba/mamba_utils.py`
        MambaStateShapeCalculator): the conv state keeps kernel - 1 positions in the model dtype, the
        SSM / delta state is in mamba_ssm_cache_dtype (the model's state dtype); split over TP ranks,
        Mamba-2's conv channels after its B/C groups are replicated up to a multiple of tp.
        With speculative decoding the gated delta-net and Mamba-2 conv state keeps num_speculative_tokens
        more positions (`gated_delta_net_state_shape` / `mamba2_state_shape`: conv_kernel - 1 + num_spec).
        Check: Qwen3.6-27B at TP 2 with MTP n=3 and an fp8 cache logs "Setting attention block size to 1600
        tokens" and "Padding mamba page size by 0.25%" (noonghunna/club-3090#356): 5,120 x 6 x 2 +
        24 x 128 x 128 x 4 = 1,634,304 B against 1,600 x 1,024."""
        rec = spec.recurrent
        if rec is None:
            return 0
        extra = self._speculative_tokens(spec) if rec.kind in ("gated_deltanet", "mamba2") else 0
        channels = rec.conv_channels
        if rec.kind == "mamba2":  # mamba2_state_shape: B/C groups replicated up to a multiple of tp
            channels += 2 * (replicated_groups(rec.n_groups, tp) - rec.n_groups) * rec.state_size
        conv = channels // tp * max(0, rec.conv_kernel - 1 + extra) * compute_bytes
        ssm_bytes = vllm_state_dtype.ssm_state_element_bytes(spec, compute_bytes)  # the model hooks
        return conv + rec.recurrent_state_elements // tp * ssm_bytes

    def batched_tokens(self) -> int:
        return self.wl.max_num_batched_tokens or BATCHED_TOKENS_SMALL

    def max_seqs(self) -> int:
        return self.wl.max_num_seqs or SEQS_SMALL

    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = "",
        compute_units: int | None = None, interconnect: str = "",
    ) -> Workload:
        large = total_bytes >= LARGE_GPU_BYTES and "a100" not in gpu_name.lower()
        update: dict[str, Any] = {}
        if wl.gpu_link is None:
            update["gpu_link"] = link_class(interconnect)  # where NCCL's buffers sit (nccl.py)
        if wl.gpu_compute_units is None and compute_units:
            update["gpu_compute_units"] = compute_units  # the sampler's Triton buffer (vllm_sampler.py)
        if wl.gpu_architecture is None and architecture:
            update["gpu_architecture"] = architecture  # the cuBLAS workspace size (vllm_sampler.py)
        if wl.mxfp4_moe_backend is None and architecture:
            update["mxfp4_moe_backend"] = mxfp4_backend_for(architecture, segment)
        if wl.max_num_batched_tokens is None:
            update["max_num_batched_tokens"] = BATCHED_TOKENS_LARGE if large else BATCHED_TOKENS_SMALL
        if wl.max_num_seqs is None:
            update["max_num_seqs"] = SEQS_LARGE if large else SEQS_SMALL
        return wl.model_copy(update=update) if update else wl

    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
        return serving_dtype(spec, wl, rest, "vLLM")

    def encoder_tp(self, spec: ModelSpec, wl: Workload) -> int:
        """The vision tower's blocks split over the TP ranks (--mm-encoder-tp-mode weights, the default);
        `data` keeps it whole on each rank for models that declare supports_encoder_tp_data, and falls
        back to weights for the others (vllm/config/multimodal.py MultiModalConfig.mm_encoder_tp_mode;
        estimate/encoder_tp.py)."""
        from llmsize.estimate.encoder_tp import data_parallel

        return 1 if wl.mm_encoder_tp_mode == "data" and data_parallel(spec) else wl.tp

    def tp_problem(self, spec: ModelSpec, tp: int) -> str | None:
        """A vision tower split over `tp` ranks whose heads or MLP width `tp` does not divide: vLLM 0.19
        asserts while building it (encoder_tp.indivisible); `--mm-encoder-tp-mode data` keeps it whole on
        the models that honour it (vision.py is_vit_use_data_parallel). Later vLLM main builds pass the
        head count to is_vit_use_data_parallel and fall back to data parallelism themselves; 0.19 does not."""
        from llmsize.estimate.encoder_tp import indivisible

        if self.encoder_tp(spec, self.wl.model_copy(update={"tp": tp})) <= 1:
            return None
        problem = indivisible(spec, tp)
        if problem is None:
            return None
        from llmsize.estimate.encoder_tp import data_parallel

        way = "add --mm-encoder-tp-mode data (each rank keeps the whole tower) or "
        way = way if data_parallel(spec) else ""
        return f"vLLM cannot start: {problem}; {way}use a TP degree that divides it"

    def resolve(self, spec: ModelSpec, wl: Workload) -> Workload:
        """DeepSeek V4 runs an fp8 cache only (deepseek_v4_attention.py DeepseekV4MLAAttention:
        "DeepseekV4 only supports fp8 kv-cache format for now", converted to fp8_ds_mla); the
        published launch commands pass --kv-cache-dtype fp8."""
        if spec.compressed is not None and wl.kv_dtype is None:
            return wl.model_copy(update={"kv_dtype": "fp8"})
        return wl

    def validate(self, spec: ModelSpec, wl: Workload) -> None:
        super().validate(spec, wl)
        from llmsize.errors import BadInputError

        if wl.mode.trains:
            raise BadInputError(
                "vLLM serves models; it does not train them", hint="use --engine transformers"
            )
        from llmsize.estimate.speculative import require_tokens

        require_tokens(wl, "vLLM")
        server_releases.vllm_speed_name(wl.engine_version, wl.enforce_eager)  # a bad release exits 2
        tower = self.tp_problem(spec, wl.tp)
        if tower is not None:
            problem, _, hint = tower.partition("; ")
            raise BadInputError(problem, hint=hint)
        if wl.block_size is not None and wl.block_size not in BLOCK_SIZES:
            raise BadInputError(
                f"--block-size {wl.block_size} is not one vLLM accepts",
                hint=f"choose one of {', '.join(map(str, BLOCK_SIZES))} (vllm/config/cache.py BlockSize)",
            )
        if spec.compressed is not None:
            if wl.kv_dtype is not None and str(wl.kv_dtype) != "fp8":
                raise BadInputError(
                    f"vLLM runs DeepSeek V4 with an fp8 cache only, not --kv-dtype {wl.kv_dtype} "
                    "(DeepseekV4MLAAttention converts fp8 to its fp8_ds_mla layout)",
                    hint="use --kv-dtype fp8, or leave it out",
                )
            vllm_dsv4.check(spec, self.block_tokens(spec))

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """The speed profile of the release asked for (--engine-version: V0 before 0.8, 0.4's capped
        graphs; estimate/engines/server_releases.py); the V1 engine's when none is given."""
        del spec
        return server_releases.vllm_speed_name(self.wl.engine_version, self.wl.enforce_eager)

    # --- weights as loaded ------------------------------------------------------------------------
    def place_weights(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, device: int, all_stages: int
    ) -> WeightPlacement:
        """Weights as vLLM's kernels hold them: MXFP4 MoE experts padded to the tiles of the MoE
        kernel vLLM picks for the GPU (Marlin when the GPU is unknown: the widest padding of the
        CUDA kernels but TRT-LLM's), everything else as stored; plus the RoPE cos/sin tables that
        "Model loading took" includes."""
        del all_stages
        from llmsize.specs.models import QuantMethod

        device += rope_cache_bytes(spec, wl) + block_slack_bytes(weight_tensor_bytes(spec, wl, fmt, stage))
        inter = spec.moe_intermediate_size // wl.tp if spec.is_moe else 0
        if fmt.quant != QuantMethod.MXFP4 or not inter:
            return WeightPlacement(device, 0)
        from llmsize.estimate.weights import shard_bytes, stage_shards

        experts = sum(
            shard_bytes(spec, s, fmt) for s in stage_shards(spec, wl, stage) if s.group.kind == "expert"
        )
        backend = wl.mxfp4_moe_backend or "marlin"
        held = mxfp4_expert_bytes(backend, inter, spec.hidden_size)
        stored = mxfp4_expert_bytes(None, inter, spec.hidden_size)
        return WeightPlacement(device + experts * (held - stored) // stored, 0)

    # --- cache --------------------------------------------------------------------------------------
    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        del prefill, batch
        held = tokens if window is None else np.minimum(tokens, window)
        return pad(held, self.block_tokens())

    def kv_formula_tail(self) -> str:
        return f", in pages of {self.block_tokens()} tokens"

    def compressed_layout(
        self, spec: ModelSpec, layers: tuple[int, ...], element: Fraction
    ) -> tuple[KvTerm, ...] | None:
        """DeepSeek V4 as vLLM pages it (vllm_dsv4.py): every group of one request costs its blocks x
        the pool's block stride, whatever the group (a block id spans every packed page)."""
        from llmsize.estimate.kv_cache import KvTerm

        del element  # the fp8_ds_mla, fp8 indexer and fp32 state layouts fix their own bytes
        plan = vllm_dsv4.layout(spec, layers, self.block_tokens(spec))
        stride = Fraction(plan.stride_bytes)
        counts: dict[vllm_dsv4.Group, int] = {}
        for g in plan.groups:
            counts[g] = counts.get(g, 0) + 1
        return tuple(
            KvTerm(n, stride, g.window, rule=_RULE[g.window is None], rate=g.block_tokens)
            for g, n in counts.items()
        )

    def pooled_held(
        self, rule: str, rate: int, tokens: Any, prefill: Any, window: int | None = None, batch: Any = 1
    ) -> Any:
        """Block ids one request holds (FullAttentionSpec / SlidingWindowSpec `max_memory_usage_bytes`
        over the page): the whole context, or window - 1 + the batched tokens of one step, + 1."""
        if rule == "blocks":
            return -(-tokens // rate)
        if rule == "window_blocks" and window is not None:
            held = np.minimum(window - 1 + self.batched_tokens(), tokens)
            return -(-held // rate) + 1
        return super().pooled_held(rule, rate, tokens, prefill, window, batch)

    def _speculative_tokens(self, spec: ModelSpec) -> int:
        """num_speculative_tokens (validate requires it but for mtp, whose default is n_predict)."""
        if self.wl.speculative is None:
            return 0
        return self.wl.num_speculative_tokens or max(1, spec.mtp_layers)

    def _draft_layers(self, spec: ModelSpec, rs: Resolved) -> tuple[Fraction, int]:
        """(bytes per token of one layer, layers) the drafter caches: in V1 its attention layers are
        registered like the target's (gpu_model_runner.py `get_kv_cache_spec` walks every Attention
        layer of the static forward context, the drafter's included) and join the KV cache groups;
        0 bytes = the target's own full-attention size (they join its full kind)."""
        from llmsize.estimate import speculative
        from llmsize.estimate.engines.registry import kv_bytes_per_token_layer

        if not rs.busiest_stage.head or (d := speculative.drafter(spec, self.wl)) is None or not d.kv_layers:
            return Fraction(0), 0
        own = kv_bytes_per_token_layer(d.layer_spec, self.wl, rs.kv_dtype)
        if d.method != "draft" and not spec.per_layer_heads:
            return Fraction(0), d.kv_layers
        return own, d.kv_layers

    def groups(
        self,
        spec: ModelSpec,
        layers: tuple[int, ...] | range,
        element: Fraction = Fraction(0),
        draft: tuple[Fraction, int] = (Fraction(0), 0),
    ) -> list[_Group]:
        """KV cache groups: each kind's layers split into groups of the smallest kind's size; a drafter's
        layers (`draft`: bytes per token, layers) count in the full-attention kind of their size."""
        kinds: dict[tuple[bool, int | None, Fraction, bool], int] = {}
        if draft[1]:
            kinds[(False, None, draft[0], False)] = draft[1]
        paged_state = self.hybrid_state(spec)  # state layers share the pool only beside attention
        types = spec.layer_types
        for layer in layers:
            if spec.has_kv(layer):
                chunked = types is not None and types[layer] == "chunked_attention"
                key: tuple[bool, int | None, Fraction, bool] = (
                    False, spec.layer_window(layer), self._token_bytes(spec, layer, element), chunked
                )
            elif paged_state and spec.has_state(layer):
                key = (True, None, Fraction(0), False)  # a state page per request, unified with attention
            else:
                continue
            kinds[key] = kinds.get(key, 0) + 1
        if not kinds:
            return []
        if len(kinds) == 1:
            (((state, w, tb, ch), n),) = kinds.items()
            return [_Group(n, w, state, tb, ch)]
        size = min(kinds.values())
        # REFERENCE: kv_cache_utils._get_kv_cache_groups_uniform_page_size (0.19): when the largest kind
        # is under 1.5x the smallest, one group size = the largest avoids a mostly empty group ("gpt-oss-20b
        # + eagle, with 12 sw + 13 full ... (13 sw, 13 full)").
        if max(kinds.values()) < 1.5 * size:
            size = max(kinds.values())
        out = []
        for (state, w, tb, ch), n in kinds.items():
            out += [_Group(size, w, state, tb, ch)] * math.ceil(n / size)
        return out

    def _token_bytes(self, spec: ModelSpec, layer: int, element: Fraction) -> Fraction:
        """One layer's K/V per token on this rank; 0 unless layers differ (Gemma 4's global layers
        cache their own head size and KV heads)."""
        if element == 0 or not spec.per_layer_heads:
            return Fraction(0)
        return self.layer_kv_bytes(spec.attention_view(layer), element, self.wl.tp)

    # --- transient ----------------------------------------------------------------------------------
    def profile_bytes(self, spec: ModelSpec, e: int) -> tuple[int, int, int]:
        """(torch peak increase, forward part, sampler part) of the profile run on one rank."""
        tp = self.wl.tp
        t = self.batched_tokens()
        s = min(self.max_seqs(), t)
        h = spec.hidden_size
        hd = spec.head_dim
        q = max(1, spec.num_attention_heads // tp) * hd
        kv = max(1, spec.num_kv_heads // tp) * hd
        if spec.is_mla:
            q = max(1, spec.num_attention_heads // tp) * (spec.qk_nope_head_dim + spec.qk_rope_head_dim)
            kv = spec.kv_lora_rank + spec.qk_rope_head_dim
        attn = t * e * (2 * h + q + 2 * kv + q)
        dense = (
            t * e * (2 * h + 3 * (spec.max_mlp_width // tp))
            if spec.num_layers > spec.num_moe_layers
            else 0
        )
        moe = 0
        if spec.is_moe:
            inter = spec.moe_intermediate_size // tp
            k = spec.num_experts_per_tok
            # fused_moe: router logits in fp32, then per (token, expert) gate_up, activation and down
            moe = t * (2 * h * e + spec.num_experts * 4 + k * e * (3 * inter + h))
        forward = max(attn, dense, moe) + _stream_extra(spec, t, e)
        forward += vllm_dsv4.prefill_workspace_bytes(spec, self.wl.context, t)
        if self.wl.speculative is not None:
            forward += t * h * e * 3  # the drafter's dummy_run: the target's hidden states + its [h, h] input
        largest = t * e * max(h, 2 * (spec.max_mlp_width // tp), q + 2 * kv)
        if spec.is_moe:
            largest = max(largest, t * spec.num_experts_per_tok * e * 2 * (spec.moe_intermediate_size // tp))
        sampler = sampler_peak(
            s, spec.vocab_size, h, e, self.wl.gpu_compute_units, largest, self.wl.speculative is not None
        ).total
        # the cuBLAS (and cuBLASLt) workspaces of the first GEMMs stay allocated through both phases
        blas = blas_workspace_bytes(self.wl.gpu_architecture, _has_linear_bias(spec))
        return max(forward, t * h * e + sampler) + blas, forward, sampler

    def cuda_graph_bytes(self, spec: ModelSpec, e: int) -> int:
        """The graph pool keeps the largest captured decode batch's forward activations."""
        if self.wl.enforce_eager:
            return 0
        # REFERENCE: vllm/config/vllm.py _set_cudagraph_sizes: with speculative decoding each decode request
        # is 1 + num_speculative_tokens query tokens, min(max_num_seqs x that x 2, 512)
        query = 1 + (self.wl.num_speculative_tokens or (spec.mtp_layers if self.wl.speculative else 0))
        biggest = min(2 * self.max_seqs() * query, MAX_CAPTURE, self.batched_tokens())
        h = spec.hidden_size
        width = max(spec.max_mlp_width, spec.moe_intermediate_size * max(1, spec.num_experts_per_tok))
        return biggest * e * (2 * h + 3 * (width // self.wl.tp)) + biggest * spec.vocab_size * 4

    def non_torch_bytes(self) -> int:
        """cuBLAS and lazily loaded modules, and at TP > 1 what NCCL and the custom all-reduce add in
        device memory: none between PCIe GeForce cards, where NCCL's buffers are host shared memory and
        the custom all-reduce is off (vllm#13061: "non_torch_memory takes 0.25GiB" at TP 2 on two RTX
        4090s, no more than one rank's own; nccl.py)."""
        extra = self.wl.tp > 1 and device_buffers(self.wl.gpu_link)
        return NON_TORCH_TP1_BYTES + (NON_TORCH_TP_EXTRA_BYTES if extra else 0)

    def peak(self, spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved) -> Peak:
        from llmsize.estimate.phases import Peak

        e = rs.compute_bytes
        prof, forward, sampler = self.profile_bytes(spec, e)
        encoder = self.encoder(spec, wl, e)
        if encoder is not None:  # vllm_encoder.py: outputs cached through the forward, or the tower
            prof = max(prof + encoder.outputs_bytes, encoder.tower_bytes)
        kv = static.kv_full
        return Peak(
            phase="profile run",
            kv_cache=kv,
            activations=prof,
            gradients=0,
            optimizer=0,
            formula=(
                "vLLM profile run: a max_num_batched_tokens forward (flash attention) and the sampler "
                "warm-up over max_num_seqs x vocabulary"
            ),
            detail=(
                f"forward of {self.batched_tokens():,} tokens {forward:,} B; sampler over "
                f"{min(self.max_seqs(), self.batched_tokens()):,} requests x {spec.vocab_size:,} "
                f"vocabulary {sampler:,} B"
                + (
                    f"; encoder on {encoder.items} images of {encoder.tokens_per_item:,} tokens "
                    f"{encoder.tower_bytes:,} B, its outputs {encoder.outputs_bytes:,} B"
                    if encoder is not None
                    else ""
                )
            ),
            low=prof + kv + static.weights + static.adapters,
            high=prof + kv + static.weights + static.adapters,
        )

    def overhead(self, spec: ModelSpec, wl: Workload, allocated: int, rs: Resolved) -> Overhead:
        from llmsize.estimate.overhead import Overhead

        e = rs.compute_bytes
        graphs = self.cuda_graph_bytes(spec, e)
        nominal = CUDA_CONTEXT_BYTES + self.non_torch_bytes() + graphs
        return Overhead(
            nominal=nominal,
            low=nominal,
            high=nominal + int(allocated * 0.05),
            formula="CUDA context + non-torch memory (cuBLAS, NCCL) + CUDA graphs (none if --enforce-eager)",
            driver="NCCL buffers grow with tensor parallelism; graph pool with max_num_seqs",
        )

    # --- figures and budget -----------------------------------------------------------------------
    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures:
        from llmsize.estimate.engines.registry import kv_bytes_per_token_layer
        from llmsize.estimate.result import EngineFigures

        e = rs.compute_bytes
        layers = rs.busiest_stage.layers
        if spec.compressed is not None:
            return self._packed_figures(spec, wl, weights, e, tuple(layers))
        groups = self.groups(spec, layers, self.kv_element_bytes(rs.kv_dtype), self._draft_layers(spec, rs))
        per_layer = max(
            [kv_bytes_per_token_layer(spec, wl, rs.kv_dtype), *(g.token_bytes for g in groups)]
        )
        block = self.block_tokens(spec, int(per_layer), e)
        page = block * per_layer  # one layer's page, the largest kind's
        size = max((g.layers for g in groups), default=0)
        k = self._speculative_tokens(spec)
        need = sum(
            self._group_blocks(g, wl.context, self._group_block(g, block, per_layer), k) for g in groups
        )
        full_block = max(
            (self._group_block(g, block, per_layer) for g in groups if g.window is None and not g.state),
            default=block,
        )
        return EngineFigures(
            engine=str(self.engine),
            version=self.version,
            device_weights_bytes=weights.device_bytes,
            non_torch_bytes=self.non_torch_bytes(),
            cuda_graph_bytes=self.cuda_graph_bytes(spec, e),
            kv_page_bytes=page * size,
            block_tokens=block,
            kv_groups=max(1, len(groups)),
            blocks_per_request=need,
            full_groups=sum(1 for g in groups if g.window is None and not g.state),
            full_block_tokens=full_block,
            concurrency_tokens=server_releases.vllm_prints_concurrency_tokens(wl.engine_version),
            budget_fraction=wl.gpu_memory_utilization,
            kv_memory_bytes=wl.kv_cache_memory,
            lines=(
                f"Model loading took {weights.device_bytes / GIB:.4f} GiB memory",
                *((encoder.line(),) if (encoder := self.encoder(spec, wl, e)) is not None else ()),
            ),
        )

    def encoder(self, spec: ModelSpec, wl: Workload, e: int) -> EncoderProfile | None:
        """The start-up profile of a vision-language model's encoder (vllm_encoder.py)."""
        return encoder_profile(spec, self.batched_tokens(), self.max_seqs(), wl.context, e, wl.tp)

    def _packed_figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, e: int, layers: tuple[int, ...]
    ) -> EngineFigures:
        """DeepSeek V4's packed pool (vllm_dsv4.py): one block id costs the stride in every group."""
        from llmsize.estimate.result import EngineFigures

        plan = vllm_dsv4.layout(spec, layers, self.block_tokens(spec))
        block = self.block_tokens(spec)
        return EngineFigures(
            engine=str(self.engine),
            version=f"{vllm_dsv4.VLLM_RELEASES} (DeepSeek V4)",
            device_weights_bytes=weights.device_bytes,
            non_torch_bytes=self.non_torch_bytes(),
            cuda_graph_bytes=self.cuda_graph_bytes(spec, e),
            kv_page_bytes=plan.stride_bytes,
            block_tokens=block,
            kv_groups=max(1, len(plan.groups)),
            blocks_per_request=plan.blocks_per_request(wl.context, self.batched_tokens()),
            full_groups=sum(1 for g in plan.groups if g.window is None),
            full_block_tokens=block,
            window_groups=tuple((g.block_tokens, g.window) for g in plan.groups if g.window is not None),
            concurrency_tokens=True,
            budget_fraction=wl.gpu_memory_utilization,
            kv_memory_bytes=wl.kv_cache_memory,
            lines=(
                "Setting kv cache block size to 256 for DEEPSEEK_SPARSE_SWA backend."
                if block == vllm_dsv4.DEFAULT_BLOCK_TOKENS
                else f"block size {block}",
                "Using DeepSeek's fp8_ds_mla KV cache format.",
                f"Model loading took {weights.device_bytes / GIB:.4f} GiB memory",
            ),
        )

    @staticmethod
    def _group_block(g: _Group, block: int, page_token_bytes: Fraction) -> int:
        """A group's tokens per block once page sizes are one: a kind whose layer caches less per
        token gets proportionally longer blocks (`kv_cache_utils.unify_kv_cache_spec_page_size`:
        block_size x max page / own page)."""
        if g.state or not g.token_bytes or g.token_bytes >= page_token_bytes:
            return block
        return int(block * page_token_bytes // g.token_bytes)

    def _group_blocks(self, g: _Group, context: int, block: int, speculative: int = 0) -> int:
        if g.state:
            # REFERENCE: vllm/v1/kv_cache_interface.py MambaSpec.max_memory_usage_bytes: one state page
            # per request (mamba_cache_mode "none"), two in "align" mode, which vLLM selects for hybrid
            # models when prefix caching is on (MambaModelConfig.verify_and_update_config). Check:
            # Qwen3.6-35B-A3B, 5.98 GiB pool, 131,072 tokens: 4.33x (noonghunna/club-3090#612) = 299
            # blocks / (63 attention + 3 x 2 state blocks); one state block each would give 4.53x.
            # With speculative decoding num_speculative_blocks = num_speculative_tokens more
            # (model_executor/layers/mamba/abstract.py get_kv_cache_spec).
            return (2 if self.wl.enable_prefix_caching else 1) + speculative
        if g.window is None:
            return ceil_div(context, block)
        if g.chunked:
            # REFERENCE: vllm/v1/kv_cache_interface.py ChunkedLocalAttentionSpec.max_memory_usage_bytes:
            # cdiv(min(chunk + max_num_batched_tokens, max_model_len), block) pages, no unaligned-start
            # block. Check: Llama-4-Scout TP 4, 16.75 GiB: 365,968 tokens, 44.68x at 8,192 (vLLM 0.19,
            # llm-d-planner#205): 2,048 blocks per request (4 groups x 512), not 2,051.
            return ceil_div(min(g.window + self.batched_tokens(), context), block)
        return ceil_div(min(g.window - 1 + self.batched_tokens(), context), block) + 1

    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        del unified  # everything this engine holds is on the device already
        f = est.engine_figures
        requested = int(total_bytes * wl.gpu_memory_utilization)
        if f is None or f.kv_page_bytes == 0:
            need = est.total_bytes
            return Budget(usable_bytes=requested, need_bytes=need)
        non_kv = est.weights_bytes + est.activations_bytes + f.non_torch_bytes
        available = f.kv_memory_bytes if f.kv_memory_bytes is not None else requested - non_kv
        blocks = max(0, available // f.kv_page_bytes)
        tokens = blocks // f.kv_groups * f.block_tokens
        need_blocks = max(1, f.blocks_per_request)
        concurrency = blocks / need_blocks
        if f.concurrency_tokens:  # the releases that run the model print the later formula
            tokens = int(concurrency * wl.context)
        # REFERENCE: vllm/utils/mem_utils.py MemoryProfilingResult.__repr__ (format_gib: 2 decimals)
        profile = (
            (
                f"Memory profiling: Total non KV cache memory: {_gib(non_kv)}GiB; torch peak memory "
                f"increase: {_gib(est.activations_bytes)}GiB; non-torch forward increase memory: "
                f"{_gib(f.non_torch_bytes)}GiB; weights memory: {_gib(est.weights_bytes)}GiB.",
            )
            if f.kv_memory_bytes is None
            else ()
        )
        lines = (
            *f.lines,
            *profile,
            f"Available KV cache memory: {available / GIB:.2f} GiB",
            f"GPU KV cache size: {tokens:,} tokens",
            f"Maximum concurrency for {wl.context:,} tokens per request: {concurrency:.2f}x",
        )
        # REFERENCE: vllm/v1/core/kv_cache_utils.py `_report_kv_cache_config` after 0.20
        # (vllm-project/vllm#40694): "GPU KV cache size" became int(max_concurrency x max_model_len),
        # which differs from num_blocks // groups x block_size only for hybrid models (vllm#43308:
        # ~55k -> ~525k tokens for Gemma 4 31B). The concurrency line is computed alike in both.
        later = int(concurrency * wl.context)
        if not f.concurrency_tokens and abs(later - tokens) > 0.01 * max(tokens, 1):
            lines = (*lines, f"(vLLM >= 0.21 prints: GPU KV cache size: {later:,} tokens)")
        kv_need = wl.batch * need_blocks * f.kv_page_bytes
        need = non_kv + kv_need if f.kv_memory_bytes is None else non_kv + f.kv_memory_bytes
        usable = requested if f.kv_memory_bytes is None else total_bytes - CUDA_CONTEXT_BYTES
        reason = None
        largest = self._largest_context(blocks, f)
        if f.kv_memory_bytes is None and est.weights_bytes > total_bytes:
            # Loading fails before any profiling: the weights alone are more than the card holds, so
            # --gpu-memory-utilization cannot help; only sharding or a smaller format can.
            reason = (
                f"the weights alone ({format_gib(est.weights_bytes)} a GPU) are more than the card's "
                f"{format_gib(total_bytes)}: vLLM would run out of memory loading them; shard them over "
                "more GPUs (--num-gpus auto) or use a smaller format (--quant)"
            )
        elif available <= 0:
            reason = (
                f"vLLM would refuse to start: no memory left for KV cache blocks ({available / GIB:.2f} GiB "
                "available); raise --gpu-memory-utilization or lower --max-num-seqs / "
                "--max-num-batched-tokens"
            )
        elif blocks < need_blocks:
            reason = (
                f"vLLM would refuse to start: one request of max_model_len {wl.context:,} needs "
                f"{format_gib(need_blocks * f.kv_page_bytes)} of KV cache, more than the "
                f"{format_gib(available)} available; the estimated maximum model length is {largest:,}"
            )
        elif concurrency < wl.batch:
            reason = (
                f"vLLM holds {concurrency:.2f} requests of {wl.context:,} tokens at once, "
                f"fewer than --batch {wl.batch} (the rest wait in the queue)"
            )
        outside = CUDA_CONTEXT_BYTES + f.cuda_graph_bytes
        warnings: tuple[str, ...] = ()
        if f.kv_memory_bytes is None and outside > total_bytes - requested:
            warnings = (
                f"the CUDA context and CUDA graphs (~{format_gib(outside)}) exceed the "
                f"{1 - wl.gpu_memory_utilization:.0%} of the card vLLM leaves outside its budget: graph "
                "capture may run out of memory (lower --gpu-memory-utilization or use --enforce-eager)",
            )
        return Budget(
            usable_bytes=usable,
            need_bytes=need,
            reason=reason,
            kv_pool_bytes=max(0, available),
            kv_tokens=tokens,
            kv_blocks=blocks,
            max_concurrency=round(concurrency, 2),
            max_context=largest,
            warnings=warnings,
            lines=lines,
        )

    def _largest_context(self, blocks: int, f: EngineFigures) -> int:
        """Largest max_model_len one request of which fits `blocks`: the full-attention groups grow
        with it, the sliding groups' blocks stay as they are at the asked context."""
        if f.window_groups:
            return self._largest_windowed_context(blocks, f)
        full = f.full_groups
        if full == 0:
            return self.wl.context if blocks >= f.blocks_per_request else 0
        full_block = f.full_block_tokens or f.block_tokens
        sliding = f.blocks_per_request - full * ceil_div(self.wl.context, full_block)
        return max(0, (blocks - sliding) // full * full_block)

    def _largest_windowed_context(self, blocks: int, f: EngineFigures) -> int:
        """vLLM's `estimate_max_model_len`: the largest max_model_len whose request fits `blocks`,
        by binary search (a window group's blocks shrink with a context under window + a step)."""
        t = self.batched_tokens()
        groups = [vllm_dsv4.Group(f.full_block_tokens or f.block_tokens, None)] * f.full_groups
        groups += [vllm_dsv4.Group(b, w) for b, w in f.window_groups]

        def need(context: int) -> int:
            return sum(g.blocks(context, t) for g in groups)

        if need(1) > blocks:
            return 0
        lo, hi = 1, 1 << 26
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if need(mid) <= blocks else (lo, mid - 1)
        return lo

    def layer_kv_bytes(self, spec: ModelSpec, element: Fraction, tp: int) -> Fraction:
        """NVFP4 pages pack K and V of each head (PR #40177); an MLA latent takes vLLM's separate
        nvfp4_ds_mla layout, whose page is not modelled, so it is refused rather than guessed."""
        if spec.is_mla and self.wl.kv_dtype == "nvfp4":
            from llmsize.errors import BadInputError

            raise BadInputError(
                "--kv-dtype nvfp4 with --engine vllm packs K/V heads; an MLA model's latent cache uses "
                "vLLM's nvfp4_ds_mla layout, which llmsize does not model",
                hint="use --kv-dtype fp8 (or bf16) for MLA models",
            )
        if dsa_cache.uses_dsa_pages(spec):  # V3.2 / GLM-5: fp8_ds_mla rows + uint8 indexer keys
            return dsa_cache.layer_bytes(spec, element)
        return super().layer_kv_bytes(spec, element, tp)

    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        release = (
            f"vLLM {vllm_dsv4.VLLM_RELEASES} (the release whose DeepSeek V4 layout is modelled; the rest "
            f"as in {self.version})"
            if spec.compressed is not None
            else f"{self.describe()} (the release whose allocation rules are modelled)"
        )
        notes: tuple[str, ...] = (
            f"engine: {release}",
            f"vLLM profile run: {self.batched_tokens():,} batched tokens, {self.max_seqs():,} sequences "
            "(vLLM's defaults are 8,192 / 1,024 on GPUs of >= 70 GiB other than A100, else 2,048 / 256; "
            "--max-num-batched-tokens / --max-num-seqs); KV blocks of "
            f"{self.block_tokens(spec)} tokens within --gpu-memory-utilization {wl.gpu_memory_utilization}",
        )
        if wl.engine_version is not None:
            # --engine-version picks the release's speed profile; memory stays the modelled release's.
            profile = server_releases.vllm_speed_name(wl.engine_version, wl.enforce_eager)
            notes += (f"speed: vLLM {wl.engine_version} decodes as profile '{profile}' "
                      "(estimate/engines/server_releases.py); memory as the modelled release",)
        if wl.kv_dtype == "nvfp4":
            # REFERENCE: vllm-project/vllm PR #40177 (merged after v0.19.0): the NVFP4 cache is read
            # through FlashInfer's trtllm-gen kernels, which exist for datacenter Blackwell (SM100).
            notes += (
                "--kv-dtype nvfp4: vLLM's packed NVFP4 cache, 9 bytes per 16 values (4-bit E2M1 + one "
                "E4M3 scale per 16); it needs a vLLM newer than 0.19 (PR #40177) and a Blackwell "
                "SM100 GPU (FlashInfer trtllm-gen)",
            )
        if spec.compressed is not None:
            plan = vllm_dsv4.layout(spec, range(spec.num_layers), self.block_tokens(spec))
            notes += (
                f"DeepSeek V4 on vLLM ({vllm_dsv4.VLLM_RELEASES}): fp8_ds_mla pooled entries, fp8 indexer "
                f"keys, fp32 compressor state and the {spec.sliding_window}-token window packed into "
                f"{len(plan.groups)} groups sharing block ids of {plan.stride_bytes:,} B "
                f"({plan.tuples} layer tuples x {sum(plan.page_sizes):,} B); without the MTP layer's cache",
            )
        return notes

    def quant_options(self) -> tuple[str, ...]:
        return ("fp8", "gptq-int8", "awq", "gptq", "nvfp4")


def _stream_extra(spec: ModelSpec, t: int, e: int) -> int:
    """What Gemma 3n / Gemma 4 E-models keep live beside a plain block during the profile run.

    REFERENCE: vllm/model_executor/models/gemma3n.py Gemma3nTextModel.forward (per_layer_inputs,
    [tokens, layers, p], live for the whole forward) and Gemma3nDecoderLayer.forward (AltUp's
    [n, tokens, hidden] input, predictions and corrected predictions); gemma4.py keeps the same
    per-layer inputs.
    """
    extra = spec.num_layers * spec.per_layer_input_size
    if spec.altup_inputs > 1:
        extra += 3 * spec.altup_inputs * spec.hidden_size
    return t * e * extra


def _has_linear_bias(spec: ModelSpec) -> bool:
    """Whether a dense linear layer carries a bias: its GEMM is an `addmm` through cuBLASLt
    (vllm_sampler.blas_workspace_bytes)."""
    return spec.qkv_bias or spec.o_bias or spec.mlp_bias or spec.lm_head_bias


def _gib(size: int) -> str:
    """vLLM's `format_gib`: GiB rounded to 2 decimals, printed as Python prints the float."""
    return f"{round(size / GIB, 2)}"
