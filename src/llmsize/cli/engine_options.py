"""Engine settings shared by `estimate`, `fit` and `compare` (issue 9): each engine's own flags, and
engine_settings(), whose keywords declare them for every command (cli/option_groups.py).

The names follow the engines' own command lines (vLLM `--max-num-seqs`, llama.cpp `--ubatch`, ...);
an engine ignores the settings of the others. Unset means the engine's default, which its module in
estimate/engines/ names and cites.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from llmsize.cli.declare import Option
from llmsize.cli.gpu_options import GpuLayersOpt, GpuMemoryUtilOpt
from llmsize.cli.option_groups import OptionGroup
from llmsize.errors import BadInputError
from llmsize.estimate.workload import FlashAttn, GgmlBackend

_PANEL = "Engine"

MaxNumSeqsOpt = Annotated[
    int | None,
    Option(
        "--max-num-seqs",
        min=1,
        help="vLLM/SGLang: sequences running at once (vLLM default 256; 1024 on >=70 GiB GPUs).",
        rich_help_panel=_PANEL,
    ),
]
MaxBatchedTokensOpt = Annotated[
    int | None,
    Option(
        "--max-num-batched-tokens",
        min=1,
        help="vLLM: tokens per step, the profile run's batch (2048; 8192 on >=70 GiB GPUs); "
        "SGLang: chunked_prefill_size.",
        rich_help_panel=_PANEL,
    ),
]
EnforceEagerOpt = Annotated[
    bool,
    Option(
        "--enforce-eager", help="vLLM: no CUDA graphs (their memory is not reserved).", rich_help_panel=_PANEL
    ),
]
PrefixCachingOpt = Annotated[
    bool,
    Option(
        "--enable-prefix-caching",
        help="vLLM: prefix caching (a hybrid model's state layers then keep 2 state blocks per request).",
        rich_help_panel=_PANEL,
    ),
]
BlockSizeOpt = Annotated[
    int | None,
    Option(
        "--block-size",
        min=1,
        help="vLLM: tokens per KV block (default 16; 64 for MLA).",
        rich_help_panel=_PANEL,
    ),
]
MmEncoderTpModeOpt = Annotated[
    str | None,
    Option(
        "--mm-encoder-tp-mode",
        help="vLLM: weights (default: TP splits the vision encoder) or data (every GPU keeps it whole).",
        rich_help_panel=_PANEL,
    ),
]
LanguageOnlyOpt = Annotated[
    bool,
    Option(
        "--language-model-only",
        help="vLLM: serve a vision-language checkpoint as text only (no vision or audio tower built or "
        "profiled).",
        rich_help_panel=_PANEL,
    ),
]
CudagraphModeOpt = Annotated[
    str | None,
    Option(
        "--cudagraph-mode",
        help="vLLM: compilation_config cudagraph_mode: FULL_AND_PIECEWISE (default), PIECEWISE, "
        "FULL_DECODE_ONLY or NONE.",
        rich_help_panel=_PANEL,
    ),
]
KvCacheMemoryOpt = Annotated[
    str | None,
    Option(
        "--kv-cache-memory",
        help="vLLM: KV cache budget in bytes, or with a unit (8GiB, 20GB); replaces the profile.",
        rich_help_panel=_PANEL,
    ),
]
MemFractionOpt = Annotated[
    float | None,
    Option(
        "--mem-fraction-static",
        help="SGLang: share of the card for weights and its pools (default: the card minus SGLang's "
        "activation and CUDA-graph reserve, 0.83 on an H100).",
        rich_help_panel=_PANEL,
    ),
]
MaxMambaCacheOpt = Annotated[
    int | None,
    Option(
        "--max-mamba-cache-size",
        min=1,
        help="SGLang: request states its hybrid (Mamba / linear-attention) pool holds (default: 0.9/1.9 "
        "of the static share left after the weights).",
        rich_help_panel=_PANEL,
    ),
]
MambaSsmDtypeOpt = Annotated[
    str | None,
    Option(
        "--mamba-ssm-dtype",
        help="SGLang: float32 (default), bfloat16 or float16 for the SSM / delta state.",
        rich_help_panel=_PANEL,
    ),
]
DcpOpt = Annotated[
    int,
    Option(
        "--decode-context-parallel-size",
        min=1,
        help="vLLM: ranks of the TP group each request's KV is split over (default 1; it must divide --tp).",
        rich_help_panel=_PANEL,
    ),
]
AttentionBackendOpt = Annotated[
    str | None,
    Option(
        "--attention-backend",
        help="vLLM / SGLang: the attention backend named at launch (vLLM ROCM_ATTN, TRITON_ATTN, "
        "ROCM_AITER_UNIFIED_ATTN, ...; SGLang triton, aiter, ...): on an MI300X / MI325X it picks the decode "
        "kernel whose KV rate the speed uses (default: the engine's own pick).",
        rich_help_panel=_PANEL,
    ),
]
EngineVersionOpt = Annotated[
    str | None,
    Option(
        "--engine-version",
        help="llama.cpp: the build its log prints (b8571; default b9464); Ollama: the release (0.11.4; "
        "default 0.33); SGLang: the release (0.4.3.post4; default 0.5.23); vLLM: the release (0.4.2, "
        "0.6.3: V0 engine before 0.8; 0.10: no async scheduling before 0.14; default 0.19); transformers: "
        "the release (4.46.0, 4.51.3; default 5.23). Older releases size a few buffers differently, older "
        "llama.cpp builds decode on CUDA with fewer fused kernels, and older vLLM, SGLang and transformers "
        "releases run their own speed profile (vLLM's: speed only; transformers': speed, and for training "
        "the memory rules that name a release, such as the fp32 logits its forward returned before 4.46; "
        "speed defaults to the current build).",
        rich_help_panel=_PANEL,
    ),
]
MambaRatioOpt = Annotated[
    float | None,
    Option(
        "--mamba-full-memory-ratio",
        min=0.0,
        help="SGLang: state pool to KV pool ratio of the static share (default 0.9).",
        rich_help_panel=_PANEL,
    ),
]
DisableRadixOpt = Annotated[
    bool,
    Option(
        "--disable-radix-cache",
        help="SGLang: no prefix cache (one state slot per request; --max-num-seqs sizes the state pool).",
        rich_help_panel=_PANEL,
    ),
]
AllowLongContextOpt = Annotated[
    bool,
    Option(
        "--allow-long-context",
        help="vLLM/SGLang: started with VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 / "
        "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1, so a --context above the length the engine derives "
        "from the config starts (without it, such a context does not fit: the engine refuses it).",
        rich_help_panel=_PANEL,
    ),
]
DpAttentionOpt = Annotated[
    int,
    Option(
        "--dp-attention",
        min=1,
        help="SGLang: --dp-size N with --enable-dp-attention: attention runs data-parallel in N groups of "
        "the --tp ranks (each rank keeps the attention weights of its group and the KV of its own "
        "requests); the experts stay split over all --tp ranks.",
        rich_help_panel=_PANEL,
    ),
]
DpLmHeadOpt = Annotated[
    bool,
    Option(
        "--dp-lm-head",
        help="SGLang --enable-dp-lm-head (with --dp-attention): the LM head is split over the attention "
        "group only, not over all --tp ranks.",
        rich_help_panel=_PANEL,
    ),
]
SchedulerRecvIntervalOpt = Annotated[
    int,
    Option(
        "--scheduler-recv-interval",
        min=1,
        help="SGLang --scheduler-recv-interval R (default 1): the scheduler polls for new requests every R "
        "decode steps, so a --concurrency run's arriving prompts are prefilled in batches of those that came "
        "in R steps (serving TPOT and throughput only).",
        rich_help_panel=_PANEL,
    ),
]
DataParallelOpt = Annotated[
    int,
    Option(
        "--dp",
        min=1,
        help="vLLM --data-parallel-size N: N engine cores, each with its own --tp copy of the attention and "
        "dense weights and its own KV pool; a MoE model's experts are split over tp x N GPUs "
        "(the layout uses tp x pp x N GPUs).",
        rich_help_panel=_PANEL,
    ),
]
ExpertParallelOpt = Annotated[
    bool,
    Option(
        "--ep",
        help="vLLM --enable-expert-parallel: each of the tp x --dp GPUs holds whole experts (the busiest "
        "one ceil(experts / (tp x dp)) of them) instead of a slice of every expert. SGLang: --ep-size equal "
        "to --tp (speed: the busiest rank's experts).",
        rich_help_panel=_PANEL,
    ),
]
MoeA2aBackendOpt = Annotated[
    str | None,
    Option(
        "--moe-a2a-backend",
        "--all2all-backend",
        help="MoE token all-to-all backend, in the engine's own words. SGLang --moe-a2a-backend (none, "
        "deepep, mooncake, ...; deepep and mooncake put whole experts on each --tp rank): deepep is priced "
        "as DeepEP's dispatch/combine across --dp-attention groups (low-latency kernels in decode, normal "
        "for prompts). vLLM --all2all-backend (allgather_reducescatter, deepep_low_latency, "
        "deepep_high_throughput, ...; needs --ep and --dp 2+). DeepEP's buffer is counted per GPU (SGLang: "
        "in the overhead, outside the KV pool; vLLM: non-torch memory, the KV cache shrinks). Backends whose "
        "cost is not modelled keep the default's price and say so in the speed notes.",
        rich_help_panel=_PANEL,
    ),
]
UbatchOpt = Annotated[
    int | None,
    Option(
        "--ubatch",
        min=1,
        help="llama.cpp: n_ubatch, tokens per compute step (default 512).",
        rich_help_panel=_PANEL,
    ),
]
NBatchOpt = Annotated[
    int | None,
    Option(
        "--n-batch", min=1, help="llama.cpp: n_batch, logical batch (default 2048).", rich_help_panel=_PANEL
    ),
]
FlashAttnOpt = Annotated[
    FlashAttn,
    Option(
        "--flash-attn",
        help="llama.cpp/Ollama: flash attention on, off or auto (on where supported).",
        rich_help_panel=_PANEL,
    ),
]
BackendOpt = Annotated[
    GgmlBackend,
    Option(
        "--backend",
        help="llama.cpp/Ollama: GPU backend, auto (CUDA, ROCm or Metal by vendor; Vulkan on Intel), vulkan "
        "(speed: FP16 cooperative-matrix prompts) or sycl (llama.cpp on Intel GPUs: FP16 oneDNN prompts).",
        rich_help_panel=_PANEL,
    ),
]
NCpuMoeOpt = Annotated[
    int | None,
    Option(
        "--n-cpu-moe",
        min=0,
        help="llama.cpp: keep the experts of the first N MoE layers in host RAM.",
        rich_help_panel=_PANEL,
    ),
]
NoOpOffloadOpt = Annotated[
    bool,
    Option(
        "--no-op-offload",
        help="llama.cpp: keep the ops of host-resident weights on the CPU (by default a prompt batch of 32+ "
        "runs them on the first GPU, with a copy of each weight in its compute buffer).",
        rich_help_panel=_PANEL,
    ),
]
SpeculativeOpt = Annotated[
    str | None,
    Option(
        "--speculative",
        help="vLLM/SGLang/llama.cpp: speculative decoding drafter: mtp (the model's own MTP layers), "
        "eagle, eagle3 or draft:<model>; its weights and KV cache join the model's.",
        rich_help_panel=_PANEL,
    ),
]
NumSpecTokensOpt = Annotated[
    int | None,
    Option(
        "--num-speculative-tokens",
        min=1,
        max=64,
        help="Draft tokens per step with --speculative (mtp: default the MTP layers).",
        rich_help_panel=_PANEL,
    ),
]

_SIZE = re.compile(r"^\s*\+?(\d+(?:\.\d+)?)\s*([kKmMgGtT]i?[bB]?|[bB])?\s*$", re.ASCII)  # \d: "٣" too
_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "kib": 1 << 10,
    "ki": 1 << 10,
    "m": 10**6,
    "mb": 10**6,
    "mib": 1 << 20,
    "mi": 1 << 20,
    "g": 10**9,
    "gb": 10**9,
    "gib": 1 << 30,
    "gi": 1 << 30,
    "t": 10**12,
    "tb": 10**12,
    "tib": 1 << 40,
    "ti": 1 << 40,
}


def parse_size(text: str, option: str) -> int:
    """'8GiB' -> 8 x 2^30, '20GB' -> 20 x 10^9, '1073741824' -> bytes; else BadInputError."""
    match = _SIZE.match(text)
    if not match:
        raise BadInputError(f"{option} {text!r} is not a size", hint="write bytes, or e.g. 8GiB or 20GB")
    from decimal import Decimal

    value = Decimal(match.group(1)) * _UNITS[(match.group(2) or "").lower()]  # exact, never inf
    if value < 1:
        raise BadInputError(f"{option} {text!r} must be positive")
    return int(value)


def engine_settings(
    *,
    gpu_memory_utilization: GpuMemoryUtilOpt = 0.9,
    gpu_layers: GpuLayersOpt = None,
    max_num_seqs: MaxNumSeqsOpt = None,
    max_num_batched_tokens: MaxBatchedTokensOpt = None,
    enforce_eager: EnforceEagerOpt = False,
    enable_prefix_caching: PrefixCachingOpt = False,
    block_size: BlockSizeOpt = None,
    mm_encoder_tp_mode: MmEncoderTpModeOpt = None,
    language_model_only: LanguageOnlyOpt = False,
    cudagraph_mode: CudagraphModeOpt = None,
    kv_cache_memory: KvCacheMemoryOpt = None,
    mem_fraction_static: MemFractionOpt = None,
    max_mamba_cache_size: MaxMambaCacheOpt = None,
    mamba_ssm_dtype: MambaSsmDtypeOpt = None,
    mamba_full_memory_ratio: MambaRatioOpt = None,
    disable_radix_cache: DisableRadixOpt = False,
    allow_long_context: AllowLongContextOpt = False,
    dp_attention: DpAttentionOpt = 1,
    dp_lm_head: DpLmHeadOpt = False,
    scheduler_recv_interval: SchedulerRecvIntervalOpt = 1,
    dp: DataParallelOpt = 1,
    ep: ExpertParallelOpt = False,
    moe_a2a_backend: MoeA2aBackendOpt = None,
    ubatch: UbatchOpt = None,
    n_batch: NBatchOpt = None,
    flash_attn: FlashAttnOpt = FlashAttn.AUTO,
    backend: BackendOpt = GgmlBackend.AUTO,
    n_cpu_moe: NCpuMoeOpt = None,
    no_op_offload: NoOpOffloadOpt = False,
    speculative: SpeculativeOpt = None,
    num_speculative_tokens: NumSpecTokensOpt = None,
    decode_context_parallel_size: DcpOpt = 1,
    engine_version: EngineVersionOpt = None,
    attention_backend: AttentionBackendOpt = None,
) -> dict[str, Any]:
    """The Workload's engine fields from the engine options (sizes parsed; unset: the engine's default)."""
    kv_bytes = None if kv_cache_memory is None else parse_size(str(kv_cache_memory), "--kv-cache-memory")
    return {
        "gpu_memory_utilization": gpu_memory_utilization,
        "gpu_layers": gpu_layers,
        "max_num_seqs": max_num_seqs,
        "max_num_batched_tokens": max_num_batched_tokens,
        "enforce_eager": enforce_eager,
        "enable_prefix_caching": enable_prefix_caching,
        "block_size": block_size,
        "mm_encoder_tp_mode": mm_encoder_tp_mode,
        "language_model_only": language_model_only,
        "cudagraph_mode": cudagraph_mode,
        "kv_cache_memory": kv_bytes,
        "mem_fraction_static": mem_fraction_static,
        "max_mamba_cache_size": max_mamba_cache_size,
        "mamba_ssm_dtype": mamba_ssm_dtype,
        "mamba_full_memory_ratio": mamba_full_memory_ratio,
        "disable_radix_cache": disable_radix_cache,
        "allow_long_context": allow_long_context,
        "dp_attention": dp_attention,
        "dp_lm_head": dp_lm_head,
        "scheduler_recv_interval": scheduler_recv_interval,
        "data_parallel": dp,
        "expert_parallel": ep,
        "moe_a2a_backend": moe_a2a_backend,
        "ubatch": ubatch,
        "n_batch": n_batch,
        "flash_attn": flash_attn or FlashAttn.AUTO,
        "backend": backend or GgmlBackend.AUTO,
        "n_cpu_moe": n_cpu_moe,
        "op_offload": not no_op_offload,
        "speculative": speculative,
        "num_speculative_tokens": num_speculative_tokens,
        "decode_context_parallel": decode_context_parallel_size,
        "engine_version": engine_version,
        "attention_backend": attention_backend,
    }


ENGINE_OPTIONS = OptionGroup(engine_settings)
"""The engine options of estimate, fit and compare (with vLLM's and llama.cpp's GPU shares)."""
ENGINE_OPTION_NAMES: tuple[str, ...] = tuple(ENGINE_OPTIONS)


def engine_settings_from(values: Mapping[str, Any]) -> dict[str, Any]:
    """engine_settings() of the engine options among `values` (others take their defaults)."""
    return engine_settings(**{name: values[name] for name in ENGINE_OPTION_NAMES if name in values})
