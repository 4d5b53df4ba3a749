"""Training frameworks: the defaults each one applies to the options a user leaves unset.

A framework is a row of defaults, nothing more: the memory model (phases, activations, training)
reads the resolved `Recipe`, never the framework's name. Each default names the file it comes
from, at the version modelled:

- plain: a hand-written PyTorch loop — torch AdamW as torch picks it for CUDA tensors (foreach,
  torch/optim/optimizer.py `_default_to_fused_or_foreach`), transformers' `ForCausalLMLoss` over
  all logits, no recomputation. The loop the tracer runs by default (measure/trace_training.py).
- trainer: transformers 5.23 `Trainer`: `TrainingArguments.optim` defaults to
  `adamw_torch_fused` (training_args.py), `gradient_checkpointing=False`; LoRA/QLoRA runs prepare
  the model with peft's `prepare_model_for_kbit_training(use_gradient_checkpointing=True)`, so
  adapters are assumed checkpointed (issue 15: every QLoRA recipe enables it); that call also casts
  the embeddings, norms and lm_head to fp32 (kbit_upcast.py; TRL made it too before 0.26; Axolotl
  makes it and casts them back to bf16, see `_kbit_fp32`).
- trl: TRL 1.x `SFTConfig` (trl/trainer/sft_config.py, commit 016013e): `gradient_checkpointing`
  defaults to True, `bf16` to True, `loss_type` to `chunked_nll`: sft_trainer.py
  `_chunked_cross_entropy_loss` gathers the valid tokens and runs the lm_head and cross-entropy on
  256 of them at a time, each chunk under `torch.utils.checkpoint` (loss_walk.py); the optimizer
  is Trainer's. Since TRL 0.26 (PR #4577, "Clean up model preparation") SFTTrainer no longer calls
  peft's `prepare_model_for_kbit_training`: a QLoRA model keeps its bf16 embeddings, norms and
  head, and `SFTTrainer.__init__` casts the trainable (adapter) parameters to bf16; LoRA adapters
  on a bf16 model stay fp32 (peft's `autocast_adapter_dtype`) except under ZeRO-3, where TRL
  passes `autocast_adapter_dtype=False`.
- bf16 autocast: `bf16=True` makes transformers' Trainer set accelerate's `mixed_precision="bf16"`
  (training_args.py), and `Accelerator.prepare_model` wraps `model.forward` in
  `torch.autocast(bfloat16)` and `convert_outputs_to_fp32` (accelerator.py): peft's LoRA branch
  then runs lora_A/lora_B in bf16 on a bf16 copy of its fp32-cast input (kbit_upcast.autocast_lora)
  and the returned logits are copied to fp32. TRL defaults to bf16, Axolotl's and LLaMA-Factory's
  examples set it (`bf16: auto` / `bf16: true`), Unsloth's notebooks pass `bf16=is_bf16_supported()`;
  `TrainingArguments.bf16` itself defaults to False, so the Trainer preset runs without autocast.
- unsloth: Unsloth 2025.x: `use_gradient_checkpointing="unsloth"` offloads each checkpointed
  layer input to host RAM (unsloth_zoo gradient_checkpointing.py), the loss is its fused linear
  cross-entropy (unsloth_zoo fused_losses), and its notebooks train with `optim="adamw_8bit"`.
  Before Apple's CCE (December 2024) its loss was the Triton cross-entropy on bf16 logits:
  `--loss inplace` (loss_walk.py). A 4-bit gpt-oss's experts run as Unsloth's per-expert loop
  (unsloth_moe.py).
- torchtune: torchtune 0.6 (recipes/configs/llama3_1/8B_{full,lora,qlora}_single_device.yaml at
  commit bd2a0fc): activation checkpointing on, `LinearCrossEntropyLoss` with 8 chunks; full
  fine-tuning on one device uses `bitsandbytes.optim.PagedAdamW8bit` with `optimizer_in_bwd: True`;
  LoRA/QLoRA use `torch.optim.AdamW(fused=True)`; LoRA weights in the model dtype.
- axolotl: axolotl 0.9 example configs (examples/llama-3/lora-8b.yml, qlora.yml):
  `gradient_checkpointing: true` on the transformers Trainer; `optimizer: adamw_bnb_8bit` (LoRA) and
  `paged_adamw_32bit` (QLoRA); full fine-tuning keeps Trainer's default.
- llamafactory: LLaMA-Factory 0.9 `ModelArguments.disable_gradient_checkpointing=False`
  (hparams/model_args.py): checkpointing is on unless disabled; otherwise Trainer's defaults.

The LoRA rank and dropout a framework applies when unset live beside it (lora_rank.py,
lora_dropout_default.py: TRL's ModelConfig and axolotl's examples train at lora_dropout 0.05).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.estimate import logits_upcast
from llmsize.estimate.workload import Framework, Loss, Mode, Objective, Optimizer, Workload

# REFERENCE: torchtune LinearCrossEntropyLoss(num_output_chunks=8) (modules/loss/cross_entropy_loss.py).
DEFAULT_LOSS_CHUNKS = 8
# Frameworks whose (example) configs train with bf16=True, i.e. under accelerate's autocast.
AUTOCAST_FRAMEWORKS = frozenset({Framework.TRL, Framework.AXOLOTL, Framework.LLAMAFACTORY, Framework.UNSLOTH})

# Frameworks whose 4-bit base weights are torchao `NF4Tensor`s, not bitsandbytes `Params4bit`s
# (torchtune modules/peft/lora.py `to_nf4`): the subclass's `fsdp_pre_all_gather` (torchao
# dtypes/nf4tensor.py) shards and gathers its scalers with the packed data, so no quant state stays
# whole on each rank (bnb_sharding.py).
TORCHAO_NF4_FRAMEWORKS = frozenset({Framework.TORCHTUNE})

VERSIONS: dict[Framework, str] = {
    Framework.PLAIN: "a plain PyTorch 2.13 loop",
    Framework.TRAINER: "transformers 5.23 Trainer",
    Framework.TRL: "TRL 1.x SFTTrainer",
    Framework.UNSLOTH: "Unsloth 2025.x",
    Framework.TORCHTUNE: "torchtune 0.6 single-device recipes",
    Framework.AXOLOTL: "axolotl 0.9 example configs",
    Framework.LLAMAFACTORY: "LLaMA-Factory 0.9",
}


@dataclass(frozen=True)
class Recipe:
    """The concrete training settings after the framework's defaults filled the gaps."""

    framework: Framework
    optimizer: Optimizer
    gradient_checkpointing: bool
    loss: Loss
    loss_chunks: int
    optimizer_in_backward: bool
    activation_offloading: bool
    adapter_bytes: int  # bytes per LoRA parameter: peft keeps fp32, torchtune the model dtype
    master_weights: bool  # default fp32 master copy for full training in fp16/bf16
    defaults: tuple[str, ...]  # the settings taken from the framework, for the assumptions
    fast_kernels: bool = False  # Unsloth's LoRA, MLP, RMSNorm and RoPE kernels
    logits_fp32: bool = False  # the model returns fp32 logits (torchtune's full loss; transformers < 4.46)
    compiled_loss: bool = False  # --compile reaches the loss (not torchtune's full-FT plain CE)
    unsloth_checkpointing: bool = False  # Unsloth's own checkpoint Function (see activations/candidates.py)
    kbit_fp32: bool = False  # QLoRA through peft's prepare_model_for_kbit_training (weights.py)
    autocast: bool = False  # the forward runs under accelerate's bf16 autocast (Trainer bf16=True)
    fp8_all_gather: bool = False  # FSDP2 gathers fp8 weights (torchao enable_fsdp_float8_all_gather)

    def as_dict(self) -> dict[str, object]:
        return {
            "framework": str(self.framework),
            "version": VERSIONS[self.framework],
            "optimizer": str(self.optimizer),
            "gradient_checkpointing": self.gradient_checkpointing,
            "loss": str(self.loss),
            "loss_chunks": self.loss_chunks,
            "optimizer_in_backward": self.optimizer_in_backward,
            "activation_offloading": self.activation_offloading,
            "master_weights_default": self.master_weights,
            "unsloth_kernels": self.fast_kernels,
            "compiled_loss": self.compiled_loss,
            "logits_fp32": self.logits_fp32,
            "kbit_fp32_casts": self.kbit_fp32,
            "bf16_autocast": self.autocast,
            "fp8_all_gather": self.fp8_all_gather,
            "defaults_assumed": list(self.defaults),
        }


def _torchtune_single_device(fw: Framework, wl: Workload) -> bool:
    """torchtune's single-device recipes; with data parallelism it runs full_finetune_distributed,
    whose configs (recipes/configs/llama3_1/8B_full.yaml, llama2/7B_full.yaml at bd2a0fc) set
    `optimizer_in_bwd: False` and `torch.optim.AdamW(fused=True)`, and whose FSDP shards bf16
    parameters with no mixed-precision master copy (full_finetune_distributed.py: "Mixed precision
    training and fp16 precision are currently not supported")."""
    return fw is Framework.TORCHTUNE and wl.dp == 1


def _default_optimizer(fw: Framework, mode: Mode, single_device: bool = True) -> Optimizer:
    if fw is Framework.PLAIN:
        return Optimizer.ADAMW
    if fw is Framework.UNSLOTH:
        return Optimizer.ADAMW_8BIT
    if fw is Framework.TORCHTUNE and mode.trains_all_weights and single_device:
        return Optimizer.PAGED_ADAMW_8BIT
    if fw is Framework.AXOLOTL and mode is Mode.QLORA:
        return Optimizer.PAGED_ADAMW_32BIT  # examples/llama-3/qlora.yml `optimizer: paged_adamw_32bit`
    if fw is Framework.AXOLOTL and mode is Mode.LORA:
        return Optimizer.ADAMW_8BIT  # examples/llama-3/lora-8b.yml `optimizer: adamw_bnb_8bit`
    return Optimizer.ADAMW_FUSED


def _default_checkpointing(fw: Framework, mode: Mode) -> bool:
    if fw is Framework.PLAIN:
        return False
    if fw is Framework.TRAINER:
        return mode in (Mode.LORA, Mode.QLORA)
    return True


def _default_loss(fw: Framework, objective: Objective = Objective.SFT) -> Loss:
    if objective is not Objective.SFT:
        # DPOTrainer._compute_loss and GRPOTrainer._get_per_token_logps_and_entropies take
        # selective_log_softmax over the logits (trl/trainer/): chunked_nll is SFTTrainer's only
        return Loss.FULL
    if fw is Framework.TRL:
        return Loss.CHUNKED_RECOMPUTE
    if fw is Framework.TORCHTUNE:
        return Loss.CHUNKED
    if fw is Framework.UNSLOTH:
        return Loss.FUSED
    return Loss.FULL


def recipe(wl: Workload) -> Recipe:
    """Fill every training option `wl` leaves as None with its framework's default."""
    fw = wl.framework or Framework.TRAINER
    if not wl.mode.trains:
        return Recipe(fw, wl.optimizer or Optimizer.ADAMW, False, Loss.FULL, 1, False, False, 4, False, ())
    notes: list[str] = []
    optimizer = wl.optimizer
    if optimizer is None:
        optimizer = _default_optimizer(fw, wl.mode, wl.dp == 1)
        notes.append(f"optimizer {optimizer}")
    gc = wl.gradient_checkpointing
    if gc is None:
        gc = _default_checkpointing(fw, wl.mode)
        notes.append("gradient checkpointing " + ("on" if gc else "off"))
    loss = wl.loss
    if loss is None:
        # Liger's model patch (apply_liger_kernel_to_*) swaps the loss for its fused linear CE
        loss = Loss.FUSED if wl.liger else _default_loss(fw, wl.objective)
        notes.append(f"{loss} cross-entropy")
    chunks = wl.loss_chunks or (DEFAULT_LOSS_CHUNKS if loss is Loss.CHUNKED else 1)
    in_bwd = wl.optimizer_in_backward
    if in_bwd is None:
        in_bwd = (
            _torchtune_single_device(fw, wl)
            and wl.mode.trains_all_weights
            and wl.gradient_accumulation == 1
        )
        if in_bwd:
            notes.append("optimizer step fused into backward")
    offload = wl.activation_offloading
    if offload is None:
        offload = fw is Framework.UNSLOTH and gc
        if offload:
            notes.append("checkpointed activations offloaded to host RAM")
    adapter_bytes = _adapter_bytes(fw, wl)
    # The frameworks train a model loaded in its checkpoint dtype (transformers 5 from_pretrained
    # dtype="auto"; torchtune `dtype: bf16`): bf16 weights and states, no fp32 master copy. The
    # plain loop keeps the ZeRO paper's mixed-precision accounting (fp32 master) for full training.
    # DeepSpeed's ZeRO optimizers keep an fp32 master copy for bf16/fp16 (zero/stage_1_and_2.py
    # single_partition_of_fp32_groups), whatever launches them.
    deepspeed_zero = wl.zero > 0 and fw is not Framework.TORCHTUNE  # torchtune shards with FSDP, bf16
    master = (fw is Framework.PLAIN or deepspeed_zero) and wl.mode.trains_all_weights
    if wl.master_weights is None and wl.mode.trains_all_weights:
        notes.append("fp32 master weights " + ("on" if master else "off (weights trained in their dtype)"))
    fast = fw is Framework.UNSLOTH
    if fast and wl.mode in (Mode.LORA, Mode.QLORA) and wl.lora_dropout > 0:
        notes.append("Unsloth's RMSNorm/RoPE kernels")  # not its LoRA ones: activations/walk.py fast_lora
    elif fast:
        notes.append("Unsloth's LoRA/MLP/RMSNorm/RoPE kernels")
    # torchtune's TransformerDecoder.unembed (modules/transformer.py) returns `self.output(h).float()`
    # unless the loss takes the hidden states or chunked logits: the full loss gets fp32 logits;
    # transformers before 4.46 upcast them in the model forward too (logits_upcast.py).
    logits_fp32 = (fw is Framework.TORCHTUNE and loss is Loss.FULL) or (
        loss in (Loss.FULL, Loss.FULL_SHIFTED) and logits_upcast.model_upcasts_logits(wl)
    )
    compiled_loss = wl.compile and not _loss_compile_dropped(fw, wl, loss)
    if wl.compile and not compiled_loss:
        notes.append("the plain cross-entropy runs eager (torchtune drops compile_loss's result)")
    fp8_gather = _fp8_all_gather(fw, wl, notes)
    if fw in AUTOCAST_FRAMEWORKS:
        notes.append("bf16 autocast (bf16=True)")
    return Recipe(
        fw,
        optimizer,
        gc,
        loss,
        chunks,
        in_bwd,
        offload,
        adapter_bytes,
        master,
        tuple(notes),
        fast,
        logits_fp32,
        compiled_loss,
        fw is Framework.UNSLOTH and gc,
        _kbit_fp32(fw, wl),
        fw in AUTOCAST_FRAMEWORKS,
        fp8_gather,
    )


def _fp8_all_gather(fw: Framework, wl: Workload, notes: list[str]) -> bool:
    """torchtune's `convert_to_float8_training` (training/quantization.py) without a recipe name
    builds `Float8LinearConfig(enable_fsdp_float8_all_gather=True)`: tensorwise scaling with float8
    all-gather; a named recipe (`fp8_recipe_name`) leaves it off, as torchao's recipes do."""
    if wl.fp8_all_gather is not None:
        return wl.fp8_all_gather
    on = fw is Framework.TORCHTUNE and str(wl.fp8_training) == "tensorwise" and wl.zero == 3 and wl.dp > 1
    if on:
        notes.append("FSDP2 float8 all-gather")
    return on


def _adapter_bytes(fw: Framework, wl: Workload) -> int:
    """Bytes per LoRA parameter: torchtune keeps the model dtype; peft upcasts to fp32
    (`autocast_adapter_dtype=True`) unless TRL casts them back (QLoRA) or opts out (ZeRO-3)."""
    if fw is Framework.TORCHTUNE:
        return 2
    if fw is Framework.TRL and (wl.mode is Mode.QLORA or wl.zero == 3):
        return 2
    return 4


def _kbit_fp32(fw: Framework, wl: Workload) -> bool:
    """Whether QLoRA runs on peft's `prepare_model_for_kbit_training` fp32 casts (kbit_upcast.py).

    The transformers/peft QLoRA recipes call it; TRL did until 0.26 (PR #4577 moved
    `prepare_peft_model` out of SFTTrainer); LLaMA-Factory, Unsloth and torchtune prepare the model
    their own way. Axolotl calls it and then undoes it: for every LoRA/QLoRA run not sharded by
    FSDP, `ModelLoader._configure_embedding_dtypes` (src/axolotl/loaders/model.py at 067b021c8;
    `load_model` in utils/models.py at fe832e17a, "LlamaRMSNorm layers are in fp32 after
    kbit_training ... convert them back to fp16/bf16 for flash-attn compatibility") runs
    `_convert_embedding_modules_dtype` after `_prepare_model_for_quantization`, moving every
    norm, the embeddings and the lm_head back to the model dtype: no fp32 copy survives into
    training. A sharded run undoes the casts too: DeepSpeed with bf16 converts the module to bf16
    (`engine._configure_distributed_model`), FSDP's mixed precision gathers bf16 parameters.
    """
    return wl.mode is Mode.QLORA and wl.zero == 0 and fw is Framework.TRAINER


def _loss_compile_dropped(fw: Framework, wl: Workload, loss: Loss) -> bool:
    """torchtune's `training.compile_loss` (training/_compile.py) compiles a chunked loss's method in
    place but returns `torch.compile(loss)` for a plain loss module; only lora_finetune_single_device
    assigns the result (`self._loss_fn = training.compile_loss(...)`), the full fine-tuning and the
    distributed recipes call it and drop it, so their plain cross-entropy runs eager."""
    if fw is not Framework.TORCHTUNE or loss is not Loss.FULL:
        return False
    single_device_lora = wl.mode in (Mode.LORA, Mode.QLORA) and wl.num_gpus == 1
    return not single_device_lora


# The LoRA targets a framework wraps when the user names none; frameworks absent here pass PEFT's
# own per-architecture default (TRL's `--lora_target_modules` varies by script; torchtune's below).
# REFERENCE: Unsloth unsloth/models/llama.py `FastLlamaModel.get_peft_model(r=16, target_modules=
# ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], ...)` (commit 00060af);
# LLaMA-Factory src/llamafactory/hparams/finetuning_args.py `lora_target` default "all" (every linear
# layer, commit 00577a8); axolotl examples/llama-3/lora-8b.yml and qlora.yml `lora_target_linear: true`.
_ATTN_MLP = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
DEFAULT_LORA_TARGETS: dict[Framework, tuple[tuple[str, ...], str]] = {
    Framework.UNSLOTH: (_ATTN_MLP, "Unsloth get_peft_model's default"),
    Framework.LLAMAFACTORY: (("all-linear",), "LLaMA-Factory's lora_target default 'all'"),
    Framework.AXOLOTL: (("all-linear",), "axolotl's example configs' lora_target_linear: true"),
}


# REFERENCE: torchtune recipes/configs/llama3_1/8B_lora_single_device.yaml (commit 2943c61):
# `lora_attn_modules: ['q_proj', 'v_proj', 'output_proj']`, `apply_lora_to_mlp: True`;
# 8B_qlora_single_device.yaml (commit 0b3e04a): `['q_proj', 'v_proj', 'k_proj', 'output_proj']` and the MLP.
# torchtune's output_proj is HF's o_proj; w1/w2/w3 are gate/down/up.
TORCHTUNE_LORA_TARGETS = ("q_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def default_lora_targets(wl: Workload) -> tuple[tuple[str, ...], str] | None:
    """The targets `wl.framework` applies when --lora-targets is not given, and where they come from."""
    if wl.framework is Framework.TORCHTUNE:
        if wl.mode is Mode.QLORA:
            return _ATTN_MLP, "torchtune's Llama 3.1 8B QLoRA config"
        return TORCHTUNE_LORA_TARGETS, "torchtune's Llama 3.1 8B LoRA config"
    return DEFAULT_LORA_TARGETS.get(wl.framework) if wl.framework is not None else None


# Frameworks whose preset is a recipe (example configs) that sets what the framework's own defaults leave
# off: the assumption line says so, and how to change it. REFERENCE: axolotl src/axolotl/utils/schemas/
# config.py `gradient_checkpointing: ... = Field(default=False)` and no optimizer default (transformers
# TrainingArguments.optim adamw_torch_fused), which `llmsize check` on an Axolotl YAML applies; the
# examples (examples/llama-3/lora-8b.yml, qlora.yml) set `gradient_checkpointing: true` and an 8-bit / paged
# optimizer.
RECIPE_NOT_SCHEMA: dict[Framework, str] = {
    Framework.AXOLOTL: (
        "these are Axolotl's example recipes' settings, not its schema defaults (utils/schemas/config.py: "
        "gradient_checkpointing false, Trainer's adamw_torch_fused, which `llmsize check` applies to a "
        "YAML that leaves them unset); change them with --no-gradient-checkpointing / --optimizer"
    ),
}


def recipe_note(r: Recipe) -> str:
    """One assumption line: which framework's defaults were taken (and, for a recipe preset, that they are
    the recipe's, not the framework's schema defaults)."""
    taken = ", ".join(r.defaults) if r.defaults else "none (every option given)"
    line = f"framework: {VERSIONS[r.framework]}; defaults assumed: {taken}"
    source = RECIPE_NOT_SCHEMA.get(r.framework)
    return f"{line}; {source}" if source and r.defaults else line
