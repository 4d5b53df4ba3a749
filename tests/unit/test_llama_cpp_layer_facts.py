"""The blocks llama.cpp's figures count, kept per model and placement (estimate/engines/
llama_cpp_layer_facts.py; issue 15), equal the block-by-block walk they replace, whatever placement or
model was asked before: a key that left out the stages or the spec would hand one placement's counts
to another.

The reference is the walk llama_cpp_figures.figures ran before: the blocks on the GPUs, those with a
K/V cache of their own (split by whether they attend through a window), those with a recurrent state.
Models mix the block kinds: sliding windows (Gemma 3), K/V-shared blocks (Gemma 3n), recurrent state
beside attention (Jamba, Qwen3.5), and full attention only (Llama 3.1).
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize import resolve
from llmsize.estimate.engines.llama_cpp_layer_facts import LayerFacts, layer_facts
from llmsize.estimate.placement import Stage
from llmsize.specs.models import ModelSpec

MODELS = ("Llama-3.1-8B-Instruct", "gemma-3-27b", "gemma-3n-E4B-it", "AI21-Jamba-Mini-1.7", "Qwen3.5-9B")


@cache
def _spec(name: str) -> ModelSpec:
    return resolve(name)


def _walked(spec: ModelSpec, stages: list[Stage]) -> LayerFacts:
    on_gpu = sorted({layer for st in stages for layer in st.layers})
    kv = [layer for layer in on_gpu if spec.has_kv(layer)]
    windows = [w for layer in kv if (w := spec.layer_window(layer)) is not None]
    return LayerFacts(
        on_gpu=tuple(on_gpu),
        kv_layers=sum(1 for layer in range(spec.num_layers) if spec.has_kv(layer)),
        state_layers=sum(1 for layer in on_gpu if spec.has_state(layer)),
        stage_states=tuple(sum(1 for layer in st.layers if spec.has_state(layer)) for st in stages),
        full=tuple(layer for layer in kv if spec.layer_window(layer) is None),
        swa=tuple(layer for layer in kv if spec.layer_window(layer) is not None),
        widest_window=max(windows) if windows else None,
    )


def _stages(n: int, cuts: list[int]) -> list[Stage]:
    """Blocks 0..n-1 split at `cuts` (a layer split over GPUs); the last stage holds the head."""
    edges = [0, *sorted({c for c in cuts if 0 < c < n}), n]
    return [Stage(i, tuple(range(a, b)), i == 0, b == n) for i, (a, b) in enumerate(pairwise(edges))]


@settings(max_examples=40, deadline=None)
@given(
    asks=st.lists(
        st.tuples(st.sampled_from(MODELS), st.lists(st.floats(0, 1), max_size=3), st.floats(0.1, 1)),
        min_size=2,
        max_size=5,
    )
)
def test_kept_facts_equal_the_walk_for_every_placement_asked_in_turn(
    asks: list[tuple[str, list[float], float]],
) -> None:
    for name, cuts, share in asks:
        spec = _spec(name)
        on_gpu = max(1, int(spec.num_layers * share))  # layers past on_gpu stay on the CPU
        stages = _stages(on_gpu, [int(c * on_gpu) for c in cuts])
        assert layer_facts(spec, stages) == _walked(spec, stages)


def test_placements_and_models_are_told_apart() -> None:
    gemma = _spec("gemma-3-27b")
    whole = _stages(gemma.num_layers, [])
    split = _stages(gemma.num_layers, [gemma.num_layers // 2])
    partial = _stages(7, [])
    facts = [layer_facts(gemma, s) for s in (whole, split, partial)]
    assert facts[0].stage_states == (0,) and facts[1].stage_states == (0, 0)
    assert len(facts[2].on_gpu) == 7 and facts[2] != facts[0]
    assert facts[0].swa and facts[0].full  # Gemma 3: five sliding blocks to one global (config.json)
    jamba = _spec("AI21-Jamba-Mini-1.7")
    same_blocks = _stages(jamba.num_layers, [])
    assert layer_facts(jamba, same_blocks) == _walked(jamba, same_blocks)
    # Jamba: one attention block in eight (attn_layer_period 8), the rest Mamba with a state
    assert layer_facts(jamba, same_blocks).state_layers == jamba.num_layers * 7 // 8
