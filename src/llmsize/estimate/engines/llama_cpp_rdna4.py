"""llama.cpp's HIP backend on RDNA4 (gfx1200 / gfx1201): the prompt mat-mul path and its measured rate.

REFERENCE: ggml/src/ggml-cuda/mmq.cu `ggml_cuda_should_use_mmq`: under `amd_wmma_available(cc)` every
non-RDNA3 part (RDNA4) returns true ("For RDNA4 MMQ is consistently faster than dequantization + hipBLAS",
PR #18537), so each quantized prompt mat-mul runs MMQ: activations quantized to q8_1, int8 tiles
multiplied with WMMA (ggml-org/llama.cpp PR #17156, "HIP: WMMA-MMQ kernels for RDNA 4", merged 2025-11;
mmq.cuh `mmq_get_granularity_host` / `rows_per_warp` take the AMD WMMA layout). Its achieved rate is its own:
the GDDR share of the CUDA profile (0.274 of int8 peak) was fitted on GeForce MMA rows and would give an
R9700 about 105 int8 TOPS; the WMMA-MMQ kernels reach about half of that.

Priced from the one published RDNA4 llama.cpp table with a plain dense quantized prompt at ubatch 512
(not a held-out row): ggml-org/llama.cpp PR #18816 (jiachengjason, 2026-01), "| AI PRO R9700 | llama 8B
Q4_1 | 512 | pp2048 | 3396.83 |" (MMQ in both columns). The share below is the value at which this
model's llama-bench prediction for that run (Llama-3.1-8B, Q4_1, pp2048, -ub 512, -fa 1) gives 3396.83 t/s;
cross-check: the mat-muls alone, 2 x 6.98e9 weights x 3396.83 t/s = 47.4 TOPS, are 0.124 of the card's
382.7 dense int8 TOPS. A later master (PR #26284's baseline column, after PR #26199 retuned RDNA4's MMQ
configs, 2026-07) ran Q4_K_M at 3853.91 t/s on the same card: about 13% faster, not priced here.
"""

from __future__ import annotations

# Key of llama_cpp.SPEED.prefill_compute for RDNA4 (speed_profiles.prefill_compute: vendor-architecture).
RDNA4_KEY = "amd-rdna4"
# PR #18816, AI PRO R9700, llama 8B Q4_1, -ub 512, pp2048 (the run this share reproduces).
R9700_LLAMA8B_Q4_1_PP2048_TPS = 3396.83
RDNA4_MMQ_SHARE = 0.134
