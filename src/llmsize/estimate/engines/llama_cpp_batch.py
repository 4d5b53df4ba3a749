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
   graphs on for batched dense decode (its DGX Spark table: a deepseek2 30B.A3B Q8_0 MoE, which it also
   let replay, gained 11-14% at micro-batches of 2 and 3).
2. Every sequence adds work per layer that does not shrink with the weights: above
   MMVQ_MAX_BATCH_SIZE (8) columns ggml_cuda_mul_mat leaves the mat-vec kernel for MMQ
   (mmq.cu `ggml_cuda_should_use_mmq`), whose column tiles (mmq_x, up to the batch) each stage their
   own q8_1 activations and write their own results, and every sequence's attention reads its own
   KV stream. On benches/dgx-spark.md (build 6918) the step grows by about the same time per layer and
   sequence for gemma-3-4b Q4_0 (34 layers) and Qwen2.5-Coder-7B Q8_0 (28 layers, twice the weights),
   so the cost is priced per layer and per sequence beyond the first, not per weight. The held-out cells
   at B = 2 and 8 (mat-vec) and 16 and 32 (MMQ) fall within 8% of one such price, so the kernel switch
   itself is not priced apart.

Both constants are calibrated on the `fit` rows of the llama.cpp-dgx-spark table with more than one
sequence (dgx-spark-039, 043, 049, 051, 053, 055; a grid over 0-5 us x 8-17 us is flat within 0.002
in mean |log error| over 2-4 us x 11-17 us); the held-out rows (that table's B = 4 and 32 of
Qwen2.5-Coder-7B and B = 16 of gemma-3-4b, and table batchmmq-dgx-spark) check them.
Not priced: gemma-3-4b at 8,192 tokens and 8-32 sequences runs 16-30% slower than this predicts (4,096
tokens is within 4%). In the fattn.cu read (a 2026 version), `ggml_cuda_get_best_fattn_kernel` picks the
vector kernel for an F16 cache only when Q->ne[3] == 1 (one KV stream), so several sequences run the MMA
kernel; its KV reads at head size 256 are the likely cause, not verified.
"""

from __future__ import annotations

from llmsize.estimate.engines.llama_cpp_nodes import DENSE_LAYER_NODES

# REFERENCE: mmvq.cu ggml_cuda_mul_mat_vec_q and mmq.cu ggml_cuda_mul_mat_q quantize src1 to q8_1 in a
# kernel of their own before each of a dense layer's 7 quantized mat-muls (q, k, v, o, gate, up, down).
QUANTIZE_KERNELS_PER_DENSE_LAYER = 7
EAGER_KERNELS_PER_DENSE_LAYER = DENSE_LAYER_NODES + QUANTIZE_KERNELS_PER_DENSE_LAYER
# The first llama.cpp build with PR #19645 ("cuda : enable CUDA graphs for MMID 1 <= BS <= 4", opened
# 2026-02-15, commit ad8207af). Its release lies between b8057 (released 2026-02-15, the PR's first day)
# and b8121 (2026-02-20, PR #19754 "Improve CUDA graph capture", which builds on it); b8067 was released
# on 2026-02-16 (release dates: microsoft/winget-pkgs ggml.llamacpp PRs #339509, #339654, #341070).
GRAPHS_AT_BATCH_BUILD = 8067
# GPU seconds a kernel launched from the CPU leaves the GPU idle in an eager decode step, and the
# seconds each sequence beyond the first adds per layer. Calibrated on the fit rows named above.
EAGER_LAUNCH_S = 3.0e-6
SEQUENCE_LAYER_S = 13.0e-6
# The device those seconds were measured on: a DGX Spark's 273 GB/s (LPDDR5X, NVIDIA's datasheet).
SEQUENCE_LAYER_BANDWIDTH_BYTES_PER_S = 273e9


def graphs_replayed(batch: int, build: int | None) -> bool:
    """Whether a CUDA decode step of `batch` sequences replays a CUDA graph on llama.cpp `build`
    (None: the current build)."""
    return batch <= 1 or build is None or build >= GRAPHS_AT_BATCH_BUILD


def sequence_layer_seconds(base_s: float, bandwidth_bytes_per_s: float) -> float:
    """The per-layer cost of one more sequence on a device of `bandwidth_bytes_per_s`.

    Measured on one device only, the cost is taken to be memory-side work like the rest of a decode step
    (each sequence's own KV stream and activation tiles), so it shrinks with the device's bandwidth: a
    DGX Spark's 13 us is 3.5 us on an RTX 4090 (1,008 GB/s) and 1.1 us on an H100 SXM (3,350 GB/s).
    """
    if bandwidth_bytes_per_s <= 0:
        return base_s
    return base_s * SEQUENCE_LAYER_BANDWIDTH_BYTES_PER_S / bandwidth_bytes_per_s


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
