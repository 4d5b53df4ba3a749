"""Weights and cache of every new layer kind, estimator vs the real transformers model, to the byte.

Each config is the model type's own transformers 5.23 default (`configuration_<type>.py`, which
describes the flagship checkpoint: Qwen3-Next-80B-A3B's widths, Nemotron-H's Mamba-2 sizes, ...),
cut to the fewest layers that still hold every kind of block it has. The cache is read from the
object `generate` returns: K/V, DSA indexer keys, and the conv and recurrent states of linear
attention, Mamba and short-conv layers (`cache_utils.LinearAttentionLayer`), after the prompt and
at the full context.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare

# (model_type, layers, overrides the default config needs to be a real one)
KINDS: list[tuple[str, int, dict[str, Any]]] = [
    ("qwen3_next", 4, {}),  # gated delta-net + gated attention, MoE with gated shared expert
    ("qwen3_5", 4, {}),  # split delta-net projections, Qwen3-VL vision tower
    ("nemotron_h", 4, {}),  # Mamba-2 / attention / MLP / MoE blocks, fp32 SSM state
    ("falcon_h1", 2, {}),  # attention and Mamba-2 side by side
    ("jamba", 8, {}),  # Mamba-1 + attention every 8th block, MoE every 2nd
    ("lfm2", 4, {}),  # short convolutions
    ("kimi_linear", 5, {}),  # Kimi delta attention + MLA
    ("deepseek_v32", 4, {}),  # MLA + DSA indexer cache
    ("olmo3", 4, {}),  # post-norms, sliding windows
    ("glm4_moe", 2, {"head_dim": 128}),  # GLM-4.5's head_dim (the default leaves it to hidden/heads)
]


@pytest.mark.parametrize(("model_type", "layers", "over"), KINDS, ids=[k[0] for k in KINDS])
def test_new_kinds_weights_and_cache_equal_the_model(
    model_type: str, layers: int, over: dict[str, Any]
) -> None:
    from transformers import AutoConfig

    config = AutoConfig.for_model(model_type).to_dict()
    config.update(over, dtype="bfloat16")
    c = compare(config, Workload(context=40, prompt_tokens=24, batch=2), name=model_type, num_layers=layers)
    assert c.est_weights == c.trace_params, (
        f"weights: estimated {c.est_weights:,} B, model {c.trace_params:,} B"
    )
    assert c.est_kv_prefill == c.trace_kv_prefill, (
        f"cache after the prompt: estimated {c.est_kv_prefill:,} B, model {c.trace_kv_prefill:,} B"
    )
    assert c.est_kv_full == c.trace_kv_full, (
        f"cache at the full context: estimated {c.est_kv_full:,} B, model {c.trace_kv_full:,} B"
    )
