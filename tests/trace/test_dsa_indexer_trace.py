"""DeepSeek Sparse Attention's lightning indexer (deepseek_v32, glm_moe_dsa) against the trace.

The indexer scores every cached key in fp32 for each of its heads before the attention runs
(modeling_deepseek_v32.py DeepseekV32Indexer.forward); at a long prompt those [tokens, heads, keys] scores
are the prefill's largest tensors, and with more than one sequence torch.matmul also copies the broadcast
keys. Each model type's own transformers 5.23 default config (DeepSeek-V3.2's / GLM-5's widths), 4 layers
(a dense block and MoE blocks), bf16.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare


@pytest.mark.parametrize(
    ("model_type", "context", "batch"),
    [("deepseek_v32", 2048, 1), ("deepseek_v32", 1000, 2), ("glm_moe_dsa", 1000, 2)],
)
def test_dsa_prefill_peak_and_transient_within_3_percent(model_type: str, context: int, batch: int) -> None:
    from transformers import AutoConfig

    config = AutoConfig.for_model(model_type).to_dict()
    config.update(dtype="bfloat16")
    c = compare(config, Workload(context=context, batch=batch), name=model_type, num_layers=4)
    assert c.est_phase == c.trace_phase == "prefill"
    assert abs(c.peak_error) <= 0.03, f"estimated {c.est_peak:,} B, traced {c.trace_peak:,} B"
    est, traced = c.est_peak - c.est_weights, c.trace_peak - c.trace_params
    assert abs(est / traced - 1) <= 0.03, f"transient: estimated {est:,} B, traced {traced:,} B"
