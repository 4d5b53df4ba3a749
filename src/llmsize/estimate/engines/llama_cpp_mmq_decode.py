"""ggml-cuda's MMQ at decode-sized batches: a tile computes its whole width and pays its weight side whole.

A llama.cpp CUDA decode step of B sequences (llama-server -np B, llama-batched-bench) multiplies each
quantized weight matrix by B columns. Above MMVQ_MAX_BATCH_SIZE (8) columns (ggml/src/ggml-cuda/mmvq.cuh;
ggml-cuda.cu ggml_cuda_mul_mat) ggml_cuda_mul_mat_q runs the MMQ kernel (mmq.cu, mmq.cuh).
REFERENCE: mmq.cuh mul_mat_q_case picks the narrowest mmq_x (from 8, in steps of 8, where
mmq_get_granularity_host divides it) that gives the fewest ceil(ncols / mmq_x) column tiles: 16 for 16
columns, 32 for 32 (llama_cpp_mmq_tiles.mmq_x_for). mul_mat_q_process_tile then, at every K step, loads
and dequantizes the tile's mmq_y = 128 weight rows into shared memory (load_tiles, the x side: the same
work whatever mmq_x is) and loads the tile's q8_1 activation columns and runs the int8 MMA over them (the
y side, proportional to mmq_x). So a decode step of 16 columns computes one 16-wide tile per 128 rows,
and its time is that of a full 128-wide tile less the y side of the 112 columns it does not have:
llama_cpp_mmq_tiles.tile_cost(mmq_x, 128, COLUMN_SHARE), with the y side's share of a full tile taken
from PR #26977's published A/B of tile widths (about 16%; llama_cpp_mmq_tiles.column_share_from_ab),
not from any decode row. The weights' rate is the one a prompt's full tiles reach (the engine's int8
prefill share), so a 16-column step costs ~86% of a 128-token ubatch's mat-muls: on an RTX 3090 far more
than the weights' read, whence the published 16-slot step of a dense 27B Q4 model (73 ms) no shorter
than the 8-column mat-vec's.

Not priced: the experts' MUL_MAT_ID, which leaves the mat-vec above MMVQ_MMID_MAX_BATCH_SIZE (4) tokens
(mmvq.cuh) and, by the code, walks each expert's tokens in whole tiles of the step's width (mmq.cu
ggml_cuda_mul_mat_q ids branch, ncols_max = ne12), each expert with a token paying its own tile. Priced
so, the published small-ubatch rows disagree: ggml-org/llama.cpp PR #22298's RTX 3090 gemma4 26B.A4B
Q4_K_M runs -ub 16 / 32 / 64 at 18.1 / 25.9 / 40.6 ms a ubatch, about its picked experts' read, where
whole expert tiles at the dense rate price 54 / 73 / 88 ms; so the experts keep their columns'
arithmetic (and their read) here.
"""

from __future__ import annotations

from llmsize.estimate.engines.llama_cpp_mmq_tiles import COLUMN_SHARE, mmq_x_for, padded_columns, tile_cost
from llmsize.estimate.engines.llama_cpp_mmvq_columns import MMVQ_MAX_BATCH_SIZE


def dense_columns(batch: int, mmq_x_max: int) -> float:
    """Full-tile columns' worth of time one weight of a MUL_MAT costs at `batch` columns on MMQ (0: the
    mat-vec kernel runs it): whole tiles of the picked width, each at its tile cost."""
    if batch <= MMVQ_MAX_BATCH_SIZE or mmq_x_max <= 0:
        return 0.0
    mmq_x = mmq_x_for(batch, mmq_x_max)
    tiles = padded_columns(batch, mmq_x) // mmq_x
    return tiles * tile_cost(mmq_x, mmq_x_max, COLUMN_SHARE)


def matmul_column_params(batch: int, params: float, routed_params: float, mmq_x_max: int) -> float:
    """Weight-columns a decode step's mat-muls compute at the full-tile rate, for `params` multiplied per
    token of which `routed_params` are routed experts: the MUL_MATs on MMQ their whole tiles, the experts
    (and every mat-mul the mat-vec kernel runs) their `batch` columns."""
    dense_cols = dense_columns(batch, mmq_x_max) or batch
    return (params - routed_params) * dense_cols + routed_params * batch
