"""llama.cpp's SYCL backend (GGML_SYCL builds, Intel GPUs): its own prompt path.

Why it is not the CUDA profile: ggml-sycl has no int8 tile kernel in use for prompts.
`ggml_sycl_supports_mmq` (ggml/src/ggml-sycl/ggml-sycl.cpp) answers false for every type ("TODO:
accuracy issues in MMQ"), so `ggml_sycl_mul_mat` sends a quantized mat-mul of more than
MMVQ_MAX_BATCH_SIZE (8) columns to `ggml_sycl_op_mul_mat_sycl`, which converts the weights to FP16
(`to_fp16_sycl`) and runs the oneDNN GEMM (oneMKL without GGML_SYCL_DNN) on the XMX units. A prompt ubatch
therefore costs an FP16 conversion pass of the weights (llama_cpp_cublas_prefill.dequant_pass_seconds,
the same shape as ggml-cuda's old cuBLAS branch) plus an FP16 GEMM at a share of the FP16 XMX peak.
A prompt's MUL_MAT_ID sorts the ids on the host and calls `ggml_sycl_mul_mat` once per expert holding
tokens, so each such expert converts too: the pass covers the experts as well.

REFERENCE (the share): ggml-org/llama.cpp PR #13826 (Codeplay, 2025-05-27, master f9cd6839, table
"Battlemage"; the same authors' PR #12858 names its Battlemage card, an Arc B580), gemma2 2B Q4_K - Medium
(1.59 GiB, 2.61 B) pp512 "5713.46 ± 16.98" t/s. The FLOPs are counted as llama_cpp_vulkan_intel.py
counts gemma-2-2b (4.106 GFLOP a token). The conversion pass at the speed model's 16-bit GDDR share
(0.85 of 456 GB/s) reads 1.59 GiB and writes 2 bytes a weight: 17.9 ms of the 89.6 ms a 512-token ubatch
took, so the GEMMs ran 2.10 TFLOP in 71.7 ms: 29.3 TFLOP/s, 0.267 of the B580's 109.6 TFLOPS FP16 XMX.
Checked on another Xe2 device (PR #13109, Codeplay, 2025-04-25, Lunar Lake): llama 7B Q4_K - Medium
(3.80 GiB, 6.74 B) pp512 "551.60 ± 2.19"; 13.09 GFLOP a token, a conversion pass of 0.17 s at 0.75 of
136.5 GB/s, leaves 8.9 TFLOP/s: 0.27 of the Arc 140V's 32.77 TFLOPS (llama_cpp_vulkan_intel.LNL_XMX_FP16).
`--backend sycl` (Workload.backend) selects it for --engine llama.cpp; the decode path (ggml-sycl's
mmvq / dmmv kernels) keeps the CUDA profile's batch-1 bandwidth shares.
"""

from __future__ import annotations

from llmsize.estimate.engines.llama_cpp_cublas_prefill import FP16_BYTES
from llmsize.estimate.engines.llama_cpp_speed import SPEED as LLAMA_CPP_SPEED
from llmsize.estimate.engines.llama_cpp_sycl_mmid import SCAN_ENGINE, scans_ids
from llmsize.estimate.engines.llama_cpp_vulkan_intel import FLOP_PER_TOKEN as GEMMA2_2B_FLOP_PER_TOKEN
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile

SYCL_ENGINE = "llama.cpp-sycl"
# ggml-sycl/common.hpp MMVQ_MAX_BATCH_SIZE: up to 8 columns stay on the quantized mat-vec kernels.
MMVQ_MAX_BATCH_SIZE = 8

# PR #13826's Battlemage run, as derived above.
B580_FP16_XMX = 109.6e12  # gpu_specs/intel.yaml Arc-B580 fp16
B580_BANDWIDTH = 456e9
GDDR_16BIT_SHARE = 0.85  # hardware/speed_profiles.KERNEL_BANDWIDTH[("16bit", "gddr")]
GEMMA2_2B_Q4_K_M_BYTES = 1.59 * 2**30
GEMMA2_2B_PARAMS = 2.61e9
UBATCH = 512
PP512_TOKENS_PER_S = 5713.46


def _share() -> float:
    written = GEMMA2_2B_Q4_K_M_BYTES + FP16_BYTES * GEMMA2_2B_PARAMS
    conversion_s = written / (B580_BANDWIDTH * GDDR_16BIT_SHARE)
    gemm_s = UBATCH / PP512_TOKENS_PER_S - conversion_s
    return round(UBATCH * GEMMA2_2B_FLOP_PER_TOKEN / gemm_s / B580_FP16_XMX, 3)


XMX_GEMM_SHARE = _share()

SYCL_SPEED = LLAMA_CPP_SPEED.model_copy(
    update={
        "engine": SYCL_ENGINE,
        "version": "llama.cpp SYCL builds of 2025-2026 (oneDNN GEMM since PR #12972; PRs #13109, #13826)",
        "quantized_peak_dtype": "fp16",
        # Measured on a GDDR Battlemage card, checked on a Lunar Lake iGPU (both Xe2). Other Intel GPUs
        # are not priced: on an Arc A770 (Xe-HPG; PR #13536, llama 7B Q4_0 pp512 1,711.58) it reads 36%
        # fast, on a Data Center GPU Max 1100 (Xe-HPC; PR #13973, 2,618.08) twice too fast, so the HBM
        # class keeps the default share.
        "prefill_compute": {"intel-xe2": XMX_GEMM_SHARE, "gddr": XMX_GEMM_SHARE, "lpddr": XMX_GEMM_SHARE},
        "prefill_compute_16bit": {},
        "prefill_dequant_above_tokens": MMVQ_MAX_BATCH_SIZE,
        # ggml-cuda's Volta, MLA and FP16-accumulate attention rules are not ggml-sycl's.
        "prefill_dequant_above_by_arch": {},
        "latent_attention_compute": {},
        "attention_fp16_accumulate": False,
        "vendor_notes": {"intel": "llama.cpp SYCL backend: quantized prompt mat-muls convert the weights "
                                  "to FP16 for oneDNN's GEMM on the XMX units, not CUDA's int8 MMQ"},
        "sources": (
            "https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-sycl/ggml-sycl.cpp",
            "https://github.com/ggml-org/llama.cpp/pull/13826",
            "https://github.com/ggml-org/llama.cpp/pull/13109",
        ),
    }
)
# Builds before PR #23142 (b9291): a prompt's MUL_MAT_ID scans every routed pair once per expert
# (llama_cpp_sycl_mmid.py); BF16 weights run the FP32 fallback GEMM (llama_cpp_sycl_bf16.py).
SYCL_SCAN_SPEED = SYCL_SPEED.model_copy(
    update={
        "engine": SCAN_ENGINE,
        "sycl_mmid_scan": True,
        # Merged the same day as #23142: BF16 mat-vecs still take the FP32 GEMM (llama_cpp_sycl_bf16.py).
        "sycl_bf16_fp32_gemm": True,
        "version": SYCL_SPEED.version + "; builds before PR #23142 (MUL_MAT_ID scans the routing per expert)"
                   " and PR #21580 (BF16 through an FP32 GEMM)",
        "sources": (*SYCL_SPEED.sources, "https://github.com/ggml-org/llama.cpp/pull/23142",
                    "https://github.com/ggml-org/llama.cpp/pull/21580"),
    }
)
SYCL_PROFILES: dict[str, EngineSpeedProfile] = {SYCL_ENGINE: SYCL_SPEED, SCAN_ENGINE: SYCL_SCAN_SPEED}


def sycl_engine(engine: str, backend: str | None) -> str:
    """The speed profile of a llama.cpp profile `engine` run on ggml's `backend` ('sycl': the SYCL one;
    a SYCL profile already picked by build stays)."""
    if engine in SYCL_PROFILES:
        return engine
    if backend == "sycl" and (engine == "llama.cpp" or engine.startswith("llama.cpp-")):
        return SYCL_ENGINE
    return engine


def sycl_build_engine(build: int | None) -> str:
    """The SYCL profile of llama.cpp `build` (None: the current build)."""
    return SCAN_ENGINE if scans_ids(build) else SYCL_ENGINE
