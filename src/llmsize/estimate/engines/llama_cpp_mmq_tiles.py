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
width: a tile whose first column lies past the expert's last token (jt * J >= col_diff) is skipped,
in the stream-k loop too (it only advances kbc), and an expert with no token costs nothing. A tile
that holds any of them does its whole width: mul_mat_q_process_tile loads all J columns of the
quantized activations into tile_y and runs vec_dot over all of them at every K step; only write_back
stops at tile_y_max_j, and the stream-k fixup is per tile too. So empty columns inside a tile are not
skipped, and one expert with n tokens costs ceil(n / mmq_x) tiles.

What a tile costs against its width (COLUMN_SHARE). At every K step the tile also loads and unpacks
its x side, the expert's weight rows (load_tiles, mmq_y = 128 rows), whatever J is. PR #26977 timed
that split: narrowing the routed tiles of Qwen3-30B-A3B Q4_K_M from 128 columns to the mean tokens an
expert (x 2 or x 3) gained only +12.9% at -ub 128 and +7.1% at -ub 256, where a width-proportional
cost says more than +60%; from those rows (column_share_from_ab) the J-proportional y side is ~16%
of a 128-wide tile and the weight side ~84%. So a narrow tile costs most of a wide one, and the
column count of a full-width tile, the only width NVIDIA builds pick from a 128-token ubatch on, is
unchanged by it: an empty column of a 128-wide tile still costs a full column of the dense
reference. Checked on a row not used: PR #26977's RTX 3090 Qwen3-30B-A3B Q4_K ub512 (+6.4%; 128 -> 64
columns) is predicted at +5% (tests/golden/test_speed_mmq_column_share.py), where the
width-proportional cost said +45%.

Tokens spread over experts as a binomial (uniform top-k routing: each of the chunk's tokens picks a
given expert with probability k / E), so the routed GEMMs of a chunk of T tokens cost
E[ceil(n / mmq_x)] tiles per expert against the T x k / E columns a dense GEMM would do in full
tiles. Nothing fitted: the widths are the code's, the split a published A/B's.
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


# REFERENCE: https://github.com/ggml-org/llama.cpp/pull/26977 (open), its table of qwen3_30b_a3b Q4_K_M
# 128/8 (the one read; its GPU header was not in the text read): (ubatch, off t/s, on t/s) with the tile
# narrowed from 128 columns to the PR's per-expert width (mean columns per expert 8 and 16).
PR_26977_QWEN3_30B = ((128, 3603.79, 4069.66), (256, 5993.91, 6420.17))
# The PR's widths for those means: the rule reaches 128 at a mean of 43 on Blackwell (x 3) and of 64 on
# Ampere / Ada (x 2); both readings are taken, the table's GPU not being known.
PR_26977_WIDTHS = ({128: 24, 256: 48}, {128: 16, 256: 32})


def column_share_from_ab(rows: tuple[tuple[int, float, float], ...] = PR_26977_QWEN3_30B,
                         widths: tuple[dict[int, int], ...] = PR_26977_WIDTHS,
                         mmq_x_max: int = MMQ_X_MAX_MMA) -> float:
    """The share of a full-width tile's time that grows with its width, from an A/B of tile widths.

    Two ubatch sizes whose routed GEMMs both run one 128-wide tile an expert (every expert hit, fewer than
    128 tokens each) take the same routed time R a ubatch, the rest scaling with the tokens: per token,
    t(u) = R / u + O, so R = (t(u1) - t(u2)) / (1 / u1 - 1 / u2). Narrowing to J saves (N / u) x R x s x
    (1 - J / 128) for a share s, so s = saving per token x u / (R x (1 - J / 128)); the mean over the
    rows and the width readings.
    """
    (u1, off1, _), (u2, off2, _) = rows
    routed = (1 / off1 - 1 / off2) / (1 / u1 - 1 / u2)
    shares = [(1 / off - 1 / on) * u / (routed * (1 - width[u] / mmq_x_max))
              for width in widths for u, off, on in rows]
    return sum(shares) / len(shares)


# The y side of a 128-wide tile (its columns' quantized activations and their MMA) is this share of the
# tile's time; the rest is its x side (the expert's weights, loaded and unpacked whatever the width).
COLUMN_SHARE = column_share_from_ab()


def tile_cost(mmq_x: int, mmq_x_max: int = MMQ_X_MAX_MMA, column_share: float = 1.0) -> float:
    """One tile's time in columns of a full-width tile (mmq_x_max columns cost mmq_x_max): its weight side,
    paid whatever the width, plus `column_share` of a full tile's time scaled by its own width (1: the
    time is the width's, as if only the columns' math counted)."""
    return (1.0 - column_share) * mmq_x_max + column_share * mmq_x


def expert_tile_rate(chunk: int, share: float, mmq_x_max: int = MMQ_X_MAX_MMA, width_cols: int = 0,
                     column_share: float = 1.0) -> float:
    """Rate of a chunk's routed-expert GEMMs relative to a dense GEMM of the same chunk (<= 1).

    The expert GEMMs run the width mmq_x_for(width_cols) picks (the chunk's tokens, or before PR #15525
    its tokens x experts used: width_columns), the dense one mmq_x_for(chunk); the dense one fills
    ceil(chunk / mmq_x) tiles with the chunk's tokens, each expert only its share of them. An expert's tile
    costs tile_cost(mmq_x, column_share): the speed model passes COLUMN_SHARE, so a narrow tile costs most
    of a full one. The dense GEMM is the reference the engine's rate was measured on; its tiles pay the same
    weight side, so the split matters only where the expert width differs from the dense one (PR #26977's
    narrower routed tiles), and a small ubatch whose dense and expert tiles are both narrow keeps its rate
    (PR #19057's -ub 64 / 128 rows, tests/golden/test_llama_cpp_mla_golden.py).
    """
    if chunk <= 0 or share <= 0:
        return 1.0
    share = min(1.0, share)
    dense_x = mmq_x_for(chunk, mmq_x_max)
    expert_x = mmq_x_for(width_cols or chunk, mmq_x_max)
    # The dense reference runs its own tiles under the same rule: at equal widths the weight side cancels.
    dense_tiles = padded_columns(chunk, dense_x) / dense_x
    dense_fill = chunk / (dense_tiles * tile_cost(dense_x, mmq_x_max, column_share))
    expert_tiles = expected_padded_columns(chunk, share, expert_x) / expert_x
    expert_fill = chunk * share / (expert_tiles * tile_cost(expert_x, mmq_x_max, column_share))
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
