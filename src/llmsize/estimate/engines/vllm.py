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
  (`compile_or_warm_up_model`), so both come out of the (1 - utilization) share; from 0.20 on
  (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS, default on) the graph estimate is taken off the KV
  budget instead. Here the graphs are checked against the share outside the budget, less the context
  and (at tp x pp > 1) NCCL: a pool that does not fit is a fit that fails (vllm_post_kv.py).
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
- --data-parallel-size / --enable-expert-parallel (--dp / --ep): a MoE model's experts span tp x dp GPUs,
  whole and ceil-shared under EP; each DP rank keeps its own TP copy and KV pool (vllm_expert_parallel.py).
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

`Vllm` is the engine's one home: it composes the mixins that hold its methods, one job each (the
methods moved verbatim from this module): vllm_launch (block size, batch defaults, served dtype, state
pages), vllm_checks (refusals at launch), vllm_weights (weights as loaded), vllm_cache (blocks held and
read, KV cache groups), vllm_transient (profile run, graph pool, non-torch memory), vllm_figures (the
start-up figures), vllm_serving (the budget's verdict, the served context), vllm_notes, and
vllm_speed_hooks (the speed model's questions). The arithmetic behind them sits in vllm_*.py beside it:
vllm_budget (KV budget, refusals, largest context), vllm_kv_groups (groups, page unification, blocks
per request), vllm_state_page (hybrid state pages), vllm_profile_run (profile-run peak), vllm_sampler,
vllm_encoder, vllm_mxfp4 and vllm_rope (weights as loaded), vllm_log_lines (the lines vLLM logs),
vllm_speed (speed profiles), vllm_dsv4 (DeepSeek V4's packed pool).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.engines.vllm_checks import VllmChecks
from llmsize.estimate.engines.vllm_figures import VllmFigures
from llmsize.estimate.engines.vllm_launch import (
    BATCHED_TOKENS_LARGE,
    BATCHED_TOKENS_SMALL,
    BLOCK_SIZES,
    BLOCK_TOKENS,
    LARGE_GPU_BYTES,
    MLA_BLOCK_TOKENS,
    SEQS_LARGE,
    SEQS_SMALL,
    VLLM_VERSION_MODELLED,
)
from llmsize.estimate.engines.vllm_mxfp4 import mxfp4_expert_bytes
from llmsize.estimate.engines.vllm_notes import VllmNotes
from llmsize.estimate.engines.vllm_rope import rope_cache_bytes, rope_positions, rotary_dim
from llmsize.estimate.engines.vllm_serving import VllmServing
from llmsize.estimate.engines.vllm_speed import (
    LEGACY_SPEED,
    SPEED,
    SPEED_V0,
    SPEED_V1_SYNC,
    UNTUNED_MOE_CALL_S,
    UNTUNED_MOE_SPEED,
)
from llmsize.estimate.engines.vllm_speed_hooks import VllmSpeedHooks
from llmsize.estimate.engines.vllm_transient import MAX_CAPTURE, NON_TORCH_TP1_BYTES, NON_TORCH_TP_EXTRA_BYTES
from llmsize.estimate.engines.vllm_weights import VllmWeights
from llmsize.estimate.workload import Engine

__all__ = [
    "BATCHED_TOKENS_LARGE",
    "BATCHED_TOKENS_SMALL",
    "BLOCK_SIZES",
    "BLOCK_TOKENS",
    "LARGE_GPU_BYTES",
    "LEGACY_SPEED",
    "MAX_CAPTURE",
    "MLA_BLOCK_TOKENS",
    "NON_TORCH_TP1_BYTES",
    "NON_TORCH_TP_EXTRA_BYTES",
    "SEQS_LARGE",
    "SEQS_SMALL",
    "SPEED",
    "SPEED_V0",
    "SPEED_V1_SYNC",
    "UNTUNED_MOE_CALL_S",
    "UNTUNED_MOE_SPEED",
    "VLLM_VERSION_MODELLED",
    "Vllm",
    "mxfp4_expert_bytes",
    "rope_cache_bytes",
    "rope_positions",
    "rotary_dim",
]


class Vllm(VllmSpeedHooks, VllmServing, VllmNotes, VllmFigures, VllmWeights, VllmChecks):
    """vLLM's V1 engine (`vllm serve`)."""

    engine: ClassVar[Engine] = Engine.VLLM
    reads_options: ClassVar[frozenset[str]] = frozenset(
        {"max_num_seqs", "max_num_batched_tokens", "enforce_eager", "block_size", "kv_cache_memory"}
        | {"speculative", "mm_encoder_tp_mode", "engine_version", "allow_long_context"}
        | {"data_parallel", "expert_parallel"}  # vllm_expert_parallel.py
        | {"moe_a2a_backend"}  # --all2all-backend: vllm_all2all.py
        | {"decode_context_parallel", "language_model_only"}  # vllm_dcp.py, vllm_language_only.py
        | {"cudagraph_mode"}  # vllm_cudagraph_mode.py
        | {"attention_backend"}  # the decode kernel on ROCm (rocm_decode_backend.py)
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

