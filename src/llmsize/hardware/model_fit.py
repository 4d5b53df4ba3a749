"""`llmsize fit`: the best precision of one model on one GPU, and of every catalog model (`--all`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from llmsize.errors import BadInputError
from llmsize.estimate.workload import Workload
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.fit_models import ModelFit
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.plan_estimator import EstimateFn
from llmsize.hardware.precision import best_precision
from llmsize.specs.models import ModelSpec


def fit_model(spec: ModelSpec, wl: Workload, gpu: GpuSpec, num_gpus: int | None = 1, *,
              estimator: EstimateFn | None = None, efficiency: Efficiency | None = None,
              batch_limit: bool = True, stop_at_first: bool = False, sizes_only: bool = False) -> ModelFit:
    """Best precision/quant of `spec` that fits `gpu` (see best_precision), as one result."""
    from llmsize.specs.params import active_params as count_active
    from llmsize.specs.params import total_params

    results, best = best_precision(spec, wl, gpu, num_gpus, estimator=estimator, efficiency=efficiency,
                                   batch_limit=batch_limit, stop_at_first=stop_at_first,
                                   sizes_only=sizes_only)
    return ModelFit(model=spec.name, params=total_params(spec), active_params=count_active(spec),
                    max_position_embeddings=spec.max_position_embeddings, gpu=gpu.id,
                    options=tuple(results), best=best)


def fit_catalog(specs: Iterable[ModelSpec], wl: Workload | Callable[[ModelSpec], Workload], gpu: GpuSpec,
                num_gpus: int | None = 1, *, estimator: EstimateFn | None = None,
                efficiency: Efficiency | None = None, sizes_only: bool = False) -> list[ModelFit]:
    """`llmsize fit --all`: every catalog model's best fitting precision on `gpu`.

    `wl` is one workload, or how to build each model's (the CLI fills model-dependent defaults); a
    model the workload does not suit is skipped, but when none can be sized the refusal is raised.
    `sizes_only`: rows without longest context or speed (best_precision), for a table that hides them.
    """
    from llmsize.hardware.fan_out import fan_out

    def one(spec: ModelSpec) -> ModelFit:
        model_wl = wl(spec) if callable(wl) else wl
        return fit_model(spec, model_wl, gpu, num_gpus, estimator=estimator, efficiency=efficiency,
                         batch_limit=False, stop_at_first=True, sizes_only=sizes_only)

    out = []
    first_refusal: BadInputError | None = None
    # The models are planned independently, in worker processes where there are several cores
    # (fan_out.py; issue 15): the answers, and the errors in catalog order, are the serial loop's.
    from llmsize.specs.params import active_params as count_active
    from llmsize.specs.params import total_params

    specs = list(specs)
    for spec, outcome in zip(specs, fan_out(one, specs), strict=True):
        if isinstance(outcome, BadInputError):
            first_refusal = first_refusal or outcome
            # e.g. a TP degree this model's heads cannot take: kept as a row that says so
            out.append(ModelFit(model=spec.name, params=total_params(spec), active_params=count_active(spec),
                                max_position_embeddings=spec.max_position_embeddings, gpu=gpu.id,
                                options=(), best=None, refused=str(outcome)))
            continue
        if isinstance(outcome, Exception):
            raise outcome
        out.append(outcome)
    if first_refusal is not None and all(f.refused for f in out):
        raise first_refusal  # no model could be sized: the workload itself is refused (say why)
    return out
