"""How much of a unified-memory machine's RAM the GPU may use, by the operating system's own rule.

Three rules cover the machines in the catalog:

- ``macos``: Metal lets the GPU wire at most ``iogpu.wired_limit_mb`` MiB; when that sysctl is 0 (the
  default) the limit is the device's recommendedMaxWorkingSetSize, which macOS sets to about two
  thirds of RAM on small machines and three quarters on larger ones. Measured values:
  8 GB -> ~5.3 GB (https://github.com/SceneWorks/SceneWorks/pull/1552), 16 GB -> 10.67 GB
  (https://github.com/exo-explore/exo/pull/1672), 64 GB and above -> 75%
  (https://github.com/gpustack/gpustack/issues/1375). macOS 26 reports 107.52 GiB on 128 GiB
  machines, measured on two chip generations (https://github.com/antirez/ds4/pull/893): that
  measurement is a floor from 128 GiB up (so the limit never shrinks as RAM grows), and the
  three-quarter rule takes over where it is larger (from 143.36 GiB).
- ``linux-gtt``: an AMD APU (Strix Halo) has a small BIOS carve-out (VRAM, usually 512 MiB:
  https://github.com/ROCm/rocm-systems/issues/351) plus GTT, system pages the GPU maps. The TTM
  page limit defaults to half of the memory the kernel manages (drivers/gpu/drm/ttm/ttm_tt.c,
  ttm_tt_mgr_init: ``num_pages / 2``; "half of my RAM for GTT ... is the default on Linux kernel":
  https://github.com/rjmalagon/ollama-linux-amd-apu/issues/4), and amdgpu uses whichever of VRAM or
  GTT is larger (https://github.com/torvalds/linux/commit/759e764f7d587283b4e0b01ff930faca64370e59).
  ``ttm.pages_limit`` raises it (96 GiB measured with pages_limit=25165824:
  https://github.com/noamsto/nix-amd-ai/issues/42).
- ``all``: NVIDIA's coherent unified memory (DGX Spark / GB10, Jetson): CUDA allocates from the
  same pool as the OS, with no carve-out; the OS and other programs share it.
"""

from __future__ import annotations

from typing import Literal

from llmsize.units import GIB, MIB

Rule = Literal["macos", "linux-gtt", "all"]

# REFERENCE: the size at which macOS switches from ~2/3 to 3/4 (36 GB machines get 2/3); between the
# measured 16 GB (2/3) and 64 GB (3/4) points (module docstring).
MACOS_SMALL_RAM_BYTES = 36 * GIB
# REFERENCE: https://github.com/antirez/ds4/pull/893 (recommendedMaxWorkingSetSize 107.52 GiB, stock,
# on 128 GiB machines under macOS 26): RAM size -> measured limit, a floor from that size up.
MACOS_MEASURED_DEFAULT: dict[int, int] = {128 * GIB: int(107.52 * GIB)}
# REFERENCE: https://github.com/ROCm/rocm-systems/issues/351 ("VRAM carve out is generally very
# small (512MB)").
APU_DEFAULT_CARVEOUT_BYTES = 512 * MIB


def macos_default_limit_bytes(ram_bytes: int) -> int:
    """Metal's default GPU working-set limit (iogpu.wired_limit_mb = 0) for `ram_bytes` of RAM."""
    if ram_bytes <= MACOS_SMALL_RAM_BYTES:
        return ram_bytes * 2 // 3
    floor = max((limit for size, limit in MACOS_MEASURED_DEFAULT.items() if ram_bytes >= size), default=0)
    return max(ram_bytes * 3 // 4, floor)


def macos_limit_bytes(ram_bytes: int, wired_limit_mb: int = 0) -> int:
    """The GPU limit macOS enforces: the sysctl when set (capped at RAM), else the default rule."""
    if wired_limit_mb > 0:
        return min(ram_bytes, wired_limit_mb * MIB)
    return macos_default_limit_bytes(ram_bytes)


def linux_gtt_limit_bytes(
    ram_bytes: int, carveout_bytes: int = APU_DEFAULT_CARVEOUT_BYTES, gtt_bytes: int | None = None
) -> int:
    """Memory an AMD APU's GPU can use: the larger of the carve-out and GTT (default: half the rest)."""
    if gtt_bytes is None:
        gtt_bytes = max(0, ram_bytes - carveout_bytes) // 2
    return max(carveout_bytes, gtt_bytes)


def unified_limit_bytes(rule: Rule, ram_bytes: int) -> int:
    """The GPU's default limit on a machine with `ram_bytes` of unified memory, by `rule`."""
    if rule == "macos":
        return macos_default_limit_bytes(ram_bytes)
    if rule == "linux-gtt":
        return linux_gtt_limit_bytes(ram_bytes)
    return ram_bytes


def rule_note(rule: Rule) -> str:
    """One sentence for reports: what caps the GPU's part of unified memory and how to raise it."""
    if rule == "macos":
        return (
            "unified memory: macOS lets the GPU wire about 2/3 (up to 36 GB) or 3/4 of RAM by default; "
            "`sudo sysctl iogpu.wired_limit_mb=N` raises it"
        )
    if rule == "linux-gtt":
        return (
            "unified memory: Linux gives an AMD APU's GPU half of RAM as GTT by default; "
            "the ttm.pages_limit kernel parameter (or a larger BIOS carve-out) raises it"
        )
    return "unified memory: the GPU shares RAM with the OS and other programs, which take their part"
