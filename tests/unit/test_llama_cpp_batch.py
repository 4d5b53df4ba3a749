"""llama.cpp CUDA decode of several sequences: graph replay by build and batch, and the step's extra cost.

Rules from ggml/src/ggml-cuda/ggml-cuda.cu (graphs off when a residual ADD has ne[1] > 1, until
ggml-org/llama.cpp PR #19645).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.engines import llama_cpp_batch as lb
from llmsize.estimate.engines.llama_cpp import FUSION_SPEED, SPEED, fusion_engine


def test_graphs_are_replayed_at_batch_one_and_on_builds_with_pr_19645() -> None:
    assert lb.graphs_replayed(1, 6918)
    assert not lb.graphs_replayed(2, 6918)  # benches/dgx-spark.md's build: eager from B = 2
    assert lb.graphs_replayed(32, lb.GRAPHS_AT_BATCH_BUILD)
    assert lb.graphs_replayed(32, None)  # the current build


def test_one_sequence_costs_nothing_extra() -> None:
    assert lb.batch_decode_seconds(1, 34, 40.0, lb.EAGER_LAUNCH_S, lb.SEQUENCE_LAYER_S) == 0.0


def test_eager_launches_price_every_kernel_of_a_dense_layer() -> None:
    # 19 graph nodes + 7 q8_1 quantizations per dense layer, each launched from the CPU.
    assert lb.EAGER_KERNELS_PER_DENSE_LAYER == 26
    eager_only = lb.batch_decode_seconds(2, 28, 28.0, 3e-6, 0.0)
    assert eager_only == 28 * 26 * 3e-6


def test_build_6918_profile_launches_eagerly_and_the_current_one_does_not() -> None:
    old = FUSION_SPEED[fusion_engine(6918)]
    assert old.batch_eager_launch_s == lb.EAGER_LAUNCH_S
    assert SPEED.batch_eager_launch_s == 0.0
    assert SPEED.batch_sequence_layer_s == old.batch_sequence_layer_s == lb.SEQUENCE_LAYER_S


@given(st.integers(1, 256), st.integers(1, 126))
def test_extra_cost_grows_with_the_batch(batch: int, layers: int) -> None:
    args = (layers, float(layers), lb.EAGER_LAUNCH_S, lb.SEQUENCE_LAYER_S)
    assert lb.batch_decode_seconds(batch + 1, *args) > lb.batch_decode_seconds(batch, *args) >= 0.0


def test_sequence_cost_is_the_dgx_spark_figure_there_and_shrinks_with_bandwidth() -> None:
    assert lb.sequence_layer_seconds(lb.SEQUENCE_LAYER_S, 273e9) == lb.SEQUENCE_LAYER_S
    h100 = lb.sequence_layer_seconds(lb.SEQUENCE_LAYER_S, 3350e9)
    assert h100 < lb.SEQUENCE_LAYER_S / 10


def test_builds_from_pr_19645_replay_graphs_inside_the_fusion_era_it_splits() -> None:
    # The era from PR #16884 (~b6950) to PR #23940 (~b9870) straddles PR #19645: its builds before the PR
    # launch a batched step eagerly, those from it on replay CUDA graphs (ggml-cuda.cu no longer checks ADD).
    from llmsize.hardware.speed_profiles import ENGINE_PROFILES

    before, after = fusion_engine(lb.GRAPHS_AT_BATCH_BUILD - 1), fusion_engine(lb.GRAPHS_AT_BATCH_BUILD)
    assert before != after
    assert ENGINE_PROFILES[before].batch_eager_launch_s == lb.EAGER_LAUNCH_S
    assert ENGINE_PROFILES[after].batch_eager_launch_s == 0.0
    assert ENGINE_PROFILES[fusion_engine(9000)].batch_eager_launch_s == 0.0
    # Same CUDA fusions on both sides of the split: only graph replay differs.
    assert ENGINE_PROFILES[before].node_kernels == ENGINE_PROFILES[after].node_kernels


@given(st.integers(1, 12000))
def test_every_build_profile_agrees_with_the_graph_rule(build: int) -> None:
    from llmsize.hardware.speed_profiles import ENGINE_PROFILES

    eager = ENGINE_PROFILES[fusion_engine(build)].batch_eager_launch_s > 0
    assert eager == (not lb.graphs_replayed(2, build))
