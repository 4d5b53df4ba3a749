"""What accelerators this machine has: NVIDIA, AMD, Apple silicon, Linux unified memory, or none.

Each probe asks the tool or file the vendor provides and parses its answer; a probe that cannot run
(tool missing, permission denied, output it cannot read) adds one note and the next probe runs.
Probes, in order:
- NVIDIA: NVML through nvidia-ml-py (optional import), else ``nvidia-smi --query-gpu=...`` CSV.
  GB10 (DGX Spark) reports no framebuffer ("[N/A]"): its GPU allocates from system RAM.
- AMD: amdsmi (optional import), else ``rocm-smi --showproductname --showmeminfo vram --json``, else
  the kernel's /sys/class/drm/card*/device/mem_info_{vram,gtt}_{total,used}. An APU (Strix Halo)
  has less VRAM (the carve-out) than GTT; amdgpu then serves the GPU from GTT.
- Apple: ``sysctl hw.memsize machdep.cpu.brand_string iogpu.wired_limit_mb`` and ``vm_stat``.
- RAM: /proc/meminfo (MemTotal, MemAvailable) on Linux, hw.memsize and vm_stat on macOS.
- CPU cores: the thread count llama.cpp (and Ollama) run host-resident weights on by default, its
  physical cores (see `physical_cores`).
Nothing here runs at import time; tests replace `Probe` with recorded outputs.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from llmsize.units import GIB, MIB

KIB = 1024
TOOL_TIMEOUT_S = 10


class ProbeError(Exception):
    """A probe could not run or could not read its tool's answer (message: one line)."""


@dataclass(frozen=True)
class DetectedGpu:
    """One accelerator as the driver reports it; bytes are the runtime's view."""

    name: str
    vendor: str
    total_bytes: int
    free_bytes: int | None
    source: str
    unified: bool = False
    ram_bytes: int | None = None  # unified memory: the machine's RAM behind the GPU limit
    wired_limit_mb: int | None = None  # macOS: iogpu.wired_limit_mb as read (0 = default)


@dataclass(frozen=True)
class Machine:
    """This machine: its accelerators, its RAM and what detection had to say."""

    gpus: tuple[DetectedGpu, ...]
    ram_total_bytes: int | None
    ram_available_bytes: int | None
    notes: tuple[str, ...] = ()
    cpu_cores: int | None = None  # physical cores: llama.cpp's default -t (physical_cores)

    def summary(self) -> str:
        """One line: what was detected, total and free now."""
        ram = ""
        if self.ram_total_bytes:
            ram = f"RAM {self.ram_total_bytes / GIB:,.1f} GiB"
            if self.ram_available_bytes is not None:
                ram += f" ({self.ram_available_bytes / GIB:,.1f} GiB available now)"
        if not self.gpus:
            return f"no GPU detected; {ram or 'RAM unknown'}"
        groups: dict[tuple[str, str], list[DetectedGpu]] = {}
        for gpu in self.gpus:
            groups.setdefault((gpu.name, gpu.source), []).append(gpu)
        parts = []
        for (name, source), same in groups.items():
            total = same[0].total_bytes
            free = [g.free_bytes for g in same if g.free_bytes is not None]
            text = f"{len(same)}x {name} ({source}): {total / GIB:,.1f} GiB"
            text += " GPU limit of unified memory" if same[0].unified else " each"
            if free:
                text += f", {min(free) / GIB:,.1f} GiB free now" + (" (least)" if len(free) > 1 else "")
            parts.append(text)
        return "; ".join(parts) + (f"; {ram}" if ram else "")


@dataclass
class Probe:
    """How detection reaches the system: commands, files and optional Python modules.

    Tests give recorded outputs instead (tests/fixtures/detect/); the defaults touch the real machine.
    """

    run: Callable[[list[str]], str] = field(default=lambda cmd: _run_tool(cmd))
    read: Callable[[str], str] = field(default=lambda path: Path(path).read_text(encoding="utf-8"))
    glob: Callable[[str], list[str]] = field(default=lambda pattern: _glob(pattern))
    platform: str = sys.platform
    import_module: Callable[[str], Any] | None = None  # None: the real importlib
    logical_cpus: int | None = None  # None: os.cpu_count()


def _run_tool(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise ProbeError(f"{cmd[0]} not found") from None
    except PermissionError:
        raise ProbeError(f"{cmd[0]}: permission denied") from None
    except (subprocess.TimeoutExpired, OSError) as err:
        raise ProbeError(f"{cmd[0]}: {type(err).__name__}") from None
    if done.returncode != 0:
        first = (done.stderr or done.stdout).strip().splitlines()[:1]
        raise ProbeError(f"{cmd[0]} exited with {done.returncode}" + (f": {first[0][:120]}" if first else ""))
    return done.stdout


def _glob(pattern: str) -> list[str]:
    root, _, _rest = pattern.partition("*")
    base = Path(root).parent if not root.endswith("/") else Path(root)
    return sorted(str(p) for p in base.glob(Path(pattern).relative_to(base).as_posix()))


def _import(probe: Probe, name: str) -> Any:
    if probe.import_module is not None:
        return probe.import_module(name)
    import importlib

    return importlib.import_module(name)


# ------------------------------------------------------------------------------------------- parsers

NVIDIA_SMI_QUERY = [
    "nvidia-smi",
    "--query-gpu=name,memory.total,memory.free",
    "--format=csv,noheader,nounits",
]


def parse_nvidia_smi_csv(
    text: str, ram_total: int | None = None, ram_available: int | None = None
) -> list[DetectedGpu]:
    """Rows 'name, total MiB, free MiB'. '[N/A]' memory (GB10) means unified: the GPU uses RAM."""
    gpus = []
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != 3 or not cells[0]:
            raise ProbeError(f"nvidia-smi: cannot read {line.strip()[:80]!r}")
        name, total, free = cells
        if "N/A" in total or "Not Supported" in total:
            if not ram_total:
                raise ProbeError(f"nvidia-smi: {name} reports no memory and RAM is unknown")
            gpus.append(
                DetectedGpu(
                    name, "nvidia", ram_total, ram_available, "nvidia-smi", unified=True, ram_bytes=ram_total
                )
            )
            continue
        try:
            gpus.append(
                DetectedGpu(name, "nvidia", int(float(total)) * MIB, int(float(free)) * MIB, "nvidia-smi")
            )
        except ValueError:
            raise ProbeError(f"nvidia-smi: cannot read memory in {line.strip()[:80]!r}") from None
    if not gpus:
        raise ProbeError("nvidia-smi listed no GPU")
    return gpus


def parse_rocm_smi_json(text: str) -> list[DetectedGpu]:
    """`rocm-smi --showproductname --showmeminfo vram --json`: {"card0": {"VRAM Total Memory (B)": ...}}."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        raise ProbeError("rocm-smi: output is not JSON") from None
    if not isinstance(doc, dict):
        raise ProbeError("rocm-smi: unexpected JSON")
    gpus = []
    for card, info in sorted(doc.items()):
        if not card.startswith("card") or not isinstance(info, dict):
            continue
        keys = {k.lower(): v for k, v in info.items()}
        try:
            total = int(keys["vram total memory (b)"])
            used = int(keys.get("vram total used memory (b)", 0))
        except (KeyError, ValueError, TypeError):
            raise ProbeError(f"rocm-smi: no VRAM total for {card}") from None
        name = str(keys.get("card series") or keys.get("card model") or keys.get("card sku") or card)
        gpus.append(DetectedGpu(name, "amd", total, max(0, total - used), "rocm-smi"))
    if not gpus:
        raise ProbeError("rocm-smi listed no GPU")
    return gpus


def parse_sysctl(text: str) -> dict[str, str]:
    """`sysctl a b c` lines 'key: value' -> {key: value}."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def parse_vm_stat(text: str) -> int | None:
    """Bytes macOS could hand out now: free + inactive + speculative pages (vm_stat)."""
    size = re.search(r"page size of (\d+) bytes", text)
    if not size:
        return None
    pages = 0
    for label in ("Pages free", "Pages inactive", "Pages speculative"):
        m = re.search(rf"{label}:\s+(\d+)", text)
        if m:
            pages += int(m.group(1))
    return pages * int(size.group(1))


def parse_meminfo(text: str) -> tuple[int | None, int | None]:
    """/proc/meminfo -> (MemTotal, MemAvailable) in bytes."""
    values = {}
    for line in text.splitlines():
        m = re.match(r"(\w+):\s+(\d+)\s*kB", line)
        if m:
            values[m.group(1)] = int(m.group(2)) * KIB
    return values.get("MemTotal"), values.get("MemAvailable")


# -------------------------------------------------------------------------------------------- probes


def _nvidia(probe: Probe, ram: tuple[int | None, int | None], notes: list[str]) -> list[DetectedGpu]:
    try:
        return _nvml(probe, ram)
    except ProbeError as err:
        if "not installed" not in str(err) and "LibraryNotFound" not in str(err):
            notes.append(str(err))
    try:
        return parse_nvidia_smi_csv(probe.run(NVIDIA_SMI_QUERY), *ram)
    except ProbeError as err:
        if "not found" not in str(err):
            notes.append(str(err))
        return []


def _nvml(probe: Probe, ram: tuple[int | None, int | None]) -> list[DetectedGpu]:
    try:
        nvml = _import(probe, "pynvml")
    except ImportError:
        raise ProbeError("nvidia-ml-py not installed") from None
    try:
        nvml.nvmlInit()
    except Exception as err:  # NVMLError_LibraryNotFound, DriverNotLoaded, ...
        raise ProbeError(f"NVML: {type(err).__name__}") from None
    try:
        gpus = []
        for i in range(nvml.nvmlDeviceGetCount()):
            handle = nvml.nvmlDeviceGetHandleByIndex(i)
            name = nvml.nvmlDeviceGetName(handle)
            name = name.decode() if isinstance(name, bytes) else str(name)
            try:
                info = nvml.nvmlDeviceGetMemoryInfo(handle)
            except Exception:  # GB10: no dedicated framebuffer
                if not ram[0]:
                    raise ProbeError(f"NVML: {name} reports no memory and RAM is unknown") from None
                gpus.append(
                    DetectedGpu(name, "nvidia", ram[0], ram[1], "NVML", unified=True, ram_bytes=ram[0])
                )
                continue
            gpus.append(DetectedGpu(name, "nvidia", int(info.total), int(info.free), "NVML"))
        return gpus
    finally:
        with contextlib.suppress(Exception):
            nvml.nvmlShutdown()


def _amd(probe: Probe, notes: list[str], ram: tuple[int | None, int | None]) -> list[DetectedGpu]:
    try:
        return _amdsmi(probe)
    except ProbeError as err:
        if "not installed" not in str(err):
            notes.append(str(err))
    try:
        return parse_rocm_smi_json(probe.run(ROCM_SMI_QUERY))
    except ProbeError as err:
        if "not found" not in str(err):
            notes.append(str(err))
    try:
        return _drm_sysfs(probe, ram)
    except ProbeError as err:
        notes.append(str(err))
        return []


ROCM_SMI_QUERY = ["rocm-smi", "--showproductname", "--showmeminfo", "vram", "--json"]


def _amdsmi(probe: Probe) -> list[DetectedGpu]:
    """AMD SMI's Python API (amdsmi_get_gpu_memory_total / _usage with AmdSmiMemoryType.VRAM,
    amdsmi_get_gpu_asic_info()["market_name"]: https://rocm.docs.amd.com/projects/amdsmi/)."""
    try:
        amdsmi = _import(probe, "amdsmi")
    except ImportError:
        raise ProbeError("amdsmi not installed") from None
    try:
        amdsmi.amdsmi_init()
    except Exception as err:  # AmdSmiLibraryException: no driver, no permission
        raise ProbeError(f"amdsmi: {type(err).__name__}") from None
    try:
        vram = amdsmi.AmdSmiMemoryType.VRAM
        gpus = []
        for handle in amdsmi.amdsmi_get_processor_handles():
            total = int(amdsmi.amdsmi_get_gpu_memory_total(handle, vram))
            used = int(amdsmi.amdsmi_get_gpu_memory_usage(handle, vram))
            name = str(amdsmi.amdsmi_get_gpu_asic_info(handle).get("market_name") or "AMD GPU")
            gpus.append(DetectedGpu(name, "amd", total, max(0, total - used), "amdsmi"))
        return gpus
    except Exception as err:
        raise ProbeError(f"amdsmi: {type(err).__name__}") from None
    finally:
        with contextlib.suppress(Exception):
            amdsmi.amdsmi_shut_down()


def _read_int(probe: Probe, path: str) -> int | None:
    try:
        return int(probe.read(path).strip())
    except FileNotFoundError:
        return None
    except PermissionError:
        raise ProbeError(f"{path}: permission denied") from None
    except (OSError, ValueError):
        raise ProbeError(f"{path}: cannot read a number") from None


def _drm_sysfs(probe: Probe, ram: tuple[int | None, int | None]) -> list[DetectedGpu]:
    """amdgpu's sysfs counters; an APU (GTT larger than VRAM) is served from GTT (unified)."""
    gpus = []
    for vram_path in probe.glob("/sys/class/drm/card*/device/mem_info_vram_total"):
        device = vram_path.rsplit("/", 1)[0]
        vram = _read_int(probe, vram_path)
        if vram is None:
            continue
        vram_used = _read_int(probe, f"{device}/mem_info_vram_used") or 0
        gtt = _read_int(probe, f"{device}/mem_info_gtt_total") or 0
        gtt_used = _read_int(probe, f"{device}/mem_info_gtt_used") or 0
        card = device.split("/")[-2]
        try:
            name = probe.read(f"{device}/product_name").strip() or f"AMD GPU ({card})"
        except OSError:
            name = f"AMD GPU ({card})"
        if gtt > vram:
            name = f"AMD APU ({card})" if name == f"AMD GPU ({card})" else name
            gpus.append(
                DetectedGpu(
                    name, "amd", gtt, max(0, gtt - gtt_used), "sysfs (GTT)", unified=True, ram_bytes=ram[0]
                )
            )
        else:
            gpus.append(DetectedGpu(name, "amd", vram, max(0, vram - vram_used), "sysfs"))
    return gpus


def _apple(probe: Probe, notes: list[str]) -> tuple[list[DetectedGpu], int | None, int | None]:
    try:
        values = parse_sysctl(
            probe.run(["sysctl", "hw.memsize", "machdep.cpu.brand_string", "iogpu.wired_limit_mb"])
        )
    except ProbeError as err:
        notes.append(str(err))
        return [], None, None
    try:
        ram = int(values["hw.memsize"])
    except (KeyError, ValueError):
        notes.append("sysctl: no hw.memsize in its output")
        return [], None, None
    try:
        wired = int(values.get("iogpu.wired_limit_mb", "0") or 0)
    except ValueError:
        wired = 0
        notes.append("sysctl: cannot read iogpu.wired_limit_mb; using macOS's default limit")
    try:
        available = parse_vm_stat(probe.run(["vm_stat"]))
    except ProbeError:
        available = None
    chip = values.get("machdep.cpu.brand_string", "")
    if not chip.startswith("Apple"):
        return [], ram, available  # an Intel Mac: no Apple GPU to plan on
    from llmsize.hardware.unified import macos_limit_bytes

    limit = macos_limit_bytes(ram, wired)
    free = min(limit, available) if available is not None else None
    gpu = DetectedGpu(chip, "apple", limit, free, "sysctl", unified=True, ram_bytes=ram, wired_limit_mb=wired)
    return [gpu], ram, available


def _linux_ram(probe: Probe, notes: list[str]) -> tuple[int | None, int | None]:
    try:
        return parse_meminfo(probe.read("/proc/meminfo"))
    except OSError as err:
        notes.append(f"/proc/meminfo: {type(err).__name__}")
        return None, None


def parse_cpu_list(text: str) -> set[int]:
    """A kernel CPU list ("0-15,32-47") -> the CPU numbers it names."""
    cpus: set[int] = set()
    for part in text.strip().split(","):
        low, _, high = part.strip().partition("-")
        if low.isdigit() and (not high or high.isdigit()):
            cpus.update(range(int(low), int(high or low) + 1))
    return cpus


CPU_TOPOLOGY = "/sys/devices/system/cpu/cpu*/topology/thread_siblings"
HYBRID_P_CORES = "/sys/devices/cpu_core/cpus"  # only on x86 hybrid CPUs: the performance cores' CPUs


def physical_cores(probe: Probe) -> int | None:
    """The CPU threads llama.cpp uses when -t is not given, counted the way it counts them.

    common/common.cpp cpu_get_num_math -> cpu_get_num_physical_cores: on Linux one per distinct
    /sys/devices/system/cpu/cpuN/topology/thread_siblings (SMT siblings share one), and on an x86 hybrid
    CPU only the performance cores (it pins itself to each CPU and skips the efficiency cores; the kernel
    lists the performance cores' CPUs in /sys/devices/cpu_core/cpus). Ollama's default is the same count
    (discover/types.go GetOptimalThreadCount: CoreCount - EfficiencyCoreCount). Elsewhere llama.cpp's own
    fallback: the logical CPUs, halved above 4. None when even that is unknown.
    """
    if probe.platform.startswith("linux"):
        siblings: dict[int, str] = {}
        for path in probe.glob(CPU_TOPOLOGY):
            number = path.split("/")[-3].removeprefix("cpu")
            with contextlib.suppress(OSError, UnicodeDecodeError):
                if number.isdigit():
                    siblings[int(number)] = probe.read(path).strip()
        performance: set[int] = set()
        with contextlib.suppress(OSError, UnicodeDecodeError):
            performance = parse_cpu_list(probe.read(HYBRID_P_CORES))
        if performance and performance & siblings.keys():
            siblings = {cpu: mask for cpu, mask in siblings.items() if cpu in performance}
        if siblings:
            return len(set(siblings.values()))
    import os

    logical = os.cpu_count() if probe.logical_cpus is None else probe.logical_cpus
    if not logical:
        return None
    return logical if logical <= 4 else logical // 2


def apple_cores(probe: Probe) -> int | None:
    """macOS: llama.cpp's cpu_get_num_physical_cores reads hw.perflevel0.physicalcpu (the performance
    cores of Apple silicon), else hw.physicalcpu (an Intel Mac)."""
    for key in ("hw.perflevel0.physicalcpu", "hw.physicalcpu"):
        with contextlib.suppress(ProbeError):
            value = probe.run(["sysctl", "-n", key]).strip()
            if value.isdigit() and int(value) > 0:
                return int(value)
    return None


def detect(probe: Probe | None = None) -> Machine:
    """Everything this machine offers; never raises for a missing or broken tool (see Machine.notes)."""
    probe = probe or Probe()
    notes: list[str] = []
    if probe.platform == "darwin":
        no_apple: tuple[list[DetectedGpu], int | None, int | None] = ([], None, None)
        apple = _guarded("sysctl", lambda: _apple(probe, notes), no_apple, notes)
        return Machine(tuple(apple[0]), apple[1], apple[2], tuple(notes), apple_cores(probe))
    linux = probe.platform.startswith("linux")
    ram: tuple[int | None, int | None] = (None, None)
    if linux:
        ram = _guarded("/proc/meminfo", lambda: _linux_ram(probe, notes), ram, notes)
    none: list[DetectedGpu] = []
    gpus = _guarded("NVIDIA probe", lambda: _nvidia(probe, ram, notes), none, notes)
    if linux:
        gpus = gpus + _guarded("AMD probe", lambda: _amd(probe, notes, ram), none, notes)
    if not gpus:
        notes.append(
            "no GPU found (tried NVML, nvidia-smi, rocm-smi, /sys/class/drm); sizing against system RAM"
        )
    cores = _guarded("CPU cores", lambda: physical_cores(probe), None, notes)
    return Machine(tuple(gpus), ram[0], ram[1], tuple(notes), cores)


T = TypeVar("T")


def _guarded(what: str, probe: Callable[[], T], fallback: T, notes: list[str]) -> T:
    """Run one probe; an error nobody foresaw becomes a note, not a traceback (detection is a hint)."""
    try:
        return probe()
    except Exception as err:  # a tool's output in a shape no parser expected
        notes.append(f"{what} failed unexpectedly ({type(err).__name__}: {str(err)[:100]})")
        return fallback
