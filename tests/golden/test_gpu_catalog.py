"""The bundled GPU catalog against its public sources and the rules every entry must obey."""

from __future__ import annotations

import pytest

from llmsize.hardware.gpus import bundled_gpus, get_gpu
from llmsize.units import GB, GIB, MIB

# NVIDIA architectures in release order: BF16 arrived with Ampere, FP8 with Ada/Hopper.
NVIDIA_ORDER = ["pascal", "volta", "turing", "ampere", "ada", "hopper", "blackwell"]
REQUIRED_SEGMENTS = {"datacenter", "workstation", "consumer", "embedded"}


def test_every_entry_cites_a_public_source() -> None:
    for gpu in bundled_gpus():
        assert gpu.source and gpu.source.startswith("https://"), gpu.id
        assert gpu.name and gpu.architecture, gpu.id
        if gpu.memory.driver_mib:
            assert gpu.memory.driver_source and gpu.memory.driver_source.startswith("https://"), gpu.id
        if gpu.memory.gpu_share:
            assert gpu.memory.gpu_share_source, gpu.id


def test_no_bf16_before_ampere_and_no_fp8_before_ada_or_hopper() -> None:
    for gpu in bundled_gpus():
        if gpu.vendor != "nvidia":
            continue
        era = NVIDIA_ORDER.index(gpu.architecture)
        assert gpu.supports("bf16") == (era >= NVIDIA_ORDER.index("ampere")), gpu.id
        assert gpu.supports("fp8") == (era >= NVIDIA_ORDER.index("ada")), gpu.id
    for gpu in bundled_gpus():
        if gpu.vendor == "amd":
            assert gpu.supports("fp8") == (gpu.architecture == "cdna3"), gpu.id
        if gpu.vendor == "apple":
            assert not gpu.supports("fp8"), gpu.id


def test_catalog_covers_the_segments_and_vendors() -> None:
    gpus = bundled_gpus()
    assert {g.segment for g in gpus} >= REQUIRED_SEGMENTS
    assert {"nvidia", "amd", "apple"} <= {g.vendor for g in gpus}
    for name in ["B200", "H200", "H100", "H100 PCIe", "H100 NVL", "H20", "H800", "A100 40GB", "A100 80GB",
                 "A800", "L40S", "L40", "L4", "A10", "A10G", "A30", "A40", "T4", "V100", "V100 32GB",
                 "RTX 6000 Ada", "A6000", "5090", "4090", "4080", "4070 Ti", "4060 Ti", "3090", "3080",
                 "3060", "2080 Ti", "GTX 1660", "MI300X", "MI325X", "MI250X", "7900 XTX", "M2 Ultra",
                 "M3 Max", "Jetson AGX Orin"]:
        get_gpu(name)


# Dense tensor throughput: NVIDIA's H100 page lists BF16 "1,979 teraFLOPS*" with the footnote
# "* With sparsity" (https://www.nvidia.com/en-us/data-center/h100/), A100 "312 | 624*"
# (https://www.nvidia.com/en-us/data-center/a100/), L40S "362.05 | 733*"
# (https://www.nvidia.com/en-us/data-center/l40s/); AMD lists MI300X FP16 1307.4 TFLOPS dense
# (https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html); the Ada whitepaper
# gives the RTX 4090 165.2 TFLOPS FP16 with FP32 accumulate, dense.
@pytest.mark.parametrize(
    ("gpu", "bf16_tflops", "fp8_tflops"),
    [
        ("H100-SXM-80GB", 1979 / 2, 3958 / 2),
        ("A100-SXM-80GB", 312, None),
        ("L40S", 362.05, 733),
        ("MI300X", 1307.4, 2614.9),
        ("RTX-4090", 165.2, 330.3),
    ],
)
def test_dense_not_sparse_throughput(gpu: str, bf16_tflops: float, fp8_tflops: float | None) -> None:
    spec = get_gpu(gpu)
    assert spec.bf16_flops == pytest.approx(bf16_tflops * 1e12, rel=1e-3)
    if fp8_tflops is None:
        assert spec.fp8_flops is None
    else:
        assert spec.fp8_flops == pytest.approx(fp8_tflops * 1e12, rel=1e-3)


# Driver totals from nvidia-smi: H100 81559MiB, A100 80GB 81920MiB, A100 40GB 40960MiB, L4 23034MiB,
# T4 15360MiB (https://github.com/modal-labs/modal-client/pull/2797); RTX 4090 24564MiB
# (https://github.com/RLinf/RLinf/issues/255).
@pytest.mark.parametrize(
    ("gpu", "mib"),
    [("H100-SXM-80GB", 81559), ("A100-SXM-80GB", 81920), ("A100-SXM-40GB", 40960), ("L4", 23034),
     ("T4", 15360), ("RTX-4090", 24564)],
)
def test_driver_reported_memory(gpu: str, mib: int) -> None:
    assert get_gpu(gpu).memory_bytes == mib * MIB


def test_vendor_gigabytes_are_binary_for_dram() -> None:
    # An "80 GB" H100 shows 81,559 MiB: more than 80 * 10^9 bytes, less than 80 GiB.
    h100 = get_gpu("h100").memory_bytes
    assert 80 * GB < h100 < 80 * GIB


# Bandwidth: H100 SXM 3.35 TB/s, H200 4.8 TB/s (NVIDIA pages), MI300X 5.3 TB/s (AMD page),
# RTX 4090 21 Gbps x 384-bit = 1008 GB/s (NVIDIA specs page).
@pytest.mark.parametrize(
    ("gpu", "gb_s"), [("H100-SXM-80GB", 3350), ("H200-SXM-141GB", 4800), ("MI300X", 5300), ("RTX-4090", 1008)]
)
def test_bandwidth(gpu: str, gb_s: float) -> None:
    assert get_gpu(gpu).bandwidth_bytes_per_s == pytest.approx(gb_s * 1e9)
