"""What an engine's MoE all-to-all backend setting means for the speed model.

One record, engine-neutral: the engines' own modules (sglang_moe_a2a.py for --moe-a2a-backend,
vllm_all2all.py for --all2all-backend) read their names into it, and hardware/speed_inputs.py hands it
to the speed model (hardware/expert_parallel.py dispatch_combine_seconds, hardware/expert_all_to_all.py).
"""

from __future__ import annotations

from typing import NamedTuple

# Which DeepEP kernels a step runs: "auto" the low-latency ones in decode and the normal ones for prompts
# (SGLang --deepep-mode auto), or one family for every step (vLLM picks it with the backend's name).
KERNEL_FAMILIES = ("auto", "low_latency", "normal")


class AllToAll(NamedTuple):
    """The backend as the speed model prices it."""

    backend: str  # the engine's own name, as given ("" where the engine's default runs)
    kernels: str  # "" = not the DeepEP all-to-all (today's gather / all-reduce pricing); else KERNEL_FAMILIES
    note: str  # one line for the speed notes: what is priced, or that the backend's cost is not modelled


NONE = AllToAll("", "", "")
