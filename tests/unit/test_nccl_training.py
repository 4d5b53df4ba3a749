"""The data-parallel NCCL communicator counted in a training run's overhead (nccl_training.py), priced
from NVIDIA/nccl#964: "for group with only 2 devices, it requires 544 MB. And for group with more than
2 devices, it requires 688 MB" (4x A100 NVLink)."""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.nccl_training import communicator_bytes
from llmsize.estimate.overhead import CUDA_CONTEXT_BYTES
from llmsize.estimate.workload import Workload
from llmsize.units import MIB
from spec_factories import llama3_8b


def _lora(**kw: object) -> Workload:
    return Workload(mode="lora", framework="trl", context=1024, batch=1, **kw)


def test_pair_and_group_sizes_follow_the_measurement() -> None:
    assert communicator_bytes(_lora(zero=3, num_gpus=2)) == 544 * MIB
    assert communicator_bytes(_lora(zero=3, num_gpus=8)) == 688 * MIB
    assert communicator_bytes(_lora(num_gpus=4)) == 688 * MIB  # DDP reduces over the same group


def test_nothing_for_one_rank_inference_or_pcie() -> None:
    assert communicator_bytes(_lora()) == 0
    assert communicator_bytes(Workload(mode="inference", num_gpus=2, tp=2)) == 0
    assert communicator_bytes(_lora(zero=3, num_gpus=2, gpu_link="pcie")) == 0


def test_overhead_carries_it_outside_the_allocated_peak() -> None:
    """torch's max_memory_allocated does not see NCCL's buffers: total - overhead stays the same."""
    spec = llama3_8b()
    one = estimate(spec, _lora(zero=3, num_gpus=8, gpu_link="pcie"))
    eight = estimate(spec, _lora(zero=3, num_gpus=8))
    assert eight.overhead_bytes - one.overhead_bytes == 688 * MIB
    assert eight.total_bytes - eight.overhead_bytes == one.total_bytes - one.overhead_bytes
    assert one.overhead_bytes == CUDA_CONTEXT_BYTES
