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

Without those kernels vLLM takes the flag and does nothing with it: ParallelConfig validates only the name
(argparse choices from the All2AllBackend Literal, engine/arg_utils.py literal_to_kwargs: case-sensitive,
so `DeepEP_low_latency` is refused at parse time), and with use_all2all_kernels off the MoE layers never
ask the all-to-all manager for its kernels (all2all_utils.maybe_make_prepare_finalize; the manager itself,
distributed/device_communicators/base_device_communicator.py, is made only for dp > 1 and holds no
Buffer until asked). So llmsize accepts it there with a note that it has no effect (issue 15, round 21;
it was refused).

DeepEP's buffer (deepep_buffers.py): distributed/device_communicators/all2all.py _make_all2all_kwargs.
DeepEPHTAll2AllManager: num_nvl_bytes = VLLM_DEEPEP_BUFFER_SIZE_MB (1024, vllm/envs.py) MiB, and as many
num_rdma_bytes when the EP group spans nodes (else 0). DeepEPLLAll2AllManager: the same num_nvl_bytes and
num_rdma_bytes = Buffer.get_low_latency_rdma_size_hint(max_num_tokens_per_dp_rank = moe.max_num_tokens =
VLLM_MOE_DP_CHUNK_SIZE, 256, hidden, dp x tp ranks, global experts). The managers' handle cache gives all
MoE layers one Buffer, made while the MoE layers set up their kernels after the weights load
(fused_moe FusedMoE.maybe_init_modular_kernel, all2all_utils.maybe_make_prepare_finalize), before the
memory profile: its cudaMalloc / NVSHMEM bytes are outside torch, so vLLM's non-torch memory grows by them
and the KV cache shrinks (v1/worker/gpu_worker.py determine_available_memory). An EP group of more than
8 ranks is taken as spanning nodes (DeepEP's NVLink domain is 8 peers, LEGACY_NUM_MAX_NVL_PEERS).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import deepep_buffers
from llmsize.estimate.engines.moe_all_to_all import NONE, AllToAll

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec

DEFAULT = "allgather_reducescatter"
# REFERENCE: vllm/envs.py VLLM_DEEPEP_BUFFER_SIZE_MB default "1024"; VLLM_MOE_DP_CHUNK_SIZE default "256".
BUFFER_MIB = 1024
DP_CHUNK_TOKENS = 256
DEEPEP = {"deepep_low_latency": "low_latency", "deepep_high_throughput": "normal"}
REMOVED = frozenset({"pplx", "naive"})  # fall back to allgather_reducescatter in 0.19
CHOICES = (DEFAULT, *DEEPEP, "mori", "nixl_ep", "flashinfer_nvlink_two_sided", "flashinfer_all2allv",
           "flashinfer_nvlink_one_sided", *sorted(REMOVED))


def backend(wl: Workload) -> str:
    """The backend's name (the default where unset), as given: vLLM's names are case-sensitive, and an
    empty `--all2all-backend=` is no name (argparse refuses it; it was taken for the default)."""
    return DEFAULT if wl.moe_a2a_backend is None else wl.moe_a2a_backend


def runs(spec: ModelSpec, wl: Workload) -> bool:
    """Whether vLLM runs the all-to-all kernels at all (FusedMoEParallelConfig.use_all2all_kernels:
    dp_size > 1 and use_ep), so that --all2all-backend has any effect."""
    return bool(spec.num_experts) and wl.data_parallel >= 2 and wl.expert_parallel


def ignored(spec: ModelSpec, wl: Workload) -> str | None:
    """One line saying the backend given has no effect in this layout, or None."""
    name = backend(wl)
    if wl.moe_a2a_backend is None or name == DEFAULT or name not in CHOICES or not spec.num_experts:
        return None
    if runs(spec, wl):
        return None
    return (f"--all2all-backend {name} has no effect here: vLLM runs the all-to-all kernels only with "
            "--dp 2 or more and --ep (FusedMoEParallelConfig.use_all2all_kernels), and takes the flag "
            "without them")


def problem(spec: ModelSpec, wl: Workload) -> str | None:
    """Why vLLM would not run this backend here, or None."""
    name = backend(wl)
    if name not in CHOICES:
        # argparse choices, case-sensitive (engine/arg_utils.py literal_to_kwargs): vLLM refuses it
        same = next((c for c in CHOICES if c.lower() == name.lower()), None)
        if same is not None:
            return (f"--all2all-backend {name!r} is not one of vLLM's (its names are case-sensitive and "
                    f"vLLM refuses this spelling); use {same}")
        return f"--all2all-backend {wl.moe_a2a_backend!r} is not one of vLLM's: {', '.join(CHOICES)}"
    if wl.moe_a2a_backend is None or name == DEFAULT:
        return None
    if not spec.num_experts:
        return f"--all2all-backend {name} moves MoE tokens between expert ranks; {spec.name} has no experts"
    return None  # without --dp 2+ and --ep vLLM takes it and ignores it (ignored() says so)


def plan(wl: Workload) -> AllToAll:
    """The backend as the speed model prices it."""
    name = backend(wl)
    if wl.moe_a2a_backend is None or name == DEFAULT:
        return NONE
    if wl.data_parallel < 2 or not wl.expert_parallel:  # use_all2all_kernels off: the flag does nothing
        return AllToAll("", "", f"MoE dispatch/combine: vLLM --all2all-backend {name} has no effect without "
                        "--dp 2 or more and --ep (FusedMoEParallelConfig.use_all2all_kernels); not priced")
    if name in DEEPEP:
        family = "low-latency" if DEEPEP[name] == "low_latency" else "normal (high-throughput)"
        return AllToAll(name, DEEPEP[name], f"MoE dispatch/combine: vLLM --all2all-backend {name}, DeepEP "
                        f"{family} kernels in every step (hardware/expert_all_to_all.py)")
    if name in REMOVED:
        return AllToAll(name, "", f"MoE dispatch/combine: vLLM 0.19 removed --all2all-backend {name} and "
                        f"runs {DEFAULT} instead (priced as such)")
    return AllToAll(name, "", f"MoE dispatch/combine: vLLM --all2all-backend {name}: its cost is not "
                    f"modelled; priced as {DEFAULT}")


def deepep_bytes(spec: ModelSpec, wl: Workload) -> int:
    """The DeepEP Buffer vLLM allocates on each GPU for a DeepEP --all2all-backend, or 0."""
    name = backend(wl)
    if name not in DEEPEP or not spec.num_experts or wl.data_parallel < 2 or not wl.expert_parallel:
        return 0  # FusedMoEParallelConfig.use_all2all_kernels is off: no manager, no Buffer
    ranks = wl.data_parallel * wl.tp
    nvl = BUFFER_MIB * deepep_buffers.MIB
    if DEEPEP[name] == "low_latency":
        rdma = deepep_buffers.low_latency_rdma_bytes(DP_CHUNK_TOKENS, spec.hidden_size, spec.num_experts)
    else:
        rdma = nvl if ranks > deepep_buffers.NUM_MAX_NVL_PEERS else 0
    return deepep_buffers.buffer_bytes(nvl, rdma)


def deepep_note(spec: ModelSpec, wl: Workload) -> str | None:
    """One line on the DeepEP buffer's bytes and where they go, or None."""
    n = deepep_bytes(spec, wl)
    if not n:
        return None
    return (f"--all2all-backend {backend(wl)}: DeepEP's buffer {n / 2**30:.2f} GiB per GPU "
            f"({BUFFER_MIB} MiB NVLink region (VLLM_DEEPEP_BUFFER_SIZE_MB), the RDMA region, 32 MiB "
            "workspace; "
            "all2all.py _make_all2all_kwargs), made before the memory profile: counted in vLLM's non-torch "
            "memory, so the KV cache shrinks by it (deepep_buffers.py)")
