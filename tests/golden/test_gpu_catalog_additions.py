"""The GPUs added in 2026-12 (cards of llama.cpp's scoreboards, Ollama and vLLM reports): sources,
internally consistent figures, the published numbers they come from, and the names tools print."""

from __future__ import annotations

import pytest

from llmsize.errors import ConfigError
from llmsize.hardware.detect import DetectedGpu
from llmsize.hardware.gpus import GpuSpec, get_gpu, load_catalog, load_gpu_file
from llmsize.hardware.local_gpu import spec_for_detected
from llmsize.hardware.vulkan_paths import vulkan_path
from llmsize.units import GIB, MIB

GEFORCE = ["RTX-3090-Ti", "RTX-3080-Ti", "RTX-3080-12GB", "RTX-3070-Ti", "RTX-3070", "RTX-3060-Ti",
           "RTX-3060-8GB", "RTX-2080-Super", "RTX-2080", "RTX-2070", "RTX-2060-12GB", "RTX-4080-Super",
           "RTX-4070-Ti-Super", "RTX-4070-Super", "RTX-4070", "RTX-4060-Ti-8GB", "RTX-4060"]
NVIDIA_PRO = ["RTX-A5000", "RTX-A4500", "RTX-A4000", "RTX-A2000-12GB", "RTX-5000-Ada", "RTX-4500-Ada",
              "RTX-4000-Ada", "RTX-2000-Ada",
              "RTX-PRO-5000-Blackwell", "RTX-PRO-4500-Blackwell",
              "RTX-PRO-4000-Blackwell"]
OTHER = ["Titan-RTX", "Titan-V", "GH200-144GB", "A2", "A16", "Tesla-P40",
         "Tesla-P100-PCIe-16GB",
         "Jetson-Orin-Nano-Super-8GB", "Jetson-Orin-NX-16GB",
         "RX-7900-XT", "RX-7900-GRE", "RX-7800-XT", "RX-7700-XT", "RX-7600-XT", "RX-7600", "Radeon-Pro-W7900",
         "Radeon-Pro-W7800", "RX-6950-XT", "RX-6900-XT", "RX-6800-XT", "RX-6700-XT", "Radeon-VII",
         "MI50-32GB", "MI50-16GB", "MI60", "MI100", "MI210", "MI300A", "Ryzen-AI-9-HX-370-32GB",
         "Arc-B570", "Arc-A770-16GB", "Arc-A750", "Max-1100",
         "M1-7core-8GB", "M1-Pro-14core-16GB", "M1-Max-24core-32GB", "M1-Ultra-48core-64GB", "M2-8core-8GB",
         "M3-8core-8GB", "M3-Pro-14core-18GB", "M4-16GB", "M4-24GB"]
ADDED = GEFORCE + NVIDIA_PRO + OTHER


@pytest.mark.parametrize("gpu_id", ADDED)
def test_added_entry_has_a_source_and_consistent_figures(gpu_id: str) -> None:
    gpu = load_catalog().get(gpu_id)
    assert gpu.id == gpu_id
    assert gpu.source and gpu.source.startswith("https://")
    assert gpu.name and gpu.architecture
    assert gpu.tdp_w or gpu.vendor == "apple"  # Apple publishes no GPU power figure
    mem = gpu.memory
    if mem.type.startswith("GDDR"):  # discrete GDDR: the bus and data rate are on every product page
        assert mem.bus_bits and mem.data_rate_gbps, gpu_id
    if mem.bus_bits and mem.data_rate_gbps:
        assert gpu.bandwidth_gb_s == pytest.approx(mem.bus_bits * mem.data_rate_gbps / 8, rel=0.01)
    rates = gpu.tflops
    assert rates.fp32
    if rates.bf16:  # the loader's rule: a listed rate is a native dtype; and BF16 never outruns FP16
        assert rates.fp16 and rates.bf16 <= rates.fp16
    for low in (rates.int8, rates.fp8):
        if low and rates.fp16:
            assert low >= rates.fp16, gpu_id  # 8-bit paths are at least the 16-bit rate


# GeForce tensor cores run FP16 with FP32 accumulate at half the FP16-accumulate rate, so dense INT8
# is 4x the listed FP16 (GA102 whitepaper: RTX 3090 71 / 284; Turing: RTX 2080 Ti 53.8 / 215.2; Ada:
# RTX 4090 165.2 / 660.6); workstation cards run FP32 accumulate at full rate: INT8 = 2x FP16
# (RTX A6000 page: 309.7 sparse FP16 = 154.8 dense, 309.7 dense INT8).
@pytest.mark.parametrize(("ids", "ratio"), [(GEFORCE, 4.0), (NVIDIA_PRO, 2.0), (["Titan-RTX"], 2.0)])
def test_nvidia_int8_to_fp16_ratio_follows_the_accumulate_rate(ids: list[str], ratio: float) -> None:
    for gpu_id in ids:
        gpu = get_gpu(gpu_id)
        assert gpu.int8_ops is not None and gpu.fp16_flops is not None
        assert gpu.int8_ops / gpu.fp16_flops == pytest.approx(ratio, rel=0.01), gpu_id


# Published figures, each from the entry's source page or datasheet.
@pytest.mark.parametrize(("gpu_id", "field", "value"), [
    ("Tesla-P40", "bandwidth_gb_s", 346),      # P40 datasheet: "346 GB/s"
    ("Tesla-P40", "int8", 47),                 # P40 datasheet: "47 TOPS" INT8
    ("Tesla-P100-PCIe-16GB", "fp16", 18.7),    # P100 PCIe datasheet: "18.7 TeraFLOPS" half precision
    ("Titan-RTX", "fp16", 130),                # "130 Tensor TFLOPS"
    ("Titan-V", "fp16", 110),                  # "110 TFLOPS" deep learning
    ("A2", "fp16", 18),                        # A2 page: FP16 Tensor Core "18 | 36" TFLOPS
    ("A16", "int8", 35.9),                     # A16 page: INT8 "4x 35.9 | 4x 71.8" TOPS
    ("RTX-A4000", "int8", 153.4),              # "153.4 TFLOPS" tensor performance
    ("RTX-5000-Ada", "fp8", 1044.4 / 2),       # "1,044.4 TFLOPS" (FP8, sparse)
    ("RTX-4070-Super", "fp8", 568 / 4),        # "568 AI TOPS" (FP8 sparse, FP16 accumulate)
    ("RX-7900-XT", "bandwidth_gb_s", 800),     # AMD page: 800 GB/s
    ("MI100", "fp16", 184.6),                  # AMD page: peak FP16 matrix 184.6 TFLOPS
    ("MI210", "bandwidth_gb_s", 1638.4),       # AMD page: 1.6 TB/s (4,096 bits x 3.2 Gbps)
    ("MI300A", "fp16", 980.6),                 # AMD page: FP16 980.6 TFLOPS dense (1961.2 sparse)
    ("Arc-B570", "int8", 203),                 # Intel: "203 AI TOPS"
    ("GH200-144GB", "bandwidth_gb_s", 4900),   # NVIDIA GH200 page: 4.9 TB/s HBM3e
])
def test_published_figures(gpu_id: str, field: str, value: float) -> None:
    gpu = get_gpu(gpu_id)
    got = gpu.bandwidth_gb_s if field == "bandwidth_gb_s" else getattr(gpu.tflops, field)
    assert got == pytest.approx(value, rel=0.005)


def test_p40_computes_fp16_models_at_the_fp32_rate() -> None:
    # GP102 runs FP16 at 1/64 of FP32; llama.cpp keeps cc 6.1 off its fast-FP16 paths
    # (ggml-cuda common.cuh fast_fp16_hardware_available: cc != 610) and computes in FP32.
    p40 = get_gpu("Tesla P40")
    assert p40.flops_for("fp16") == p40.fp32_flops == pytest.approx(11.8e12)
    assert p40.flops_for("bf16") == p40.fp32_flops  # no BF16 before Ampere
    assert p40.flops_for("int8") == pytest.approx(47e12)  # DP4A, what llama.cpp's MMQ uses on sm_61
    assert not p40.supports("bf16") and not p40.supports("fp8")
    # DP4A is not a matrix unit: ggml-vulkan runs the scalar shaders there, as on a GTX 1660.
    assert vulkan_path(p40) == "scalar" == vulkan_path(get_gpu("GTX-1660"))
    assert vulkan_path(get_gpu("RTX-2080")) == "coopmat"  # Turing: KHR coopmat only
    assert vulkan_path(get_gpu("RTX-3090-Ti")) == "coopmat2"
    # nvidia-smi "0MiB /  24576MiB" (https://github.com/dphnAI/sonar/issues/522)
    assert p40.memory_bytes == 24576 * MIB


@pytest.mark.parametrize(("typed", "gpu_id"), [
    ("3090 Ti", "RTX-3090-Ti"), ("rtx 3090", "RTX-3090"), ("rtx-4070-super", "RTX-4070-Super"),
    ("4070 Ti Super", "RTX-4070-Ti-Super"), ("4070 ti", "RTX-4070-Ti"), ("p40", "Tesla-P40"),
    ("P100", "Tesla-P100-PCIe-16GB"), ("7900 xt", "RX-7900-XT"), ("7900xtx", "RX-7900-XTX"),
    ("a770", "Arc-A770-16GB"), ("B580", "Arc-B580"), ("mi50", "MI50-32GB"), ("gh200", "GH200-96GB"),
    ("a4000", "RTX-A4000"), ("RTX 4000 Ada", "RTX-4000-Ada"), ("rtx-pro-4500", "RTX-PRO-4500-Blackwell"),
    ("orin nano", "Jetson-Orin-Nano-Super-8GB"), ("HX 370", "Ryzen-AI-9-HX-370-32GB"),
    ("Titan RTX", "Titan-RTX"), ("radeon vii", "Radeon-VII"), ("w7900", "Radeon-Pro-W7900"),
])
def test_spellings_users_type(typed: str, gpu_id: str) -> None:
    assert get_gpu(typed).id == gpu_id


# Names as nvidia-smi / amdsmi / rocm-smi / sycl-ls print them -> the entry `--gpu local` plans with.
@pytest.mark.parametrize(("printed", "vendor", "gpu_id"), [
    ("NVIDIA GeForce RTX 3090 Ti", "nvidia", "RTX-3090-Ti"),
    ("NVIDIA GeForce RTX 4070 SUPER", "nvidia", "RTX-4070-Super"),
    ("NVIDIA GeForce RTX 2080 SUPER", "nvidia", "RTX-2080-Super"),
    ("Tesla P40", "nvidia", "Tesla-P40"),
    ("Tesla P100-PCIE-16GB", "nvidia", "Tesla-P100-PCIe-16GB"),
    ("NVIDIA A16", "nvidia", "A16"),
    ("NVIDIA GH200 480GB", "nvidia", "GH200-96GB"),
    ("NVIDIA RTX A5000", "nvidia", "RTX-A5000"),
    ("NVIDIA RTX 4000 Ada Generation", "nvidia", "RTX-4000-Ada"),
    ("NVIDIA TITAN RTX", "nvidia", "Titan-RTX"),
    ("AMD Radeon RX 7900 XT", "amd", "RX-7900-XT"),
    ("AMD Radeon RX 6800 XT", "amd", "RX-6800-XT"),
    ("AMD Instinct MI100", "amd", "MI100"),
    ("AMD Radeon PRO W7900", "amd", "Radeon-Pro-W7900"),
    ("Intel(R) Arc(TM) A770 Graphics", "intel", "Arc-A770-16GB"),
])
def test_detected_names_map_to_the_new_entries(printed: str, vendor: str, gpu_id: str) -> None:
    detected = DetectedGpu(printed, vendor, 20 * GIB, None, "test")
    spec, note = spec_for_detected(detected, load_catalog())
    assert (spec.id, note) == (gpu_id, None)
    assert spec.speed_known and spec.visible_memory_bytes == 20 * GIB  # the driver's total wins


@pytest.mark.parametrize(("chip", "ram_gib", "gpu_id"), [
    ("Apple M4", 24, "M4-24GB"),        # not the M4 Pro 16-core, whose name also starts "Apple M4"
    ("Apple M4", 16, "M4-16GB"),
    ("Apple M4 Pro", 24, "M4-Pro-16core-24GB"),
    ("Apple M1 Ultra", 64, "M1-Ultra-48core-64GB"),
    ("Apple M3 Pro", 18, "M3-Pro-14core-18GB"),
])
def test_apple_chip_and_ram_pick_the_entry(chip: str, ram_gib: int, gpu_id: str) -> None:
    detected = DetectedGpu(chip, "apple", ram_gib * GIB * 2 // 3, None, "sysctl", unified=True,
                           ram_bytes=ram_gib * GIB)
    spec, _ = spec_for_detected(detected, load_catalog())
    assert spec.id == gpu_id


def test_bandwidth_that_disagrees_with_bus_and_rate_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "gpus.yaml"
    bad.write_text("gpus:\n  - id: Typo\n    memory: {size: 24, bus_bits: 384, data_rate_gbps: 21}\n"
                   "    bandwidth_gb_s: 100.8\n    tflops: {fp32: 40}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bus_bits x data_rate_gbps / 8 = 1008"):
        load_gpu_file(bad)


def test_user_entry_without_bus_fields_still_loads() -> None:
    spec = GpuSpec.model_validate({"id": "x", "memory": 24, "bandwidth_gb_s": 500, "tflops": {"fp32": 10}})
    assert spec.memory.bus_bits is None and spec.bandwidth_gb_s == 500
