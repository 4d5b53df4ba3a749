"""Round 9 of the catalog: models users ask about that were approximated from the name or unknown."""

from __future__ import annotations

import pytest

from llmsize.specs.params import total_params
from llmsize.specs.resolve import resolve


@pytest.mark.parametrize(
    ("name", "model_type", "layers", "kv_heads", "head_dim", "vocab"),
    [
        # vLLM 0.19.0 logs in llm-d-incubation/llm-d-planner PR #205 print head_size=128 / 64 / 256 / 80 / 128
        # and KV pools of 163,840 / 81,920 / 458,752 / 327,680 / 196,608 B a token (Available KV cache memory
        # over GPU KV cache size): 2 x layers x KV heads x head_dim x 2 B.
        ("ibm-granite/granite-3.1-8b-instruct", "granite", 40, 8, 128, 49155),
        ("granite-3.1-2b-instruct", "granite", 40, 8, 64, 49155),
        ("google/gemma-7b", "gemma", 28, 16, 256, 256000),
        ("microsoft/phi-2", "phi", 32, 32, 80, 51200),
        ("Qwen/Qwen1.5-MoE-A2.7B", "qwen2_moe", 24, 16, 128, 151936),
    ],
)
def test_models_of_the_planner_logs_are_exact_not_approximated(
    name: str, model_type: str, layers: int, kv_heads: int, head_dim: int, vocab: int
) -> None:
    """Before, granite-3.1-8b-instruct and gemma-7b were Llama/Granite-3.3 shapes scaled from the name's size
    (gemma-7b: a 6.94B Llama-3.1-8B shape, 131,072 positions) and phi-2 / Qwen1.5-MoE-A2.7B were unknown."""
    spec = resolve(name)
    assert not spec.approximate and spec.model_type == model_type
    shape = (spec.num_layers, spec.num_kv_heads, spec.head_dim, spec.vocab_size)
    assert shape == (layers, kv_heads, head_dim, vocab)


def test_qwen1_5_moe_counts_its_experts() -> None:
    """Qwen1.5-MoE-A2.7B: 14,315,784,192 in all (keras-hub's preset), '2.7B effect.' active."""
    spec = resolve("Qwen1.5-MoE-A2.7B-Chat")
    assert total_params(spec) == 14_315_784_192
    assert (spec.num_experts, spec.num_experts_per_tok, spec.num_shared_experts) == (60, 4, 1)


def test_lfm2_5_8b_a1b_is_the_conv_hybrid_not_a_qwen3_moe_shape() -> None:
    """Before, LFM2.5-8B-A1B was approximated as a Qwen3-MoE shape of 8B/1B: KV cache on every layer. The
    cited note's layer_types put attention (and so a KV cache) on 6 of 24 layers (2, 6, 10, 14, 18, 21)."""
    spec = resolve("LFM2.5-8B-A1B")
    assert not spec.approximate and spec.model_type == "lfm2_moe"
    attention = [i for i, kind in enumerate(spec.layer_types) if kind == "full_attention"]
    assert attention == [2, 6, 10, 14, 18, 21]
    assert spec.vocab_size == 128000 and spec.num_experts == 32
