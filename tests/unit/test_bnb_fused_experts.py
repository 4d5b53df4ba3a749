"""QLoRA via transformers >= 5 leaves stacked MoE experts unquantized (estimate/bnb_fused_experts.py):
bitsandbytes-foundation/bitsandbytes#1849, "these fused experts ... are silently skipped and stay full
precision"; Unsloth quantizes them itself (unslothai/unsloth-zoo#527)."""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve
from llmsize.units import GIB


def _weights(model: str, **kw: object) -> int:
    return estimate(resolve(model), Workload(mode="qlora", context=1024, **kw)).weights_bytes


def test_trainer_keeps_qwen3_moe_experts_float() -> None:
    # Qwen3-30B-A3B: 48 layers x 128 experts x 3 x 2048 x 768 = 28.99e9 expert parameters. Left
    # unquantized, peft's prepare_model_for_kbit_training casts them to fp32 (every bf16 parameter
    # that is not a Params4bit), so they alone take 4 bytes each.
    experts = 48 * 128 * 3 * 2048 * 768
    trainer = _weights("Qwen3-30B-A3B")
    assert trainer > 4 * experts
    est = estimate(resolve("Qwen3-30B-A3B"), Workload(mode="qlora", context=1024))
    assert any("bitsandbytes#1849" in a for a in est.assumptions)


def test_unsloth_and_old_transformers_quantize_them() -> None:
    unsloth = _weights("Qwen3-30B-A3B", framework="unsloth")
    assert unsloth < 20 * GIB  # 30.5B parameters in NF4, as Unsloth's notebooks load them
    # transformers 4.x built the experts from nn.Linear modules, which bitsandbytes converts
    old = _weights("Qwen3-30B-A3B", engine_version="4.48.0")
    assert old < 20 * GIB


def test_dense_models_are_unchanged() -> None:
    assert _weights("Qwen3-8B") == _weights("Qwen3-8B", engine_version="4.48.0")
