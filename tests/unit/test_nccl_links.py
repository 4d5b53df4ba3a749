"""Where NCCL keeps a TP rank's buffers, by link (estimate/engines/nccl.py), as vLLM and SGLang see it.

vLLM's profiler reports non_torch_memory 1.79 GiB more at TP 2 than at TP 1 on H100s (vllm PR #10511) but
0.25 GiB in all at TP 2 on two RTX 4090s (vllm#13061: "non_torch_memory takes 0.25GiB"), where NCCL
runs its SHM transport and the custom all-reduce is off.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.engines.nccl import device_buffers, link_class
from llmsize.estimate.engines.vllm import NON_TORCH_TP1_BYTES, NON_TORCH_TP_EXTRA_BYTES, Vllm
from llmsize.estimate.workload import Workload
from llmsize.units import GIB


@pytest.mark.parametrize(
    ("name", "link"),
    [("NVLink 4", "nvls"), ("NVLink 5", "nvls"), ("NVLink 3", "switch"),
     ("Infinity Fabric (7 links)", "switch"), ("NVLink bridge", "pcie"), ("", "pcie"), (None, "pcie")],
)  # fmt: skip
def test_catalog_links_map_to_where_nccl_buffers_sit(name: str | None, link: str) -> None:
    assert link_class(name) == link
    assert device_buffers(link_class(name)) == (link != "pcie")


def test_vllm_pcie_ranks_add_no_device_buffers() -> None:
    pcie = Vllm(Workload(engine="vllm", tp=2, num_gpus=2, gpu_link="pcie"))  # type: ignore[arg-type]
    nvls = Vllm(Workload(engine="vllm", tp=2, num_gpus=2, gpu_link="nvls"))  # type: ignore[arg-type]
    unknown = Vllm(Workload(engine="vllm", tp=2, num_gpus=2))  # type: ignore[arg-type]
    assert pcie.non_torch_bytes() == NON_TORCH_TP1_BYTES == pytest.approx(0.25 * GIB, abs=0.01 * GIB)
    assert (
        nvls.non_torch_bytes() == unknown.non_torch_bytes() == NON_TORCH_TP1_BYTES + NON_TORCH_TP_EXTRA_BYTES
    )


def test_a_pcie_pair_keeps_for_its_kv_pool_what_a_switched_pair_spends_on_nccl() -> None:
    from llmsize.estimate.core import estimate
    from llmsize.hardware.gpus import get_gpu
    from llmsize.specs.resolve import resolve

    pools = {}
    for link in ("pcie", "nvls"):
        wl = Workload(engine="vllm", tp=2, num_gpus=2, context=8192, gpu_link=link)  # type: ignore[arg-type]
        est = estimate(resolve("Qwen2.5-14B"), wl)
        pools[link] = Vllm(wl).budget(est, get_gpu("RTX-4090").visible_memory_bytes, wl).kv_pool_bytes or 0
    assert pools["pcie"] - pools["nvls"] == NON_TORCH_TP_EXTRA_BYTES


def test_the_plan_records_the_catalog_link() -> None:
    from llmsize.hardware.gpus import get_gpu
    from llmsize.hardware.plan import Planner
    from llmsize.specs.resolve import resolve

    planner = Planner(resolve("Qwen2.5-14B"), Workload(engine="vllm", tp=2, num_gpus=2))  # type: ignore[arg-type]
    assert planner.for_gpu(get_gpu("RTX-4090")).wl.gpu_link == "pcie"
    assert planner.for_gpu(get_gpu("H100")).wl.gpu_link == "nvls"
