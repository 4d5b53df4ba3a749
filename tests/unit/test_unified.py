"""Unified-memory GPU limits (hardware/unified.py) against the published measurements it cites."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.unified import (
    APU_DEFAULT_CARVEOUT_BYTES,
    linux_gtt_limit_bytes,
    macos_default_limit_bytes,
    macos_limit_bytes,
    unified_limit_bytes,
)
from llmsize.units import GIB, MIB


@pytest.mark.parametrize(
    ("ram", "limit", "tol"),
    [
        (8 * GIB, 5.3 * GIB, 0.1 * GIB),  # "~5.3 GB": https://github.com/SceneWorks/SceneWorks/pull/1552
        (16 * GIB, 10.67 * GIB, 0.01 * GIB),  # 10.67 GB: https://github.com/exo-explore/exo/pull/1672
        (64 * GIB, 48 * GIB, 0.01 * GIB),  # 75%: https://github.com/gpustack/gpustack/issues/1375
        (128 * GIB, 107.52 * GIB, 0.01 * GIB),  # 107.52 GiB: https://github.com/antirez/ds4/pull/893
    ],
)
def test_macos_default_limit_matches_measurements(ram: int, limit: float, tol: float) -> None:
    assert macos_default_limit_bytes(ram) == pytest.approx(limit, abs=tol)


def test_macos_sysctl_wins_and_is_capped_at_ram() -> None:
    # iogpu.wired_limit_mb = 114688 -> 112 GiB on a 128 GiB Mac (https://github.com/antirez/ds4/pull/893).
    assert macos_limit_bytes(128 * GIB, 114688) == 112 * GIB
    assert macos_limit_bytes(64 * GIB, 10**6) == 64 * GIB
    assert macos_limit_bytes(64 * GIB, 0) == 48 * GIB


def test_strix_halo_default_gtt_is_half_the_rest() -> None:
    # "63968M of GTT memory ready" on a 128 GB Strix Halo (https://github.com/antirez/ds4/issues/475):
    # the kernel halves what it manages, a little under RAM - carve-out.
    limit = linux_gtt_limit_bytes(128 * GIB)
    assert limit == (128 * GIB - APU_DEFAULT_CARVEOUT_BYTES) // 2
    assert limit == pytest.approx(63968 * MIB, rel=0.03)
    # A raised TTM limit is read, not computed (96 GiB: https://github.com/noamsto/nix-amd-ai/issues/42).
    assert linux_gtt_limit_bytes(128 * GIB, 4 * GIB, gtt_bytes=103079215104) == 96 * GIB


def test_catalog_unified_machines_use_their_rule() -> None:
    assert get_gpu("m2-ultra").usable_memory_bytes == 144 * GIB
    assert get_gpu("strix-halo").usable_memory_bytes == linux_gtt_limit_bytes(128 * GIB)
    # DGX Spark: rule 'all' over its 128 GiB, but CUDA's own total is what it hands out: 121.69 GiB
    # (https://github.com/MiaAI-Lab/GLM-5.3-Flash-EXL3-2x-DGX-Sparks/issues/47), below what the rule allows.
    spark = get_gpu("dgx-spark")
    assert spark.usable_memory_bytes == pytest.approx(121.69 * GIB, rel=1e-4)
    assert spark.usable_memory_bytes < unified_limit_bytes("all", 128 * GIB)


@given(
    st.integers(min_value=1, max_value=1024).map(lambda g: g * GIB),
    st.sampled_from(["macos", "linux-gtt", "all"]),
)
def test_limit_never_exceeds_ram_and_grows_with_it(ram: int, rule: str) -> None:
    limit = unified_limit_bytes(rule, ram)  # type: ignore[arg-type]
    assert 0 < limit <= max(ram, APU_DEFAULT_CARVEOUT_BYTES)
    assert unified_limit_bytes(rule, ram + GIB) >= limit  # type: ignore[arg-type]
