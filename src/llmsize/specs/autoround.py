"""AutoRound checkpoints (intel/auto-round): integer weights stored as GPTQ tensors.

Intel's int4 AutoRound uploads record `"quant_method": "auto-round", "bits": 4, "group_size": 128,
"sym": true, "data_type": "int", "packing_format": "auto_round:auto_gptq"` in their
quantization_config.json (huggingface.co/Intel/gemma-4-31B-it-int4-AutoRound,
huggingface.co/INC4AI/MiniMax-M2.1-int4-AutoRound, huggingface.co/Intel/Seed-OSS-36B-Instruct-int4-AutoRound):
qweight, qzeros and scales packed as AutoGPTQ writes them, which vLLM (model_executor/layers/quantization/
auto_round.py) and transformers' AutoRound quantizer load through their GPTQ kernels. So an AutoRound
checkpoint of integer data is sized as GPTQ with its bits and group size; a name that says "AutoRound"
(`Intel/Qwen3-8B-int4-AutoRound`) takes the recipe's defaults, the bits it states and group 128. It was
counted as bf16 with a warning (issue 15, newcomer round 16). Other AutoRound data types (mxfp4, nvfp4,
fp8) and the AWQ packing are not sized here: they keep that warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# the quant_method spellings AutoRound has written: "auto-round", and "intel/auto-round" (auto-round 0.4)
METHODS = ("auto-round", "intel/auto-round", "autoround")


def gptq_packed(q: Mapping[str, Any]) -> bool:
    """Whether an AutoRound quantization_config stores integer weights in GPTQ's packing (the default)."""
    data = str(q.get("data_type", "int")).lower()
    packing = str(q.get("packing_format", "auto_round:auto_gptq")).lower()
    return data.startswith("int") and "awq" not in packing
