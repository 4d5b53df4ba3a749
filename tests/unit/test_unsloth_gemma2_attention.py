"""unsloth_gemma2_attention.py: Unsloth's torch.compile'd softcapped attention (gemma2.py c100900)."""

from __future__ import annotations

import llmsize
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload


def _act(framework: str, context: int) -> int:
    spec = llmsize.resolve("gemma-2-9b")
    wl = Workload(
        mode="qlora", lora_rank=32, lora_targets=("all-linear",), attention="eager", framework=framework,
        loss="fused", context=context, batch=1, gradient_checkpointing=True, activation_offloading=False,
    )
    return estimate(spec, wl).activations_bytes


def test_compiled_attention_keeps_two_bf16_score_matrices_not_eagers_fp32_chain() -> None:
    """Per extra score element, eager keeps its bf16 tanh, fp32 softmax and bf16 probabilities and
    passes through fp32 transients; the compiled graph keeps the bf16 scores and probabilities."""
    spec = llmsize.resolve("gemma-2-9b")
    grow = {fw: _act(fw, 8192) - _act(fw, 4096) for fw in ("unsloth", "plain")}
    extra_scores = spec.num_attention_heads * (8192**2 - 4096**2)
    # at least eager's fp32 softmax output (4 B per score) is gone
    assert grow["plain"] - grow["unsloth"] >= 4 * extra_scores
    assert grow["unsloth"] >= 2 * 2 * extra_scores  # scores + probabilities, bf16


def test_other_models_keep_unsloths_usual_attention() -> None:
    """Only the softcapped (Gemma 2) attention takes gemma2_attention."""
    spec = llmsize.resolve("Llama-3.1-8B")
    base = Workload(mode="qlora", attention="eager", context=4096, batch=1, loss="fused")
    eager_unsloth = estimate(spec, base.model_copy(update={"framework": "unsloth"}))
    assert eager_unsloth.activations_bytes > 0
    assert not spec.attn_logit_softcapping
