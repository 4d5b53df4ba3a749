"""llama.cpp CUDA decode of several sequences at once (llama-batched-bench, llama-server --parallel).

A decode step of B sequences is one ggml graph whose mat-muls have B columns. Two things make it
slower than the weights' bytes say, and neither shows at B = 1:

1. CUDA graphs are off. ggml-cuda.cu (`check_node_graph_compatibility`, later
   `ggml_cuda_graph_check_compability`) turns graph capture off as soon as a node is an ADD whose
   second source has ne[1] > 1, i.e. the residual add of any batch of more than one token ("disable
   CUDA graphs for batch size > 1 for now"). Every node, and the q8_1 quantization of the activations
   each quantized mat-mul runs first (mmvq.cu `ggml_cuda_mul_mat_vec_q`, mmq.cu `ggml_cuda_mul_mat_q`:
   `quantize_row_q8_1_cuda` / `quantize_mmq_q8_1_cuda`), is then launched from the CPU, and a decode
   step's kernels are mostly too short to hide the launch: the GPU waits out each one. PR #19645
   (ggml-org/llama.cpp, 2026-02-15, "we no longer need to restrict GGML_OP_ADD for BS > 1") keeps the
   graphs on for batched dense decode; DGX Spark parallel decode of 2-4 sequences gained 11-14% there.
2. Every sequence adds work per layer that does not shrink with the weights: above
   MMVQ_MAX_BATCH_SIZE (8) columns ggml_cuda_mul_mat leaves the mat-vec kernel for MMQ
   (mmq.cu `ggml_cuda_should_use_mmq`), whose column tiles (mmq_x, up to the batch) each stage their
   own q8_1 activations and write their own results, and every sequence's attention reads its own
   KV stream. On benches/dgx-spark.md (build 6918) the step grows by about the same time per layer and
   sequence for gemma-3-4b Q4_0 (34 layers) and Qwen2.5-Coder-7B Q8_0 (28 layers, twice the weights),
   so the cost is priced per layer and per sequence beyond the first, not per weight.

Both constants are calibrated on the `fit` rows of the llama.cpp-dgx-spark table (dgx-spark-039, 043,
049, 051, 053, 055); the held-out rows of that table (B = 4 and 32 of Qwen2.5-Coder-7B, B = 16 of
gemma-3-4b) check them.
"""

from __future__ import annotations

from llmsize.estimate.engines.llama_cpp_nodes import DENSE_LAYER_NODES

# REFERENCE: mmvq.cu ggml_cuda_mul_mat_vec_q and mmq.cu ggml_cuda_mul_mat_q quantize src1 to q8_1 in a
# kernel of their own before each of a dense layer's 7 quantized mat-muls (q, k, v, o, gate, up, down).
QUANTIZE_KERNELS_PER_DENSE_LAYER = 7
EAGER_KERNELS_PER_DENSE_LAYER = DENSE_LAYER_NODES + QUANTIZE_KERNELS_PER_DENSE_LAYER
# REFERENCE: mmvq.cuh MMVQ_MAX_BATCH_SIZE: the mat-vec kernel takes at most 8 columns.
MMVQ_MAX_BATCH_SIZE = 8
# The first llama.cpp build with PR #19645 (merged 2026-02-15: placed between b7340 on 2025-12-09 and
# b9079 on 2026-05-08, as llama_cpp_fusion.py places its PRs).
GRAPHS_AT_BATCH_BUILD = 8150
# GPU seconds a kernel launched from the CPU leaves the GPU idle in an eager decode step, and the
# seconds each sequence beyond the first adds per layer. Calibrated on the fit rows named above.
EAGER_LAUNCH_S = 3.0e-6
SEQUENCE_LAYER_S = 13.0e-6


def graphs_replayed(batch: int, build: int | None) -> bool:
    """Whether a CUDA decode step of `batch` sequences replays a CUDA graph on llama.cpp `build`
    (None: the current build)."""
    return batch <= 1 or build is None or build >= GRAPHS_AT_BATCH_BUILD


def uses_mat_vec(batch: int) -> bool:
    """Whether ggml_cuda_mul_mat runs a quantized mat-mul of `batch` columns on MMVQ (else MMQ)."""
    return batch <= MMVQ_MAX_BATCH_SIZE


def batch_decode_seconds(
    batch: int, layers: int, kernel_layers: float, eager_launch_s: float, sequence_layer_s: float
) -> float:
    """Seconds a decode step of `batch` sequences spends beyond a one-sequence step's roofline terms:
    eager launches (`eager_launch_s` per kernel, 0 where graphs are replayed; `kernel_layers` counts the
    model's kernels in dense-layer equivalents) and each sequence beyond the first's per-layer cost."""
    if batch <= 1:
        return 0.0
    eager = kernel_layers * EAGER_KERNELS_PER_DENSE_LAYER * eager_launch_s
    return eager + layers * (batch - 1) * sequence_layer_s
