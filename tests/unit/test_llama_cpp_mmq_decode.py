"""ggml-cuda's MMQ at decode-sized batches (estimate/engines/llama_cpp_mmq_decode.py)."""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import llama_cpp_mmq_decode as mmq_decode
from llmsize.estimate.engines import llama_cpp_mmq_tiles as tiles


def test_mat_vec_column_counts_are_not_mmq() -> None:
    # Up to 8 columns (MUL_MAT) and 4 tokens (MUL_MAT_ID) the mat-vec kernel runs: no tile priced.
    assert mmq_decode.dense_columns(8, 128) == 0.0
    assert mmq_decode.expert_columns(4, 8 / 256, 128) == 0.0
    assert mmq_decode.expert_columns(5, 8 / 256, 128) > 0.0


def test_sixteen_columns_pay_one_sixteen_wide_tile() -> None:
    # mul_mat_q_case picks mmq_x = 16 for 16 columns: one tile, its weight side whole.
    cost = tiles.tile_cost(16, 128, tiles.COLUMN_SHARE)
    assert mmq_decode.dense_columns(16, 128) == pytest.approx(cost)
    assert cost > 100  # most of a 128-wide tile's time, not 16 columns' worth


def test_no_tile_cap_prices_the_columns_as_they_are() -> None:
    # Off NVIDIA int8 MMA (cap 0) the step's columns count one each, as before.
    assert mmq_decode.matmul_column_params(16, 1e9, 0.0, 0.0, 0) == pytest.approx(16e9)


def test_an_expert_with_no_token_costs_nothing() -> None:
    # 16 tokens over 256 experts, 8 each: ~40% of the experts hold a token and pay one tile.
    share = 8 / 256
    hit = 1 - (1 - share) ** 16
    per_held = mmq_decode.expert_columns(16, share, 128)
    assert per_held == pytest.approx(hit * tiles.tile_cost(16, 128, tiles.COLUMN_SHARE), rel=1e-6)
    routed = 3e9
    total = mmq_decode.matmul_column_params(16, routed, routed, share, 128)
    assert total == pytest.approx(routed / share * per_held)
