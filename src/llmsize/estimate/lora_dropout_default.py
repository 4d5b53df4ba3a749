"""The LoRA dropout each training framework uses when the user names none (--lora-dropout unset).

Dropout moves the number: above 0 every LoRA-wrapped layer keeps a dropped copy of its input and a
1-byte mask for backward (activations/walk.py `lora_dropout`), and Unsloth drops its fast LoRA
kernels. So `--framework trl --mode lora` is sized at the dropout `trl sft --use_peft` runs, and the
assumptions say which value was taken and from where. Each value names the code it comes from:

- trainer, plain: peft `LoraConfig.lora_dropout` defaults to 0.0 (src/peft/tuners/lora/config.py).
- trl: `ModelConfig.lora_dropout` defaults to 0.05 (trl/trainer/model_config.py at f2cd577), which
  `get_peft_config` (trl/trainer/utils.py) passes to the LoraConfig that `trl sft --use_peft` builds
  (the same default preflight/training_config.py reads for TRL configs).
- unsloth: `FastLlamaModel.get_peft_model(..., lora_dropout = 0.0, ...)` (unsloth/models/llama.py at
  015bdef); any other value logs "Dropout = 0 is supported for fast patching" (unsloth_kernels.py).
- torchtune: `lora_dropout: float = 0.0` in every builder (e.g. torchtune/models/llama3_1/
  _component_builders.py `lora_llama3_1`, at bd2a0fc) and `lora_dropout: 0.0` in every LoRA config under
  recipes/configs; `LoRALinear` is then an nn.Identity (torchtune/modules/peft/lora.py).
- axolotl: `lora_dropout: 0.05` in examples/llama-3/lora-8b.yml and qlora.yml (at 067b021c8), the
  example configs the axolotl preset models (frameworks.py; its schema default is 0.0,
  utils/schemas/peft.py, which `llmsize check` applies to a YAML that leaves it unset).
- llamafactory: `FinetuningArguments.lora_dropout` defaults to 0.0 (src/llamafactory/hparams/
  finetuning_args.py at ff6d4d1); its examples/train_lora and train_qlora configs leave it unset.
"""

from __future__ import annotations

from llmsize.estimate.workload import Framework

DEFAULT_LORA_DROPOUT: dict[Framework, tuple[float, str]] = {
    Framework.PLAIN: (0.0, "peft LoraConfig's default lora_dropout"),
    Framework.TRAINER: (0.0, "peft LoraConfig's default lora_dropout"),
    Framework.TRL: (0.05, "TRL ModelConfig's default lora_dropout"),
    Framework.UNSLOTH: (0.0, "Unsloth get_peft_model's default lora_dropout"),
    Framework.TORCHTUNE: (0.0, "torchtune's LoRA builders and configs"),
    Framework.AXOLOTL: (0.05, "axolotl's example configs' lora_dropout"),
    Framework.LLAMAFACTORY: (0.0, "LLaMA-Factory's default lora_dropout"),
}


def default_lora_dropout(framework: Framework | str | None) -> tuple[float, str]:
    """(dropout, where it comes from) for `framework`; None is the Trainer preset (frameworks.recipe)."""
    fw = Framework(framework) if framework is not None else Framework.TRAINER
    return DEFAULT_LORA_DROPOUT[fw]


# REFERENCE: unsloth/models/llama.py `FastLlamaModel.patch_peft_model` (commit 015bdef) swaps in
# apply_lora_mlp / apply_lora_qkv / apply_lora_o only `if lora_dropout == 0 and bias == "none"`;
# get_peft_model warns "Unsloth will patch all other layers, except LoRA matrices".
UNSLOTH_SLOW_LORA = (
    "Unsloth's fast LoRA kernels need lora_dropout 0 (patch_peft_model): the LoRA layers run peft's "
    "forward; its RMSNorm/RoPE kernels stay"
)


def dropout_note(framework: Framework | None, dropout: float) -> str:
    """One assumption line: the dropout, and its source when it is the framework's default."""
    default, source = default_lora_dropout(framework)
    said = f" ({source}; --lora-dropout to change)" if dropout == default else ""
    kept = " (a dropped copy of each wrapped layer's input and its mask kept for backward)" if dropout else ""
    slow = f"; {UNSLOTH_SLOW_LORA}" if dropout and framework is Framework.UNSLOTH else ""
    return f"LoRA dropout {dropout:g}{said}{kept}{slow}"
