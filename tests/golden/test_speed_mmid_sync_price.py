"""One host round trip of ggml-cuda's MUL_MAT_ID expert grouping, priced from the PR that removed it.

Published numbers, cited where used:
- PR #15525's table (https://github.com/ggml-org/llama.cpp/pull/15525), RTX 3090, deepseek2 16B Q4_0, pp512,
  t/s master (host grouping: two syncs and a host scan per MUL_MAT_ID) -> PR (device helper):
  -ub 2 158.03 -> 180.94, -ub 128 2103.93 -> 2253.15, -ub 256 3280.19 -> 3628.64. At -ub 128 and more both
  builds run 128-wide tiles (ne12 x k and ne12 both reach 128), so the saving there is the syncs and scans.
- kekzl/imp#1654 (RTX 5090): isolated pinned 4-byte D2H + cudaStreamSynchronize, median 31.35 us, min 9.19 us.
The price (estimate/engines/ggml_cuda_mmid_sync.py) uses the -ub 2 row only; the -ub 128 / 256 rows check it.
No test is timed.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import ggml_cuda_mmid_sync as sync
from llmsize.estimate.engines import llama_cpp_mmid_host as mmid
from llmsize.estimate.engines import ollama_mmid_sync

KEKZL_MEDIAN_S, KEKZL_MIN_S = 31.35e-6, 9.19e-6
PR_15525 = {128: (2103.93, 2253.15), 256: (3280.19, 3628.64)}  # -ub: (t/s master, t/s PR), pp512
CALLS_A_UBATCH = 26 * 3  # DeepSeek-V2-Lite: 26 MoE layers x gate, up, down


def test_the_ub2_row_saved_about_21_us_a_call() -> None:
    # 512 / 158.03 - 512 / 180.94 = 0.410 s over 256 ubatches x 78 calls.
    assert sync.saved_per_call_s() == pytest.approx(20.5e-6, rel=0.01)


def test_a_round_trip_sits_at_the_isolated_measurement_s_low_end() -> None:
    assert KEKZL_MIN_S < sync.GROUPING_ROUND_TRIP_S < KEKZL_MEDIAN_S / 2
    assert pytest.approx(2 * sync.GROUPING_ROUND_TRIP_S) == mmid.CALL_ROUND_TRIP_SECONDS
    # The single round trips priced elsewhere keep the isolated figure.
    assert pytest.approx(KEKZL_MEDIAN_S) == mmid.ROUND_TRIP_SECONDS
    assert ollama_mmid_sync.moe_layer_host_seconds((0, 11, 8), "qwen3_moe") == pytest.approx(
        3 * 2 * sync.GROUPING_ROUND_TRIP_S)


@pytest.mark.parametrize("ubatch", sorted(PR_15525))
def test_syncs_and_scans_stay_below_what_the_pr_saved_where_the_tiles_did_not_change(ubatch: int) -> None:
    master, pr = PR_15525[ubatch]
    saved = 512 / master - 512 / pr
    calls = 512 // ubatch * CALLS_A_UBATCH
    priced = calls * mmid.CALL_ROUND_TRIP_SECONDS + mmid.scan_seconds(512, ubatch, 64, 6, CALLS_A_UBATCH)
    # A lower bound (the PR's own helper kernel is not subtracted), but most of the saving.
    assert 0.6 * saved < priced < saved
    # The isolated median the path was priced at before overshot both (27 ms against 16 ms at -ub 128).
    old = calls * 2 * KEKZL_MEDIAN_S + mmid.scan_seconds(512, ubatch, 64, 6, CALLS_A_UBATCH)
    assert old > saved
