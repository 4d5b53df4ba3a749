"""bartowski's GGUF names ("Qwen_Qwen3.5-9B-Q4_K_M") -> the catalog model, and his Qwen3.5 recipe.

bartowski names each file "{original org}_{model}-{type}.gguf" in repositories "bartowski/{org}_{model}
-GGUF" (e.g. bartowski/Qwen_Qwen3.5-9B-GGUF holds Qwen_Qwen3.5-9B-Q4_K_M.gguf). Read plainly, the org
prefix hides the model: "Qwen_Qwen3.5-9B" parses as no known series. The prefix is dropped when the rest
names a catalog model.

For the gated delta-net models (llama.cpp arch qwen35 / qwen35moe) his files are not llama-quantize's
plain recipe. REFERENCE: the model card of bartowski/Qwen_Qwen3.5-397B-A17B-GGUF (llama.cpp b8192,
"What's new"): ssm_alpha.weight and ssm_beta.weight, which mainline quantizes to the file's type, are
kept in F32; ssm_out.weight goes to Q8_0, or to Q4_K for the types smaller than IQ2_M. Checks against
his Qwen3.5-9B files (r/LocalLLaMA "Qwen3.5-9B Quantization Comparison", March 2026, by
u/TitwitMuffbiscuit): Q4_K_S 5.18 GiB (llmsize 5.18) and a llama-server load of his Q4_K_M
(eliasjustus/justsearch docs/tempdocs: "CUDA0 model buffer size = 5060.88 MiB" with token_embd mapped
on the CPU; llmsize 5,025 MiB, -0.7%), where the plain recipe (lmstudio-community's file, "file size
= 5.23 GiB") gives 4,812 MiB.
"""

from __future__ import annotations

import re

from llmsize.specs.models import FILE_TYPE_DEFAULT, ModelSpec, QuantMethod

# "bartowski/Qwen_Qwen3.5-9B-GGUF" or "Qwen_Qwen3.5-9B-Q4_K_M": an org (letters, digits, '-', '.') and '_'.
_ORG_PREFIX = re.compile(r"^(?:bartowski/)?(?P<org>[A-Za-z][A-Za-z0-9.-]*)_(?P<model>[A-Za-z].*)$")

# The architectures his recipe changes (the qwen35 / qwen35moe GGUF arch: Qwen3.5, Qwen3.6).
_DELTA_NET_TYPES = frozenset({"qwen3_5", "qwen3_5_moe", "qwen3_5_text", "qwen3_5_moe_text"})
# His files are made with a llama.cpp of early 2026 (b8192 for the 397B), whose llama-quant.cpp still
# gave attn_qkv.weight its own branch (Q3_K_M/Q3_K_L/IQ3_M -> Q4_K, Q4_K_M -> Q5_K, Q5_K_M -> Q6_K, else
# the file's type) instead of the attn_v rules it shares today (category_is_attn_v, commit 007dbbf): a
# Qwen3.5-9B Q4_K_M of that time loads as "type q5_K: 24 tensors", its 24 attn_qkv (lmstudio-community).
_OLD_ATTN_QKV = {"Q3_K_M": "Q4_K", "Q3_K_L": "Q4_K", "IQ3_M": "Q4_K", "Q4_K_M": "Q5_K", "Q5_K_M": "Q6_K"}
# "smaller than IQ2_M": these keep ssm_out at Q4_K rather than Q8_0.
_BELOW_IQ2_M = frozenset({"IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "Q2_K_S", "TQ1_0", "TQ2_0"})


def model_part(name: str) -> str | None:
    """The model name inside a bartowski file or repo name ("Qwen_Qwen3.5-9B-Q4_K_M" -> "Qwen3.5-9B-Q4_K_M");
    None when the name has no org prefix."""
    match = _ORG_PREFIX.match(name.strip())
    if match is None or "/" in match["model"]:
        return None
    model = match["model"]
    return model[: -len("-GGUF")] if model.upper().endswith("-GGUF") else model


def text_only(spec: ModelSpec) -> ModelSpec:
    """His GGUF of a vision-language model holds the text model only: the vision tower and projector are
    the separate mmproj-*.gguf that llama-server loads with --mmproj (its own clip context), so neither
    the weights nor the parameter count include them ("model params = 8.95 B" for Qwen3.5-9B's file)."""
    if spec.vision is None or not spec.extra_params:
        return spec
    note = "the text GGUF: the vision tower is the separate mmproj file, not counted"
    update = {"extra_params": 0, "vision": None, "warnings": (*spec.warnings, note)}
    return spec.model_copy(update=update)


def with_recipe(spec: ModelSpec) -> ModelSpec:
    """`spec` with bartowski's per-tensor pins for the gated delta-net tensors of a qwen35 GGUF."""
    fmt = spec.weight_format
    if fmt.quant != QuantMethod.GGUF or spec.model_type not in _DELTA_NET_TYPES or spec.recurrent is None:
        return spec
    ftype = (fmt.gguf_type or "Q4_K_M").upper()
    ssm_out = "Q4_K" if ftype in _BELOW_IQ2_M else "Q8_0"
    qkv = _OLD_ATTN_QKV.get(ftype, FILE_TYPE_DEFAULT)
    pins = (
        ("mixer.in_proj_a", "F32"),
        ("mixer.in_proj_b", "F32"),
        ("mixer.out_proj", ssm_out),
        ("mixer.attn_qkv", qkv),
    )
    note = (
        "bartowski's GGUF recipe for qwen35: ssm_alpha/ssm_beta in F32, ssm_out in "
        f"{ssm_out} (his model cards; llama-quantize's own recipe gives them the file type)"
    )
    new_fmt = fmt.model_copy(update={"gguf_tensor_types": (*fmt.gguf_tensor_types, *pins)})
    return spec.model_copy(update={"weight_format": new_fmt, "warnings": (*spec.warnings, note)})
