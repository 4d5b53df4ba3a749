"""transformers 5.x's batched_mm MoE decode (estimate/engines/transformers_batched_mm.py): the calls and the
expert-weight gathers counted from integrations/moe.py `batched_mm_experts_forward` (5.23.0)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import transformers_batched_mm as batched_mm
from llmsize.estimate.engines import transformers_wrappers
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, decode_step, resolve_constants
from llmsize.hardware.speed_profiles import ENGINE_PROFILES
from llmsize.specs.resolve import resolve


def _inputs(model: str, batch: int = 1) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate(
        {"engine": "transformers", "context": 2048, "prompt_tokens": 1024, "batch": batch}
    )
    return speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=1, pp=1), engine="transformers")


def test_calls_counted_from_the_source() -> None:
    # router 7 + the block's view and reshape 2, experts 19, less a dense FFN's 5
    assert batched_mm.extra_calls() == 9 + 19 - 5
    per_call = transformers_wrappers.per_call_s(0.68e-3)
    assert batched_mm.launch_per_layer(48, 48, 0.68e-3) == pytest.approx(23 * per_call)
    assert batched_mm.launch_per_layer(0, 48, 0.68e-3) == 0.0


def test_only_the_5x_profile_gathers() -> None:
    assert ENGINE_PROFILES["transformers"].moe_batched_mm
    assert not ENGINE_PROFILES["transformers-4"].moe_batched_mm
    assert not ENGINE_PROFILES["vllm"].moe_batched_mm


def test_moe_decode_pays_launches_and_copies() -> None:
    gpu = get_gpu("H100-SXM-80GB")
    moe = _inputs("Qwen3-30B-A3B")
    c = resolve_constants(moe, gpu)
    assert c.moe_gather_traffic == 2.0
    assert c.launch_per_layer_s > ENGINE_PROFILES["transformers"].launch_per_layer_s
    dense = _inputs("Qwen3-32B")
    cd = resolve_constants(dense, gpu)
    assert cd.moe_gather_traffic == 0.0
    assert cd.launch_per_layer_s == pytest.approx(ENGINE_PROFILES["transformers"].launch_per_layer_s)
    # the copies are GPU bytes: without them the step's memory time is smaller
    with_copies, parts = decode_step(moe, gpu, c)
    without, parts0 = decode_step(moe, gpu, c.model_copy(update={"moe_gather_traffic": 0.0}))
    assert parts["memory"] > parts0["memory"]
    assert with_copies >= without


@given(st.integers(min_value=1, max_value=256), st.integers(min_value=1, max_value=256))
def test_gathers_grow_with_pairs(a: int, b: int) -> None:
    # every (token, expert) pair copies its expert: linear in the tokens, distinct experts or not
    one = batched_mm.gather_bytes(10**9, 8 / 128, 1, 2.0)
    assert batched_mm.gather_bytes(10**9, 8 / 128, a + b, 2.0) == pytest.approx(one * (a + b))
