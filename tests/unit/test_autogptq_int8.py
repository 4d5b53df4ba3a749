"""auto-gptq 0.7.1's 8-bit linear (qlinear_cuda_old) copies its fp16 scales to fp32 on every call
(estimate/engines/transformers_autogptq_int8.py): its share of the int8 stream, and where it applies."""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import transformers_autogptq_int8 as int8
from llmsize.hardware.speed_profiles import ENGINE_PROFILES, KERNEL_BANDWIDTH


def test_scale_copies_counted_from_the_forward() -> None:
    # group 128: the checkpoint streams 1 + 3/128 bytes a weight; the copies add 8/128 (2 read, 4 written,
    # 4 read by the kernel, less the 2 the checkpoint holds)
    assert int8.scale_copy_share(128) == pytest.approx((1 + 3 / 128) / (1 + 11 / 128))
    # a finer grouping means more scales, so a larger share of copies
    assert int8.scale_copy_share(32) < int8.scale_copy_share(128) < 1.0


def test_only_the_autogptq_profile_pays_it() -> None:
    shared = KERNEL_BANDWIDTH[("int8", "hbm")]
    own = ENGINE_PROFILES["transformers-4.46"].kernel_bandwidth["int8-hbm"]
    assert own == pytest.approx(shared * int8.scale_copy_share())
    assert "int8-hbm" not in ENGINE_PROFILES["transformers"].kernel_bandwidth
