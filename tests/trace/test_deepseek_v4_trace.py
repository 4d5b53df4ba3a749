"""DeepSeek V4 against the real transformers 5.23 model (modeling_deepseek_v4.py), traced.

Configs: transformers' own default (`DeepseekV4Config()`, DeepSeek-V4-Flash's widths: hidden 4096,
64 heads of 512, 256 experts, CSA rate 4 / HCA rate 128, window 128) and the catalog's
DeepSeek-V4-Flash and -Pro config.json, cut to the layers shown (a cut keeps the published
compress_ratios pattern: sliding-only, CSA and HCA blocks, hash-routed and top-k routed MoE). The
model is loaded as `from_pretrained` loads it: `_keep_in_fp32_modules_strict` keeps the norms,
hyper-connections, sinks and position biases in fp32 (the tracer does for deepseek_v4,
measure/build_model.py PRETRAINED_DTYPE_TYPES).

The cache is read from the object `generate` returns (DeepseekV4HCACache / DeepseekV4CSACache: the
shared key/value window, `compressed_kv`, the `buffer_kv` / `buffer_gate` views and CSA's overlap
state), after the prompt and at the full context.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare
from llmsize.specs import catalog


def _config(source: str) -> dict[str, Any]:
    if source == "default":
        from transformers import AutoConfig

        config: dict[str, Any] = AutoConfig.for_model("deepseek_v4").to_dict()
        config.update(dtype="bfloat16")
        return config
    entry = catalog.get(source)
    assert entry is not None
    # from_config builds the declared dtype without the checkpoint's FP8/FP4 quantization
    return {k: v for k, v in entry.model.config.items() if k != "quantization_config"}


# (config, layers, context, prompt, batch): windows closing in the prompt and while decoding, the
# pending projections of an unfinished window, a prompt shorter than the CSA rate, and two sequences.
CACHE_ROWS: list[tuple[str, int, int, int, int]] = [
    ("default", 4, 40, 24, 2),
    ("DeepSeek-V4-Flash", 5, 200, 130, 2),
    ("DeepSeek-V4-Pro", 4, 140, 3, 1),
]


@pytest.mark.parametrize(
    ("source", "layers", "context", "prompt", "batch"),
    CACHE_ROWS,
    ids=[f"{r[0]}-L{r[1]}-ctx{r[2]}-p{r[3]}-b{r[4]}" for r in CACHE_ROWS],
)
def test_weights_and_pooled_cache_equal_the_model(
    source: str, layers: int, context: int, prompt: int, batch: int
) -> None:
    wl = Workload(context=context, prompt_tokens=prompt, batch=batch)
    c = compare(_config(source), wl, name=source, num_layers=layers)
    assert c.est_weights == c.trace_params, (
        f"weights: estimated {c.est_weights:,} B, model {c.trace_params:,} B"
    )
    assert c.est_kv_prefill == c.trace_kv_prefill, (
        f"cache after the prompt: estimated {c.est_kv_prefill:,} B, model {c.trace_kv_prefill:,} B"
    )
    assert c.est_kv_full == c.trace_kv_full, (
        f"cache at the full context: estimated {c.est_kv_full:,} B, model {c.trace_kv_full:,} B"
    )


# Inference peaks: the eager attention with its fp32 sink logits over window + pooled keys, the
# indexer's [tokens, heads, entries] scores, the hyper-connection streams, the grouped MoE. The
# weights dominate these totals, so the transient plus the cache alone is held to 3% too.
PEAK_TOLERANCE = 0.03
PEAK_ROWS: list[tuple[str, int, int, int | None, int]] = [
    ("default", 4, 1000, None, 1),
    ("default", 4, 200, None, 2),
    ("default", 6, 520, 300, 2),
    ("default", 4, 2048, 100, 1),
    ("DeepSeek-V4-Flash", 5, 600, None, 1),
]


@pytest.mark.parametrize(
    ("source", "layers", "context", "prompt", "batch"),
    PEAK_ROWS,
    ids=[f"{r[0]}-L{r[1]}-ctx{r[2]}-p{r[3] or r[2]}-b{r[4]}" for r in PEAK_ROWS],
)
def test_inference_peak_within_3_percent(
    source: str, layers: int, context: int, prompt: int | None, batch: int
) -> None:
    wl = Workload(context=context, prompt_tokens=prompt, batch=batch)
    c = compare(_config(source), wl, name=source, num_layers=layers)
    assert c.est_phase == c.trace_phase
    assert abs(c.peak_error) <= PEAK_TOLERANCE, f"{100 * c.peak_error:+.2f}% at {c.where}"
    for phase in c.trace_phases:
        est, traced = c.est_phases[phase] - c.est_weights, c.trace_phases[phase] - c.trace_params
        assert abs(est / traced - 1) <= PEAK_TOLERANCE, (
            f"{phase} beyond the weights: {est:,} B vs {traced:,} B"
        )


# Full fine-tuning (pure bf16 AdamW, no recomputation): what autograd keeps of each block (the fp32
# sink-attention probabilities, the hyper-connection mixes, the clamped SwiGLU), the indexer
# getting no gradient. peft 0.21 cannot wrap V4's grouped o_a_proj (it treats the
# DeepseekV4GroupedLinear as a plain Linear and the forward fails), so LoRA is not traced.
TRAIN_TOLERANCE = 0.05


def test_full_training_peak_within_5_percent() -> None:
    wl = Workload(mode="full", context=512, master_weights=False)
    c = compare(_config("default"), wl, name="deepseek_v4", num_layers=4)
    assert abs(c.peak_error) <= TRAIN_TOLERANCE, f"{100 * c.peak_error:+.2f}% at {c.where}"
    for phase in ("forward", "backward", "optimizer"):
        assert abs(c.phase_error(phase)) <= TRAIN_TOLERANCE, f"{phase}: {100 * c.phase_error(phase):+.2f}%"
    # the weights and AdamW states dominate the totals; what the forward keeps must hold too
    est = c.est_phases["forward"] - c.est_weights - c.est_optimizer
    traced = c.trace_phases["forward"] - c.trace_params - c.trace_optimizer
    assert abs(est / traced - 1) <= TRAIN_TOLERANCE, f"forward activations: {est:,} B vs {traced:,} B"


def test_unit_test_config_counts_like_the_model() -> None:
    """The small config of tests/unit/test_deepseek_v4.py (CSA rate 4, HCA rate 8, two streams, a
    hash-routed block) built by transformers on the meta device: parameters plus persistent buffers
    (tid2eid, e_score_correction_bias) equal llmsize's count."""
    import sys
    from pathlib import Path

    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
    from test_deepseek_v4 import spec, v4

    from llmsize.specs.params import total_params

    cfg = {k: v for k, v in v4().items() if k not in ("architectures", "dtype")}
    config = AutoConfig.for_model(cfg.pop("model_type"), **cfg)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config)
    buffers = sum(
        b.numel()
        for m in model.modules()
        for name, b in m.named_buffers(recurse=False)
        if name not in getattr(m, "_non_persistent_buffers_set", set())
    )
    assert sum(p.numel() for p in model.parameters()) + buffers == total_params(spec(v4()))
