"""CUDA-side logic that runs without a GPU: NVML parsing, probe command and JSON, messages, overhead."""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

import pytest

from llmsize.measure import cuda_probe
from llmsize.measure.cuda_probe import (
    CudaDevice,
    context_bytes_from_probe,
    context_probe_command,
    driver_version,
    is_oom,
    nvml_bus_id,
    oom_message,
    process_used_bytes,
    refusal_message,
)
from llmsize.measure.harness import _cuda_overhead
from llmsize.units import GIB, MIB


class NVMLError(Exception):
    """Stands in for pynvml.NVMLError."""


def fake_nvml(compute: list[Any] | Exception, graphics: list[Any] | None = None) -> Any:
    """An object with the pynvml functions the probe calls, answering from fixed lists."""

    def _compute(_handle: object) -> list[Any]:
        if isinstance(compute, Exception):
            raise compute
        return compute

    return SimpleNamespace(
        nvmlDeviceGetComputeRunningProcesses=_compute,
        nvmlDeviceGetGraphicsRunningProcesses=lambda _h: graphics or [],
        nvmlSystemGetDriverVersion=lambda: "550.54.15",
    )


def proc(pid: int, used: int | None) -> SimpleNamespace:
    return SimpleNamespace(pid=pid, usedGpuMemory=used)


def test_bus_id_is_the_nvml_spelling() -> None:
    # NVML's nvmlDeviceGetHandleByPciBusId takes "domain:bus:device.function" in hex.
    assert nvml_bus_id(0, 0x3B, 0) == "00000000:3B:00.0"
    assert nvml_bus_id(1, 7, 0x1F) == "00000001:07:1F.0"


def test_process_bytes_found_by_pid() -> None:
    nvml = fake_nvml([proc(11, 5 * GIB), proc(42, 3 * GIB)])
    assert process_used_bytes(nvml, "h", 42) == 3 * GIB
    assert process_used_bytes(nvml, "h", 11) == 5 * GIB


def test_process_absent_or_unreported_is_none_not_a_guess() -> None:
    assert process_used_bytes(fake_nvml([proc(11, GIB)]), "h", 42) is None  # container: host pids
    assert process_used_bytes(fake_nvml([proc(42, None)]), "h", 42) is None  # NVML_VALUE_NOT_AVAILABLE


def test_process_query_errors_fall_through_to_graphics_list() -> None:
    nvml = fake_nvml(NVMLError("not supported"), graphics=[proc(42, 2 * GIB)])
    assert process_used_bytes(nvml, "h", 42) == 2 * GIB


def test_driver_version_accepts_bytes_str_and_errors() -> None:
    assert driver_version(fake_nvml([])) == "550.54.15"
    assert driver_version(SimpleNamespace(nvmlSystemGetDriverVersion=lambda: b"535.104.05")) == "535.104.05"

    def broken() -> str:
        raise NVMLError("uninitialized")

    assert driver_version(SimpleNamespace(nvmlSystemGetDriverVersion=broken)) is None


def test_context_probe_runs_this_interpreter_as_a_module() -> None:
    cmd = context_probe_command(1, "00000000:3B:00.0")
    assert cmd == [sys.executable, "-m", "llmsize.measure.cuda_probe", "context", "1", "00000000:3B:00.0"]
    assert context_probe_command(0, None)[-1] == "-"


def test_context_from_nvml_process_view_minus_reserved() -> None:
    probe = {"process_bytes": 500 * MIB, "reserved": 2 * MIB, "device_used_before": 0, "device_used_after": 1}
    assert context_bytes_from_probe(probe) == (498 * MIB, "NVML per-process usage of an empty CUDA process")


def test_context_from_device_delta_when_process_view_missing() -> None:
    probe = {
        "process_bytes": None,
        "reserved": 2 * MIB,
        "device_used_before": GIB,
        "device_used_after": GIB + 300 * MIB,
    }
    size, source = context_bytes_from_probe(probe)
    assert size == 298 * MIB
    assert "rise of NVML device usage" in source


def test_context_unmeasured_without_nvml() -> None:
    assert context_bytes_from_probe({"reserved": 2 * MIB}) == (None, "not measured (NVML unavailable)")


def test_probe_without_cuda_reports_failure_instead_of_raising() -> None:
    # This machine's torch has no CUDA: the real subprocess fails and the failure is reported.
    device = CudaDevice(index=0, name="none", total_bytes=0, free_bytes=0, bus_id=None)
    size, source = cuda_probe.measure_context_bytes(device)
    assert size is None
    assert source.startswith("not measured (probe exited")


def test_probe_main_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert cuda_probe._main(["nonsense"]) == 2
    assert "usage" in capsys.readouterr().err


def test_oom_message_says_estimate_and_device() -> None:
    msg = oom_message(90 * GIB, 80 * GIB, 79 * GIB, 78 * GIB + GIB // 2)
    assert msg == (
        "CUDA out of memory: the estimate said 90.00 GiB, the device has 80.00 GiB (79.00 GiB free at "
        "start); 78.50 GiB was allocated when it failed"
    )


def test_refusal_only_when_too_big() -> None:
    assert refusal_message(10 * GIB, 10 * GIB, "the GPU") is None
    msg = refusal_message(12 * GIB, 10 * GIB, "this machine's RAM")
    assert msg is not None and "12.00 GiB" in msg and "10.00 GiB available" in msg
    assert "nothing was allocated" in msg


def test_is_oom_recognises_torch_errors_by_name_and_text() -> None:
    class OutOfMemoryError(RuntimeError):
        pass

    assert is_oom(OutOfMemoryError("boom"))
    assert is_oom(RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"))
    assert not is_oom(RuntimeError("shape mismatch"))


def test_cuda_overhead_prefers_the_driver_view() -> None:
    # NVML says the process holds 10 GiB; 8 GiB were live tensors at the peak.
    assert _cuda_overhead(8 * GIB, 9 * GIB, 10 * GIB, 500 * MIB) == (2 * GIB, ())
    # Without NVML: measured context plus what the caching allocator kept beyond the peak.
    assert _cuda_overhead(8 * GIB, 9 * GIB, None, 500 * MIB) == (GIB + 500 * MIB, ())
    assert _cuda_overhead(8 * GIB, 9 * GIB, None, None) == (GIB, ())
