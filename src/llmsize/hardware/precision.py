"""Weight formats to try for a model on a GPU (bf16, fp8, its engine's quants), and the best that fits."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from llmsize.errors import BadInputError
from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Mode, Workload
from llmsize.hardware.derived_workload import derived_workload
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.fit_models import FitRow, PrecisionOption, PrecisionResult
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.layout import Layout, PlanError
from llmsize.hardware.plan_estimator import EstimateFn, default_estimator
from llmsize.hardware.planner import Planner, with_gpu_defaults
from llmsize.specs.models import ModelSpec


def precision_options(spec: ModelSpec, wl: Workload, gpu: GpuSpec | None = None) -> list[PrecisionOption]:
    """Weight formats to try, best quality first, for the workload's engine.

    A quantized checkpoint, an explicit --dtype/--quant, or a training mode leaves one option.
    """
    if wl.quant is not None or wl.dtype is not None or spec.weight_format.quant is not None or (
            wl.mode is not Mode.INFERENCE):
        label = wl.quant or (str(wl.dtype) if wl.dtype else spec.weight_format.label())
        if wl.quant is None and (wl.mode is Mode.QLORA or spec.weight_format.quant is not None):
            # the base QLoRA loads (bitsandbytes NF4 from a float checkpoint: weights.effective_format),
            # not the checkpoint's dtype: `fit Phi-4 --mode qlora` said "Best that fits: bf16" beside
            # 10.4 GiB of 4-bit weights (issue 15, newcomer audit of training). A quantized checkpoint
            # keeps its format and --dtype only sets the unquantized rest: `fit gpt-oss-20b --dtype fp16`
            # labelled the MXFP4 row "fp16" with the same bytes (issue 15, newcomer audit round 9).
            label = _loaded_label(spec, wl if gpu is None else with_gpu_defaults(wl, gpu), label)
            rest = str(wl.dtype) if wl.dtype is not None else None
            if rest is not None and rest not in label and rest != spec.weight_format.dtype:
                label = f"{label.split(' ')[0]} + {rest} rest"  # short: the fit table at 80 columns
        return [PrecisionOption(label=label, dtype=str(wl.dtype) if wl.dtype else None, quant=wl.quant)]
    half = "bf16" if gpu is None or gpu.supports("bf16") else "fp16"
    native_fp8 = gpu is None or gpu.supports("fp8")
    try:
        hash(wl)
    except TypeError:  # a field that cannot be hashed (resolved.shape_key): built each time
        return list(_float_options.__wrapped__(wl, half, native_fp8))
    return list(_float_options(wl, half, native_fp8))


@lru_cache(maxsize=64)
def _float_options(wl: Workload, half: str, native_fp8: bool) -> tuple[PrecisionOption, ...]:
    """The options of a float checkpoint: they read only the workload's engine and what the card runs
    natively, so `fit --all` builds them once per workload, not once per catalog model (issue 15)."""
    # Without native bf16 the unquantized parts (embeddings, norms, activations) run in fp16 too.
    rest = half if half == "fp16" else None
    eng = engine_for(wl)
    options = [PrecisionOption(label=half, dtype=half)]
    for quant in eng.quant_options():
        if quant == "fp8" and not (native_fp8 or eng.fp8_weight_only):
            continue
        label = _QUANT_LABELS.get(quant, f"gguf {quant}")
        options.append(PrecisionOption(label=label, quant=quant, dtype=rest))
    return tuple(options)


def _loaded_label(spec: ModelSpec, wl: Workload, fallback: str) -> str:
    """The label of the weight format the estimate sizes; `fallback` where the format is refused (the
    estimate itself then says why)."""
    from llmsize.estimate.weights import effective_format

    try:
        return effective_format(spec, wl)[0].label()
    except BadInputError:
        return fallback


_QUANT_LABELS = {"fp8": "fp8", "gptq-int8": "gptq int8", "awq": "awq int4", "gptq": "gptq int4",
                 "bnb-int8": "bnb int8", "bnb-nf4": "bnb nf4", "nvfp4": "nvfp4"}


def _option_workload(wl: Workload, option: PrecisionOption) -> Workload:
    update: dict[str, Any] = {}
    if option.dtype is not None:
        update["dtype"] = option.dtype
    if option.quant is not None:
        update["quant"] = option.quant
    return derived_workload(wl, update)  # the same for every catalog model of `fit --all` (issue 15)


def best_precision(spec: ModelSpec, wl: Workload, gpu: GpuSpec, num_gpus: int | None = 1, *,
                   estimator: EstimateFn | None = None, efficiency: Efficiency | None = None,
                   batch_limit: bool = True, stop_at_first: bool = False, sizes_only: bool = False,
                   ) -> tuple[list[PrecisionResult], int | None]:
    """Every precision option on `gpu` (or up to the first that fits) and the index of the best.

    Options are sized quickly (no limits); the best one is then planned in full (max context,
    max batch, speed), and so is the single option when nothing fits, to say why. `sizes_only`:
    no row is planned in full, none gets a speed, and a row that does not fit gets no --gpu-layers
    split (`fit --all`'s table where it shows neither the longest context nor tokens/s, and lists
    only the models that fit: cli/fit_all_rows.py); memory, headroom and the best format are the
    full plan's, which sizes the same layout at the same context first.
    """
    options = precision_options(spec, wl, gpu)
    # `fit --all` (stop_at_first, one GPU, the memory model's own estimates) shows only the first
    # format that fits: one whose weights alone are over the card is passed over unestimated (nobody
    # sees its row) and counted as tried (issue 15).
    listing = stop_at_first and num_gpus == 1 and estimator is None
    quick = listing and len(options) > 1
    passed_over = 0
    estimator = estimator or default_estimator()
    eff = efficiency or Efficiency()
    results: list[PrecisionResult] = []
    planners: list[Planner] = []
    refused: BadInputError | None = None
    planned = False  # the best row is already the full one
    beyond = False  # `fit --all`: the need no weight format changes is already over the card
    for option in options:
        planner = Planner(spec, _option_workload(wl, option), estimator, eff)
        try:
            if quick and (beyond or planner.cannot_fit_one(gpu)):
                passed_over += 1
                continue
            full = _fitting_row(planner, gpu, num_gpus, batch_limit, sizes_only) if quick else None
            planned = full is not None
            # `fit --all` shows no row that does not fit (only the first format that fits, or the
            # model's name and size): such a row gets no --gpu-layers split nor engine offload, which
            # were three fifths of a cold `fit --all --gpu T4 --engine llama.cpp --format json` (issue 15)
            row = full if full is not None else planner.plan(gpu, num_gpus, limits=False,
                                                             with_speed=not sizes_only,
                                                             offload_split=not (sizes_only or listing))
        except PlanError:
            raise
        except BadInputError as err:
            if len(options) == 1:
                raise
            refused = err
            continue  # a format this model cannot take (the estimator says why when asked directly)
        # the estimate of the row: with the GPU's defaults (Planner.for_gpu), as the row was planned; the
        # transformers FP8 checkpoint dequantized on an A100 kept its 8-bit weights here (issue 15, round 12)
        sub = planner.for_gpu(gpu)
        est = sub.estimate(sub.workload(Layout(row.tp, row.pp, row.dp)))
        # `fit --all` lists only the models that fit: once the part of the need no
        # format changes (the engine's format_free_need: llama.cpp's K/V) is over the card, the later
        # formats are passed over like those whose weights alone are (issue 15: `--context 1m`).
        if quick and not row.fits:
            free = engine_for(sub.workload(Layout(row.tp, row.pp, row.dp))).format_free_need(est)
            beyond = row.usable_bytes is not None and free > row.usable_bytes
        figs = est.engine_figures  # weights on the GPU where the engine keeps some on the host
        on_gpu = figs.device_weights_bytes if figs is not None else est.weights_bytes
        results.append(PrecisionResult(option=option, row=row, weights_bytes=on_gpu,
                                       total_bytes=est.total_bytes))
        planners.append(planner)
        if stop_at_first and row.fits:
            break
    if not results and refused is not None and not passed_over:
        raise refused  # every precision refused for the same reason (an option of another engine, ...)
    best = next((i for i, r in enumerate(results) if r.row.fits), None)
    detail = best if best is not None else (0 if len(results) == 1 and not passed_over else None)
    # `fit --all` lists a model that fits in no format by its name and size alone: the format's quick
    # row already says it does not fit, and its full plan (longest context, speed) is never shown.
    if listing and best is None:
        detail = None
    if detail is not None and not planned and not sizes_only:
        r = results[detail]
        full = planners[detail].fit_layout(gpu, Layout(r.row.tp, r.row.pp, r.row.dp), batch_limit=batch_limit)
        results[detail] = r.model_copy(update={"row": full})
    return results, best


def _fitting_row(planner: Planner, gpu: GpuSpec, num_gpus: int | None, batch_limit: bool,
                 sizes_only: bool = False) -> FitRow | None:
    """The full row (limits, speed) of the format when its layout fits, else None. The first format
    that fits ends `fit --all`'s loop and is then planned in full, so its quick row is skipped
    (issue 15). Where planning it in full is refused, None: the quick row and the full plan after
    the loop then raise as before."""
    layout, fits = planner.choose_layout(gpu, num_gpus)
    if not fits:
        return None
    try:
        return planner.fit_layout(gpu, layout, batch_limit=batch_limit, limits=not sizes_only,
                                  with_speed=not sizes_only)
    except PlanError:
        raise
    except BadInputError:
        return None
