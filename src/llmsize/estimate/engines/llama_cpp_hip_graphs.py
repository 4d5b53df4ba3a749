"""llama.cpp's HIP backend on RDNA3, RDNA 3.5 and RDNA4: what each kernel of a replayed decode graph costs.

ggml's HIP build replays a one-token step as a HIP graph (ggml/CMakeLists.txt: option(GGML_HIP_GRAPHS
"ggml: use HIP graph" ON), needing hip_VERSION >= 6.1; ggml-cuda.cu ggml_cuda_graph_set_enabled turns
graphs off only below Volta's compute capability, and AMD devices are numbered from
GGML_CUDA_CC_OFFSET_AMD, so they keep them). The step's kernels depend on each other and run one after
another, so each pays the runtime's dispatch floor. On RDNA3 that floor is measured: HIP graph replay of
941 serialized tiny dispatches takes 3.865 us of GPU time a dispatch on a Radeon Pro W7900 (gfx1100, the
RX 7900 XTX's die), against 0.876 us for the same chain replayed as a Vulkan command buffer
(ROCm/rocm-systems#10834, split from ROCm/ROCm#6409; TheRock ROCm build of 2026). The CUDA profile's
per-layer latency (llama_cpp_speed.SPEED gpu_per_layer_s, ~1 us a kernel) is of the Vulkan-like kind,
calibrated on NVIDIA and Apple rows, so on RDNA3 it is replaced by the measured floor per kernel.

Kernels of a dense block, current build: the graph nodes left after the CUDA fusions, which the HIP
build compiles too (llama_cpp_fusion.kernels_at: block 2 x 2, attention 8, gated FFN 2 = 14), plus one
q8_1 quantization of the activations before each quantized mat-vec launch (ggml/src/ggml-cuda/mmvq.cu
ggml_cuda_mul_mat_vec_q runs quantize_row_q8_1_cuda, then the mat-vec kernel): q, k, v, o, the fused
gate+up and down, 6. Nodes beyond a dense block (a routed FFN's, a conv or recurrent mixer's) pay the
same floor each (llama_cpp_nodes). Nothing is fitted.

RDNA 3.5 (gfx1151, Strix Halo's Radeon 8060S) has its own measured floor: the same chain, 941 serialized
one-block dispatches replayed as a HIP graph, takes 1.807 us a dispatch (Vulkan command-buffer replay
0.044 us; shisa-ai/hipEngine benchmarks/micro/results/gfx1151/strix-halo/dispatch-floor-comparison.json,
TheRock ROCm, the harness ROCm/rocm-systems#10834 was split from, whose own gfx1151 table gives the
ratio only).

RDNA4 (gfx1201, Radeon AI PRO R9700 / RX 9070 XT) is measured with a stock-ROCm reproducer posted to the
parent issue (ROCm/ROCm#6409, now ROCm/legacy-rocm-build#6409, comment of 2026-08-27): N = 512
serialized one-workitem kernels captured once into a hipGraph and replayed, median of 200 replays,
2.147 us a dispatch on an R9700 under ROCm 7.14 and again under ROCm 10.0 (the same table: gfx1151 1.752,
within 3% of the hipEngine figure above; an RX 7900 XTX 2.815). Before it the R9700 took the device
class's CUDA-calibrated latency (~0.8 us a dense-block kernel), which no HIP run supports.
"""

from __future__ import annotations

from llmsize.estimate.engines import llama_cpp_fusion

# REFERENCE: ROCm/rocm-systems#10834, gfx1100 (Radeon Pro W7900) table, "941 dispatches, 1 block":
# HIP GPU time 3.865 us per dispatch (Vulkan 0.876 us).
HIP_GRAPH_DISPATCH_S = 3.865e-6
# REFERENCE: shisa-ai/hipEngine benchmarks/micro/results/gfx1151/strix-halo/dispatch-floor-comparison.json
# (commit e6edda35), count_comparison dispatch_count 941, grid_blocks 1: hip_tiny_graph_us_per_dispatch
# 1.8069 (hip_tiny_direct 2.0087, vulkan_command_buffer 0.0436), Radeon 8060S (gfx1151).
HIP_GRAPH_DISPATCH_GFX1151_S = 1.8069e-6
# REFERENCE: ROCm/legacy-rocm-build#6409 (comment of 2026-08-27), gfx1201 (Radeon AI PRO R9700),
# "graph-replay" arm, N=512: 2.147 us per dispatch under ROCm 7.14 and ROCm 10.0 alike.
HIP_GRAPH_DISPATCH_GFX1201_S = 2.147e-6
# Keys of the per-layer and per-node tables for these architectures (speed_profiles.class_value).
RDNA3_KEY = "amd-rdna3"
RDNA35_KEY = "amd-rdna3.5"
RDNA4_KEY = "amd-rdna4"
# q8_1 quantizations of a dense block's activations, one per quantized mat-vec launch (mmvq.cu).
MMVQ_QUANTIZE_PER_DENSE_LAYER = 6


def dense_layer_kernels() -> int:
    """Kernels one dense block launches on the current build: its fused graph nodes and quantizations."""
    k = llama_cpp_fusion.kernels_at(None)
    return 2 * k["block"] + k["attention"] + k["dense_ffn"] + MMVQ_QUANTIZE_PER_DENSE_LAYER


PER_LAYER_S = dense_layer_kernels() * HIP_GRAPH_DISPATCH_S
# The measured floor per kernel and per dense block, by vendor-architecture key.
DISPATCH_BY_ARCH: dict[str, float] = {RDNA3_KEY: HIP_GRAPH_DISPATCH_S,
                                      RDNA35_KEY: HIP_GRAPH_DISPATCH_GFX1151_S,
                                      RDNA4_KEY: HIP_GRAPH_DISPATCH_GFX1201_S}
PER_LAYER_BY_ARCH: dict[str, float] = {key: dense_layer_kernels() * s for key, s in DISPATCH_BY_ARCH.items()}
