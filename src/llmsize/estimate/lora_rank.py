"""The LoRA rank each training framework uses when the user names none.

A newcomer who types `--framework llamafactory --mode lora` gets the run LLaMA-Factory would start,
so the rank is the framework's own default, not one number for all (issue 15: every framework was
sized at r=16, and the report never said so). Each value names the file it comes from:

- trainer, plain: peft `LoraConfig.r` defaults to 8 (src/peft/tuners/lora/config.py,
  `r: int = field(default=8, metadata={"help": "Lora attention dimension"})`).
- trl: `ModelConfig.lora_r` defaults to 16 (trl/trainer/model_config.py), what `trl sft --use_peft`
  builds its LoraConfig from (the same default preflight/training_config.py reads for TRL configs).
- unsloth: `FastLanguageModel.get_peft_model(model, r = 16, ...)` (unsloth/models/llama.py).
- torchtune: `lora_rank: 8` in recipes/configs/llama3_1/8B_lora_single_device.yaml (commit 2943c61)
  and 8B_qlora_single_device.yaml (commit 0b3e04a).
- axolotl: `lora_r: 32` in examples/llama-3/qlora.yml (commit 20d0427), the example configs the
  axolotl preset models (frameworks.py).
- llamafactory: `FinetuningArguments.lora_rank` defaults to 8 (src/llamafactory/hparams/
  finetuning_args.py; preflight/training_config.py reads the same default).
"""

from __future__ import annotations

from llmsize.estimate.workload import Framework

DEFAULT_LORA_RANK: dict[Framework, tuple[int, str]] = {
    Framework.PLAIN: (8, "peft LoraConfig's default r"),
    Framework.TRAINER: (8, "peft LoraConfig's default r"),
    Framework.TRL: (16, "TRL ModelConfig's default lora_r"),
    Framework.UNSLOTH: (16, "Unsloth get_peft_model's default r"),
    Framework.TORCHTUNE: (8, "torchtune's Llama 3.1 8B LoRA/QLoRA configs"),
    Framework.AXOLOTL: (32, "axolotl's example configs' lora_r"),
    Framework.LLAMAFACTORY: (8, "LLaMA-Factory's default lora_rank"),
}


def default_lora_rank(framework: Framework | str | None) -> tuple[int, str]:
    """(rank, where it comes from) for `framework`; None is the Trainer preset (frameworks.recipe)."""
    fw = Framework(framework) if framework is not None else Framework.TRAINER
    return DEFAULT_LORA_RANK[fw]


def rank_note(framework: Framework | None, rank: int) -> str:
    """One assumption line: the rank, and its source when it is the framework's default."""
    default, source = default_lora_rank(framework)
    said = f" ({source}; --lora-rank to change)" if rank == default else ""
    return f"LoRA rank r={rank}{said}"
