"""vLLM releases map to the speed profile of their engine generation (server_releases.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.estimate.engines.server_releases import vllm_speed_name
from llmsize.hardware.speed_profiles import ENGINE_PROFILES, engine_profile

ERA = {"vllm-0.4": 0, "vllm-0.6": 1, "vllm-0.13": 2, "vllm": 3}


@given(st.integers(0, 3), st.integers(0, 40), st.integers(0, 40), st.integers(0, 40), st.booleans())
def test_a_later_vllm_release_never_runs_an_older_engine(
    major: int, minor: int, other: int, patch: int, eager: bool
) -> None:
    def era(m: int) -> int:
        try:
            return ERA[vllm_speed_name(f"{major}.{m}.{patch}", eager)]
        except BadInputError:
            return -1  # before 0.4: refused

    lo, hi = sorted((minor, other))
    assert era(lo) <= era(hi)


@given(st.integers(14, 99), st.integers(0, 9), st.booleans())
def test_every_async_v1_release_is_the_current_profile(minor: int, patch: int, eager: bool) -> None:
    assert vllm_speed_name(f"0.{minor}.{patch}", eager) == "vllm"


@given(st.integers(8, 13), st.integers(0, 9), st.booleans())
def test_v1_releases_before_0_14_schedule_synchronously(minor: int, patch: int, eager: bool) -> None:
    # vLLM 0.14.0 made async scheduling the default (release notes; PR #27614).
    name = vllm_speed_name(f"0.{minor}.{patch}", eager)
    assert name == "vllm-0.13"
    assert not engine_profile(name).step_overlapped and engine_profile("vllm").step_overlapped


@pytest.mark.parametrize("text", ["0.4.2", "0.6.3", "0.10.1.1", "v0.5.0rc1", None])
def test_every_named_profile_exists(text: str | None) -> None:
    for eager in (False, True):
        assert vllm_speed_name(text, eager) in ENGINE_PROFILES
    assert engine_profile(vllm_speed_name(text, False)).graphs


@pytest.mark.parametrize("text", ["", "0", "banana", "0.x", "0.3.9"])
def test_an_unmodelled_release_is_bad_input(text: str) -> None:
    with pytest.raises(BadInputError, match="--engine-version"):
        vllm_speed_name(text, False)
