"""Serving-benchmark TPOT at a concurrency: the decode step plus the other requests' prefills."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.hardware.speed_serving import (
    closed_loop_waves,
    run_output_tokens_per_s,
    serving_output_tokens_per_s,
    serving_tpot_s,
)


def test_one_request_in_flight_pays_no_other_prefill() -> None:
    assert serving_tpot_s(0.02, 1.5, 1, 128) == pytest.approx(0.02)


def test_each_other_request_adds_one_prompt_prefill_over_the_output() -> None:
    # 8 prompts prefill in 8 s together: 1 s each; 7 of them land inside one request's 100 tokens.
    assert serving_tpot_s(0.02, 8.0, 8, 100) == pytest.approx(0.02 + 7 * 1.0 / 100)


def test_no_output_tokens_has_no_serving_tpot() -> None:
    assert serving_tpot_s(0.02, 1.0, 4, 0) is None


@given(
    tpot=st.floats(1e-4, 1.0),
    prefill_one=st.floats(0.0, 10.0),
    level=st.integers(1, 512),
    out=st.integers(1, 100_000),
)
def test_serving_tpot_never_beats_the_decode_step_and_grows_with_concurrency(
    tpot: float, prefill_one: float, level: int, out: int
) -> None:
    here = serving_tpot_s(tpot, prefill_one * level, level, out)
    more = serving_tpot_s(tpot, prefill_one * (level + 1), level + 1, out)
    assert here is not None and more is not None
    assert tpot <= here <= more + 1e-12


@given(
    tpot=st.floats(1e-4, 1.0),
    prefill_one=st.floats(0.0, 10.0),
    level=st.integers(1, 512),
    out=st.integers(1, 100_000),
)
def test_closed_loop_throughput_is_concurrency_over_one_request_duration(
    tpot: float, prefill_one: float, level: int, out: int
) -> None:
    # One request lasts its own prefill plus its output at the serving TPOT; C of them run at once.
    ttft = prefill_one * level
    per_token = serving_tpot_s(tpot, ttft, level, out)
    rate = serving_output_tokens_per_s(tpot, ttft, level, out)
    assert per_token is not None and rate is not None
    assert rate == pytest.approx(level * out / (prefill_one + out * per_token), rel=1e-9)
    assert rate <= level / tpot * (1 + 1e-12)  # never above the decode-only aggregate


def test_no_output_tokens_has_no_serving_throughput() -> None:
    assert serving_output_tokens_per_s(0.02, 1.0, 4, 0) is None


def test_a_run_is_full_waves_then_the_remainder() -> None:
    # vllm bench serve: 100 prompts behind Semaphore(32) run as 32, 32, 32 and 4 requests.
    assert closed_loop_waves(100, 32) == [32, 32, 32, 4]
    assert closed_loop_waves(64, 32) == [32, 32]
    assert closed_loop_waves(3, 8) == [3]
    assert closed_loop_waves(0, 8) == []


def test_a_short_last_wave_lowers_the_run_rate() -> None:
    # Three 32-request waves of 10 s and a 4-request wave of 8 s, 1024 tokens each:
    # 100 x 1024 tokens over 38 s, not 32 x 1024 over 10 s.
    waves = [(32, 10.0), (32, 10.0), (32, 10.0), (4, 8.0)]
    assert run_output_tokens_per_s(waves, 1024) == pytest.approx(100 * 1024 / 38.0)
    assert run_output_tokens_per_s(waves, 1024) < 32 * 1024 / 10.0
    assert run_output_tokens_per_s([], 1024) is None


def test_lockstep_engine_cores_wait_through_each_others_prompts() -> None:
    # vLLM DP + MoE: every core's step joins the MoE all-gather (all2all.py AgRsAll2AllManager), so a
    # lone request on one of two cores waits through the other core's prompt (coordinate_batch_across_dp).
    step, prefill, out = 0.01, 0.2, 128
    assert serving_tpot_s(step, prefill, 1, out, lockstep_cores=2) == pytest.approx(step + prefill / out)
    two = serving_tpot_s(step, 2 * prefill, 2, out, lockstep_cores=2)
    assert two == pytest.approx(step + 3 * prefill / out)
    alone = serving_output_tokens_per_s(step, prefill, 2, out)
    together = serving_output_tokens_per_s(step, prefill, 2, out, lockstep_cores=2)
    assert together == pytest.approx(2 * out / (2 * prefill + out * step))
    assert alone is not None and together is not None and together < alone


def test_admission_batches_ignore_lockstep() -> None:
    # SGLang's arrivals path already counts the batches a request waits through.
    assert serving_tpot_s(0.01, 1.0, 4, 100, (2.0, 0.05), lockstep_cores=2) == pytest.approx(0.01 + 0.1 / 100)
