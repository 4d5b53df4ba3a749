"""LLaMA-Factory, Axolotl and TRL training configs (and the DeepSpeed JSON they name), read as data.

Keys and defaults read from each project's own source:
- LLaMA-Factory (`src/llamafactory/hparams/finetuning_args.py`, `model_args.py`, `data_args.py`):
  finetuning_type lora|freeze|full (default lora), quantization_bit, lora_rank (8),
  lora_target, cutoff_len (2048), disable_gradient_checkpointing (False: checkpointing on),
  deepspeed; the trainer fields are transformers' `TrainingArguments`.
- Axolotl (`src/axolotl/utils/schemas/config.py`): base_model, adapter lora|qlora,
  load_in_4bit / load_in_8bit, lora_r, lora_dropout, lora_target_modules / lora_target_linear, sequence_len,
  micro_batch_size, gradient_accumulation_steps, gradient_checkpointing, optimizer,
  deepspeed, fsdp / fsdp_config, sample_packing.
- TRL (`trl/trainer/sft_config.py` SFTConfig, `trl/trainer/model_config.py` ModelConfig):
  model_name_or_path, max_length (1024; older max_seq_length), use_peft, lora_r (16), lora_dropout (0.05),
  lora_target_modules, load_in_4bit, and `TrainingArguments` (per_device_train_batch_size 8,
  gradient_accumulation_steps 1, gradient_checkpointing, optim adamw_torch_fused, bf16, deepspeed).
- DeepSpeed JSON: zero_optimization.stage, offload_optimizer.device, offload_param.device,
  zero_optimization.reduce_bucket_size (DeepSpeed default 5e8; "auto" = hidden_size squared),
  train_micro_batch_size_per_gpu and gradient_accumulation_steps ("auto" = the trainer's).
YAML is read with `safe_load` (anchors work, tags are refused); only the file the user named and
a DeepSpeed JSON it names (a regular file, at most 1 MiB) are opened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmsize.errors import BadInputError
from llmsize.estimate.workload import MAX_COUNT
from llmsize.preflight import values
from llmsize.preflight.fsdp_config import read_fsdp
from llmsize.preflight.setup import Setup
from llmsize.preflight.training_kernels import read_kernels

_MAX_FILE = 1 << 20

# transformers `OptimizerNames` -> llmsize optimizer (state bytes) and the implementation named.
OPTIMIZERS: dict[str, tuple[str, str]] = {
    "adamw_torch": ("adamw", "adamw-foreach"),
    "adamw_torch_fused": ("adamw", "adamw-fused"),
    "adamw_hf": ("adamw", "adamw-foreach"),
    "adamw_apex_fused": ("adamw", "adamw-fused"),
    "adamw_bnb_8bit": ("adamw-8bit", "adamw-8bit"),
    "adamw_8bit": ("adamw-8bit", "adamw-8bit"),
    "adam8bit": ("adamw-8bit", "adamw-8bit"),
    "paged_adamw_8bit": ("paged-adamw-8bit", "paged-adamw-8bit"),
    "paged_adamw_32bit": ("adamw", "paged-adamw-32bit"),
    "adafactor": ("adafactor", "adafactor"),
    # transformers trainer.py OptimizerNames.ADAMW_TORCH_4BIT: torchao low_bit_optim AdamW4bit (Axolotl's
    # examples/qwen3/32b-qlora.yaml `optimizer: adamw_torch_4bit`, sized as fp32 AdamW before: issue 15)
    "adamw_torch_4bit": ("adamw-4bit", "adamw-4bit"),
    "sgd": ("sgd", "sgd"),
}


def read_training_config(path: Path) -> Setup:
    """The Setup a training YAML (or a DeepSpeed JSON alone is refused: it names no model) describes."""
    doc = _load(path)
    if not isinstance(doc, dict):
        raise BadInputError(f"{path}: a training config is a mapping of keys, not {type(doc).__name__}")
    return setup_from_doc(doc, path)


def setup_from_doc(doc: dict[str, Any], path: Path, kind: str | None = None) -> Setup:
    """The Setup of a config's keys; `path` is where named FSDP / DeepSpeed files are looked for, and `kind`
    the tool when the caller knows it (`trl sft` on the command line: preflight/trl_cli.py)."""
    kind = kind or _kind(doc)
    if kind is None:
        raise BadInputError(
            f"{path}: not a LLaMA-Factory, Axolotl or TRL config (no model_name_or_path or base_model)"
        )
    setup = Setup(
        tool=kind,
        engine="transformers",
        engine_version=_VERSIONS[kind],
        model=str(doc.get("model_name_or_path") or doc.get("base_model")),
        config=doc,
        config_kind=kind,
    )
    setup.set("model", setup.model, "model_name_or_path" if kind != "axolotl" else "base_model")
    {"llamafactory": _llamafactory, "axolotl": _axolotl, "trl": _trl}[kind](doc, setup)
    read_kernels(doc, setup)  # the loss and attention kernels (training_kernels.py)
    _trainer_args(doc, setup)
    read_fsdp(doc, setup, lambda name: _load(_named(path, name, "FSDP config")))
    ds = doc.get("deepspeed")
    if isinstance(ds, str) and ds:
        _deepspeed(_load(_named(path, ds)), setup, f"deepspeed {ds}")
    elif isinstance(ds, dict):
        _deepspeed(ds, setup, "deepspeed (inline)")
    return setup


_VERSIONS = {
    "llamafactory": "LLaMA-Factory 0.9 (hparams/finetuning_args.py)",
    "axolotl": "Axolotl 0.12 (utils/schemas/config.py)",
    "trl": "TRL 0.24 (SFTConfig, ModelConfig)",
}


def _kind(doc: dict[str, Any]) -> str | None:
    if "base_model" in doc:
        return "axolotl"
    if "model_name_or_path" not in doc:
        return None
    if any(k in doc for k in ("finetuning_type", "stage", "cutoff_len", "template", "lora_target")):
        return "llamafactory"
    return "trl"


def _load(path: Path) -> Any:
    try:
        if not path.is_file():
            raise BadInputError(f"{path}: not a file")
        if path.stat().st_size > _MAX_FILE:
            raise BadInputError(f"{path}: larger than 1 MiB; not a training config")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BadInputError(f"cannot read {path}: {err}") from None
    from llmsize.resources import UnreadableText, load_json, load_yaml

    if path.suffix == ".json":
        try:
            return load_json(text)
        except (json.JSONDecodeError, UnreadableText) as err:
            raise BadInputError(f"{path}: not valid JSON ({err})") from None
    import yaml

    try:
        return load_yaml(text)
    except UnreadableText as err:
        raise BadInputError(f"{path}: not a training config: {err}") from None
    except (yaml.YAMLError, RecursionError) as err:
        raise BadInputError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None


def _named(config: Path, named: str, what: str = "DeepSpeed config") -> Path:
    """A file the config names: as given, else next to the config (how the trainers resolve it)."""
    for candidate in (Path(named).expanduser(), config.parent / named):
        try:
            if candidate.is_file():
                return candidate
        except OSError:  # a name too long, a loop of links: not a file the trainer could read either
            continue
    raise BadInputError(
        f"the {what} {named[:200]} named by {config} was not found",
        hint="give its path relative to where you run the trainer, or next to the config",
    )


def _llamafactory(doc: dict[str, Any], s: Setup) -> None:
    ftype = str(doc.get("finetuning_type", "lora"))
    qbit = doc.get("quantization_bit")
    if ftype == "full" or ftype == "freeze":
        s.set("mode", "full", f"finetuning_type: {ftype}")
    elif qbit is not None and values.integer(qbit, "quantization_bit") == 4:
        s.set("mode", "qlora", "finetuning_type: lora + quantization_bit: 4")
    else:
        s.set(
            "mode", "lora", "finetuning_type" if "finetuning_type" in doc else "default (LLaMA-Factory: lora)"
        )
    if "lora_rank" in doc:
        s.set("lora_rank", values.integer(doc["lora_rank"], "lora_rank"), "lora_rank")
    else:
        s.default("lora_rank", 8, "LLaMA-Factory FinetuningArguments.lora_rank")
    target = doc.get("lora_target", "all")
    s.set(
        "lora_targets",
        "all-linear" if target == "all" else str(target),
        "lora_target" if "lora_target" in doc else "default (LLaMA-Factory: all)",
    )
    if "cutoff_len" in doc:
        s.set("context", values.tokens(doc["cutoff_len"], "cutoff_len"), "cutoff_len")
    else:
        s.default("context", 2048, "LLaMA-Factory DataArguments.cutoff_len")
    disabled = values.boolean(
        doc.get("disable_gradient_checkpointing", False), "disable_gradient_checkpointing"
    )
    s.set(
        "gradient_checkpointing",
        not disabled,
        "disable_gradient_checkpointing"
        if "disable_gradient_checkpointing" in doc
        else "default (LLaMA-Factory enables gradient checkpointing)",
    )
    s.default("framework", "llamafactory", "LLaMA-Factory")


def _axolotl(doc: dict[str, Any], s: Setup) -> None:
    adapter = doc.get("adapter")
    if adapter == "qlora" or (adapter == "lora" and doc.get("load_in_4bit")):
        s.set("mode", "qlora", f"adapter: {adapter}")
    elif adapter == "lora":
        s.set("mode", "lora", "adapter: lora")
    else:
        s.set("mode", "full", "no adapter")
    if "lora_r" in doc:
        s.set("lora_rank", values.integer(doc["lora_r"], "lora_r"), "lora_r")
    # utils/schemas/peft.py `lora_dropout: float | None = 0.0`; `validate_lora_dropout` sets 0.0
    # for an adapter that leaves it unset (the axolotl preset's 0.05 is its example configs')
    if doc.get("lora_dropout") is not None and doc.get("adapter") in ("lora", "qlora"):
        s.set("lora_dropout", values.fraction(doc["lora_dropout"], "lora_dropout"), "lora_dropout")
    elif doc.get("adapter") in ("lora", "qlora"):
        s.default("lora_dropout", 0.0, "Axolotl schema's lora_dropout")
    if doc.get("lora_target_linear"):
        s.set("lora_targets", "all-linear", "lora_target_linear: true")
    elif isinstance(doc.get("lora_target_modules"), list):
        s.set("lora_targets", ",".join(map(str, doc["lora_target_modules"])), "lora_target_modules")
    if "sequence_len" in doc:
        s.set("context", values.tokens(doc["sequence_len"], "sequence_len"), "sequence_len")
    else:
        s.default("context", 2048, "Axolotl sequence_len")
    if "micro_batch_size" in doc:
        s.set("batch", values.integer(doc["micro_batch_size"], "micro_batch_size"), "micro_batch_size")
    else:
        s.default("batch", 1, "Axolotl micro_batch_size")
    if "optimizer" in doc:
        _optimizer(str(doc["optimizer"]), s, "optimizer")
    from llmsize.preflight import axolotl_offload

    axolotl_offload.read(doc, s)
    kernels = [k for k in ("lora_mlp_kernel", "lora_qkv_kernel", "lora_o_kernel") if doc.get(k) is True]
    if kernels:  # axolotl kernels/lora.py: fused LoRA autograd functions that keep fewer activations
        s.ignored.append(f"{', '.join(kernels)} (Axolotl's LoRA kernels: not modelled)")
    if doc.get("sample_packing"):
        s.ignored.append("sample_packing (padding-free batches; the estimate assumes full-length rows)")
    s.default("framework", "axolotl", "Axolotl")


def _trl(doc: dict[str, Any], s: Setup) -> None:
    # trl/trainer/sft_config.py SFTConfig: "gradient_checkpointing: Defaults to True instead of False" and
    # "bf16: Defaults to True if fp16 is not set" (TrainingArguments' own defaults are False); `check` took
    # TrainingArguments' and sized a plain `use_peft` config at twice `estimate --framework trl` (issue 15)
    if "gradient_checkpointing" not in doc:
        s.default("gradient_checkpointing", True, "TRL SFTConfig.gradient_checkpointing")
    if doc.get("bf16") is None and not _flag(doc, "fp16"):
        s.default("dtype", "bf16", "TRL SFTConfig.bf16 (true when fp16 is not set)")
    from llmsize.preflight import axolotl_offload

    axolotl_offload.read(doc, s)  # SFTConfig.activation_offloading
    peft = values.boolean(doc.get("use_peft", False), "use_peft")
    if peft and values.boolean(doc.get("load_in_4bit", False), "load_in_4bit"):
        s.set("mode", "qlora", "use_peft + load_in_4bit")
    elif peft:
        s.set("mode", "lora", "use_peft")
    else:
        s.set("mode", "full", "default (TRL without use_peft)")
    if "lora_r" in doc:
        s.set("lora_rank", values.integer(doc["lora_r"], "lora_r"), "lora_r")
    elif peft:
        s.default("lora_rank", 16, "TRL ModelConfig.lora_r")
    if peft and doc.get("lora_dropout") is not None:
        s.set("lora_dropout", values.fraction(doc["lora_dropout"], "lora_dropout"), "lora_dropout")
    elif peft:  # trl/trainer/model_config.py ModelConfig: `lora_dropout: float = field(default=0.05)`
        s.default("lora_dropout", 0.05, "TRL ModelConfig.lora_dropout")
    targets = doc.get("lora_target_modules")
    if targets == "all-linear" or targets == ["all-linear"]:
        s.set("lora_targets", "all-linear", "lora_target_modules")
    elif isinstance(targets, list):
        s.set("lora_targets", ",".join(map(str, targets)), "lora_target_modules")
    length = doc.get("max_length", doc.get("max_seq_length"))
    if length is not None:
        s.set("context", values.tokens(length, "max_length"), "max_length")
    else:
        s.default("context", 1024, "TRL SFTConfig.max_length")
    s.default("framework", "trl", "TRL")


def _optimizer(name: str, s: Setup, source: str) -> None:
    known = OPTIMIZERS.get(name.strip().lower())
    if known is None:
        s.ignored.append(f"{source}: {name} (not modelled; AdamW assumed)")
        return
    s.set("optimizer", known[0], source)
    s.set("optimizer_impl", known[1], source)


def _trainer_args(doc: dict[str, Any], s: Setup) -> None:
    """transformers TrainingArguments fields shared by all three."""
    if "per_device_train_batch_size" in doc and not values.is_auto(doc["per_device_train_batch_size"]):
        s.set(
            "batch",
            values.integer(doc["per_device_train_batch_size"], "per_device_train_batch_size"),
            "per_device_train_batch_size",
        )
    else:
        s.default("batch", 8, "transformers TrainingArguments.per_device_train_batch_size")
    if "gradient_accumulation_steps" in doc and not values.is_auto(doc["gradient_accumulation_steps"]):
        s.set(
            "grad_accum",
            values.integer(doc["gradient_accumulation_steps"], "gradient_accumulation_steps"),
            "gradient_accumulation_steps",
        )
    if "gradient_checkpointing" in s.values:
        pass  # read by the tool's own reader (Axolotl's "offload": axolotl_offload.py)
    elif "gradient_checkpointing" in doc:
        s.set(
            "gradient_checkpointing",
            values.boolean(doc["gradient_checkpointing"], "gradient_checkpointing"),
            "gradient_checkpointing",
        )
    else:
        s.default("gradient_checkpointing", False, "transformers TrainingArguments.gradient_checkpointing")
    if "optim" in doc:
        _optimizer(str(doc["optim"]), s, "optim")
    elif "optimizer" not in s.values:
        s.default("optimizer", "adamw", "transformers TrainingArguments.optim adamw_torch_fused")
        s.default("optimizer_impl", "adamw-fused", "transformers TrainingArguments.optim adamw_torch_fused")
    if _flag(doc, "bf16"):
        s.set("dtype", "bf16", "bf16")
    elif _flag(doc, "fp16"):
        s.set("dtype", "fp16", "fp16")
    else:
        s.default("dtype", "bf16", "the checkpoint's dtype; set bf16/fp16 in the config to be explicit")


def _flag(doc: dict[str, Any], key: str) -> bool:
    value = doc.get(key)
    return (value is not None and not values.is_auto(value) and values.boolean(value, key)) or value == "auto"


def _deepspeed(ds: Any, s: Setup, source: str) -> None:
    if not isinstance(ds, dict):
        raise BadInputError(f"{source}: a DeepSpeed config is a JSON object")
    zero = ds.get("zero_optimization") or {}
    if isinstance(zero, dict) and "stage" in zero:
        stage = values.integer(zero["stage"], "zero_optimization.stage")
        if stage not in (0, 1, 2, 3):
            raise BadInputError(f"{source}: zero_optimization.stage must be 0-3, got {stage}")
        s.set("zero", stage, f"{source}: zero_optimization.stage")
        if stage:
            s.set("zero_impl", "deepspeed", f"{source}: DeepSpeed shards the run")
        for part in ("offload_optimizer", "offload_param"):
            device = (zero.get(part) or {}).get("device") if isinstance(zero.get(part), dict) else None
            if device in ("cpu", "nvme"):
                s.set(part, device, f"{source}: zero_optimization.{part}.device")
        bucket = zero.get("reduce_bucket_size")
        if stage and bucket is not None:
            # DeepSpeed allocates this gradient bucket whole on every GPU (estimate/deepspeed_buckets.py);
            # "auto" is filled in by accelerate as hidden_size squared.
            key = "zero_optimization.reduce_bucket_size"
            size = "auto" if values.is_auto(bucket) else values.integer(bucket, key)
            if size != "auto" and not 1 <= int(size) <= MAX_COUNT:
                raise BadInputError(f"{source}: {key} wants 1 to {MAX_COUNT:,} elements or auto, got {size}")
            s.set("ds_reduce_bucket", size, f"{source}: {key}")
    micro = ds.get("train_micro_batch_size_per_gpu")
    if micro is not None and not values.is_auto(micro):
        s.set(
            "batch",
            values.integer(micro, "train_micro_batch_size_per_gpu"),
            f"{source}: train_micro_batch_size_per_gpu",
        )
    for key, dtype in (("bf16", "bf16"), ("fp16", "fp16")):
        block = ds.get(key)
        if isinstance(block, dict) and block.get("enabled") is True:
            s.set("dtype", dtype, f"{source}: {key}.enabled")
