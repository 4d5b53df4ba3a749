"""Unsloth's published largest contexts, per the release that ran them (held out: collected after the
rules were written; bench/validate_training.py writes them to docs/validation-training.md).

- "Llama 3.3 + ultra long context" (https://unsloth.ai/blog/llama3-3, December 2024), "Unsloth (Old)"
  column: Llama 3.3 70B, 4-bit QLoRA r32 on all linear layers, batch 1, sequences padded to the length:
  7,385 tokens on a 48 GB card, 48,447 on 80 GB; Llama 3.1 8B "up to 2,900 context lengths, up from
  1,500" on 8 GB. Before Apple's CCE, Unsloth's forward took its Triton cross-entropy on the bf16
  logits and returned them (`--loss inplace`, unsloth/kernels/cross_entropy_loss.py).
- "500K Context Length Fine-tuning" (https://docs.unsloth.ai/new/500k-context-length-fine-tuning):
  "gpt-oss-20b QLoRA (4bit) with 290K context possible on a H100" (80 GB) with the chunked fused loss,
  before Tiled MLP. Its 4-bit experts run as Unsloth's per-expert Linear4bit loop (unsloth_moe.py).

A run that fitted must be estimated at or under its card, and not far under: the next size tried did
not fit (the step is not published, hence the slack of test_training_published_more.py).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

GIB = 2**30
CARD_SLACK = 0.12
OLD = {
    "mode": "qlora",
    "lora_rank": 32,
    "lora_targets": ("all-linear",),
    "attention": "flash",
    "framework": "unsloth",
    "batch": 1,
    "loss": "inplace",
}


@pytest.mark.parametrize(
    ("model", "card", "context"),
    [
        ("Llama-3.3-70B-Instruct", 48, 7385),
        ("Llama-3.3-70B-Instruct", 80, 48447),
        ("Llama-3.1-8B-Instruct", 8, 1500),
    ],
)
def test_unsloth_before_cce_largest_context_fits_its_card(model: str, card: int, context: int) -> None:
    total = estimate(resolve(model), Workload(context=context, **OLD)).total_bytes / GIB
    assert card * (1 - CARD_SLACK) <= total <= card, f"{total:.2f} GiB on a {card} GB card"


def test_inplace_loss_keeps_the_bf16_logits_beside_the_fp32_copy() -> None:
    """At 48,447 tokens the pre-CCE peak is the loss: the bf16 logits the kernel keeps and accelerate's
    fp32 copy, 6 bytes per logit, are live at once; the fused loss holds neither."""
    spec = resolve("Llama-3.3-70B-Instruct")
    logits = 48447 * spec.vocab_size
    old = estimate(spec, Workload(context=48447, **OLD))
    assert old.activations_bytes >= 6 * logits
    fused = estimate(spec, Workload(context=48447, **{**OLD, "loss": "fused"}))
    assert fused.activations_bytes < 6 * logits


def test_gpt_oss_20b_qlora_290k_fits_an_80gb_h100() -> None:
    """290K is stated as reachable, not as the largest context tried: the card bounds the estimate
    from above; the loose lower bound only keeps it from collapsing."""
    wl = Workload(mode="qlora", framework="unsloth", attention="flash", context=290_000, batch=1)
    total = estimate(resolve("gpt-oss-20b"), wl).total_bytes / GIB
    assert 80 * (1 - 2 * CARD_SLACK) <= total <= 80, f"{total:.2f} GiB"


# The README's context table (https://github.com/unslothai/unsloth/blob/3d4f236155f144a295578b7a2ab47b1e149ab341/README.md,
# "Llama 3.1 (8B) max. context length" / "Llama 3.3 (70B) max. context length"), published with the
# December 2024 release (unsloth d9ed4be): QLoRA r32 on all linear layers, batch 1, CCE loss.
README_TABLE = [
    ("Llama-3.1-8B-Instruct", 8, 2_972),
    ("Llama-3.1-8B-Instruct", 12, 21_848),
    ("Llama-3.1-8B-Instruct", 16, 40_724),
    ("Llama-3.1-8B-Instruct", 24, 78_475),
    ("Llama-3.1-8B-Instruct", 40, 153_977),
    ("Llama-3.1-8B-Instruct", 48, 191_728),
    ("Llama-3.1-8B-Instruct", 80, 342_733),
    ("Llama-3.3-70B-Instruct", 48, 12_106),
    ("Llama-3.3-70B-Instruct", 80, 89_389),
]


@pytest.mark.parametrize(("model", "card", "context"), README_TABLE)
def test_readme_context_table_fits_its_card_with_the_2024_code(model: str, card: int, context: int) -> None:
    # --unsloth-2024: matmul_lora's output-sized temporary, per-layer RoPE caches (the 2025 code
    # left 12-20% of each card unexplained, the more the longer the context)
    wl = Workload(context=context, unsloth_2024=True, **{**OLD, "loss": "fused"})
    total = estimate(resolve(model), wl).total_bytes / GIB
    assert card * 0.9 <= total <= card, f"{total:.2f} GiB on a {card} GB card"
