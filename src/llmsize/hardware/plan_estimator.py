"""The estimate function the planner asks: the memory model's, unless a caller passes its own."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec

EstimateFn = Callable[[ModelSpec, Workload], Estimate]


@cache
def default_estimator() -> EstimateFn:
    """The memory model's `estimate(spec, wl)` (imported lazily: planning is a layer above it),
    numbers only (explained=False): fit rows show totals, while the low-high range costs a second
    activation walk and the formulas a few string tables per estimate (issue 15: `fit --all`). One
    function, so a planner tells it from a caller's own (Planner._memo_key)."""
    from llmsize.estimate.core import estimate

    def nominal(spec: ModelSpec, wl: Workload) -> Estimate:
        return estimate(spec, wl, explained=False)

    return nominal
