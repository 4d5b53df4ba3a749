"""Parameter counts of the model transformers builds from a config, on the meta device (no weights)."""

from __future__ import annotations

from typing import Any


def meta_params(config: dict[str, Any], *, headless: bool = False, model_class: str | None = None) -> int:
    """Parameters plus persistent buffers of transformers' model for `config`.

    The class is the one users load: image-text-to-text when the config has a vision tower, causal LM
    otherwise, the bare model with `headless` (an embedding model's body); `model_class` names a
    transformers class to build instead where no auto class is registered for the config (Step-3.5-Flash's
    text config builds Step3p7TextModel). parameters() yields a tied
    tensor once; persistent buffers are stored in the checkpoint too (GLM's fp32 e_score_correction_bias).
    """
    import torch
    from transformers import AutoConfig, AutoModel, AutoModelForCausalLM, AutoModelForImageTextToText

    hf = AutoConfig.for_model(**config)
    if model_class is not None:
        import transformers

        cls = getattr(transformers, model_class)
        with torch.device("meta"):
            return _count(cls(hf))
    if headless:
        auto: Any = AutoModel
    else:
        auto = AutoModelForImageTextToText if "vision_config" in config else AutoModelForCausalLM
    with torch.device("meta"):
        model = auto.from_config(hf)
    return _count(model)


def _count(model: Any) -> int:
    model.tie_weights()
    params = sum(p.numel() for p in model.parameters())
    buffers = sum(
        b.numel()
        for m in model.modules()
        for name, b in m._buffers.items()
        if b is not None and name not in m._non_persistent_buffers_set
    )
    return params + buffers
