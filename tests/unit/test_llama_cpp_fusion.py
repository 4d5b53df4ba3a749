"""llama.cpp's CUDA fusions by build (estimate/engines/llama_cpp_fusion.py).

Patterns read in ggml/src/ggml-cuda/ggml-cuda.cu `ggml_cuda_try_fuse` (commit 00108827, late 2026); each
fusion cites the ggml-org/llama.cpp PR that added it.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.estimate.engines.llama_cpp import FUSION_SPEED, fusion_engine
from llmsize.estimate.engines.llama_cpp_fusion import FUSIONS, era, kernels_at
from llmsize.estimate.engines.llama_cpp_nodes import NODES
from llmsize.hardware.speed_profiles import engine_profile


def _routed_ffn(counts: dict[str, int], k: int) -> int:
    return counts["moe_ffn"] + counts["moe_per_expert"] * (k - 1)


def test_a_current_routed_ffn_launches_five_kernels() -> None:
    # router mat-vec, topk-moe (#16130), gate+up+GLU mat-vec with ids (#16715), down mat-vec, the weighted
    # expert reduction (#25952), whatever the number of experts picked.
    now = kernels_at(None)
    assert _routed_ffn(now, 8) == _routed_ffn(now, 4) == 5
    assert _routed_ffn(NODES, 8) == 19


def test_a_current_dense_block_launches_fourteen_kernels() -> None:
    # rms_norm+mul (#14800) and the residual add per sub-block; q, k, v, rope q, rope k into the cache
    # (#16884), set_rows v, flash attention, wo; gate+up+GLU (#16715) and down.
    now = kernels_at(None)
    assert 2 * now["block"] + now["attention"] + now["dense_ffn"] == 14
    # Q/K norms run inside their ropes (#26767); biases inside their mat-vecs (#16715).
    assert now["qk_norm"] == now["proj_bias"] == now["expert_bias"] == now["router_bias"] == 0


def test_before_the_first_fusion_every_graph_node_is_a_kernel() -> None:
    assert kernels_at(FUSIONS[0].first_build - 1) == NODES


def test_fusions_are_listed_in_build_order() -> None:
    builds = [f.first_build for f in FUSIONS]
    assert builds == sorted(builds)
    assert [f.opened for f in FUSIONS] == sorted(f.opened for f in FUSIONS)


@given(
    st.integers(min_value=1000, max_value=20_000),
    st.integers(min_value=1, max_value=12_000),
    st.integers(min_value=2, max_value=16),
)
def test_a_later_build_never_launches_more_kernels(build: int, later: int, k: int) -> None:
    # Fusions only fold nodes: per part (the expert sum's adds moved into one kernel at #15631), and for a
    # routed FFN picking k >= 2 experts.
    a, b = kernels_at(build), kernels_at(build + later)
    assert _routed_ffn(b, k) <= _routed_ffn(a, k)
    assert all(b[p] <= a[p] for p in a if p not in ("moe_ffn", "moe_per_expert"))
    assert all(n >= 0 for n in b.values())


def test_builds_map_to_the_profile_of_their_fusions() -> None:
    assert fusion_engine(None) == "llama.cpp"
    assert fusion_engine(FUSIONS[-1].first_build) == "llama.cpp"
    assert era(9079) == 16884  # May 2026: everything up to rope + set_rows
    profile = engine_profile(fusion_engine(9079))
    assert profile.node_kernels == kernels_at(9079)
    assert profile.gpu_per_node_s == engine_profile("llama.cpp").gpu_per_node_s
    # One profile per fusion era (the era PR #19645 splits adds a graph-replaying twin: llama_cpp_batch.py).
    assert len(FUSION_SPEED) == len(FUSIONS)
    assert all(engine_profile(fusion_engine(f.first_build - 1)).node_kernels == kernels_at(f.first_build - 1)
               for f in FUSIONS)


def _decode(args: list[str]) -> float:
    out = CliRunner().invoke(
        app, ["estimate", *args, "--engine", "llama.cpp", "--gpu", "RTX-4090", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    return float(json.loads(out.output)["gpus"][0]["decode_tokens_per_s"])


def test_engine_version_picks_the_build_fusions() -> None:
    # --engine-version b6000 (before the MoE fusions) decodes a routed model slower than the current build
    # (the default), and a dense Llama-2 at the same speed.
    moe = ["Qwen3-30B-A3B", "--quant", "Q4_0"]
    assert _decode([*moe, "--engine-version", "b6000"]) < 0.8 * _decode(moe)
    assert _decode([*moe, "--engine-version", "b10809"]) == _decode(moe)
    dense = ["Llama-2-7b", "--quant", "Q4_0"]
    assert _decode([*dense, "--engine-version", "b6000"]) == _decode(dense)
