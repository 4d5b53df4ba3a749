"""Run a pre-flight Setup through the one pipeline (resolve -> estimate -> fit) and say what to change.

No second memory model lives here: the Setup becomes a Workload and a GPU layout, `plan_fit_rows`
answers whether it fits, and every suggestion is the same pipeline run again with one setting
changed. A suggestion is kept when that run fits; its memory effect is the difference of the two
per-GPU peaks, and its cost says what the user gives up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from llmsize.errors import BadInputError, one_line
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import Engine, Optimizer, Workload
from llmsize.hardware.fit_models import FitRow
from llmsize.hardware.gpus import GpuSpec, driver_reported_bytes
from llmsize.preflight import rewrite, unmodelled, values, vllm_auto_context
from llmsize.preflight.ollama import default_context
from llmsize.preflight.setup import Setup
from llmsize.records import ValidationError
from llmsize.specs.models import ModelSpec
from llmsize.units import format_gib

_KV_DTYPES = {
    "auto": None,
    "fp8": "fp8",
    "fp8_e4m3": "fp8",
    "fp8_e5m2": "fp8",
    "fp8_inc": "fp8",
    # vllm/config/cache.py CacheDType: nvfp4_4over6 stores the same NVFP4 layout (it only picks
    # each 16-value block's scale differently).
    "nvfp4": "nvfp4",
    "nvfp4_4over6": "nvfp4",
    "fp4_e2m1": "fp4_e2m1",  # SGLang's FP4 KV pool
    "fp4_mx_block16": "fp4_e2m1",  # its 0.5.23 name (E2M1 + one scale byte per 16 values)
    "f16": "fp16",
    "fp16": "fp16",
    "bf16": "bf16",
    "f32": "fp32",
    "q8_0": "q8_0",
    "q4_0": "q4_0",
}
_DTYPES = {
    "auto": None,
    "bfloat16": "bf16",
    "bf16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "fp16": "fp16",
    "float32": "fp32",
    "float": "fp32",
    "fp32": "fp32",
}
_QUANTS = {
    "awq": "awq",
    "awq_marlin": "awq",
    "gptq": "gptq",
    "gptq_marlin": "gptq",
    "fp8": "fp8",
    "mxfp4": "mxfp4",
    "bitsandbytes": "bnb-nf4",
    "compressed-tensors": None,
    "modelopt": None,
    "modelopt_fp4": "nvfp4",
}
# Setup keys that are Workload fields under another name, or (None) read but not modelled.
_WORKLOAD_FIELDS: dict[str, str | None] = {
    "max_num_seqs": "max_num_seqs",
    "max_num_batched_tokens": "max_num_batched_tokens",
    "block_size": "block_size",
    "enforce_eager": "enforce_eager",
    "enable_prefix_caching": "enable_prefix_caching",
    "kv_cache_memory": "kv_cache_memory",
    "decode_context_parallel": "decode_context_parallel",  # vLLM -dcp (estimate/engines/vllm_dcp.py)
    "mm_encoder_tp_mode": "mm_encoder_tp_mode",
    "language_model_only": "language_model_only",  # vLLM (estimate/engines/vllm_language_only.py)
    "cudagraph_mode": "cudagraph_mode",  # vLLM --compilation-config (estimate/engines/vllm_cudagraph_mode.py)
    "engine_release": "engine_version",  # SGLang: from the docker image tag (launch.py _sglang_release)
    "mem_fraction_static": "mem_fraction_static",
    "attention_backend": "attention_backend",  # the decode kernel on ROCm (rocm_decode_backend.py)
    "max_mamba_cache_size": "max_mamba_cache_size",
    "mamba_ssm_dtype": "mamba_ssm_dtype",
    "mamba_full_memory_ratio": "mamba_full_memory_ratio",
    "disable_radix_cache": "disable_radix_cache",
    "allow_long_context": "allow_long_context",  # the long-context variables (launch.py)
    "dp_lm_head": "dp_lm_head",
    # SGLang --moe-a2a-backend / vLLM --all2all-backend (estimate/engines/sglang_moe_a2a.py, vllm_all2all.py)
    "moe_a2a_backend": "moe_a2a_backend",
    "cuda_graph_max_bs": "cuda_graph_max_bs",
    "scheduler_recv_interval": "scheduler_recv_interval",  # SGLang (estimate/engines/sglang_arrivals.py)
    "ubatch": "ubatch",
    "n_batch": "n_batch",
    "flash_attn": "flash_attn",
    "n_cpu_moe": "n_cpu_moe",
    "op_offload": "op_offload",
    "mmproj": "mmproj",
    # SGLang's --chunked-prefill-size and --max-running-requests are the quantities the engine module
    # reads under vLLM's names (estimate/engines/sglang.py reads_options).
    "chunked_prefill_size": "max_num_batched_tokens",
    "max_running_requests": "max_num_seqs",
    "framework": "framework",
    "optimizer_impl": None,  # applied through `optimizer` in _training_fields
    "grad_accum": "gradient_accumulation",
    "offload_optimizer": "offload_optimizer",
    "offload_param": "offload_params",
    "ds_reduce_bucket": "ds_reduce_bucket",
    "liger": "liger",  # training configs' loss and attention kernels (training_kernels.py)
    "loss": "loss",
    "loss_chunks": "loss_chunks",
    "attention": "attention",
}


@dataclass
class Suggestion:
    change: str
    flags: dict[str, Any]
    memory_effect_bytes: int
    cost: str
    command: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "flags": self.flags,
            "memory_effect_bytes": self.memory_effect_bytes,
            "cost": self.cost,
            "command": self.command,
        }


@dataclass
class CheckResult:
    setup: Setup
    spec: ModelSpec
    workload: Workload
    gpu: GpuSpec
    row: FitRow
    estimate: Estimate | None = None  # of `workload`; None when the estimator declines it
    notes: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return self.row.fits

    def engine_figures(self) -> dict[str, Any]:
        r = self.row
        kv_needed = None
        if (r.kv_tokens is not None or r.kv_pool_bytes is not None) and self.estimate is not None:
            kv_needed = self.estimate.kv_cache_bytes
        ef = self.estimate.engine_figures if self.estimate is not None else None
        return {
            "kv_cache_tokens": r.kv_tokens,
            "kv_cache_tokens_note": r.kv_tokens_note,
            "max_concurrency": r.max_concurrency,
            "kv_cache_bytes_needed": kv_needed,
            "kv_cache_bytes_available": r.kv_pool_bytes,
            "gpu_layers": r.gpu_layers,
            "state_slots": r.state_slots,
            "state_pool_bytes": r.state_pool_bytes,
            "per_gpu_bytes": r.per_gpu_bytes,
            "usable_bytes": r.usable_bytes,
            # only ggml engines size a compute buffer (engines/llama_cpp_figures.py); elsewhere the field
            # keeps its default 0, which `check "vllm serve ..."` printed as "compute_buffer_bytes: 0.00
            # GiB" beside vLLM's real activation peak (issue 15, newcomer audit round 9): no figure, null
            "compute_buffer_bytes": (ef.compute_buffer_bytes or None) if ef is not None else None,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "fits": self.fits,
            "engine": self.workload.engine.value,
            "engine_version": self.setup.engine_version,
            "tool": self.setup.tool,
            "parsed": self.setup.parsed_list(),
            "ignored": self.setup.ignored,
            "unknown": self.setup.unknown,
            "reason": self.row.reason,
            "engine_figures": self.engine_figures(),
            "suggestions": [s.as_dict() for s in self.suggestions],
            "command": self.suggestions[0].command if self.suggestions else None,
            "notes": self.notes,
        }


def _speculative_fields(setup: Setup) -> dict[str, Any]:
    """--speculative and --num-speculative-tokens from each tool's own flags: vLLM's --speculative-config,
    SGLang's --speculative-algorithm / -draft-model-path / -num-steps, llama.cpp's -md / --spec-type."""
    from llmsize.preflight.serving_flags import spec_method

    out: dict[str, Any] = {}
    conf = setup.get("speculative_config") if "speculative_config" in setup.values else None
    method = setup.get("spec_algorithm") if "spec_algorithm" in setup.values else None
    draft = setup.get("draft_model") if "draft_model" in setup.values else None
    if isinstance(conf, dict):
        draft = conf.get("model") or draft
        if conf.get("method"):
            method = spec_method(conf["method"], "--speculative-config method")
        elif draft:
            method = "draft"
        if conf.get("num_speculative_tokens"):
            # values.integer, not int(): "x", [1], 1e400 (JSON's inf) were internal errors (issue 15, round 8)
            out["num_speculative_tokens"] = values.integer(
                conf["num_speculative_tokens"], "--speculative-config num_speculative_tokens"
            )
    if "spec_type" in setup.values and "mtp" in str(setup.get("spec_type")).lower():
        method = "mtp"
    if method is None and draft:
        method = "draft"
    if isinstance(draft, str) and draft.lower().endswith(".gguf"):
        from pathlib import Path

        from llmsize.local_path import exists_here

        if not exists_here(draft):  # a file on the serving host: sized from its name
            draft = Path(draft).name[: -len(".gguf")].removeprefix("ggml-")
    if method is not None:
        out["speculative"] = f"draft:{draft}" if method == "draft" and draft else method
    if "num_speculative_tokens" in setup.values and method is not None:
        out["num_speculative_tokens"] = setup.get("num_speculative_tokens")
    return out


def workload_from(
    setup: Setup, spec: ModelSpec, gpu: GpuSpec, num_gpus: int | None
) -> tuple[Workload, list[str]]:
    """The Workload the Setup describes, and notes on what had to be assumed."""
    notes: list[str] = []
    data: dict[str, Any] = {"engine": Engine(setup.engine)}
    if setup.tool in ("llamafactory", "axolotl", "trl"):
        _training_fields(setup, data)
    else:
        _serving_fields(setup, spec, gpu, data, notes)
    data.update(_speculative_fields(setup))
    unmodelled.move_to_ignored(setup)
    if setup.tool == "llama.cpp" and setup.get("hf_repo") and spec.vision is not None:
        # common/arg.cpp -hf: "mmproj is also downloaded automatically if available. to disable, add
        # --no-mmproj"; a vision-language repository ships one, and llama-server loads it.
        setup.default("mmproj", True, "llama.cpp -hf loads the repository's mmproj file (--no-mmproj)")
    for key, target in _WORKLOAD_FIELDS.items():
        if key not in setup.values:
            continue
        if target is None:
            if setup.values[key].source.startswith(("flag", "env")):
                notes.append(f"{setup.values[key].source} is read but this llmsize does not model it yet")
            continue
        data[target] = setup.get(key)
    model_parallel = int(data.get("tp", 1)) * int(data.get("pp", 1)) * int(data.get("data_parallel", 1))
    data["num_gpus"] = max(num_gpus or model_parallel, model_parallel)
    if setup.tool == "llama.cpp" and "pp" in data:  # llama-server runs one copy, on the GPUs -sm/-ts name
        data["num_gpus"] = model_parallel
    if data["num_gpus"] % model_parallel:
        dp = " x dp" if int(data.get("data_parallel", 1)) > 1 else ""
        raise BadInputError(
            f"--num-gpus {data['num_gpus']} is not a multiple of tp x pp{dp} ({model_parallel})"
        )
    try:
        return Workload.model_validate(data), notes
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ()))
        msg = str(first["msg"]).removeprefix("Value error, ")  # a model validator: the line says it all
        said = f"{_said_as(setup, loc)}: " if loc else ""
        raise BadInputError(f"the command asks for an impossible workload: {said}{msg}") from None


def _said_as(setup: Setup, field: str) -> str:
    """The flag, variable or training-config key that set Workload `field` (SGLang's --mem-fraction-static
    was reported as gpu_memory_utilization, Axolotl's chunked_cross_entropy_num_chunks as loss_chunks: names
    the user never wrote), else the field's own name."""
    keys = [k for k, target in _WORKLOAD_FIELDS.items() if target == field] + [field]
    if field == "gpu_memory_utilization":
        keys.append("mem_fraction_static")
    for key in keys:
        value = setup.values.get(key)
        if value is not None and (value.source.startswith(("flag", "env"))
                                  or (setup.config is not None and value.source.isidentifier())):
            return value.source  # a training config's source is the key as the user wrote it
    return field


def _serving_fields(
    setup: Setup, spec: ModelSpec, gpu: GpuSpec, data: dict[str, Any], notes: list[str]
) -> None:
    tool = setup.tool
    if tool in ("vllm", "sglang"):
        context = setup.get("context")
        auto = tool == "vllm" and context == vllm_auto_context.AUTO
        if auto:
            vllm_auto_context.check_release(setup.get("engine_release"))
        if context is None or auto:  # the length the engine derives from the config (with the overrides)
            from llmsize.estimate.engines import serving_context

            derive = (serving_context.vllm_derived_max_len if tool == "vllm"
                      else serving_context.sglang_derived_context_len)
            context = derive(spec)
            setup.set("context", context, (f"{vllm_auto_context.FLAG_SOURCE}: the length vLLM derives from "
                                           "config.json") if auto else
                      f"default ({tool}: the length it derives from config.json, "
                      "estimate/engines/serving_context.py)")
        data["context"] = context
        data["batch"] = 1
        for key in ("tp", "pp"):
            value = setup.get(key)
            if value is not None and int(value) < 1:  # `if value:` let 0 pass as the default 1 (issue 15)
                raise BadInputError(
                    f"{setup.values[key].source} asks for {value} GPUs per model copy; "
                    "vLLM and SGLang need 1 or more"
                )
            if value:
                data[key] = value
        if tool == "sglang" and setup.get("enable_dp_attention") and setup.get("dp"):
            # --enable-dp-attention: the --dp-size groups share the TP ranks (estimate/engines/
            # sglang_dp_attention.py); without it --dp-size runs whole replicas
            data["dp_attention"] = int(setup.get("dp"))
        if tool == "sglang" and setup.get("ep_size") is not None:
            _sglang_ep_size(setup, int(setup.get("tp") or 1), notes)
        if tool == "vllm" and setup.get("dp") is not None and int(setup.get("dp")) < 1:
            raise BadInputError(f"{setup.values['dp'].source} asks for {setup.get('dp')} data-parallel "
                                "engine cores; vLLM needs 1 or more")
        if tool == "vllm" and setup.get("dp"):
            # --data-parallel-size: engine cores whose MoE layers span tp x dp GPUs (estimate/engines/
            # vllm_expert_parallel.py); --enable-expert-parallel gives each GPU whole experts
            data["data_parallel"] = int(setup.get("dp"))
        if tool == "vllm" and setup.get("enable_expert_parallel"):
            data["expert_parallel"] = True
        util = setup.get("gpu_memory_utilization") if tool == "vllm" else setup.get("mem_fraction_static")
        if util is not None:
            data["gpu_memory_utilization"] = util
        elif tool == "vllm":
            setup.default("gpu_memory_utilization", 0.9, "vLLM CacheConfig.gpu_memory_utilization")
            data["gpu_memory_utilization"] = 0.9
    else:  # llama.cpp, ollama
        # llama-server -np auto (-1, its default) is sized as unset (serving_flags._slots); Ollama runs
        # max(OLLAMA_NUM_PARALLEL, 1) requests (server/sched.go)
        slots = setup.get("parallel")
        parallel = int(slots or 1) if slots != "auto" else 1
        if tool == "ollama":
            context = setup.get("context")
            if context is None:
                # The memory the engine module and `estimate --engine ollama` use for the same rule.
                context = default_context(driver_reported_bytes(gpu), int(setup.get("gpu_overhead") or 0))
                setup.set("context", context, "default (Ollama: by total VRAM, server/routes.go)")
            data["context"] = min(int(context), spec.max_position_embeddings) if context else 4096
        else:
            n_ctx = setup.get("n_ctx")
            if not n_ctx:
                n_ctx = spec.max_position_embeddings * parallel
                setup.set("n_ctx", n_ctx, "default (llama.cpp n_ctx 0: the model's trained context)")
            data["context"] = max(1, int(n_ctx) // parallel)
        data["batch"] = parallel
        if tool == "llama.cpp":
            from llmsize.preflight.llama_cpp_split import gpus_per_copy

            split = gpus_per_copy(setup, notes)
            if split is not None:  # the GPUs -sm/-ts name, as `plan` writes its layer split (emit.py)
                data["pp"] = split
        if tool == "llama.cpp":
            _cpu_experts(setup, spec)
        layers = setup.get("gpu_layers")
        # -ngl above the block count also offloads the output layer (llama-model.cpp load_tensors):
        # that is llmsize's "every layer" (no gpu_layers), not gpu_layers = the block count.
        if layers not in (None, "auto", "all", "-1") and int(layers) <= spec.num_layers:
            data["gpu_layers"] = max(0, int(layers))
    if tool in ("llama.cpp", "ollama"):
        from llmsize.preflight.llama_cpp_kv import kv_type

        kv = kv_type(setup)
    else:
        kv = setup.get("kv_cache_dtype")
    if kv is not None:
        if kv not in _KV_DTYPES:
            raise BadInputError(
                f"KV cache type {kv} is not one llmsize knows", hint="auto, fp8, f16, bf16, q8_0, q4_0"
            )
        data["kv_dtype"] = _KV_DTYPES[kv]
    dtype = setup.get("dtype")
    if dtype is not None:
        # vLLM and SGLang refuse a --dtype outside their choices (vllm/config/model.py ModelDType,
        # sglang server_args.py --dtype choices); it used to pass here silently as auto (issue 15).
        if str(dtype).lower() not in _DTYPES:
            raise BadInputError(f"--dtype {dtype!r} is not one the engines take", hint=", ".join(_DTYPES))
        data["dtype"] = _DTYPES[str(dtype).lower()]
    quant = setup.get("quant")
    if quant is not None:
        mapped = _QUANTS.get(str(quant).lower(), str(quant).lower())
        if mapped is not None:
            data["quant"] = mapped


def _cpu_experts(setup: Setup, spec: ModelSpec) -> None:
    """--cpu-moe and -ot as the --n-cpu-moe they amount to (preflight/llama_cpp_overrides.py); the most
    layers any of them keeps on the CPU (llama.cpp applies them all)."""
    from llmsize.preflight.llama_cpp_overrides import cpu_expert_layers

    counts = []
    if setup.get("n_cpu_moe") is not None:
        counts.append(int(setup.get("n_cpu_moe")))
    if setup.get("cpu_moe"):
        counts.append(spec.num_layers)
    ot = setup.values.pop("override_tensor", None)
    if ot is not None:
        n = cpu_expert_layers(str(ot.value), spec.num_layers)
        if n is None:
            setup.ignored.append(f"-ot {ot.value} (only whole experts of layers 0..N-1 on CPU are modelled)")
        else:
            counts.append(n)
    if counts and max(counts) != setup.get("n_cpu_moe"):
        cpu_moe = setup.get("cpu_moe") and max(counts) == spec.num_layers
        why = "--cpu-moe" if cpu_moe or ot is None else f"-ot {ot.value}"
        setup.set("n_cpu_moe", max(counts),
                  f"flag {why}: the experts of layers 0..{max(counts) - 1} on the CPU")


def _training_fields(setup: Setup, data: dict[str, Any]) -> None:
    for key in (
        "mode",
        "dtype",
        "context",
        "batch",
        "gradient_checkpointing",
        "activation_offloading",  # Axolotl (axolotl_offload.py)
        "optimizer",
        "lora_rank",
        "lora_dropout",  # Axolotl's lora_dropout (training_config._axolotl)
        "zero",
        "zero_impl",
    ):
        if key in setup.values:
            data[key] = setup.get(key)
    if setup.get("lora_targets") and setup.get("mode") in ("lora", "qlora"):
        data["lora_targets"] = tuple(
            t.strip() for t in str(setup.get("lora_targets")).split(",") if t.strip()
        )
    impl = setup.get("optimizer_impl")
    if impl is not None and str(impl) in {o.value for o in Optimizer}:
        data["optimizer"] = str(impl)  # the implementation (fused/foreach) moves the step's peak
    if data.get("mode") == "qlora" and data.get("dtype") == "fp32":
        data["dtype"] = "bf16"


def run_check(setup: Setup, gpu: GpuSpec, num_gpus: int | None = None) -> CheckResult:
    from llmsize.estimate.core import estimate
    from llmsize.hardware.plan import plan_fit_rows
    from llmsize.specs.resolve import resolve

    spec = resolve(_resolvable(setup), revision=setup.get("revision"), engine=setup.engine)
    overrides = setup.get("hf_overrides")
    if overrides:  # --hf-overrides / --json-model-override-args: the RoPE scaling the engine derives from
        from llmsize.errors import one_line
        from llmsize.preflight.config_overrides import unapplied, with_overrides

        spec = with_overrides(spec, overrides)
        left = unapplied(overrides)
        if left:
            more = f" and {len(left) - 5:,} more" if len(left) > 5 else ""
            shown = one_line(", ".join(left[:5]) + more, 200)
            setup.ignored.append(f"config override of {shown}: not applied (only RoPE scaling and "
                                 "max_position_embeddings are read; the estimate is of the unchanged config)")
    wl, notes = workload_from(setup, spec, gpu, num_gpus)
    if setup.tool == "vllm":  # a flag vLLM takes and ignores here (estimate/engines/vllm_all2all.py)
        from llmsize.estimate.engines import vllm_all2all

        if (ignored := vllm_all2all.ignored(spec, wl)) is not None:
            notes.append(ignored)
    _record_engine_defaults(setup, wl, gpu)
    planned = _replica(setup, wl, notes)
    row = plan_fit_rows(spec, planned, [gpu], planned.num_gpus)[0]
    asked = setup.values.get("context")
    if asked is not None and asked.source.startswith(vllm_auto_context.FLAG_SOURCE):
        fitted = vllm_auto_context.fitted(wl.context, row.max_context)
        if fitted != wl.context:  # vLLM's _auto_fit_max_model_len lowered it: size the run it starts
            setup.set("context", fitted, f"{vllm_auto_context.FLAG_SOURCE}: the longest one request of which "
                      f"fits the KV pool (the {wl.context:,} derived from config.json does not)")
            wl = wl.model_copy(update={"context": fitted})
            planned = _replica(setup, wl, notes)
            row = plan_fit_rows(spec, planned, [gpu], planned.num_gpus)[0]
        else:
            setup.set("context", wl.context, f"{vllm_auto_context.FLAG_SOURCE}: the length vLLM derives from "
                      "config.json, kept as one request of it fits the KV pool")
    _sglang_share(setup, row)
    if row.engine_version:
        modelled = f"{wl.engine.value} {row.engine_version}"
        setup.engine_version = f"{setup.engine_version}; memory modelled as {modelled}"
    try:
        whole = estimate(spec, wl)
    except BadInputError:
        whole = None
    result = CheckResult(setup, spec, wl, gpu, row, whole, notes)
    if not row.fits:
        result.suggestions = suggest(result)
    return result


def _sglang_share(setup: Setup, row: FitRow) -> None:
    """SGLang's default --mem-fraction-static depends on the card and the model (the engine module's
    `mem_fraction`, after sglang's memory_hook.py); it moves the KV pool most of all, and `check` never
    listed it among the defaults it assumed (issue 15, check audit). Shown as the engine's log states it."""
    if setup.tool != "sglang" or "mem_fraction_static" in setup.values:
        return
    for line in row.engine_log:
        if line.startswith("mem_fraction_static="):
            value = float(line.partition("=")[2])
            setup.default("mem_fraction_static", round(value, 4),
                          "SGLang's for this GPU and model: estimate/engines/sglang.py mem_fraction")
            return


def _sglang_ep_size(setup: Setup, tp: int, notes: list[str]) -> None:
    """SGLang --ep-size E groups the --tp-size ranks into E expert groups of tp / E ranks each
    (moe_ep_size x moe_tp_size = tp_size: `srt/runtime_context.py` derive_parallel_widths; the rank's
    moe_ep_rank = tp_rank // (tp_size // ep_size)): every GPU still holds 1 / tp of the experts' weights,
    so the per-GPU memory is the TP split's. It must divide the TP ranks."""
    ep = int(setup.get("ep_size"))
    if ep < 1 or tp % ep:
        raise BadInputError(
            f"{setup.values['ep_size'].source} asks for {ep} expert groups of the {tp} TP ranks; "
            "SGLang needs --ep-size to divide --tp-size",
            hint=f"use an --ep-size that divides {tp}",
        )
    if ep > 1:
        notes.append(f"--ep-size {ep}: whole experts over {ep} groups of the {tp} TP ranks, each expert "
                     f"split over {tp // ep}; every GPU holds 1/{tp} of the experts either way")


def _replica(setup: Setup, wl: Workload, notes: list[str]) -> Workload:
    """A training config with neither DeepSpeed ZeRO nor FSDP runs plain data parallel on N GPUs:
    LLaMA-Factory (`llamafactory-cli train` starts torchrun when more than one GPU is visible:
    cli.py), Axolotl and TRL (accelerate launch) put a whole replica on every rank
    (torch DistributedDataParallel), so each GPU must hold what one GPU would; the planner must
    not split the model into tensor or pipeline stages the tool never makes."""
    if setup.tool not in ("llamafactory", "axolotl", "trl") or wl.zero > 0 or setup.get("fsdp"):
        return wl
    if wl.num_gpus <= wl.tp * wl.pp:
        return wl
    notes.append(f"{wl.num_gpus} GPUs without ZeRO or FSDP: data parallel, every GPU holds a whole replica")
    return wl.model_copy(update={"num_gpus": wl.tp * wl.pp})


def _record_engine_defaults(setup: Setup, wl: Workload, gpu: GpuSpec) -> None:
    """Show in `parsed` the defaults the engine module picks for this GPU (their one home)."""
    from llmsize.estimate.engines.registry import engine_for

    engine = engine_for(wl)
    filled = engine.gpu_defaults(
        wl, driver_reported_bytes(gpu), gpu.name, gpu.architecture, gpu.segment, gpu.compute_units,
        gpu.interconnect.name if gpu.interconnect else "",
    )
    keys = (
        "max_num_seqs", "max_num_batched_tokens", "block_size", "mem_fraction_static", "ubatch",
        "cuda_graph_max_bs",
    )
    # a field the command set under the tool's own name (SGLang --chunked-prefill-size is the Workload's
    # max_num_batched_tokens) was listed a second time as a "default" (issue 15, check audit)
    said = {target for name, target in _WORKLOAD_FIELDS.items() if target and name in setup.values}
    for key in keys:
        value = getattr(filled, key, None)
        if value is not None and key not in setup.values and key not in said:
            setup.default(key, value, f"{engine.describe()}: {type(engine).__module__}.gpu_defaults")


def _resolvable(setup: Setup) -> str:
    """What to resolve: the model as given, or, for a GGUF file not on this machine (the command is
    for another host), its file name, whose quant type the name parser reads (Q4_K_M, ...)."""
    from pathlib import Path

    from llmsize.local_path import exists_here

    model = setup.model
    if setup.tool == "llama.cpp" and model.lower().endswith(".gguf") and not exists_here(model):
        setup.ignored.append(f"{model} is not on this machine: sized from its file name")
        # "ggml-" is the prefix of llama.cpp's old converter outputs (ggml-model-f16.gguf); it
        # names the file format, not the model (ggml-c4ai-command-r-plus-104b-q5_k_s.gguf).
        return Path(model).name[: -len(".gguf")].removeprefix("ggml-")
    hub = _ollama_hub_repo(setup)
    if (setup.tool == "llama.cpp" and setup.get("hf_repo")) or hub is not None:
        from llmsize.preflight.gguf_source import repo_file_type

        given = hub if hub is not None else str(setup.get("hf_repo"))
        repo, _, quant = given.partition(":")
        name = repo.split("/")[-1].removesuffix("-GGUF")
        if not name.strip():  # `-hf :` was "'-Q4_K_M' is not a model name (names never start with '-')"
            raise BadInputError(
                f"-hf {one_line(repr(given), 60)} names no repo", hint="write -hf ORG/NAME-GGUF[:QUANT]"
            )
        return f"{name}-{quant or repo_file_type(repo)}"
    if _foreign_path(model):
        # A config or command written on the training/serving host names a checkpoint folder
        # there (/vol/models/Meta-Llama-3.1-8B-Instruct-bnb-4bit); its last part names the model.
        setup.ignored.append(f"{model} is not on this machine: sized from its folder name")
        return Path(model).name
    return model


def _ollama_hub_repo(setup: Setup) -> str | None:
    """"ORG/NAME-GGUF[:QUANT]" of `ollama run hf.co/ORG/NAME-GGUF[:QUANT]` (or huggingface.co/...), the
    Hub GGUF form Ollama pulls, Q4_K_M when no tag names the file (huggingface.co/docs/hub/ollama);
    `plan` prints it for a model with no library tag. None for a library tag."""
    if setup.tool != "ollama":
        return None
    low = setup.model.lower()
    prefix = next((p for p in ("hf.co/", "huggingface.co/") if low.startswith(p)), None)
    return setup.model[len(prefix) :] if prefix else None


def _foreign_path(model: str) -> bool:
    """A filesystem path (not an `org/name` repo id) that does not exist here."""
    from pathlib import Path

    from llmsize.local_path import exists_here

    looks_like_path = model.startswith(("/", "./", "../", "~")) or model.count("/") >= 2
    return looks_like_path and bool(Path(model).name) and not exists_here(model)


Candidate = tuple[str, dict[str, Any], dict[str, Any], str]  # change, flags, workload update, cost


def suggest(result: CheckResult, limit: int = 6) -> list[Suggestion]:
    """The changes (one at a time) that make the run fit, least costly first."""
    from llmsize.hardware.plan import plan_fit_rows

    out: list[Suggestion] = []
    for change, flags, update, cost in _candidates(result):
        try:
            wl = Workload.model_validate({**result.workload.model_dump(), **update})
            wl = _replica(result.setup, wl, [])
            row = plan_fit_rows(result.spec, wl, [result.gpu], wl.num_gpus)[0]
        except (BadInputError, ValidationError):
            continue
        if row.fits:
            effect = row.per_gpu_bytes - result.row.per_gpu_bytes
            command = rewrite.apply(result.setup, flags) if flags else None  # {}: another download
            out.append(Suggestion(change, flags, effect, cost, command))
        if len(out) >= limit:
            break
    return out


def _candidates(result: CheckResult) -> list[Candidate]:
    makers: dict[str, Callable[[CheckResult], list[Candidate]]] = {
        "vllm": _serving_candidates,
        "sglang": _serving_candidates,
        "llama.cpp": _gguf_candidates,
        "ollama": _gguf_candidates,
        "llamafactory": _training_candidates,
        "axolotl": _training_candidates,
        "trl": _training_candidates,
    }
    return makers[result.setup.tool](result)


def _shorter_context(result: CheckResult) -> list[Candidate]:
    best = result.row.max_context
    wl = result.workload
    if not best or best >= wl.context:
        return []
    tool = result.setup.tool
    step = 256 if tool in ("llama.cpp", "ollama") else 1024
    ctx = max(step, best // step * step)
    flag = {
        "vllm": "--max-model-len",
        "sglang": "--context-length",
        "llama.cpp": "-c",
        "ollama": "OLLAMA_CONTEXT_LENGTH",
    }.get(tool, "context")
    value = ctx * wl.batch if tool == "llama.cpp" else ctx
    return [
        (
            f"shorter context: {ctx:,} tokens per sequence",
            {flag: value},
            {"context": ctx},
            f"prompts + outputs longer than {ctx:,} tokens are refused ({wl.context:,} asked)",
        )
    ]


def _serving_candidates(result: CheckResult) -> list[Candidate]:
    wl = result.workload
    tool = result.setup.tool
    out = _shorter_context(result)
    if wl.kv_dtype is None or wl.kv_dtype not in ("fp8",):
        out.append(
            (
                "FP8 KV cache",
                {"--kv-cache-dtype": "fp8"},
                {"kv_dtype": "fp8"},
                "half the KV memory; small accuracy loss on long contexts",
            )
        )
    tp_flag = "--tensor-parallel-size" if tool == "vllm" else "--tp-size"
    for tp in (wl.tp * 2, wl.tp * 4, wl.tp * 8):
        if tp <= 8:
            out.append(
                (
                    f"tensor parallelism over {tp} GPUs",
                    {tp_flag: tp},
                    {"tp": tp, "num_gpus": tp * wl.pp},
                    f"{tp // wl.tp}x the GPUs; all-reduce per layer",
                )
            )
    if tool == "vllm" and wl.gpu_memory_utilization < 0.95:
        out.append(
            (
                "give vLLM 95% of the card",
                {"--gpu-memory-utilization": 0.95},
                {"gpu_memory_utilization": 0.95},
                "nothing else can share the GPU",
            )
        )
    if tool == "vllm" and wl.gpu_memory_utilization > 0.95:
        # vLLM 0.19 captures CUDA graphs after its KV pool, outside the budget (vllm_post_kv.py)
        out.append(
            (
                "leave 5% of the card outside vLLM's budget",
                {"--gpu-memory-utilization": 0.95},
                {"gpu_memory_utilization": 0.95},
                "a smaller KV cache; the CUDA graphs are captured in the 5% left outside",
            )
        )
    if tool == "vllm" and not wl.enforce_eager:
        out.append(
            (
                "no CUDA graphs (--enforce-eager)",
                {"--enforce-eager": True},
                {"enforce_eager": True},
                "slower decode: every layer's kernels are launched from Python",
            )
        )
    if wl.quant is None:
        out.append(
            (
                "an FP8 checkpoint (or --quantization fp8)",
                {"--quantization": "fp8"},
                {"quant": "fp8"},
                "about half the weight memory; needs FP8 support (Ada, Hopper, Blackwell) for speed",
            )
        )
        # A download, not a flag: vLLM's --quantization awq on other weights fails (a checkpoint naming
        # another method: ModelConfig._verify_quantization "... does not match the quantization method
        # specified in the `quantization` argument"; an unquantized one: weight_utils.get_quant_config
        # "Cannot find the config file for awq", AWQConfig reads quant_config.json / quantize_config.json).
        # fp8 above has no config file (Fp8Config.get_config_filenames is []): it quantizes as it loads.
        out.append(
            (
                "an AWQ 4-bit checkpoint of the model",
                {},
                {"quant": "awq"},
                "about a quarter of the weight memory; some quality loss; serve its repo in place of this "
                "one (the engine reads the format from its config; --quantization awq cannot convert "
                "these weights)",
            )
        )
    return out


def _gguf_candidates(result: CheckResult) -> list[Candidate]:
    wl = result.workload
    tool = result.setup.tool
    out = _shorter_context(result)
    if wl.kv_dtype in (None, "fp16", "bf16", "fp32"):
        flags: dict[str, Any] = (
            {"-ctk": "q8_0", "-ctv": "q8_0", "-fa": "on"}
            if tool == "llama.cpp"
            else {"OLLAMA_KV_CACHE_TYPE": "q8_0", "OLLAMA_FLASH_ATTENTION": "1"}
        )
        out.append(
            (
                "q8_0 KV cache (needs flash attention)",
                flags,
                {"kv_dtype": "q8_0"},
                "about half the KV memory; negligible quality loss",
            )
        )
    layers = result.row.gpu_layers
    total = result.row.total_layers or result.spec.num_layers
    out += _cpu_moe_candidate(result, total)
    if tool == "llama.cpp" and layers is not None and layers < total:
        out.append(
            (
                f"offload: {layers} of {total} layers on the GPU",
                {"-ngl": layers},
                {"gpu_layers": layers},
                f"{total - layers} layers run from host RAM at CPU memory speed: decode slows down",
            )
        )
    if wl.batch > 1:
        flag = "-np" if tool == "llama.cpp" else "OLLAMA_NUM_PARALLEL"
        out.append(
            ("one sequence at a time", {flag: 1}, {"batch": 1}, "requests queue instead of running together")
        )
    if wl.quant is None or str(wl.quant).upper() not in ("Q4_K_M", "Q4_0", "IQ4_XS", "Q3_K_M"):
        out.append(
            (
                "a Q4_K_M GGUF",
                {"model": "Q4_K_M"},
                {"quant": "Q4_K_M"},
                "about 4.8 bits per weight; small quality loss",
            )
        )
    return out


def _cpu_moe_candidate(result: CheckResult, total: int) -> list[Candidate]:
    """A MoE over one llama.cpp GPU: the fit row's --n-cpu-moe count (hardware/planner.py _with_cpu_moe),
    before whole layers: llama-server's default --fit moves experts first and keeps the dense weights on
    the GPU (ggml-org/llama.cpp tools/fit-params/README.md); only the experts a token picks are read from
    host RAM. Ollama has no such setting (its runner splits whole layers)."""
    n = result.row.cpu_moe_layers
    if result.setup.tool != "llama.cpp" or n is None:
        return []
    host = result.row.cpu_moe_host_bytes
    ram = f" ({format_gib(host)} of host RAM in all)" if host is not None else ""
    tokens = result.row.cpu_moe_decode_tokens_per_s
    speed = f", ~{tokens:.0f} tokens/s" if tokens is not None else ""
    return [
        (
            f"the experts of {n} of {total} layers in CPU RAM",
            {"--n-cpu-moe": n},
            {"n_cpu_moe": n},
            f"only the experts a token picks are read from host RAM{ram}{speed}",
        )
    ]


def _training_candidates(result: CheckResult) -> list[Candidate]:
    wl = result.workload
    out: list[Candidate] = []
    if not recipe(wl).gradient_checkpointing:
        out.append(
            (
                "gradient checkpointing",
                {"gradient_checkpointing": True},
                {"gradient_checkpointing": True},
                "about 30% slower steps (the forward runs twice)",
            )
        )
    b = wl.batch
    while b > 1:
        b //= 2
        out.append(
            (
                f"micro-batch {b}",
                {
                    "per_device_train_batch_size": b,
                    "gradient_accumulation_steps": (result.setup.get("grad_accum") or 1) * (wl.batch // b),
                },
                {"batch": b},
                "same effective batch through gradient accumulation; slower steps",
            )
        )
    if recipe(wl).optimizer.is_adamw_torch:
        out.append(
            (
                "8-bit AdamW",
                {"optim": "adamw_bnb_8bit"},
                {"optimizer": "adamw-8bit"},
                "optimizer states in 8 bits (bitsandbytes); training quality about the same",
            )
        )
    if wl.num_gpus > 1 and wl.zero < 3:
        out.append(
            (
                "DeepSpeed ZeRO-3",
                {"deepspeed": "zero3"},
                {"zero": 3},
                "parameters, gradients and states sharded; more communication",
            )
        )
    for gpus in (2, 4, 8):
        if gpus > wl.num_gpus:
            out.append(
                (
                    f"ZeRO-3 over {gpus} GPUs",
                    {"deepspeed": "zero3", "num_gpus": gpus},
                    {"zero": 3, "num_gpus": gpus * wl.tp * wl.pp},
                    f"{gpus}x the GPUs; parameters, gradients and states sharded across them",
                )
            )
    if wl.mode.value == "lora":
        out.append(
            (
                "QLoRA (4-bit base weights)",
                {"quantization_bit": 4},
                {"mode": "qlora"},
                "base weights in NF4; slower steps, slight quality loss",
            )
        )
    if wl.mode.value == "full":
        out.append(
            (
                "LoRA instead of full fine-tuning",
                {"finetuning_type": "lora"},
                {"mode": "lora"},
                "trains adapters only; different results than full fine-tuning",
            )
        )
    out.extend(_shorter_context(result))
    return out


def parse_env(pairs: Sequence[str]) -> dict[str, str]:
    """`--env NAME=value` pairs."""
    env: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name:
            raise BadInputError(f"--env {pair!r} is not NAME=value")
        env[name] = value
    return env
