"""MXFP4 MoE experts as vLLM's kernels hold them: the backend it picks per GPU and that kernel's padding.

"Model loading took" counts the experts after `process_weights_after_loading` has padded (and, for
Triton, swizzled) them, so a gpt-oss checkpoint loads larger than it is stored, by how much depending
on the GPU (sources in the comments below; used by vllm.py `Vllm.place_weights`).
"""

from __future__ import annotations

from llmsize.estimate.engines.base import ceil_div

# REFERENCE: vllm/model_executor/layers/fused_moe/oracle/mxfp4.py (v0.19) `select_mxfp4_moe_backend`
# walks FLASHINFER_TRTLLM_MXFP4_BF16 (SM100 family), CK (ROCm with AITER), TRITON (triton_kernels
# on compute capability 9.0 <= cc < 11.0), FLASHINFER_CUTLASS, TRITON_UNFUSED, MARLIN, and takes
# the first the device supports: an H100 logs "Using 'TRITON' Mxfp4 MoE backend", an A100/L40S/
# RTX 4090/RTX 5090 (cc 8.x, 12.x) gets Marlin. `mxfp4_round_up_hidden_size_and_intermediate_size`
# then pads each backend's (intermediate per rank, hidden): Marlin (128, 256) ("n % 256 == 0 and
# k % 128 == 0"), TRT-LLM (256, 256), ROCm (256, 256), Triton (64, unpadded). Older releases (0.10,
# `quantization/mxfp4.py` `get_mxfp4_backend`) fell back to Marlin when triton_kernels was absent.
# Checks: gpt-oss-120b on one H100, "Model loading took 64.38 GiB" with Triton (vllm#33155) and
# 65.9651 GiB with Marlin (vllm#23278); gpt-oss-20b at TP 2 7.01 GiB per rank (llm-d-planner#205).
MXFP4_PADS: dict[str, tuple[int, int]] = {  # backend -> (intermediate multiple, hidden multiple)
    "marlin": (128, 256),
    "flashinfer_trtllm": (256, 256),
    "rocm": (256, 256),
    "triton": (64, 1),
}
# REFERENCE: the Triton backend then hands each expert weight to triton_kernels' matmul_ogs layouts
# (vllm `mxfp4_utils._swizzle_mxfp4`, num_warps 8 outside batched MoE; biases cast to fp32 because
# matmul_ogs reads fp32 bias). On Hopper, triton-lang/triton python/triton_kernels/.../layout_details/
# hopper_value.py `HopperMXValueLayoutTransformation._padded_shape` pads the packed reduction axis
# (bytes) to 64 and the output axis to 256; hopper_scale.py `HopperMXScaleLayoutTransformation.
# swizzle_data` pads the output axis to 2 x num_warps x 2 x 8 = 256 and the scale columns to 2.
TRITON_HOPPER_K_BYTES_ALIGN = 64
TRITON_HOPPER_N_ALIGN = 256
TRITON_SCALE_K_ALIGN = 2
MXFP4_BLOCK = 32
ROCM_ARCHITECTURES = ("cdna", "rdna")


def mxfp4_expert_bytes(backend: str | None, inter: int, hidden: int) -> int:
    """Bytes of one expert's gate_up (w13) and down (w2) MXFP4 weights, scales and bf16/fp32 biases
    as `backend` holds them for a per-rank intermediate size; None = as the checkpoint stores them."""

    def up(x: int, multiple: int) -> int:
        return ceil_div(x, multiple) * multiple

    def mx(k: int, n: int, k_align: int = 1, n_align: int = 1, s_align: int = 1) -> int:
        # (n x k) 4-bit values in bytes + one E8M0 scale per 32 along k
        return up(k // 2, k_align) * up(n, n_align) + up(k // MXFP4_BLOCK, s_align) * up(n, n_align)

    if backend is None:
        return mx(hidden, 2 * inter) + mx(inter, hidden) + 2 * (2 * inter + hidden)
    pad_inter, pad_hidden = MXFP4_PADS[backend]
    i, h = up(inter, pad_inter), up(hidden, pad_hidden)
    if backend != "triton":
        return mx(h, 2 * i) + mx(i, h) + 2 * (2 * i + h)
    ka, na, sa = TRITON_HOPPER_K_BYTES_ALIGN, TRITON_HOPPER_N_ALIGN, TRITON_SCALE_K_ALIGN
    return mx(h, 2 * i, ka, na, sa) + mx(i, h, ka, na, sa) + 4 * (2 * i + h)


def mxfp4_backend_for(architecture: str, segment: str) -> str:
    """The MXFP4 MoE kernel vLLM 0.19 picks on a GPU of this catalog architecture (see MXFP4_PADS)."""
    arch = architecture.lower()
    if arch.startswith(ROCM_ARCHITECTURES):
        return "rocm"
    if arch == "hopper":  # compute capability 9.0
        return "triton"
    if arch.startswith("blackwell") and segment == "datacenter":  # SM100/SM103
        return "flashinfer_trtllm"
    return "marlin"  # Ampere/Ada (8.x), consumer Blackwell (12.x), Thor (11.0), unknown
