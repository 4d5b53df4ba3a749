"""hardware/expert_all_to_all.py wired into the MoE layers' communication (expert_parallel.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware import expert_all_to_all as a2a
from llmsize.hardware.expert_parallel import dispatch_combine_seconds
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.specs.resolve import resolve


def _gpt_oss_dp4(all_to_all: bool):
    # sgl-project/sglang#9359's layout: gpt-oss-120b, --tp 4 --ep 4 --enable-dp-attention --dp 4.
    spec = resolve("gpt-oss-120b")
    wl = Workload.model_validate({"engine": "sglang", "num_gpus": 4, "tp": 4, "dp_attention": 4,
                                  "dp_lm_head": True, "expert_parallel": True, "batch": 640,
                                  "context": 3072, "prompt_tokens": 1024})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(4, 1, 1))
    return inputs.model_copy(update={"expert_all_to_all": all_to_all})


def test_all_to_all_prices_deepep_dispatch_and_combine_per_moe_layer() -> None:
    inputs = _gpt_oss_dp4(True)
    link, latency = 1800e9, 1e-5
    # 36 MoE layers, each rank dispatching its own 640 tokens to 4 ranks, top-4 of 128 experts, hidden
    # 2880: the low-latency kernels in decode, the normal ones for prompts.
    decode = 36 * a2a.layer_seconds(640, 2880, 128, 4, 4, link, latency, low_latency=True)
    prompt = 36 * a2a.layer_seconds(640, 2880, 128, 4, 4, link, latency, low_latency=False)
    assert dispatch_combine_seconds(inputs, link, 0.8, latency, 640, decode=True) == pytest.approx(decode)
    assert dispatch_combine_seconds(inputs, link, 0.8, latency, 640) == pytest.approx(prompt)
    assert prompt < decode  # one copy per destination rank (<= 4) against one per picked expert (4)
    # Without a link figure: the two calls' latencies.
    assert dispatch_combine_seconds(inputs, None, 0.8, latency, 640, decode=True) == pytest.approx(
        36 * 2 * latency)


def test_all_to_all_moves_fewer_bytes_than_the_gather_path_at_a_large_batch() -> None:
    # The default path all-gathers every group's 640 tokens and all-reduces the output (3 ring passes of
    # 4 x 640 tokens); DeepEP sends each token only to its experts' ranks.
    gather = dispatch_combine_seconds(_gpt_oss_dp4(False), 1800e9, 0.8, 1e-5, 640, decode=True)
    deepep = dispatch_combine_seconds(_gpt_oss_dp4(True), 1800e9, 0.8, 1e-5, 640, decode=True)
    assert 0 < deepep < gather


def test_all_to_all_needs_several_ranks() -> None:
    assert a2a.layer_seconds(64, 7168, 256, 8, 1, 1800e9, 1e-5, low_latency=True) == 0.0
    assert a2a.layer_seconds(0, 7168, 256, 8, 8, 1800e9, 1e-5, low_latency=True) == 0.0


@given(tokens=st.integers(1, 8192), extra=st.integers(0, 8192), ranks=st.sampled_from([2, 4, 8, 16]),
       low_latency=st.booleans())
def test_layer_time_grows_with_tokens_and_never_under_two_latencies(tokens: int, extra: int, ranks: int,
                                                                    low_latency: bool) -> None:
    def seconds(n: int) -> float:
        return a2a.layer_seconds(n, 7168, 256, 8, ranks, 1800e9, 1e-5, low_latency)

    assert seconds(tokens) >= 2 * 1e-5
    assert seconds(tokens + extra) >= seconds(tokens)


@given(experts=st.sampled_from([64, 128, 256]), top_k=st.integers(1, 8), ranks=st.sampled_from([2, 4, 8, 16]))
def test_ranks_reached_between_one_and_the_fewer_of_k_and_ranks(experts: int, top_k: int, ranks: int) -> None:
    reached = a2a.ranks_reached(experts, top_k, ranks)
    assert 1.0 - 1e-9 <= reached <= min(top_k, ranks) + 1e-9


def test_a_table_row_that_ran_deepep_reaches_the_speed_inputs() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import speed_validation as sv

    row = {"id": "deepep-probe", "use": "holdout", "engine": "sglang", "device": "B200", "num_gpus": 4,
           "ep": 4, "dp": 4, "model": "gpt-oss-120b", "metric": "tpot_ms", "prompt_tokens": 1024,
           "gen_tokens": 64, "concurrency": 256, "measured": 1.0}
    plain = sv.build_case(row)
    deepep = sv.build_case({**row, "moe_a2a_backend": "deepep"})
    assert not plain.inputs.expert_all_to_all
    assert deepep.inputs.expert_all_to_all
    assert sv.predict(deepep) != sv.predict(plain)
