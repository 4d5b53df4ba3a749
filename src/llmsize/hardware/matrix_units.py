"""Matrix units an engine's prompt mat-muls reach only through a dedicated API (Apple M5).

Apple's M5 GPU cores each carry a Neural Accelerator, a matrix unit beside the shader ALUs. Apple
gives no FLOP/s for it, only "over 4x the peak GPU compute for AI" of M4 with the same GPU core
counts (REFERENCE: https://www.apple.com/newsroom/2025/10/apple-unleashes-m5-the-next-big-leap-in-ai-
performance-for-apple-silicon/), so the matrix rate is 4x the shader FP16 rate the catalog lists
(cores x 128 x 2 x clock). Shaders reach it only through Metal 4's tensor API (MetalPerformance-
Primitives `mpp::tensor_ops::matmul2d`). llama.cpp's Metal backend runs its prompt mat-muls
(kernel_mul_mm / kernel_mul_mm_id) on that API when the device has it: PR #16634 (merged 2025-10,
"metal : initial Metal4 tensor API support"), and ggml-metal-device.m ggml_metal_device_init keeps
`has_tensor` on by default only for device names containing M5, M6, A19 or A20 (the older chips
see no gain). Decode's one-token mat-vecs (kernel_mul_mv) stay on the shader ALUs. Builds before
that PR, or where the tensor-API probe fails to compile (ggml-org/llama.cpp#27473, fixed by
#27461), run the simdgroup-matrix kernels at the shader rate: the engine profile says which.
"""

from __future__ import annotations

from llmsize.hardware.gpus import GpuSpec

# Peak matrix rate / shader FP16 rate by GPU architecture (catalog `architecture`).
# REFERENCE: Apple M5 announcement above ("over 4x the peak GPU compute for AI" vs M4, same cores).
MATRIX_UNIT_SPEEDUP: dict[str, float] = {"apple-m5": 4.0}


def matrix_unit_speedup(gpu: GpuSpec, engine_reaches_them: bool) -> float:
    """How much faster than the catalog's FP16 figure `gpu`'s prompt mat-muls can run (1: no gain)."""
    if not engine_reaches_them:
        return 1.0
    return MATRIX_UNIT_SPEEDUP.get(gpu.architecture, 1.0)
