"""SGLang's PrefillAdder splits a wave of prompts by --max-prefill-tokens (schedule_policy.py)."""

from __future__ import annotations

from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.engines.sglang_prefill_admission import wave_batches
from llmsize.estimate.workload import Workload
from llmsize.hardware.speed_wave import wave_mean_ttft_s


def test_chunked_prefill_admits_until_the_budget_is_spent() -> None:
    # budget_state stops once rem_input_tokens <= 0: 16,384 / 1,000 admits a 17th request (16,000 < 16,384).
    assert wave_batches(64, 1000) == (17, 17, 17, 13)
    assert wave_batches(16, 1000) == (16,)


def test_without_chunked_prefill_a_later_request_must_fit_the_rest() -> None:
    # add_one_req refuses a non-first request whose tokens reach the remaining budget.
    assert wave_batches(64, 1000, chunked=False) == (16, 16, 16, 16)
    assert wave_batches(3, 20000) == (1, 1, 1)  # the first request of a batch always goes in


def test_page_rounding_charges_the_whole_page() -> None:
    assert wave_batches(64, 1000, page_tokens=64) == (16, 16, 16, 16)  # 1,000 -> 1,024 tokens charged


def test_the_engine_caps_the_budget_at_its_chunk() -> None:
    wl = Workload(engine="sglang", context=2000, prompt_tokens=1000, batch=64, max_num_batched_tokens=4096)
    assert engine_for(wl).wave_prefill_runs(64, 1000) == ((5, 12), (4, 1))
    vllm = Workload(engine="vllm", context=2000, prompt_tokens=1000, batch=64)
    assert engine_for(vllm).wave_prefill_runs(64, 1000) == ((64, 1),)


def test_a_wave_waits_for_its_own_batch_not_the_whole_wave() -> None:
    # Four equal batches back to back: the requests' first tokens come after 1, 2, 3 and 4 batches.
    assert wave_mean_ttft_s(((16, 4),), lambda n: 1.0) == 2.5
    assert wave_mean_ttft_s(((16, 1),), lambda n: 1.0) is None  # one batch: its prefill is the TTFT
