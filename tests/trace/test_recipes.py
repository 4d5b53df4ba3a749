"""Training recipes, estimator vs trace: optimizer implementation, optimizer step in backward,
chunked and fused loss, framework presets (issue 14). Qwen2.5-0.5B with its real widths and
vocabulary, two blocks, 1k tokens x 2: the loss over a 152k vocabulary weighs as in the full model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare

Loader = Callable[[str], tuple[dict[str, Any], dict[str, Any]]]
TOLERANCE = 0.06

FULL: dict[str, Any] = {"mode": "full", "framework": "plain", "master_weights": False}
LORA: dict[str, Any] = {"mode": "lora", "lora_targets": ("all-linear",)}
CASES: list[tuple[str, dict[str, Any]]] = [
    ("fused-adamw", {**FULL, "optimizer": "adamw-fused"}),
    ("optimizer-in-backward", {**FULL, "optimizer_in_backward": True}),
    ("chunked-loss", {**FULL, "loss": "chunked"}),
    # transformers 4.46-4.48 ForCausalLMLoss: a contiguous fp32 copy of the shifted logits besides
    ("full-shifted-loss", {**FULL, "loss": "full-shifted"}),
    ("full-shifted-loss-lora", {**LORA, "framework": "plain", "loss": "full-shifted"}),
    # TRL's chunked_nll: 256-token chunks under torch.utils.checkpoint
    ("chunked-recompute-loss", {**FULL, "loss": "chunked-recompute"}),
    ("fused-loss", {**FULL, "loss": "fused"}),
    ("trl-lora", {**LORA, "framework": "trl"}),
    ("fused-loss-lora", {**LORA, "framework": "plain", "loss": "fused"}),
    ("torchtune-lora-bf16-adapters", {**LORA, "framework": "torchtune"}),
    # bf16 autocast (TRL's bf16=True default): LoRA branch and TRL's chunk matmul in bf16
    ("trl-full-autocast", {"mode": "full", "framework": "trl", "optimizer": "adamw-fused"}),
    ("trl-lora-autocast-no-checkpointing", {**LORA, "framework": "trl", "gradient_checkpointing": False}),
    # accelerate's convert_outputs_to_fp32 copies the returned logits
    ("llamafactory-lora-autocast-full-loss", {**LORA, "framework": "llamafactory", "loss": "full"}),
    # Unsloth's pre-CCE Fast_CrossEntropyLoss: bf16 logits kept, gradient written into them
    ("inplace-loss-lora-autocast", {**LORA, "framework": "llamafactory", "loss": "inplace"}),
    ("inplace-loss-full", {**FULL, "loss": "inplace"}),
    # peft lora_dropout above 0 (axolotl's example configs set 0.05): each wrapped layer keeps its
    # dropped input and a 1-byte mask; fused loss and no checkpointing so they weigh in the peak
    ("lora-dropout-autocast", {**LORA, "framework": "axolotl", "loss": "fused", "lora_dropout": 0.05,
                               "optimizer": "adamw-fused", "gradient_checkpointing": False}),
    ("lora-dropout-fp32-adapters", {**LORA, "framework": "plain", "loss": "fused", "lora_dropout": 0.05,
                                    "gradient_checkpointing": False}),
    ("lora-dropout-checkpointed", {**LORA, "framework": "axolotl", "loss": "fused", "lora_dropout": 0.05,
                                   "optimizer": "adamw-fused"}),
]


@pytest.mark.parametrize(("label", "kw"), CASES, ids=[c[0] for c in CASES])
def test_recipe_peak_matches_the_trace(catalog_config: Loader, label: str, kw: dict[str, Any]) -> None:
    config, dtype = catalog_config("Qwen2.5-0.5B")
    wl = Workload(context=1024, batch=2, **kw, **dtype)
    c = compare(config, wl, name="Qwen2.5-0.5B", num_layers=2)
    assert abs(c.peak_error) <= TOLERANCE, f"{label}: {100 * c.peak_error:+.2f}% at {c.where}"


def test_fused_adamw_needs_less_than_foreach(catalog_config: Loader) -> None:
    """torch's foreach AdamW allocates sqrt(exp_avg_sq) for every parameter; fused updates in place."""
    config, dtype = catalog_config("Qwen2.5-0.5B")
    peaks = {}
    for impl in ("adamw-foreach", "adamw-fused"):
        wl = Workload(context=256, batch=1, optimizer=impl, **FULL, **dtype)
        c = compare(config, wl, name="Qwen2.5-0.5B", num_layers=2)
        assert abs(c.phase_error("optimizer")) <= TOLERANCE
        peaks[impl] = c.trace_phases["optimizer"]
    assert peaks["adamw-fused"] < peaks["adamw-foreach"]
