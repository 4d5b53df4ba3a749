"""QLoRA through transformers >= 5 leaves a MoE model's routed experts unquantized.

transformers' bitsandbytes integration (integrations/bitsandbytes.py `replace_with_bnb_linear`) swaps
`nn.Linear` modules for `Linear4bit` / `Linear8bitLt`. Since transformers 5 the routed experts of a MoE
model are stacked 3-D `nn.Parameter`s (`Qwen3MoeExperts.gate_up_proj`, `MixtralExperts`,
`GptOssExperts`; adapters.is_linear_module), not `nn.Linear`s, so the conversion passes them over and
they stay in the compute dtype: "these fused experts - the dominant share of an MoE's weights - are
silently skipped and stay full precision" (bitsandbytes-foundation/bitsandbytes#1849, open;
#1965 proposes an `Experts4bit`, not merged). Every framework that loads the model with
`from_pretrained(quantization_config=BitsAndBytesConfig(...))` inherits it: Trainer, TRL, axolotl,
LLaMA-Factory, a plain loop. Unsloth converts the expert parameters to `Params4bit` itself
(unslothai/unsloth-zoo#527, "Add Bnb4bit support for MoE models on transformers v5", merged), and
torchtune builds its own modules (torchao NF4), so both keep the experts in 4 bits.

Issue 15 (newcomer audit of training): `estimate Qwen3-30B-A3B --mode qlora` sized 30B parameters in
NF4 (~16 GiB) where the Trainer run holds its ~29B expert parameters in bf16.
"""

from __future__ import annotations

from llmsize.estimate.engines.server_releases import TRANSFORMERS_5, release
from llmsize.estimate.workload import Framework, Workload
from llmsize.specs.models import ModelSpec

# The module paths of the routed experts in transformers trees (skip_match.group_paths: "mlp.experts",
# "block_sparse_moe.experts", "feed_forward.experts"); "shared_experts" does not match (no dot before).
EXPERTS_PATTERN = r"re:.*\.experts\."
# Frameworks that quantize the stacked experts themselves (see the module docstring).
QUANTIZE_FUSED_EXPERTS = frozenset({Framework.UNSLOTH, Framework.TORCHTUNE})


def experts_stay_float(spec: ModelSpec, wl: Workload) -> bool:
    """Whether bitsandbytes quantization on load leaves this model's routed experts in the float dtype:
    transformers 5 and later (a training run's --engine-version is its transformers release; before 5
    the experts were nn.Linear modules, converted like the rest)."""
    if not (spec.is_moe and spec.num_experts > 1):
        return False
    if (wl.framework or Framework.TRAINER) in QUANTIZE_FUSED_EXPERTS:
        return False
    found = release(wl.engine_version, "transformers", "4.48.0")
    return found is None or found >= TRANSFORMERS_5


NOTE = ("the routed experts are not quantized: transformers >= 5 stacks them as 3-D parameters, which "
        "bitsandbytes' nn.Linear conversion passes over (bitsandbytes#1849); Unsloth quantizes them "
        "(--framework unsloth)")
# Why such a QLoRA needs more than a LoRA of the same model (issue 15, round 19, where it read as a bug):
# peft's prepare_model_for_kbit_training (src/peft/utils/other.py) casts every fp16/bf16 parameter whose
# class is not Params4bit to fp32, and the stacked experts are plain nn.Parameters, so they go from 2 to 4
# bytes a parameter; a LoRA run loads them in bf16 and calls no such cast.
MORE_THAN_LORA = (" (every bf16 parameter that is not Params4bit: peft utils/other.py), so this QLoRA holds "
                  "more than a bf16 LoRA of the same model (--mode lora)")
INFERENCE_NOTE = ("the routed experts are not quantized: transformers >= 5 stacks them as 3-D parameters, "
                  "which bitsandbytes' nn.Linear conversion passes over (bitsandbytes#1849); vLLM's "
                  "bitsandbytes MoE method quantizes them (--engine vllm)")
