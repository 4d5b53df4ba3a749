"""vLLM --all2all-backend: how the MoE layers of several engine cores exchange tokens.

vLLM 0.19 (vllm/config/parallel.py All2AllBackend, ParallelConfig.all2all_backend; the flag only, no
VLLM_ALL2ALL_BACKEND in envs.py any more): allgather_reducescatter (the default), deepep_high_throughput,
deepep_low_latency, mori, nixl_ep, flashinfer_nvlink_two_sided (alias flashinfer_all2allv),
flashinfer_nvlink_one_sided; pplx and naive are removed and fall back to allgather_reducescatter
(ParallelConfig.__post_init__ warns). The kernels run only with expert parallelism across engine cores:
`model_executor/layers/fused_moe/config.py` FusedMoEParallelConfig.use_all2all_kernels = dp_size > 1 and
use_ep, use_ep needing --enable-expert-parallel. vLLM runs one kernel family for every step, named by
the backend (use_deepep_ll_kernels / use_deepep_ht_kernels), and splits the TP group's tokens over its
ranks first (ParallelConfig.use_sequence_parallel_moe). llmsize prices allgather_reducescatter
(hardware/expert_parallel.py) and the two DeepEP ones (hardware/expert_all_to_all.py); the others keep
the allgather_reducescatter price and say so in the speed notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines.moe_all_to_all import NONE, AllToAll

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec

DEFAULT = "allgather_reducescatter"
DEEPEP = {"deepep_low_latency": "low_latency", "deepep_high_throughput": "normal"}
REMOVED = frozenset({"pplx", "naive"})  # fall back to allgather_reducescatter in 0.19
CHOICES = (DEFAULT, *DEEPEP, "mori", "nixl_ep", "flashinfer_nvlink_two_sided", "flashinfer_all2allv",
           "flashinfer_nvlink_one_sided", *sorted(REMOVED))


def backend(wl: Workload) -> str:
    """The backend's name (the default where unset)."""
    return (wl.moe_a2a_backend or DEFAULT).lower()


def problem(spec: ModelSpec, wl: Workload) -> str | None:
    """Why vLLM would not run this backend here, or None."""
    name = backend(wl)
    if name not in CHOICES:
        return f"--all2all-backend {wl.moe_a2a_backend!r} is not one of vLLM's: {', '.join(CHOICES)}"
    if wl.moe_a2a_backend is None or name == DEFAULT:
        return None
    if not spec.num_experts:
        return f"--all2all-backend {name} moves MoE tokens between expert ranks; {spec.name} has no experts"
    if wl.data_parallel < 2 or not wl.expert_parallel:
        # FusedMoEParallelConfig.use_all2all_kernels: dp_size > 1 and use_ep
        return (f"--all2all-backend {name} runs only with --dp 2 or more and --ep (vLLM's "
                "FusedMoEParallelConfig.use_all2all_kernels); without them vLLM ignores it")
    return None


def plan(wl: Workload) -> AllToAll:
    """The backend as the speed model prices it."""
    name = backend(wl)
    if wl.moe_a2a_backend is None or name == DEFAULT:
        return NONE
    if name in DEEPEP:
        family = "low-latency" if DEEPEP[name] == "low_latency" else "normal (high-throughput)"
        return AllToAll(name, DEEPEP[name], f"MoE dispatch/combine: vLLM --all2all-backend {name}, DeepEP "
                        f"{family} kernels in every step (hardware/expert_all_to_all.py; DeepEP's buffers' "
                        "memory not counted)")
    if name in REMOVED:
        return AllToAll(name, "", f"MoE dispatch/combine: vLLM 0.19 removed --all2all-backend {name} and "
                        f"runs {DEFAULT} instead (priced as such)")
    return AllToAll(name, "", f"MoE dispatch/combine: vLLM --all2all-backend {name}: its cost is not "
                    f"modelled; priced as {DEFAULT}")
