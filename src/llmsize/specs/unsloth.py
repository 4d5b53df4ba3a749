"""Unsloth Dynamic ("UD") GGUF names -> the nearest llama.cpp file type, said to be approximate.

Unsloth's "-UD-Q4_K_XL", "-UD-Q2_K_XL", "-UD-IQ2_XXS" files are not llama.cpp file types: each model
gets its own per-tensor mix, with the layers Unsloth's calibration finds sensitive kept at higher
precision (https://docs.unsloth.ai/basics/unsloth-dynamic-v2.0-ggufs: "we dynamically adjust the
quantization type of every possible layer, and the combinations will differ for each layer and
model"). No rule reproduces the mix from the name; the mix is published only per file (the Hub's
tensor viewer). What is public about the size: the XL files sit just above the K_M file of the same
bits (Unsloth's Dynamic 2.0 announcement, r/LocalLLaMA: "Gemma 3 Q3_K_XL ... increasing in only 2%
of disk space"; a Gemma 4 comparison on r/LocalLLaMA: Unsloth Q4_K_XL and a Q4_K_M "only ~100 MB
apart"). So a name is sized as the nearest real type and every output says so; the .gguf file itself
(`llmsize estimate path/to/file.gguf`) gives the exact bytes from its tensor table.
"""

from __future__ import annotations

import re

from llmsize.specs.models import ModelSpec, QuantMethod

# Unsloth's XL names and the llama.cpp file type (gguf-py LlamaFileType) each is sized as: the K_M
# recipe of the same bits, or the one type of that width where llama.cpp has no _M (Q2_K, Q6_K, Q8_0).
NEAREST_FTYPE: dict[str, str] = {
    "Q2_K_XL": "Q2_K",
    "Q3_K_XL": "Q3_K_M",
    "Q4_K_XL": "Q4_K_M",
    "Q5_K_XL": "Q5_K_M",
    "Q6_K_XL": "Q6_K",
    "Q8_K_XL": "Q8_0",
}

_UD_MARK = re.compile(r"(?:^|[-_.:/])ud(?=[-_.])", re.IGNORECASE)


def is_unsloth_dynamic(name: str) -> bool:
    """True when a name carries Unsloth's "UD" marker ("Qwen3-8B-UD-Q4_K_XL.gguf")."""
    return _UD_MARK.search(name) is not None


def _note(ftype: str, nearest: str | None) -> str:
    what = (
        f"{ftype} is an Unsloth Dynamic per-tensor mix, not a llama.cpp file type"
        if nearest
        else f"UD-{ftype} is Unsloth Dynamic's own per-tensor mix around {ftype}"
    )
    return (
        f"{what}: weights approximated as llama.cpp's {nearest or ftype} (Unsloth's dynamic files keep "
        "some tensors at higher precision and are typically a few % larger; the .gguf file gives exact bytes)"
    )


def nearest_ftype_text(quant: str) -> tuple[str, str | None]:
    """A --quant value with an Unsloth Dynamic type ("UD-Q4_K_XL", "Q4_K_XL") -> (nearest type, note)."""
    text = quant.strip()
    marked = text.upper().startswith(("UD-", "UD_"))
    ftype = (text[3:] if marked else text).upper().replace("-", "_")
    nearest = NEAREST_FTYPE.get(ftype)
    if nearest is None and not marked:
        return quant, None
    return nearest or ftype, _note(ftype, nearest)


def with_nearest_ftype(spec: ModelSpec, name: str) -> ModelSpec:
    """`spec` sized as the nearest llama.cpp type when its GGUF type is an Unsloth Dynamic mix, warned."""
    fmt = spec.weight_format
    if fmt.quant != QuantMethod.GGUF or not fmt.gguf_type:
        return spec
    ftype = fmt.gguf_type.upper()
    nearest = NEAREST_FTYPE.get(ftype)
    if nearest is None and not is_unsloth_dynamic(name):
        return spec
    note = _note(ftype, nearest)
    new_fmt = fmt.model_copy(update={"gguf_type": nearest or ftype})
    warnings = spec.warnings if note in spec.warnings else (*spec.warnings, note)
    return spec.model_copy(update={"weight_format": new_fmt, "warnings": warnings})
