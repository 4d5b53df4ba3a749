"""ggml-cuda's quantized mat-vec at 2-8 columns (estimate/engines/llama_cpp_mmvq_columns.py)."""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import llama_cpp_mmvq_columns as mmvq


def test_one_column_and_mmq_widths_cost_nothing_extra() -> None:
    # One sequence is the calibrated step; above MMVQ_MAX_BATCH_SIZE ggml-cuda runs MMQ tiles instead.
    rate = mmvq.column_seconds_per_param(35.6e12, 0.6)
    assert mmvq.column_seconds(1, 27e9, rate) == 0.0
    assert mmvq.column_seconds(mmvq.MMVQ_MAX_BATCH_SIZE + 1, 27e9, rate) == 0.0


def test_the_arithmetic_grows_with_the_columns() -> None:
    rate = mmvq.column_seconds_per_param(35.6e12, 0.6)
    two = mmvq.column_seconds(2, 27e9, rate)
    assert mmvq.column_seconds(8, 27e9, rate) == pytest.approx(4 * two)


def test_k_quant_column_on_an_rtx_3090() -> None:
    # 4 lane instructions a weight (vec_dot_q4_K_q8_1 tally) at 35.6 TFLOP/s / 2 issue slots: 27e9 weights
    # take 27e9 * 4 / 17.8e12 = 6.07 ms a column.
    rate = mmvq.column_seconds_per_param(35.6e12, 0.6)
    assert mmvq.column_seconds(2, 27e9, rate) == pytest.approx(2 * 27e9 * 4 / 17.8e12)


def test_q8_0_decodes_cheaper_than_k_quants() -> None:
    assert mmvq.ops_per_weight_column(1.0625) < mmvq.ops_per_weight_column(0.5625)


def test_unknown_rate_prices_nothing() -> None:
    assert mmvq.column_seconds_per_param(0.0, 0.6) == 0.0
