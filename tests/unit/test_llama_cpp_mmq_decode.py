"""ggml-cuda's MMQ at decode-sized batches (estimate/engines/llama_cpp_mmq_decode.py)."""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import llama_cpp_mmq_decode as mmq_decode
from llmsize.estimate.engines import llama_cpp_mmq_tiles as tiles


def test_mat_vec_column_counts_are_not_mmq() -> None:
    # Up to 8 columns the mat-vec kernel runs a MUL_MAT: no tile priced.
    assert mmq_decode.dense_columns(8, 128) == 0.0
    assert mmq_decode.matmul_column_params(8, 1e9, 0.0, 128) == pytest.approx(8e9)


def test_sixteen_columns_pay_one_sixteen_wide_tile() -> None:
    # mul_mat_q_case picks mmq_x = 16 for 16 columns: one tile, its weight side whole.
    cost = tiles.tile_cost(16, 128, tiles.COLUMN_SHARE)
    assert mmq_decode.dense_columns(16, 128) == pytest.approx(cost)
    assert cost > 100  # most of a 128-wide tile's time, not 16 columns' worth


def test_129_columns_pay_two_tiles() -> None:
    # 129 columns need two tiles; mul_mat_q_case takes the narrowest width that gives two (80).
    assert tiles.mmq_x_for(129) == 80
    two = 2 * tiles.tile_cost(80, 128, tiles.COLUMN_SHARE)
    assert mmq_decode.dense_columns(129, 128) == pytest.approx(two)


def test_no_tile_cap_prices_the_columns_as_they_are() -> None:
    # Off NVIDIA int8 MMA (cap 0) the step's columns count one each, as before.
    assert mmq_decode.matmul_column_params(16, 1e9, 0.0, 0) == pytest.approx(16e9)


def test_experts_keep_their_columns() -> None:
    # The routed experts' MUL_MAT_ID is not priced in tiles (see the module docstring): batch columns.
    cost = tiles.tile_cost(16, 128, tiles.COLUMN_SHARE)
    assert mmq_decode.matmul_column_params(16, 4e9, 3e9, 128) == pytest.approx(1e9 * cost + 3e9 * 16)
