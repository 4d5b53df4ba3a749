"""Axolotl's activation offloading, as its config spells it (TRL's SFTConfig.activation_offloading is the
same key, true / false).

REFERENCE: axolotl `src/axolotl/utils/schemas/config.py` types `gradient_checkpointing` as true / false /
"offload" / "offload_disk" and `activation_offloading` as true / false / "legacy" / "disk";
`utils/schemas/validation.py` `check_gradient_checkpointing_w_offload` rewrites `offload` to checkpointing
plus `activation_offloading: true`, and `offload_disk` to checkpointing plus `activation_offloading: disk`.
Either way the checkpointed layer inputs leave the GPU: llmsize's Workload.activation_offloading
(estimate/frameworks.py, the same mechanism as Unsloth's offloaded checkpointing).

Axolotl's own Qwen3 QLoRA example (examples/qwen3/32b-qlora.yaml: `gradient_checkpointing: offload`) was
refused with "gradient_checkpointing wants true or false" (issue 15, check audit).
"""

from __future__ import annotations

from typing import Any

from llmsize.preflight import values
from llmsize.preflight.setup import Setup

_OFFLOAD_WORDS = ("offload", "offload_disk")
_ACTIVATION_WORDS = ("legacy", "disk")


def read(doc: dict[str, Any], s: Setup) -> None:
    gc = doc.get("gradient_checkpointing")
    if isinstance(gc, str) and gc.strip().lower() in _OFFLOAD_WORDS:
        word = gc.strip().lower()
        s.set("gradient_checkpointing", True, f"gradient_checkpointing: {word}")
        s.set("activation_offloading", True,
              f"gradient_checkpointing: {word} (Axolotl: activation_offloading)")
    if "activation_offloading" in doc:
        raw = doc["activation_offloading"]
        on = (raw.strip().lower() in _ACTIVATION_WORDS or values.boolean(raw, "activation_offloading")
              if isinstance(raw, str) else values.boolean(raw, "activation_offloading"))
        s.set("activation_offloading", on, "activation_offloading")
