"""measure(spec, workload, device) -> Measurement: the estimate's components, observed.

Three devices:
- `trace`: the real Hugging Face model under FakeTensorMode + MemTracker (`tracer.py`): exact
  allocation accounting, no memory used, any model size, any machine.
- `cpu`: really allocates and runs (`real_run.py`); tensor bytes from MemTracker, plus the
  process's resident-set growth.
- `cuda`: really allocates and runs on the current GPU; `max_memory_allocated`,
  `max_memory_reserved`, NVML's view of the process, the CUDA context of an empty process, and
  prefill / decode timings.

The model is always built from its config.json with random weights; nothing is downloaded.
A workload that cannot fit the real device is refused before anything is allocated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmsize.errors import BadInputError, ConfigError, MissingExtraError, NothingFitsError
from llmsize.estimate.result import COMPONENTS, Estimate
from llmsize.estimate.workload import Engine, Mode, Workload
from llmsize.measure import cuda_probe, environment
from llmsize.measure.models import (
    DEVICES,
    CudaStats,
    Measurement,
    Outcome,
    PhasePeak,
    ProgressFn,
    no_progress,
)
from llmsize.specs.models import ModelSpec, ProvenanceKind, QuantMethod

INSTALL_HINT = 'pip install "llmsize[measure]"'


def require_torch() -> None:
    """MissingExtraError (exit 2) with the install line when torch or transformers is missing."""
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(
            f"llmsize measure needs torch and transformers: {INSTALL_HINT}",
            hint="the estimate itself (llmsize estimate) works without them",
        ) from exc


# ----------------------------------------------------------------------------------- inputs


def refuse_unsizable(est: Estimate) -> None:
    """BadInputError when torch could not even size the workload's tensors (RuntimeError: overflowed);
    the CLI asks before importing torch, which alone takes seconds (issue 15: bad input in under 2 s)."""
    if est.total_bytes >= TORCH_MAX_BYTES:
        raise BadInputError(
            f"the workload needs {est.total_bytes / 2**30:,.0f} GiB by the estimate: torch cannot size "
            "tensors that large, so it cannot be measured or traced",
            hint="lower --batch or --context",
        )


def measurable_workload(wl: Workload) -> tuple[Workload, tuple[str, ...]]:
    """The workload the harness runs, with the one default it has to pin, or BadInputError.

    The harness is one process on one device running transformers and torch AdamW in pure
    precision. A workload left at "master weights: default" is pinned to no master copy (and the
    estimate is made for the same workload); one that asks for something else is refused.
    """
    notes: list[str] = []
    if wl.num_gpus != 1 or wl.tp != 1 or wl.pp != 1 or wl.zero:
        raise BadInputError(
            "the harness measures one device: --num-gpus, --tp, --pp and --zero must stay at 1/0"
        )
    if wl.engine is not Engine.TRANSFORMERS:
        raise BadInputError(
            f"the harness runs Hugging Face transformers, not {wl.engine}",
            hint="drop --engine to measure the transformers workload",
        )
    from llmsize.estimate.frameworks import recipe

    rc = recipe(wl)
    if wl.mode.trains and not rc.optimizer.is_adamw_torch:
        raise BadInputError(
            f"the harness trains with torch AdamW (fused or foreach) only, not {rc.optimizer}",
            hint="pass --optimizer adamw-fused or adamw-foreach",
        )
    if wl.mode.trains and (
        rc.activation_offloading or rc.optimizer_in_backward or wl.gradient_accumulation > 1
    ):
        raise BadInputError(
            "the harness runs one micro-batch, steps after backward and offloads nothing",
            hint="pass --no-activation-offloading --no-optimizer-in-backward --grad-accum 1",
        )
    if wl.mode.trains_all_weights:
        if wl.master_weights:
            raise BadInputError(
                "the harness trains in pure precision (AdamW on the model's own weights); it keeps no "
                "fp32 master copy",
                hint="pass --no-master-weights, or --dtype fp32",
            )
        if wl.master_weights is None:
            wl = wl.model_copy(update={"master_weights": False})
            notes.append("training in pure precision: no fp32 master copy (the estimate assumes the same)")
    if wl.kv_dtype is not None and wl.dtype is not None and str(wl.kv_dtype) != str(wl.dtype):
        raise BadInputError(
            "transformers keeps the KV cache in the compute dtype; --kv-dtype cannot differ",
            hint="drop --kv-dtype",
        )
    return wl, tuple(notes)


def compute_dtype_for(spec: ModelSpec, wl: Workload) -> str:
    """The dtype the model is built and run in: the estimator's compute dtype, if it is a float one.

    Quantized weight formats cannot be built from a config (the weights are random), so they are
    refused, except QLoRA's NF4 base, which the harness quantizes itself on CUDA.
    """
    from llmsize.estimate.weights import compute_dtype, effective_format

    fmt, _ = effective_format(spec, wl)
    if fmt.quant is not None and not (wl.mode is Mode.QLORA and fmt.quant == QuantMethod.BNB_NF4):
        raise BadInputError(
            f"the harness builds float weights from config.json and cannot measure {fmt.label()} weights",
            hint="pass --quant none to measure the float model, or use the base model's name",
        )
    dtype = compute_dtype(spec, wl, fmt)
    if dtype not in ("fp32", "fp16", "bf16"):
        raise BadInputError(
            f"the harness runs models in fp32, fp16 or bf16, not {dtype}", hint="pass --dtype bf16"
        )
    return dtype


def model_config(spec: ModelSpec) -> dict[str, Any]:
    """The config.json a spec was made from: bundled catalog entry, cached Hub answer or local file."""
    from llmsize.specs import cache, catalog
    from llmsize.specs.local import read_config_json

    kind = spec.provenance.kind
    if kind is ProvenanceKind.CATALOG:
        for name in (spec.name, spec.hf_repo):
            found = catalog.find(name) if name else None
            if found is not None:
                return dict(found[0].model.config)
    elif kind in (ProvenanceKind.HUB, ProvenanceKind.CACHE):
        repo = spec.hf_repo or spec.provenance.source
        for revision in (spec.provenance.revision, None):
            cached = cache.load(repo, revision)
            if cached is not None:
                return dict(cached.snapshot.config)
    elif kind is ProvenanceKind.LOCAL:
        path = Path(spec.provenance.source)
        return read_config_json(path / "config.json" if path.is_dir() else path)
    elif kind is ProvenanceKind.GGUF:
        raise BadInputError(
            "the harness builds transformers models from config.json; a GGUF file has none",
            hint="measure the Hugging Face checkpoint it was converted from",
        )
    elif kind is ProvenanceKind.APPROXIMATE:
        raise BadInputError(
            f"{spec.name} is only approximated from its name; the harness needs a real config.json",
            hint="pass a Hugging Face repo id, a local folder or config.json, or a catalog model",
        )
    raise ConfigError(
        f"cannot find the config.json behind {spec.name} ({spec.provenance.describe()})",
        hint="pass the model's folder or config.json",
    )


def float_config(config: dict[str, Any]) -> dict[str, Any]:
    """The config without its `quantization_config`: the harness builds float weights (random values
    cannot be a quantized checkpoint); QLoRA's NF4 is applied by the harness itself."""
    return {k: v for k, v in config.items() if k != "quantization_config"}


def source_for_remote_code(spec: ModelSpec) -> str | None:
    """Where transformers may load repository code from: a local folder or the Hub repo id."""
    if spec.provenance.kind is ProvenanceKind.LOCAL:
        path = Path(spec.provenance.source)
        return str(path if path.is_dir() else path.parent)
    return spec.hf_repo


# ----------------------------------------------------------------------------------- fit check


def available_ram_bytes() -> int:
    """Memory the OS can give this process without swapping (psutil, else /proc/meminfo MemAvailable)."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def needed_bytes(est: Estimate) -> int:
    """What the run will allocate: the estimate without its CUDA-context overhead."""
    return est.total_bytes - est.overhead_bytes


def refuse_if_too_big(est: Estimate, available: int, where: str) -> None:
    """NothingFitsError before anything is allocated when the estimate exceeds `available`."""
    message = cuda_probe.refusal_message(needed_bytes(est), available, where)
    if message:
        raise NothingFitsError(
            message, hint="use --device trace (no memory), fewer --layers, or a smaller --context/--batch"
        )


# ----------------------------------------------------------------------------------- measure


# torch computes a storage's bytes in int64 (c10 computeStorageNbytes raises "Storage size calculation
# overflowed"); a workload whose estimate reaches 2^62 bytes has tensors near that limit (issue 15).
TORCH_MAX_BYTES = 1 << 62


def measure(
    spec: ModelSpec,
    wl: Workload,
    device: str,
    progress: ProgressFn | None = None,
    *,
    config: dict[str, Any] | None = None,
    est: Estimate | None = None,
    trust_remote_code: bool = False,
    check_fit: bool = True,
) -> Measurement:
    """Run `wl` on the model of `spec` on `device` and return its components at the peak.

    `config` is the config.json dict to build (default: the one the spec came from); `est` the
    estimate to check the fit with (default: computed here).
    """
    if device not in DEVICES:
        raise BadInputError(f"unknown device {device!r}", hint=f"use one of {', '.join(DEVICES)}")
    require_torch()
    progress = progress or no_progress
    wl, notes = measurable_workload(wl)
    dtype = compute_dtype_for(spec, wl)
    if config is None:
        config = model_config(spec)
    config = float_config(config)
    if est is None:
        from llmsize.estimate.core import estimate

        est = estimate(spec, wl)
    refuse_unsizable(est)
    if device == "trace":
        return _measure_trace(config, wl, dtype, notes, progress, trust_remote_code)
    return _measure_real(spec, config, wl, device, dtype, est, notes, progress, trust_remote_code, check_fit)


def _measure_trace(
    config: dict[str, Any],
    wl: Workload,
    dtype: str,
    notes: tuple[str, ...],
    progress: ProgressFn,
    trust_remote_code: bool,
) -> Measurement:
    from llmsize.measure.tracer import trace

    if config.get("auto_map") and trust_remote_code:
        raise BadInputError(
            "the tracer builds built-in transformers architectures only",
            hint="measure repository-code models with --device cpu or cuda",
        )
    if wl.mode is Mode.QLORA:
        raise BadInputError(
            "QLoRA runs bitsandbytes CUDA kernels, which the tracer cannot run",
            hint="use --device cuda with bitsandbytes installed, or --mode lora to trace the adapters",
        )
    progress("tracing", 0, 0)
    try:
        tr = trace(config, wl, dtype=dtype)
    except RuntimeError as err:
        if "overflow" not in str(err).lower():
            raise
        raise BadInputError(f"torch cannot size this workload's tensors ({str(err).splitlines()[0][:120]})",
                            hint="lower --batch or --context") from None
    progress("tracing", 1, 1)
    adapters = tr.trainable_params_bytes if wl.mode is Mode.LORA else 0
    weights = tr.params_bytes + tr.buffers_bytes - adapters
    return Measurement(
        device="trace",
        weights_bytes=weights,
        kv_cache_bytes=tr.kv_cache_bytes,
        activations_bytes=max(0, tr.activations_bytes),
        gradients_bytes=tr.gradients_bytes,
        optimizer_bytes=tr.optimizer_bytes,
        adapters_bytes=adapters,
        overhead_bytes=0,
        peak_bytes=tr.peak_bytes,
        peak_phase=tr.peak_phase,
        phases=tuple(PhasePeak(phase=p.phase, peak_bytes=p.peak_bytes) for p in tr.phases),
        not_measured=("overhead",),
        num_layers=tr.num_layers,
        attn_implementation=tr.attn_implementation,
        dtype=dtype,
        environment=environment.collect("trace"),
        notes=(
            *notes,
            "trace: exact tensor bytes under FakeTensorMode; SDPA modelled as the fused GPU kernel",
        ),
    )


def _measure_real(
    spec: ModelSpec,
    config: dict[str, Any],
    wl: Workload,
    device: str,
    dtype_name: str,
    est: Estimate,
    notes: tuple[str, ...],
    progress: ProgressFn,
    trust_remote_code: bool,
    check_fit: bool,
) -> Measurement:
    from llmsize.measure import real_run
    from llmsize.measure.build_model import torch_dtype

    dtype = torch_dtype(dtype_name)
    cuda_dev: cuda_probe.CudaDevice | None = None
    context: tuple[int | None, str] = (None, "")
    if device == "cuda":
        cuda_dev = _open_cuda()
        if check_fit:
            refuse_if_too_big(est, cuda_dev.free_bytes, f"{cuda_dev.name} (cuda:{cuda_dev.index})")
        progress("measuring the CUDA context", 0, 0)
        context = cuda_probe.measure_context_bytes(cuda_dev)
    elif check_fit:
        refuse_if_too_big(est, available_ram_bytes(), "this machine's RAM")
    if wl.mode is Mode.QLORA and device != "cuda":
        raise BadInputError(
            "QLoRA needs bitsandbytes on a CUDA GPU", hint="use --device cuda, or --mode lora"
        )
    rss_before = real_run.rss_bytes()
    source = source_for_remote_code(spec) if trust_remote_code else None
    try:
        with real_run.cpu_attention_model(device, wl.mode.trains), real_run.oom_as_result(device):
            progress("building the model (random weights)", 0, 0)
            model = real_run.build_model(
                config, wl, dtype, device, trust_remote_code=trust_remote_code, source=source
            )
            runner = real_run.run_training if wl.mode.trains else real_run.run_inference
            run = runner(model, wl, device, progress)
            del model
    except real_run.OutOfMemory as oom:
        assert cuda_dev is not None  # OutOfMemory is raised on CUDA only
        return _oom_measurement(est, wl, dtype_name, oom, cuda_dev, context, notes)
    env = environment.collect(
        device,
        device_name=cuda_dev.name if cuda_dev else None,
        driver=cuda_dev.driver() if cuda_dev else None,
    )
    cuda_stats = None
    overhead = 0
    not_measured: tuple[str, ...] = ("overhead",)
    if cuda_dev is not None:
        process = cuda_dev.process_bytes()
        cuda_stats = CudaStats(
            max_allocated_bytes=run.max_allocated_bytes,
            max_reserved_bytes=run.max_reserved_bytes,
            process_bytes=process,
            context_bytes=context[0],
            context_source=context[1],
            device_total_bytes=cuda_dev.total_bytes,
            device_free_bytes_at_start=cuda_dev.free_bytes,
        )
        overhead, not_measured = _cuda_overhead(run.peak_bytes, run.max_reserved_bytes, process, context[0])
    kinds = (
        run.weights_bytes
        + run.adapters_bytes
        + run.kv_cache_bytes
        + run.gradients_bytes
        + run.optimizer_bytes
    )
    extra = list(run.notes)
    if device == "cpu":
        kernel = (
            "torch's CPU SDPA kernel" if wl.mode.trains else "SDPA allocating as the fused GPU kernel does"
        )
        extra.append(f"cpu: tensor bytes from MemTracker; {kernel}")
    return Measurement(
        device=device,
        weights_bytes=run.weights_bytes,
        kv_cache_bytes=run.kv_cache_bytes,
        activations_bytes=max(0, run.peak_bytes - kinds),
        gradients_bytes=run.gradients_bytes,
        optimizer_bytes=run.optimizer_bytes,
        adapters_bytes=run.adapters_bytes,
        overhead_bytes=overhead,
        peak_bytes=run.peak_bytes,
        peak_phase=run.peak_phase,
        phases=tuple(run.phases),
        not_measured=not_measured,
        num_layers=run.num_layers,
        attn_implementation=run.attn_implementation,
        dtype=dtype_name,
        cuda=cuda_stats,
        cpu=real_run.cpu_stats(rss_before) if device == "cpu" else None,
        timings=run.timings,
        environment=env,
        notes=(*notes, *extra),
    )


def _open_cuda() -> cuda_probe.CudaDevice:
    import torch

    if not torch.cuda.is_available():
        raise BadInputError("torch sees no CUDA device", hint="use --device cpu or --device trace")
    return cuda_probe.open_device()


def _cuda_overhead(
    peak: int, reserved: int, process: int | None, context: int | None
) -> tuple[int, tuple[str, ...]]:
    """What the process holds beyond the tensor peak: NVML's view, else context + allocator cache."""
    if process is not None:
        return max(0, process - peak), ()
    if context is not None:
        return context + max(0, reserved - peak), ()
    return max(0, reserved - peak), ()


def _oom_measurement(
    est: Estimate,
    wl: Workload,
    dtype: str,
    oom: Any,
    dev: cuda_probe.CudaDevice,
    context: tuple[int | None, str],
    notes: tuple[str, ...],
) -> Measurement:
    message = cuda_probe.oom_message(est.total_bytes, dev.total_bytes, dev.free_bytes, oom.allocated_bytes)
    return Measurement(
        device="cuda",
        weights_bytes=0,
        kv_cache_bytes=0,
        activations_bytes=0,
        gradients_bytes=0,
        optimizer_bytes=0,
        adapters_bytes=0,
        overhead_bytes=0,
        peak_bytes=oom.allocated_bytes,
        peak_phase=oom.phase,
        not_measured=COMPONENTS,
        num_layers=0,
        dtype=dtype,
        cuda=CudaStats(
            max_allocated_bytes=oom.allocated_bytes,
            max_reserved_bytes=oom.reserved_bytes,
            process_bytes=None,
            context_bytes=context[0],
            context_source=context[1],
            device_total_bytes=dev.total_bytes,
            device_free_bytes_at_start=dev.free_bytes,
        ),
        outcome=Outcome(status="oom", message=message),
        environment=environment.collect("cuda", device_name=dev.name, driver=dev.driver()),
        notes=(*notes, "peak is what was allocated when the run failed: a lower bound"),
    )
