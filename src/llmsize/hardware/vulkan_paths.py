"""Which mat-mul path llama.cpp's Vulkan backend runs a prompt on, and the peak rate of that path.

REFERENCE: ggml-org/llama.cpp ggml/src/ggml-vulkan/ggml-vulkan.cpp (master, read 2026):
- `ggml_vk_load_shaders` builds ONE family of mat-mul pipelines per device: the NV_cooperative_matrix2
  shaders when the driver exposes VK_NV_cooperative_matrix2 (NVIDIA, its logs print "matrix cores:
  NV_coopmat2"), else the KHR_cooperative_matrix ones ("KHR_coopmat"), else the scalar FP16 shaders
  (mul_mm.comp), beside which the q8_1 integer-dot MMQ shaders are built only in that scalar branch
  and only where VK_KHR_shader_integer_dot_product is accelerated ("int dot: 1").
- `ggml_vk_khr_cooperative_matrix_support`: Intel only on Xe2 ("some older hardware (ex. Arc A770) has
  performance regressions"), AMD with AMD's own drivers only on RDNA3 (RADV reports what the chip has:
  WMMA on RDNA3 and later), every other vendor as its driver reports (NVIDIA: Turing and later).
- `ggml_vk_get_mul_mat_mat_pipeline`: with coopmat2 every weight mat-mul (GGML_PREC_DEFAULT; only
  the attention scores ask for F32) dequantizes the weights to FP16 in the shader and runs the f16acc
  pipeline; with KHR coopmat the f16acc one where the driver offers FP16 accumulators (NVIDIA's does);
  the scalar shaders accumulate in FP16 where the device has fp16 arithmetic.
So on the matrix paths a prompt's GEMMs run at the matrix unit's FP16-in, FP16-accumulate rate,
never at the int8 rate CUDA's MMQ reaches (estimate/engines/llama_cpp.py quantized_peak_dtype).
Decode's one-token mat-vecs (mul_mat_vec) are bandwidth-bound on every path.
"""

from __future__ import annotations

from typing import Literal

from llmsize.estimate.engines.llama_cpp_vulkan_bf16 import bf16_matrix_cores
from llmsize.hardware.gpus import GpuSpec

VulkanPath = Literal["coopmat2", "coopmat", "scalar"]
# What a profile asks for: the device's own path, or the one a run's log printed ("matrix cores: ...").
VulkanRequest = Literal["auto", "coopmat", "scalar"]

# Architectures (catalog `architecture`) whose matrix units llama.cpp's Vulkan backend reaches through
# KHR_cooperative_matrix on AMD and Intel (ggml_vk_khr_cooperative_matrix_support: RDNA3 WMMA and
# later on AMD, Xe2 XMX on Intel).
COOPMAT_ARCHITECTURES = frozenset({"rdna3", "rdna3.5", "rdna4", "xe2"})
# NVIDIA generations whose driver offers KHR_cooperative_matrix but not NV_cooperative_matrix2.
# REFERENCE: ggml-vulkan.cpp get_device_architecture tells Turing apart (shaderWarpsPerSM 32), and
# ggml-org/llama.cpp PR #19290 (2026-02, "disable coopmat1 flash attention on Nvidia Turing") routes
# Turing's attention off the coopmat1 path, which a device only takes without coopmat2
# (get_fa_tuning_params: coopmat2 first): Turing cards run the KHR shaders.
NVIDIA_KHR_ONLY = frozenset({"turing"})
# NVIDIA generations without tensor cores whose catalog INT8 figure is the shader ALUs' DP4A rate
# (Tesla P40, sm_61), not a matrix unit: ggml-vulkan finds no cooperative-matrix support there.
NVIDIA_NO_TENSOR_CORES = frozenset({"pascal"})
# Architectures whose shader ALUs issue two FP32 FMAs a lane per clock (RDNA3's VOPD v_dual_fmac_f32). Their
# catalog fp32 already counts it (gpu_specs/README.md, "What fp32 means on RDNA 3 and later": RX 7900 XTX
# 61.4 = 96 CUs x 256 x 2.5 GHz), and it equals the packed-FP16 rate of single-issued v_pk_fma_f16.
DUAL_ISSUE_FP32 = frozenset({"rdna3", "rdna3.5", "rdna4"})
# Vendors whose shader ALUs run packed FP16 (two halves per lane) at twice the FP32 rate.
PACKED_FP16_VENDORS = frozenset({"amd", "intel"})


def vulkan_path(gpu: GpuSpec, request: VulkanRequest = "auto", bf16: bool = False) -> VulkanPath:
    """The mat-mul shader family ggml-vulkan builds for `gpu`: NV_coopmat2 on NVIDIA tensor-core
    cards after Turing, KHR coopmat on Turing, RDNA3+ and Xe2, else the scalar FP16 shaders.

    `request` follows what a run printed: "coopmat" for "matrix cores: KHR_coopmat" (a build or driver
    without coopmat2), "scalar" for "matrix cores: none". `bf16`: BF16 weights, which take the scalar
    shaders where the driver has no bf16 cooperative matrices (estimate/engines/llama_cpp_vulkan_bf16.py).
    """
    if request == "scalar" or (bf16 and not bf16_matrix_cores(gpu.vendor)):
        return "scalar"
    tensor_cores = _nvidia_tensor_cores(gpu)
    if tensor_cores and request == "auto" and gpu.architecture not in NVIDIA_KHR_ONLY:
        return "coopmat2"
    if tensor_cores or gpu.architecture in COOPMAT_ARCHITECTURES:
        return "coopmat"
    return "scalar"


def vulkan_matmul_peak(gpu: GpuSpec, path: VulkanPath, bf16: bool = False) -> float:
    """Peak FLOP/s of the prompt mat-muls on `path` (FP16 operands, FP16 accumulation).

    NVIDIA tensor cores run FP16 with FP16 accumulation at half their dense int8 rate on every
    generation since Turing, while GeForce cards run FP32 accumulation (the catalog's fp16 figure) at
    half that again (REFERENCE: NVIDIA Turing whitepaper, RTX 2080 Ti: 107.6 FP16-acc / 53.8 FP32-acc
    TFLOPS, 215.2 INT8 TOPS; Ampere GA102 whitepaper, RTX 3090: 142 / 71 / 284; Ada AD102 whitepaper,
    RTX 4090: 330.3 / 165.2 / 660.6), so the f16acc rate is int8 / 2 on GeForce and workstation cards
    alike. AMD WMMA (RDNA3/4) and Intel XMX run FP16 at the catalog's fp16 figure whatever the
    accumulator. The scalar shaders run FP16 FMAs on the shader ALUs: twice the FP32 rate where the ALUs
    pack two halves (AMD since Vega, Intel Xe), the FP32 rate on NVIDIA (Ampere whitepaper: non-tensor
    FP16 1:1 with FP32) and Apple (FP16 at the FP32 rate). BF16 weights on the scalar path are widened
    to FP32 (vulkan-shaders-gen.cpp: "scalar path promotes to float"): the FP32 rate. On RDNA3 and later
    (DUAL_ISSUE_FP32) the catalog's fp32 counts dual issue, which is also the packed-FP16 rate, so both
    scalar paths run at fp32 there, not at twice it.
    """
    if path != "scalar":
        if _nvidia_tensor_cores(gpu) and gpu.int8_ops:
            return gpu.int8_ops / 2
        return gpu.flops_for("fp16")
    fp32 = gpu.fp32_flops or gpu.flops_for("fp16") / 2
    if bf16 or gpu.architecture in DUAL_ISSUE_FP32:
        return fp32
    return 2 * fp32 if gpu.vendor in PACKED_FP16_VENDORS else fp32


def vulkan_speedup(gpu: GpuSpec, request: VulkanRequest = "auto", bf16: bool = False) -> float:
    """The path's peak over the catalog's FP16 figure (what SpeedConstants.matrix_speedup scales)."""
    base = gpu.flops_for("fp16")
    if base <= 0:
        return 1.0
    return vulkan_matmul_peak(gpu, vulkan_path(gpu, request, bf16), bf16) / base


def vulkan_prefill_share(
    table: dict[str, float], gpu: GpuSpec, request: VulkanRequest, class_name: str, default: float,
    bf16: bool = False,
) -> float:
    """The profile's share of the path's peak: by path, vendor and device class, then path and class,
    then path and architecture, then path ('coopmat2-gddr', 'coopmat-amd-lpddr', 'coopmat-xe2', 'scalar')."""
    key = vulkan_share_key(table, gpu, request, class_name, bf16)
    return default if key is None else table[key]


def vulkan_share_key(
    table: dict[str, float], gpu: GpuSpec, request: VulkanRequest, class_name: str, bf16: bool = False,
) -> str | None:
    """The key of `table` that vulkan_prefill_share reads for `gpu` (None: the default share)."""
    path = vulkan_path(gpu, request, bf16)
    keys = (f"{path}-{gpu.vendor}-{class_name}", f"{path}-{class_name}", f"{path}-{gpu.architecture}", path)
    return next((key for key in keys if key in table), None)


def vulkan_request(value: str) -> VulkanRequest:
    """A profile's `vulkan_matrix_cores` as a request ('auto' for anything it does not name)."""
    if value == "coopmat":
        return "coopmat"
    if value == "scalar":
        return "scalar"
    return "auto"


PATH_LABELS: dict[str, str] = {
    "coopmat2": "NV_coopmat2 cooperative-matrix",
    "coopmat": "KHR cooperative-matrix",
    "scalar": "scalar FP16",
}


def vulkan_note(gpu: GpuSpec, request: VulkanRequest, bf16: bool = False) -> str:
    """One line for the report: which shaders a prompt runs on and at what peak."""
    path = vulkan_path(gpu, request, bf16)
    peak = vulkan_matmul_peak(gpu, path, bf16) / 1e12
    if bf16 and path == "scalar" and request != "scalar":
        return (
            f"llama.cpp Vulkan backend: BF16 weights without bf16 cooperative matrices (bf16: 0) run the "
            f"scalar shaders widened to FP32 (peak {peak:,.0f} TFLOPS), and a MoE decode step runs their "
            "mat-mat MUL_MAT_ID on 32-token tiles"
        )
    return (
        f"llama.cpp Vulkan backend: prompt mat-muls run {PATH_LABELS[path]} shaders "
        f"(FP16, FP16 accumulate, peak {peak:,.0f} TFLOPS), not CUDA's int8 MMQ"
    )


def _nvidia_tensor_cores(gpu: GpuSpec) -> bool:
    """An NVIDIA card with tensor cores: an INT8 rate that is not Pascal's DP4A (Turing and later)."""
    return gpu.vendor == "nvidia" and bool(gpu.int8_ops) and gpu.architecture not in NVIDIA_NO_TENSOR_CORES
