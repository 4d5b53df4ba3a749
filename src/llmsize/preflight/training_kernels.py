"""The loss and attention kernels a training config turns on: they move the peak, and `check` read past them.

The cross-entropy over a 150k-250k vocabulary is the largest transient of a fine-tune at a few thousand
tokens (fp32 logits, their log-softmax and its gradient); a fused or chunked loss never holds them whole.
An Axolotl config with `liger_fused_linear_cross_entropy: true` was sized with the full loss and nothing
said it was read past (issue 15, newcomer round 10). Keys, from each project's own source:
- transformers `TrainingArguments.use_liger_kernel` (TRL, Axolotl and plain Trainer configs):
  Liger's fused linear cross-entropy, RMSNorm, SwiGLU and RoPE (Workload.liger);
  LLaMA-Factory `ModelArguments.enable_liger_kernel` the same.
- Axolotl (`utils/schemas/config.py`): `chunked_cross_entropy` (+ `chunked_cross_entropy_num_chunks`);
  `cut_cross_entropy` (integrations/cut_cross_entropy, Apple's CCE: a fused loss);
  `liger_fused_linear_cross_entropy` (integrations/liger/args.py: a fused loss); the attention switches
  `flash_attention`, `sdp_attention`, `eager_attention` (`utils/schemas/config.py`).
- TRL `ModelConfig.attn_implementation` (flash_attention_2 / _3, sdpa, eager, or a Hub kernel).
- LLaMA-Factory `ModelArguments.flash_attn`: auto, disabled (eager), sdpa, fa2.
The other Liger switches (`liger_rms_norm`, `liger_glu_activation`, ...) are listed as read but not
modelled: Workload.liger turns on the fused loss with them, which the config may not.
"""

from __future__ import annotations

from typing import Any

from llmsize.preflight import values
from llmsize.preflight.setup import Setup

_AXOLOTL_ATTENTION = (("flash_attention", "flash"), ("sdp_attention", "sdpa"), ("eager_attention", "eager"))
_LIGER_OTHERS = ("liger_rms_norm", "liger_glu_activation", "liger_swiglu", "liger_rope", "liger_layer_norm",
                 "liger_cross_entropy")
_FLASH_ATTN = {"fa2": "flash", "fa3": "flash", "sdpa": "sdpa", "disabled": "eager"}


def read_kernels(doc: dict[str, Any], s: Setup) -> None:
    """Set `liger`, `loss`, `loss_chunks` and `attention` from the keys above; list what is read past."""
    for key in ("use_liger_kernel", "enable_liger_kernel"):
        if _on(doc, key):
            s.set("liger", True, key)
    if _on(doc, "liger_fused_linear_cross_entropy"):
        s.set("loss", "fused", "liger_fused_linear_cross_entropy")
    elif _on(doc, "cut_cross_entropy"):
        s.set("loss", "fused", "cut_cross_entropy")
    elif _cce_plugin(doc) and doc.get("cut_cross_entropy") is None:
        # axolotl integrations/cut_cross_entropy/args.py CutCrossEntropyArgs: `cut_cross_entropy` defaults to
        # True once the plugin is listed; Axolotl's own examples (examples/qwen3/32b-qlora.yaml) list the
        # plugin alone, and were sized with the full loss (issue 15, check audit)
        s.set("loss", "fused", "plugins: CutCrossEntropyPlugin (cut_cross_entropy defaults to true)")
    elif _on(doc, "chunked_cross_entropy"):
        s.set("loss", "chunked", "chunked_cross_entropy")
        chunks = doc.get("chunked_cross_entropy_num_chunks")
        if chunks is not None:
            s.set("loss_chunks", values.integer(chunks, "chunked_cross_entropy_num_chunks"),
                  "chunked_cross_entropy_num_chunks")
    others = [key for key in _LIGER_OTHERS if _on(doc, key)]
    if others and "liger" not in s.values:
        s.ignored.append(f"{', '.join(others)} (Liger's kernels besides the loss)")
    for key, kernel in _AXOLOTL_ATTENTION:
        if _on(doc, key):
            s.set("attention", kernel, key)
    implementation = doc.get("attn_implementation")
    if isinstance(implementation, str) and implementation.strip():
        name = implementation.strip().lower()
        chosen = name if name in ("eager", "sdpa") else "flash" if "flash" in name else None
        if chosen is not None:
            s.set("attention", chosen, "attn_implementation")
        else:
            s.ignored.append(f"attn_implementation: {implementation[:60]} (sized as the model's default)")
    flash = doc.get("flash_attn")
    if isinstance(flash, str) and flash.strip().lower() in _FLASH_ATTN:
        s.set("attention", _FLASH_ATTN[flash.strip().lower()], "flash_attn")


def _cce_plugin(doc: dict[str, Any]) -> bool:
    plugins = doc.get("plugins")
    return isinstance(plugins, list) and any(
        isinstance(p, str) and p.strip().endswith("CutCrossEntropyPlugin") for p in plugins
    )


def _on(doc: dict[str, Any], key: str) -> bool:
    value = doc.get(key)
    return value is not None and values.boolean(value, key)
