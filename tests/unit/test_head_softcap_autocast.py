"""Gemma 2's final logit softcap on the QLoRA autocast head (activations/model.py `_head`).

transformers 4.42 modeling_gemma2.py `Gemma2ForCausalLM.forward` divides the head's logits by
final_logit_softcapping, takes tanh (whose output autograd keeps) and multiplies back, whatever
dtype the head returned: under peft's kbit preparation the fp32 head runs under autocast and
returns bf16 logits, and those are softcapped too.
"""

from __future__ import annotations

import llmsize
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload

GIB = 2**30


def _hf_qlora(context: int) -> Workload:
    return Workload(
        mode="qlora", lora_rank=32, lora_targets=("all-linear",), attention="eager", framework="trainer",
        loss="full-shifted", context=context, batch=1, gradient_checkpointing=True,
    )


def test_autocast_head_keeps_the_softcaps_bf16_tanh_output() -> None:
    spec = llmsize.resolve("gemma-2-9b")
    assert spec.final_logit_softcapping
    uncapped = spec.model_copy(update={"final_logit_softcapping": None})
    wl = _hf_qlora(2600)
    extra = estimate(spec, wl).activations_bytes - estimate(uncapped, wl).activations_bytes
    assert extra >= 2600 * spec.vocab_size * 2  # tanh's bf16 output, kept for backward at the loss


def test_hf_fa2_gemma2_9b_fills_a_24gb_card_at_2600_tokens() -> None:
    """unsloth.ai/blog/gemma2 (July 2024): "Unsloth can do 11K context lengths on a 24GB card for the
    9b model, whilst HF+FA2 fits 2.6K lengths" (QLoRA r32 on all linear layers, batch 1)."""
    total = estimate(llmsize.resolve("gemma-2-9b"), _hf_qlora(2600)).total_bytes
    assert 0.9 * 24 * GIB <= total <= 24 * GIB


def test_unsloths_inplace_loss_softcaps_inside_its_kernel() -> None:
    """unsloth/kernels/cross_entropy_loss.py applies Gemma 2's cap inside the Triton loss
    (DO_SOFTCAPPING): no tanh copy of the logits, in 16-bit LoRA as in QLoRA."""
    spec = llmsize.resolve("gemma-2-9b")
    uncapped = spec.model_copy(update={"final_logit_softcapping": None})
    for mode in ("lora", "qlora"):
        wl = Workload(
            mode=mode, lora_rank=32, lora_targets=("all-linear",), attention="eager", framework="unsloth",
            loss="inplace", context=4096, batch=1,
        )
        assert estimate(spec, wl).activations_bytes == estimate(uncapped, wl).activations_bytes
