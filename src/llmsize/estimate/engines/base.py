"""The engine protocol: what every runtime module answers, and the defaults most engines share.

DESIGN.md "Layer kinds and engines": each engine (transformers, vLLM, SGLang, llama.cpp, Ollama) is
one module behind this protocol, so that nothing outside `estimate/engines/` branches on the engine.
An engine says
- how it loads the weights (the format it keeps them in, where they live: device or host),
- how it lays out and pages the cache of each layer kind (`tokens_held`, per-sequence or shared
  cells, the element bytes of its KV types),
- the transient memory it needs with the kernels it really runs (`peak`: a profile run, a compute
  buffer, or the transformers forward walk),
- what it reserves beside the tensors (`overhead`: CUDA context, non-torch memory, CUDA graphs),
- how it budgets a GPU (`budget`: its utilization share, the KV pool, blocks and concurrency, and
  its own refusal), and the figures its log prints (`EngineFigures.lines`).

Modules import the memory components lazily inside functions: the components ask the engine, so a
module-level import back into them would be a cycle.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from llmsize.errors import BadInputError
from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines.moe_all_to_all import NONE as NONE_ALL_TO_ALL
from llmsize.estimate.engines.moe_all_to_all import AllToAll
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.workload import Engine, FlashAttn, Workload
from llmsize.units import BYTES_PER_ELEMENT

if TYPE_CHECKING:
    from llmsize.estimate.engines.rocm_decode_backend import DecodeAttention
    from llmsize.estimate.kv_cache import KvTerm
    from llmsize.estimate.overhead import Overhead
    from llmsize.estimate.phases import Peak, StaticBytes
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import EngineFigures, Estimate
    from llmsize.specs.models import ModelSpec, WeightFormat


@dataclass(frozen=True)
class Budget:
    """One GPU as the engine budgets it: what it offers, what the workload needs, and its answer."""

    usable_bytes: int
    need_bytes: int
    reason: str | None = None
    kv_pool_bytes: int | None = None
    kv_tokens: int | None = None
    # why `kv_tokens` (the engine's printed figure) is less than what the pool holds (vLLM's hybrid groups)
    kv_tokens_note: str | None = None
    kv_blocks: int | None = None
    max_concurrency: float | None = None
    max_context: int | None = None  # the engine's own largest context (vLLM's estimated max model len)
    state_slots: int | None = None  # SGLang: max_mamba_cache_size, request states its MambaPool holds
    state_pool_bytes: int | None = None  # SGLang: the MambaPool (its slots + the padding slot)
    kv_buffer_bytes: int | None = None  # llama.cpp: the llama_kv_cache buffers (attention cells)
    warnings: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()  # the figures as the engine's log prints them on this GPU
    # the reason is not about memory (a context the engine refuses): no GPU count lifts it
    layout_independent: bool = False
    # The margin along the rule that refused the start, where that rule is not usable - need: SGLang
    # refuses when its static share (mem_fraction_static) cannot hold the weights and pools although the
    # card as a whole could (sglang_budget.py `_pool_budget`); None: usable_bytes - need_bytes.
    refused_headroom_bytes: int | None = None

    @property
    def headroom_bytes(self) -> int:
        """What is left (negative: missing) on the card, or along the rule that refused the start."""
        if self.refused_headroom_bytes is not None:
            return self.refused_headroom_bytes
        return self.usable_bytes - self.need_bytes

    @property
    def fits(self) -> bool:
        return self.reason is None and self.need_bytes <= self.usable_bytes


@dataclass(frozen=True)
class WeightPlacement:
    """Weights of the busiest GPU as the engine places them (after tensor/pipeline parallelism)."""

    device_bytes: int
    host_bytes: int
    # how the engine's placement moves the stage's formula bytes (explain's weight lines end with it)
    detail: str = ""
    # bytes of `device_bytes` that copy a tensor also counted in `host_bytes` (llama.cpp's tied output
    # layer: token_embd in host RAM and again on the last GPU); the file holds them once
    duplicated_bytes: int = 0


class EngineModel(Protocol):
    """The protocol every engine module implements (see the module docstring)."""

    engine: Engine
    version: str

    def describe(self) -> str: ...
    def resolve(self, spec: ModelSpec, wl: Workload) -> Workload: ...
    def validate(self, spec: ModelSpec, wl: Workload) -> None: ...
    def tp_problem(self, spec: ModelSpec, tp: int) -> str | None: ...
    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None: ...
    def quant_format(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, rest: str
    ) -> tuple[WeightFormat, str] | None: ...
    def bnb_skips_fused_experts(self, spec: ModelSpec, wl: Workload) -> bool: ...
    def check_format(self, fmt: WeightFormat) -> None: ...
    def separate_mmproj(self, spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> bool: ...
    def loads_towers(self, wl: Workload) -> bool: ...
    def compute_dtype(self, fmt: WeightFormat, default: str) -> str: ...
    def default_kv_dtype(self, compute: str) -> str: ...
    def kv_element_bytes(self, kv_dtype: str) -> Fraction: ...
    def cache_kv_heads(self, spec: ModelSpec) -> int: ...
    def layer_kv_bytes(self, spec: ModelSpec, element: Fraction, tp: int) -> Fraction: ...
    def state_bytes(self, spec: ModelSpec, compute_bytes: int, tp: int) -> int: ...
    def keeps_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool: ...
    def draft_kv_dtype(self, kv_dtype: str) -> str: ...
    def memory_window(self, spec: ModelSpec, window: int) -> int: ...
    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any: ...
    def reads_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool: ...
    def tokens_read(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any: ...
    def check_compressed(self, spec: ModelSpec) -> None: ...
    def compressed_terms(self, spec: ModelSpec, kind: str, element: Fraction) -> tuple[KvTerm, ...]: ...
    def compressed_layout(
        self, spec: ModelSpec, layers: tuple[int, ...], element: Fraction
    ) -> tuple[KvTerm, ...] | None: ...
    def pooled_held(
        self, rule: str, rate: int, tokens: Any, prefill: Any, window: int | None = None, batch: Any = 1
    ) -> Any: ...
    def sequences(self, batch: Any) -> Any: ...
    def stages(self, spec: ModelSpec, wl: Workload) -> tuple[Stage, ...] | None: ...
    def placement_key(self, spec: ModelSpec, wl: Workload) -> Hashable | None: ...
    def encoder_tp(self, spec: ModelSpec, wl: Workload) -> int: ...
    def place_weights(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, device: int, all_stages: int
    ) -> WeightPlacement: ...
    def need_floor(self, device_weights: int) -> int: ...
    def refused_before_estimate(self, spec: ModelSpec, total_bytes: int) -> bool: ...
    def format_free_need(self, est: Estimate) -> int: ...
    def offload_layers(self, est: Estimate, usable: int, num_layers: int) -> int | None: ...
    def auto_offload_note(self, layers: int, total: int, rate: str) -> str: ...
    def auto_gpu_layers(
        self, est: Estimate, usable: int, num_layers: int, spec: ModelSpec | None = None,
        need_at: Callable[[int], int] | None = None,
    ) -> int | None: ...
    def speed_name(self, spec: ModelSpec | None = None) -> str: ...
    def no_backend_for(self, vendor: str) -> str | None: ...
    def backend_note(self, vendor: str) -> str | None: ...
    def decode_attention(self, spec: ModelSpec) -> str: ...
    def sampling_seconds(self, spec: ModelSpec) -> float: ...
    def prefill_moe_host_seconds(self, spec: ModelSpec) -> float: ...
    def decode_host_splits(self, spec: ModelSpec) -> tuple[int, int, int]: ...
    def decode_mask_caches(self, spec: ModelSpec) -> tuple[int, ...]: ...
    def extra_layer_parts(self, spec: ModelSpec) -> dict[str, int]: ...
    def sampling_note(self, spec: ModelSpec) -> str: ...
    def host_ops_offloaded(self, spec: ModelSpec) -> bool: ...
    def copies_used_experts_only(self) -> bool: ...
    def peak(self, spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved) -> Peak: ...
    def overhead(self, spec: ModelSpec, wl: Workload, allocated: int, rs: Resolved) -> Overhead: ...
    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures | None: ...
    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget: ...
    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = "",
        compute_units: int | None = None, interconnect: str = "", vendor: str = "",
    ) -> Workload: ...
    def gpu_facts_read(self) -> Hashable | None: ...
    def default_context(self, total_vram: int, spec: ModelSpec) -> int | None: ...
    def default_context_rule(self) -> str | None: ...
    def quant_options(self) -> tuple[str, ...]: ...
    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]: ...
    def overhead_notes(self) -> tuple[str, ...]: ...
    def kv_formula_tail(self) -> str: ...
    def prefill_chunk(self, spec: ModelSpec | None = None) -> int | None: ...
    def wave_prefill_runs(self, requests: int, prompt_tokens: int) -> tuple[tuple[int, int], ...]: ...
    def serving_arrivals(self, concurrency: int, output_tokens: int) -> tuple[float, float] | None: ...
    def prefill_launch(self, spec: ModelSpec) -> tuple[float, int]: ...
    def prefill_score_bytes(self, spec: ModelSpec, prompt_tokens: int) -> int: ...
    def decode_kv_read_factor(self, spec: ModelSpec) -> float: ...
    def sparse_attention_topk(self, spec: ModelSpec) -> int | None: ...
    def prefill_sparse_topk(self, spec: ModelSpec, tokens: int) -> int | None: ...
    def prefill_mla_absorbed(self, spec: ModelSpec) -> bool: ...
    def prefill_attention_pairs(self, spec: ModelSpec, tokens: int, window: int | None) -> int | None: ...
    def prefill_logits_every_token(self) -> bool: ...
    def prefill_expert_loop(self) -> bool: ...
    def prefill_quantized_loop(self) -> bool: ...
    def prefill_before_amd_large_tile(self) -> bool: ...
    def prefill_host_helper(self) -> bool: ...
    def expert_parallel_ranks(self, spec: ModelSpec) -> tuple[int, int]: ...
    def expert_output_all_reduced(self, spec: ModelSpec) -> bool: ...
    def attention_groups(self) -> int: ...
    def context_alignment(self, spec: ModelSpec, wl: Workload) -> int: ...
    def context_limit(self, spec: ModelSpec, wl: Workload) -> int: ...
    def launch_env(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]: ...
    def context_warning(self, spec: ModelSpec, wl: Workload) -> str | None: ...
    def scan_chunk(self, spec: ModelSpec, wl: Workload) -> int: ...
    def tensor_parallel_by_default(self) -> bool: ...


def serving_dtype(spec: ModelSpec, wl: Workload, rest: str, engine: str) -> tuple[WeightFormat, str] | None:
    """Serving engines run an fp32 checkpoint in bf16 unless --dtype says otherwise.

    REFERENCE: vllm/config/model.py `_get_and_verify_dtype` ("auto": a float32 config dtype becomes
    the platform's half type, bfloat16 where supported); SGLang's ModelConfig follows the same rule.
    """
    from llmsize.specs.models import WeightFormat

    if spec.weight_format.quant is None and wl.dtype is None and rest == "fp32":
        return WeightFormat(dtype="bf16"), f"{engine} runs the float32 checkpoint in bf16 (--dtype auto)"
    return None


def pad(x: Any, multiple: int) -> Any:
    """x rounded up to a multiple (works on numpy arrays)."""
    return -(-x // multiple) * multiple


# Workload fields only some engines read, with their option and their unset value: an engine that
# does not read one refuses it, so a setting is never silently dropped (issue 15: "silently
# accepted nonsense").
ENGINE_OPTIONS: dict[str, tuple[str, object]] = {
    "max_num_seqs": ("--max-num-seqs", None),
    "max_num_batched_tokens": ("--max-num-batched-tokens", None),
    "enforce_eager": ("--enforce-eager", False),
    "block_size": ("--block-size", None),
    "mm_encoder_tp_mode": ("--mm-encoder-tp-mode", None),
    "language_model_only": ("--language-model-only", False),
    "cudagraph_mode": ("--cudagraph-mode", None),
    "kv_cache_memory": ("--kv-cache-memory", None),
    "mem_fraction_static": ("--mem-fraction-static", None),
    "max_mamba_cache_size": ("--max-mamba-cache-size", None),
    "mamba_ssm_dtype": ("--mamba-ssm-dtype", None),
    "mamba_full_memory_ratio": ("--mamba-full-memory-ratio", None),
    "disable_radix_cache": ("--disable-radix-cache", False),
    "allow_long_context": ("--allow-long-context", False),
    "dp_attention": ("--dp-attention", 1),
    "dp_lm_head": ("--dp-lm-head", False),
    "data_parallel": ("--dp", 1),
    "expert_parallel": ("--ep", False),
    "moe_a2a_backend": ("--moe-a2a-backend", None),
    "cuda_graph_max_bs": ("--cuda-graph-max-bs", None),
    "scheduler_recv_interval": ("--scheduler-recv-interval", 1),
    "ubatch": ("--ubatch", None),
    "n_batch": ("--n-batch", None),
    "flash_attn": ("--flash-attn", FlashAttn.AUTO),
    "gpu_layers": ("--gpu-layers", None),
    "n_cpu_moe": ("--n-cpu-moe", None),
    "op_offload": ("--no-op-offload", True),
    "speculative": ("--speculative", None),
    "decode_context_parallel": ("--decode-context-parallel-size", 1),
    "engine_version": ("--engine-version", None),
    "attention_backend": ("--attention-backend", None),
}


class BaseEngine:
    """Defaults shared by most engines; each engine module overrides what it does differently."""

    engine: ClassVar[Engine]
    version: ClassVar[str] = ""
    speed: ClassVar[EngineSpeedProfile | None] = None  # the speed constants it owns (speed_profile.py)
    # KV element types the engine accepts (--kv-dtype), by llmsize's names.
    kv_dtypes: ClassVar[frozenset[str]] = frozenset({"fp32", "fp16", "bf16"})
    label: ClassVar[str] = ""
    # Whether FP8 checkpoints run on GPUs without FP8 tensor cores, weights kept 8-bit (vLLM's
    # FP8 Marlin kernel); elsewhere they are upcast on load.
    fp8_weight_only: ClassVar[bool] = False
    # Whether the transient peak is the transformers phase walk (which sweep.py vectorises).
    hf_phase_walk: ClassVar[bool] = True
    # The ENGINE_OPTIONS fields this engine reads; the others are refused.
    reads_options: ClassVar[frozenset[str]] = frozenset()
    # The --speculative methods (estimate/speculative.py) the engine runs; others exit 2.
    speculative_methods: ClassVar[frozenset[str]] = frozenset()
    # Whether a DeepSeek-style MTP drafter keeps its own shared_head.head (vLLM's deepseek_mtp.py) rather
    # than the target's lm_head (SGLang's set_embed_and_head, llama.cpp's shared_head fallback).
    draft_mtp_head: ClassVar[bool] = False
    # Whether an MTP drafter loads its own embedding and lm_head before sharing the target's (SGLang's
    # NEXTN draft worker: speculative._nextn_own).
    draft_own_embed: ClassVar[bool] = False

    def __init__(self, wl: Workload | None = None) -> None:
        self.wl = wl if wl is not None else Workload(engine=self.engine)

    # --- identity -------------------------------------------------------------------------------
    def describe(self) -> str:
        """The engine and the release the text speaks of: the one --engine-version asked for when the
        allocation rules follow it (release_asked), else the release modelled (issue 15: `--engine-version
        b6699` was sized with b6699's logits rule but labelled "llama.cpp b9464")."""
        return f"{self.label or self.engine} {self.release_asked() or self.version}".strip()

    def release_asked(self) -> str | None:
        """The release --engine-version names, as the engine prints it, when its memory rules follow it;
        None where only the speed profile does (vLLM, SGLang, transformers: their notes say so)."""
        return None

    # --- workload ---------------------------------------------------------------------------------
    def resolve(self, spec: ModelSpec, wl: Workload) -> Workload:
        """The workload with the engine's own defaults filled in (Ollama's context, ...)."""
        del spec
        return wl

    def tp_problem(self, spec: ModelSpec, tp: int) -> str | None:
        """Why this engine would refuse to start `spec` at tensor parallelism `tp` beyond the decoder's
        heads (hardware/layout.py tp_problem), or None; the plan skips such a TP degree."""
        del spec, tp
        return None

    # Hugging Face model types the engine has no implementation of, with why (its own source or tracker).
    unsupported_model_types: ClassVar[dict[str, str]] = {}

    def check_model_type(self, spec: ModelSpec) -> None:
        """An architecture the engine cannot load is bad input (exit 2), not a size."""
        why = self.unsupported_model_types.get(spec.model_type)
        if why is not None:
            raise BadInputError(
                f"{self.label or self.engine} cannot run {spec.name} ({spec.model_type}): {why}",
                hint="pick an engine that runs it with --engine",
            )

    def validate(self, spec: ModelSpec, wl: Workload) -> None:
        """Settings this engine cannot run, as a one-line BadInputError (exit 2)."""
        self.check_compressed(spec)
        self.check_model_type(spec)
        del spec
        # What follows reads only the workload: checked once per engine object, which engine_for keeps
        # per workload object (issue 15: 896 checks of 5 workloads in a cold `fit --all --gpu RTX-4090`).
        own = wl is self.wl
        if own and self.__dict__.get("_settings_checked"):
            return
        self._check_settings(wl)
        if own:
            self.__dict__["_settings_checked"] = True  # the workload is frozen: it stays valid

    def _check_settings(self, wl: Workload) -> None:
        """validate's checks of the workload alone: options of other engines, speculative decoding."""
        for field, (flag, unset) in ENGINE_OPTIONS.items():
            if field not in self.reads_options and getattr(wl, field) != unset:
                from llmsize.estimate.engines.registry import engines_reading

                readers = " and ".join(engines_reading(field)) or "no engine"
                raise BadInputError(
                    f"{flag} applies to {readers}, not {self.label or self.engine}",
                    hint="pick the engine it belongs to with --engine, or leave the option out",
                )
        if wl.num_speculative_tokens is not None and wl.speculative is None:
            raise BadInputError(
                "--num-speculative-tokens needs --speculative",
                hint="add --speculative mtp|eagle|eagle3|draft:<model>",
            )
        if wl.speculative is not None:
            from llmsize.estimate.speculative import method_of

            method, _ = method_of(wl.speculative)
            if method not in self.speculative_methods:
                runs = ", ".join(sorted(self.speculative_methods)) or "no speculative decoding"
                raise BadInputError(
                    f"{self.label or self.engine} does not run --speculative {method} (it runs: {runs})",
                    hint="pick another --engine or --speculative method",
                )

    # Weight formats the engine cannot load at all (QuantMethod values); None = anything.
    unsupported_formats: ClassVar[frozenset[str]] = frozenset()

    def check_format(self, fmt: WeightFormat) -> None:
        """A weight format the engine cannot run is bad input (exit 2)."""
        if fmt.quant is not None and str(fmt.quant) in self.unsupported_formats:
            raise BadInputError(
                f"{self.label or self.engine} cannot run {fmt.label()} weights",
                hint=self.format_hint(fmt),
            )

    def format_hint(self, fmt: WeightFormat) -> str:
        del fmt
        return "pick another --engine or --quant"

    # --- weights --------------------------------------------------------------------------------
    def load_format(self, spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
        """A format the engine converts the checkpoint's weights to on load (None: kept as stored)."""
        del spec, wl, rest
        return None

    def quant_format(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, rest: str
    ) -> tuple[WeightFormat, str] | None:
        """The file the engine runs for `--quant` GGUF type `fmt` of a float checkpoint, where it is another
        build than llama.cpp's quantizer writes (None: that quantizer's file)."""
        del spec, wl, fmt, rest
        return None

    def bnb_skips_fused_experts(self, spec: ModelSpec, wl: Workload) -> bool:
        """Whether bitsandbytes quantization on load (`--quant bnb-*`) leaves a MoE's routed experts in the
        float dtype for inference. False here: an engine with its own bitsandbytes MoE method quantizes them
        (vLLM model_executor/layers/quantization/bitsandbytes.py `BitsAndBytesMoEMethod.create_weights`)."""
        del spec, wl
        return False

    def compute_dtype(self, fmt: WeightFormat, default: str) -> str:
        del fmt
        return default

    def separate_mmproj(self, spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> bool:
        """Whether the model file this engine loads leaves the vision tower out (llama.cpp's mmproj)."""
        del spec, wl, fmt
        return False

    def loads_towers(self, wl: Workload) -> bool:
        """Whether the weights the engine loads hold a multimodal checkpoint's vision / audio towers, which
        a text decode step never runs (hardware/read_share.read_fraction leaves them unread): a safetensors
        checkpoint loads whole, unless vLLM's --language-model-only leaves them out
        (vllm_language_only.py)."""
        return not wl.language_model_only

    def place_weights(
        self, spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, device: int, all_stages: int
    ) -> WeightPlacement:
        """Device and host bytes of the busiest GPU's weights (`device` = its stage's bytes,
        `all_stages` = every GPU's together): all on the device by default."""
        del spec, wl, fmt, stage, all_stages
        return WeightPlacement(device, 0)

    def need_floor(self, device_weights: int) -> int:
        """A lower bound of `budget().need_bytes` known before the estimate runs, from the busiest
        GPU's weights. With this class's own placement (every weight on the device), figures (none)
        and budget (the need is the total, whose components are all >= 0) it is the weights; an engine
        that places, figures or budgets otherwise gets 0, no bound (issue 15: `fit --all` skips a
        weight format that cannot fit without estimating it)."""
        cls = type(self)
        own = (cls.place_weights is BaseEngine.place_weights and cls.figures is BaseEngine.figures
               and cls.budget is BaseEngine.budget)
        return device_weights if own else 0

    def refused_before_estimate(self, spec: ModelSpec, total_bytes: int) -> bool:
        """True when budget() cannot fit on a card of `total_bytes` whatever the estimate says (a
        layout search then skips estimating it; issue 15). No engine of this class knows that early."""
        del spec, total_bytes
        return False

    def format_free_need(self, est: Estimate) -> int:
        """A lower bound of `budget().need_bytes` of the same workload in any other weight format, read
        from `est` (issue 15: `fit --all`'s sizes-only rows pass over the later formats of a model whose
        need cannot fit whatever its weights). Here 0, no bound: the compute and cache dtypes of most
        engines follow the weights' (compute_dtype, default_kv_dtype)."""
        del est
        return 0

    def offload_layers(self, est: Estimate, usable: int, num_layers: int) -> int | None:
        """Blocks that fit the GPU when the engine can leave the rest on the CPU (None: it cannot)."""
        del est, usable, num_layers
        return None

    # Accelerator vendors (the GPU catalog's `vendor`) the engine has no backend for.
    no_backend_vendors: ClassVar[frozenset[str]] = frozenset()

    def no_backend_for(self, vendor: str) -> str | None:
        """Why the engine cannot run on this vendor's devices (None: it can); a fit row then does not fit."""
        if vendor.lower() not in self.no_backend_vendors:
            return None
        return f"{self.label or self.engine} has no backend for {vendor} devices; {self.backend_hint()}"

    def backend_hint(self) -> str:
        return "pick an engine that runs there (--engine)"

    # Accelerator vendors the engine reaches only through a separate backend whose allocation rules are
    # not the ones modelled (vendor -> what to tell the user); the row still fits or not by this module.
    backend_notes: ClassVar[Mapping[str, str]] = {}

    def backend_note(self, vendor: str) -> str | None:
        """What a run on this vendor's devices goes through, when it is not the engine's own backend."""
        return self.backend_notes.get(vendor.lower())

    def context_limit(self, spec: ModelSpec, wl: Workload) -> int:
        """The longest context the engine runs (the longest-context search stops there): the config's
        max_position_embeddings, or the length a serving engine derives and enforces."""
        del wl
        return spec.max_position_embeddings

    def launch_env(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        """`VAR=value` words a launch command of this workload needs in front (none by default)."""
        del spec, wl
        return ()

    def context_warning(self, spec: ModelSpec, wl: Workload) -> str | None:
        """What a --context past the model's trained length means for this engine: by default it runs
        the positions, which need RoPE scaling to mean anything."""
        if wl.context <= spec.max_position_embeddings:
            return None
        return (
            f"context {wl.context:,} exceeds the model's max_position_embeddings "
            f"({spec.max_position_embeddings:,}); it needs rope scaling to work"
        )

    def speed_name(self, spec: ModelSpec | None = None) -> str:
        """The speed profile (hardware/speed_profiles.ENGINE_PROFILES) of the release asked for (`spec`: the
        model, for engines whose releases ran some layer kinds differently)."""
        del spec
        return str(self.engine)

    def decode_attention(self, spec: ModelSpec) -> str:
        """The decode-attention kernel assumed where the engine picks one whose KV rate is priced apart
        (estimate/engines/rocm_decode_backend.py), and why; empty: the fitted share, nothing to say."""
        choice = self._decode_choice(spec)
        return choice.label() if choice else ""

    def _decode_choice(self, spec: ModelSpec | None) -> DecodeAttention | None:
        """The engine's own decode-attention pick where it is priced apart (vLLM, SGLang on ROCm)."""
        del spec
        return None

    def sampling_seconds(self, spec: ModelSpec) -> float:
        """CPU seconds a decode step spends sampling beyond what the engine's speed profile counts."""
        del spec
        return 0.0

    def prefill_moe_host_seconds(self, spec: ModelSpec) -> float:
        """Seconds each MoE layer's expert mat-muls wait on the host in a prompt ubatch (CUDA/ROCm)."""
        del spec
        return 0.0

    def decode_host_splits(self, spec: ModelSpec) -> tuple[int, int, int]:
        """Ops of a decode step the GPU backend refuses, run on the CPU between graph splits: (host
        round trips, bytes over the host link, bytes the CPU reads and writes); zeros where every op stays
        on the GPU (llama.cpp's SYCL SSM_SCAN before PR #22149: engines/llama_cpp_sycl_ssm_host.py)."""
        del spec
        return (0, 0, 0)

    def decode_mask_caches(self, spec: ModelSpec) -> tuple[int, ...]:
        """The caches whose padded attention mask the host builds every decode step, each as its cell cap
        (0: the whole context); none by default (Ollama's Go engine before v0.13.5: ollama_go_mask.py)."""
        del spec
        return ()

    def extra_layer_parts(self, spec: ModelSpec) -> dict[str, int]:
        """Layer parts beyond the model's own (estimate/layer_parts.py) that this run's weights add and
        the engine's kernel table may charge (SGLang's block-FP8 input quantization:
        engines/sglang_fp8_act_quant.py); none by default."""
        del spec
        return {}

    def sampling_note(self, spec: ModelSpec) -> str:
        """What the sampler does on the CPU each token, where sampling_seconds counts any (else empty)."""
        del spec
        return ""

    def host_ops_offloaded(self, spec: ModelSpec) -> bool:
        """Whether a prompt's ops on host-resident weights run on the GPU (ggml's op offload,
        llama_cpp_op_offload.py); False: on the CPU."""
        del spec
        return self.wl.op_offload

    def copies_used_experts_only(self) -> bool:
        """Whether op offload copies only the experts a ubatch picked of a host MUL_MAT_ID weight
        (llama_cpp_op_upload.py); False: the whole tensor."""
        return True

    def auto_gpu_layers(self, est: Estimate, usable: int, num_layers: int,
                        spec: ModelSpec | None = None,
                        need_at: Callable[[int], int] | None = None) -> int | None:
        """Blocks the engine itself puts on the GPU when the model does not fit (None: it refuses to
        load it, as vLLM, SGLang and llama.cpp with an explicit -ngl do; Ollama runs it partly on the CPU).
        `need_at(n)`: the device bytes of the split with n blocks on the GPU (its own estimate, whose
        compute buffer is the partial-offload one), for an engine that measures the split it picks."""
        del est, usable, num_layers, spec, need_at
        return None

    def auto_offload_note(self, layers: int, total: int, rate: str) -> str:
        """What the engine does by itself with a model that does not fit, when auto_gpu_layers gives a
        split (`rate`: " at ~N tokens/s" or ""); an engine with its own settings and tools says them."""
        return (f"{self.describe()} still runs it{rate}: it keeps {layers} of {total} layers on the GPU by "
                f"itself and runs the other {total - layers} from CPU RAM")

    def stages(self, spec: ModelSpec, wl: Workload) -> tuple[Stage, ...] | None:
        """The engine's own placement of blocks on GPUs; None = pipeline stages (Megatron-style)."""
        del spec, wl
        return None

    def placement_key(self, spec: ModelSpec, wl: Workload) -> Hashable | None:
        """All that the estimate and the budget read of the layout (tp, pp, num_gpus), where the engine
        places the blocks itself: layouts with equal keys need the same (the planner estimates one of
        them). None = every degree matters (Megatron-style stages, replicas, ZeRO shards)."""
        del spec, wl
        return None

    def encoder_tp(self, spec: ModelSpec, wl: Workload) -> int:
        """The TP degree that splits the vision tower's blocks (estimate/encoder_tp.py); 1: every rank
        keeps it whole (transformers' tp_plan covers the decoder only, llama.cpp's mmproj is one file)."""
        del spec, wl
        return 1

    # --- cache ----------------------------------------------------------------------------------
    def default_kv_dtype(self, compute: str) -> str:
        return compute

    def kv_element_bytes(self, kv_dtype: str) -> Fraction:
        if kv_dtype not in self.kv_dtypes:
            allowed = ", ".join(sorted(self.kv_dtypes))
            raise BadInputError(
                f"--kv-dtype {kv_dtype} is not available with --engine {self.engine}",
                hint=f"choose one of: {allowed}",
            )
        return BYTES_PER_ELEMENT[kv_dtype]

    def cache_kv_heads(self, spec: ModelSpec) -> int:
        return spec.num_kv_heads

    def layer_kv_bytes(self, spec: ModelSpec, element: Fraction, tp: int) -> Fraction:
        """One layer's cache per token on one rank (the MLA latent, or K and V of the cached heads)."""
        return kv_layer_bytes(spec, element, tp, self.cache_kv_heads(spec))

    def state_bytes(self, spec: ModelSpec, compute_bytes: int, tp: int) -> int:
        """One linear-attention / Mamba layer's state per sequence on one rank, as transformers keeps
        it (`cache_utils.LinearAttentionLayer`: the conv window of kernel positions in the compute
        dtype, the recurrent state in the model's state dtype); tensor parallelism splits it by heads."""
        if spec.recurrent is None:
            return 0
        return -(-spec.recurrent.state_bytes(compute_bytes) // max(tp, 1))

    def state_copies(self, spec: ModelSpec) -> int:
        """States the engine allocates per sequence and recurrent layer (the live one, and any saved
        copies it reserves up front); a decoding step reads and writes the live one only."""
        del spec
        return 1

    def draft_kv_dtype(self, kv_dtype: str) -> str:
        """The KV type of the speculative drafter's cache: the target's, unless the engine sets its own."""
        return kv_dtype

    def keeps_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool:
        """Whether sliding layers of `spec` hold at most their window with this KV type."""
        del kv_dtype, spec
        return True

    def memory_window(self, spec: ModelSpec, window: int) -> int:
        """The positions per sequence a sliding layer's cache keeps: its attention window, unless the
        engine's cache keeps more (Ollama's own engine for gpt-oss)."""
        del spec
        return window

    def tokens_held(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """Cache positions one layer of this kind holds per sequence."""
        del prefill, batch
        return tokens if window is None else np.minimum(tokens, window)

    def reads_windows(self, kv_dtype: str, spec: ModelSpec | None = None) -> bool:
        """Whether one decode step's attention reads at most a sliding layer's window (with
        `tokens_read`) even where the cache keeps every position: by default it reads what the cache
        keeps (`keeps_windows`), as in kernels that run over every cell of the cache view and mask
        the rest (llama.cpp, transformers' SDPA)."""
        return self.keeps_windows(kv_dtype, spec)

    def tokens_read(self, window: int | None, tokens: Any, prefill: Any, batch: Any) -> Any:
        """Cache positions one decode step's attention kernel reads of a layer (per `sequences`): by
        default every position the cache holds (`tokens_held`). An engine whose kernel skips the
        positions outside a sliding window while its cache holds more (SGLang's eviction interval
        and prefill reserves) overrides it, so the speed model never reads the memory reserve."""
        return self.tokens_held(window, tokens, prefill, batch)

    # The release (and the files) that run DeepSeek V4's pooled cache, when llmsize does not model
    # how this engine lays it out: it refuses such a model rather than guess (check_compressed).
    compressed_kv_support: ClassVar[str] = ""

    def check_compressed(self, spec: ModelSpec) -> None:
        """A model with DeepSeek V4's pooled KV on an engine whose layout of it is not modelled: exit 2."""
        own = type(self)
        if (
            spec.compressed is None
            or own.compressed_terms is not BaseEngine.compressed_terms
            or own.compressed_layout is not BaseEngine.compressed_layout
        ):
            return
        runs = f"; {self.compressed_kv_support}" if self.compressed_kv_support else ""
        raise BadInputError(
            f"llmsize does not model how {self.label or self.engine} pages DeepSeek V4's compressed KV "
            f"cache (sliding window + pooled entries + indexer keys){runs}",
            hint="use --engine transformers, vllm or llama.cpp, whose layouts of it are modelled",
        )

    def compressed_terms(self, spec: ModelSpec, kind: str, element: Fraction) -> tuple[KvTerm, ...]:
        """The cache of one DeepSeek V4 layer of `kind` (compressed_sparse_attention or
        heavily_compressed_attention), as terms of `kv_cache.KvTerm`; engines that model it override."""
        del element, kind
        self.check_compressed(spec)
        return ()

    def compressed_layout(
        self, spec: ModelSpec, layers: tuple[int, ...], element: Fraction
    ) -> tuple[KvTerm, ...] | None:
        """The whole cache of DeepSeek V4's `layers` where the engine lays it out as one pool (vLLM's
        packed blocks, llama.cpp's caches per kind), sliding-window-only layers included; None: layer
        by layer through `compressed_terms`."""
        del spec, layers, element
        return None

    def pooled_held(
        self, rule: str, rate: int, tokens: Any, prefill: Any, window: int | None = None, batch: Any = 1
    ) -> Any:
        """Positions one sequence holds of a pooled term (`KvTerm.rule`): one entry per `rate` tokens
        (`batch` for engines whose `sequences` is 1 but keep a stream per sequence)."""
        del prefill, window, batch
        if rule != "pooled":
            raise BadInputError(f"{self.label or self.engine} has no {rule!r} cache term")
        return tokens // rate

    def sequences(self, batch: Any) -> Any:
        """How many times `tokens_held` is allocated: once per sequence (1 when cells are shared)."""
        return batch

    def kv_formula_tail(self) -> str:
        return ""

    def prefill_chunk(self, spec: ModelSpec | None = None) -> int | None:
        """Prompt tokens one prefill forward pass takes as configured for `spec` (None: the speed
        profile's default)."""
        del spec
        return None

    def wave_prefill_runs(self, requests: int, prompt_tokens: int) -> tuple[tuple[int, int], ...]:
        """The prefill batches when `requests` prompts arrive together (a serving wave), as runs of
        (requests per batch, batches); the default prefills the wave as one batch, whose end is every
        request's first token."""
        del prompt_tokens
        return ((requests, 1),) if requests > 0 else ()

    def serving_arrivals(self, concurrency: int, output_tokens: int) -> tuple[float, float] | None:
        """How a closed-loop serving run's other prompts reach a request's decode, as (prefill batches it
        waits through, prompts a batch); None: the C - 1 others' shares of one wave of C prompts
        (hardware/speed_serving.py), the vLLM scheduler's reading."""
        del concurrency, output_tokens
        return None

    def prefill_launch(self, spec: ModelSpec) -> tuple[float, int]:
        """(CPU seconds to launch one dense layer's kernels when a prefill runs eagerly, the largest
        prefill chunk in tokens the engine's graphs still cover). (0.0, 0): no launch floor priced, the
        speed profile's own launch time stands (its prefill graphed, or eager and already priced)."""
        del spec
        return 0.0, 0

    def context_alignment(self, spec: ModelSpec, wl: Workload) -> int:
        """k such that the need is non-decreasing in the context over the contexts that are not a
        multiple of k, and a multiple of k needs no more than the context after it (issue 15: the
        longest context search, hardware/limit_search.py, probes only the unaligned contexts). 1: the
        need is non-decreasing in the context, as in engines that pre-allocate their cache."""
        del spec, wl
        return 1

    def tensor_parallel_by_default(self) -> bool:
        """Whether the engine shards a model over its GPUs by tensor parallelism when nothing asks (the
        serving engines: one worker per GPU, --tensor-parallel-size); False where it splits by layers
        unless --tp asks (the planner then orders pipeline stages first)."""
        return True

    def scan_chunk(self, spec: ModelSpec, wl: Workload) -> int:
        """Tokens after whose multiples the need jumps because the engine pads a prompt up to a whole
        chunk of a chunked state scan: a hint for the longest-context search (hardware/limit_search.py,
        issue 15). 1: no such padding (serving engines size their state per sequence, not per chunk)."""
        del spec, wl
        return 1

    def prefill_score_bytes(self, spec: ModelSpec, prompt_tokens: int) -> int:
        """Bytes a prompt's attention scores move through memory (0: a fused attention kernel keeps them
        on chip; llama.cpp without flash attention writes and reads them, llama_cpp_scores.py)."""
        del spec, prompt_tokens
        return 0

    def sparse_attention_topk(self, spec: ModelSpec) -> int | None:
        """Cached tokens one decode query's attention reads where the engine runs DeepSeek Sparse
        Attention's indexer and sparse MLA kernels (dsa_cache.decode_read_bytes); None: it attends
        every cached token (transformers and the llama.cpp family run V3.2 / GLM-5 densely)."""
        del spec
        return None

    def prefill_sparse_topk(self, spec: ModelSpec, tokens: int) -> int | None:
        """The top-k a prompt of `tokens` runs DeepSeek Sparse Attention's sparse prefill with (the
        indexer scoring every causal pair, the latent attention min(i, topk) keys a query); None: the
        dense prefill every other model (and these engines' short DSA prompts) runs."""
        del spec, tokens
        return None

    def decode_kv_read_factor(self, spec: ModelSpec) -> float:
        """Bytes an unfused decode attention moves per byte of cache read once, where each query head reads
        its KV head (0: a fused kernel; llama.cpp without flash attention, llama_cpp_unfused_decode.py)."""
        del spec
        return 0.0

    def prefill_logits_every_token(self) -> bool:
        """Whether a prompt's forward pass runs the LM head on every prompt token; False: on the last
        token of each sequence, as llama.cpp (llama_batch_get_one: logits NULL, "only the last token is
        output", include/llama.h), vLLM (gpu_model_runner._prepare_inputs: logits_indices =
        query_start_loc[1:] - 1) and SGLang (LogitsProcessor: hidden_states[last_index]) do."""
        return False

    def prefill_expert_loop(self) -> bool:
        """Whether a prompt's MUL_MAT_ID that the grouped kernels refuse runs expert by expert from the host
        (llama.cpp's CUDA/HIP backend: llama_cpp_mmid_host.py); False: one grouped kernel for all experts."""
        return False

    def prefill_quantized_loop(self) -> bool:
        """Whether quantized experts take that loop too (llama.cpp HIP builds before PR #17576 on RDNA)."""
        return False

    def prefill_before_amd_large_tile(self) -> bool:
        """Whether a prompt's MUL_MAT on AMD Vulkan coopmat runs without the large tile (llama.cpp Vulkan
        builds before PR #18749: llama_cpp_vulkan_amd_tiles.py)."""
        return False

    def prefill_host_helper(self) -> bool:
        """Whether the grouped expert kernel sorts a prompt's tokens by expert on the host, two syncs a call
        (llama.cpp builds before PR #15525: llama_cpp_mmid_host.py)."""
        return False

    def prefill_mla_absorbed(self, spec: ModelSpec) -> bool:
        """Whether a prompt's MLA attention runs in the latent (absorbed) form; False: the decompressed
        per-head form that vLLM's and SGLang's MLA prefill paths run (llama.cpp: llama_cpp_mla.py)."""
        del spec
        return False

    def prefill_attention_pairs(self, spec: ModelSpec, tokens: int, window: int | None) -> int | None:
        """Query-key pairs one layer of this window scores over a prompt of `tokens`; None: the causal
        pairs within the window (hardware/attention_flops.attention_pair_count), as kernels that skip
        fully masked tiles score them (vLLM FlashAttention window_size, SGLang FlashInfer window_left)."""
        del spec, tokens, window
        return None

    def expert_parallel_ranks(self, spec: ModelSpec) -> tuple[int, int]:
        """(ranks holding whole experts, engine cores whose tokens one MoE layer routes) for the speed
        model's busiest-rank expert read (hardware/expert_parallel.py); (1, 1): no expert parallelism."""
        del spec
        return 1, 1

    def moe_all_to_all(self) -> AllToAll:
        """The MoE all-to-all backend asked for (--moe-a2a-backend) as the speed model prices it
        (estimate/engines/moe_all_to_all.py); the default path where the engine has none."""
        return NONE_ALL_TO_ALL

    def expert_output_all_reduced(self, spec: ModelSpec) -> bool:
        """Whether the MoE output of tokens gathered from several engine cores / attention groups is
        all-reduced over them (True) or reduce-scattered back (False: vLLM's AgRsAll2AllManager.combine)
        (hardware/expert_parallel.py dispatch_combine_seconds)."""
        del spec
        return False

    def attention_groups(self) -> int:
        """Groups of the TP ranks that each attend their own requests (SGLang's DP attention); 1: none.
        The speed model times one group's ranks as a replica of tp / groups (hardware/speed_inputs.py)."""
        return 1

    # --- transient, reservations, figures -------------------------------------------------------
    def peak(self, spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved) -> Peak:
        """The live set at the workload's peak; the default is the transformers phase walk."""
        from llmsize.estimate import phases

        return phases.peak(spec, wl, static, rs)

    def overhead(self, spec: ModelSpec, wl: Workload, allocated: int, rs: Resolved) -> Overhead:
        from llmsize.estimate.overhead import cuda_overhead

        del spec, rs
        return cuda_overhead(wl, allocated)

    def figures(
        self, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
    ) -> EngineFigures | None:
        del spec, wl, weights, peak, rs
        return None

    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        """All of the card for everything the estimate holds on the device (`unified`: the GPU's budget
        is the whole pool the host RAM comes from, so the host's share comes out of it too)."""
        del wl
        need = est.total_bytes
        figs = est.engine_figures
        if figs is not None and not unified:
            need -= figs.host_bytes
        return Budget(usable_bytes=total_bytes, need_bytes=need)

    def gpu_defaults(
        self, wl: Workload, total_bytes: int, gpu_name: str, architecture: str = "", segment: str = "",
        compute_units: int | None = None, interconnect: str = "", vendor: str = "",
    ) -> Workload:
        """Settings whose default depends on the GPU (vLLM's batch sizes on large cards, its MXFP4
        MoE kernel per architecture, its sampler buffer per SM). Here, for a training run, the class
        of the GPUs' link: where the data-parallel NCCL communicator keeps its buffers
        (nccl_training.py). Without it, two RTX 4090s on PCIe were charged the NVLink figure."""
        del total_bytes, gpu_name, architecture, segment, compute_units, vendor
        if wl.mode.trains and wl.gpu_link is None:
            from llmsize.estimate.engines.nccl import link_class

            return wl.model_copy(update={"gpu_link": link_class(interconnect)})
        return wl

    def gpu_facts_read(self) -> Hashable | None:
        """All that this engine's estimate reads of the workload's `gpu_architecture` and `gpu_segment`
        (the facts gpu_defaults copies from the card), as a key: two workloads equal but for those two
        fields and with equal keys estimate the same, so a planner sizes them once (issue 15: `compare
        Llama-3.1-405B --gpus all --engine sglang` estimated each layout for 30 architectures that
        SGLang tells apart only as SM100, Ampere or CDNA3). None: no such promise (every other field
        of the workload may matter), which is what an engine that does not say gets."""
        return None

    def default_context(self, total_vram: int, spec: ModelSpec) -> int | None:
        """The context the engine picks by itself on this much VRAM, when no --context is given;
        None where it keeps the model's or the user's (every engine but Ollama)."""
        del total_vram, spec
        return None

    def default_context_rule(self) -> str | None:
        """default_context's rule in words (Ollama's NumCtx tiers); None where there is none."""
        return None

    def quant_options(self) -> tuple[str, ...]:
        """Weight formats `fit` tries for this engine, best quality first (after the 16-bit one)."""
        return ("fp8", "bnb-int8", "bnb-nf4")

    def overhead_notes(self) -> tuple[str, ...]:
        """What `overhead` leaves out, listed last among the assumptions."""
        return ()

    def notes(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        """Assumptions to list: the first goes with the weights, the rest with the cache."""
        del spec, wl
        return (f"engine: {self.describe()} (the release whose allocation rules are modelled)",)


def ceil_div(a: int, b: int) -> int:
    return -(-a // b) if b else 0


def kv_layer_bytes(spec: ModelSpec, element: Fraction, tp: int, kv_heads: int) -> Fraction:
    """Per layer and token on one rank: the MLA latent once, else K and V of the rank's heads."""
    if spec.is_mla:
        # DSA (DeepSeek-V3.2, GLM-5): each layer also caches one indexer key per token
        # (cache_utils.DynamicIndexedLayer.indexer_keys), in the compute dtype like the latent.
        indexer = spec.indexer.cache_elements_per_token if spec.indexer is not None else 0
        return (spec.kv_lora_rank + spec.qk_rope_head_dim + indexer) * element
    heads = max(kv_heads // tp, 1) if tp > 1 else kv_heads
    # K of head_dim and V of its own size where the config gives one (MiMo-V2-Flash: 192 + 128; vLLM
    # mimo_v2_flash.py caches them so too, FlashAttentionDiffKVBackend with head_size_v = v_head_dim)
    return heads * (spec.head_dim + spec.value_head_dim) * element


def whole(x: Fraction) -> int:
    return math.ceil(x)
