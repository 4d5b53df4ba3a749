"""The model a training step runs: train mode, checkpointing, float8, and LoRA wrapped by peft.

Split out of tracer.py; the trace and the real cpu/cuda runs (real_run.py) share the LoRA rule
(`lora_targets`, LORA_DROPOUT) so both wrap the same modules. torch and peft are imported inside.
"""

from __future__ import annotations

from typing import Any

from llmsize.errors import MissingExtraError
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.workload import Mode, Workload

# REFERENCE: peft LoraConfig's default lora_dropout=0.0 (peft/tuners/lora/config.py); peft 0.21
# refuses any other value for the MoE expert parameters it wraps (lora.ParamWrapper). The default of
# Workload.lora_dropout and of the estimator (estimate/activations/walk.py LORA_DROPOUT); a run wraps
# its layers with the workload's own value (--lora-dropout), as the estimate prices it.
LORA_DROPOUT = 0.0


def lora_targets(wl: Workload, model_type: str, model: Any = None) -> Any:
    """--lora-targets for peft: all-linear, the names given, or peft's default for the model type
    (peft utils/constants.py); where peft has none it would refuse, and llmsize assumes all-linear.
    On the Mamba model types peft refuses LoRA on `out_proj`, so all-linear means every other linear
    layer; on DeepSeek V4 every one but its grouped o_a_proj (estimate/adapters.py
    PEFT_UNWRAPPABLE), listed from `model`.

    The tracer and the real cpu/cuda runs share this rule, so both wrap the same modules."""
    from llmsize.estimate.adapters import PEFT_UNWRAPPABLE

    if wl.lora_targets is None:
        from peft.utils.constants import TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING as defaults

        if model_type in defaults:
            return list(defaults[model_type])
        everything = True
    else:
        everything = any(t.lower() == "all-linear" for t in wl.lora_targets)
    if not everything:
        return list(wl.lora_targets or ())
    skip = PEFT_UNWRAPPABLE.get(model_type)
    if skip is None or model is None:
        return "all-linear"
    import torch

    names = {
        name.rsplit(".", 1)[-1]
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and not name.endswith("lm_head")
    }
    return sorted(names - skip)


def lora_config(wl: Workload, model: Any, doing: str) -> Any:
    """peft's LoraConfig for the workload, one for the trace and the real runs: rank, alpha = 2 x rank,
    the targets of `lora_targets` and the workload's --lora-dropout (what the estimate prices)."""
    try:
        from peft import LoraConfig
    except ImportError as exc:
        raise MissingExtraError(f'{doing} LoRA needs peft: pip install "llmsize[measure]"') from exc
    return LoraConfig(
        r=wl.lora_rank,
        lora_alpha=2 * wl.lora_rank,
        target_modules=lora_targets(wl, str(model.config.model_type), model),
        lora_dropout=wl.lora_dropout,
        task_type="CAUSAL_LM",
    )


def prepare_training(model: Any, wl: Workload) -> Any:
    model.train()
    rc = recipe(wl)
    if rc.gradient_checkpointing:
        model.activation_checkpointing_enable()
    if wl.fp8_training is not None:
        from llmsize.measure.float8 import convert_float8

        convert_float8(model, str(wl.fp8_training))
    if wl.mode is Mode.LORA:
        lora = lora_config(wl, model, "tracing")
        import torch
        from peft import get_peft_model

        # peft creates adapters in the default dtype and moves them with `.to(device, dtype)`; for
        # fake parameters nn.Module._apply always swaps tensors, which fails even when nothing
        # changes. Create the adapters in the model dtype and skip swaps that change nothing.
        original_swap: Any = torch.utils.swap_tensors

        def _swap(t1: Any, t2: Any) -> None:
            unchanged = (
                t1.dtype == t2.dtype
                and t1.device == t2.device
                and t1.shape == t2.shape
                and t1.untyped_storage() is t2.untyped_storage()
            )
            if not unchanged:
                original_swap(t1, t2)

        previous = torch.get_default_dtype()
        torch.set_default_dtype(next(model.parameters()).dtype)
        torch.utils.swap_tensors = _swap
        try:
            # torchtune keeps LoRA weights in the model dtype; peft casts them to fp32 by default
            model = get_peft_model(model, lora, autocast_adapter_dtype=rc.adapter_bytes == 4)
        finally:
            torch.set_default_dtype(previous)
            torch.utils.swap_tensors = original_swap
    return model
