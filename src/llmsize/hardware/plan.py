"""Planning: GPU layouts, the smallest one that fits, and the reverse questions.

The estimator gives the busiest GPU's peak for one workload (its tp/pp/num_gpus included); the
planner asks it about candidate layouts and turns the answers into FitRows. One module a job:
- layout.py: tensor x pipeline x data parallel layouts, and the degrees a model can be split into;
- planner.py: the Planner (layouts tried, `--num-gpus auto`, limits, speed, fit rows);
- limit_search.py: the integer searches behind the longest context and the largest batch;
- speed_inputs.py, read_share.py, layer_parts.py: what the speed model reads of an estimate;
- dtype_warnings.py, offload_notes.py: the warnings a fit row carries;
- precision.py, model_fit.py: the weight formats tried, and `llmsize fit` (one model, `--all`);
- compare.py, concurrency.py: `llmsize compare` and concurrency sweeps;
- plan_estimator.py: the estimate function the planner asks.
This module keeps `plan_fit_rows` (`estimate --gpu`, `plan`, `check`) and the names callers import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from llmsize.estimate.layer_parts import _block_parts, _layer_parts, layer_parts
from llmsize.estimate.workload import Workload
from llmsize.hardware.compare import compare, recommend
from llmsize.hardware.concurrency import concurrency_rows, concurrency_sweep
from llmsize.hardware.dtype_warnings import dtype_warnings
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.fit_models import CompareRow, FitRow, ModelFit, PrecisionOption, PrecisionResult
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.layout import AUTO_COUNTS, GPUS_PER_NODE, Layout, PlanError, pp_problem, tp_problem
from llmsize.hardware.limit_search import by_chunks, largest_within, longest_before_over
from llmsize.hardware.model_fit import fit_catalog, fit_model
from llmsize.hardware.plan_estimator import EstimateFn, default_estimator
from llmsize.hardware.planner import Planner, _at_context
from llmsize.hardware.precision import _option_workload, best_precision, precision_options
from llmsize.hardware.read_share import (
    expert_read_fraction,
    read_fraction,
    routed_active_params,
    routed_weight_share,
)
from llmsize.hardware.speed_inputs import (
    attention_flops_curve,
    curve_points,
    kernel_family,
    kv_read_curve,
    speed_dtype,
    speed_inputs,
)
from llmsize.specs.models import ModelSpec

# What other modules, benches and tests import from here (the planning modules are named above).
__all__ = [
    "AUTO_COUNTS",
    "GPUS_PER_NODE",
    "CompareRow",
    "EstimateFn",
    "Layout",
    "ModelFit",
    "PlanError",
    "Planner",
    "PrecisionOption",
    "PrecisionResult",
    "_at_context",
    "_block_parts",
    "_layer_parts",
    "_option_workload",
    "attention_flops_curve",
    "best_precision",
    "by_chunks",
    "compare",
    "concurrency_rows",
    "concurrency_sweep",
    "curve_points",
    "default_estimator",
    "dtype_warnings",
    "expert_read_fraction",
    "fit_catalog",
    "fit_model",
    "kernel_family",
    "kv_read_curve",
    "largest_within",
    "layer_parts",
    "longest_before_over",
    "plan_fit_rows",
    "pp_problem",
    "precision_options",
    "read_fraction",
    "recommend",
    "routed_active_params",
    "routed_weight_share",
    "speed_dtype",
    "speed_inputs",
    "tp_problem",
]


def plan_fit_rows(spec: ModelSpec, wl: Workload, gpus: Iterable[GpuSpec], num_gpus: int | None = 1, *,
                  estimator: EstimateFn | None = None, efficiency: Efficiency | None = None,
                  limits: bool = True, concurrency: Sequence[int] = ()) -> list[FitRow]:
    """Fit rows for several GPUs sharing one planner (so shared layouts are estimated once).

    For `llmsize estimate --gpu X [--num-gpus N|auto]`: `num_gpus` None means auto.
    """
    gpus = list(gpus)
    if concurrency:
        return concurrency_rows(spec, wl, gpus, concurrency, num_gpus, estimator=estimator,
                                efficiency=efficiency, limits=limits)
    planner = Planner(spec, wl, estimator, efficiency or Efficiency())
    return [planner.plan(gpu, num_gpus, limits=limits) for gpu in gpus]
