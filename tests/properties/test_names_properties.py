"""Property tests for parse_name: names built from the grammar parse back to their parts;
arbitrary text never raises anything but BadInputError (blank input); parsing is deterministic."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.names import canonical_key, parse_name

# (spelling, canonical series)
SERIES = [
    ("qwen", "qwen"), ("llama", "llama"), ("meta-llama", "llama"), ("codellama", "codellama"),
    ("mistral", "mistral"), ("mixtral", "mixtral"), ("gemma", "gemma"), ("phi", "phi"),
    ("deepseek", "deepseek"), ("glm", "glm"), ("chatglm", "chatglm"), ("gpt-oss", "gpt-oss"),
    ("falcon", "falcon"), ("yi", "yi"), ("smollm", "smollm"),
]
TRAINING = [("instruct", "instruct"), ("chat", "chat"), ("base", "base"), ("it", "instruct"),
            ("code", "code"), ("thinking", "thinking")]
GGUF_TYPES = ["Q4_K_M", "Q8_0", "Q5_K_S", "IQ4_XS", "Q2_K", "Q6_K", "IQ2_XXS", "Q4_0", "Q3_K_L"]
UNIT = {"m": 10**6, "b": 10**9, "t": 10**12}


@dataclass
class Expected:
    text: str
    fields: dict[str, object]


def random_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(text, flips, strict=True))


@st.composite
def versions(draw: st.DrawFn) -> str:
    major = draw(st.integers(1, 9))
    minor = draw(st.one_of(st.none(), st.integers(0, 9)))
    return f"{major}" if minor is None else f"{major}.{minor}"


@st.composite
def sizes(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """A size part and the fields it sets."""
    whole = draw(st.integers(1, 999))
    decimal = draw(st.one_of(st.none(), st.integers(1, 9)))
    number = f"{whole}" if decimal is None else f"{whole}.{decimal}"
    unit = draw(st.sampled_from(["m", "b", "t"]))
    value = int(Fraction(number) * UNIT[unit])
    kind = draw(st.sampled_from(["dense", "moe", "active"]))
    if kind == "moe":
        experts = draw(st.integers(2, 64))
        label = f"{experts}x{number}{unit.upper()}"
        moe_fields: dict[str, object] = {"params": experts * value, "experts": experts, "size_label": label}
        return f"{experts}x{number}{unit}", moe_fields
    if kind == "active":
        active = draw(st.integers(1, 99))
        return (f"{number}{unit}-a{active}b",
                {"params": value, "active_params": active * 10**9,
                 "size_label": f"{number}{unit.upper()}-A{active}B"})
    return f"{number}{unit}", {"params": value, "size_label": f"{number}{unit.upper()}"}


@st.composite
def quants(draw: st.DrawFn) -> tuple[list[str], dict[str, object]]:
    """Quant method and precision parts, and the fields they set."""
    kind = draw(st.sampled_from(["gptq", "awq", "gguf", "gguf-type", "bnb", "fp8", "exl2", "mlx", "int"]))
    if kind == "gptq":
        bits = draw(st.sampled_from([2, 3, 4, 8]))
        return ["gptq", f"int{bits}"], {"quant_method": "gptq", "bits": float(bits)}
    if kind == "awq":
        return ["awq"], {"quant_method": "awq", "bits": 4.0}
    if kind in ("gguf", "gguf-type"):
        gguf_type = draw(st.sampled_from(GGUF_TYPES))
        nominal = float(next(c for c in gguf_type if c.isdigit()))
        parts = ["gguf", gguf_type] if kind == "gguf" else [gguf_type]
        return parts, {"quant_method": "gguf", "gguf_type": gguf_type, "bits": nominal}
    if kind in ("bnb", "mlx"):
        bits = draw(st.sampled_from([4, 8]))
        return [kind, f"{bits}bit"], {"quant_method": kind, "bits": float(bits)}
    if kind == "fp8":
        return ["fp8"], {"quant_method": "fp8", "bits": 8.0}
    if kind == "exl2":
        bpw = draw(st.sampled_from(["2.5", "3.0", "4.0", "4.65", "5.5", "6.0", "8.0"]))
        return ["exl2", f"{bpw}bpw"], {"quant_method": "exl2", "bits": float(bpw)}
    bits = draw(st.sampled_from([4, 8]))
    return [f"int{bits}"], {"bits": float(bits)}


@st.composite
def grammar_names(draw: st.DrawFn) -> Expected:
    """series-version-size-training type-quant method-precision-other, '-' separated, random case."""
    spelling, series = draw(st.sampled_from(SERIES))
    fields: dict[str, object] = {"series": series}
    parts = [spelling]
    version = draw(st.one_of(st.none(), versions()))
    if version is not None:
        fields["version"] = version
        if draw(st.booleans()):
            parts[0] += version  # glued: "qwen2.5"
        else:
            parts.append(version)
    if draw(st.booleans()):
        size, size_fields = draw(sizes())
        parts.append(size)
        fields.update(size_fields)
    if draw(st.booleans()):
        written, canonical = draw(st.sampled_from(TRAINING))
        parts.append(written)
        fields["training_type"] = canonical
    if draw(st.booleans()):
        quant_parts, quant_fields = draw(quants())
        parts.extend(quant_parts)
        fields.update(quant_fields)
    if draw(st.booleans()):
        k = draw(st.sampled_from([4, 8, 32, 128]))
        parts.append(f"{k}k")
        fields["context"] = k * 1024
    text = random_case(draw, "-".join(parts))
    if draw(st.booleans()):
        unknown = random_case(draw, draw(st.sampled_from(["zzyzx", "abliterated", "uncensored42x"])))
        text += f"-{unknown}"
        fields["extra"] = (unknown,)
    return Expected(text, fields)


@given(grammar_names())
def test_grammar_names_parse_back_to_their_parts(case: Expected) -> None:
    parsed = parse_name(case.text)
    got = {k: v for k, v in parsed.model_dump().items() if k != "raw" and v not in (None, (), False)}
    assert got == case.fields


@given(grammar_names(), st.sampled_from(["", "Qwen/", "some-org/"]))
def test_an_org_prefix_changes_nothing_else(case: Expected, prefix: str) -> None:
    plain = parse_name(case.text).model_dump(exclude={"raw", "org"})
    assert parse_name(prefix + case.text).model_dump(exclude={"raw", "org"}) == plain


@given(st.text())
def test_arbitrary_text_never_raises_except_blank(text: str) -> None:
    try:
        parsed = parse_name(text)
    except BadInputError:
        assert not text.strip()
        return
    assert text.strip()
    assert parsed.raw == text
    parsed.model_dump_json()  # serialisable, whatever came in


@given(st.text(alphabet=st.sampled_from("abq0123456789.-_:/@ xXkKmMbBiI"), min_size=1))
def test_name_like_text_never_raises(text: str) -> None:
    if text.strip():
        assert parse_name(text).raw == text


@given(st.text(min_size=1).filter(lambda t: bool(t.strip())))
def test_parse_is_deterministic(text: str) -> None:
    assert parse_name(text) == parse_name(text)


@given(st.text())
def test_canonical_key_is_idempotent(text: str) -> None:
    key = canonical_key(text)
    assert canonical_key(key) == key


# ---------------------------------------------------------------------------------------------
# Current naming: "-A3B" active sizes, "-2507" dates, "-Thinking", and the newer quant suffixes.

NEW_QUANTS: list[tuple[list[str], dict[str, object]]] = [
    (["nvfp4"], {"quant_method": "nvfp4", "bits": 4.0}),
    (["mxfp4"], {"quant_method": "mxfp4", "bits": 4.0}),
    (["mlx", "4bit"], {"quant_method": "mlx", "bits": 4.0}),
    (["mlx", "8bit"], {"quant_method": "mlx", "bits": 8.0}),
    (["ud", "q4_k_xl"], {"quant_method": "gguf", "gguf_type": "Q4_K_XL", "bits": 4.0}),
    (["ud", "iq2_xxs"], {"quant_method": "gguf", "gguf_type": "IQ2_XXS", "bits": 2.0}),
    (["w4a16"], {"quant_method": "compressed-tensors", "bits": 4.0}),
    (["quantized.w8a8"], {"quant_method": "compressed-tensors", "bits": 8.0}),
    (["fp8"], {"quant_method": "fp8", "bits": 8.0}),
]


@st.composite
def current_names(draw: st.DrawFn) -> Expected:
    """series+version - total - A<active> - training - date - quant, as 2025-26 releases write them."""
    spelling, series = draw(st.sampled_from([("qwen", "qwen"), ("gemma", "gemma"), ("glm", "glm")]))
    version = draw(versions())
    total = draw(st.integers(2, 999))
    active = draw(st.integers(1, 99))
    fields: dict[str, object] = {
        "series": series, "version": version, "params": total * 10**9, "active_params": active * 10**9,
        "size_label": f"{total}B-A{active}B",
    }
    parts = [f"{spelling}{version}", f"{total}b", f"a{active}b"]
    if draw(st.booleans()):
        written, canonical = draw(st.sampled_from([("instruct", "instruct"), ("thinking", "thinking"),
                                                   ("it", "instruct")]))
        parts.append(written)
        fields["training_type"] = canonical
    if draw(st.booleans()):
        date = f"{draw(st.integers(24, 29))}{draw(st.integers(1, 12)):02d}"
        parts.append(date)
        fields["date"] = date
    if draw(st.booleans()):
        quant_parts, quant_fields = draw(st.sampled_from(NEW_QUANTS))
        parts.extend(quant_parts)
        fields.update(quant_fields)
    return Expected(random_case(draw, "-".join(parts)), fields)


@given(current_names())
def test_current_names_parse_back_to_their_parts(case: Expected) -> None:
    parsed = parse_name(case.text)
    got = {k: v for k, v in parsed.model_dump().items() if k != "raw" and v not in (None, (), False)}
    assert got == case.fields


# ---------------------------------------------------------------------------------------------
# Ollama tags: "library:size[-variant][-quant]".

OLLAMA_QUANTS = ["q4_K_M", "q4_0", "q8_0", "q5_K_S", "q6_K", "iq4_XS"]


@st.composite
def ollama_tags(draw: st.DrawFn) -> Expected:
    spelling, series = draw(st.sampled_from([("qwen", "qwen"), ("gemma", "gemma"), ("llama", "llama"),
                                             ("phi", "phi"), ("mistral", "mistral")]))
    version = draw(versions())
    size = draw(st.integers(1, 999))
    tag_parts = [f"{size}b"]
    fields: dict[str, object] = {"series": series, "version": version, "params": size * 10**9,
                                 "size_label": f"{size}B"}
    if draw(st.booleans()):
        tag_parts.append("instruct")
        fields["training_type"] = "instruct"
    if draw(st.booleans()):
        quant = draw(st.sampled_from(OLLAMA_QUANTS))
        tag_parts.append(quant)
        fields.update({"quant_method": "gguf", "gguf_type": quant.upper(),
                       "bits": float(next(c for c in quant if c.isdigit()))})
    tag = "-".join(tag_parts)
    fields["ollama_tag"] = tag
    return Expected(f"{spelling}{version}:{tag}", fields)


@given(ollama_tags())
def test_ollama_tags_parse_back_to_their_parts(case: Expected) -> None:
    parsed = parse_name(case.text)
    got = {k: v for k, v in parsed.model_dump().items() if k != "raw" and v not in (None, (), False)}
    assert got == case.fields
