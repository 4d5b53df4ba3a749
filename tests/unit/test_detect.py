"""Hardware detection against recorded tool outputs (tests/fixtures/detect/README.md names each)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.hardware.detect import (
    NVIDIA_SMI_QUERY,
    Machine,
    Probe,
    ProbeError,
    detect,
    parse_meminfo,
    parse_nvidia_smi_csv,
    parse_rocm_smi_json,
    parse_vm_stat,
)
from llmsize.hardware.gpus import load_catalog
from llmsize.hardware.local_gpu import local_gpus
from llmsize.units import GIB, MIB

FIXTURES = Path(__file__).parents[1] / "fixtures" / "detect"
ROCM = ["rocm-smi", "--showproductname", "--showmeminfo", "vram", "--json"]
SYSCTL = ["sysctl", "hw.memsize", "machdep.cpu.brand_string", "iogpu.wired_limit_mb"]


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fake_probe(
    tools: dict[str, str | Exception],
    files: dict[str, str] | None = None,
    platform: str = "linux",
    sysfs: str | None = None,
    modules: dict[str, Any] | None = None,
) -> Probe:
    """A Probe that answers from recorded outputs; a missing tool is 'not found'."""
    files = dict(files or {})
    if sysfs:
        root = FIXTURES / "sysfs" / sysfs
        for path in root.rglob("*"):
            if path.is_file():
                files[f"/sys/class/drm/{path.relative_to(root).as_posix()}"] = path.read_text()

    def run(cmd: list[str]) -> str:
        answer = tools.get(cmd[0])
        if answer is None:
            raise ProbeError(f"{cmd[0]} not found")
        if isinstance(answer, Exception):
            raise answer
        return answer

    def read(path: str) -> str:
        if path not in files:
            raise FileNotFoundError(path)
        return files[path]

    def glob(pattern: str) -> list[str]:
        suffix = pattern.rsplit("*", 1)[-1]
        return sorted(p for p in files if p.startswith("/sys/class/drm/card") and p.endswith(suffix))

    def import_module(name: str) -> Any:
        if modules and name in modules:
            return modules[name]
        raise ImportError(name)

    return Probe(run=run, read=read, glob=glob, platform=platform, import_module=import_module)


LINUX_RAM = {"/proc/meminfo": fixture("meminfo/128g.txt")}


def test_two_identical_nvidia_gpus_plan_as_two() -> None:
    machine = detect(fake_probe({"nvidia-smi": fixture("nvidia-smi/2x-rtx-4090.csv")}, LINUX_RAM))
    assert [g.total_bytes for g in machine.gpus] == [24564 * MIB, 24564 * MIB]
    assert machine.gpus[1].free_bytes == 23911 * MIB
    local = local_gpus(machine, load_catalog())
    assert (local.spec.id, local.count) == ("RTX-4090", 2)
    # The driver's total replaces the catalog's memory; bandwidth and FLOPS stay the catalog's.
    assert local.spec.visible_memory_bytes == 24564 * MIB
    assert local.spec.bandwidth_gb_s == load_catalog().get("RTX-4090").bandwidth_gb_s
    assert "2x NVIDIA GeForce RTX 4090 (nvidia-smi)" in machine.summary()
    assert "free now" in machine.summary()


def test_mixed_gpus_plan_as_n_of_the_smallest() -> None:
    machine = detect(fake_probe({"nvidia-smi": fixture("nvidia-smi/mixed-5090-3090.csv")}, LINUX_RAM))
    local = local_gpus(machine, load_catalog())
    assert local.count == 2
    assert local.spec.id == "RTX-3090"
    assert local.spec.visible_memory_bytes == 24576 * MIB
    assert any("mixed GPUs" in n for n in local.notes)


def test_gb10_without_framebuffer_is_unified_system_ram() -> None:
    machine = detect(fake_probe({"nvidia-smi": fixture("nvidia-smi/gb10.csv")}, LINUX_RAM))
    (gpu,) = machine.gpus
    assert gpu.unified
    assert gpu.total_bytes == 131072000 * 1024  # MemTotal
    assert gpu.free_bytes == 120000000 * 1024  # MemAvailable
    assert local_gpus(machine, load_catalog()).spec.id == "DGX-Spark"


def test_garbage_nvidia_smi_is_one_note_and_falls_back_to_ram() -> None:
    machine = detect(fake_probe({"nvidia-smi": fixture("nvidia-smi/garbage.txt")}, LINUX_RAM))
    assert machine.gpus == ()
    assert any("nvidia-smi: cannot read" in n for n in machine.notes)
    assert any("sizing against system RAM" in n for n in machine.notes)
    local = local_gpus(machine, load_catalog())
    assert local.spec.id == "local-cpu"
    assert local.spec.visible_memory_bytes == 120000000 * 1024  # MemAvailable: the OS keeps the rest
    assert not local.spec.speed_known


@pytest.mark.parametrize(
    "error",
    [
        ProbeError("nvidia-smi: permission denied"),
        ProbeError("nvidia-smi exited with 9: NVIDIA-SMI has failed"),
    ],
)
def test_failing_tool_is_noted_not_raised(error: ProbeError) -> None:
    machine = detect(fake_probe({"nvidia-smi": error}, LINUX_RAM))
    assert str(error) in machine.notes
    assert machine.ram_total_bytes == 131072000 * 1024


def test_missing_tools_and_no_meminfo_still_answer() -> None:
    machine = detect(fake_probe({}, {}))
    assert machine.gpus == ()
    assert machine.ram_total_bytes is None
    assert "RAM unknown" in machine.summary()


def test_nvml_is_used_when_importable() -> None:
    class Info:
        total, free = 81559 * MIB, 80000 * MIB

    class FakeNvml:
        nvmlInit = nvmlShutdown = staticmethod(lambda: None)
        nvmlDeviceGetCount = staticmethod(lambda: 1)
        nvmlDeviceGetHandleByIndex = staticmethod(lambda i: i)
        nvmlDeviceGetName = staticmethod(lambda h: b"NVIDIA H100 80GB HBM3")
        nvmlDeviceGetMemoryInfo = staticmethod(lambda h: Info())

    machine = detect(fake_probe({}, LINUX_RAM, modules={"pynvml": FakeNvml}))
    assert machine.gpus[0].source == "NVML"
    assert local_gpus(machine, load_catalog()).spec.id == "H100-SXM-80GB"


def test_rocm_smi_json() -> None:
    (gpu,) = parse_rocm_smi_json(fixture("rocm-smi/mi300x.json"))
    assert gpu.total_bytes == 206141652992
    assert gpu.free_bytes == 206141652992 - 297771008
    machine = detect(fake_probe({"rocm-smi": fixture("rocm-smi/mi300x.json")}, LINUX_RAM))
    assert local_gpus(machine, load_catalog()).spec.id == "MI300X"


def test_amdsmi_is_used_when_importable() -> None:
    class Vram:
        VRAM = "vram"

    class FakeAmdSmi:
        AmdSmiMemoryType = Vram
        amdsmi_init = amdsmi_shut_down = staticmethod(lambda: None)
        amdsmi_get_processor_handles = staticmethod(lambda: [0, 1])
        amdsmi_get_gpu_memory_total = staticmethod(lambda h, t: 206141652992)
        amdsmi_get_gpu_memory_usage = staticmethod(lambda h, t: 297771008)
        amdsmi_get_gpu_asic_info = staticmethod(lambda h: {"market_name": "AMD Instinct MI300X"})

    machine = detect(fake_probe({}, LINUX_RAM, modules={"amdsmi": FakeAmdSmi}))
    assert [g.source for g in machine.gpus] == ["amdsmi", "amdsmi"]
    local = local_gpus(machine, load_catalog())
    assert (local.spec.id, local.count) == ("MI300X", 2)


def test_amdsmi_failing_falls_back_to_rocm_smi() -> None:
    class Broken:
        @staticmethod
        def amdsmi_init() -> None:
            raise RuntimeError("no driver")

    probe = fake_probe({"rocm-smi": fixture("rocm-smi/mi300x.json")}, LINUX_RAM, modules={"amdsmi": Broken})
    machine = detect(probe)
    assert machine.gpus[0].source == "rocm-smi"
    assert "amdsmi: RuntimeError" in machine.notes


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"card0": {"Card Series": "X"}}'])
def test_rocm_smi_garbage(text: str) -> None:
    with pytest.raises(ProbeError):
        parse_rocm_smi_json(text)


def test_strix_halo_from_sysfs_uses_gtt() -> None:
    machine = detect(fake_probe({}, LINUX_RAM, sysfs="strix-halo"))
    (gpu,) = machine.gpus
    assert gpu.unified and gpu.vendor == "amd"
    # ROCm reports the GTT pool (98304 MiB) when it exceeds the 4 GiB carve-out (noamsto/nix-amd-ai#42).
    assert gpu.total_bytes == 103079215104 == 98304 * MIB
    assert gpu.free_bytes == 103079215104 - 1083179008


def test_apple_default_wired_limit() -> None:
    tools = {"sysctl": fixture("sysctl/m2-max-64gb.txt"), "vm_stat": fixture("sysctl/vm_stat.txt")}
    probe = fake_probe(tools, platform="darwin")
    machine = detect(probe)
    (gpu,) = machine.gpus
    assert gpu.total_bytes == 48 * GIB  # 3/4 of 64 GiB (gpustack/gpustack#1375)
    assert machine.ram_available_bytes == (1204224 + 655360 + 32768) * 16384
    # The catalog holds a 96 GB M2 Max only: a 64 GB one is sized from what sysctl reported.
    local = local_gpus(machine, load_catalog())
    assert local.spec.visible_memory_bytes == 48 * GIB


def test_apple_raised_wired_limit_is_read() -> None:
    text = fixture("sysctl/m2-max-64gb.txt").replace("iogpu.wired_limit_mb: 0", "iogpu.wired_limit_mb: 57344")
    machine = detect(fake_probe({"sysctl": text}, platform="darwin"))
    assert machine.gpus[0].total_bytes == 56 * GIB
    assert machine.gpus[0].free_bytes is None


def test_parsers_reject_or_skip_noise() -> None:
    with pytest.raises(ProbeError):
        parse_nvidia_smi_csv("")
    with pytest.raises(ProbeError):
        parse_nvidia_smi_csv("NVIDIA GB10, [N/A], [N/A]")  # no RAM to fall back on
    assert parse_vm_stat("nothing here") is None
    assert parse_meminfo("garbage") == (None, None)


def test_query_is_csv_without_units() -> None:
    assert "--format=csv,noheader,nounits" in NVIDIA_SMI_QUERY


def _unused(_: Callable[..., Any], __: Machine) -> None:  # keeps imports honest for type checkers
    return None


@given(
    st.lists(
        st.sampled_from(
            [
                ("NVIDIA GeForce RTX 4090", 24564),
                ("NVIDIA GeForce RTX 3090", 24576),
                ("NVIDIA GeForce RTX 5090", 32607),
                ("NVIDIA H100 80GB HBM3", 81559),
            ]
        ),
        min_size=1,
        max_size=8,
    )
)
def test_every_gpu_counts_and_the_smallest_bounds_the_plan(cards: list[tuple[str, int]]) -> None:
    csv = "".join(f"{name}, {mib}, {mib // 2}\n" for name, mib in cards)
    local = local_gpus(detect(fake_probe({"nvidia-smi": csv}, LINUX_RAM)), load_catalog())
    assert local.count == len(cards)
    assert local.spec.visible_memory_bytes == min(mib for _, mib in cards) * MIB
    assert any("mixed GPUs" in n for n in local.notes) == (len({name for name, _ in cards}) > 1)


def test_an_unforeseen_error_in_a_probe_is_a_note() -> None:
    class Weird:
        @staticmethod
        def nvmlInit() -> None:
            return None

        @staticmethod
        def nvmlDeviceGetCount() -> int:
            raise ZeroDivisionError("driver says 1/0")

    probe = fake_probe({}, LINUX_RAM, modules={"pynvml": Weird})
    machine = detect(probe)
    assert machine.gpus == ()
    assert any("ZeroDivisionError" in n for n in machine.notes)
