"""Gated DeltaNet decode on llama.cpp builds before PR #17996: the chunked delta rule for one token.

Published numbers, each cited where used: Qwen3-Next-80B-A3B Q4_K_M tg128 on Strix Halo (Vulkan, build
7189) in PR #16095, and PR #17996's "roughly a 40% bump in token generation speed" from the one-token
autoregressive path. The counts are in estimate/engines/llama_cpp_gdn.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp_gdn import AUTOREGRESSIVE_BUILD, decodes_chunked
from llmsize.estimate.engines.llama_cpp_vulkan import vulkan_engine
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve

QWEN3NEXT_PR = "https://github.com/ggml-org/llama.cpp/pull/16095"
AUTOREGRESSIVE_PR = "https://github.com/ggml-org/llama.cpp/pull/17996"
STRIX = "Ryzen-AI-Max-395-128GB"


def _tg128(model: str, engine: str, quant: str) -> float:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 129, "prompt_tokens": 1, "quant": quant})
    inputs, gpu = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine), get_gpu(STRIX)
    step, _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), 64)
    return 1 / step


def test_first_qwen3next_build_decodes_near_its_published_rate() -> None:
    # QWEN3NEXT_PR: Strix Halo, Vulkan, build c6f7a423c (7189), tg128 28.40 t/s. The unfused autoregressive
    # profile (a later path) predicted +60%; the chunked one must land within the 20% bound.
    chunked = _tg128("Qwen3-Next-80B-A3B-Instruct", "llama.cpp-vulkan-gdn-chunked", "Q4_K_M")
    assert chunked == pytest.approx(28.40, rel=0.20), QWEN3NEXT_PR


def test_autoregressive_path_gains_about_forty_percent() -> None:
    # AUTOREGRESSIVE_PR: "roughly a 40% bump in token generation speed" from the one-token path.
    chunked = _tg128("Qwen3-Next-80B-A3B-Instruct", "llama.cpp-vulkan-gdn-chunked", "Q4_K_M")
    autoregressive = _tg128("Qwen3-Next-80B-A3B-Instruct", "llama.cpp-vulkan-gdn-unfused", "Q4_K_M")
    assert autoregressive / chunked == pytest.approx(1.40, rel=0.10), AUTOREGRESSIVE_PR


def test_chunked_profile_changes_only_recurrent_blocks() -> None:
    # A dense attention model has no Gated DeltaNet block: the era does not change its step.
    a = _tg128("Llama-2-7b", "llama.cpp-vulkan", "Q4_0")
    b = _tg128("Llama-2-7b", "llama.cpp-vulkan-gdn-chunked", "Q4_0")
    assert a == pytest.approx(b, rel=1e-9)


def test_gdn_era_profiles_keep_the_vulkan_backend() -> None:
    # A Vulkan run of an old build keeps Vulkan's prompt path and latency; CUDA runs keep the CUDA profile.
    assert vulkan_engine("llama.cpp-gdn-chunked", "vulkan") == "llama.cpp-vulkan-gdn-chunked"
    assert vulkan_engine("llama.cpp-gdn-unfused", "vulkan") == "llama.cpp-vulkan-gdn-unfused"
    assert vulkan_engine("llama.cpp-gdn-chunked", None) == "llama.cpp-gdn-chunked"
    assert vulkan_engine("llama.cpp-hip-nographs", "vulkan") == "llama.cpp-hip-nographs"


def test_build_7189_decodes_chunked_and_current_does_not() -> None:
    assert decodes_chunked(7189)
    assert not decodes_chunked(AUTOREGRESSIVE_BUILD)
    assert not decodes_chunked(None)


@given(st.integers(min_value=1, max_value=20000), st.integers(min_value=1, max_value=20000))
def test_chunked_era_is_a_prefix_of_builds(a: int, b: int) -> None:
    # Once a build has the one-token path, every later build has it.
    lo, hi = sorted((a, b))
    assert not (decodes_chunked(hi) and not decodes_chunked(lo))
