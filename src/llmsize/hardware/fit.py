"""Fit arithmetic: does one Estimate (per GPU) fit a GPU, with how much headroom, and if not, why.

Pure arithmetic on an Estimate and a GpuSpec; the planner (planner.py) decides layouts and limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import engine_for
from llmsize.estimate.result import COMPONENTS, Estimate
from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.fit_models import FitRow
from llmsize.hardware.gpus import GpuSpec
from llmsize.units import format_gib

if TYPE_CHECKING:  # only a type here: the speed model is not imported by sizes-only plans (issue 15)
    from llmsize.hardware.speed_records import SpeedEstimate


def visible_memory_bytes(gpu: GpuSpec) -> int:
    """The memory the driver reports (what engines budget from), or the GPU's share of unified memory.

    The catalog's `memory_bytes` is the driver's total where it records one (memory.driver_mib:
    79.22 GiB on an H100 80GB, not the 80 GB on the box), else the vendor's figure.
    """
    return gpu.usable_memory_bytes


def usable_bytes(gpu: GpuSpec, engine: Engine | str = Engine.TRANSFORMERS,
                 gpu_memory_utilization: float = 0.9) -> int:
    """Memory one GPU offers a workload as its engine budgets it (vLLM: its utilization share)."""
    wl = Workload(engine=Engine(engine), gpu_memory_utilization=gpu_memory_utilization)
    return workload_usable_bytes(gpu, wl)


def workload_usable_bytes(gpu: GpuSpec, wl: Workload) -> int:
    """What the workload's engine offers of `gpu`, whatever the model (an empty estimate's budget)."""
    probe = Estimate(weights_bytes=0, kv_cache_bytes=0, activations_bytes=0, gradients_bytes=0,
                     optimizer_bytes=0, adapters_bytes=0, overhead_bytes=0, params=0, active_params=0)
    return engine_for(wl).budget(probe, visible_memory_bytes(gpu), wl).usable_bytes


def largest_component(est: Estimate) -> tuple[str, int]:
    """(name, bytes) of the biggest component of an estimate."""
    sizes = est.memory_dict()
    name = max(COMPONENTS, key=lambda c: sizes[c])
    return name, sizes[name]


def fit_reason(
    est: Estimate, usable: int, gpu_id: str, count: int = 1, need: int | None = None
) -> str | None:
    """None when it fits; otherwise one sentence naming what is too large."""
    need = est.total_bytes if need is None else need
    if need <= usable:
        return None
    name, size = largest_component(est)
    where = f"{count}x {gpu_id}" if count > 1 else gpu_id
    head = f"needs {format_gib(need)} per GPU but {where} offers {format_gib(usable)} each"
    words, plural = _COMPONENT_WORDS.get(name, (name, True))
    if size > usable:
        return f"{head}; {words} alone take{'' if plural else 's'} {format_gib(size)}"
    return f"{head}; the largest part is {words} ({format_gib(size)}, {size / need:.0%})"


# A component's name in a sentence, and whether it takes a plural verb: "kv_cache alone take 144.00 GiB"
# printed the JSON key (issue 15, newcomer round 20); the table's rows say "KV cache", "optimizer states".
_COMPONENT_WORDS: dict[str, tuple[str, bool]] = {
    "kv_cache": ("the KV cache", False),
    "optimizer": ("the optimizer states", True),
    "adapters": ("the LoRA adapters", True),
    "overhead": ("the runtime overhead", False),
}


def plan_cost(gpu: GpuSpec, count: int, tokens_per_s: float | None) -> tuple[float | None, float | None]:
    """($/hour for `count` GPUs, $ per million output tokens at `tokens_per_s`) from the GPU's price.

    A price is a dated fact from the catalog or --price-per-hour; with none, both are None.
    """
    if gpu.price is None or gpu.price.usd_per_hour is None:
        return None, None
    per_hour = gpu.price.usd_per_hour * count
    if not tokens_per_s:
        return per_hour, None
    return per_hour, per_hour / (tokens_per_s * 3600) * 1e6


def fit(
    est: Estimate,
    gpu: GpuSpec,
    count: int = 1,
    *,
    engine: Engine | str = Engine.TRANSFORMERS,
    gpu_memory_utilization: float = 0.9,
    tp: int = 1,
    pp: int = 1,
    dp: int = 1,
    max_context: int | None = None,
    max_batch: int | None = None,
    speed: SpeedEstimate | None = None,
    max_concurrent_seqs: int | None = None,
    gpu_layers: int | None = None,
    total_layers: int | None = None,
    warnings: tuple[str, ...] = (),
    host_bytes: int | None = None,
    wl: Workload | None = None,
    offloaded: bool = False,
    offload_host_bytes: int | None = None,
) -> FitRow:
    """One FitRow: `est` is the busiest GPU's peak, checked against what `gpu` offers as the
    workload's engine budgets it (its module's `budget`). `offloaded`: the engine runs the model anyway
    with layers in CPU RAM (Ollama), so `speed` (of that split) is reported although it does not fit;
    `offload_host_bytes` is the host RAM of that split (its own estimate's engine figures)."""
    if wl is None:
        wl = Workload(engine=Engine(engine), gpu_memory_utilization=gpu_memory_utilization)
    eng = engine_for(wl)
    b = eng.budget(est, visible_memory_bytes(gpu), wl, unified=gpu.host_ram_in_budget)
    usable = b.usable_bytes
    fits = b.fits
    reason = None if fits else (b.reason or fit_reason(est, usable, gpu.id, count, b.need_bytes))
    figs = est.engine_figures
    shown = speed if fits or offloaded else None
    tokens = (shown.aggregate_tokens_per_s or shown.decode_tokens_per_s) if shown else None
    per_hour, per_mtok = plan_cost(gpu, count, tokens)
    price = gpu.price
    host = (figs.host_bytes or None) if figs is not None else host_bytes
    return FitRow(
        gpu=gpu.id,
        count=count,
        fits=fits,
        per_gpu_bytes=b.need_bytes,
        headroom_bytes=b.headroom_bytes,
        max_context=max_context,
        decode_tokens_per_s=shown.decode_tokens_per_s if shown else None,
        ttft_s=shown.ttft_s if shown else None,
        tp=tp,
        pp=pp,
        dp=dp,
        reason=reason,
        usable_bytes=usable,
        engine=wl.engine.value,
        max_batch=max_batch,
        tpot_s=shown.tpot_s if shown else None,
        aggregate_tokens_per_s=shown.aggregate_tokens_per_s if shown else None,
        speed_class=shown.speed_class if shown else None,
        prefill_tokens_per_s=shown.prefill_tokens_per_s if shown else None,
        encoder_s=shown.encoder_s if shown else None,
        ttft_class=shown.ttft_class if shown else None,
        decode_bound=shown.decode_bound if shown else None,
        compute_bound_concurrency=shown.compute_bound_concurrency if shown else None,
        speed_constants=(shown.constants.model_dump(mode="json") if shown and shown.constants
                         else None),
        speed_notes=shown.notes if shown else (),
        max_concurrent_seqs=max_concurrent_seqs if max_concurrent_seqs is not None else (
            int(b.max_concurrency) if b.max_concurrency is not None else None),
        kv_pool_bytes=b.kv_pool_bytes,
        gpu_layers=gpu_layers,
        total_layers=total_layers,
        warnings=(*warnings, *b.warnings),
        kv_tokens=b.kv_tokens,
        kv_tokens_note=b.kv_tokens_note,
        kv_blocks=b.kv_blocks,
        max_concurrency=b.max_concurrency,
        compute_buffer_bytes=figs.compute_buffer_bytes if figs else None,
        device_weights_bytes=figs.device_weights_bytes if figs else None,
        host_bytes=host,
        offload_host_bytes=offload_host_bytes,
        engine_version=eng.version,
        visible_memory_bytes=visible_memory_bytes(gpu),
        engine_log=b.lines,
        state_slots=b.state_slots,
        state_pool_bytes=b.state_pool_bytes,
        kv_buffer_bytes=b.kv_buffer_bytes,
        usd_per_hour=per_hour,
        usd_per_million_output_tokens=per_mtok,
        price_source=f"{price.source} ({price.date})" if price and per_hour is not None else None,
    )
