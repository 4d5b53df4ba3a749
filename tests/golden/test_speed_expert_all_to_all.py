"""DeepEP dispatch / combine: hardware/expert_all_to_all.py against DeepEP's published kernel figures.

None of these figures is a row of bench/speed_tables.yaml. The module's NVLink shares come from the V1
normal kernels on H800 (docs/legacy.md); the B200 (V2, README) and H20 (deepseek-ai/DeepEP#138)
figures check them on other GPUs, and the low-latency table checks the message sizes.
"""

from __future__ import annotations

import pytest

from llmsize.hardware import expert_all_to_all as a2a
from llmsize.hardware.gpus import get_gpu

LEGACY = "https://github.com/deepseek-ai/DeepEP/blob/main/docs/legacy.md"
README = "https://github.com/deepseek-ai/DeepEP/blob/main/README.md"
ISSUE_138 = "https://github.com/deepseek-ai/DeepEP/issues/138"
HIDDEN, TOP_K, EXPERTS = 7168, 8, 256  # DeepSeek-V3's MoE, the setting of every DeepEP table


# LEGACY, 'Low-latency kernels with pure RDMA', 128 tokens a rank, FP8 dispatch, BF16 combine:
# (#EP, dispatch us, dispatch GB/s, combine us, combine GB/s).
LOW_LATENCY = [(8, 77, 98, 114, 127), (16, 118, 63, 195, 74), (32, 155, 48, 273, 53),
               (64, 173, 43, 314, 46), (128, 192, 39, 369, 39), (256, 194, 39, 360, 40)]


@pytest.mark.parametrize(("ranks", "dispatch_us", "dispatch_gb_s", "combine_us", "combine_gb_s"), LOW_LATENCY)
def test_low_latency_message_sizes_match_the_published_rate_and_time(
        ranks: int, dispatch_us: float, dispatch_gb_s: float, combine_us: float, combine_gb_s: float) -> None:
    # The published rate is the bytes the kernel moved over its time: our bytes over the published
    # time must give the published rate (one message per token and picked expert).
    dispatch, combine = a2a.layer_bytes(128, HIDDEN, EXPERTS, TOP_K, ranks, low_latency=True)
    assert dispatch / (dispatch_us * 1e-6) / 1e9 == pytest.approx(dispatch_gb_s, rel=0.03)
    assert combine / (combine_us * 1e-6) / 1e9 == pytest.approx(combine_gb_s, rel=0.03)


def _normal_rates(gpu_id: str, ranks: int = 8, tokens: int = 4096) -> tuple[float, float]:
    """(dispatch, combine) GB/s the module gives the normal kernels on `gpu_id`'s NVLink."""
    link = get_gpu(gpu_id).interconnect_bytes_per_s
    dispatch, combine = a2a.layer_bytes(tokens, HIDDEN, EXPERTS, TOP_K, ranks, low_latency=False)
    seconds_d = a2a.call_seconds(dispatch, link, a2a.DISPATCH_LINK_SHARE, 0.0)
    seconds_c = a2a.call_seconds(combine, link, a2a.COMBINE_LINK_SHARE, 0.0)
    return dispatch / seconds_d / 1e9, combine / seconds_c / 1e9


def test_h800_normal_kernels_reproduce_the_calibration() -> None:
    # LEGACY, 'Normal kernels with NVLink and RDMA forwarding', Intranode EP 8: 153 / 158 GB/s (NVLink).
    dispatch, combine = _normal_rates("H800-SXM-80GB")
    assert dispatch == pytest.approx(153, rel=0.01)
    assert combine == pytest.approx(158, rel=0.01)


def test_b200_normal_kernels_within_ten_percent_of_deepep_v2() -> None:
    # README, SM100, EP 8, NVLink: 726 GB/s dispatch, 740 GB/s combine (64 SMs, max perf).
    dispatch, combine = _normal_rates("B200")
    assert dispatch == pytest.approx(726, rel=0.10)
    assert combine == pytest.approx(740, rel=0.10)


def test_h20_intranode_within_ten_percent_of_issue_138() -> None:
    # ISSUE_138, tests/test_intranode.py on 8 x H20: 'Best dispatch (FP8): ... 326.56 GB/s (NVL)',
    # 'Best combine: ... 332.57 GB/s (NVL)'.
    dispatch, combine = _normal_rates("H20")
    assert dispatch == pytest.approx(326.56, rel=0.10)
    assert combine == pytest.approx(332.57, rel=0.10)


def test_normal_kernels_send_a_token_once_to_each_rank_of_its_experts() -> None:
    # 256 experts over 8 ranks (32 each), top-8, uniform: a rank holds none of a token's 8 picks with
    # probability C(224, 8) / C(256, 8), so 8 x (1 - that) ranks receive it; the low-latency kernels
    # send all 8 copies (one per picked expert) whatever the ranks.
    missed = 1.0
    for i in range(8):
        missed *= (224 - i) / (256 - i)
    assert a2a.ranks_reached(256, 8, 8) == pytest.approx(8 * (1 - missed))
    normal, _ = a2a.layer_bytes(1, HIDDEN, EXPERTS, TOP_K, 8, low_latency=False)
    low, _ = a2a.layer_bytes(1, HIDDEN, EXPERTS, TOP_K, 8, low_latency=True)
    assert normal == pytest.approx(8 * (1 - missed) * (HIDDEN + HIDDEN // 128 * 4))
    assert low == 8 * (HIDDEN + HIDDEN // 128 * 4 + 16)
