"""Measured read ceilings of unified LPDDR5X memory systems, for the batch-1 GGUF weight stream.

The LPDDR class share of llama.cpp's GGUF decode kernels (speed_profiles.KERNEL_BANDWIDTH
('gguf', 'lpddr') = 0.79) was calibrated on the LPDDR fit rows, DGX Spark's decode rows (GB10,
273 GB/s: Q8_0 and Q4_0 dense models stream 212-220 GB/s there) beside one Strix Halo MoE row.
Strix Halo's memory system is a different controller (AMD's 256-bit LPDDR5X-8000, 256 GB/s by the
datasheet) whose GPU read ceiling is published: rocm_bandwidth_test gives "about 212 GB/s peak
bandwidth", "roughly in line with the max MBW tested by ThePhawx, jack stone, and others on various
Strix Halo systems" (lhl's r/LocalLLaMA Strix Halo notes, stored copy
https://reddit.birdcat.cafe/r/MetaAI+LocalLlama; details at https://llm-tracker.info/_TOORG/Strix-Halo),
and "256 GB/s theoretical, ~215 GB/s measured (84% efficiency)"
(https://whylucian.github.io/softab/docs/hardware-specs.html). llama.cpp's mat-vec kernels on this
iGPU reach that ceiling for large dense weights whatever their type (kyuz0/amd-strix-halo-toolboxes
logs, build 9193, tg128 x the file's bytes: BF16 Ministral-3-14B 218.6 GB/s and gemma-4-31B 218.0 under
ROCm, Qwen3.6-27B UD-Q8_K_XL 219.6), so the class share, 0.79 x 256 = 202 GB/s, under-rates them: on
this device the stream runs at the measured ceiling instead. Nothing is fitted: the figure is the
published measurement over the datasheet bandwidth.
"""

from __future__ import annotations

from llmsize.hardware.gpus import GpuSpec

# REFERENCE: measured GPU read bandwidth in GB/s (module docstring): the mean of the two published
# figures, 212 (rocm_bandwidth_test, lhl / llm-tracker.info) and ~215 (softab hardware-specs).
STRIX_HALO_MEASURED_GB_S = (212.0 + 215.0) / 2
MEASURED_READ_GB_S: dict[str, float] = {
    "Ryzen-AI-Max-395-128GB": STRIX_HALO_MEASURED_GB_S,
    "Ryzen-AI-Max-395-64GB": STRIX_HALO_MEASURED_GB_S,
}
# The kernel families that stream at the ceiling: llama.cpp's / Ollama's GGUF mat-vecs.
CEILING_FAMILIES = frozenset({"gguf"})


def measured_share(family: str, gpu: GpuSpec) -> float | None:
    """Measured read ceiling / datasheet bandwidth for `family`'s batch-1 stream on `gpu`, or None
    where no ceiling is published for the device (the class share stands)."""
    measured = MEASURED_READ_GB_S.get(gpu.id)
    if family not in CEILING_FAMILIES or measured is None or not gpu.bandwidth_gb_s:
        return None
    return measured / gpu.bandwidth_gb_s
