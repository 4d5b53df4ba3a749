"""Unsloth Dynamic names: "UD" GGUFs -> the nearest llama.cpp file type, "-unsloth-bnb-4bit" -> NF4, said so.

Unsloth's "-UD-Q4_K_XL", "-UD-Q2_K_XL", "-UD-IQ2_XXS" files are not llama.cpp file types: each model
gets its own per-tensor mix, with the layers Unsloth's calibration finds sensitive kept at higher
precision (https://docs.unsloth.ai/basics/unsloth-dynamic-v2.0-ggufs: "we dynamically adjust the
quantization type of every possible layer, and the combinations will differ for each layer and
model"). No rule reproduces the mix from the name; the mix is published only per file (the Hub's
tensor viewer). What is public about the size: the XL files sit just above the K_M file of the same
bits (Unsloth's Dynamic 2.0 announcement, r/LocalLLaMA: "Gemma 3 Q3_K_XL ... increasing in only 2%
of disk space"; a Gemma 4 comparison on r/LocalLLaMA: Unsloth Q4_K_XL and a Q4_K_M "only ~100 MB
apart"). That holds for dense models, not for large MoE ones: Unsloth's Qwen3.5 UD-Q4_K_XL files
(ggml-org/Llama-macOS PR 63's table of the unsloth/Qwen3.5-*-GGUF repos) weigh 17.6 GB (27B), 22.2 GB
(35B-A3B), 68.4 GB (122B-A10B) and 219.2 GB (397B-A17B), where llama.cpp's Q4_K_M recipe (whose Q8_0
sizes match the same table's to 0.1%) gives 16.5, 21.2, 74.2 and 240.6 GB: ~6% above for the dense and
small MoE models, 8-10% below for the two large MoE ones. So a name is sized as the nearest real type and
every output says so, both ways; the .gguf file itself (`llmsize estimate path/to/file.gguf`) gives the
exact bytes from its tensor table.

One part of the mix is published as a rule: for MoE models at 2.5 bits and below, only the routed experts
take the low type. REFERENCE: https://unsloth.ai/blog/deepseekr1-dynamic (January 2025; its table lists
the IQ1_S, IQ1_M, IQ2_XXS and Q2_K_XL files): "quantize only the MoE layers to 1.5bit, and leave
attention and other layers in 4 or 6bit", "the first 3 transformer dense layers in 4/6bit", the shared
experts in 6bit. "4 or 6 bit" is what llama.cpp's Q4_K_M rules give those tensors (Q4_K, with attn_v,
ffn_down and the output at Q6_K), so attention, mixers, dense FFNs, embeddings and the output follow the
Q4_K_M rules, the shared experts Q6_K, the routed experts the label's own type. Check (sizes from the
Hub's file lists, decimal GB): DeepSeek-R1 UD-IQ1_S 140.2 GB (49.3 + 49.4 + 41.5; the blog's "131GB" is
GiB) -> 140.8 (+0.4%; every tensor at IQ1_S's rules: 134.9, -3.8%); DeepSeek-V3.1 UD-Q2_K_XL 256 GB ->
247.8 (-3.2%; plain Q2_K: 244.1, -4.7%). These tensors are the ones read for every token, so decode
reads more bytes than the plain type's rules say. Not modeled: which routed experts Unsloth also raises
(GLM-4.6's UD-IQ1_M is 107 GB on the Hub, 85 GB by this rule).

A second published rule, for hybrid models: Unsloth's Qwen3.5 analysis (https://unsloth.ai/docs/models/
qwen3.5/gguf-benchmarks: "Quantizing any attn_* is especially sensitive for hybrid architectures, and so
leaving them in higher precision works well"; "Quantizing ssm_out (Mamba layers) is not a good idea").
Above Q8_0 the only higher precision is 16-bit, so a UD-Q8_K_XL file of a hybrid model (linear-attention
or Mamba mixers beside attention) keeps every attention and mixer tensor at BF16 and the FFNs/experts,
embeddings and output at Q8_0. Check (llama-bench's "size" column in GiB, kyuz0's toolbox logs, each
cited in tests/golden/test_unsloth_dynamic_sizes.py; the text GGUF, as `--engine llama.cpp` sizes it):
Qwen3.6-27B 33.31 (Q8_0's rules: -20.1%, this rule: -1.1%), Qwen3.6-35B-A3B 35.80 (-4.0% -> -0.9%),
Qwen3-Next-80B-A3B 86.68 (-8.9% -> -7.3%), Nemotron-3-Nano-30B-A3B 37.66 (-17.0% -> -14.6%), Qwen3.5-9B
12.07 (-26.6% -> -11.5%): Unsloth raises more in the last three (which tensors, no public page says).
For non-hybrid models Unsloth states no rule for Q8_K_XL; their files sit 0-13% above Q8_0's rules
(Llama-3.3-70B 75.65 GiB against 69.82, gemma-4-26B-A4B 25.94 against 25.00) and stay sized as Q8_0.
The rule is not carried down to the dense hybrids' lower XL types: attention and mixers at Q8_0 put
Qwen3.6-27B UD-Q4_K_XL at 18.46 GiB against llama-bench's 16.39 (Q4_K_M's rules: 15.40); the hybrid
MoE Q4_K_XL files have their own rule (specs/unsloth_hybrid_moe.py).
"""

from __future__ import annotations

import re

from llmsize.specs import unsloth_hybrid_moe
from llmsize.specs.models import RECIPE_PIN, ModelSpec, QuantMethod, WeightFormat

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

# The types of the blog's dynamic MoE files (1.58 to 2.51 bits) and the other llama.cpp types of 2.5 bits
# or fewer per weight; above them Unsloth states no rule for the experts' neighbours.
_LOW_BIT_MOE = frozenset(
    {"IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "Q2_K", "Q2_K_S", "TQ1_0", "TQ2_0"}
)
# Every kind that is not a routed expert, at Q4_K_M's rules ("4 or 6bit"); the shared experts at 6 bit.
_LOW_BIT_MOE_PINS = (
    *((f"{kind}.*", f"{RECIPE_PIN}Q4_K_M") for kind in ("attn", "mixer", "mlp", "embedding", "lm_head")),
    ("shared_expert.*", "Q6_K"),
)
_LOW_BIT_MOE_NOTE = (
    "Unsloth's dynamic MoE quants keep all but the routed experts at 4-6 bits (unsloth.ai/blog/"
    "deepseekr1-dynamic): attention, dense layers, embeddings and output sized with Q4_K_M's rules, "
    "shared experts Q6_K, routed experts {ftype}"
)

# Unsloth's hybrid-model rule at 8 bits (docstring): attention and linear-attention/SSM mixers in 16 bit.
_HYBRID_Q8_PINS = (("attn.*", "BF16"), ("mixer.*", "BF16"))
_HYBRID_Q8_NOTE = (
    "Unsloth keeps a hybrid model's attention and linear-attention/SSM tensors in higher precision "
    "(unsloth.ai/docs/models/qwen3.5/gguf-benchmarks): UD-Q8_K_XL sized with those at BF16, the rest Q8_0"
)

_UD_MARK = re.compile(r"(?:^|[-_.:/])ud(?=[-_.])", re.IGNORECASE)
# Unsloth's Dynamic bitsandbytes uploads: "unsloth/Qwen3-14B-unsloth-bnb-4bit" (plain ones: "-bnb-4bit").
_DYNAMIC_BNB = re.compile(r"[-_.]unsloth[-_.]bnb(?=[-_.]|$)", re.IGNORECASE)

# REFERENCE: https://unsloth.ai/blog/dynamic-4bit: Unsloth Dynamic 4-bit "involves dynamically opting not
# to quantize certain parameters ... while only using <10% more VRAM than BnB 4-bit"; its Qwen2-VL-2B
# example: 1.36GB with every layer in 4-bit, 1.81GB as Unsloth's quant. Which modules stay in 16-bit is
# per model, listed only in the upload's config.json (quantization_config.llm_int8_skip_modules).
DYNAMIC_BNB_NOTE = (
    "{name} is Unsloth Dynamic 4-bit: it keeps some modules in 16-bit (its config.json's "
    "llm_int8_skip_modules lists them); sized as NF4 on every linear layer, so the weights read low "
    "(Unsloth: <10% more VRAM than plain bnb 4-bit; Qwen2-VL-2B 1.81 GB against 1.36 GB); the repo id "
    "with the Hub reachable, or its config.json, gives the exact bytes"
)


def is_unsloth_dynamic(name: str) -> bool:
    """True when a name carries Unsloth's "UD" marker ("Qwen3-8B-UD-Q4_K_XL.gguf")."""
    return _UD_MARK.search(name) is not None


_NOTE_TAIL = ("(Unsloth's dynamic files keep some tensors at higher precision: a dense model's is typically "
              "a few % larger, a large MoE's can be ~10% smaller; the .gguf file gives exact bytes)")


def _note(ftype: str, nearest: str | None) -> str:
    what = (
        f"{ftype} is an Unsloth Dynamic per-tensor mix, not a llama.cpp file type"
        if nearest
        else f"UD-{ftype} is Unsloth Dynamic's own per-tensor mix around {ftype}"
    )
    return f"{what}: weights approximated as llama.cpp's {nearest or ftype} {_NOTE_TAIL}"


def about_named_format(warning: str) -> bool:
    """True for a warning this module puts on a spec about the format its name states (the UD mix and its
    pins, a Dynamic bnb upload). --quant replaces that format and estimate/weights.py notes what applies
    to the one it names: `unsloth/Qwen3.5-9B-GGUF:UD-Q8_K_XL --quant Q8_0` sized plain Q8_0 under
    "UD-Q8_K_XL sized with those at BF16" (issue 15, newuser13)."""
    return (warning.endswith(_NOTE_TAIL) or warning in (_HYBRID_Q8_NOTE, unsloth_hybrid_moe.NOTE)
            or warning.startswith(_LOW_BIT_MOE_NOTE.split("{", 1)[0])
            or warning.endswith(DYNAMIC_BNB_NOTE.split("}", 1)[1]))


def nearest_ftype_text(quant: str) -> tuple[str, str | None]:
    """A --quant value with an Unsloth Dynamic type ("UD-Q4_K_XL", "Q4_K_XL") -> (nearest type, note)."""
    text = quant.strip()
    marked = text.upper().startswith(("UD-", "UD_"))
    ftype = (text[3:] if marked else text).upper().replace("-", "_")
    nearest = NEAREST_FTYPE.get(ftype)
    if nearest is None and not marked:
        return quant, None
    return nearest or ftype, _note(ftype, nearest)


def with_dynamic_bnb_note(spec: ModelSpec, name: str) -> ModelSpec:
    """`spec` warned that an Unsloth Dynamic bnb upload sized from its name misses its 16-bit modules."""
    fmt = spec.weight_format
    if fmt.quant not in (QuantMethod.BNB_NF4, QuantMethod.BNB_FP4) or fmt.modules_not_converted:
        return spec  # a config.json's llm_int8_skip_modules was read: the bytes are exact
    if _DYNAMIC_BNB.search(name) is None:
        return spec
    note = DYNAMIC_BNB_NOTE.format(name=name.rsplit("/", 1)[-1])
    return spec if note in spec.warnings else spec.model_copy(update={"warnings": (*spec.warnings, note)})


def with_nearest_ftype(spec: ModelSpec, name: str) -> ModelSpec:
    """`spec` sized as the nearest llama.cpp type when its GGUF type is an Unsloth Dynamic mix, warned."""
    fmt = spec.weight_format
    if fmt.quant != QuantMethod.GGUF or not fmt.gguf_type:
        return with_dynamic_bnb_note(spec, name)
    ftype = fmt.gguf_type.upper()
    nearest = NEAREST_FTYPE.get(ftype)
    if nearest is None and not is_unsloth_dynamic(name):
        return with_dynamic_bnb_note(spec, name)
    note = _note(ftype, nearest)
    new_fmt = fmt.model_copy(update={"gguf_type": nearest or ftype})
    warnings = spec.warnings if note in spec.warnings else (*spec.warnings, note)
    spec = spec.model_copy(update={"weight_format": new_fmt, "warnings": warnings})
    return with_hybrid_q8_pins(with_low_bit_moe_pins(spec), ftype)


def with_hybrid_q8_pins(spec: ModelSpec, ftype: str) -> ModelSpec:
    """`spec` (an Unsloth Dynamic GGUF labelled `ftype`) with the hybrid rule for Q8_K_XL files."""
    fmt, note = hybrid_q8_format(spec, spec.weight_format, ftype)
    if note is None or note in spec.warnings:
        return spec
    return spec.model_copy(update={"weight_format": fmt, "warnings": (*spec.warnings, note)})


def hybrid_q8_format(spec: ModelSpec, fmt: WeightFormat, label: str) -> tuple[WeightFormat, str | None]:
    """`fmt` with attention and mixers at BF16 when `label` is Unsloth's Q8_K_XL on a hybrid model, else
    without those pins (`--quant Q8_0` on a UD-Q8_K_XL name is llama.cpp's own Q8_0 file)."""
    kept = tuple(pin for pin in fmt.gguf_tensor_types if pin not in _HYBRID_Q8_PINS)
    label = label.upper().removeprefix("UD-").removeprefix("UD_")
    if label != "Q8_K_XL" or fmt.quant != QuantMethod.GGUF or not spec.is_hybrid:
        return fmt.model_copy(update={"gguf_tensor_types": kept}), None
    pinned = fmt.model_copy(update={"gguf_tensor_types": (*kept, *_HYBRID_Q8_PINS)})
    return pinned, _HYBRID_Q8_NOTE


def with_low_bit_moe_pins(spec: ModelSpec) -> ModelSpec:
    """`spec` (an Unsloth Dynamic GGUF) with the blog's rule for MoE files of 2.5 bits or fewer: only the
    routed experts take the file's type; a Gated DeltaNet MoE's Q4_K_XL file keeps its always-read tensors at
    Q8_0 (specs/unsloth_hybrid_moe.py); nothing changes for a dense model or another type."""
    fmt, note = low_bit_moe_format(spec, spec.weight_format, dynamic=True)
    if note is None or note in spec.warnings:
        return spec
    return spec.model_copy(update={"weight_format": fmt, "warnings": (*spec.warnings, note)})


def low_bit_moe_format(
    spec: ModelSpec, fmt: WeightFormat, *, dynamic: bool
) -> tuple[WeightFormat, str | None]:
    """`fmt` with the low-bit MoE pins when it is an Unsloth Dynamic file (`dynamic`) of such a type, else
    without them: `--quant Q8_0` on a UD-IQ1_S name is llama.cpp's own Q8_0 file (a note when applied)."""
    kept = tuple(pin for pin in fmt.gguf_tensor_types
                 if pin not in _LOW_BIT_MOE_PINS and pin not in unsloth_hybrid_moe.PINS)
    ftype = (fmt.gguf_type or "").upper()
    if unsloth_hybrid_moe.applies(spec, fmt, dynamic=dynamic):  # Qwen3.5-style hybrid MoE at Q4_K_XL
        return fmt.model_copy(update={"gguf_tensor_types": (*kept, *unsloth_hybrid_moe.PINS)}), \
            unsloth_hybrid_moe.NOTE
    if not dynamic or fmt.quant != QuantMethod.GGUF or not spec.num_experts or ftype not in _LOW_BIT_MOE:
        return fmt.model_copy(update={"gguf_tensor_types": kept}), None
    pinned = fmt.model_copy(update={"gguf_tensor_types": (*kept, *_LOW_BIT_MOE_PINS)})
    return pinned, _LOW_BIT_MOE_NOTE.format(ftype=ftype)
