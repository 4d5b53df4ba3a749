"""ggml-cuda MMQ tile widths for MoE expert GEMMs (estimate/engines/llama_cpp_mmq_tiles.py).

Expected values worked by hand from mmq.cuh mul_mat_q_case: mmq_x steps 8, 16, ... 128, widths of 48
and more must be multiples of 16 (mmq_get_granularity_host with int8 MMA), and the narrowest width
giving the fewest ceil(ncols_max / mmq_x) tiles wins.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import llama_cpp_mmq_tiles as tiles


@pytest.mark.parametrize(("ncols", "width"), [
    (512, 128),  # 4 tiles at 128, more at any narrower width
    (256, 128),
    (128, 128),
    (64, 64),  # one tile from 64 on: the loop stops there
    (40, 40),  # 8 -> 5 tiles, 16 -> 3, 24 -> 2, 32 -> 2 (not fewer), 40 -> 1
    (100, 112),  # 64 -> 2 tiles; 56 / 72 / 88 / 104 skipped (not multiples of 16); 112 -> 1
    (1, 8),
])
def test_width_is_the_narrowest_with_the_fewest_tiles(ncols: int, width: int) -> None:
    assert tiles.mmq_x_for(ncols) == width


def test_an_expert_pays_whole_tiles_and_nothing_without_tokens() -> None:
    assert tiles.padded_columns(48, 128) == 128
    assert tiles.padded_columns(129, 128) == 256
    assert tiles.padded_columns(0, 128) == 0


def test_deepseek_v2_lite_ubatch_512_fills_three_eighths_of_a_tile() -> None:
    # 64 experts, 6 a token: 48 tokens an expert in a 128-wide tile; P(0 or > 128 tokens) ~ 0.
    assert tiles.expert_tile_rate(512, 6 / 64) == pytest.approx(48 / 128, rel=1e-3)


def test_deepseek_v2_lite_ubatch_64_counts_only_experts_hit() -> None:
    # mmq_x = 64: each expert hit pays 64 columns; P(hit) = 1 - (58/64)^64 = 0.99816 (by hand).
    assert tiles.expert_tile_rate(64, 6 / 64) == pytest.approx(6 / (64 * 0.99816), rel=1e-3)


def test_dense_and_every_token_to_every_expert_run_at_the_dense_rate() -> None:
    assert tiles.expert_tile_rate(512, 1.0) == 1.0
    assert tiles.expert_tile_rate(512, 0.0) == 1.0


def test_only_nvidia_int8_mma_parts_take_the_rule() -> None:
    assert tiles.tile_cols_max("nvidia", "ampere", 128) == 128
    assert tiles.tile_cols_max("nvidia", "volta", 128) == 0  # cuBLAS from 64 columns
    assert tiles.tile_cols_max("amd", "rdna3", 128) == 0  # picks against per-expert tokens since PR #24546


def test_builds_before_pr_15525_size_the_tile_to_every_routed_row() -> None:
    # Before: ncols_y = ne12 x n_expert_used = 64 x 6 = 384 -> 128-wide tiles; from the PR: 64 -> 64.
    assert tiles.mmq_x_for(tiles.width_columns(64, 6, host_grouped=True)) == 128
    assert tiles.mmq_x_for(tiles.width_columns(64, 6, host_grouped=False)) == 64
    # So at -ub 64 the older build's experts fill half as much of their tiles.
    old = tiles.expert_tile_rate(64, 6 / 64, width_cols=tiles.width_columns(64, 6, True))
    assert old == pytest.approx(tiles.expert_tile_rate(64, 6 / 64) / 2, rel=1e-6)
