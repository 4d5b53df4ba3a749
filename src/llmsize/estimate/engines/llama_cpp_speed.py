"""llama.cpp's speed profiles: the current build's (SPEED) and those of older builds, chosen by build number.

A build's decode speed follows the kernels it launches: its CUDA fusions (llama_cpp_fusion.py), whether
it replays CUDA graphs for a batched step (llama_cpp_batch.py), how it decodes a Gated DeltaNet block
(llama_cpp_gdn.py), and for HIP and Metal whether graphs and the Metal 4 tensor API exist. Each older
build family is the current profile with those counts changed; LEGACY_SPEED names them all, and
`fusion_engine` / `gdn_speed_name` pick the one of a build (LlamaCpp.speed_name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import (
    llama_cpp_batch,
    llama_cpp_cublas_prefill,
    llama_cpp_fusion,
    llama_cpp_gdn,
    llama_cpp_hip,
    llama_cpp_hip_graphs,
    llama_cpp_mla,
    llama_cpp_mmq_tiles,
    llama_cpp_nodes,
    llama_cpp_rdna4,
    llama_cpp_rdna35,
    llama_cpp_volta_prefill,
)
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: speed. One ggml graph per ubatch of 512 tokens (common/common.h n_ubatch); the CUDA
# backend captures CUDA graphs for batch-1 decode (ggml-cuda.cu). Calibrated on llama-bench
# (discussions #4167, #15013) and benches/dgx-spark.md tables; Ollama runs this engine.
# F16/BF16 weights run ggml-cuda's cuBLAS GEMM (FP16 tensor cores), not MMQ: shares of the FP16
# figure, as calibrated before the int8 split (no 16-bit prefill fit row outside Apple).
_SHARE_16BIT = {"hbm": 0.23, "gddr": 1.1, "lpddr": 0.25, "apple": 0.674}
SPEED = EngineSpeedProfile(
    engine="llama.cpp",
    version="llama-bench builds of 2023-2025 (discussions #4167, #15013, benches/dgx-spark.md)",
    step_fixed_s=0.143e-3, launch_per_layer_s=0.0, gpu_per_layer_s=0.0154e-3,
    gpu_per_node_s=llama_cpp_nodes.GPU_PER_NODE_S,
    # RDNA3's and RDNA 3.5's HIP graph replay costs its measured dispatch floor per kernel
    # (llama_cpp_hip_graphs.py).
    gpu_per_node_by_class=llama_cpp_nodes.PER_NODE_BY_CLASS | llama_cpp_hip_graphs.DISPATCH_BY_ARCH,
    prefill_chunk_tokens=512, graphs=True,
    # ggml has no CUDA or HIP build for Intel GPUs: say what this profile (and Ollama's copies) prices there.
    vendor_notes={"intel": "on an Intel GPU ggml runs its SYCL (llama.cpp only) or Vulkan backend; this "
                           "speed is priced on ggml-cuda's int8 MMQ kernels: give --backend"},
    # Prefill shares rescaled on the fit rows when the embedding became a gather and the head ran on the
    # logit rows only (hardware/head_params.py; bench/speed_validation.py FINDINGS).
    prefill_compute={"hbm": 0.109, "gddr": 0.274, "lpddr": 0.155, "apple": 0.666, "amd-lpddr": 0.228,
                     # CDNA3's MFMA MMQ, its measured kernel rate (llama_cpp_hip.py)
                     llama_cpp_hip.CDNA3_KEY: llama_cpp_hip.CDNA3_MMQ_SHARE,
                     # RDNA4's WMMA MMQ (PR #17156), its rate on an R9700 (llama_cpp_rdna4.py)
                     llama_cpp_rdna4.RDNA4_KEY: llama_cpp_rdna4.RDNA4_MMQ_SHARE,
                     # RDNA 3.5's WMMA MMQ (PR #17576), its rate on a Radeon 8060S (llama_cpp_rdna35.py)
                     llama_cpp_rdna35.RDNA35_KEY: llama_cpp_rdna35.RDNA35_MMQ_SHARE}
    | llama_cpp_volta_prefill.quantized_share(_SHARE_16BIT),
    prefill_compute_16bit=_SHARE_16BIT,
    # Volta has no int8 MMA: a quantized ubatch of 64 tokens or more dequantizes and runs cuBLAS FP16, at
    # the F16 weights' share, plus the conversion pass (estimate/engines/llama_cpp_volta_prefill.py).
    prefill_dequant_above_by_arch=dict(llama_cpp_volta_prefill.DEQUANT_ABOVE_BY_ARCH),
    expert_half_tokens=60.0,
    # ggml-cuda MMQ: each expert's tokens run in whole tiles of the width the ubatch picks (mmq.cuh
    # mul_mat_q_case; estimate/engines/llama_cpp_mmq_tiles.py). expert_half_tokens stays for the other
    # backends (Metal, Vulkan, HIP) and the cuBLAS paths.
    expert_tile_max_cols=llama_cpp_mmq_tiles.MMQ_X_MAX_MMA,
    # MLA in the latent form: ggml-cuda's MMA flash attention serves every query head from each K/V tile
    # (estimate/engines/llama_cpp_mla.py; priced on PR #19057's RTX 5090 timing).
    latent_attention_compute=dict(llama_cpp_mla.LATENT_ATTENTION_BY_ARCH),
    # ggml-cuda's prompt attention runs P·V with FP16 accumulators, K·Q with FP32 ones, flash attention or
    # not (estimate/engines/llama_cpp_fattn_accumulate.py); NVIDIA only, so HIP and Metal keep the figure.
    attention_fp16_accumulate=True,
    # REFERENCE: ggml/src/ggml-cuda/mmq.cu ggml_cuda_should_use_mmq returns true on every GPU with
    # Turing-class MMA for the quantized types (and on CDNA3 / RDNA3 with MFMA / WMMA): a prompt's
    # quantized mat-muls run MMQ, which quantizes the activations to q8_1 and multiplies with int8 MMA
    # (mmq.cuh), so its peak is the int8 rate (4x a GeForce card's FP16-accumulate-FP32 figure, 2x a
    # workstation or datacenter card's). The fractions below are of that rate; Metal and Vulkan
    # devices without an int8 figure fall back to FP16 (GpuSpec.flops_for).
    quantized_peak_dtype="int8",
    # REFERENCE: ggml-cuda.cu ggml_cuda_op_mul_mat_cublas: F32 weights take cublasSgemm, TF32 math on
    # (common.cuh cublas_handle): estimate/engines/llama_cpp_f32_weights.py.
    f32_weights_sgemm=True,
    gpu_per_layer_by_class={"apple": 0.0856e-3} | llama_cpp_hip_graphs.PER_LAYER_BY_ARCH,
    # REFERENCE: graph nodes of one decode step per part of a block, counted from the graph builders
    # (src/llama-graph.cpp build_norm / build_attn / build_ffn / build_moe_ffn, src/models/*.cpp), those
    # beyond a dense block's 19 paying gpu_per_node_s each: estimate/engines/llama_cpp_nodes.py.
    layer_kernels=dict(llama_cpp_nodes.NODES),
    # REFERENCE: ggml-cuda.cu ggml_cuda_try_fuse runs matched neighbours as one kernel: the nodes a CUDA
    # decode step pays gpu_per_node_s for are the current build's kernels
    # (estimate/engines/llama_cpp_fusion.py; older builds: FUSION_SPEED, chosen by --engine-version).
    node_kernels=llama_cpp_fusion.kernels_at(None),
    # REFERENCE: src/models/delta-net-base.cpp build_recurrent_attn: the fused GATED_DELTA_NET op reads
    # the state and writes the new one into its result, then a ggml_cpy copies it into the recurrent
    # cache (ssm_states_all): 4 x the state per step (Mamba's ssm_scan + copy likewise).
    state_traffic=4.0,
    # REFERENCE: ggml/src/ggml-metal/ggml-metal-device.m ggml_metal_device_init: has_tensor stays on
    # for M5 / M6 / A19 / A20 devices, and kernel_mul_mm runs the Metal 4 tensor API (matmul2d) under
    # GGML_METAL_HAS_TENSOR (ggml-org/llama.cpp PR #16634, 2025-10): the M5's Neural Accelerators.
    matrix_units=True,
    # REFERENCE: a decode step of several sequences: each one beyond the first adds per-layer work
    # (MMQ column tiles above MMVQ_MAX_BATCH_SIZE, its own KV stream); the current build replays CUDA
    # graphs at any batch (PR #19645). estimate/engines/llama_cpp_batch.py.
    batch_sequence_layer_s=llama_cpp_batch.SEQUENCE_LAYER_S,
    # REFERENCE: ggml/src/ggml-cuda/mmvq.cu mul_mat_vec_q calls vec_dot_q_cuda once per column and row:
    # 2-8 sequences repeat every weight's dot product (estimate/engines/llama_cpp_mmvq_columns.py).
    mmvq_columns=True,
    sources=("https://github.com/ggml-org/llama.cpp/blob/master/common/common.h",))


# REFERENCE: ggml's HIP build replayed no graphs until GGML_HIP_GRAPHS turned on by default
# (ggml/CMakeLists.txt: option(GGML_HIP_GRAPHS "ggml: use HIP graph, experimental, slow" OFF), later
# "ggml: use HIP graph" ON with hip_VERSION >= 6.1); without graphs every graph node is a HIP launch
# from the CPU. A dense layer runs SPEED.layer_kernels' 19 nodes plus one q8_1 quantization of the
# activations before each of its 7 quantized mat-vecs (ggml/src/ggml-cuda/mmvq.cu
# ggml_cuda_mul_mat_vec_q: quantize_row_q8_1_cuda, then the mat-vec kernel): 26 launches; one
# empty-kernel launch costs ~4 us on an MI300X node (ROCm/TransferBench PR #297, EmptyKernel preset,
# batch 1: EvtMin 4.04 us). No constant fitted: rows measured on such builds use this profile by name.
HIP_LAUNCH_S = 4.04e-6
MMVQ_QUANTIZE_PER_DENSE_LAYER = 7
_DENSE_KERNELS = llama_cpp_nodes.DENSE_LAYER_NODES + MMVQ_QUANTIZE_PER_DENSE_LAYER
HIP_NO_GRAPHS_SPEED = SPEED.model_copy(update={
    "engine": "llama.cpp-hip-nographs", "graphs": False, "node_kernels": {},
    # No graph replayed: the CPU's launches overlap the GPU's work (not the RDNA3 replay floor).
    "gpu_per_layer_by_class": {"apple": SPEED.gpu_per_layer_by_class["apple"]},
    "gpu_per_node_by_class": dict(llama_cpp_nodes.PER_NODE_BY_CLASS),
    "launch_per_layer_s": _DENSE_KERNELS * HIP_LAUNCH_S,
    "version": "ggml HIP builds with GGML_HIP_GRAPHS off (the default before it was switched on)"})
# REFERENCE: Metal builds before the Metal 4 tensor API (ggml-org/llama.cpp PR #16634, merged 2025-10;
# e.g. build 8e672ef that discussion #4167's scoreboard pins) run every prompt mat-mul on the
# simdgroup-matrix kernels at the shader rate, M5 included. Nothing else differs.
METAL_SIMDGROUP_SPEED = SPEED.model_copy(update={
    "engine": "llama.cpp-metal-simdgroup", "matrix_units": False, "node_kernels": {},
    "version": "llama.cpp Metal builds before the Metal 4 tensor API (PR #16634)"})
# REFERENCE: builds before the fused GATED_DELTA_NET op (ggml-org/llama.cpp PR #19504, 2026-02, CPU and
# CUDA; Vulkan PR #20334, 2026-03; the first qwen3next build, PR #16095 at b7189, predates both) decode a
# Gated DeltaNet block with src/models/delta-net-base.cpp build_delta_net_autoregressive, which is still
# the fallback where a backend lacks the op (build_delta_net: cparams.fused_gdn_ar). Counted there: 12
# element-wise nodes (scale, exp, 5 mul, 2 sum_rows, sub, repeat, add) where the fused path runs one,
# 11 more kernels per block (PR #20091: "12 ops saved" per DeltaNet layer); and 14 passes over the f32
# state (each mul r+w, sum_rows r, repeat w, add 2r+w) plus the copy into the cache (r+w): 16 x the state
# per step where the fused op moves 4 x. Measured on Strix Halo (Vulkan), PR #20334 took Qwen3-Coder-Next
# from 38.0 to 46.6 t/s and Qwen3.5-35B-A3B from 43.9 to 53.3. For Gated DeltaNet models only (a Mamba
# block on these builds ran ssm_scan as today).
GDN_UNFUSED_SPEED = SPEED.model_copy(update={
    "engine": "llama.cpp-gdn-unfused", "state_traffic": 16.0, "node_kernels": {},
    "layer_kernels": SPEED.layer_kernels | {"linear_attention": SPEED.layer_kernels["linear_attention"] + 11},
    "version": "llama.cpp builds decoding Gated DeltaNet unfused (before PR #19504 / #20334)"})
LEGACY_SPEED: dict[str, EngineSpeedProfile] = {
    HIP_NO_GRAPHS_SPEED.engine: HIP_NO_GRAPHS_SPEED, METAL_SIMDGROUP_SPEED.engine: METAL_SIMDGROUP_SPEED,
    GDN_UNFUSED_SPEED.engine: GDN_UNFUSED_SPEED}
# REFERENCE: builds before PR #17996 (2025-12, the one-token autoregressive path; b7189, the first qwen3next
# build, among them) decode a Gated DeltaNet token through the chunked delta rule: 52 nodes and 35 passes
# over the state (estimate/engines/llama_cpp_gdn.py). Counted, nothing fitted.
GDN_CHUNKED_SPEED = SPEED.model_copy(update={
    "engine": "llama.cpp-gdn-chunked", "node_kernels": {},
    "state_traffic": llama_cpp_gdn.CHUNKED_STATE_TRAFFIC,
    "layer_kernels": SPEED.layer_kernels | {
        "linear_attention": SPEED.layer_kernels["linear_attention"] + llama_cpp_gdn.CHUNKED_EXTRA_NODES},
    "version": "llama.cpp builds decoding Gated DeltaNet chunked (before PR #17996)"})
LEGACY_SPEED[GDN_CHUNKED_SPEED.engine] = GDN_CHUNKED_SPEED


def fusion_engine(build: int | None) -> str:
    """The speed profile of a llama.cpp CUDA build: "llama.cpp" for the current one (None: not said), else
    the profile of the builds with the same CUDA fusions (llama_cpp_fusion.FUSIONS); within the fusion era
    that PR #19645 falls in, its builds from that PR on replay CUDA graphs at every batch (_BATCH_GRAPHS);
    builds before PR #8075 convert quantized weights to FP16 for a prompt (CUBLAS_PREFILL_SPEED)."""
    if llama_cpp_cublas_prefill.dequantizes_prompt(build):
        return CUBLAS_PREFILL_SPEED.engine
    name = _era_engine(build)
    last = llama_cpp_fusion.era(build)
    graphs_now = build is not None and llama_cpp_batch.graphs_replayed(2, build)
    return name + _BATCH_GRAPHS if last and graphs_now and _era_is_eager(last) else name


def _era_engine(build: int | None) -> str:
    """The profile of the builds with the same CUDA fusions as `build` ("llama.cpp": the current ones)."""
    last = llama_cpp_fusion.era(build)
    return "llama.cpp" if last in (None, llama_cpp_fusion.FUSIONS[-1].pr) else f"llama.cpp-fusions-pr{last}"


# The suffix of an era's builds from PR #19645 on (llama_cpp_batch.GRAPHS_AT_BATCH_BUILD): the same CUDA
# fusions, with CUDA graphs replayed for a batched decode step.
_BATCH_GRAPHS = "-pr19645"


def _era_is_eager(pr: int) -> bool:
    """Whether the fusion era that `pr` opens (0: the builds before every fusion) begins before PR #19645."""
    start = next((f.first_build for f in llama_cpp_fusion.FUSIONS if f.pr == pr), 0)
    return not llama_cpp_batch.graphs_replayed(2, start)


def _era_start(fusion: llama_cpp_fusion.Fusion) -> int:
    """The first build of the era that ends just before `fusion` (0: the builds before every fusion)."""
    earlier = [f.first_build for f in llama_cpp_fusion.FUSIONS if f.first_build < fusion.first_build]
    return max(earlier, default=0)


# Builds before a CUDA fusion (--engine-version b6500 ...): the same profile, with that build's kernel counts.
FUSION_SPEED: dict[str, EngineSpeedProfile] = {
    _era_engine(f.first_build - 1): SPEED.model_copy(update={
        "engine": _era_engine(f.first_build - 1),
        "node_kernels": llama_cpp_fusion.kernels_at(f.first_build - 1),
        # Builds before PR #19645 launch a batched decode step eagerly (llama_cpp_batch.py); an era that
        # begins before it counts as such (the one from #16884 to #23940 straddles it).
        "batch_eager_launch_s": (0.0 if llama_cpp_batch.graphs_replayed(2, _era_start(f))
                                 else llama_cpp_batch.EAGER_LAUNCH_S),
        "version": f"llama.cpp CUDA builds before PR #{f.pr} (about b{f.first_build})"})
    for f in llama_cpp_fusion.FUSIONS}
LEGACY_SPEED |= FUSION_SPEED
# REFERENCE: PR #19645 (ggml-cuda.cu: no more GGML_OP_ADD batch check) lands inside a fusion era: that era's
# builds from it on keep their fusions and replay CUDA graphs at every batch (llama_cpp_batch.py).
LEGACY_SPEED |= {
    name + _BATCH_GRAPHS: prof.model_copy(update={
        "engine": name + _BATCH_GRAPHS, "batch_eager_launch_s": 0.0,
        "version": prof.version + f", from PR #19645 (about b{llama_cpp_batch.GRAPHS_AT_BATCH_BUILD})"})
    for name, prof in FUSION_SPEED.items() if prof.batch_eager_launch_s}


def gdn_speed_name(spec: ModelSpec, build: int | None, vulkan: bool) -> str | None:
    """The Gated DeltaNet decode era's profile of `build` for a model with Gated DeltaNet blocks
    (llama_cpp_gdn.decode_era: chunked before PR #17996, unfused before the fused op), else None."""
    if spec.recurrent is None or spec.recurrent.kind != "gated_deltanet":
        return None
    era = llama_cpp_gdn.decode_era(build, vulkan)
    return {"chunked": GDN_CHUNKED_SPEED.engine, "unfused": GDN_UNFUSED_SPEED.engine}.get(era or "")


# REFERENCE: ggml-cuda.cu before PR #8075 (2024-06-24): a quantized prompt mat-mul above MMQ_MAX_BATCH_SIZE
# tokens on a tensor-core GPU converts its weights to FP16 and runs cuBLAS, every ubatch
# (estimate/engines/llama_cpp_cublas_prefill.py). Otherwise the builds before every CUDA fusion.
CUBLAS_PREFILL_SPEED = LEGACY_SPEED[_era_engine(0)].model_copy(update={
    "engine": "llama.cpp-cublas-prefill",
    "prefill_dequant_above_tokens": llama_cpp_cublas_prefill.MMQ_MAX_BATCH_SIZE,
    # Quantized and F16 prompts both run cublasGemmEx in FP16 on these builds; on Ampere data-center
    # cards at their own fitted share (llama_cpp_cublas_prefill.AMPERE_HBM_FP16_SHARE).
    "prefill_compute": LEGACY_SPEED[_era_engine(0)].prefill_compute | {
        llama_cpp_cublas_prefill.AMPERE_HBM_KEY: llama_cpp_cublas_prefill.AMPERE_HBM_INT8_SHARE},
    "prefill_compute_16bit": LEGACY_SPEED[_era_engine(0)].prefill_compute_16bit | {
        llama_cpp_cublas_prefill.AMPERE_HBM_KEY: llama_cpp_cublas_prefill.AMPERE_HBM_FP16_SHARE},
    # Without flash attention these builds decode with one FP16 mat-mul per query head (cuBLAS batched
    # GEMM on CUDA, kernel_mul_mv_f16_f32 on Metal): estimate/engines/llama_cpp_unfused_decode.py.
    "unfused_decode_per_query_head": True,
    "version": "llama.cpp CUDA builds before PR #8075 (dequantize + cuBLAS prompt mat-muls, "
               f"before about b{llama_cpp_cublas_prefill.MMQ_DEFAULT_BUILD})"})
LEGACY_SPEED[CUBLAS_PREFILL_SPEED.engine] = CUBLAS_PREFILL_SPEED
