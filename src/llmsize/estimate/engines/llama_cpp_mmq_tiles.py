"""ggml-cuda's MMQ tile width for a MoE prompt's expert mat-muls: each expert pays whole tiles.

REFERENCE: ggml/src/ggml-cuda/mmq.cu ggml_cuda_mul_mat_q, ids branch: the grouped MUL_MAT_ID call
passes `ncols_max = ne12`, the ubatch's token count, not the tokens one expert gets (NVIDIA builds
to date, the current master's `ncols_opt = ne12` included; only RDNA3/RDNA4 pick against
`ne12 * n_expert_used / ne02`, PR #24546 / #28552; PR #26977, per-expert widths on Ampere-Blackwell,
is still open). Builds before PR #15525 sized it against ne12 x n_expert_used (width_columns).
mmq.cuh mul_mat_q_case then steps mmq_x up from 8 to get_mmq_x_max_host (128 with Turing-class
int8 MMA), keeping a width only where mmq_get_granularity_host divides it (16 from 48 on, else 8),
and keeps the narrowest width that gives the fewest ceil(ncols_max / mmq_x) tiles.
The kernel (mul_mat_q with expert_bounds) then walks each expert's own tokens in tiles of that
width: a tile's math is the full mmq_x columns whatever it holds, and a tile past the expert's last
token is skipped. So one expert with n tokens costs ceil(n / mmq_x) x mmq_x columns, and an expert
with none costs nothing.

Tokens spread over experts as a binomial (uniform top-k routing: each of the chunk's tokens picks a
given expert with probability k / E), so the routed GEMMs of a chunk of T tokens cost
E[ceil(n / mmq_x) x mmq_x] per expert against the T x k / E columns a dense GEMM would do at the
same width. Nothing fitted: the widths are the code's.
"""

from __future__ import annotations

import math
from functools import lru_cache

# mmq.cuh get_mmq_x_max_host: 128 where turing_mma_available (and AMD MFMA / WMMA).
MMQ_X_MAX_MMA = 128


# NVIDIA architectures with Turing-class int8 MMA (mmq.cuh turing_mma_available: cc >= 7.5).
MMA_ARCHITECTURES = frozenset({"turing", "ampere", "ada", "hopper", "blackwell"})


def tile_cols_max(vendor: str, architecture: str, profile_max: int) -> int:
    """The tile cap the rule runs with on this GPU: the profile's on NVIDIA int8-MMA parts, else 0 (AMD
    picks its widths against other counts per build, Volta leaves MMQ at 64 columns, Pascal is dp4a)."""
    return profile_max if vendor == "nvidia" and architecture.lower() in MMA_ARCHITECTURES else 0


def mmq_granularity(mmq_x: int) -> int:
    """mmq.cuh mmq_get_granularity_host on a Turing-or-newer NVIDIA GPU: 16 from 48 columns on, else 8."""
    return 16 if mmq_x >= 48 else 8


def mmq_x_for(ncols_max: int, mmq_x_max: int = MMQ_X_MAX_MMA) -> int:
    """The tile width mul_mat_q_case picks for `ncols_max` columns (the narrowest with the fewest tiles)."""
    best_x, best_tiles = 0, math.inf
    mmq_x = 8
    while mmq_x <= mmq_x_max and best_tiles > 1:
        if mmq_x % mmq_granularity(mmq_x) == 0:
            tiles = -(-max(1, ncols_max) // mmq_x)
            if tiles < best_tiles:
                best_x, best_tiles = mmq_x, tiles
        mmq_x += 8
    return best_x


def padded_columns(tokens: int, mmq_x: int) -> int:
    """Columns one expert's tiles multiply: whole tiles of mmq_x (none for an expert with no token)."""
    return -(-tokens // mmq_x) * mmq_x


@lru_cache(maxsize=256)
def expected_padded_columns(chunk: int, share: float, mmq_x: int) -> float:
    """E[padded_columns(n)] for n ~ Binomial(chunk, share): one expert's tile columns in a chunk."""
    if share >= 1.0:
        return float(padded_columns(chunk, mmq_x))
    log_p, log_q = math.log(share), math.log1p(-share)
    total = 0.0
    for n in range(1, chunk + 1):
        log_pmf = (math.lgamma(chunk + 1) - math.lgamma(n + 1) - math.lgamma(chunk - n + 1)
                   + n * log_p + (chunk - n) * log_q)
        pmf = math.exp(log_pmf)
        total += pmf * padded_columns(n, mmq_x)
        if n > chunk * share and pmf < 1e-12:
            break
    return total


def expert_tile_rate(chunk: int, share: float, mmq_x_max: int = MMQ_X_MAX_MMA, width_cols: int = 0) -> float:
    """Rate of a chunk's routed-expert GEMMs relative to a dense GEMM of the same chunk (<= 1).

    The expert GEMMs run the width mmq_x_for(width_cols) picks (the chunk's tokens, or before PR #15525
    its tokens x experts used: width_columns), the dense one mmq_x_for(chunk); the dense one fills
    ceil(chunk / mmq_x) tiles with the chunk's tokens, each expert only its share of them.
    """
    if chunk <= 0 or share <= 0:
        return 1.0
    share = min(1.0, share)
    dense_x = mmq_x_for(chunk, mmq_x_max)
    expert_x = mmq_x_for(width_cols or chunk, mmq_x_max)
    dense_fill = chunk / padded_columns(chunk, dense_x)
    expert_fill = chunk * share / expected_padded_columns(chunk, share, expert_x)
    return min(1.0, expert_fill / dense_fill)


def width_columns(chunk: int, experts_used: int, host_grouped: bool) -> int:
    """The column count mul_mat_q_case sizes an expert GEMM's tile against.

    REFERENCE: builds before PR #15525 (2025-08-23, "sets a tighter bound for the maximum number of
    columns that the kernel selection logic is optimizing for"), e.g. the llama.cpp Ollama v0.11 vendored
    (ollama/ollama ml/backend/ggml/ggml/src/ggml-cuda/mmq.cuh mul_mat_q_case: ntiles_x from
    args.ncols_y, which mmq.cu sets to ne_get_rows = ne12 x n_expert_used), chose it against every
    routed row of the ubatch; from that PR on, against ncols_max = ne12, the ubatch's tokens. The same PR
    moved the grouping from the host to the device, so `host_grouped` marks the older builds.
    """
    return chunk * max(1, experts_used) if host_grouped else chunk
