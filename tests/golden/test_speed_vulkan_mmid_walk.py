"""llama.cpp Vulkan MoE prompts on builds before PR #18352: every MUL_MAT_ID workgroup walks the routing ids.

Published numbers, each cited where used: Qwen3-Next-80B-A3B Q4_K_M pp512 on Strix Halo (Vulkan, build
c6f7a423c (7189)) in ggml-org/llama.cpp PR #16095; Qwen3-30B-A3B-Instruct-2507 UD-Q6_K_XL pp512 on the same
machine with build 7423 (kyuz0/amd-strix-halo-toolboxes benchmark logs). The counts and the per-read price
(PR #28501's Strix Halo timings) are in estimate/engines/llama_cpp_vulkan_mmid.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_vulkan_mmid as mmid
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

QWEN3NEXT_PR = "https://github.com/ggml-org/llama.cpp/pull/16095"
KYUZ0 = "https://github.com/kyuz0/amd-strix-halo-toolboxes/tree/2c8a1e2/benchmark/results"
STRIX = "Ryzen-AI-Max-395-128GB"


def _pp512(model: str, engine: str, quant: str) -> float:
    spec = resolve(model)
    wl = Workload.model_validate(
        {"engine": "llama.cpp", "context": 513, "prompt_tokens": 512, "quant": quant, "backend": "vulkan"}
    )
    inputs, gpu = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine), get_gpu(STRIX)
    seconds, _ = prefill_seconds(inputs, gpu, resolve_constants(inputs, gpu), 512)
    return 512 / seconds


def test_first_qwen3next_build_prefills_near_its_published_rate() -> None:
    # QWEN3NEXT_PR: pp512 290.28 t/s at build 7189 (the chunked-GDN era, before PR #18352). Without the walk
    # the model said 468 t/s (+61%).
    assert _pp512("Qwen3-Next-80B-A3B-Instruct", "llama.cpp-vulkan-gdn-chunked", "Q4_K_M") == pytest.approx(
        290.28, rel=0.20
    ), QWEN3NEXT_PR


def test_the_walk_weighs_four_times_more_with_512_experts_than_with_128() -> None:
    # Same k-per-E shape of the grid: n_as x tiles workgroups, each walking T x k ids.
    qwen3next = mmid.workgroup_id_reads(512, 512, 10, 2048, 512, 48)
    qwen3moe = mmid.workgroup_id_reads(512, 128, 8, 2048, 768, 48)
    assert qwen3next / qwen3moe > 3.0


def test_a_128_expert_model_of_build_7423_stays_within_its_published_rate() -> None:
    # KYUZ0 Qwen3-30B-A3B-Instruct-2507 UD-Q6_K_XL pp512 905.18 t/s (build 7423, before PR #18352).
    walked = _pp512("Qwen3-30B-A3B-Instruct-2507", "llama.cpp-vulkan-mmid-walk", "UD-Q6_K_XL")
    assert walked == pytest.approx(905.18, rel=0.20), KYUZ0


def test_builds_from_pr_18352_and_dense_models_do_not_walk() -> None:
    assert mmid.walks_ids(7423)
    assert not mmid.walks_ids(mmid.PREPROCESS_BUILD)
    assert not mmid.walks_ids(None)  # the current build
    walked = _pp512("Llama-2-7b", "llama.cpp-vulkan-mmid-walk", "Q4_0")
    assert walked == pytest.approx(_pp512("Llama-2-7b", "llama.cpp-vulkan", "Q4_0"), rel=1e-9)
    moe_now = _pp512("Qwen3-30B-A3B-Instruct-2507", "llama.cpp-vulkan", "UD-Q6_K_XL")
    assert moe_now > _pp512("Qwen3-30B-A3B-Instruct-2507", "llama.cpp-vulkan-mmid-walk", "UD-Q6_K_XL")


@given(st.integers(1, 4096), st.integers(1, 4096))
def test_walk_grows_with_the_ubatch(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert mmid.workgroup_id_reads(lo, 128, 8, 2048, 768, 48) <= mmid.workgroup_id_reads(
        hi, 128, 8, 2048, 768, 48
    )
