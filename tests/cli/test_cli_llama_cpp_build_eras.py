"""`--engine-version bNNNN` with llama.cpp picks the speed profile of that build's Gated DeltaNet and Vulkan
MUL_MAT_ID paths, for the model asked about (estimate/engines/llama_cpp.py speed_name).

Published numbers are cited where used: Qwen3-Next-80B-A3B Q4_K_M on Strix Halo (Vulkan, build c6f7a423c
(7189)) decodes 28.40 t/s and prefills 290.28 t/s at pp512 (ggml-org/llama.cpp PR #16095).
"""

from __future__ import annotations

import pytest

from cli_rows import estimate_gpu_row, speed_profile

QWEN3NEXT_PR = "https://github.com/ggml-org/llama.cpp/pull/16095"
STRIX = "Ryzen-AI-Max-395-128GB"


def _row(*args: str) -> dict[str, object]:
    return estimate_gpu_row(
        "Qwen3-Next-80B-A3B-Instruct", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--gpu", STRIX, *args
    )


_profile = speed_profile


def test_engine_version_b7189_selects_the_chunked_gdn_decode_profile() -> None:
    # b7189 predates PR #17996's one-token path: a decode token ran the chunked delta rule.
    assert _profile(_row("--engine-version", "b7189")) == "llama.cpp-gdn-chunked"
    assert (
        _profile(_row("--engine-version", "b7189", "--backend", "vulkan")) == "llama.cpp-vulkan-gdn-chunked"
    )


def test_later_builds_take_the_unfused_then_the_fused_path() -> None:
    assert _profile(_row("--engine-version", "b8000")) == "llama.cpp-gdn-unfused"
    assert _profile(_row()) == "llama.cpp"  # the current build: fused GATED_DELTA_NET


def test_b7189_on_vulkan_lands_near_the_published_strix_halo_run() -> None:
    # QWEN3NEXT_PR: tg128 28.40 t/s, pp512 290.28 t/s. Without --engine-version the current build's fused
    # op decodes far faster than that first build did.
    old = _row(
        "--engine-version", "b7189", "--backend", "vulkan", "--context", "640", "--prompt-tokens", "512"
    )
    now = _row("--backend", "vulkan", "--context", "640", "--prompt-tokens", "512")
    decode, prefill = float(str(old["decode_tokens_per_s"])), float(str(old["prefill_tokens_per_s"]))
    assert decode == pytest.approx(28.40, rel=0.20), QWEN3NEXT_PR
    assert prefill == pytest.approx(290.28, rel=0.25), QWEN3NEXT_PR
    assert float(str(now["decode_tokens_per_s"])) > 1.5 * decode


def test_a_dense_model_keeps_the_build_profile() -> None:
    # No Gated DeltaNet block: the build picks its CUDA fusion era only.
    row = estimate_gpu_row(
        "Llama-2-7b",
        "--engine",
        "llama.cpp",
        "--quant",
        "Q4_0",
        "--gpu",
        "RTX-4090",
        "--engine-version",
        "b7189",
    )  # fmt: skip
    assert not speed_profile(row).startswith("llama.cpp-gdn")
