"""What CUDA and the NVIDIA driver say about memory, and how fast a phase ran.

- `torch.cuda.max_memory_allocated` is the peak of live tensors (what the estimate's
  `total - overhead` predicts); `max_memory_reserved` adds the caching allocator's cached blocks.
- NVML (the `nvidia-ml-py` package, module `pynvml`) gives the driver's view of the process:
  CUDA context + reserved memory + anything allocated outside torch. That is what `nvidia-smi`
  shows and what decides an out-of-memory between processes.
- The CUDA context itself is measured in a fresh subprocess that creates a context and one tiny
  tensor, so the number is not polluted by this process's own allocations
  (`python -m llmsize.measure.cuda_probe context INDEX BUS_ID` prints one JSON line).

Everything that formats or parses is a pure function, so it is tested without a GPU; torch and
pynvml are imported inside functions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from llmsize.units import format_gib

CONTEXT_PROBE_TIMEOUT_S = 120


# ----------------------------------------------------------------------------------- pure helpers


def nvml_bus_id(domain: int, bus: int, device: int) -> str:
    """The PCI bus id NVML's nvmlDeviceGetHandleByPciBusId takes: 'DDDDDDDD:BB:DD.0' in hex.

    torch numbers devices after CUDA_VISIBLE_DEVICES and NVML does not, so the PCI address is
    the one name both agree on.
    """
    return f"{domain:08X}:{bus:02X}:{device:02X}.0"


def process_used_bytes(nvml: Any, handle: Any, pid: int) -> int | None:
    """Device memory NVML attributes to process `pid`, or None when the driver does not say.

    Inside containers NVML reports host pids (so ours is absent) or no per-process usage at all
    (`usedGpuMemory` None): both are answered with None, never with a guess.
    """
    for query in ("nvmlDeviceGetComputeRunningProcesses", "nvmlDeviceGetGraphicsRunningProcesses"):
        func = getattr(nvml, query, None)
        if func is None:
            continue
        try:
            processes = func(handle)
        except Exception:  # NVMLError: not supported on this device/driver
            continue
        for proc in processes or ():
            if int(getattr(proc, "pid", -1)) == pid:
                used = getattr(proc, "usedGpuMemory", None)
                return int(used) if used is not None else None
    return None


def driver_version(nvml: Any) -> str | None:
    """The NVIDIA driver version (old pynvml returns bytes, new returns str)."""
    try:
        value = nvml.nvmlSystemGetDriverVersion()
    except Exception:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


def context_probe_command(index: int, bus_id: str | None) -> list[str]:
    """The subprocess that measures an empty CUDA context on device `index` (same interpreter)."""
    return [sys.executable, "-m", "llmsize.measure.cuda_probe", "context", str(index), bus_id or "-"]


def context_bytes_from_probe(result: dict[str, Any]) -> tuple[int | None, str]:
    """Context size from the probe's JSON, and how it was obtained.

    Preferred: NVML's per-process figure minus what torch reserved for its one tensor. Else the
    rise of the device's used memory across context creation (exact when nothing else starts
    on the GPU meanwhile). None when neither is available.
    """
    reserved = int(result.get("reserved", 0))
    process = result.get("process_bytes")
    if isinstance(process, int) and process > 0:
        return max(0, process - reserved), "NVML per-process usage of an empty CUDA process"
    before, after = result.get("device_used_before"), result.get("device_used_after")
    if isinstance(before, int) and isinstance(after, int) and after >= before:
        return max(0, after - before - reserved), "rise of NVML device usage while an empty process started"
    return None, "not measured (NVML unavailable)"


def oom_message(
    estimated_bytes: int, device_total_bytes: int, free_at_start_bytes: int, allocated_bytes: int
) -> str:
    """One line for a CUDA out-of-memory: what the estimate said and what the device had."""
    return (
        f"CUDA out of memory: the estimate said {format_gib(estimated_bytes)}, the device has "
        f"{format_gib(device_total_bytes)} ({format_gib(free_at_start_bytes)} free at start); "
        f"{format_gib(allocated_bytes)} was allocated when it failed"
    )


def refusal_message(needed_bytes: int, available_bytes: int, where: str) -> str | None:
    """Why a workload is refused before allocating, or None when it fits `available_bytes`."""
    if needed_bytes <= available_bytes:
        return None
    return (
        f"the workload needs about {format_gib(needed_bytes)} (estimate) but {where} has "
        f"{format_gib(available_bytes)} available; nothing was allocated"
    )


def is_oom(err: BaseException) -> bool:
    """True for torch's CUDA out-of-memory error, whatever torch version raised it."""
    name = type(err).__name__
    return name == "OutOfMemoryError" or "CUDA out of memory" in str(err)


# ----------------------------------------------------------------------------------- torch / NVML


@dataclass
class CudaDevice:
    """One CUDA device as torch and NVML see it."""

    index: int
    name: str
    total_bytes: int
    free_bytes: int
    bus_id: str | None
    nvml: Any = None
    handle: Any = None

    def process_bytes(self) -> int | None:
        if self.nvml is None or self.handle is None:
            return None
        return process_used_bytes(self.nvml, self.handle, os.getpid())

    def driver(self) -> str | None:
        return driver_version(self.nvml) if self.nvml is not None else None


def _nvml() -> Any:
    """pynvml, initialised, or None when it is missing or no driver answers."""
    try:
        import pynvml
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
    except Exception:
        return None
    return pynvml


def open_device(index: int | None = None) -> CudaDevice:
    """The current (or given) CUDA device: name, total and free memory, and its NVML handle."""
    import torch

    if index is None:
        index = torch.cuda.current_device()
    torch.cuda.set_device(index)
    props = torch.cuda.get_device_properties(index)
    free, total = torch.cuda.mem_get_info(index)
    bus_id = None
    pci = [getattr(props, a, None) for a in ("pci_domain_id", "pci_bus_id", "pci_device_id")]
    if all(v is not None for v in pci):
        bus_id = nvml_bus_id(int(pci[0]), int(pci[1]), int(pci[2]))  # type: ignore[arg-type]
    nvml = _nvml()
    handle = None
    if nvml is not None and bus_id is not None:
        try:
            handle = nvml.nvmlDeviceGetHandleByPciBusId(bus_id)
        except Exception:
            handle = None
    return CudaDevice(index, str(props.name), int(total), int(free), bus_id, nvml, handle)


def measure_context_bytes(device: CudaDevice) -> tuple[int | None, str]:
    """Run the empty-process probe and read the context size from its JSON line."""
    try:
        done = subprocess.run(
            context_probe_command(device.index, device.bus_id),
            capture_output=True,
            text=True,
            timeout=CONTEXT_PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"not measured (probe failed: {err})"
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"not measured (probe exited {done.returncode}: {tail})"
    return context_bytes_from_probe(json.loads(lines[-1]))


def synchronize(device: str) -> None:
    if device == "cuda":
        import torch

        torch.cuda.synchronize()


@contextmanager
def timed(device: str, sink: Callable[[float], None]) -> Iterator[None]:
    """Wall time of the block, with the GPU's queue drained at both ends."""
    synchronize(device)
    start = time.perf_counter()
    yield
    synchronize(device)
    sink(time.perf_counter() - start)


def reset_peak(device: str) -> None:
    if device == "cuda":
        import torch

        torch.cuda.reset_peak_memory_stats()


def allocator_peaks(device: str) -> tuple[int, int]:
    """(max allocated, max reserved) since the last reset; (0, 0) off CUDA."""
    if device != "cuda":
        return 0, 0
    import torch

    return int(torch.cuda.max_memory_allocated()), int(torch.cuda.max_memory_reserved())


# ----------------------------------------------------------------------------------- the probe itself


def _probe_context(index: int, bus_id: str | None) -> dict[str, Any]:
    """Create a CUDA context and one tiny tensor on device `index`; report what the device lost."""
    out: dict[str, Any] = {"pid": os.getpid()}
    nvml = _nvml()
    handle = None
    if nvml is not None and bus_id:
        try:
            handle = nvml.nvmlDeviceGetHandleByPciBusId(bus_id)
            out["device_used_before"] = int(nvml.nvmlDeviceGetMemoryInfo(handle).used)
        except Exception:
            handle = None
    import torch

    torch.cuda.set_device(index)
    torch.zeros(1, device=f"cuda:{index}")
    torch.cuda.synchronize()
    out["reserved"] = int(torch.cuda.memory_reserved(index))
    if handle is not None:
        out["device_used_after"] = int(nvml.nvmlDeviceGetMemoryInfo(handle).used)
        out["process_bytes"] = process_used_bytes(nvml, handle, os.getpid())
    return out


def _main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "context":
        sys.stderr.write("usage: python -m llmsize.measure.cuda_probe context INDEX BUS_ID|-\n")
        return 2
    bus_id = None if argv[2] == "-" else argv[2]
    sys.stdout.write(json.dumps(_probe_context(int(argv[1]), bus_id)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
