"""vLLM's verdict on a launch: the KV budget's refusals and the --max-model-len it serves.

Split out of vllm.py (`Vllm` composes it): the budget is vllm_budget.py's
(`Worker.determine_available_memory`, `check_enough_kv_cache_memory`),
the served context serving_context.py's (`vllm/config/model.py`
derived max_model_len, VLLM_ALLOW_LONG_MAX_MODEL_LEN).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    serving_context,
)
from llmsize.estimate.engines.base import Budget
from llmsize.estimate.engines.vllm_budget import kv_budget
from llmsize.estimate.engines.vllm_launch import (
    VllmLaunch,
)
from llmsize.estimate.engines.vllm_speed import SPEED_V0 as SPEED_V0
from llmsize.estimate.engines.vllm_speed import SPEED_V1_SYNC as SPEED_V1_SYNC
from llmsize.estimate.workload import Workload

if TYPE_CHECKING:
    from llmsize.estimate.result import Estimate
    from llmsize.specs.models import ModelSpec


class VllmServing(VllmLaunch):
    """The KV budget's verdict and the served context length."""

    def budget(self, est: Estimate, total_bytes: int, wl: Workload, unified: bool = False) -> Budget:
        """The KV pool left of --gpu-memory-utilization, its log lines and the refusals (vllm_budget.py)."""
        del unified  # everything this engine holds is on the device already
        budget = kv_budget(est, total_bytes, wl, self.wl.context, self.batched_tokens())
        derived = est.engine_figures.derived_max_len if est.engine_figures is not None else None
        return serving_context.refused(budget, "vLLM", wl, derived)

    def context_limit(self, spec: ModelSpec, wl: Workload) -> int:
        """The longest --max-model-len vLLM starts with (serving_context.py)."""
        return serving_context.context_limit(spec, wl, serving_context.vllm_derived_max_len(spec))

    def context_warning(self, spec: ModelSpec, wl: Workload) -> str | None:
        """A --context above the derived length: refused, or past the trained length (serving_context.py)."""
        derived = serving_context.vllm_derived_max_len(spec)
        return serving_context.context_warning("vLLM", "--max-model-len", derived, wl)

    def default_context(self, total_vram: int, spec: ModelSpec) -> int | None:
        """Without --context: the default, or the derived length where shorter (serving_context.py)."""
        del total_vram
        return serving_context.default_context(serving_context.vllm_derived_max_len(spec))

    def launch_env(self, spec: ModelSpec, wl: Workload) -> tuple[str, ...]:
        """VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 when --allow-long-context sizes a longer --max-model-len."""
        return serving_context.launch_env("vLLM", wl, serving_context.vllm_derived_max_len(spec))
