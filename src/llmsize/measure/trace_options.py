"""What the trace runs the model in: the checkpoint's dtype and the attention implementation.

Split out of tracer.py: the choices `trace()` makes from config.json and the workload before the
model is built. transformers is imported inside the functions.
"""

from __future__ import annotations

from typing import Any

from llmsize.errors import BadInputError
from llmsize.estimate.workload import Attention, Workload

_TORCH_DTYPE_NAMES = {"float32": "fp32", "float16": "fp16", "bfloat16": "bf16"}


def checkpoint_dtype(config: dict[str, Any]) -> str:
    """The dtype config.json declares (`torch_dtype`, or `dtype` in transformers 5), else bf16."""
    nested = config.get("text_config")
    text: dict[str, Any] = nested if isinstance(nested, dict) else {}
    for source in (config, text):
        for key in ("dtype", "torch_dtype"):
            value = source.get(key)
            if isinstance(value, str) and value in _TORCH_DTYPE_NAMES:
                return _TORCH_DTYPE_NAMES[value]
    return "bf16"


def eager_only(cfg: Any) -> bool:
    """Whether the model class of `cfg` has no SDPA path (Gemma 2, gpt-oss): the tracer's fused
    attention model goes through transformers' sdpa integration, so these trace eager only."""
    from transformers import AutoModelForCausalLM

    mapping: Any = getattr(AutoModelForCausalLM, "_model_mapping", {})
    try:
        cls = mapping[type(cfg)]
    except (KeyError, ValueError):
        return False
    return not getattr(cls, "_supports_sdpa", True)


def attn_implementation(wl: Workload, eager_only: bool) -> str | None:
    """Which transformers attention implementation the workload runs."""
    if wl.attention is Attention.EAGER:
        return "eager"
    if wl.attention in (Attention.SDPA, Attention.FLASH):
        if eager_only:
            raise BadInputError(
                "this architecture's transformers code has no sdpa path; the tracer models fused "
                "attention through it, so trace it with attention=eager or None"
            )
        return "sdpa"
    return None  # transformers' default: sdpa where supported, else eager
