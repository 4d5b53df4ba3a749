"""The NCCL communicator of a data-parallel training run: device memory outside PyTorch's allocator.

FSDP, DeepSpeed ZeRO and DDP reduce gradients (and gather parameters) over one NCCL process group
spanning the data-parallel ranks. NCCL allocates each channel's buffers itself with cuMem / cudaMalloc
(src/transport/p2p.cc `p2pSendSetup`/`p2pRecvSetup`: NCCL_BUFFSIZE 4 MiB for the Simple protocol plus
the LL and LL128 buffers per channel and peer), never through torch's caching allocator, so
`max_memory_allocated` misses it and nvidia-smi shows it (fairscale utils/parallel.py
`get_process_group_cached`: "the NCCL buffers are not allocated through the PyTorch caching
allocator"). NCCL's maintainer: memory "is linearly tied to the number of channels", ring all-reduce
keeps "only 2 connections regardless of the scale" (NVIDIA/nccl#864, sjeaugey).

Priced from a published measurement, not fitted: NVIDIA/nccl#964 (4x A100, NVLink, PyTorch, one
process group per set of ranks, a 4 MB all-reduce on each): "for group with only 2 devices, it
requires 544 MB. And for group with more than 2 devices, it requires 688 MB" (nvidia-smi MiB). One
communicator is counted: the data-parallel group (extra groups for TP or hybrid sharding add more,
not counted: a lower bound). Over PCIe without peer access NCCL's buffers are host shared memory
(nccl.py), so nothing is counted there.
"""

from __future__ import annotations

from llmsize.estimate.engines.nccl import device_buffers
from llmsize.estimate.workload import Workload
from llmsize.units import MIB

# REFERENCE: NVIDIA/nccl#964: 544 MB for a 2-GPU group, 688 MB for a larger one (4x A100 NVLink).
PAIR_COMMUNICATOR_BYTES = 544 * MIB
GROUP_COMMUNICATOR_BYTES = 688 * MIB


def communicator_bytes(wl: Workload) -> int:
    """NCCL device memory of the data-parallel group on one GPU (0 for one rank, inference, or PCIe)."""
    if not wl.mode.trains or wl.dp < 2 or not device_buffers(wl.gpu_link):
        return 0
    return PAIR_COMMUNICATOR_BYTES if wl.dp == 2 else GROUP_COMMUNICATOR_BYTES
