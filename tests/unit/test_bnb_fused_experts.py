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


def _inference_weights(model: str, **kw: object) -> int:
    return estimate(resolve(model), Workload(context=1024, **kw)).weights_bytes


def test_inference_through_transformers_keeps_the_experts_in_bf16() -> None:
    # Issue 15, round 8: `--quant bnb-nf4 --engine transformers` sized every expert in 4 bits (15.6 GiB for
    # Qwen3-30B-A3B). transformers 5.23 integrations/bitsandbytes.py replace_with_bnb_linear converts only
    # `type(module) is nn.Linear` (and Conv1D); Qwen3MoeExperts.gate_up_proj/down_proj are nn.Parameters.
    # Expert parameters from the published config.json (48 layers x 128 experts x 3 x 2048 x 768) in bf16:
    experts = 48 * 128 * 3 * 2048 * 768
    for quant in ("bnb-nf4", "bnb-int8"):
        weights = _inference_weights("Qwen3-30B-A3B", quant=quant, engine="transformers")
        assert 2 * experts < weights < 2 * experts + 3 * GIB, quant
    est = estimate(resolve("Qwen3-30B-A3B"), Workload(context=1024, quant="bnb-nf4"))
    assert any("bitsandbytes#1849" in a for a in est.assumptions)
    # Mixtral-8x7B (config.json: 32 layers x 8 experts x 3 x 4096 x 14336), the same loader
    mixtral = 32 * 8 * 3 * 4096 * 14336
    assert _inference_weights("Mixtral-8x7B-v0.1", quant="bnb-nf4", engine="transformers") > 2 * mixtral


def test_vllm_and_transformers_4_quantize_the_experts_for_inference() -> None:
    # vLLM model_executor/layers/quantization/bitsandbytes.py BitsAndBytesMoEMethod quantizes the fused
    # experts; transformers 4.x built them from nn.Linear modules
    assert _inference_weights("Qwen3-30B-A3B", quant="bnb-nf4", engine="vllm") < 20 * GIB
    assert _inference_weights("Qwen3-30B-A3B", quant="bnb-nf4", engine_version="4.48.0") < 20 * GIB


def test_explicit_bnb_quant_in_qlora_is_the_same_run() -> None:
    # `--mode qlora --quant bnb-nf4` loads exactly as `--mode qlora` does; it skipped the expert rule
    assert _weights("Qwen3-30B-A3B", quant="bnb-nf4") == _weights("Qwen3-30B-A3B")


def test_the_weights_rule_names_the_experts_it_keeps() -> None:
    from llmsize.estimate.explain import weights_formula
    from llmsize.estimate.weights import effective_format

    spec = resolve("Mixtral-8x7B-v0.1")
    fmt, _ = effective_format(spec, Workload(context=1024, quant="bnb-nf4"))
    assert "routed experts in bf16" in weights_formula(fmt)
    fmt, _ = effective_format(spec, Workload(context=1024, quant="bnb-nf4", engine="vllm"))
    assert "routed experts" not in weights_formula(fmt)
