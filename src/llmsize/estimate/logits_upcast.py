"""Whether a transformers release's causal-LM forward upcasts the logits to fp32 itself.

Up to transformers 4.45, `LlamaForCausalLM.forward` (and most other `*ForCausalLM` classes,
models/*/modeling_*.py) ran `logits = logits.float()` right after the lm_head: the fp32 copy is the
tensor the model returns and the loss (4.40: `shift_logits = logits[..., :-1, :].contiguous()`,
then `CrossEntropyLoss`) works on; the 16-bit logits are freed as soon as the copy exists (`.float()`'s
backward keeps nothing, and a frozen head keeps its input, not its output). accelerate's
`convert_outputs_to_fp32` (utils/operations.py) then finds fp32 logits and copies nothing. PR #33902
("Remove `logits.float()`", merged 2024-10, first released in 4.46; issue #30860 measured the
doubled logits) dropped the upcast, and the loss functions (loss/loss_utils.py `ForCausalLMLoss`)
upcast instead, beside the bf16 logits the model returns: what llmsize models for 4.46 and later.
REFERENCE: https://github.com/huggingface/transformers/pull/33902,
https://github.com/huggingface/transformers/issues/30860.

A training run's `--engine-version` is its transformers release (as bnb_fused_experts.py reads it).
torchtune and Unsloth run their own model forward (torchtune `TransformerDecoder`, Unsloth's
`CausalLM_fast_forward`), so the rule is for the frameworks that run transformers' modeling code.
"""

from __future__ import annotations

from llmsize.estimate.engines.server_releases import release
from llmsize.estimate.workload import Framework, Workload

# REFERENCE: transformers PR #33902, first in the v4.46.0 release notes ("Remove logits.float()").
FIRST_WITHOUT_UPCAST = (4, 46)
# Frameworks whose model forward is transformers' `*ForCausalLM.forward`.
TRANSFORMERS_FORWARD = frozenset(
    {Framework.PLAIN, Framework.TRAINER, Framework.TRL, Framework.AXOLOTL, Framework.LLAMAFACTORY}
)


def model_upcasts_logits(wl: Workload) -> bool:
    """True when the run's transformers release (before 4.46) returns fp32 logits from the forward."""
    if (wl.framework or Framework.TRAINER) not in TRANSFORMERS_FORWARD:
        return False
    found = release(wl.engine_version, "transformers", "4.40.0")
    return found is not None and found < FIRST_WITHOUT_UPCAST


NOTE = ("transformers < 4.46: the model's forward returns `logits.float()`, the 16-bit logits freed "
        "(PR #33902 removed the upcast in 4.46; logits_upcast.py)")
