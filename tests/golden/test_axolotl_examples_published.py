"""Axolotl's per-model examples against llmsize (bench/validate_training.py lists them all).

examples/<model>/README.md at axolotl 067b021c8 (July 2026) gives "This config uses about N GiB
VRAM" for the QLoRA config it launches: load_in_4bit, lora_r 32 on every linear layer,
sequence_len 2048 packed, micro_batch_size 2, adamw_bnb_8bit, lora_dropout 0.05, bf16, gradient
checkpointing, flash_attention_2 and the CutCrossEntropyPlugin. Axolotl's trainer logs max_memory_reserved as
`memory/device_reserved` (core/trainers/base.py) and the gpt-oss README names that log as the source
of its figures, so the reserved view is compared. None of these numbers set anything in the
estimator; the rule they check is read from axolotl's loader: after peft's
`prepare_model_for_kbit_training`, `ModelLoader._configure_embedding_dtypes` casts the norms, the
embeddings and the lm_head back to bf16 (src/axolotl/loaders/model.py), so no fp32 copies survive;
and peft's lora_dropout 0.05 is an nn.Dropout before every lora_A (peft lora/bnb.py
Linear4bit.forward): a dropped copy of the layer's input and its 1-byte mask, kept for backward.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.reserved_view import reserved_peak_bytes
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

GIB = 2**30
TOLERANCE = 0.10

AXOLOTL_QLORA = {
    "framework": "axolotl",
    "mode": "qlora",
    "lora_rank": 32,
    "lora_targets": ("all-linear",),
    "context": 2048,
    "batch": 2,
    "optimizer": "adamw-8bit",
    "attention": "flash",
    "gradient_checkpointing": True,
    "loss": "fused",
    "lora_dropout": 0.05,
}
ROWS = [
    # (model, published GiB: the README's "This config uses about N GiB VRAM")
    ("Apertus-8B", 8.7),  # examples/apertus/README.md
    ("Magistral-Small-2507", 19.1),  # examples/magistral/think/README.md
    ("Ministral-8B-Instruct-2410", 8.76),  # examples/ministral/README.md
]


@pytest.mark.parametrize(("model", "published_gib"), ROWS, ids=[r[0] for r in ROWS])
def test_axolotl_qlora_example_reserved_peak(model: str, published_gib: float) -> None:
    est = estimate(resolve(model), Workload(**AXOLOTL_QLORA))  # type: ignore[arg-type]
    reserved = reserved_peak_bytes(est.total_bytes - est.overhead_bytes)
    assert reserved / GIB == pytest.approx(published_gib, rel=TOLERANCE), f"{reserved / GIB:.2f} GiB"


def test_axolotl_qlora_keeps_no_fp32_casts() -> None:
    """Axolotl undoes peft's fp32 casts; transformers' own QLoRA recipe keeps them."""
    axolotl = Workload(**AXOLOTL_QLORA)  # type: ignore[arg-type]
    trainer = Workload(**{**AXOLOTL_QLORA, "framework": "trainer"})  # type: ignore[arg-type]
    assert recipe(axolotl).kbit_fp32 is False
    assert recipe(trainer).kbit_fp32 is True
    spec = resolve("Apertus-8B")
    # the fp32 embeddings, norms and untied head of Apertus-8B: 2 extra bytes each, in the trainer's weights
    assert estimate(spec, trainer).weights_bytes > estimate(spec, axolotl).weights_bytes


def test_axolotl_lora_dropout_brings_ministral_closer_to_its_published_reserved_peak() -> None:
    """examples/ministral/ministral-small-qlora.yaml sets lora_dropout 0.05; its README gives 8.76 GiB
    (max_memory_reserved). Without the dropout copies and masks the estimate sits further below it."""
    spec = resolve("Ministral-8B-Instruct-2410")
    published = 8.76 * GIB
    with_dropout = estimate(spec, Workload(**AXOLOTL_QLORA))  # type: ignore[arg-type]
    without = estimate(spec, Workload(**{**AXOLOTL_QLORA, "lora_dropout": 0.0}))  # type: ignore[arg-type]
    assert with_dropout.activations_bytes > without.activations_bytes
    err = [abs(reserved_peak_bytes(e.total_bytes - e.overhead_bytes) - published)
           for e in (with_dropout, without)]
    assert err[0] < err[1]
