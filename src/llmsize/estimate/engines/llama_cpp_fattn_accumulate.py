"""llama.cpp's CUDA prompt attention on NVIDIA tensor cores: half its FLOPs accumulate in FP16.

Why: the speed model prices a prompt's attention FLOPs at the card's 16-bit figure (hardware/
forward_costs.attention_rate), which the catalog records with FP32 accumulation; on GeForce and other
consumer NVIDIA parts FP16 tensor-core MMA with FP16 accumulation runs at twice that rate. ggml-cuda
runs one of attention's two products that way, on every build and with or without flash attention:
- with flash attention (the MMA kernel, ggml/src/ggml-cuda/fattn-mma-f16.cuh, Turing and newer:
  `turing_mma_available`), `mma_tile_sizes` gives the K·Q tile float accumulators (`T_C_KQ = tile<..,
  float>`) and the V·softmax tile half2 ones (`T_C_VKQ = tile<.., half2>`), so the VKQ `mma(...)` calls
  issue FP16-accumulate MMA; the kernel has no precision switch (the graph's
  `ggml_flash_attn_ext_set_prec(cur, GGML_PREC_F32)` in src/llama-graph.cpp build_attn_mha is not read
  by it);
- without it, build_attn_mha sets `ggml_mul_mat_set_prec(kq, GGML_PREC_F32)` on K·Q only, and
  ggml-cuda.cu `ggml_cuda_mul_mat_batched_cublas` runs GGML_PREC_DEFAULT products with
  CUBLAS_COMPUTE_16F and GGML_PREC_F32 ones with CUBLAS_COMPUTE_32F (CDNA and RDNA4 always 32F), so
  K·Q accumulates in FP32 and KQ·V in FP16.
(Read at the ggml-cuda copy Ollama vendored from ggml-org/llama.cpp ec98e2002.)
So the P·V half (d_v of every d_qk + d_v FLOPs a query-key pair costs; llmsize counts d_qk = d_v for
every non-MLA model: hardware/attention_flops.py) runs at the FP16-accumulate rate and the Q·K half at
the FP32-accumulate one. The FP16-accumulate rate is half the card's dense INT8 rate on every NVIDIA
tensor-core card in the catalog from Turing on (GA102 whitepaper: RTX 3090 142 FP16-accumulate, 284
INT8; Ada whitepaper: RTX 4090 330.3, 660.6; RTX 6000 Ada 364.2, 728.5); where the catalog's 16-bit
figure is already that rate (data-center and workstation parts, DGX Spark) nothing changes. The share
of the peak attention reaches stays the engine's (speed_constants); only the peak it is a share of
moves. MLA's latent attention keeps its own share (llama_cpp_mla.py). Not HIP, Metal, Vulkan or SYCL:
their kernels were not read for this (VULKAN_SPEED and SYCL_SPEED turn it off).
"""

from __future__ import annotations

# REFERENCE: fattn-mma-f16.cuh mma_tile_sizes (module docstring): of a pair's 2·(d_qk + d_v) FLOPs, the
# 2·d_v of P·V accumulate in FP16; llmsize counts d_qk = d_v outside MLA.
FP16_ACCUMULATE_SHARE = 0.5
# REFERENCE: ggml-cuda common.cuh turing_mma_available (cc >= 750): the MMA flash-attention kernel and
# the FP16-accumulate mma.sync tiles; the catalog's NVIDIA architectures from Turing on.
MMA_ARCHITECTURES = frozenset({"turing", "ampere", "ada", "hopper", "blackwell", "blackwell-ultra"})


def fp16_accumulate_flops(vendor: str, architecture: str, int8_ops: float, fp32_accumulate: float) -> float:
    """Peak FLOP/s of the FP16-accumulate MMA the P·V half runs at: half the dense INT8 rate on an NVIDIA
    tensor-core card, never below the FP32-accumulate figure (0 where the rule does not apply)."""
    if vendor != "nvidia" or architecture not in MMA_ARCHITECTURES or int8_ops <= 0:
        return 0.0
    return max(int8_ops / 2, fp32_accumulate)


def mixed_rate(fp32_accumulate_rate: float, fp16_accumulate_rate: float,
               share: float = FP16_ACCUMULATE_SHARE) -> float:
    """FLOP/s of attention when `share` of its FLOPs run at `fp16_accumulate_rate` and the rest at
    `fp32_accumulate_rate` (time adds, so the rates combine harmonically)."""
    if fp16_accumulate_rate <= 0 or fp32_accumulate_rate <= 0:
        return fp32_accumulate_rate
    return 1.0 / ((1.0 - share) / fp32_accumulate_rate + share / fp16_accumulate_rate)
