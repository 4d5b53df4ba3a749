"""Memory per component for a ModelSpec and a Workload.

The package is callable: `llmsize.estimate` names both this package and the public function
`llmsize.estimate(spec, workload)`. Whichever of the two Python's import system leaves on the
`llmsize` package, calling it runs the estimate (issue 15: the README's API must work as shown).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.result import Estimate
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec


class _CallablePackage(types.ModuleType):
    def __call__(self, spec: ModelSpec, wl: Workload) -> Estimate:
        from llmsize.estimate.core import estimate

        return estimate(spec, wl)


sys.modules[__name__].__class__ = _CallablePackage
