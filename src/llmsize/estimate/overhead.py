"""What a GPU process needs beyond the tensors PyTorch allocates: CUDA context and allocator slack.

`overhead` holds only memory that `torch.cuda.max_memory_allocated` does not see, so that
`total - overhead` is exactly what it reports (DESIGN.md). The cuBLAS workspace is *not* here:
PyTorch allocates it through its caching allocator (ATen/cuda/CublasHandlePool.cpp
`getNewWorkspace`), so it belongs to the allocated transient memory; its size is exported as
CUBLAS_WORKSPACE_BYTES for whoever accounts that. Every constant is a first public measurement;
the measurement harness (`llmsize measure`) is meant to calibrate them.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.estimate.workload import Workload
from llmsize.units import MIB

# REFERENCE: pytorch/pytorch#109888 (ptrblck): "the CUDA context ... uses around 400MB if CUDA >= 11.7
# is used and lazy module loading enabled (default in PyTorch)".
CUDA_CONTEXT_BYTES = 400 * MIB
# REFERENCE: pytorch/pytorch#86509: with CUDA_MODULE_LOADING=LAZY a process holding one small tensor
# used 287,047,680 bytes of device memory (cudaMemGetInfo), against 666,632,192 with eager loading.
CUDA_CONTEXT_LOW_BYTES = 287_047_680
# REFERENCE: pytorch/pytorch#28394: ~1008 MiB of device memory for a tiny tensor with all kernels
# loaded eagerly (PyTorch 1.3, Titan V); lazy loading makes this the pessimistic end today.
CUDA_CONTEXT_HIGH_BYTES = 1008 * MIB
# REFERENCE: Rajbhandari et al. 2019 (ZeRO, arXiv:1910.02054) section 3.2: with fragmented memory,
# very large models ran out of memory "with over 30% of memory still available". Nominal is none.
FRAGMENTATION_HIGH_FRACTION = 0.30
# REFERENCE: PyTorch ATen/cuda/CublasHandlePool.cpp: default CUBLAS_WORKSPACE_CONFIG ":4096:2:16:8"
# = 2 x 4096 KiB + 8 x 16 KiB = 8,519,680 bytes per handle and stream (32 MiB on Hopper, sm_90).
CUBLAS_WORKSPACE_BYTES = 8_519_680
CUBLAS_WORKSPACE_HOPPER_BYTES = 32 * MIB


@dataclass(frozen=True)
class Overhead:
    """Nominal overhead bytes with its low-high range and what drives the range."""

    nominal: int
    low: int
    high: int
    formula: str
    driver: str


def cuda_overhead(wl: Workload, allocated_peak: int) -> Overhead:
    """CUDA context (nominal) plus allocator fragmentation as a range over the allocated peak.

    One process per GPU is assumed (the engines llmsize models run one per GPU); what an engine
    reserves beyond this is its module's `overhead`. Data-parallel training adds its NCCL
    communicator (nccl_training.py).
    """
    from llmsize.estimate.nccl_training import communicator_bytes

    nccl = communicator_bytes(wl)
    frag_high = int(allocated_peak * FRAGMENTATION_HIGH_FRACTION)
    formula = f"CUDA context ~{CUDA_CONTEXT_BYTES // MIB} MiB per process; allocator fragmentation as a range"
    if nccl:
        formula += f"; the data-parallel NCCL communicator ~{nccl // MIB} MiB (nccl_training.py)"
    return Overhead(
        nominal=CUDA_CONTEXT_BYTES + nccl,
        low=CUDA_CONTEXT_LOW_BYTES + nccl,
        high=CUDA_CONTEXT_HIGH_BYTES + nccl + frag_high,
        formula=formula,
        driver="CUDA driver and module loading (context), caching-allocator fragmentation",
    )


overhead = cuda_overhead
