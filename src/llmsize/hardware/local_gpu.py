"""Turn a detected Machine into what the planner needs: one GpuSpec and a GPU count.

A detected GPU the catalog knows keeps the catalog's bandwidth and throughput, with the memory the
driver reported in place of the catalog's; an unknown one (or a CPU-only machine) is sized for memory
only (`speed_known` False); a CPU-only machine plans with the RAM available now. Several GPUs of one
kind plan as N of them. Mixed GPUs plan as N of the smallest: tensor parallelism (vLLM, SGLang)
splits the model evenly, so the smallest card bounds each share (vLLM sizes every worker's KV cache
with "the minimum number of blocks across all workers": vllm/engine/llm_engine.py,
LLMEngine._initialize_kv_caches).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.hardware.detect import DetectedGpu, Machine
from llmsize.hardware.gpus import (
    LOCAL_CPU_ID,
    GpuCatalog,
    GpuSpec,
    MemorySpec,
    Throughput,
    normalize_gpu_name,
)
from llmsize.units import GIB


@dataclass(frozen=True)
class LocalGpus:
    """The planning view of this machine."""

    spec: GpuSpec
    count: int
    machine: Machine
    notes: tuple[str, ...]


def _memory_only_spec(gpu_id: str, name: str, vendor: str, total: int, unified: bool) -> GpuSpec:
    return GpuSpec(
        id=gpu_id,
        name=name,
        vendor=vendor if vendor in ("nvidia", "amd", "apple", "intel") else "other",
        memory=MemorySpec(
            size=total / GIB,
            unit="GiB",
            visible_bytes=total,
            unified=unified,
            visible_source="detected on this machine",
        ),
        # Placeholders never used: speed_known=False keeps the speed model off this device.
        bandwidth_gb_s=1.0,
        tflops=Throughput(),
        dtypes=("fp32", "fp16", "bf16"),
        speed_known=False,
        notes="detected on this machine; not in the catalog, so speed is not estimated",
    )


def spec_for_detected(gpu: DetectedGpu, catalog: GpuCatalog) -> tuple[GpuSpec, str | None]:
    """The catalog entry for `gpu` with its detected memory, or a memory-only spec (and a note)."""
    known = None
    if gpu.vendor == "apple" and gpu.ram_bytes:
        # "Apple M2 Max" names a chip, not a memory size, and the chip's alias names its largest part:
        # first pick the catalog entry of that chip (its name before " (cores, memory)": "Apple M4" is
        # not "Apple M4 Pro") with this RAM, where GPU core counts differ (M1 Ultra 64 GB: 48 cores).
        key = normalize_gpu_name(gpu.name)
        known = next((entry for entry in catalog
                      if normalize_gpu_name(entry.name.split(" (", 1)[0]) == key
                      and entry.memory.marketed_bytes == gpu.ram_bytes), None)
    known = known or catalog.find(gpu.name)
    if known is None and gpu.vendor == "apple":
        known = catalog.find(gpu.name.replace("Apple ", ""))
    source = f"detected by {gpu.source}"
    if known is None:
        return (
            _memory_only_spec(
                f"local-{normalize_gpu_name(gpu.name)}", gpu.name, gpu.vendor, gpu.total_bytes, gpu.unified
            ),
            f"{gpu.name} is not in the catalog: sizing memory only (add it with --gpu-file for speed)",
        )
    memory = known.memory.model_copy(
        update={"visible_bytes": gpu.total_bytes, "visible_source": source, "gpu_share": None}
    )
    return known.model_copy(update={"memory": memory}), None


def local_gpus(machine: Machine, catalog: GpuCatalog) -> LocalGpus:
    """One spec and count for the planner, with notes on what was assumed."""
    notes = list(machine.notes)
    if not machine.gpus:
        # CPU only: the OS and running programs keep part of RAM for good, so the plan uses what the
        # kernel says a new process can get (MemAvailable / vm_stat), else the total.
        total = machine.ram_available_bytes or machine.ram_total_bytes or 0
        if not total:
            notes.append("system RAM unknown too: nothing to size against")
        elif machine.ram_available_bytes and machine.ram_total_bytes:
            notes.append(f"CPU only: planning with the RAM available now, {total / GIB:,.1f} of "
                         f"{machine.ram_total_bytes / GIB:,.1f} GiB")
        spec = _memory_only_spec(LOCAL_CPU_ID, "CPU (system RAM)", "other", max(total, 1), False)
        return LocalGpus(spec, 1, machine, tuple(notes))
    by_vendor: dict[str, list[DetectedGpu]] = {}
    for gpu in machine.gpus:
        by_vendor.setdefault(gpu.vendor, []).append(gpu)
    vendor, group = max(by_vendor.items(), key=lambda kv: sum(g.total_bytes for g in kv[1]))
    if len(by_vendor) > 1:
        others = ", ".join(v for v in by_vendor if v != vendor)
        notes.append(
            f"GPUs of several vendors: planning on the {vendor} ones (engines use one stack; "
            f"{others} left out)"
        )
    smallest = min(group, key=lambda g: g.total_bytes)
    if len({g.name for g in group}) > 1:
        names = ", ".join(sorted({g.name for g in group}))
        notes.append(
            f"mixed GPUs ({names}): planning {len(group)} x the smallest, "
            f"{smallest.total_bytes / GIB:,.1f} GiB, as tensor parallelism splits evenly"
        )
    spec, note = spec_for_detected(smallest, catalog)
    if note:
        notes.append(note)
    return LocalGpus(spec, len(group), machine, tuple(notes))
