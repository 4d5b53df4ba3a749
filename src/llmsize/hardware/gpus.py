"""The GPU catalog: GpuSpec, the bundled gpu_specs/*.yaml, user catalogs, and name lookup.

Figures in the YAML keep the vendor's units (GB/s, dense TFLOPS) so an entry can be checked
against its datasheet line by line; the properties below turn them into bytes and FLOP/s.
User catalogs (``--gpu-file``, ``$LLMSIZE_GPU_DIR`` or ``~/.config/llmsize/gpus/``) use the same
format and override bundled entries with the same id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from llmsize.errors import ConfigError, GpuNotFoundError, one_line
from llmsize.hardware.unified import unified_limit_bytes
from llmsize.local_path import user_path
from llmsize.records import (
    ConfigDict,
    Field,
    Record,
    ValidationError,
    boolean_read_as_number,
    model_validator,
)
from llmsize.resources import (
    UnreadableText,
    env_path,
    first_unprintable,
    load_catalog_yaml,
    read_text_bounded,
    xdg_dir,
    yaml_files,
)
from llmsize.units import GB, GIB, MIB, is_decimal_number, parse_size, text_read_as_number

Vendor = Literal["nvidia", "amd", "apple", "intel", "google", "other"]
Segment = Literal["datacenter", "workstation", "consumer", "embedded", "other"]
NativeDtype = Literal["fp32", "tf32", "fp16", "bf16", "fp8", "fp6", "fp4", "int8", "int4"]
UnifiedRule = Literal["macos", "linux-gtt", "all"]

USER_GPU_DIR_ENV = "LLMSIZE_GPU_DIR"
# REFERENCE: nvidia-smi totals with ECC on (https://github.com/modal-labs/modal-client/pull/2797):
# T4 15,360 of 16,384 MiB, L4 23,034 and A10 23,028 of 24,576, L40S 46,068 of 49,152: GDDR6 ECC
# keeps 1/16 of the memory for check bits (the driver hides a few MiB more, ignored here).
ECC_RESERVED_FRACTION = 1 / 16
# REFERENCE: what CUDA reports as total (cudaMemGetInfo, hence vLLM's total_gpu_memory) is the
# nvidia-smi total less what the driver keeps for itself ("Reserved" in `nvidia-smi -q`). For a card
# with no published runtime total, the median difference over the bundled cards that have both
# (each cited in gpu_specs/: H100, A100 80GB, T4, RTX 3090/4090/5090, L40S: 357-768 MiB, median
# 438 MiB) is taken off; see nvidia_driver_reserve_bytes(). Left out one at a time, the rule
# predicts those cards within 0.1 GiB, except the A100 (0.33 GiB high: its driver keeps 768 MiB).
TFLOPS = 10**12
# Vendors round bandwidth to three or four digits (MI100: 4,096 bits x 2.4 Gbps = 1,228.8, "1.23 TB/s").
BANDWIDTH_ROUNDING = 0.01


# Every catalog figure is finite (allow_inf_nan=False below) and bounded far above any device: a user
# file with .inf or 1e308 made byte counts overflow and speeds print as Infinity, not JSON (issue 15).
MAX_MEMORY_UNITS = 1 << 20  # GiB (or GB) per GPU: a pebibyte
MAX_RATE = 1e9  # TFLOPS, GB/s, US$, watts: a million times today's largest figures
# The rates the speed model divides by (TFLOPS, GB/s) stay above a millionth of the slowest device's
# figures: bf16: 5e-324 passed `> 0` and a step took `inf` seconds, not JSON (issue 15, round 10).
MIN_RATE = 1e-6
class MemorySpec(Record):
    """Device memory: the vendor's figure, what that figure's "GB" means, and the driver's view."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, allow_inf_nan=False)

    size: float = Field(
        gt=0, le=MAX_MEMORY_UNITS, description="the vendor's capacity figure, e.g. 80 for an '80 GB' card"
    )
    unit: Literal["GiB", "GB"] = Field(
        default="GiB",
        description="what the vendor's 'GB' means here: DRAM parts come in binary sizes, so usually GiB",
    )
    driver_mib: int | None = Field(
        default=None, gt=0, le=MAX_MEMORY_UNITS << 10,
        description="total the driver reports (nvidia-smi / rocm-smi), in MiB",
    )
    driver_source: str | None = Field(default=None, description="public page that shows driver_mib")
    type: str = Field(default="", description="HBM3, GDDR6X, LPDDR5, ...")
    bus_bits: int | None = Field(default=None, gt=0, le=1 << 16, description="memory bus width, bits")
    data_rate_gbps: float | None = Field(
        default=None, gt=0, le=1000,
        description="data rate per pin, Gbps (GT/s); bus_bits x this / 8 is the bandwidth in GB/s")
    ecc_reserve: bool = Field(
        default=False,
        description="GDDR with ECC on by default: the driver hides 1/16 of it (see ECC_RESERVED_FRACTION)",
    )
    visible_bytes: int | None = Field(
        default=None, gt=0, le=MAX_MEMORY_UNITS << 30,
        description="total the GPU runtime reports (cudaMemGetInfo / torch total_memory / vLLM's "
                    "total_gpu_memory, hipMemGetInfo on ROCm), in bytes",
    )
    visible_source: str | None = Field(default=None, description="public log that shows visible_bytes")
    unified: bool = Field(default=False, description="shared with the CPU (Apple silicon, Jetson)")
    limit_rule: UnifiedRule | None = Field(
        default=None,
        description="unified memory: the OS rule that caps the GPU's part (see hardware/unified.py)",
    )
    gpu_share: float | None = Field(
        default=None, gt=0, le=1,
        description="unified memory: a fixed share the GPU may use (user files; bundled ones use limit_rule)",
    )
    gpu_share_source: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        """Accept `memory: 24GiB` (or a bare number of GiB) as well as the full mapping."""
        if isinstance(data, str):
            if is_decimal_number(data.strip()):  # '24' as the bare 24 (GiB), not 24 bytes (issue 15)
                data = f"{data.strip()}GiB"
            try:
                n_bytes = parse_size(data)
            except ValueError as err:
                raise ValueError(str(err)) from None
            unit_gib = "gib" in data.lower() or "gb" not in data.lower()
            return {"size": n_bytes / (GIB if unit_gib else GB), "unit": "GiB" if unit_gib else "GB"}
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"size": data, "unit": "GiB"}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> MemorySpec:
        if self.gpu_share is not None and not self.unified:
            raise ValueError("gpu_share only applies to unified memory (set unified: true)")
        if self.limit_rule is not None and not self.unified:
            raise ValueError("limit_rule only applies to unified memory (set unified: true)")
        return self

    @property
    def marketed_bytes(self) -> int:
        return int(self.size * (GIB if self.unit == "GiB" else GB))

    @property
    def total_bytes(self) -> int:
        """What the driver reports when a public source gives it, else the vendor's figure."""
        if self.driver_mib:
            return self.driver_mib * MIB
        if self.ecc_reserve:
            return int(self.marketed_bytes * (1 - ECC_RESERVED_FRACTION))
        return self.marketed_bytes

    @property
    def basis(self) -> Literal["driver", "marketed", "marketed minus ECC"]:
        if self.driver_mib:
            return "driver"
        return "marketed minus ECC" if self.ecc_reserve else "marketed"

    def marketed_label(self) -> str:
        return f"{self.size:g} GB" + (" (GiB)" if self.unit == "GiB" else "")


class Throughput(Record):
    """Dense peak throughput in TFLOPS (TOPS for int8); None when the GPU has no native path.

    Tensor figures are dense (no 2:4 sparsity) and, where a vendor distinguishes them, with FP32
    accumulation, which is what PyTorch and the inference engines use for bf16/fp16/fp8 GEMMs.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, allow_inf_nan=False)

    fp32: float | None = Field(
        default=None, ge=MIN_RATE, le=MAX_RATE, description="FP32, no tensor cores; None: not published"
    )
    fp16: float | None = Field(default=None, ge=MIN_RATE, le=MAX_RATE)
    bf16: float | None = Field(default=None, ge=MIN_RATE, le=MAX_RATE)
    fp8: float | None = Field(default=None, ge=MIN_RATE, le=MAX_RATE)
    fp4: float | None = Field(
        default=None, ge=MIN_RATE, le=MAX_RATE, description="dense FP4 (NVFP4 / MXFP4) tensor rate"
    )
    int8: float | None = Field(default=None, ge=MIN_RATE, le=MAX_RATE)


class Interconnect(Record):
    """GPU-to-GPU link as the vendor states it (total bidirectional bandwidth per GPU)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, allow_inf_nan=False)

    name: str
    gb_s: float = Field(ge=MIN_RATE, le=MAX_RATE)
    peer_links: int | None = Field(
        default=None, ge=1,
        description="links of a switchless full mesh (one per peer, gb_s split over them); None: switched")


class Price(Record):
    """A dated, sourced price: an hourly rental rate, and/or a list (purchase) price."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, allow_inf_nan=False)

    usd_per_hour: float | None = Field(default=None, gt=0, le=MAX_RATE, description="one GPU, on demand")
    list_usd: float | None = Field(default=None, gt=0, le=MAX_RATE, description="purchase price of one unit")
    date: str = Field(min_length=4, description="when the price was published or seen (YYYY-MM[-DD])")
    source: str = Field(min_length=4)
    notes: str = ""

    @model_validator(mode="after")
    def _some_price(self) -> Price:
        if self.usd_per_hour is None and self.list_usd is None:
            raise ValueError("a price needs usd_per_hour or list_usd")
        return self


# The id of the memory-only device `--gpu local` plans on when this machine has no GPU
# (hardware/local_gpu.py): its "GPU memory" is the system RAM, one of it (render_plan, cmd_fit and
# gpu_options word and count it so).
LOCAL_CPU_ID = "local-cpu"


class GpuSpec(Record):
    """One accelerator as a single device that software sees (a MI250X GCD, not the module)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, allow_inf_nan=False)

    id: str = Field(min_length=1)
    name: str = ""
    aliases: tuple[str, ...] = ()
    vendor: Vendor = "other"
    segment: Segment = "other"
    architecture: str = ""
    memory: MemorySpec
    bandwidth_gb_s: float = Field(
        ge=MIN_RATE, le=MAX_RATE, description="peak device-memory bandwidth, GB/s (10^9)")
    tflops: Throughput
    dtypes: tuple[NativeDtype, ...] = ("fp32", "fp16")
    interconnect: Interconnect | None = None
    pcie_gb_s: float | None = Field(default=None, ge=MIN_RATE, le=MAX_RATE)
    compute_units: int | None = Field(
        default=None, gt=0, description="streaming multiprocessors (NVIDIA SMs): bounds batch-1 bandwidth")
    tdp_w: float | None = Field(default=None, gt=0, le=MAX_RATE)
    max_power_w: float | None = Field(
        default=None, gt=0, le=MAX_RATE, description="highest board power limit a user can set (nvidia-smi "
        "-q 'Max Power Limit'; partner boards run above the reference TDP); None: tdp_w")
    max_power_source: str | None = Field(default=None, description="public page that shows max_power_w")
    source: str | None = Field(default=None, description="vendor page the figures come from")
    notes: str = ""
    price: Price | None = None
    speed_known: bool = Field(
        default=True, description="False for a detected device whose bandwidth/FLOPS are unknown")
    catalog_file: str = Field(default="", description="set by the loader: the YAML file of this entry")

    @model_validator(mode="after")
    def _consistent(self) -> GpuSpec:
        if self.speed_known and not any(self.tflops.model_dump().values()):
            # the speed model divides by a rate (flops_for): `tflops: {}` was a ZeroDivisionError
            raise ValueError("tflops gives no rate; give at least fp32 or fp16 (dense TFLOPS)")
        for dtype in ("bf16", "fp8", "fp4", "int8"):
            has_rate = getattr(self.tflops, dtype) is not None
            if has_rate and dtype not in self.dtypes:
                raise ValueError(f"tflops.{dtype} is given but {dtype} is not listed in dtypes")
            if dtype in ("bf16", "fp8") and dtype in self.dtypes and not has_rate and self.speed_known:
                raise ValueError(f"{dtype} is listed in dtypes but tflops.{dtype} is missing")
        if self.memory.driver_mib and self.memory.driver_mib * MIB > 1.1 * self.memory.marketed_bytes:
            raise ValueError("memory.driver_mib is more than 10% above the vendor's figure; check the units")
        if self.max_power_w and self.tdp_w and self.max_power_w < self.tdp_w:
            raise ValueError(f"max_power_w {self.max_power_w:g} is below tdp_w {self.tdp_w:g}")
        bus, rate = self.memory.bus_bits, self.memory.data_rate_gbps
        implied = bus * rate / 8 if bus and rate else None
        off = abs(implied - self.bandwidth_gb_s) if implied is not None else 0.0
        if implied is not None and off > BANDWIDTH_ROUNDING * self.bandwidth_gb_s:
            raise ValueError(f"bandwidth_gb_s {self.bandwidth_gb_s:g} is not memory.bus_bits x "
                             f"data_rate_gbps / 8 = {implied:g} GB/s")
        return self

    # --- derived figures (bytes and FLOP/s), kept as properties so they cannot drift ---
    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def memory_bytes(self) -> int:
        """Device memory in bytes: the driver's total where known, else the vendor's figure."""
        return self.memory.total_bytes

    @property
    def visible_memory_bytes(self) -> int:
        """Total the GPU runtime reports (what engines such as vLLM budget from); see visible_basis."""
        mem = self.memory
        if mem.visible_bytes:
            return mem.visible_bytes
        if mem.unified and mem.limit_rule is not None:
            return unified_limit_bytes(mem.limit_rule, mem.marketed_bytes)
        if self.vendor == "nvidia" and not mem.unified:
            return mem.total_bytes - nvidia_driver_reserve_bytes()
        return mem.total_bytes

    @property
    def visible_basis(self) -> str:
        """How visible_memory_bytes was found: a published runtime total, or which rule."""
        mem = self.memory
        if mem.visible_bytes:
            return "published runtime total"
        if mem.unified and mem.limit_rule is not None:
            return f"unified-memory rule {mem.limit_rule!r} at {mem.marketed_bytes // GIB} GiB of RAM"
        if self.vendor == "nvidia" and not mem.unified:
            return f"{mem.basis} total minus the NVIDIA driver reserve"
        return mem.basis

    @property
    def host_ram_in_budget(self) -> bool:
        """Whether an engine's host-RAM part (llama.cpp's CPU_Mapped weights, the K/V of its CPU layers,
        host buffers) comes out of the same budget as the GPU's memory.

        On NVIDIA's coherent unified memory (DGX Spark, Jetson: rule 'all') CUDA's free memory is the
        whole pool, so it does. macOS's wired limit and Linux's GTT cap only the GPU's own allocations:
        ggml-metal reports the device's memory as recommendedMaxWorkingSetSize ("using device MTL0
        (Apple M1 Pro) - 10922 MiB free" beside "recommendedMaxWorkingSetSize = 11453.25 MB", 10,922.7
        MiB, in a public llama.cpp log), and llama.cpp's --fit moves layers or experts to plain CPU
        buffers that are outside it ("llama.cpp had already moved the experts to CPU" on a 16 GB Mac:
        github.com/ggml-org/Llama-macOS/issues/58). There, counting the host part against the cap made
        a CPU/GPU split never help: gpt-oss:120b on a 128 GB Strix Halo, 2.4 GiB over its 63.75 GiB of
        GTT, was said to keep 0 of 36 layers on the GPU (issue 15, newcomer round 14). The machine's
        RAM still bounds the two together (Planner.auto_offload)."""
        mem = self.memory
        return mem.unified and mem.limit_rule not in ("macos", "linux-gtt")

    @property
    def usable_memory_bytes(self) -> int:
        """What one process may allocate: the runtime's total, or the GPU's share of unified memory."""
        share = self.memory.gpu_share if self.memory.unified and self.memory.gpu_share else 1.0
        return int(self.visible_memory_bytes * share)

    @property
    def nominal_memory_bytes(self) -> int:
        """The vendor's capacity (times the GPU share of unified memory): what `--min-memory` compares.

        A "24 GB" RTX 4090 reports 24,564 MiB to the driver, a little under 24 GiB; users filtering
        for 24 GiB cards still mean it.
        """
        share = self.memory.gpu_share if self.memory.unified and self.memory.gpu_share else 1.0
        return int(self.memory.marketed_bytes * share)

    @property
    def bandwidth_bytes_per_s(self) -> float:
        return self.bandwidth_gb_s * GB

    @property
    def fp32_flops(self) -> float | None:
        return self.tflops.fp32 * TFLOPS if self.tflops.fp32 else None

    @property
    def tf32_flops(self) -> float | None:
        """TF32 tensor-core rate: half the FP16 (FP32-accumulate) figure where the GPU runs TF32, else FP32.

        REFERENCE: NVIDIA A100 whitepaper (TF32 156 / FP16 312 TFLOPS dense), H100 datasheet (SXM: 494.7 /
        989.4), Ada whitepaper (RTX 4090: 82.6 / 165.2), GA102 whitepaper (RTX 3090: 35.6 / 71); AMD MI300X
        (653.7 / 1,307.4): one TF32 operation costs two FP16 ones on every such tensor unit.
        """
        if "tf32" in self.dtypes and self.fp16_flops:
            return self.fp16_flops / 2
        return self.fp32_flops

    @property
    def fp16_flops(self) -> float | None:
        return self.tflops.fp16 * TFLOPS if self.tflops.fp16 else None

    @property
    def bf16_flops(self) -> float | None:
        return self.tflops.bf16 * TFLOPS if self.tflops.bf16 else None

    @property
    def fp8_flops(self) -> float | None:
        return self.tflops.fp8 * TFLOPS if self.tflops.fp8 else None

    @property
    def fp4_flops(self) -> float | None:
        return self.tflops.fp4 * TFLOPS if self.tflops.fp4 else None

    @property
    def int8_ops(self) -> float | None:
        return self.tflops.int8 * TFLOPS if self.tflops.int8 else None

    @property
    def interconnect_bytes_per_s(self) -> float | None:
        if self.interconnect is not None:
            return self.interconnect.gb_s * GB
        return self.pcie_gb_s * GB if self.pcie_gb_s else None

    @property
    def peer_link_bytes_per_s(self) -> float | None:
        """One peer link of a switchless mesh (None where a switch gives every peer the whole figure)."""
        if self.interconnect is not None and self.interconnect.peer_links:
            return self.interconnect.gb_s * GB / self.interconnect.peer_links
        return None

    def supports(self, dtype: str) -> bool:
        """True when `dtype` runs natively (fp32 always does)."""
        return dtype == "fp32" or dtype in self.dtypes

    def flops_for(self, dtype: str) -> float:
        """Dense FLOP/s for compute in `dtype`, falling back the way engines do when not native."""
        if dtype == "tf32":  # cuBLAS SGEMM under CUBLAS_TF32_TENSOR_OP_MATH (llama_cpp_f32_weights.py)
            return self.tf32_flops or self.fp16_flops or 0.0
        table = {"fp8": self.fp8_flops, "int8": self.int8_ops,
                 "bf16": self.bf16_flops, "fp16": self.fp16_flops}
        chain = {"fp8": ("fp8", "bf16", "fp16"), "int8": ("int8", "fp16", "bf16"),
                 "bf16": ("bf16", "fp16"), "fp16": ("fp16", "bf16")}.get(dtype, ())
        for name in chain:
            value = table[name]
            if value:
                return value
        return self.fp32_flops or self.bf16_flops or self.fp16_flops or 0.0

    def to_json(self) -> dict[str, Any]:
        """The `llmsize gpus --format json` object (DESIGN.md keys first, then the rest)."""
        return {
            "id": self.id,
            "name": self.display_name,
            "vendor": self.vendor,
            "memory_bytes": self.memory_bytes,
            "bandwidth_bytes_per_s": self.bandwidth_bytes_per_s,
            "bf16_flops": self.bf16_flops,
            "fp8_flops": self.fp8_flops,
            "fp16_flops": self.fp16_flops,
            "fp32_flops": self.fp32_flops,
            "int8_ops": self.int8_ops,
            "usable_memory_bytes": self.usable_memory_bytes,
            "visible_memory_bytes": self.visible_memory_bytes,
            "visible_memory_basis": self.visible_basis,
            "visible_memory_source": self.memory.visible_source,
            "fp4_flops": self.fp4_flops,
            "price": self.price.model_dump(mode="json") if self.price else None,
            "memory_basis": self.memory.basis,
            "memory_marketed": self.memory.marketed_label(),
            "memory_type": self.memory.type,
            "unified_memory": self.memory.unified,
            "segment": self.segment,
            "architecture": self.architecture,
            "dtypes": list(self.dtypes),
            "interconnect": self.interconnect.name if self.interconnect else None,
            "interconnect_bytes_per_s": self.interconnect_bytes_per_s,
            "tdp_w": self.tdp_w,
            "max_power_w": self.max_power_w or self.tdp_w,
            "aliases": list(self.aliases),
            "source": self.source,
        }


class GpuCatalog:
    """An id-ordered set of GpuSpecs with forgiving lookup (case, spaces, dashes, vendor words).

    Bundled entries (BundledEntry) are checked when they are looked up or listed."""

    def __init__(self, gpus: Iterable[GpuSpec | BundledEntry]) -> None:
        self._by_id: dict[str, GpuSpec | BundledEntry] = {}
        for gpu in gpus:
            self._by_id[gpu.id] = gpu  # later entries (user files) override earlier ones
        self._index: dict[str, str] = {}
        for gpu in self._by_id.values():
            labels = gpu.labels() if isinstance(gpu, BundledEntry) else (gpu.id, *gpu.aliases, gpu.name)
            for key in _lookup_keys(labels):
                self._index.setdefault(key, gpu.id)

    def _checked(self, gpu_id: str) -> GpuSpec:
        gpu = self._by_id[gpu_id]
        if isinstance(gpu, BundledEntry):
            gpu = self._by_id[gpu_id] = gpu.checked()
        return gpu

    def __iter__(self) -> Iterator[GpuSpec]:
        return iter([self._checked(gpu_id) for gpu_id in list(self._by_id)])

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def find(self, name: str) -> GpuSpec | None:
        for key in (normalize_gpu_name(name), _strip_vendor_words(normalize_gpu_name(name))):
            gpu_id = self._index.get(key)
            if gpu_id is not None:
                return self._checked(gpu_id)
        return None

    def variants(self, name: str) -> list[str]:
        """The other catalog GPUs a family name like "A100" or "M3-Max" also names (their ids or aliases
        start with it), when `name` is not the id of the GPU it picks: `find` takes one of them, and
        the user should see which (issue 15, newcomer audit round 9)."""
        gpu = self.find(name)
        key = _strip_vendor_words(normalize_gpu_name(name))
        if gpu is None or len(key) < 2 or key in _lookup_keys([gpu.id]):
            return []
        return list(dict.fromkeys(gpu_id for k, gpu_id in self._index.items()
                                  if k.startswith(key) and gpu_id != gpu.id))

    def get(self, name: str) -> GpuSpec:
        """The GPU called `name`, or GpuNotFoundError with close matches."""
        gpu = self.find(name)
        if gpu is not None:
            return gpu
        from llmsize.hardware.gpu_count_words import split_count

        counted = split_count(name)
        known = self.find(counted[1]) if counted else None
        if counted and known is not None:  # "2x RTX 4090": the count is --num-gpus' (gpu_count_words.py)
            raise GpuNotFoundError(
                f"unknown GPU {name!r}: --gpu names one GPU and --num-gpus the count",
                hint=f"--gpu {known.id} --num-gpus {counted[0]}",
            )
        machine = normalize_gpu_name(name)
        if machine in _MAC_CHIPS:
            # "Mac Studio" alone: the machine, not its chip. It was answered with "Did you mean:
            # Ryzen-AI-Max-395-128GB, Ryzen-AI-9-HX-370-32GB, Gaudi-3?" (issue 15, newcomer round 12)
            raise GpuNotFoundError(
                f"unknown GPU {name!r}: a Mac is named by its chip and memory (the chip is the GPU)",
                hint="e.g. --gpu 'Mac Studio M3 Ultra' or --gpu M4-Max-128GB; `llmsize gpus --vendor apple` "
                     "lists them",
                suggestions=_mac_chips(self._by_id, _MAC_CHIPS[machine]),
            )
        from llmsize.hardware.gpu_memory_words import cards_of_size, memory_size

        size = memory_size(name)
        if size is not None:  # "--gpu 24GB": a card's memory, not its name (gpu_memory_words.py)
            raise GpuNotFoundError(
                f"unknown GPU {name!r}: --gpu names a GPU, not its memory",
                hint=f"`llmsize gpus --min-memory {size:g}GB` lists the cards with at least that much",
                suggestions=cards_of_size(self, size),
            )
        raise GpuNotFoundError(
            f"unknown GPU {name!r}",
            hint="`llmsize gpus` lists the catalog; add your own as a YAML file in $LLMSIZE_GPU_DIR "
            "(~/.config/llmsize/gpus/) or, where the command takes it, --gpu-file",
            suggestions=self.suggest(name),
        )

    def suggest(self, name: str, n: int = 5) -> list[str]:
        key = _strip_vendor_words(normalize_gpu_name(name))
        # Numbers carry the meaning in GPU names ("4090", "a100"): keys that contain the query come
        # first, then the closest spellings.
        matches = [k for k in self._index if len(key) >= 2 and key in k]
        import difflib  # only for suggestions after a miss

        matches += difflib.get_close_matches(key, list(self._index), n=n * 3, cutoff=0.5)
        out: list[str] = []
        for k in matches:
            gpu_id = self._index[k]
            if gpu_id not in out:
                out.append(gpu_id)
        return out[:n]


def normalize_gpu_name(name: str) -> str:
    """Case- and separator-insensitive key: 'RTX-4090', 'rtx 4090' and 'rtx_4090' -> 'rtx4090'; typed
    full-width ('Ｈ１００') it is the same key (names.fold_name), not an empty one that matched nothing."""
    if not name.isascii():
        from llmsize.names import fold_name

        name = fold_name(name)
    return re.sub(r"[^a-z0-9]", "", name.lower())


# "Mac M4 Max 128GB" and "MacBook Pro M4 Max" are how Apple machines are named (the chip is the GPU);
# NVIDIA's "RTX" / "GTX" brand is left out as often as it is written: "3060 12GB" missed the alias
# rtx3060-12gb that "4060ti 16gb" found as 4060ti16gb (issue 15, newcomer round 16). No two catalog GPUs
# share a name without it (tests/cli/test_new_user_round16.py checks).
_VENDOR_WORDS = ("nvidia", "geforce", "tesla", "quadro", "amd", "radeon", "instinct", "apple",
                 "macbookpro", "macbookair", "macbook", "macstudio", "macmini", "macpro", "mac", "rtx", "gtx")


# A Mac named without its chip ("Mac Studio", "MacBook Pro"), and the chip kinds Apple builds it with
# (apple.com/mac/compare): what a miss suggests, in this order
_MAC_CHIPS = {"macstudio": ("Ultra", "Max"), "macpro": ("Ultra",), "macmini": ("Pro", ""),
              "macbookpro": ("Max", "Pro", ""), "macbookair": ("",), "macbook": ("Max", "Pro", ""),
              "mac": ("Ultra", "Max", "Pro", ""), "apple": ("Ultra", "Max", "Pro", "")}


def _mac_chips(ids: Iterable[str], kinds: tuple[str, ...], n: int = 5) -> list[str]:
    """Catalog ids of Apple chips of these kinds ("M4-Max-128GB"; "" the base chip), newest and
    largest first within each kind."""
    found = []
    for gpu_id in ids:
        chip = re.fullmatch(r"M(\d+)(?:-(Pro|Max|Ultra))?-(\d+)GB", gpu_id)
        if chip is not None and (chip.group(2) or "") in kinds:
            kind = kinds.index(chip.group(2) or "")
            found.append(((kind, -int(chip.group(1)), -int(chip.group(3))), gpu_id))
    return [gpu_id for _, gpu_id in sorted(found)][:n]


def _strip_vendor_words(key: str) -> str:
    for word in _VENDOR_WORDS:
        if key.startswith(word) and len(key) > len(word):
            key = key[len(word):]
    return key


def _lookup_keys(labels: Iterable[str]) -> list[str]:
    keys = []
    for label in labels:
        if label:
            key = normalize_gpu_name(label)
            keys += [key, _strip_vendor_words(key)]
    return keys


# --- loading ----------------------------------------------------------------------------------

def _entries_from_document(doc: Any, where: str) -> list[dict[str, Any]]:
    """A catalog file is `{vendor, segment, gpus: [...]}` (defaults for its entries) or a bare list."""
    if isinstance(doc, list):
        defaults: dict[str, Any] = {}
        entries = doc
    elif isinstance(doc, dict) and isinstance(doc.get("gpus"), list):
        defaults = {k: v for k, v in doc.items() if k != "gpus"}
        unknown = set(defaults) - {"vendor", "segment", "source"}
        if unknown:
            raise ConfigError(f"{where}: unknown top-level field(s) {sorted(unknown)}; "
                              "a GPU file holds `vendor`, `segment` and a `gpus:` list")
        entries = doc["gpus"]
    else:
        raise ConfigError(f"{where}: expected a `gpus:` list of GPU entries",
                          hint="see gpu_specs/README.md for the format")
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: gpus[{i}] is not a mapping of fields")
        out.append({**defaults, **entry})
    return out


# Entries one GPU file may hold. A catalog of someone's own cards is a handful (the bundled files hold at
# most 42); 20,000 entries took `llmsize gpus` 40 s to tabulate (issue 15, round 8: under 2 s).
MAX_GPUS_PER_FILE = 256
# Bytes of one GPU file: the bundled files hold ~700 bytes per GPU with their comments, so 256 GPUs fit in
# half of this. The file is parsed before its entries are counted, and YAML parses at well under 1 MB/s:
# a 3 MB file of 20,000 GPUs took 7 s (and the generic 64 MiB text limit allowed minutes).
MAX_GPU_FILE_BYTES = 512 * 1024
# Words that --gpu / --gpus read as something other than a catalog entry: this machine
# (cli/gpu_options.py LOCAL_GPU_NAMES) and every GPU (`compare --gpus all`). An entry named so could not
# be asked for; one whose id has a comma cannot be named in --gpus, which splits on commas; one whose id
# has no letter or digit matched any --gpu without one (normalize_gpu_name leaves an empty key).
RESERVED_GPU_NAMES = ("local", "this", "here", "all")


def _name_problem(label: str) -> str | None:
    """Why an id or alias cannot be asked for on the command line, or None."""
    if "," in label:
        return "holds a comma, which --gpus reads as a separator"
    if label.strip().lower() in RESERVED_GPU_NAMES:
        return f"is a word --gpu reads otherwise ({', '.join(RESERVED_GPU_NAMES)})"
    if not normalize_gpu_name(label):
        return "has no letter or digit to look it up by"
    return None


def _parse_entries(entries: list[dict[str, Any]], where: str) -> list[GpuSpec]:
    _check_file(entries, where)
    gpus = [_parse_entry(entry, i, where) for i, entry in enumerate(entries)]
    ids = [g.id for g in gpus]
    if len(set(ids)) != len(ids):  # in one file the later entry would silently replace the first
        twice = next(i for i in ids if ids.count(i) > 1)
        raise ConfigError(f"{where} lists the GPU {twice!r} twice", hint="give each entry its own id")
    return gpus


def _check_file(entries: list[dict[str, Any]], where: str) -> None:
    if len(entries) > MAX_GPUS_PER_FILE:
        raise ConfigError(f"{where} lists {len(entries):,} GPUs; a GPU file holds at most "
                          f"{MAX_GPUS_PER_FILE}", hint="keep the cards you plan for")


def _parse_entry(entry: dict[str, Any], i: int, where: str) -> GpuSpec:
    """gpus[i] of the file `where` as a GpuSpec, or ConfigError naming the entry and field."""
    label = entry.get("id", f"gpus[{i}]")
    odd = first_unprintable(entry)
    if odd is not None:  # an id or name is printed in tables, where an escape sequence would act
        shown = one_line(repr(label), 60)
        raise ConfigError(f"{where}: GPU {shown}, field {odd}: holds control characters")
    try:
        gpu = GpuSpec.model_validate({**entry, "catalog_file": where})
    except ValidationError as err:
        problems = [f"field {'.'.join(str(p) for p in e['loc']) or '(entry)'}: "
                    + str(e["msg"]).removeprefix("Value error, ") for e in err.errors()[:3]]
        more = f" (and {err.error_count() - 3} more)" if err.error_count() > 3 else ""
        raise ConfigError(f"{where}: GPU {label!r}, " + "; ".join(problems) + more) from None
    for field, labels in (("id", (gpu.id,)), ("aliases", gpu.aliases)):
        for name in labels:
            why = _name_problem(name)
            if why is not None:
                shown = f"GPU {one_line(repr(gpu.id), 60)}, {field} {one_line(repr(name), 60)}"
                raise ConfigError(f"{where}: {shown} {why}", hint="rename it")
    if gpu.memory_bytes < 1:  # 1e-320 GiB passes size > 0 but is no memory at all
        raise ConfigError(f"{where}: GPU {gpu.id!r} has {gpu.memory.size!r} {gpu.memory.unit} of memory, "
                          "less than one byte")
    if not where.startswith(_BUNDLED_PREFIX):  # the bundled files are checked by tests, not per run
        _check_user_entry(entry, gpu, where)
    return gpu


def _check_user_entry(entry: dict[str, Any], gpu: GpuSpec, where: str) -> None:
    """What a user file can get wrong that a field bound cannot see (issue 15, round 10): true/false
    where a number goes (read as 1: `driver_mib: true` made a 1 MiB card), and memory below the NVIDIA
    driver's reserve (a negative usable size: "the card's -0.43 GiB")."""
    read_as = gpu.model_dump(mode="json")
    flipped = boolean_read_as_number(entry, read_as)
    if flipped is not None:
        raise ConfigError(f"{where}: GPU {gpu.id!r}, field {flipped}: a number, not true or false")
    spelled = text_read_as_number(entry, read_as)
    if spelled is not None:  # '８０' read as 80 (issue 15, round 22)
        raise ConfigError(
            f"{where}: GPU {gpu.id!r}, field {spelled}: not a number in ASCII digits",
            hint="write it as e.g. 80 or 3350.5",
        )
    if gpu.usable_memory_bytes < 1:
        raise ConfigError(
            f"{where}: GPU {gpu.id!r} has {gpu.memory_bytes / MIB:,.0f} MiB of memory, no more than the "
            f"NVIDIA driver keeps for itself ({nvidia_driver_reserve_bytes() / MIB:,.0f} MiB)",
            hint="check memory.size, memory.unit and memory.driver_mib",
        )


_BUNDLED_PREFIX = "gpu_specs/"


def _load_document(text: str, where: str) -> Any:
    try:
        doc = load_catalog_yaml(text)  # the bundled files come from their JSON copies: no yaml import
    except (UnreadableText, RecursionError) as err:
        raise ConfigError(f"{where}: not a GPU catalog: {err or 'it is nested too deeply'}") from None
    except Exception as err:
        import yaml  # only here, for a file that did not parse (issue 15: import what the command needs)

        if isinstance(err, yaml.YAMLError):  # its text runs over lines ("\n  in <unicode string>")
            mark = getattr(err, "problem_mark", None)
            line = f"line {mark.line + 1}: " if mark is not None else ""
            problem = one_line(str(getattr(err, "problem", None) or err).strip(), 120)
            raise ConfigError(f"{where}: not valid YAML ({line}{problem})") from None
        raise
    return doc


def _load_text(text: str, where: str) -> list[GpuSpec]:
    return _parse_entries(_entries_from_document(_load_document(text, where), where), where)


@cache
def bundled_gpus() -> tuple[GpuSpec, ...]:
    """Every entry of the bundled gpu_specs/*.yaml (read once per process)."""
    return tuple(gpu.checked() if isinstance(gpu, BundledEntry) else gpu for gpu in bundled_entries())


@dataclass(frozen=True, eq=False)
class BundledEntry:
    """An entry of a bundled GPU file, checked (GpuSpec.model_validate and the loader's checks) when it
    is looked up: a run with `--gpu X` validated all 173 bundled entries for one (issue 15, cold
    `fit --all`). Its id, aliases and name are what the catalog indexes it by before it is checked;
    tests/unit/test_gpus.py checks they are the checked GpuSpec's for every bundled entry."""

    entry: dict[str, Any]
    index: int
    where: str

    @property
    def id(self) -> str:
        return str(self.entry["id"])

    def labels(self) -> list[str]:
        return [self.id, *self.entry.get("aliases", ()), self.entry.get("name", "")]

    def checked(self) -> GpuSpec:
        return _checked_entry(self)


@cache
def _checked_entry(entry: BundledEntry) -> GpuSpec:
    return _parse_entry(entry.entry, entry.index, entry.where)


def _plain_labels(entry: dict[str, Any]) -> bool:
    """Whether the entry's id, aliases and name are strings, as they are once checked."""
    aliases = entry.get("aliases", [])
    return (isinstance(entry.get("id"), str) and isinstance(entry.get("name", ""), str)
            and isinstance(aliases, list) and all(isinstance(a, str) for a in aliases))


@cache
def bundled_entries() -> tuple[BundledEntry, ...]:
    """The bundled gpu_specs/*.yaml entries, unchecked but for each file's size and repeated ids."""
    out: list[BundledEntry] = []
    for f in yaml_files("gpu_specs"):
        where = f"{_BUNDLED_PREFIX}{f.name}"
        entries = _entries_from_document(_load_document(f.read_text(encoding="utf-8"), where), where)
        _check_file(entries, where)
        for i, entry in enumerate(entries):
            if not _plain_labels(entry):  # checked now, as every entry was: it would raise
                _parse_entry(entry, i, where)
        ids = [entry["id"] for entry in entries]
        if len(set(ids)) != len(ids):  # in one file the later entry would silently replace the first
            twice = next(i for i in ids if ids.count(i) > 1)
            raise ConfigError(f"{where} lists the GPU {twice!r} twice", hint="give each entry its own id")
        out += [BundledEntry(entry, i, where) for i, entry in enumerate(entries)]
    return tuple(out)


def load_gpu_file(path: str | Path) -> list[GpuSpec]:
    """Entries of one user GPU file; ConfigError naming the file and field when malformed."""
    p = user_path(str(path))
    shown = one_line(repr(str(p)), 80)
    try:
        if not p.is_file():
            why = "is a folder" if p.is_dir() else "is not a regular file" if p.exists() else "does not exist"
            raise ConfigError(f"GPU file {shown} {why}", hint="pass a YAML file of GPU entries")
        key = str(p.resolve()), p.stat().st_mtime_ns
    except OSError as err:  # a name over 255 bytes (ENAMETOOLONG) was an internal error (issue 15, round 19)
        raise ConfigError(f"cannot read GPU file {shown}: {err.strerror or err}",
                          hint="pass a YAML file of GPU entries") from None
    return list(_load_cached(*key))


@cache
def _load_cached(path: str, mtime_ns: int) -> tuple[GpuSpec, ...]:
    try:
        text = read_text_bounded(Path(path), MAX_GPU_FILE_BYTES)
    except (OSError, UnicodeDecodeError, UnreadableText) as err:
        why = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        hint = "keep the cards you plan for" if "larger than" in why else "pass a UTF-8 YAML file"
        raise ConfigError(f"cannot read GPU file {path}: {why}", hint=hint) from None
    return tuple(_load_text(text, path))


def user_gpu_dir() -> Path:
    """$LLMSIZE_GPU_DIR, else ~/.config/llmsize/gpus (XDG_CONFIG_HOME honoured)."""
    env = env_path(USER_GPU_DIR_ENV)
    if env is not None:
        return env
    return xdg_dir("XDG_CONFIG_HOME", ".config") / "llmsize" / "gpus"


def user_gpu_files() -> list[Path]:
    folder = user_gpu_dir()
    try:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    except OSError as err:  # a name too long, a folder without read permission
        raise ConfigError(f"cannot read the user GPU folder {str(folder)[:200]!r}: {err.strerror or err}",
                          hint=f"fix or unset ${USER_GPU_DIR_ENV}") from None


def load_catalog(gpu_files: Sequence[str | Path] = ()) -> GpuCatalog:
    """Bundled catalog, then the user catalog directory, then each --gpu-file (later wins)."""
    gpus: list[GpuSpec | BundledEntry] = list(bundled_entries())
    own = 0
    for path in [*user_gpu_files(), *gpu_files]:
        entries = load_gpu_file(path)
        own += len(entries)
        if own > MAX_GPUS_PER_FILE:  # many files of 256 each are the same slow listing as one of 20,000
            raise ConfigError(f"the GPU files list {own:,} GPUs of your own by {one_line(str(path), 80)}; "
                              f"llmsize reads at most {MAX_GPUS_PER_FILE}",
                              hint=f"keep the cards you plan for (the folder: ${USER_GPU_DIR_ENV})")
        gpus += entries
    return GpuCatalog(gpus)


def get_gpu(name: str, gpu_files: Sequence[str | Path] = ()) -> GpuSpec:
    """Look a GPU up by id, alias or name (see GpuCatalog.get)."""
    return load_catalog(gpu_files).get(name)


# Driver-reported memory sits up to ~0.1% under the marketed GiB (RTX 4090: 24,564 of 24,576 MiB);
# ECC costs 1/16 (6.25%). 1% keeps the first a match and the second not.
MIN_MEMORY_TOLERANCE = 0.01


def filter_gpus(
    gpus: Iterable[GpuSpec],
    *,
    min_memory_bytes: int | None = None,
    vendor: str | None = None,
    segment: str | None = None,
    fp8: bool = False,
) -> list[GpuSpec]:
    """The `llmsize gpus` filters: memory at least N bytes, vendor, segment, native FP8.

    Memory is what the `llmsize gpus` table shows (the driver's total; for unified memory the GPU's
    share), less a 1% tolerance: a "24 GB" RTX 4090 reports 24,564 MiB (0.05% under 24 GiB) and
    still counts as a 24 GiB card, while an L4 whose ECC leaves 22.5 GiB does not (issue 15: the
    table showed 22.5 GiB beside a 24 GiB filter).
    """
    out = []
    for gpu in gpus:
        shown = gpu.usable_memory_bytes if gpu.memory.unified else gpu.memory_bytes
        if min_memory_bytes is not None and shown < min_memory_bytes * (1 - MIN_MEMORY_TOLERANCE):
            continue
        if vendor and gpu.vendor != vendor.lower():
            continue
        if segment and gpu.segment != segment.lower():
            continue
        if fp8 and not gpu.supports("fp8"):
            continue
        out.append(gpu)
    return out


@cache
def nvidia_driver_reserve_bytes() -> int:
    """Median of (nvidia-smi total - runtime total) over bundled NVIDIA cards that publish both."""
    from statistics import median

    gaps = [g.memory.driver_mib * MIB - g.memory.visible_bytes for g in bundled_gpus()
            if g.vendor == "nvidia" and g.memory.driver_mib and g.memory.visible_bytes]
    return int(median(gaps)) if gaps else 0


def driver_reported_bytes(gpu: GpuSpec) -> int:
    """Memory the GPU runtime reports as total for `gpu` (cudaMemGetInfo / hipMemGetInfo).

    This is what vLLM multiplies by gpu_memory_utilization (total_gpu_memory in its log), so engine
    budgets should start from it: a published runtime total when the catalog has one, else the
    documented rule of GpuSpec.visible_memory_bytes.
    """
    return gpu.visible_memory_bytes
