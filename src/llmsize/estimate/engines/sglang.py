"""SGLang: a static share of the card for weights and its pools, the rest for activations and graphs.

Modelled release: SGLang 0.5.23 (the newest on PyPI, December 2026; read from its wheel). Sources
(sgl-project/sglang, paths inside the wheel):
- pool, `srt/mem_cache/kv_cache_configurator.py` `_profile_available_bytes`: after loading the
  weights, rest = available memory - total x (1 - mem_fraction_static), where "total" is the free
  memory measured at start (the card minus the CUDA context and, on more than one rank, the NCCL
  communicator: sglang_startup.py); the model's pool configurator
  (`srt/model_executor/pool_configurator.py` DefaultPoolConfigurator) gives max_total_num_tokens =
  rest // cell_size, cell_size = kv_heads/tp x (head_dim + v_head_dim) x attention layers x element
  bytes (MLA: kv_lora_rank + rope, once). Only full-attention layers get cells in a hybrid model.
- hybrid (Mamba / linear-attention) models, `_handle_max_mamba_cache`: before the KV pool the
  MambaPool takes max_mamba_cache_size + 1 slots of one request's state over every state layer
  (`srt/configs/mamba_utils.py`: conv window of kernel - 1 positions in bf16, SSM / delta state in
  --mamba-ssm-dtype, float32 by default). max_mamba_cache_size is --max-mamba-cache-size, else
  --max-running-requests without radix cache, else the share mamba_full_memory_ratio / (1 +
  ratio) (0.9 / 1.9) of rest, less the padding slot. `resolve_max_num_reqs` caps
  max_running_requests at max_mamba_cache_size // slots per request (5 with the radix cache's
  extra_buffer strategy, 3 with no_buffer, 1 without radix cache). Rules: sglang_rules.py.
- defaults by GPU memory, `srt/arg_groups/memory_hook.py` `handle_gpu_memory_settings`:
  chunked_prefill_size, the decode CUDA-graph max batch and mem_fraction_static from a reserve for
  activations and graphs (sglang_rules.py). 0.4.6's fixed fractions (0.88 at TP 1 ... 0.79 at TP 16)
  and 8192-token chunks are gone; a given --mem-fraction-static is used as is.
- the scheduler logs max_running_requests = min(max_total_num_tokens // 2, --max-running-requests or
  min(max(max_total_num_tokens / context_len x 512, 2048), 4096)) (`resolve_max_num_reqs`).
- hybrid-SWA models (`configs/model_config.py` is_hybrid_swa_model: gpt-oss, Llama 4, Gemma 4, ...;
  not Gemma 2/3/3n, whose override turns it off; before 0.5.8 none, and gpt-oss on SM100 not before
  0.5.10): the sliding layers get a pool of their own, `pool_configurator.py`
  HybridSWAPoolConfigurator: full tokens = rest // (full cell + 0.8 x sliding cell), sliding tokens =
  0.8 x full tokens (swa_full_tokens_ratio), or the request cap with an explicit
  --max-running-requests and no radix cache; a decoding request keeps its window + the eviction
  interval + 2 pages there, the prefill chunks in flight are charged once (sglang_swa.py).
- weights as loaded ("Load weight end ... mem usage", the drop in free memory over `load_model`):
  the parameters, the caching allocator's 2 MiB segment rounding of each large weight
  (torch_alloc.py) and the RoPE cos/sin table (float32 from 0.5: sglang_startup.py).
- speculative decoding (`--speculative` mtp = NEXTN, eagle, eagle3, draft = STANDALONE): the draft
  worker's KV pool has as many tokens as the target's, and the target sizes the cell as its own cell x
  (1 + draft layers / its attention layers) (`model_executor/pool_configurator.py`: "assumes the draft
  shares the target's per-layer KV size"); an unset --max-running-requests becomes 48
  (`arg_groups/speculative_hook.py`); hybrid models keep a verify scratch of the state per draft token
  (`memory_pool.py` intermediate_ssm_state_cache) sized jointly with the MambaPool
  (`kv_cache_configurator.py`, sglang_rules.auto_spec_mamba_cache_size).
- vision-language models (`arg_groups/memory_hook.py` `adjust_mem_fraction_for_vlm`): the default
  mem_fraction_static is scaled by the ViT's size; 100 MiB of the KV budget go to the multimodal
  embedding cache (`kv_cache_configurator.py` mm_runtime_reservation_gb).
- DP attention (--dp-attention, SGLang's --enable-dp-attention --dp-size): sglang_dp_attention.py.
Not modelled: page-size rounding (page 1 on Hopper), FP4 KV's dequant workspace (0.5.23
spells fp4_e2m1 `fp4_mx_block16`), the draft worker's CUDA graphs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import (
    attention_backend_names,
    dsa_cache,
    rocm_aiter_moe,
    rocm_decode_backend,
    serving_context,
    sglang_dp_attention,
    sglang_dsv4,
    sglang_fp8,
    sglang_fp8_act_quant,
    sglang_moe_a2a,
    sglang_mxfp4,
    sglang_prefill_admission,
    sglang_prefill_chunk,
    sglang_prefill_graphs,
    sglang_startup,
    sglang_swa,
)
from llmsize.estimate.engines import sglang_refused_log as refused_log
from llmsize.estimate.engines import sglang_rules as rules
from llmsize.estimate.engines.base import BaseEngine, Budget, WeightPlacement, serving_dtype
from llmsize.estimate.engines.moe_all_to_all import AllToAll
from llmsize.estimate.engines.nccl import link_class
from llmsize.estimate.engines.speed_profile import SERVING_LAYER_KERNELS, EngineSpeedProfile
from llmsize.estimate.engines.torch_alloc import weights_segment_slack
from llmsize.estimate.engines.vllm import rope_positions, rotary_dim
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

SGLANG_VERSION_MODELLED = rules.SGLANG_VERSION_MODELLED
CUDA_CONTEXT_BYTES = 400 * MIB  # REFERENCE: pytorch/pytorch#109888 (~400 MB with lazy loading)
MAX_PREFILL_TOKENS = sglang_prefill_admission.MAX_PREFILL_TOKENS  # server_args.py default


# REFERENCE: speed. CUDA graphs for decode (python/sglang/srt/model_executor/cuda_graph_runner.py),
# chunked prefill of 8192 tokens (server_args.py chunked_prefill_size default in 0.4.6.post1).
# Calibrated on Qwen's SGLang 0.4.6.post1 tables on H20; kept as 'sglang-0.4' for rows of that release
# (SPEED below is the 0.5 series').
SPEED_V04 = EngineSpeedProfile(
    engine="sglang-0.4", version="0.4.6.post1",
    step_fixed_s=0.245e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.0586e-3,
    prefill_chunk_tokens=8192, graphs=True,
    # Prefill shares rescaled on the fit rows when the embedding became a gather and the head ran on the
    # logit rows only (hardware/head_params.py; bench/speed_validation.py FINDINGS).
    prefill_compute={"hbm": 0.514, "gddr": 0.60},
    # REFERENCE: prefill attention on Hopper runs FlashAttention-3-class kernels (SGLang's fa3 / FlashInfer
    # sm90 backends), which reach ~82% of the 16-bit peak on long sequences: FA3 forward, head dim 128,
    # 618 TFLOP/s at 8k-17k tokens on an H100 PCIe (756 dense BF16) in Dao-AILab/flash-attention#1075;
    # the mat-muls' 0.54 share above would make a 129k-token prompt, ~70% attention FLOPs, 30% slow.
    attention_compute={"hopper": 0.82},
    # SGLang's layers run the same fused kernel sequence (sgl-kernel's fused_add_rmsnorm, silu_and_mul,
    # topk_softmax, moe_align_block_size, fused_moe_triton): vLLM's counts.
    layer_kernels=SERVING_LAYER_KERNELS, fused_moe=True,
    sources=("https://github.com/sgl-project/sglang/blob/v0.4.6.post1/python/sglang/srt/server_args.py",))
# The 0.5 series (0.5.7-0.5.15 measured) replays the same CUDA graphs with fewer, fused kernels per layer:
# the tensor-parallel all-reduce fused with the residual add and RMSNorm (sgl-project/sglang PR #8731
# "fuse allreduce and residual_rmsnorm", PR #9278, Aug 2025: flashinfer's trtllm all-reduce fusion), and
# the per-layer latency fitted on H20 at 0.4.6 (59 us a dense layer) leaves Blackwell and
# H200 steps 35-150% slow (sgl-project/sglang PR #32323 cookbook cells at concurrency 1; DeepSeek-R1 on
# 8 x H200, SemiAnalysisAI/InferenceX#870). Its tensor-parallel all-reduces cost the custom kernel's
# measured latency (hardware/allreduce.py); with that, step and per-layer constants refitted on the 0.5 fit
# rows of bench/speed_tables.yaml only (servespeed-* tables; held-out rows never fed it), the rest as 0.4.6's.
SPEED = SPEED_V04.model_copy(update={
    "engine": "sglang", "version": "0.5 series (step and per-layer latency fitted on 0.5.7-0.5.15 rows)",
    "step_fixed_s": 0.05e-3, "gpu_per_layer_s": 0.026e-3, "allreduce_kernel_measured": True,
    # ROCm images run AITER's block-FP8 fused MoE: a few-token call has a measured floor (rocm_aiter_moe.py).
    "moe_call_floor_s": rocm_aiter_moe.AITER_FP8_MOE_CALL_FLOOR_S,
    # ... and its prefill-sized calls a measured FLOP rate far under the dense share (rocm_aiter_moe.py).
    "moe_prefill_rate": rocm_aiter_moe.AITER_FP8_MOE_PREFILL_RATE,
    # Block-FP8 linears add an input-quantize kernel each (sglang_fp8_act_quant.py).
    "layer_kernels": sglang_fp8_act_quant.LAYER_KERNELS,
    "sources": ("https://github.com/sgl-project/sglang/pull/8731",
                "https://github.com/sgl-project/sglang/pull/32323", rocm_aiter_moe.SOURCE)})
LEGACY_SPEED: dict[str, EngineSpeedProfile] = {SPEED_V04.engine: SPEED_V04}


# what `check` says in place of a token figure where SGLang stops at start, before any pool exists
STOPPED_NOTE = "SGLang stops before it allocates the KV pool; see why"


@dataclass(frozen=True)
class _Pools:
    """How SGLang splits the static share left after the weights on one GPU."""

    rest: int  # bytes left for the KV pool(s) after the state pool
    slots: int  # max_mamba_cache_size (0 without state layers)
    tokens: int  # max_total_num_tokens (the full-attention pool)
    swa_tokens: int  # the sliding-window pool (0 without one)
    swa_held: int  # sliding tokens one decoding request holds (sglang_swa.request_tokens)
    swa_reserve: int  # sliding tokens the prefill chunks in flight take (sglang_swa.prefill_tokens)
    lines: tuple[str, ...]


class Sglang(BaseEngine):
    """SGLang's runtime (`python -m sglang.launch_server`)."""

    engine: ClassVar[Engine] = Engine.SGLANG
    # --max-running-requests and --chunked-prefill-size arrive as max_num_seqs and
    # max_num_batched_tokens (the same quantities, vLLM's names).
    reads_options: ClassVar[frozenset[str]] = frozenset(
        {
            "max_num_seqs",
            "max_num_batched_tokens",
            "mem_fraction_static",
            "max_mamba_cache_size",
            "mamba_ssm_dtype",
            "mamba_full_memory_ratio",
            "disable_radix_cache",
            "dp_attention",
            "dp_lm_head",
            "expert_parallel",  # --ep-size = --tp: hardware/expert_parallel.py (speed only)
            "moe_a2a_backend",  # sglang_moe_a2a.py
            "cuda_graph_max_bs",
            "attention_backend",  # the decode kernel on ROCm (rocm_decode_backend.py)
            "speculative",
            "engine_version",
            "allow_long_context",
        }
    )
    # --speculative-algorithm NEXTN (mtp), EAGLE, EAGLE3, STANDALONE (draft:<model>) (0.5.23
    # srt/speculative/spec_info.py SpeculativeAlgorithm).
    speculative_methods: ClassVar[frozenset[str]] = frozenset({"mtp", "eagle", "eagle3", "draft"})
    draft_own_embed: ClassVar[bool] = True  # the NEXTN draft's own embedding + lm_head at load
    # REFERENCE: SGLang had no Apple silicon support until its 2026 MLX backend roadmap
    # (sgl-project/sglang#19137; docs.sglang.io hardware-platforms/apple_metal: built from source,
    # python[all_mps]); its memory pools there are not the CUDA ones modelled here.
    backend_notes: ClassVar[Mapping[str, str]] = {
        "apple": "SGLang on Apple silicon is its experimental MLX backend (built from source): the CUDA "
        "memory pools and speed profile modelled here are an approximation there; llama.cpp or Ollama "
        "(--engine) are modelled on Macs",
    }
    version: ClassVar[str] = SGLANG_VERSION_MODELLED
    speed: ClassVar[EngineSpeedProfile] = SPEED
    label: ClassVar[str] = "SGLang"
    # DeepSeek V4 (DeepseekV4ForCausalLM): its own pools (DSV4PoolConfigurator), sglang_dsv4.py.
    # --kv-cache-dtype auto|fp8_e4m3|fp8_e5m2|nvfp4|fp4_mx_block16 (arg_groups/fields/model.py; 0.5.x
    # before it spelled the block-16 FP4 recipe fp4_e2m1): both FP4 recipes keep E2M1 pairs and one
    # scale byte per 16 values (layers/quantization/fp4_kv_cache_quant_method.py compute_cell_size).
    kv_dtypes: ClassVar[frozenset[str]] = frozenset({"fp32", "fp16", "bf16", "fp8", "fp4_e2m1", "nvfp4"})
    hf_phase_walk: ClassVar[bool] = False
    unsupported_formats: ClassVar[frozenset[str]] = frozenset({"exl2", "mlx"})

    def configured_chunk(self) -> int:
        """chunked_prefill_size as given or defaulted by GPU memory (llmsize's --max-num-batched-tokens for
        SGLang); without a GPU, the value SGLang takes when it cannot read the card's memory."""
        return self.wl.max_num_batched_tokens or rules.UNKNOWN_GPU_CHUNK

    def chunked_prefill(self) -> int:
        """The chunk a rank prefills: with DP attention SGLang divides chunked_prefill_size by dp_size
        after its memory defaults (sglang_dp_attention.py)."""
        return max(1, self.configured_chunk() // self.wl.dp_attention)

    def prefill_chunk(self, spec: ModelSpec | None = None) -> int | None:
        """The tokens one prefill forward takes: chunked_prefill_size as given or defaulted by the card
        (sglang_prefill_chunk.py); None without either: the speed profile's chunk."""
        del spec
        return sglang_prefill_chunk.forward_tokens(self.wl.max_num_batched_tokens, self.wl.dp_attention)

    def wave_prefill_runs(self, requests: int, prompt_tokens: int) -> tuple[tuple[int, int], ...]:
        """A wave split by the PrefillAdder's input budget, --max-prefill-tokens or the chunk if smaller
        (sglang_prefill_admission.py); page 1, SGLang's default page (DSA on CUDA pages by 64, which
        rounds a 1,000-token prompt to 1,024 and changes the count by at most one a batch)."""
        budget = min(MAX_PREFILL_TOKENS, self.chunked_prefill())
        return sglang_prefill_admission.wave_runs(requests, prompt_tokens, budget)

    def prefill_launch(self, spec: ModelSpec) -> tuple[float, int]:
        """A prefill outside the piecewise CUDA graphs launches every kernel from Python
        (sglang_prefill_graphs.py): the eager launch time of a dense layer of this release's kernel table,
        and the largest chunk the graphs cover (0: none, every prefill eager)."""
        rel = self.release()
        table = SPEED_V04 if rel is not None and rel[:2] < sglang_startup.SERIES_05 else SPEED
        launch = sglang_prefill_graphs.eager_launch_per_layer_s(table)
        arch, segment = self.wl.gpu_architecture, self.wl.gpu_segment
        if sglang_prefill_graphs.graphs_off(spec, self.wl, rel, hip=sglang_prefill_graphs.amd(arch),
                                            sm100=sglang_swa.sm100(arch, segment)):
            return launch, 0
        return launch, sglang_prefill_graphs.graph_tokens(spec, self.chunked_prefill())

    def release(self) -> tuple[int, int, int] | None:
        """The SGLang release asked for (--engine-version); None: the release modelled."""
        return sglang_startup.release(self.wl.engine_version)

    def expert_parallel_ranks(self, spec: ModelSpec) -> tuple[int, int]:
        """--ep (SGLang's --ep-size equal to --tp): the TP group's ranks hold whole experts
        (runtime_context.py derive_parallel_widths: moe_ep_size x moe_tp_size = tp_size; FusedMoE
        num_local_experts = num_experts // moe_ep_size). Without --moe-a2a-backend the hidden states
        stay replicated over the TP group and the MoE output is all-reduced as under TP
        (deepseek_v2.py DeepseekV2MoE.forward_normal), so only the busiest rank's expert read changes.
        The bytes held are those of the TP split when E divides by tp (SGLang asserts it)."""
        if not spec.is_moe:
            return 1, 1
        # With DP attention each MoE layer runs the tokens of every attention group (gathered over the
        # TP group before the experts: srt/layers/communicator.py LayerCommunicator, dp_attention.py).
        return (max(1, self.wl.tp) if sglang_moe_a2a.whole_experts(self.wl) else 1), self.wl.dp_attention

    def moe_all_to_all(self) -> AllToAll:
        """--moe-a2a-backend (sglang_moe_a2a.py)."""
        return sglang_moe_a2a.plan(self.wl)

    def expert_output_all_reduced(self, spec: ModelSpec) -> bool:
        """DP attention without --moe-a2a-backend: the MoE block all-reduces the gathered tokens' output
        unless the model's layers opt into the reduce-scatter (sglang_dp_attention.py)."""
        return sglang_dp_attention.moe_output_all_reduced(spec)

    def attention_groups(self) -> int:
        """--dp-attention N: N groups of tp / N ranks, each attending its own requests
        (sglang_dp_attention.py)."""
        return self.wl.dp_attention

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """The 0.4 series' speed profile (SPEED_V04) for --engine-version 0.4.x, else the 0.5 series'."""
        rel = self.release()
        old = rel is not None and rel[:2] < sglang_startup.SERIES_05
        if old:
            return SPEED_V04.engine
        return rocm_decode_backend.speed_profile(str(self.engine), self._decode_choice(spec))

    def extra_layer_parts(self, spec: ModelSpec) -> dict[str, int]:
        """Block-FP8 weights: each linear's input-quantize kernel (sglang_fp8_act_quant.py)."""
        return sglang_fp8_act_quant.extra_parts(spec, self.wl)

    def _decode_choice(self, spec: ModelSpec | None) -> rocm_decode_backend.DecodeAttention | None:
        """The decode-attention backend SGLang picks on ROCm (rocm_decode_backend.py); None off CDNA3,
        for MLA and with --disable-cuda-graph (no eager twin of the Triton profile)."""
        if spec is None or self.wl.enforce_eager:
            return None
        return rocm_decode_backend.sglang_decode(spec, self.wl.gpu_architecture, self.wl.attention_backend)

    def pre_load_bytes(self) -> int:
        """What a rank holds when SGLang reads pre_model_load_memory: the CUDA context and, on more than
        one rank, the tensor-parallel NCCL communicator (sglang_startup.py)."""
        world = self.wl.tp * self.wl.pp
        nccl = sglang_startup.dist_init_bytes(world, self.release(), self.wl.gpu_link)
        return CUDA_CONTEXT_BYTES + nccl

    def rope_bytes(self, spec: ModelSpec, wl: Workload) -> int:
        """The RoPE cos/sin table built during the load (positions x rotary_dim), float32 from SGLang 0.5
        on CUDA (sglang_startup.py); one per distinct RoPE, shared with the draft (get_rope's _ROPE_DICT)."""
        model_element = 4 if wl.dtype is not None and str(wl.dtype) == "fp32" else 2
        element = sglang_startup.rope_element_bytes(self.release(), model_element)
        return sglang_startup.rope_positions(spec, rope_positions(spec)) * rotary_dim(spec) * element

    def running_cap(self) -> int | None:
        """--max-running-requests (llmsize's --max-num-seqs); with speculative decoding SGLang resets an
        unset one to 48 (arg_groups/speculative_hook.py `_handle_eagle_family`: "Max running requests is
        reset to 48 for speculative decoding")."""
        if self.wl.max_num_seqs is None and self.wl.speculative is not None:
            return rules.SPEC_MAX_RUNNING_REQUESTS
        return self.wl.max_num_seqs

    def draft_tokens(self, spec: ModelSpec) -> int:
        """speculative_num_draft_tokens: steps + 1 on a top-1 chain; unset, `_auto_choose_speculative_params`
        picks (steps 3, topk 1, 4 tokens), (5, 4, 8) for Llama."""
        if self.wl.num_speculative_tokens is not None:
            return self.wl.num_speculative_tokens + 1
        llama = spec.architecture == "LlamaForCausalLM"
        return rules.LLAMA_DRAFT_TOKENS if llama else rules.AUTO_DRAFT_TOKENS

    def graph_max_bs(self) -> int:
        """The largest decode batch captured in a CUDA graph (capped by a given --max-running-requests;
        the speculative reset to 48 comes later: arg_groups/pipeline.py runs handle_gpu_memory_settings
        before handle_speculative_decoding, so the default share keeps the uncapped graph reserve)."""
        bs = self.wl.cuda_graph_max_bs or rules.UNKNOWN_GPU_MAX_BS
        return min(bs, self.wl.max_num_seqs) if self.wl.max_num_seqs else bs

    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = "",
        compute_units: int | None = None, interconnect: str = "", vendor: str = "",
    ) -> Workload:
        del gpu_name, compute_units, vendor
        chunk, max_bs = rules.gpu_tier(total_bytes / MIB, wl.tp)
        update: dict[str, Any] = {}
        if wl.gpu_link is None:
            update["gpu_link"] = link_class(interconnect)  # NCCL's buffers (sglang_startup.py, nccl.py)
        if wl.gpu_architecture is None and architecture:
            update["gpu_architecture"] = architecture  # FP8 weights through Marlin on Ampere (sglang_fp8.py)
        if wl.gpu_segment is None and segment:
            update["gpu_segment"] = segment  # SM100 vs SM120 for gpt-oss (sglang_swa.sm100)
        if wl.max_num_batched_tokens is None:
            update["max_num_batched_tokens"] = chunk
        if wl.cuda_graph_max_bs is None:
            update["cuda_graph_max_bs"] = max_bs
        return wl.model_copy(update=update) if update else wl

    def gpu_facts_read(self) -> tuple[bool, ...]:
        """What SGLang's estimate reads of the card's architecture and segment (BaseEngine.gpu_facts_read),
        every reader of `gpu_architecture` / `gpu_segment` under estimate/ that an SGLang estimate reaches
        (tests/unit/test_gpu_facts_read.py lists them): whether the card is SM100 (sglang_swa.sm100: the
        gpt-oss pool and page, sglang_mxfp4's trtllm-gen experts), Ampere (sglang_fp8.uses_marlin) or
        CDNA3 (rocm_decode_backend.sglang_decode, the speed profile), and whether each field was set."""
        arch, segment = self.wl.gpu_architecture, self.wl.gpu_segment
        ampere = arch in sglang_fp8.MARLIN_ARCHITECTURES
        cdna3 = arch in rocm_decode_backend.TRITON_RATE_ARCHITECTURES
        hip = sglang_prefill_graphs.amd(arch)  # prefill_launch: no piecewise graphs under ROCm
        return (arch is None, segment is None, sglang_swa.sm100(arch, segment), ampere, cdna3, hip)

    def mem_fraction(
        self, total_bytes: int | None = None, reserved_bytes: int | None = None, factor: float = 1.0
    ) -> float:
        """--mem-fraction-static, else SGLang's default for this card (memory_hook.py), times the VLM
        factor (`adjust_mem_fraction_for_vlm`) for a vision-language model; before 0.5 the factor
        scales a given share too (sglang_startup.legacy_vlm_share)."""
        if self.wl.mem_fraction_static is not None:
            legacy = sglang_startup.legacy_vlm_share(self.release())
            return self.wl.mem_fraction_static * (factor if legacy else 1.0)
        if total_bytes is None or reserved_bytes is None:
            raise ValueError("the default mem_fraction_static depends on the GPU")
        return rules.mem_fraction_default(total_bytes / MIB, reserved_bytes / MIB) * factor

    def _vlm(self, spec: ModelSpec) -> tuple[float, int]:
        """(default-fraction factor, KV-budget reserve) of a vision-language model; (1, 0) otherwise."""
        if spec.vision is None:
            return 1.0, 0
        if sglang_startup.legacy_vlm_share(self.release()):
            return sglang_startup.LEGACY_VLM_FACTOR, 0
        factor = rules.vlm_fraction_factor(spec.vision.depth, spec.vision.hidden_size)
        return factor, rules.VLM_CACHE_MIB * MIB

    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
        return serving_dtype(spec, wl, rest, "SGLang")

    def encoder_tp(self, spec: ModelSpec, wl: Workload) -> int:
        """The vision tower's blocks split over the attention TP group (srt/models/qwen2_5_vl.py,
        qwen3_vl.py: tp_size 1 only with --mm-enable-dp-encoder, off by default; estimate/encoder_tp.py)."""
        del spec
        return wl.tp

    def tp_problem(self, spec: ModelSpec, tp: int) -> str | None:
        """A vision tower whose heads or MLP width `tp` does not divide: VisionAttention and the parallel
        linears assert while SGLang builds it over the attention TP group (encoder_tp.indivisible); a TP
        degree --dp-attention does not divide; TP 1 under a backend that spreads the experts over the TP
        ranks (sglang_moe_a2a.tp_problem)."""
        from llmsize.estimate.encoder_tp import indivisible

        problem = indivisible(spec, tp)
        if problem is not None:
            return f"SGLang cannot start: {problem}; use a TP degree that divides it"
        if tp % self.wl.dp_attention:  # the groups split the TP ranks: the TP degree is the multiple
            return (f"SGLang cannot start: --dp-attention {self.wl.dp_attention} must divide the TP degree "
                    f"{tp}; "
                    f"use a TP degree that is a multiple of {self.wl.dp_attention}")
        return sglang_moe_a2a.tp_problem(spec, self.wl, tp)  # deepep/mooncake: TP 2 or more

    def validate(self, spec: ModelSpec, wl: Workload) -> None:
        super().validate(spec, wl)
        from llmsize.errors import BadInputError

        a2a = sglang_moe_a2a.problem(spec, wl)  # an explicit --tp: said as such, before tp_problem's words
        if a2a is not None:
            raise BadInputError(a2a)

        dp_problem = sglang_dp_attention.problem(spec, wl)
        if dp_problem is not None:
            hint = "SGLang runs --dp-size attention groups of --tp-size / --dp-size ranks each"
            raise BadInputError(dp_problem, hint=hint)

        tower = self.tp_problem(spec, wl.tp)
        if tower is not None:
            problem, _, hint = tower.partition("; ")
            raise BadInputError(problem, hint=hint)

        sglang_startup.release(wl.engine_version)  # a bad --engine-version exits 2 here
        backend = attention_backend_names.sglang_problem(wl.attention_backend)
        if backend is not None:
            raise BadInputError(backend)

        if spec.compressed is not None and wl.kv_dtype is not None and str(wl.kv_dtype) != "fp8":
            raise BadInputError(
                f"llmsize models SGLang's DeepSeek V4 pool with its fp8 rows (584 B), "
                f"not --kv-dtype {wl.kv_dtype}",
                hint="use --kv-dtype fp8, or leave it out (SGLang's default for V4)",
            )

        if wl.mode.trains:
            raise BadInputError(
                "SGLang serves models; it does not train them", hint="use --engine transformers"
            )
        mamba1 = spec.recurrent is not None and spec.recurrent.kind == "mamba" and self._state_layers(spec)
        if mamba1 and any(map(spec.has_kv, range(spec.num_layers))):
            # srt/models has mamba.py and falcon_mamba.py (pure Mamba-1) but no Jamba-style hybrid.
            raise BadInputError(
                f"SGLang {SGLANG_VERSION_MODELLED} implements Mamba-1 only in pure-SSM models; "
                f"{spec.name} mixes Mamba-1 with attention",
                hint="use --engine vllm or --engine llama.cpp, which llmsize models for this model",
            )

    @staticmethod
    def _state_layers(spec: ModelSpec) -> int:
        if spec.recurrent is None:
            return 0
        return sum(1 for layer in range(spec.num_layers) if spec.has_state(layer))

    def ssm_bytes(self) -> int:
        """Bytes per SSM / delta-state value: --mamba-ssm-dtype, else float32 (mamba2_state_dtype;
        SGLang reads the config's own `mamba_ssm_dtype`, float32 where Qwen3.5 sets it)."""
        return rules.SSM_DTYPE_BYTES[self.wl.mamba_ssm_dtype or "float32"]

    def state_bytes(self, spec: ModelSpec, compute_bytes: int, tp: int) -> int:
        """One state layer's MambaPool slot on one rank (sglang_rules.layer_state_bytes): the conv
        window in bf16 whatever the model dtype, the SSM state in --mamba-ssm-dtype."""
        del compute_bytes
        if spec.recurrent is None:
            return 0
        conv, ssm = rules.layer_state_bytes(spec.recurrent, self._attention_tp(tp), self.ssm_bytes())
        return conv + ssm

    def _attention_tp(self, tp: int) -> int:
        """The TP degree of the attention (and mixer) heads on a rank: tp / --dp-attention groups."""
        return max(1, tp // self.wl.dp_attention)

    def sparse_attention_topk(self, spec: ModelSpec) -> int | None:
        """DeepSeek-V3.2 / GLM-5: SGLang scores every cached token with the lightning indexer and runs
        sparse MLA on the index_topk tokens it picks (dsa_cache.decode_read_bytes cites the kernels)."""
        return dsa_cache.sparse_topk(spec)

    def prefill_sparse_topk(self, spec: ModelSpec, tokens: int) -> int | None:
        """DeepSeek-V3.2 / GLM-5: SGLang's NSA backend prefills densely (MHA_ONE_SHOT) while the
        batch's longest KV is at most SGLANG_NSA_PREFILL_DENSE_ATTN_KV_LEN_THRESHOLD, which
        server_args._handle_model_specific_adjustments sets to the model's index_topk; longer prompts
        run the indexer and the sparse MLA kernel (nsa_backend.py set_nsa_prefill_impl)."""
        topk = dsa_cache.sparse_topk(spec)
        return topk if topk is not None and tokens > topk else None

    def layer_kv_bytes(self, spec: ModelSpec, element: Fraction, tp: int) -> Fraction:
        """DeepSeek-V3.2 / GLM-5: NSATokenToKVPool's latent row (656 B with an fp8 cache) and its
        uint8 indexer keys (dsa_cache.py); every other model as the base engine lays it out."""
        if dsa_cache.uses_dsa_pages(spec):
            return dsa_cache.layer_bytes(spec, element)
        # with DP attention a rank's pool keeps its attention group's heads (sglang_dp_attention.py)
        return super().layer_kv_bytes(spec, element, self._attention_tp(tp))

    def keeps_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool:
        """Sliding layers hold their window only in the hybrid-SWA pool of the architectures (and
        releases) that have it; every other model keeps a cell per token in every attention layer."""
        del kv_dtype
        return spec is not None and self.swa_pool(spec)

    def swa_pool(self, spec: ModelSpec) -> bool:
        """Whether this release builds the sliding-window pool for the model (sglang_swa.py)."""
        wl = self.wl
        return sglang_swa.pool_enabled(
            spec.architecture, self.release(), wl.gpu_architecture, wl.speculative is not None, wl.gpu_segment
        )

    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """A sliding layer of the SWA pool: each decoding request keeps its window + the eviction
        interval + 2 pages (schedule_batch.py maybe_evict_swa), and the batch up to two prefill chunks
        in flight (compute_swa_request_cap), spread here over its sequences. Page 1 here: the 64-token
        page of gpt-oss on SM100 is in the pools (sglang_swa.page_tokens) but needs the model."""
        del prefill
        if window is None:
            return tokens
        hold = np.minimum(tokens, sglang_swa.request_tokens(window, 1, self.release()))
        chunks = np.minimum(batch, sglang_swa.CHUNKS_IN_FLIGHT)
        in_flight = np.minimum(tokens, self.chunked_prefill()) * chunks
        return hold + (in_flight + batch - 1) // batch

    def reads_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool:
        """Every attention backend reads a sliding layer's window alone, with or without the SWA
        pool (sglang_swa.kernel_tokens)."""
        del kv_dtype, spec
        return True

    def tokens_read(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """What one decode step reads: the window of a sliding layer, not the pool's reserve."""
        del prefill, batch
        return tokens if window is None else sglang_swa.kernel_tokens(window, tokens)

    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        notes = super().notes(spec, wl)
        notes += serving_context.max_len_note(
            "SGLang", "--context-length", serving_context.sglang_derived_context_len(spec), wl, refuses=False
        )
        if wl.kv_dtype == "fp4_e2m1":
            # REFERENCE: memory_pool.py MHATokenToKVPoolFP4 / MLATokenToKVPoolFP4.
            notes += (
                "--kv-dtype fp4_e2m1: SGLang's FP4 KV pool, 9 bytes per 16 values (E2M1 pairs + one "
                "exponent scale per 16)",
            )
        if self._state_layers(spec):
            notes += (
                "SGLang keeps each request's linear-attention / Mamba state in a MambaPool sized before "
                "the KV pool (conv window in bf16, SSM state in "
                f"{wl.mamba_ssm_dtype or 'float32'}); only attention layers get KV cells",
            )
        if (deepep := sglang_moe_a2a.deepep_note(spec, wl)) is not None:
            notes += (deepep,)
        return notes

    def peak(self, spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved) -> Peak:
        from llmsize.estimate.engines.vllm import Vllm
        from llmsize.estimate.phases import Peak

        e = rs.compute_bytes
        # The forward of one prefill chunk, the same flat-token forward vLLM profiles.
        chunk = wl.model_copy(update={"max_num_batched_tokens": self.chunked_prefill(), "max_num_seqs": 1})
        _, forward, _ = Vllm(chunk).profile_bytes(spec, e)
        logits = wl.batch * spec.vocab_size * 4
        act = forward + logits
        kv = static.kv_full
        return Peak(
            phase="prefill chunk",
            kv_cache=kv,
            activations=act,
            gradients=0,
            optimizer=0,
            formula="SGLang: one chunked prefill of chunked_prefill_size tokens, outside the static share",
            detail=f"forward of {self.chunked_prefill():,} tokens {forward:,} B; logits {logits:,} B",
            low=act + kv + static.weights,
            high=act + kv + static.weights,
        )

    def overhead(self, spec: ModelSpec, wl: Workload, allocated: int, rs: Resolved) -> Overhead:
        from llmsize.estimate.overhead import Overhead

        del allocated, rs
        h = spec.hidden_size
        bs = self.graph_max_bs()
        graphs = bs * 2 * (2 * h + 3 * spec.max_mlp_width // wl.tp) + bs * spec.vocab_size * 4
        deepep = sglang_moe_a2a.deepep_bytes(spec, wl)  # after the KV pool, outside the static share
        nominal = self.pre_load_bytes() + graphs + deepep
        nccl = " + the TP NCCL communicator" if self.pre_load_bytes() > CUDA_CONTEXT_BYTES else ""
        buffer = f" + DeepEP buffer {deepep / 2**30:.2f} GiB" if deepep else ""
        return Overhead(
            nominal=nominal,
            low=nominal,
            high=nominal + 256 * MIB,
            formula=f"CUDA context{nccl} + CUDA graphs of decode batches up to {bs}{buffer}",
            driver="graph pool size with the batch sizes captured",
        )

    def resolve(self, spec: ModelSpec, wl: Workload) -> Workload:
        """DeepSeek V4's defaults (overrides.py `_deepseek_v4_kv_cache_dtype`): auto becomes fp8_e4m3."""
        if spec.compressed is not None and wl.kv_dtype is None:
            return wl.model_copy(update={"kv_dtype": "fp8"})
        return wl

    def compressed_layout(
        self, spec: ModelSpec, layers: tuple[int, ...], element: Fraction
    ) -> tuple[KvTerm, ...] | None:
        """DeepSeek V4: a request's tokens cost bytes_per_full_token of the token-sized pools
        (sglang_dsv4.py); the request-sized pools are a fixed reservation in the budget."""
        from llmsize.estimate.kv_cache import KvTerm

        del element  # the V4 rows, fp8 indexer keys and fp32 states fix their own bytes
        return (KvTerm(1, sglang_dsv4.plan(spec, layers, 1, 1).per_full_token, None),)

    def _dsv4_plan(self, spec: ModelSpec, layers: tuple[int, ...] | range) -> sglang_dsv4.Dsv4Pools:
        running = self.wl.max_num_seqs or sglang_dsv4.MAX_RUNNING_REQUESTS
        radix = not self.wl.disable_radix_cache
        return sglang_dsv4.plan(spec, layers, self.chunked_prefill(), running, radix)

    def place_weights(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, device: int, all_stages: int
    ) -> WeightPlacement:
        """The weights plus the caching allocator's rounding of their segments (torch_alloc.py): SGLang
        measures the load as the drop in free memory, so "Load weight end ... mem usage" includes it.
        Check: QwQ-32B at TP 4 printed mem usage=15.54 GB for 15.26 GiB of bf16 parameters per rank
        (didier-durand/llms-in-clouds docs/sglang.md, SGLang 0.4.3.post4)."""
        del all_stages
        slack = weights_segment_slack(spec, wl, fmt, stage)
        slack += sglang_fp8.extra_bytes(spec, wl, fmt, stage)  # FP8 segments, Marlin scales on Ampere
        slack += sglang_mxfp4.extra_bytes(spec, wl, fmt, stage)  # gpt-oss's trtllm-gen experts on SM100
        slack += sglang_dp_attention.extra_weight_bytes(spec, wl, fmt, stage)  # attention whole per group
        return WeightPlacement(device + slack + self.rope_bytes(spec, wl), 0)

    def reserved_bytes(self, spec: ModelSpec) -> int:
        """What SGLang's default mem_fraction_static leaves for activations and graphs (MiB rule)."""
        wl = self.wl
        mib = rules.reserved_mib(
            self.configured_chunk(), wl.tp, wl.pp, self.graph_max_bs(), spec.is_mla, wl.dp_attention
        )
        return int(mib * MIB)

    def refused_before_estimate(self, spec: ModelSpec, total_bytes: int) -> bool:
        """True when the static share itself is not positive: `_pool_budget` then leaves the pools
        int(frac x start) - weights < 0, no KV token, and SGLang refuses to start ("Not enough memory",
        model_runner.py; `_refusal`). The default share (memory_hook.py, rules.mem_fraction_default)
        reads only the card and reserved_mib (chunk, TP x PP, graph batch), no estimate: `compare
        Llama-3.1-405B --gpus all --engine sglang` estimated ~139 layouts a card, most of them deep
        pipelines whose reserve (TP x PP / 8 GiB) is past a small card (issue 15). Only where every block
        keeps K/V (so `figures` has a KV cell on every stage and `_pool_budget` runs) and not for
        DeepSeek V4's own pools."""
        if spec.compressed is not None or not spec.every_block_full_attention:
            return False
        return self.mem_fraction(total_bytes, self.reserved_bytes(spec), self._vlm(spec)[0]) <= 0

    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures:
        from llmsize.estimate.engines.registry import kv_bytes_per_token_layer
        from llmsize.estimate.result import EngineFigures

        stage = rs.busiest_stage.layers
        if spec.compressed is not None:
            p = self._dsv4_plan(spec, stage)
            return EngineFigures(
                engine=str(self.engine),
                version=f"{self.version} ({sglang_dsv4.RELEASE})",
                device_weights_bytes=weights.device_bytes,
                kv_page_bytes=-(-p.per_full_token.numerator // p.per_full_token.denominator),
                kv_token_bytes=float(p.per_full_token),
                kv_fixed_bytes=p.fixed_bytes,
                block_tokens=sglang_dsv4.PAGE_TOKENS,
                blocks_per_request=wl.context,
                budget_fraction=wl.mem_fraction_static,
                reserved_bytes=self.reserved_bytes(spec),
                derived_max_len=serving_context.sglang_derived_context_len(spec),
                lines=(
                    f"Load weight end. mem usage={weights.device_bytes / GIB:.2f} GB",
                    f"DSV4 SWA sizing: mode=cap, swa_tokens={p.swa_tokens}, "
                    f"request_cap+headroom={p.swa_tokens}, prefix_tails={p.prefix_tails}",
                ),
            )
        swa_pool = self.swa_pool(spec)
        full = swa = Fraction(0)
        window: int | None = None
        for layer in (layer for layer in stage if spec.has_kv(layer)):
            per_token = kv_bytes_per_token_layer(spec.attention_view(layer), wl, rs.kv_dtype)
            if swa_pool and spec.layer_window(layer) is not None:
                swa += per_token
                window = spec.layer_window(layer)
            else:
                full += per_token
        if not full:  # all sliding: SGLang keeps one pool sized by the sliding cell alone
            full, swa, window = swa, Fraction(0), None
        cell = int(full)
        cell += self._draft_cell(spec, wl, stage, cell)
        state_layers = sum(1 for layer in stage if spec.recurrent is not None and spec.has_state(layer))
        conv = ssm = 0
        if state_layers and spec.recurrent is not None:
            conv, ssm = rules.layer_state_bytes(spec.recurrent, self._attention_tp(wl.tp), self.ssm_bytes())
        kind = spec.recurrent.kind if spec.recurrent is not None else ""
        return EngineFigures(
            engine=str(self.engine),
            version=self.version,
            device_weights_bytes=weights.device_bytes,
            kv_page_bytes=cell,
            # SGLang's page: 64 where gpt-oss runs trtllm_mha; only the sliding-window pools round to it
            block_tokens=(
                sglang_swa.page_tokens(spec.architecture, wl.gpu_architecture, wl.gpu_segment) if swa else 1
            ),
            blocks_per_request=wl.context,
            budget_fraction=wl.mem_fraction_static,
            state_slot_bytes=(conv + ssm) * state_layers,
            state_conv_bytes=conv * state_layers,
            state_slots_per_request=rules.slots_per_request(kind, not wl.disable_radix_cache),
            spec_draft_tokens=self.draft_tokens(spec) if wl.speculative is not None else 0,
            swa_token_bytes=int(swa),
            swa_window=window if swa else None,
            reserved_bytes=self.reserved_bytes(spec),
            derived_max_len=serving_context.sglang_derived_context_len(spec),
            fraction_factor=self._vlm(spec)[0],
            mm_reserve_bytes=self._vlm(spec)[1],
            lines=self._load_lines(spec, wl, weights.device_bytes, rs),
        )

    def _load_lines(self, spec: ModelSpec, wl: Workload, device: int, rs: Resolved) -> tuple[str, ...]:
        """"Load weight end" of the target, then of the draft worker (its own ModelRunner logs its load)."""
        from llmsize.estimate import speculative

        d = speculative.drafter(spec, wl) if rs.busiest_stage.head else None
        own = self.draft_own_embed
        draft = speculative.weight_bytes(spec, wl, rs.weights.format, d, own_embed=own) if d else 0
        lines: tuple[str, ...] = (f"Load weight end. mem usage={(device - draft) / GIB:.2f} GB",)
        if draft:
            lines += (f"Load weight end. mem usage={draft / GIB:.2f} GB (draft worker)",)
        return lines

    @staticmethod
    def _draft_cell(spec: ModelSpec, wl: Workload, stage: tuple[int, ...], cell: int) -> int:
        """What the draft worker's pool adds to one token's cell: the draft's pool has as many tokens as
        the target's, and SGLang sizes it as the target's cell x draft layers / target attention layers
        (model_executor/pool_configurator.py: "EAGLE/STANDALONE: assumes the draft shares the target's
        per-layer KV size"; draft layers = num_nextn_predict_layers for NEXTN, else the draft model's
        layers, spec_aux_hidden_state.py)."""
        from llmsize.estimate import speculative

        d = speculative.drafter(spec, wl)
        layers = sum(1 for layer in stage if spec.has_kv(layer))
        if d is None or not layers or (stage and stage[-1] != spec.num_layers - 1):
            return 0
        draft_layers = d.layer_spec.num_layers if d.method == "draft" else d.kv_layers
        return int(cell * draft_layers / layers)

    def state_cache_size(self, rest: int, f: EngineFigures) -> tuple[int, int]:
        """(max_mamba_cache_size, the speculative verify scratch) (kv_cache_configurator.py
        `_handle_max_mamba_cache`). With speculative decoding MambaPool also keeps each slot's state per
        draft token for the target's verify (memory_pool.py intermediate_ssm_state_cache and conv
        windows), priced as the slot x draft tokens for min(running requests, slots // slots per request)
        + 1 slots; the automatic size solves slots + scratch within the state share."""
        slot, ratio = f.state_slot_bytes, f.state_slots_per_request
        d = f.spec_draft_tokens
        running = self.running_cap()
        if self.wl.max_mamba_cache_size is not None:
            slots = self.wl.max_mamba_cache_size
        elif self.wl.disable_radix_cache and self.wl.max_num_seqs is not None:
            slots = self.wl.max_num_seqs
            return slots, slot * (slots + 1) * d
        else:
            share = self.wl.mamba_full_memory_ratio or rules.MAMBA_FULL_MEMORY_RATIO
            if not d:
                return rules.auto_mamba_cache_size(rest, slot, share), 0
            slots = rules.auto_spec_mamba_cache_size(rest, slot, share, d, ratio)
        if not d:
            return slots, 0
        capped = min(max(1, running or 1), slots // max(ratio, 1))
        return slots, slot * (capped + 1) * d

    def pools(self, rest: int, f: EngineFigures) -> _Pools:
        """Split what the static share leaves after the weights: the MambaPool first
        (`_handle_max_mamba_cache`), then the KV pool, or the full and sliding pools of a hybrid-SWA
        model (pool_configurator.py)."""
        wl = self.wl
        slots, lines = 0, tuple[str, ...]()
        if f.state_slot_bytes:
            slots, scratch = self.state_cache_size(rest, f)
            rest -= (slots + 1) * f.state_slot_bytes + scratch if slots > 0 else 0
            ssm = f.state_slot_bytes - f.state_conv_bytes
            lines = (
                f"Mamba Cache is allocated. max_mamba_cache_size: {slots}, conv_state size: "
                f"{rules.as_gb((slots + 1) * f.state_conv_bytes)}GB, ssm_state size: "
                f"{rules.as_gb((slots + 1) * ssm)}GB",
            )
        if f.swa_token_bytes:
            page, window, rel = f.block_tokens, f.swa_window or 0, self.release()
            chunk = self.chunked_prefill()
            running = self.running_cap()
            if sglang_swa.cap_mode(rel, running, not wl.disable_radix_cache, chunk) and running is not None:
                cap = sglang_swa.request_cap(window, page, rel, running // max(1, wl.dp_attention), chunk)
                tokens, swa_tokens = sglang_swa.cap_pools(
                    max(0, rest), f.kv_page_bytes, f.swa_token_bytes, cap, page
                )
            else:
                tokens, swa_tokens = sglang_swa.ratio_pools(
                    max(0, rest), f.kv_page_bytes, f.swa_token_bytes, page
                )
            held = min(wl.context, sglang_swa.request_tokens(window, page, rel))
            reserve = sglang_swa.prefill_tokens(min(chunk, wl.context), page)
            line = (
                f"Use sliding window memory pool. full_layer_tokens={tokens}, swa_layer_tokens={swa_tokens}"
            )
            return _Pools(rest, slots, tokens, swa_tokens, held, reserve, (*lines, line))
        # without attention layers SGLang sets the token pool to the context (pool_configurator.py)
        tokens = max(0, rest // f.kv_page_bytes) if f.kv_page_bytes else (wl.context if rest > 0 else 0)
        return _Pools(rest, slots, tokens, 0, 0, 0, lines)

    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        """The pools of one GPU, and SGLang's refusal of a --context-length above the derived one
        (serving_context.py), which it raises before any of them."""
        budget = self._pool_budget(est, total_bytes, wl, unified)
        derived = est.engine_figures.derived_max_len if est.engine_figures is not None else None
        return serving_context.refused(budget, "SGLang", wl, derived)

    def context_limit(self, spec: ModelSpec, wl: Workload) -> int:
        """The longest --context-length SGLang starts with (serving_context.py)."""
        return serving_context.context_limit(spec, wl, serving_context.sglang_derived_context_len(spec))

    def context_warning(self, spec: ModelSpec, wl: Workload) -> str | None:
        """A --context above the derived length: refused, or past the trained length (serving_context.py)."""
        derived = serving_context.sglang_derived_context_len(spec)
        return serving_context.context_warning("SGLang", "--context-length", derived, wl)

    def default_context(self, total_vram: int, spec: ModelSpec) -> int | None:
        """Without --context: the default, or the derived length where shorter (serving_context.py)."""
        del total_vram
        return serving_context.default_context(serving_context.sglang_derived_context_len(spec))

    def launch_env(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        """SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1 when --allow-long-context sizes a longer context."""
        return serving_context.launch_env("SGLang", wl, serving_context.sglang_derived_context_len(spec))

    def _pool_budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        f = est.engine_figures
        if f is None or (f.kv_page_bytes == 0 and f.state_slot_bytes == 0):
            return super().budget(est, total_bytes, wl, unified)
        if f.kv_token_bytes is not None:
            return self._dsv4_budget(est, total_bytes, f)
        frac = self.mem_fraction(total_bytes, f.reserved_bytes, f.fraction_factor)
        start = total_bytes - self.pre_load_bytes()
        p = self.pools(int(frac * start) - est.weights_bytes - f.mm_reserve_bytes, f)
        running = self.max_running_requests(p.tokens, wl.context, p.slots, f)
        concurrency = p.tokens / max(1, wl.context)
        if p.swa_held:
            concurrency = min(concurrency, sglang_swa.concurrency(p.swa_tokens, p.swa_held, p.swa_reserve))
        if f.state_slot_bytes:
            concurrency = min(concurrency, max(0, running))
        outside = est.activations_bytes + est.overhead_bytes - self.pre_load_bytes()
        refused = self._refusal(est, p, running, outside, start, frac, f)
        reason = refused[0] if refused else self._short(concurrency, p.tokens)
        stopped = refused[1] if refused else None  # the log up to the error SGLang raises
        # A pool shorter than one --context does not stop SGLang: it starts and caps every request at
        # max_total_num_tokens - 1 (scheduler.py: max_req_len = min(context_len, max_total_num_tokens) - 1).
        capped = (
            (f"requests are capped at {p.tokens - 1:,} tokens: the pool holds fewer than one --context of "
             f"{wl.context:,}",)
            if 0 < p.tokens < wl.context
            else ()
        )
        held = min(wl.batch * wl.context, p.tokens) if capped else wl.batch * wl.context
        states = wl.batch * (f.state_slot_bytes + p.swa_held * f.swa_token_bytes)
        states += p.swa_reserve * f.swa_token_bytes if p.swa_held else 0
        pools = self._pools_need(held * f.kv_page_bytes, states, f)
        static_need = est.weights_bytes + f.mm_reserve_bytes + pools
        state = f.state_slot_bytes > 0
        # SGLang allocates its pools from the static share whatever the workload (model_runner.py
        # `profile_max_num_token`: rest = free after load - total x (1 - mem_fraction_static), all of it
        # tokens; `init_memory_pool` allocates them): its budget is that share, as vLLM's is its
        # utilization share (vllm_budget.py), the need the weights and what --batch requests fill of the
        # pools, and the headroom the pool left unfilled. Against the whole card "20.8 GiB headroom" read
        # as free memory SGLang had already taken for its 92,389-token pool (issue 15, poolview).
        share = int(frac * start)
        loaded = est.weights_bytes <= start
        return Budget(
            refused_headroom_bytes=_refused_headroom(
                refused is not None and loaded, stopped is None, start, share, static_need, outside),
            usable_bytes=share if loaded else total_bytes,
            need_bytes=static_need if loaded else est.weights_bytes + self.pre_load_bytes(),
            reason=reason,
            kv_pool_bytes=max(0, p.rest),
            # refused at start: no pool is built, so no max_total_num_tokens to quote and nothing served
            # (`check` listed "kv_cache_tokens: 0", "max_concurrency: 0.0" above the refusal; round 18)
            kv_tokens=None if stopped is not None else p.tokens,
            kv_tokens_note=STOPPED_NOTE if stopped is not None else None,
            max_concurrency=None if stopped is not None else round(concurrency, 2),
            # refused at start: no context runs; else SGLang's max_req_len caps a request at the pool
            max_context=0 if stopped is not None else max(0, p.tokens - 1),
            state_slots=p.slots if state else None,
            state_pool_bytes=(p.slots + 1) * f.state_slot_bytes if state and p.slots > 0 else None,
            lines=stopped if stopped is not None else (
                *f.lines,
                *p.lines,
                f"max_total_num_tokens={p.tokens}, chunked_prefill_size={self.chunked_prefill()}, "
                f"max_prefill_tokens={MAX_PREFILL_TOKENS}, max_running_requests={running}, "
                f"context_len={self.wl.context}",
                f"mem_fraction_static={frac}",
                *capped,
            ),
        )

    def _pools_need(self, kv_bytes: int, states: int, f: EngineFigures) -> int:
        """What the static share must hold after the weights for --batch requests: with the automatic
        MambaPool size, which takes ratio / (1 + ratio) of it (rules.auto_mamba_cache_size), enough for
        state_slots_per_request slots a request plus the padding slot, and the KV pool the rest."""
        wl = self.wl
        auto = wl.max_mamba_cache_size is None and not (wl.disable_radix_cache and wl.max_num_seqs)
        if not f.state_slot_bytes or not auto or f.spec_draft_tokens:
            return kv_bytes + states
        ratio = wl.mamba_full_memory_ratio or rules.MAMBA_FULL_MEMORY_RATIO
        slots = (max(1, f.state_slots_per_request) * wl.batch + 1) * f.state_slot_bytes
        return int(max(slots * (1 + ratio) / ratio, kv_bytes * (1 + ratio)))

    def _dsv4_budget(self, est: Estimate, total_bytes: int, f: EngineFigures) -> Budget:
        """DeepSeek V4 (sglang_dsv4.py): the request-sized pools first, then full tokens at
        bytes_per_full_token (`DSV4PoolConfigurator.calculate_pool_sizes`)."""
        wl = self.wl
        per_token = f.kv_token_bytes or 1.0
        frac = self.mem_fraction(total_bytes, f.reserved_bytes)
        start = total_bytes - self.pre_load_bytes()
        available = int(frac * start) - est.weights_bytes
        rest = max(available - f.kv_fixed_bytes, 0)
        tokens = int(rest / per_token) // sglang_dsv4.PAGE_TOKENS * sglang_dsv4.PAGE_TOKENS
        running = max(0, min(wl.max_num_seqs or sglang_dsv4.MAX_RUNNING_REQUESTS, tokens // 2))
        concurrency = min(tokens / max(1, wl.context), running)
        outside = est.activations_bytes + est.overhead_bytes - self.pre_load_bytes()
        reason = None
        if tokens <= 0:
            reason = (
                "SGLang would refuse to start: the request-sized DeepSeek V4 pools (sliding window cap, "
                f"HCA state: {format_gib(f.kv_fixed_bytes)}) leave nothing for the token pools; raise "
                "--mem-fraction-static, lower --max-num-seqs (--max-running-requests) or use more GPUs"
            )
        elif outside > start - int(frac * start):
            reason = _outside_refusal(outside, frac)
        else:
            reason = self._short(concurrency, tokens)
        static_need = est.weights_bytes + f.kv_fixed_bytes + int(wl.batch * wl.context * per_token)
        need = static_need + outside
        gb = 1 << 30
        return Budget(
            refused_headroom_bytes=_refused_headroom(
                tokens <= 0 or reason == _outside_refusal(outside, frac), tokens > 0, start,
                int(frac * start), static_need, outside),
            # the static share is the budget, as in `_pool_budget` (the pools are allocated whole)
            usable_bytes=int(frac * start) if est.weights_bytes <= start else total_bytes,
            need_bytes=static_need if est.weights_bytes <= start else need + self.pre_load_bytes(),
            reason=reason,
            kv_pool_bytes=max(0, available),
            kv_tokens=tokens if tokens > 0 else None,  # refused at start: no pool (as in _pool_budget)
            kv_tokens_note=STOPPED_NOTE if tokens <= 0 else None,
            max_concurrency=round(concurrency, 2) if tokens > 0 else None,
            max_context=tokens,
            lines=(
                *f.lines,
                f"DSV4 memory calculation: bytes_per_full_token={per_token:.2f}, "
                f"available_bytes={available / gb:.2f} GB, fixed (SWA cap + c128 state)="
                f"{f.kv_fixed_bytes / gb:.2f} GB, full_token={tokens}",
                f"max_total_num_tokens={tokens}, chunked_prefill_size={self.chunked_prefill()}, "
                f"max_prefill_tokens={MAX_PREFILL_TOKENS}, max_running_requests={running}, "
                f"context_len={wl.context}",
                f"mem_fraction_static={frac}",
            ),
        )

    def _refusal(
        self, est: Estimate, p: _Pools, running: int, outside: int, start: int, frac: float, f: EngineFigures
    ) -> tuple[str, tuple[str, ...] | None] | None:
        """SGLang's own refusals at start, in the order it meets them: the reason, and the log up to the
        error it raises (sglang_refused_log.py; None where the pools were built and the log is whole)."""
        share = int(frac * start)
        if est.weights_bytes > start:
            # The load itself runs out of memory: no --mem-fraction-static can help.
            return (
                f"the weights alone ({format_gib(est.weights_bytes)} a GPU) are more than the "
                f"{format_gib(start)} free on the card: SGLang would run out of memory loading them; shard "
                "them over more GPUs (--num-gpus auto) or use a smaller format (--quant)"
            ), refused_log.load_out_of_memory()
        if f.state_slot_bytes and share <= est.weights_bytes:
            return (
                f"SGLang would refuse to start: the weights ({format_gib(est.weights_bytes)}) leave "
                f"nothing of the static share ({frac:.3f} x {format_gib(start)}) for the state and KV pools; "
                "raise --mem-fraction-static or use more GPUs"
            ), refused_log.not_enough(f.lines, frac)
        if f.state_slot_bytes and p.slots <= 0:
            return (
                "SGLang would refuse to start: not enough GPU memory for the hybrid (mamba/linear-attention) "
                "state cache; raise --mem-fraction-static or set --max-mamba-cache-size"
            ), refused_log.state_too_small(f.lines)
        if f.state_slot_bytes and running <= 0:
            return (
                f"SGLang would refuse to start: {p.slots} state slots serve no request at "
                f"{f.state_slots_per_request} slots per request; raise --max-mamba-cache-size"
            ), refused_log.state_too_small(f.lines)
        if p.tokens <= 0:
            return (
                "SGLang would refuse to start: no memory left for the KV pool after the weights; "
                "raise --mem-fraction-static"
            ), refused_log.not_enough(f.lines, frac)
        if p.swa_held and p.swa_tokens <= (f.swa_window or 0) + 1:
            # pool_configurator.py validate_swa_pool_size: window + page_size is the admission floor
            return (
                f"SGLang would refuse to start: its sliding-window pool of {p.swa_tokens:,} tokens cannot "
                "hold one request; raise --mem-fraction-static"
            ), f.lines
        if outside > start - share:
            return _outside_refusal(outside, frac), None
        return None

    def _short(self, concurrency: float, tokens: int) -> str | None:
        """A --batch of full-context requests SGLang cannot run at once."""
        wl = self.wl
        if concurrency < wl.batch and tokens >= wl.context:
            return (
                f"SGLang holds {concurrency:.2f} requests of {wl.context:,} tokens, "
                f"fewer than --batch {wl.batch}"
            )
        return None

    def max_running_requests(
        self, tokens: int, context: int, slots: int = 0, f: EngineFigures | None = None
    ) -> int:
        """min(max_total_num_tokens // 2, --max-num-seqs (SGLang's --max-running-requests) or the
        request-pool estimate min(max(tokens / context x 512, 2048), 4096)), and for hybrid models at
        most max_mamba_cache_size // slots per request (kv_cache_configurator.py resolve_max_num_reqs)."""
        cap = self.running_cap()
        if cap is not None:
            running = min(cap, tokens // 2)
        else:
            running = min(min(max(int(tokens / max(1, context) * 512), 2048), 4096), tokens // 2)
        if f is not None and f.state_slot_bytes:
            running = min(running, slots // f.state_slots_per_request)
        return max(0, running)

    def quant_options(self) -> tuple[str, ...]:
        return ("fp8", "gptq-int8", "awq", "gptq", "nvfp4")


def _outside_refusal(outside: int, frac: float) -> str:
    """The start that runs out after the pools: SGLang allocates them from mem_fraction_static, then
    captures its CUDA graphs (model_runner.py init_device_graphs -> cuda_graph_runner.py) and runs
    prefills in what is left; its own advice on a failed capture (cuda_graph_runner.py
    CUDA_GRAPH_CAPTURE_FAILED_MSG) is a smaller --mem-fraction-static or --cuda-graph-max-bs."""
    return (
        f"activations and CUDA graphs need {format_gib(outside)} outside the static share of "
        f"{frac:.3f}: SGLang would run out of memory capturing its CUDA graphs or running a prefill; lower "
        "--mem-fraction-static or --cuda-graph-max-bs"
    )


def _refused_headroom(
    refused: bool, outside_refused: bool, start: int, share: int, static_need: int, outside: int
) -> int | None:
    """The headroom of a start SGLang refuses, along the rule that refuses it: the static share
    (mem_fraction_static x the memory free at start) must hold the weights and the pools
    (pool_configurator.py MemoryPoolConfig: "Not enough memory. Please try to increase
    --mem-fraction-static"), and the rest the activations and CUDA graphs. Against the whole card the
    margin read positive ("5.1 GiB" next to "no"); None where SGLang starts (or the load itself runs
    out, whose margin against the card is already negative)."""
    if not refused:
        return None
    if outside_refused:
        return (start - share) - outside
    return share - static_need
