"""The software and hardware a measurement ran on, so a saved result can be reproduced or explained."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from llmsize.measure.models import Environment


def package_version(name: str) -> str | None:
    """Installed version of a distribution, or None when it is not installed."""
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def cpu_name() -> str:
    """The CPU model as the OS names it (Linux /proc/cpuinfo), else platform.processor()."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def collect(device: str, *, device_name: str | None = None, driver: str | None = None) -> Environment:
    """Versions of python, torch, transformers, peft and bitsandbytes, and the device's name."""
    cuda_version: str | None = None
    torch_version = package_version("torch")
    if torch_version is not None and device == "cuda":
        import torch

        cuda_version = torch.version.cuda
    if device_name is None:
        device_name = "FakeTensorMode (no memory allocated)" if device == "trace" else cpu_name()
    return Environment(
        python=sys.version.split()[0],
        platform=platform.platform(),
        torch=torch_version,
        transformers=package_version("transformers"),
        peft=package_version("peft"),
        bitsandbytes=package_version("bitsandbytes"),
        device_name=device_name,
        cuda=cuda_version,
        driver=driver,
    )
