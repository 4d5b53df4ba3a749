"""Where NCCL keeps a tensor-parallel rank's buffers, by how the GPUs are linked (vLLM and SGLang alike).

NCCL picks its transport per peer: on an NVLink switch (the catalog's "NVLink 2".."NVLink 5" on SXM
parts) the P2P transport puts every channel's receive buffers in device memory, and from the third
NVSwitch generation (NVLink 4 / 5: H100, H200, B200 HGX) NVLink SHARP adds multicast buffers ("set
NCCL_NVLS_ENABLE=0 for memory saving", NVIDIA/NeMo-Framework-Launcher#127); the engines' custom
all-reduce also maps IPC buffers over NVLink. Between GeForce cards on PCIe, which have no
peer-to-peer access, NCCL falls back to its SHM transport, whose buffers are host shared memory (the
9.2 MiB /dev/shm/nccl-* segment per connection, sgl-project/sgl-project.github.io#5), and the custom
all-reduce is disabled. An NVLink bridge is a capability of the card, not a switch: taken as PCIe.
The engines' GPU defaults record the class of the catalog's interconnect (Workload.gpu_link); no GPU
given leaves it unknown.
"""

from __future__ import annotations

from typing import Literal

Link = Literal["pcie", "switch", "nvls"]
# The NVLink generations whose switch systems run NVLS (multicast needs the third-generation NVSwitch).
NVLS_LINKS = ("NVLink 4", "NVLink 5")


def link_class(interconnect: str | None) -> Link:
    """The class of a catalog interconnect name: an NVLink 4 / 5 switch (NVLS), another switched or
    fabric link (NCCL buffers in device memory: NVLink 2 / 3, Infinity Fabric, a NIC), or PCIe (no
    interconnect, or an NVLink bridge)."""
    if not interconnect or "bridge" in interconnect:
        return "pcie"
    return "nvls" if interconnect.startswith(NVLS_LINKS) else "switch"


def device_buffers(link: Link | None) -> bool:
    """Whether NCCL's channel buffers sit in device memory: on every link but PCIe; an unknown link (no
    GPU given) is taken as the datacenter case the engines' published figures are."""
    return link != "pcie"
