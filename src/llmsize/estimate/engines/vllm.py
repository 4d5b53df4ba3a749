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

`Vllm` is the engine's one home; the arithmetic behind its methods sits in vllm_*.py beside it:
vllm_budget (KV budget, refusals, largest context), vllm_kv_groups (groups, page unification, blocks
per request), vllm_state_page (hybrid state pages), vllm_profile_run (profile-run peak), vllm_sampler,
vllm_encoder, vllm_mxfp4 and vllm_rope (weights as loaded), vllm_log_lines (the lines vLLM logs),
vllm_speed (speed profiles), vllm_dsv4 (DeepSeek V4's packed pool).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import (
    attention_backend_names,
    dsa_cache,
    rocm_decode_backend,
    server_releases,
    serving_context,
    vllm_all2all,
    vllm_cudagraph_mode,
    vllm_dcp,
    vllm_dsv4,
    vllm_expert_parallel,
    vllm_hybrid_prefix,
    vllm_language_only,
    vllm_moe_tuned,
    vllm_v0_long_context,
    vllm_v0_only,
)
from llmsize.estimate.engines.base import BaseEngine, Budget, WeightPlacement, pad, serving_dtype
from llmsize.estimate.engines.moe_all_to_all import AllToAll
from llmsize.estimate.engines.nccl import device_buffers, link_class
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.engines.torch_alloc import weights_block_slack
from llmsize.estimate.engines.vllm_budget import CUDA_CONTEXT_BYTES, kv_budget
from llmsize.estimate.engines.vllm_capture_extras import capture_extras
from llmsize.estimate.engines.vllm_dcp import context_of
from llmsize.estimate.engines.vllm_encoder import EncoderProfile, encoder_profile
from llmsize.estimate.engines.vllm_fa_splits import split_accumulator_bytes
from llmsize.estimate.engines.vllm_graph_pool import capture_sizes, graph_node_bytes, max_capture
from llmsize.estimate.engines.vllm_kv_groups import (
    KV_TERM_RULE,
    KvGroup,
    group_block,
    group_blocks,
    kv_groups,
)
from llmsize.estimate.engines.vllm_log_lines import model_loading_line
from llmsize.estimate.engines.vllm_mxfp4 import mxfp4_backend_for, mxfp4_expert_bytes
from llmsize.estimate.engines.vllm_profile_run import profile_run_bytes
from llmsize.estimate.engines.vllm_rope import rope_cache_bytes
from llmsize.estimate.engines.vllm_rope import rope_positions as rope_positions
from llmsize.estimate.engines.vllm_rope import rotary_dim as rotary_dim
from llmsize.estimate.engines.vllm_speed import LEGACY_SPEED as LEGACY_SPEED
from llmsize.estimate.engines.vllm_speed import SPEED as SPEED
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC
from llmsize.estimate.engines.vllm_speed import UNTUNED_MOE_CALL_S as UNTUNED_MOE_CALL_S
from llmsize.estimate.engines.vllm_speed import UNTUNED_MOE_SPEED as UNTUNED_MOE_SPEED
from llmsize.estimate.engines.vllm_state_page import aligned_block_tokens, hybrid_state, state_bytes
from llmsize.estimate.memo import memo
from llmsize.estimate.workload import Engine, Workload
from llmsize.units import GIB, MIB

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
# REFERENCE: vLLM V1 logs "non_torch_memory takes 0.33GiB" (RTX 5090, TP 1, vllm#14452) and
# "0.04GiB" (8 GB card, vllm#12529): the cuBLAS workspace and lazily loaded kernel modules.
NON_TORCH_TP1_BYTES = 256 * MIB
# REFERENCE: vllm PR #10511 (Llama-3-8B, H100): non_torch_memory 1.79 GiB at TP 1 and 3.58 GiB at
# TP 2 (V0 profiler, context included); the difference, ~1.8 GiB, is what a tensor-parallel rank
# allocates outside torch on switched GPUs (none between PCIe cards: nccl.py). V1 keeps it: vllm/utils/
# mem_utils.py memory_profiling counts everything since the init snapshot (NCCL communicators, the
# custom all-reduce and symmetric-memory buffers, and in 0.19 the FlashInfer all-reduce+RMSNorm fusion
# workspace built while the profile run compiles: flashinfer_all_reduce.py). 0.19.0 on H100 SXM prints
# 2.06-2.11 GiB at TP 2 and 2.13-2.21 GiB at TP 4 against 0.24-0.26 GiB at TP 1 (llm-d-planner PR #205
# logs; rows *-non-torch in tests/golden/engine_logs.yaml), so the flat extra holds to -8% at TP 4.
# Likely split (not priced yet): the fusion workspace is 3 buffers (data, flags, 3 Lamport copies;
# flashinfer/comm/trtllm_ar.py) each rounded up to the multicast granularity (512 MiB on H100), ~1.5
# GiB at any TP size, and NCCL/custom all-reduce the other ~0.3-0.45 GiB.
NON_TORCH_TP_EXTRA_BYTES = int(1.79 * GIB)


class Vllm(BaseEngine):
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
        return aligned_block_tokens(base, state, attn_token_bytes, spec.is_mla)

    @staticmethod
    def hybrid_state(spec: ModelSpec) -> bool:
        """Whether the model mixes attention layers with fixed-state (linear-attention / Mamba) ones."""
        return hybrid_state(spec)

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
        """MambaSpec's state for one request on one of `tp` ranks, with num_speculative_tokens more conv
        positions under speculative decoding (vllm_state_page.py)."""
        return state_bytes(spec, compute_bytes, tp, self._speculative_tokens(spec))

    def batched_tokens(self) -> int:
        return self.wl.max_num_batched_tokens or BATCHED_TOKENS_SMALL

    def max_seqs(self) -> int:
        return self.wl.max_num_seqs or SEQS_SMALL

    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = "",
        compute_units: int | None = None, interconnect: str = "", vendor: str = "",
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
        head count to is_vit_use_data_parallel and fall back to data parallelism themselves; 0.19 does not.
        A TP degree that -dcp does not divide comes first (vllm_dcp.problem)."""
        from llmsize.estimate.encoder_tp import indivisible

        dcp = vllm_dcp.problem(self.wl.decode_context_parallel, tp)
        if dcp is not None:
            return dcp
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
        vllm_dcp.check(wl.decode_context_parallel, wl.tp)
        vllm_language_only.check(wl)
        vllm_cudagraph_mode.resolve(wl.cudagraph_mode)  # an unknown mode exits 2
        backend = attention_backend_names.vllm_problem(wl.attention_backend)
        if backend is not None:
            raise BadInputError(backend)
        a2a = vllm_all2all.problem(spec, wl)
        if a2a is not None:
            raise BadInputError(a2a)
        layout = vllm_expert_parallel.problem(spec, wl)
        if layout is not None:
            problem, _, hint = layout.partition("; ")
            raise BadInputError(problem, hint=hint)
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

    def expert_parallel_ranks(self, spec: ModelSpec) -> tuple[int, int]:
        return vllm_expert_parallel.speed_ranks(spec, self.wl)

    def moe_all_to_all(self) -> AllToAll:
        """--all2all-backend (vllm_all2all.py)."""
        return vllm_all2all.plan(self.wl)

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """The speed profile of the release asked for (--engine-version: V0 before 0.8, 0.4's capped
        graphs; estimate/engines/server_releases.py); the V1 engine's when none is given."""
        base = server_releases.vllm_speed_name(self.wl.engine_version, self.wl.enforce_eager)
        if spec is not None:  # 0.8-0.10 run a SupportsV0Only model on V0 (vllm_v0_only.py)
            release = server_releases.release(self.wl.engine_version, "vLLM", "0.6.3")
            base = vllm_v0_only.speed_name(base, spec.architecture, release, self.wl.enforce_eager)
            # 0.4-0.7 without a tuned fused_moe file for the expert shape: default tiles (vllm_moe_tuned.py)
            quantized = spec.weight_format.quant is not None or self.wl.quant is not None
            base = vllm_moe_tuned.speed_name(base, spec, self.wl.tp, release, quantized,
                                             self.wl.enforce_eager)
        return rocm_decode_backend.speed_profile(base, self._decode_choice(spec))

    def prefill_chunk(self, spec: ModelSpec | None = None) -> int | None:
        """512 tokens where a V0 release turns chunked prefill on for a server of more than 32,768
        tokens (vllm_v0_long_context.py); the speed profile's chunk otherwise."""
        return vllm_v0_long_context.prefill_chunk(self.wl.engine_version, self.wl.context, spec,
                                                  self.wl.speculative is not None)

    def _decode_choice(self, spec: ModelSpec | None) -> rocm_decode_backend.DecodeAttention | None:
        """The decode-attention backend vLLM's ROCm selector gives this run (rocm_decode_backend.py);
        None off CDNA3, for MLA, and with --enforce-eager (no eager twin of the Triton profile)."""
        if spec is None or self.wl.enforce_eager:
            return None
        release = server_releases.release(self.wl.engine_version, "vLLM", "0.6.3")
        # The window is the server's --max-model-len, which its decode graphs are captured at.
        return rocm_decode_backend.vllm_decode(spec, self.wl.gpu_architecture, release,
                                               self.wl.attention_backend,
                                               self.wl.request_context or self.wl.context, self.wl.context)

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

        if wl.language_model_only:  # vllm_language_only.py: the towers are never built
            device -= vllm_language_only.tower_bytes(spec, wl, fmt, stage)
        rope, slack = rope_cache_bytes(spec, wl), weights_block_slack(spec, wl, fmt, stage)
        spread = vllm_expert_parallel.extra_weight_bytes(spec, wl, fmt, stage)  # experts over tp x dp ranks
        # explain's weight line ended "= 15,231,233,024 B (14.19 GiB)" under "weights: 14.25 GiB"
        # (Qwen2.5-7B): the loaded extras are said, so its numbers add up (issue 15, round 9)
        detail = "".join(f"; + {b:,} B {what}" for b, what in (
            (rope, "RoPE cos/sin tables"), (slack, "caching-allocator 2 MiB segment rounding"),
            (spread, "experts over the expert-parallel ranks")) if b)
        device += rope + slack + spread
        inter = spec.moe_intermediate_size // wl.tp if spec.is_moe else 0
        if fmt.quant != QuantMethod.MXFP4 or not inter:
            return WeightPlacement(device, 0, detail + (f" = {device:,} B as loaded" if detail else ""))
        from llmsize.estimate.weights import shard_bytes, stage_shards

        experts = sum(
            shard_bytes(spec, s, fmt) for s in stage_shards(spec, wl, stage) if s.group.kind == "expert"
        )
        backend = wl.mxfp4_moe_backend or "marlin"
        held = mxfp4_expert_bytes(backend, inter, spec.hidden_size)
        stored = mxfp4_expert_bytes(None, inter, spec.hidden_size)
        padded = experts * (held - stored) // stored
        detail += f"; + {padded:,} B MXFP4 expert padding ({backend})" if padded else ""
        loaded = device + padded
        return WeightPlacement(loaded, 0, detail + (f" = {loaded:,} B as loaded" if detail else ""))

    # --- cache --------------------------------------------------------------------------------------
    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """A sliding layer holds what vLLM reserves for it a request (SlidingWindowSpec
        `max_memory_usage_bytes`, kv_cache_interface.py): the window - 1 + one step's batched tokens
        (the last prefill chunk sees them all), in blocks, + 1 block the window straddles; the figure
        `check_enough_kv_cache_memory` prints, so the KV line and the log agree (gpt-oss-120b at 131,072
        tokens: 4.50 GiB here against 4.79 GiB in the log before)."""
        del prefill, batch
        block = self.block_tokens()
        if window is None:
            return pad(tokens, block)
        return pad(np.minimum(tokens, window - 1 + self.batched_tokens()), block) + block

    def tokens_read(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """A decode step's kernel reads the window's blocks, not the prefill reserve the cache keeps
        for it (the attention backends bound a sliding layer's keys by its window)."""
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
            KvTerm(n, stride, g.window, rule=KV_TERM_RULE[g.window is None], rate=g.block_tokens)
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
    ) -> list[KvGroup]:
        """KV cache groups: each kind's layers split into groups of the smallest kind's size; a drafter's
        layers (`draft`: bytes per token, layers) count in the full-attention kind of their size
        (vllm_kv_groups.py)."""

        def token_bytes(layer: int) -> Fraction:
            return self._token_bytes(spec, layer, element)

        paged_state = self.hybrid_state(spec)
        if element != 0 and spec.per_layer_heads:
            return kv_groups(spec, layers, token_bytes, paged_state, draft)
        # Every layer's K/V is the common size here (_token_bytes gives 0), so the groups depend only on
        # the spec and the stage's layers: kept per spec, since a layout search asks for the same stage
        # many times and each walk visits every layer (a 16k-block config took 30 s; issue 15).
        held = layers if isinstance(layers, tuple) else ("range", layers.start, layers.stop, layers.step)
        return list(memo(spec, ("vllm kv groups", held, paged_state, draft),
                         lambda: tuple(kv_groups(spec, layers, token_bytes, paged_state, draft))))

    def _token_bytes(self, spec: ModelSpec, layer: int, element: Fraction) -> Fraction:
        """One layer's K/V per token on this rank; 0 unless layers differ (Gemma 4's global layers
        cache their own head size and KV heads)."""
        if element == 0 or not spec.per_layer_heads:
            return Fraction(0)
        return self.layer_kv_bytes(spec.attention_view(layer), element, self.wl.tp)

    # --- transient ----------------------------------------------------------------------------------
    def profile_bytes(self, spec: ModelSpec, e: int) -> tuple[int, int, int]:
        """(torch peak increase, forward part, sampler part) of the profile run on one rank
        (vllm_profile_run.py)."""
        return profile_run_bytes(spec, e, self.wl, self.batched_tokens(), self.max_seqs())

    def cuda_graph_bytes(self, spec: ModelSpec, e: int) -> int:
        """The graph pool: the largest captured decode batch's forward activations, FlashAttention-3's
        split accumulators and the capture streams' cuBLAS workspaces, plus the driver memory every FULL
        and PIECEWISE graph keeps per kernel node (vllm_graph_pool.py, vllm_capture_extras.py)."""
        modes = vllm_cudagraph_mode.captures(self.wl.cudagraph_mode)
        if self.wl.enforce_eager or modes == (False, False):
            return 0
        # REFERENCE: vllm/config/vllm.py _set_cudagraph_sizes: with speculative decoding each decode request
        # is 1 + num_speculative_tokens query tokens, min(max_num_seqs x that x 2, 512)
        query = 1 + (self.wl.num_speculative_tokens or (spec.mtp_layers if self.wl.speculative else 0))
        largest = max_capture(spec, MAX_CAPTURE)
        biggest = min(2 * self.max_seqs() * query, largest, self.batched_tokens())
        if not modes[1]:  # FULL_DECODE_ONLY: the largest capture is the largest uniform decode batch
            biggest = min(biggest, self.max_seqs() * query)
        h = spec.hidden_size
        width = max(spec.max_mlp_width, spec.moe_intermediate_size * max(1, spec.num_experts_per_tok))
        # The largest capture's activations twice (its eager warm-up's blocks stay cached in the measured
        # window, vllm_graph_pool.py) and FlashAttention-3's split-KV accumulators at the largest FULL
        # decode capture (vllm_fa_splits.py); no logits: compute_logits runs outside the captured forward.
        full_top = min(biggest, self.max_seqs() * query) if modes[0] else 0
        full_sizes = [s for s in capture_sizes(largest) if query <= s <= full_top]
        splits = split_accumulator_bytes(spec, self.wl.tp, full_sizes, query, self.wl.gpu_architecture,
                                         self.wl.attention_backend, e)
        buffers = 2 * biggest * e * (2 * h + 3 * (width // self.wl.tp)) + splits
        workspaces, extra = capture_extras(spec, self.wl)  # cuBLAS workspaces, unfused MoE kernels
        buffers += workspaces
        layers = -(-spec.num_layers // self.wl.pp)
        return buffers + graph_node_bytes(spec, layers, biggest, self.max_seqs() * query, query, modes, extra)

    def non_torch_bytes(self, spec: ModelSpec | None = None) -> int:
        """cuBLAS and lazily loaded modules, and at TP > 1 what NCCL and the custom all-reduce add in
        device memory: none between PCIe GeForce cards, where NCCL's buffers are host shared memory and
        the custom all-reduce is off (vllm#13061: "non_torch_memory takes 0.25GiB" at TP 2 on two RTX
        4090s, no more than one rank's own; nccl.py). A DeepEP --all2all-backend adds its Buffer, made
        before the profile (vllm_all2all.py deepep_bytes)."""
        extra = self.wl.tp > 1 and device_buffers(self.wl.gpu_link)
        deepep = vllm_all2all.deepep_bytes(spec, self.wl) if spec is not None else 0
        return NON_TORCH_TP1_BYTES + (NON_TORCH_TP_EXTRA_BYTES if extra else 0) + deepep

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
        nominal = CUDA_CONTEXT_BYTES + self.non_torch_bytes(spec) + graphs
        deepep = vllm_all2all.deepep_bytes(spec, wl)
        return Overhead(
            nominal=nominal,
            low=nominal,
            high=nominal + int(allocated * 0.05),
            formula="CUDA context + non-torch memory (cuBLAS, NCCL"
            + (f", DeepEP buffer {deepep / GIB:.2f} GiB" if deepep else "")
            + ") + CUDA graphs (none if --enforce-eager)",
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
        t = self.batched_tokens()
        caching = vllm_hybrid_prefix.keeps_prefix_caching(wl.enable_prefix_caching, spec, wl.engine_version)
        dcp = wl.decode_context_parallel
        need = sum(
            group_blocks(g, context_of(g, wl.context, dcp), group_block(g, block, per_layer), t, caching, k)
            for g in groups
        )
        full_block = max(
            (group_block(g, block, per_layer) for g in groups if g.window is None and not g.state),
            default=block,
        )
        return EngineFigures(
            engine=str(self.engine),
            version=self.version,
            device_weights_bytes=weights.device_bytes,
            non_torch_bytes=self.non_torch_bytes(spec),
            cuda_graph_bytes=self.cuda_graph_bytes(spec, e),
            kv_page_bytes=page * size,
            block_tokens=block,
            kv_groups=max(1, len(groups)),
            blocks_per_request=need,
            full_groups=sum(1 for g in groups if g.window is None and not g.state),
            full_block_tokens=full_block,
            concurrency_tokens=server_releases.vllm_prints_concurrency_tokens(wl.engine_version),
            dcp_world_size=dcp,
            budget_fraction=wl.gpu_memory_utilization,
            kv_memory_bytes=wl.kv_cache_memory,
            derived_max_len=serving_context.vllm_derived_max_len(spec),
            lines=(
                model_loading_line(weights.device_bytes),
                *((encoder.line(),) if (encoder := self.encoder(spec, wl, e)) is not None else ()),
            ),
        )

    def encoder(self, spec: ModelSpec, wl: Workload, e: int) -> EncoderProfile | None:
        """The start-up profile of a vision-language model's encoder (vllm_encoder.py); none when
        --language-model-only leaves no modality to profile (vllm_language_only.py)."""
        if wl.language_model_only:
            return None
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
            non_torch_bytes=self.non_torch_bytes(spec),
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
            derived_max_len=serving_context.vllm_derived_max_len(spec),
            lines=(
                "Setting kv cache block size to 256 for DEEPSEEK_SPARSE_SWA backend."
                if block == vllm_dsv4.DEFAULT_BLOCK_TOKENS
                else f"block size {block}",
                "Using DeepSeek's fp8_ds_mla KV cache format.",
                model_loading_line(weights.device_bytes),
            ),
        )

    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        """The KV pool left of --gpu-memory-utilization, its log lines and the refusals (vllm_budget.py)."""
        del unified  # everything this engine holds is on the device already
        budget = kv_budget(est, total_bytes, wl, self.wl.context, self.batched_tokens())
        derived = est.engine_figures.derived_max_len if est.engine_figures is not None else None
        return serving_context.refused(budget, "vLLM", wl, derived)

    def context_limit(self, spec: ModelSpec, wl: Workload) -> int:
        """The longest --max-model-len vLLM starts with (serving_context.py)."""
        return serving_context.context_limit(spec, wl, serving_context.vllm_derived_max_len(spec))

    def context_warning(self, spec: ModelSpec, wl: Workload) -> str | None:
        """A --context above the derived length: refused, or past the trained length (serving_context.py)."""
        derived = serving_context.vllm_derived_max_len(spec)
        return serving_context.context_warning("vLLM", "--max-model-len", derived, wl)

    def default_context(self, total_vram: int, spec: ModelSpec) -> int | None:
        """Without --context: the default, or the derived length where shorter (serving_context.py)."""
        del total_vram
        return serving_context.default_context(serving_context.vllm_derived_max_len(spec))

    def launch_env(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        """VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 when --allow-long-context sizes a longer --max-model-len."""
        return serving_context.launch_env("vLLM", wl, serving_context.vllm_derived_max_len(spec))

    def sparse_attention_topk(self, spec: ModelSpec) -> int | None:
        """DeepSeek-V3.2 / GLM-5: vLLM scores every cached token with the lightning indexer and runs
        sparse MLA on the index_topk tokens it picks (dsa_cache.decode_read_bytes cites the kernels)."""
        return dsa_cache.sparse_topk(spec)

    def prefill_sparse_topk(self, spec: ModelSpec, tokens: int) -> int | None:
        """DeepSeek-V3.2 / GLM-5: vLLM runs every prompt through the indexer and FlashMLA's sparse
        prefill in the absorbed (latent) form, short ones included: the dense MHA path for prompts of
        at most topk tokens is an open item of the V3.2 tracking issue (vllm-project/vllm#31473,
        'Use un-absorbed dense MHA pathway for requests with seqlen <= topk')."""
        del tokens
        return dsa_cache.sparse_topk(spec)

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
        notes += serving_context.max_len_note(
            "vLLM", "--max-model-len", serving_context.vllm_derived_max_len(spec), wl, refuses=True
        )
        if wl.engine_version is not None:
            # --engine-version picks the release's speed profile; memory stays the modelled release's.
            profile = vllm_v0_only.speed_name(
                server_releases.vllm_speed_name(wl.engine_version, wl.enforce_eager), spec.architecture,
                server_releases.release(wl.engine_version, "vLLM", "0.6.3"), wl.enforce_eager)
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
        if (deepep := vllm_all2all.deepep_note(spec, wl)) is not None:
            notes += (deepep,)
        if (ignored := vllm_all2all.ignored(spec, wl)) is not None:
            notes += (ignored,)
        return notes

    def quant_options(self) -> tuple[str, ...]:
        return ("fp8", "gptq-int8", "awq", "gptq", "nvfp4")
