"""Ollama references ("qwen3:30b-a3b-q4_K_M", "gemma4:26b", "llama3"): which catalog entry, which GGUF.

An Ollama reference is `library[:tag]`; the tag is a size, optionally followed by a variant and a
quantization ("8b-instruct-q8_0"), or `latest`. Ollama serves GGUF files, so a reference always
means GGUF weights: the quantization the tag names, else the one the library publishes by default.

Which size a tag means comes from the catalog: its entries carry the library's tags as aliases
("qwen3:8b", "qwen3" for latest), each entry citing the ollama.com/library page it read them from.
A tag of a library we know but a size we do not is refused with the tags we do know, rather than
guessed from another family's shape (a dense Llama is not what "gemma4:7b" would download).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from llmsize.specs.qat import GEMMA3_QAT, QatBuild

if TYPE_CHECKING:  # the name parser is imported by those who parse (issue 15: `fit --all` never does)
    from llmsize.names import ParsedName
    from llmsize.specs.models import ModelSpec, WeightFormat

# The smallest sizes of some libraries are published at Q8_0, not the library's Q4_K_M: public Ollama API
# answers show llama3.2:1b "quantization_level":"Q8_0" (digest baf6a787fdff, /api/tags size 1,321,098,329),
# gemma3:270m "Q8_0" (digest e7d36fb2c3b3, 291,554,930 bytes) and smollm2:1.7b "Q8_0" (digest cef4a1e09247,
# 1,820,414,927 bytes), in GitHub notes and fixtures that paste real /api/ps and /api/tags output.
_SMALL_Q8_SOURCE = (
    "Ollama /api/tags and /api/ps quantization_level of llama3.2:1b, gemma3:270m and smollm2:1.7b (Q8_0; "
    "the other sizes Q4_K_M), as recorded in public API dumps"
)

# Libraries whose untagged pulls are not Q4_K_M, with where that was read.
# REFERENCE: Ollama /api/tags answers ("details": {"quantization_level": ...}) for default pulls:
# llama2:latest, llama3:latest, codellama:latest, gemma:latest, gemma2:9b/27b, phi3:mini, mistral-nemo:12b ->
# Q4_0; deepseek-r1:7b/14b, qwen3:4b/8b/14b, gemma3:1b/4b, llama3.1:8b, mistral:7b -> Q4_K_M (each figure
# with its source in tests/golden/test_ollama_tag_quants.py); qwen3.5:9b, qwen3.5:35b-a3b,
# nemotron-3-nano -> Q4_K_M ("All model sizes sourced directly from
# Ollama's model library (Q4_K_M unless noted)",
# https://kgptalkie.com/tutorials/generative-ai/local-llms-2026-technical-reference-guide);
# granite4:small-h -> Q4_K_M builds (a public Helix model integration sheet for ibm/granite4:small-h).
# A library's default is the build its tags point at now: Ollama rebuilt some 2024 libraries at Q4_K_M
# (mistral:7b was Q4_0 61e88e884507 in March 2024 and is Q4_K_M 6577803aa9a0 since; llama3.1:8b Q4_0
# 62757c860e01 in July 2024, Q4_K_M 46e0c10c039e since) and phi3 the other way (Q4_K_M a2c89ceaed85 in
# May 2024, Q4_0 4f2222927938 since), the digests and types as the dumps show them.
DEFAULT_QUANT = "Q4_K_M"
DEFAULT_QUANT_SOURCE = (
    "Ollama /api/tags quantization_level of default pulls (deepseek-r1:7b/14b, qwen3:4b/8b/14b, "
    "gemma3:1b/4b, llama3.1:8b: Q4_K_M), as recorded in public API dumps"
)


@dataclass(frozen=True)
class OllamaLibrary:
    """One ollama.com/library model and the GGUF type its tags without a quantization download."""

    name: str
    default_quant: str | None = DEFAULT_QUANT  # None: the checkpoint's own format (gpt-oss ships MXFP4)
    source: str = DEFAULT_QUANT_SOURCE
    text_only: bool = False  # its GGUFs hold the language model alone (no vision / audio tensors)
    f16_on_k_quants: tuple[str, ...] = ()  # weight groups Ollama's quantizer keeps at F16 on Q4_K_S/M
    k_quant_pins: tuple[tuple[str, str], ...] = ()  # ('kind.category', ggml type) fixed on Q4_K_S/M
    never_quantized: tuple[str, ...] = ()  # weight groups its quantizer left in 16-bit at every GGUF type
    keeps_mtp: bool = False  # its converter writes the checkpoint's MTP layers into the GGUF
    go_ffn_down_counter: bool = False  # built by the Go quantizer, whose ffn_down index runs per tensor
    later_builds: tuple[str, ...] = ()  # tag parts of releases built later, without never_quantized
    qat: QatBuild | None = None  # what its `-qat` tags download (Google's quantization-aware-trained GGUF)
    size_quants: tuple[tuple[str, str], ...] = ()  # (tag size, GGUF type): sizes not pulled as default_quant


# REFERENCE: ollama/ollama server/quantization.go qwen3LinearAttnQuantType (added with qwen3.5
# support, da70c3222, 2026-02-24; applied in newType for arch qwen3next, qwen35 and qwen35moe on
# Q4_K_M and Q4_K_S until 9db4bdbad, 2026-05-29, moved quantization to llama-quantize): the Go
# quantizer that built the library's qwen3.5 / qwen3.6 / qwen3-next GGUFs gave every routed and
# shared expert's ffn_down Q6_K and every attn_v Q6_K, and full attention's q/k/output Q4_K, instead
# of llama.cpp's use_more_bits mix (Q6_K on about 3/8 of the layers). Dense ffn_down is not in that
# table and keeps the use_more_bits rule (getTensorNewType). The same libraries' converter
# (convert/convert_qwen3next.go KV: block_count = layers + nextn_predict_layers) keeps the MTP block.
# REFERENCE: ollama/ollama server/quantization.go newType (the Go quantizer from the gemma4 support
# commit 96b202d34, 2026-04-02, until 9db4bdbad, 2026-05-29): `per_layer_token_embd.weight` is never
# quantized, nor any vision/audio tensor ("v.", "a.", "mm."). The library's gemma4 E-model GGUFs thus
# hold the per-layer embedding table at 16 bits: gemma4:e2b downloads 7.2 GB, e4b 9.6 GB
# (ollama/ollama#15356; https://github.com/kryptobaseddev/cleo/pull/1080 read ollama.com/library/gemma4).
_GEMMA4 = OllamaLibrary("gemma4", never_quantized=("embed_tokens_per_layer",))

# REFERENCE: ollama/ollama server/quantization.go getTensorNewType, from 16750865d (2026-01-24,
# "glm4moelite: quantize more tensors to q8_0") until the Go quantizer's removal: every MLA matrix
# (attn_q_a, attn_q_b, attn_kv_a_mqa, attn_k_b, attn_v_b) is Q8_0; llamaQuantizeArgs keeps the same
# policy for deepseek2 K-quants "used by published library/glm-4.7-flash". In llmsize's groups those are
# the attention's q_a/q_b/kv_a projections (GGUF category "other") and kv_b_proj (attn_kv_b).
_MLA_Q8_PINS: tuple[tuple[str, str], ...] = (("attn.other", "Q8_0"), ("attn.attn_kv_b", "Q8_0"))

_QWEN3_LINEAR_ATTN_PINS: tuple[tuple[str, str], ...] = (
    ("expert.ffn_down", "Q6_K"),
    ("shared_expert.ffn_down", "Q6_K"),
    ("attn.attn_v", "Q6_K"),
    ("attn.attn_q", "Q4_K"),
    ("attn.attn_k", "Q4_K"),
    ("attn.attn_output", "Q4_K"),
)


# REFERENCE: ollama/ollama convert/convert_gemma3n.go gemma3nModel.Tensors skips every audio_tower,
# embed_audio, vision_tower and embed_vision tensor ("TODO: handle audio and vision towers"), and
# model/models/gemma3n/model.go (before 9db4bdbad) ran the TextModel alone: the library's gemma3n
# GGUFs are text-only (4.46B / 6.87B parameters on ollama.com, ollama/ollama#11286). Its
# quantizer (server/quantization.go llamaQuantizeArgs) passes `--tensor-type
# ^per_layer_token_embd\.weight$=f16` for arch gemma3n on Q4_K_S and Q4_K_M files.
_GEMMA3N = OllamaLibrary("gemma3n", text_only=True, f16_on_k_quants=("embed_tokens_per_layer",))


_Q4_0_SOURCE = "Ollama /api/tags of the default pull reports quantization_level Q4_0 (public API dumps)"
# gemma2:latest (= 9b, 5,453,010,625 bytes) and gemma2:27b (15,628,387,569): "quantization_level": "Q4_0" in
# the /api/tags answer pasted in https://github.com/ollama/ollama/pull/5485 (2024-07-04).
_GEMMA2_SOURCE = "https://github.com/ollama/ollama/pull/5485: gemma2:latest and gemma2:27b report Q4_0"
# The library's current phi3:mini / phi3:latest build (digest 4f2222927938) reports "quantization_level":
# "Q4_0", 2,176,178,913 bytes, in a public /api/tags answer of 2025-06 (the May 2024 build a2c89ceaed85 was
# Q4_K_M).
_PHI3_SOURCE = "Ollama /api/tags of phi3:mini (digest 4f2222927938, = phi3:latest): Q4_0 (public API dump)"
# mistral-nemo:12b: "quantizationLevel":"Q4_0", 7,071,713,232 bytes (2024-09) and 7,071,713,227 (2026-02).
_MISTRAL_NEMO_SOURCE = "Ollama /api/tags of mistral-nemo:12b: Q4_0 (public API dumps of 2024 and 2026)"
# mistral:7b (digest 6577803aa9a0, the id `ollama list` shows for mistral:latest since the rebuild):
# "quantization_level":"Q4_K_M", 4,372,824,384 bytes, in a public /api/tags answer of 2025-08.
_MISTRAL_SOURCE = "Ollama /api/tags of mistral:7b (digest 6577803aa9a0, = mistral:latest): Q4_K_M"
# 46.7B parameters at Q4_0's 4.5 bits are 26.3 GB, at Q4_K_M 28.4 GB: the size rules out Q4_K_M.
_MIXTRAL_SOURCE = (
    "`ollama pull mixtral` downloads 26 GB (https://kgptalkie.com/tutorials/generative-ai/"
    "local-llms-2026-technical-reference-guide, sizes read from ollama.com/library): the Q4_0 file"
)
# deepseek-v2:16b (DeepSeek-V2-Lite, 15.7B parameters): "~9 GB" in a public install plan that tiers
# Ollama tags by their ollama.com sizes; llmsize sizes the Q4_0 file at 8.90 GB and the Q4_K_M one at
# 10.37 GB (`llmsize estimate DeepSeek-V2-Lite --quant Q4_0|Q4_K_M --engine llama.cpp`): the size rules
# out Q4_K_M, as for mixtral. A 2024 library, built when Ollama's default pulls were Q4_0 (llama3, gemma2).
_DEEPSEEK_V2_SOURCE = "deepseek-v2:16b downloads ~9 GB (ollama.com's size, as quoted publicly): the Q4_0 file"
_MXFP4_SOURCE = (
    "https://ollama.com/library/gpt-oss: OpenAI's MXFP4 expert weights are served as released (native MXFP4)"
)

# REFERENCE: ollama/ollama 6bd0a983c ("model: support for mistral-small in the ollama runner", in
# Ollama from 2025-04-03) changed its vendored llama/llama.cpp/src/llama-quant.cpp "don't quantize
# vision stuff" test to `quantize &= name.find("v.") == std::string::npos`, which also matches every
# `blk.N.attn_v.weight`; 424810450 (2025-05-06) moved quantization to the Go backend. The qwen3
# library was built in that window (April 2025): its attn_v tensors stayed 16-bit at every type.
# Check: qwen3:32b's GGUF loads as "type f16: 64 tensors, q4_K: 353, q6_K: 33" (64 attn_v at f16;
# ollama/ollama#14774), and Ollama 0.13 lays its blocks out at 315,638,784 / 281,846,784 bytes
# (ollama/ollama#13372): Q4_K_M's use_more_bits mix with a 5,120 x 1,024 f16 attn_v in every block.
# The July 2025 "-2507" tags (qwen3:30b-a3b-instruct-2507, qwen3:4b-thinking-2507, ...) came after
# 424810450, from the Go quantizer, which quantizes attn_v.
_QWEN3 = OllamaLibrary("qwen3", never_quantized=("v_proj",), later_builds=("2507",))

LIBRARIES: tuple[OllamaLibrary, ...] = (
    OllamaLibrary("llama2", "Q4_0", _Q4_0_SOURCE),
    OllamaLibrary("llama3", "Q4_0", _Q4_0_SOURCE),
    OllamaLibrary("codellama", "Q4_0", _Q4_0_SOURCE),
    OllamaLibrary("mistral", "Q4_K_M", _MISTRAL_SOURCE),
    OllamaLibrary("mistral-nemo", "Q4_0", _MISTRAL_NEMO_SOURCE),
    OllamaLibrary("gemma", "Q4_0", _Q4_0_SOURCE),
    OllamaLibrary("gemma2", "Q4_0", _GEMMA2_SOURCE),
    OllamaLibrary("phi3", "Q4_0", _PHI3_SOURCE),
    OllamaLibrary("mixtral", "Q4_0", _MIXTRAL_SOURCE),
    OllamaLibrary("deepseek-v2", "Q4_0", _DEEPSEEK_V2_SOURCE),
    OllamaLibrary("gpt-oss", None, _MXFP4_SOURCE),
    # gpt-oss-safeguard: fine-tunes of gpt-oss in its MXFP4 checkpoint format, in the library as 20b and 120b
    # (Ollama blog "OpenAI gpt-oss-safeguard"; huggingface.co/openai/gpt-oss-safeguard-20b: "base_model:
    # openai/gpt-oss-20b, base_model_relation: finetune")
    OllamaLibrary("gpt-oss-safeguard", None, _MXFP4_SOURCE),
    OllamaLibrary("gemma3", qat=GEMMA3_QAT, size_quants=(("270m", "Q8_0"),)),  # _SMALL_Q8_SOURCE
    OllamaLibrary("llama3.2", size_quants=(("1b", "Q8_0"),)),  # _SMALL_Q8_SOURCE
    OllamaLibrary("smollm2", size_quants=(("1.7b", "Q8_0"),)),  # _SMALL_Q8_SOURCE
    _GEMMA3N,
    _GEMMA4,
    _QWEN3,
    # convert_glm4moelite.go skips the MTP layer
    OllamaLibrary("glm-4.7-flash", k_quant_pins=_MLA_Q8_PINS, go_ffn_down_counter=True),
    *(
        OllamaLibrary(name, k_quant_pins=_QWEN3_LINEAR_ATTN_PINS, keeps_mtp=True)
        for name in ("qwen3.5", "qwen3.6", "qwen3-next", "qwen3-coder-next")
    ),
    *(
        OllamaLibrary(name)
        for name in (
            "llama3.1", "llama3.3", "llama4", "qwen2.5", "qwen2.5-coder", "qwen3-coder",
            "qwen3-vl", "deepseek-r1", "deepseek-v3",
            "deepseek-v3.1", "deepseek-v3.2", "phi4", "phi4-mini",
            "devstral-small-2", "devstral-2", "falcon", "nemotron-3-nano", "granite4", "devstral",
            "mistral-small3.1", "mistral-small3.2", "ministral-3", "magistral",
            # model_specs/cohere.yaml cites the pulls
            "command-r7b", "command-r7b-arabic", "command-a",
            # libraries of late 2024-2025 (Q4_K_M defaults), aliased in model_specs/qwen2.5-derived.yaml,
            # phi-reasoning.yaml, falcon3.yaml, smollm2.yaml, granite3.yaml
            "qwq", "phi4-reasoning", "falcon3", "granite3.3",
        )
    ),
)  # fmt: skip


# REFERENCE: https://theepic.dev/kb/deciphering-ollama-model-names ("ollama pull library/llama3.1 and
# ollama pull llama3.1 are equivalent"; the tag defaults to latest).
_LIBRARY_PREFIXES = ("https://ollama.com/library/", "ollama.com/library/", "library/")


def without_library_prefix(text: str) -> str | None:
    """"https://ollama.com/library/qwen3:8b" -> "qwen3:8b" (a page address or the official namespace spelled
    out); None when `text` has no such prefix."""
    stripped = text.strip()
    low = stripped.lower().removeprefix("http://").removeprefix("https://").removeprefix("www.")
    cut = len(stripped) - len(low)
    for prefix in _LIBRARY_PREFIXES:
        if low.startswith(prefix):
            rest = stripped[cut + len(prefix) :].split("?", 1)[0].split("#", 1)[0]  # a page's query, anchor
            rest = rest.rstrip("/").removesuffix("/tags")  # the library's tag list
            return rest if rest and "/" not in rest else None
    return None


def library(name: str) -> OllamaLibrary | None:
    """The library a reference names ("qwen3" in "qwen3:8b"), when it is one we know."""
    return _BY_NAME.get(name.strip().lower())


# library() is asked once per catalog model by `fit --all` (engines/registry.py `_is_ollama_tag`):
# a lookup, not a scan of LIBRARIES; the first of a repeated name, as the scan found (issue 15)
_BY_NAME: dict[str, OllamaLibrary] = {lib.name: lib for lib in reversed(LIBRARIES)}


@dataclass(frozen=True)
class OllamaRef:
    """`library:tag` split; `tag` is "latest" when none was written."""

    library: OllamaLibrary
    tag: str

    @property
    def text(self) -> str:
        return f"{self.library.name}:{self.tag}"

    @property
    def qat(self) -> QatBuild | None:
        """The QAT build this tag downloads ("gemma3:27b-it-qat"), when the library publishes one."""
        return self.library.qat if "qat" in self.tag.lower().split("-") else None

    def candidates(self) -> tuple[str, ...]:
        """Spellings to look up, most specific first: the tag, then the tag without its trailing parts.

        "30b-a3b-instruct-q4_K_M" -> "30b-a3b-instruct-q4_K_M", "30b-a3b-instruct", "30b-a3b", "30b".
        Parts are joined by '-'; a GGUF type may hold '_' ("q4_K_M") and stays one part.
        """
        parts = self.tag.split("-")
        out = [f"{self.library.name}:{'-'.join(parts[:n])}" for n in range(len(parts), 0, -1)]
        if self.tag == "latest":
            out.append(self.library.name)
        return tuple(out)


def parse_reference(text: str, bare_names: frozenset[str] = frozenset()) -> OllamaRef | None:
    """`library:tag` (any library), or a bare library name listed in `bare_names`; else None.

    A bare word is ambiguous ("DeepSeek-R1" is a Hugging Face model, "qwen3" an Ollama library), so
    only the bare names the catalog declares as Ollama aliases count; a repo id or a path never does.
    """
    stripped = text.strip()
    for prefix in _LIBRARY_PREFIXES:  # "library/llama3.1:8b" is the official namespace spelled out
        if stripped.lower().startswith(prefix):
            stripped = stripped[len(prefix) :]
            break
    if "/" in stripped or "\\" in stripped or not stripped:
        return None
    name, colon, tag = stripped.partition(":")
    name = name.strip().lower()
    if not name or (not colon and name not in bare_names):
        return None
    return OllamaRef(library(name) or OllamaLibrary(name), tag.strip() or "latest")


def pull_name(text: str) -> str:
    """"library:latest" for a bare library name: `ollama pull deepseek-r1` pulls deepseek-r1:latest (the
    tag defaults to latest, https://theepic.dev/kb/deciphering-ollama-model-names); anything else as is."""
    stripped = text.strip()
    if ":" in stripped or "/" in stripped or "\\" in stripped or library(stripped) is None:
        return text
    return f"{stripped.lower()}:latest"


def refuse_cloud_tag(ref: OllamaRef) -> None:
    """A `-cloud` tag ("gpt-oss:120b-cloud", "kimi-k2:1t-cloud") downloads no weights: Ollama offloads
    it to its cloud service (ollama/ollama docs/cloud.mdx), so it needs no local memory to size."""
    if ref.tag == "cloud" or ref.tag.endswith("-cloud"):
        from llmsize.errors import BadInputError

        local = ref.tag.removesuffix("cloud").removesuffix("-")
        raise BadInputError(
            f"Ollama tag {ref.text!r} runs on Ollama's cloud service: nothing is downloaded or run locally",
            hint=f"to run it yourself, size {ref.library.name}:{local}" if local else "size a local tag",
        )


def with_default_quant(parsed: ParsedName, ref: OllamaRef, sizes: tuple[str, ...] = ()) -> ParsedName:
    """The parse with the library's default GGUF type when the tag names no quantization (a `-qat` tag:
    the type of the library's QAT build). `sizes`: the library's size tags
    of the entry the reference found ("1b" for llama3.2:1b), so that `latest` takes its size's type too."""
    said = {ref.tag.split("-")[0].lower(), *(s.lower() for s in sizes)}
    quant = next((q for size, q in ref.library.size_quants if size in said), ref.library.default_quant)
    if ref.qat is not None:
        quant = ref.qat.gguf_type
    if quant is None or parsed.gguf_type is not None or parsed.dtype is not None:
        return parsed
    if parsed.quant_method not in (None, "gguf"):
        return parsed
    bits = float(next(c for c in quant if c.isdigit()))  # nominal, as names.py reads Q4_K_M
    return parsed.model_copy(update={"quant_method": "gguf", "gguf_type": quant, "bits": bits})


def as_published(spec: ModelSpec, ref: OllamaRef) -> ModelSpec:
    """The spec of the GGUF the library publishes for `ref`: without the towers a text-only library
    leaves out, with the tensors its quantizer keeps at F16 on K-quants, and with the types it pins."""
    lib = ref.library
    if any(part in ref.tag.split("-") for part in lib.later_builds):
        lib = replace(lib, never_quantized=())
    update: dict[str, object] = {}
    if lib.keeps_mtp and spec.mtp_layers:  # convert_qwen3next.go: block_count = layers + nextn
        update["mtp_in_weights"] = True
    if lib.text_only and spec.extra_params:
        update["extra_params"] = 0
        update["extra_params_note"] = (
            f"Ollama's {lib.name} GGUF holds no vision or audio tensors (convert/convert_{lib.name}.go); "
            f"the checkpoint's {spec.extra_params:,} tower parameters are not loaded"
        )
    fmt = with_go_counter(spec, published_format(spec.weight_format, lib), lib)
    applied = ref.qat is not None and set(ref.qat.kept_16bit) <= set(fmt.modules_not_converted)
    if ref.qat is not None and fmt.gguf_type == ref.qat.gguf_type and not applied:  # the QAT file
        kept = (*fmt.modules_not_converted, *ref.qat.kept_16bit)
        fmt = fmt.model_copy(update={"modules_not_converted": kept})
        note = "; ".join(filter(None, (spec.provenance.note, f"{ref.text} is {ref.qat.source}")))
        update["provenance"] = spec.provenance.model_copy(update={"note": note})
    if fmt != spec.weight_format:
        update["weight_format"] = fmt
    return spec.model_copy(update=update) if update else spec


# REFERENCE: ollama/ollama server/quantization.go (the Go quantizer, e.g. at 16750865d, 2026-01-24)
# getTensorNewType: every tensor whose name contains "ffn_down" advances one running index iFfnDown, but
# the range it is checked against, nFfnDown, is the number of blk.N groups (`qs.nFfnDown = layerCount`
# in quantize). llama.cpp's llama-quant.cpp reads the block number from the name instead (layer_info).
# In a MoE file each block holds ffn_down_exps and ffn_down_shexp (tensors sorted by block, then name:
# fs/ggml/gguf.go WriteGGUF), so the index passes 7/8 of the layer count halfway through the model and
# every later ffn_down is Q6_K on Q4_K_M (useMoreBits), Q5_K on Q4_K_S below n/8.
_FFN_DOWN_KINDS = ("mlp", "expert", "shared_expert")  # a block's ffn_down, _exps, _shexp, in name order


def _use_more_bits(i: int, n: int) -> bool:
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def go_ffn_down_pins(spec: ModelSpec, ftype: str | None) -> tuple[tuple[str, str], ...]:
    """Per-layer ffn_down pins ('kind.ffn_down@layer', type) of a file the Go quantizer wrote."""
    if ftype not in ("Q4_K_M", "Q4_K_S"):
        return ()
    n, i, pins = spec.num_layers, 0, []
    for layer in range(spec.num_layers):
        moe = spec.is_moe_layer(layer)
        kinds: tuple[str, ...] = ("mlp",)
        if moe:
            kinds = ("expert", "shared_expert") if spec.num_shared_experts else ("expert",)
        for kind in kinds:
            if ftype == "Q4_K_M":
                pins.append((f"{kind}.ffn_down@{layer}", "Q6_K" if _use_more_bits(i, n) else "Q4_K"))
            else:
                pins.append((f"{kind}.ffn_down@{layer}", "Q5_K" if i < n // 8 else "Q4_K"))
            i += 1
    return tuple(pins)


def with_go_counter(spec: ModelSpec, fmt: WeightFormat, lib: OllamaLibrary) -> WeightFormat:
    """`fmt` with the Go quantizer's per-tensor ffn_down types, for a library it built."""
    if not lib.go_ffn_down_counter:
        return fmt
    pins = go_ffn_down_pins(spec, fmt.gguf_type)
    if not pins:
        return fmt
    return fmt.model_copy(update={"gguf_tensor_types": (*fmt.gguf_tensor_types, *pins)})


def published_format(fmt: WeightFormat, lib: OllamaLibrary) -> WeightFormat:
    """`fmt` as the library's quantizer wrote it: the tensors it never quantizes, the ones it keeps at
    F16 on K-quants, and the types it pins on K-quants."""
    from llmsize.specs.models import QuantMethod

    if fmt.quant != QuantMethod.GGUF:
        return fmt
    kept = lib.never_quantized
    pins: tuple[tuple[str, str], ...] = ()
    if fmt.gguf_type in ("Q4_K_S", "Q4_K_M"):
        kept = (*kept, *lib.f16_on_k_quants)
        pins = lib.k_quant_pins
    if not kept and not pins:
        return fmt
    return fmt.model_copy(
        update={
            "modules_not_converted": (*fmt.modules_not_converted, *kept),
            "gguf_tensor_types": (*fmt.gguf_tensor_types, *pins),
        }
    )


# The library whose GGUFs a Hugging Face checkpoint of this model_type becomes under `ollama create`
# and in ollama.com's library (same converter and quantizer): how `--engine ollama` sizes a repo id.
_LIBRARY_OF_MODEL_TYPE = {
    "qwen3_5": "qwen3.5",
    "qwen3_5_moe": "qwen3.5",
    "qwen3_next": "qwen3-next",
    "gemma4": "gemma4",
    "gemma3n": "gemma3n",
    "glm4_moe_lite": "glm-4.7-flash",
}


def library_tag(name: str) -> tuple[OllamaLibrary, str] | None:
    """(library, tag) of the ollama.com tag the catalog lists for the model `name` resolves to ("Qwen3-8B" ->
    qwen3:8b): the file `ollama run` downloads for it, with the library's build quirks (a tag of a later
    build, "-2507", without never_quantized, as as_published reads it). None when no tag is listed."""
    from llmsize.specs import catalog

    try:
        tags = catalog.ollama_tags(name)
    except Exception:  # a name the catalog cannot read has no tag
        return None
    for tag in tags:
        ref = parse_reference(tag)
        if ref is None or library(ref.library.name) is None:
            continue
        lib = ref.library
        if any(part in ref.tag.split("-") for part in lib.later_builds):
            lib = replace(lib, never_quantized=())
        return lib, tag
    return None


def library_of_model_type(model_type: str) -> OllamaLibrary | None:
    """The library that publishes models of this architecture, when its files differ from llama.cpp's."""
    name = _LIBRARY_OF_MODEL_TYPE.get(model_type)
    return library(name) if name else None



# REFERENCE: ollama/ollama fs/ggml/ggml.go `GGML.GraphSize` (v0.6-v0.29, e.g. v0.9.5 and v0.11.4), the
# estimate Ollama logged as memory.required.kv before v0.30 moved every GGML model to llama-server
# (commit 9db4bdbad, 2026-05-29): every layer holds the whole context, except the sliding layers of the
# architectures Ollama's own engine ran with a sliding-window cache, which hold numParallel x W + batch
# cells: gemma3 with W its sliding window ("slidingWindow := numParallel * attention.sliding_window +
# batch"; "Gemma2 also has sliding window attention but we only have an optimized implementation in the
# Ollama engine"). gptoss (case "gptoss" from v0.11.0, the release that added gpt-oss, to v0.29) is
# estimated with W = 4096 rather than its 128-token attention window: the memory its own engine's cache
# keeps (model/models/gptoss/model.go New: kvcache.NewSWAMemCache(attention.sliding_window, 4096, ...),
# "kv[i] *= (uint64(numParallel)*4096 + batch)" for the even, sliding layers). gemma4 (v0.20.0-v0.29,
# Ollama engine) has no GraphSize case, but the "kv cache" Ollama logs from then on is the runner's own
# allocation (ml/device.go), and its cache keeps 4,096 positions a sequence in the 1,024-token sliding
# layers (model/models/gemma4/model.go New: kvcache.NewSWAMemCache(slidingWindowLen, 4096, m.Shift);
# kvcache/causal.go Init: cacheSize = maxSequences x swaMemorySize + maxBatch): gemma4:26b at num_ctx
# 32,768 logs kv cache 1.5 GiB = 25 x 4,608 cells x 8 KiB + 5 x 32,768 x 4 KiB (ollama/ollama#15634).
_OWN_ENGINE_SWA_MEMORY: dict[str, int] = {"gpt_oss": 4096, "gemma4": 4096}
_OWN_ENGINE_SWA = frozenset({"gemma3", "gemma3_text", *_OWN_ENGINE_SWA_MEMORY})


def own_engine_window(model_type: str, window: int) -> int:
    """The positions per sequence a sliding layer keeps in Ollama's own engine (pre-v0.30): gpt-oss's
    SWA memory cache keeps 4,096 whatever its attention window; other architectures their window."""
    return _OWN_ENGINE_SWA_MEMORY.get(model_type, window)


def own_engine_keeps_windows(model_type: str) -> bool:
    """Whether Ollama's pre-v0.30 estimate gives this architecture's sliding layers numParallel x window
    + batch cells (else the whole context)."""
    return model_type in _OWN_ENGINE_SWA
