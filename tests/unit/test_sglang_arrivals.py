"""SGLang's staggered arrivals under a closed-loop serving benchmark (estimate/engines/sglang_arrivals.py),
checked against hand computations, and the serving TPOT / throughput that price them
(hardware/speed_serving.py).
"""

from __future__ import annotations

import math

import pytest

from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.engines.sglang_arrivals import arrival_batches
from llmsize.estimate.workload import Workload
from llmsize.hardware.speed_serving import arrival_batch_s, serving_output_tokens_per_s, serving_tpot_s


def test_default_interval_by_hand() -> None:
    # C = 64 in flight, L = 1000 output tokens, a poll every step (R = 1): lam = 64 / 1000 = 0.064 arrivals a
    # window; e^-0.064 = 0.938005, so 6.1995% of the 1000 windows admit a batch: 61.995 batches, of which the
    # request waits for 63 / 64 (its own arrival is one of the 64): 61.026; a batch holds 0.064 / 0.061995
    # = 1.0323 prompts on average.
    waits, prompts = arrival_batches(64, 1000, 1)
    assert waits == pytest.approx(61.026, abs=1e-3)
    assert prompts == pytest.approx(1.0323, abs=1e-4)


def test_inferencex_interval_by_hand() -> None:
    # InferenceX dsr1 B300 at CONC 16 passes --scheduler-recv-interval 30; mean output 922 tokens:
    # lam = 30 x 16 / 922 = 0.52061, e^-lam = 0.59417, 1 - e^-lam = 0.40583; 922 / 30 = 30.733 windows,
    # 12.473 with arrivals, 15 / 16 of them waited for: 11.693 batches of 0.52061 / 0.40583 = 1.2828 prompts.
    waits, prompts = arrival_batches(16, 922, 30)
    assert waits == pytest.approx(11.693, abs=1e-3)
    assert prompts == pytest.approx(1.2828, abs=1e-4)


def test_one_request_in_flight_waits_for_no_batch() -> None:
    waits, prompts = arrival_batches(1, 500, 10)
    assert waits == 0.0 and prompts > 1


def test_no_output_has_no_arrivals() -> None:
    assert arrival_batches(8, 0, 1) is None


def test_every_prompt_is_prefilled_once() -> None:
    # batches x prompts a batch = the C - 1 others whatever the interval (arrivals are conserved)
    for interval in (1, 10, 30, 1000):
        waits, prompts = arrival_batches(32, 1024, interval)  # type: ignore[misc]
        assert waits * prompts == pytest.approx(31 * 1024 / 1024)


def test_sglang_asks_its_interval_other_engines_the_wave() -> None:
    sglang = engine_for(Workload(engine="sglang", scheduler_recv_interval=30, batch=16))
    assert sglang.serving_arrivals(16, 922) == pytest.approx(arrival_batches(16, 922, 30))
    assert engine_for(Workload(engine="vllm", batch=16)).serving_arrivals(16, 922) is None


def test_serving_figures_with_arrivals_by_hand() -> None:
    # 10 batches of 0.2 s each over 100 output tokens of a 0.02 s step: 0.02 + 10 x 0.2 / 100 = 0.04 s a
    # token; 8 requests of 100 tokens over 100 x 0.02 + 11 x 0.2 = 4.2 s: 190.5 tokens/s.
    assert serving_tpot_s(0.02, 99.0, 8, 100, (10.0, 0.2)) == pytest.approx(0.04)
    assert serving_output_tokens_per_s(0.02, 99.0, 8, 100, (10.0, 0.2)) == pytest.approx(800 / 4.2)


def test_mean_batch_interpolates_between_whole_counts() -> None:
    def seconds(n: int) -> float:
        return {1: 1.0, 2: 1.5}[n]

    assert arrival_batch_s(1.25, seconds) == pytest.approx(0.75 * 1.0 + 0.25 * 1.5)
    assert arrival_batch_s(1.0, seconds) == pytest.approx(1.0)
    assert math.isclose(arrival_batch_s(0.5, seconds), 1.0)  # never fewer than one prompt
