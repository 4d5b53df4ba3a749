"""Prefill peaks where the MLP activation, the RoPE precision or the router dtype decide the peak.

Each config is the model type's own transformers 5.23 default cut to tiny widths, so that the
tensors in question dominate the transient: the MLP activation (ReLU² keeps its input, the relu
output and the square; gelu_new's tanh chain keeps four MLP-wide tensors), Ernie 4.5's fp32
apply_rotary_pos_emb, and the fp32 top-k weights of DeepSeek-V3-style routers (EXAONE MoE, Solar
Open), which make the weighted expert outputs fp32. Before these were modelled the batch-1 rows read
-12% (nanochat, arcee), -19% (phi), -25% (ernie4_5), -7% (exaone_moe) and -6% (solar_open).
Starcoder2's gelu_pytorch_tanh is one kernel (F.gelu(approximate="tanh")) and must stay put.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare

TOLERANCE = 0.03
TINY: dict[str, Any] = {
    "hidden_size": 256,
    "intermediate_size": 1024,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 64,
    "vocab_size": 1000,
    "max_position_embeddings": 4096,
    "dtype": "bfloat16",
}
TINY_MOE: dict[str, Any] = {**TINY, "moe_intermediate_size": 256, "num_experts": 8, "num_experts_per_tok": 4}

# (model_type, layers, overrides on the default config)
CASES: list[tuple[str, int, dict[str, Any]]] = [
    ("nanochat", 2, TINY),  # relu2
    ("arcee", 2, TINY),  # relu2
    ("phi", 2, {**TINY, "num_key_value_heads": 4}),  # gelu_new
    # fp32 RoPE: 16 query heads over a narrow MLP, so that q's fp32 rotation is the peak
    ("ernie4_5", 2, {**TINY, "num_attention_heads": 16, "num_key_value_heads": 4, "intermediate_size": 512}),
    ("exaone_moe", 2, {**TINY_MOE, "first_k_dense_replace": 1}),  # fp32 router, sigmoid top-k
    ("solar_open", 2, {**TINY_MOE, "num_local_experts": 8, "n_routed_experts": 8}),
    ("starcoder2", 2, TINY),  # gelu_pytorch_tanh: one kernel
    # the other multi-op activations of activations.py on the same ungated MLP
    ("arcee", 2, {**TINY, "hidden_act": "gelu_fast"}),  # GPT-NeoX-20B's: five MLP-wide tensors
    ("arcee", 2, {**TINY, "hidden_act": "quick_gelu"}),
]


@pytest.mark.parametrize(
    ("model_type", "layers", "over"),
    CASES,
    ids=[c[0] + "-" + c[2].get("hidden_act", "default") for c in CASES],
)
@pytest.mark.parametrize("batch", [1, 2])
def test_prefill_peak_within_3_percent(
    model_type: str, layers: int, over: dict[str, Any], batch: int
) -> None:
    from transformers import AutoConfig

    config = AutoConfig.for_model(model_type).to_dict()
    config.update(over)
    c = compare(config, Workload(context=512, batch=batch), name=model_type, num_layers=layers)
    assert c.est_phase == c.trace_phase == "prefill"
    # the weights are a small part of these totals: the transient must hold by itself too
    est, traced = c.est_peak - c.est_weights, c.trace_peak - c.trace_params
    assert abs(c.peak_error) <= TOLERANCE, f"peak {100 * c.peak_error:+.2f}% at {c.where}"
    assert abs(est / traced - 1) <= TOLERANCE, f"transient: estimated {est:,} B, traced {traced:,} B"
