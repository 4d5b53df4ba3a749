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


def _cli_json(*args: str) -> dict[str, object]:
    import json

    from typer.testing import CliRunner

    from llmsize.cli import app

    argv = ["estimate", "Llama-3.1-8B", "--mode", "lora", *args, "--format", "json"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_geforce_cards_on_pcie_are_not_charged_the_nvlink_communicator() -> None:
    """Issue 15 (newcomer audit): `--gpu RTX-4090 --num-gpus 2` training left the link unknown, so the
    544 MiB NVLink figure was charged on cards whose NCCL falls back to host shared memory (nccl.py).
    The GPU's catalog link now reaches the training workload (BaseEngine.gpu_defaults)."""
    pcie = _cli_json("--gpu", "RTX-4090", "--num-gpus", "2")
    nvlink = _cli_json("--gpu", "H100", "--num-gpus", "2")
    assert pcie["workload"]["gpu_link"] == "pcie"  # type: ignore[index]
    assert nvlink["workload"]["gpu_link"] == "nvls"  # type: ignore[index]
    assert pcie["memory"]["overhead"] == CUDA_CONTEXT_BYTES  # type: ignore[index]
    assert nvlink["memory"]["overhead"] == CUDA_CONTEXT_BYTES + 544 * MIB  # type: ignore[index]


def test_training_on_two_gpus_is_data_parallel_in_the_fit_row_too() -> None:
    """Trainer/TRL/torchtune launched by torchrun run one DDP replica per GPU; the fit row said "TP2"
    with half the weights per GPU beside a breakdown of the whole model per GPU (issue 15)."""
    doc = _cli_json("--gpu", "RTX-4090", "--num-gpus", "2")
    row = doc["gpus"][0]  # type: ignore[index]
    assert (row["tp"], row["pp"], row["count"]) == (1, 1, 2)
    assert row["per_gpu_bytes"] == doc["memory"]["total"]  # type: ignore[index]
