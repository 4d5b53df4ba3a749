"""Model-name parsing: "Qwen2.5-7B-Instruct-GPTQ-Int4" -> ParsedName. Pure: no I/O.

Convention: series-version-size-training type-quant method-precision-other, with an optional
org prefix ("meta-llama/"), Ollama tags ("qwen2.5:7b-instruct-q4_K_M") and GGUF file names
("llama-2-7b-chat.Q4_K_M.gguf"). Matching is case-insensitive. A part that is not understood is
kept, as written, in `extra`: never dropped, never an error.

Field decisions (the catalog and the resolver rely on them):

- `series` is the lowercase family ('qwen', 'llama', 'codellama', 'gpt-oss', ...); "Meta-Llama"
  is 'llama'. A version glued to it ("Qwen2.5", "llama3") goes to `version`.
- `version` is lowercase as written: '2.5', '3.1', 'v0.1', 'r1', 'v3'.
- `params` / `active_params` / `experts` are what the *name* says, in decimal units
  (M = 1e6, B = 1e9, T = 1e12). For "8x7B", `experts` = 8 and `params` = 8 * 7e9 is the
  nominal name size, not the real count (Mixtral-8x7B has 46.7B, as attention and embeddings
  are shared: https://mistral.ai/news/mixtral-of-experts); the catalog resolves the exact
  count. `active_params` is set only when the name states it ("A3B", or Llama 4's "17B-16E"
  where 17B is the active size); otherwise it is None, not a copy of `params`.
- `size_label` is the size as written with an uppercase unit ('7B', '8x7B', '30B-A3B'),
  or a size word ('mini', 'small') when the name gives no number.
- `training_type` is lowercase canonical: 'instruct' (also for "it", "inst", "instruction"),
  'chat', 'base' (also "pt"), 'code', 'python', 'thinking', 'sft', 'dpo', 'rlhf'. None when the
  name states none: a bare name is usually the base model, but the parser does not guess.
- `quant_method` is lowercase: 'gptq', 'awq', 'gguf', 'bnb', 'fp8', 'mlx', 'exl2', 'exl3',
  'hqq', 'aqlm', 'eetq', 'autoround', 'mxfp4', 'nvfp4', 'compressed-tensors' ("w4a16").
  A GGUF type ("Q4_K_M") implies 'gguf'. "-4bit" alone sets bits but no method, except under an
  org whose name contains "mlx" (mlx-community), which means 'mlx'.
- `bits` is the nominal precision: "Int4"/"4bit"/"nf4" -> 4, "FP8" -> 8, EXL2 "4.65bpw" -> 4.65,
  AWQ without a number -> 4 (AutoAWQ only implements 4-bit weights:
  https://github.com/casper-hansen/AutoAWQ), a GGUF type -> its digit (Q4_K_M -> 4, F16 -> 16;
  the real bits per weight of a GGUF file come from its tensors, not from the name).
- `gguf_type` is llama.cpp's uppercase spelling ('Q4_K_M', 'IQ4_XS', 'Q8_0', 'F16').
- `dtype` is an unquantized precision the name states ('fp16', 'bf16', 'fp32').
- `qat` is true when the name says "qat": a quantization-aware-trained checkpoint (Google's
  "gemma3:27b-it-qat", "gemma-3-27b-it-qat-q4_0-gguf"), whose file specs/qat.py knows per family.
- `context` counts tokens with binary suffixes, as model names use them: "4k" = 4096,
  "128k" = 131072, "1M" = 2**20 (max_position_embeddings is 4096 in
  https://huggingface.co/microsoft/Phi-3-mini-4k-instruct/blob/main/config.json and 131072 in
  https://huggingface.co/microsoft/Phi-3-mini-128k-instruct/blob/main/config.json).
  That is the nominal size only: Qwen2.5-7B-Instruct-1M really allows 1,010,000 tokens
  (max_position_embeddings in https://huggingface.co/Qwen/Qwen2.5-7B-Instruct-1M/blob/main/config.json);
  the resolved spec has the exact number. An "M" size after a parameter size is a context
  ("-7B-Instruct-1M"); before one it is a parameter size ("SmolLM2-135M").
- `variant` joins sub-family words in name order with '-': 'coder', 'math', 'vl', 'distill',
  'moe', 'lite', and a size word that comes with a number ("Mistral-Small-24B" -> 'small').
- `base_model` is the lowercase family a distill or fine-tune names after its own series, with
  its version glued on when given: "DeepSeek-R1-Distill-Qwen-14B" -> 'qwen'.
- `date` is a 4/6/8-digit release tag ('2507', '0528'); `ollama_tag` the text after ':';
  `revision` the text after '@'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from llmsize.errors import BadInputError, require_type
from llmsize.records import ConfigDict, Field, Record

__all__ = ["ParsedName", "canonical_key", "hub_reference", "parse_name"]


class ParsedName(Record):
    """What a model name says about the model. JSON keys are a DESIGN.md contract."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    raw: str
    org: str | None = None
    series: str | None = Field(default=None, description="family, e.g. 'qwen', 'llama', 'mixtral'")
    version: str | None = Field(default=None, description="e.g. '2.5', '3.1', '2', 'v0.1'")
    variant: str | None = Field(default=None, description="sub-family: coder, math, vl, distill, ...")
    params: int | None = Field(default=None, description="total parameters the name states (nominal)")
    active_params: int | None = Field(
        default=None, description="per-token parameters, only when the name states them (A3B)"
    )
    experts: int | None = None
    size_label: str | None = Field(default=None, description="size as written: '7B', '8x7B', 'mini'")
    training_type: str | None = Field(default=None, description="instruct, chat, base, code, ...")
    quant_method: str | None = Field(default=None, description="gptq, awq, gguf, bnb, fp8, mlx, exl2, ...")
    bits: float | None = None
    gguf_type: str | None = Field(default=None, description="Q4_K_M, Q8_0, ...")
    dtype: str | None = Field(default=None, description="unquantized precision the name states: fp16, bf16")
    context: int | None = Field(default=None, description="context length the name states (4k, 128k, 1M)")
    base_model: str | None = Field(
        default=None, description="distill/fine-tune base, e.g. 'qwen' in ...-Distill-Qwen-14B"
    )
    ollama_tag: str | None = None
    revision: str | None = Field(default=None, description="text after '@'")
    date: str | None = Field(default=None, description="release tag such as 2507")
    qat: bool = Field(default=False, description="the name says 'qat': quantization-aware-trained")
    extra: tuple[str, ...] = Field(default=(), description="parts not understood, kept as written")

    def contract_dict(self) -> dict[str, object]:
        """The keys `llmsize parse --format json` promises (DESIGN.md), plus the rest."""
        return self.model_dump(mode="json")


# --------------------------------------------------------------------------------------------
# Vocabulary. Keys are lowercase tokens; values are the canonical spelling.

# Families that may follow another family's name as its base ("-Distill-Qwen-", "Hermes-3-Llama-").
_BASE_FAMILIES = frozenset(
    {"qwen", "llama", "mistral", "mixtral", "gemma", "phi", "deepseek", "yi", "glm", "falcon", "qwq"}
)
# Family names written as two tokens.
_COMPOUND_SERIES: dict[tuple[str, str], str] = {
    ("meta", "llama"): "llama",
    ("gpt", "oss"): "gpt-oss",
    ("code", "llama"): "codellama",
    ("command", "r"): "command-r",
    ("command", "a"): "command-a",  # Cohere "c4ai-command-a-03-2025"
    ("nvidia", "nemotron"): "nemotron",  # "NVIDIA-Nemotron-3-Nano-30B-A3B"
}
_TRAINING_TYPES: dict[str, str] = {
    "instruct": "instruct", "it": "instruct", "inst": "instruct", "instruction": "instruct",
    "chat": "chat", "base": "base", "pt": "base", "code": "code", "python": "python",
    "thinking": "thinking", "sft": "sft", "dpo": "dpo", "rlhf": "rlhf",
}
_VARIANTS = frozenset(
    {
        "coder", "math", "vl", "omni", "audio", "vision", "moe", "distill", "lite", "air", "nemo",
        "turbo", "guard", "embed", "embedding", "reward", "preview", "next", "scout", "maverick",
        "flash", "plus", "pro", "exp", "h",
    }
)
_SIZE_WORDS = frozenset({"tiny", "mini", "small", "medium", "large", "xl", "xxl", "nano", "micro"})
_QUANT_METHODS: dict[str, str] = {
    "gptq": "gptq", "awq": "awq", "gguf": "gguf", "ggml": "gguf", "bnb": "bnb",
    "bitsandbytes": "bnb", "mlx": "mlx", "exl2": "exl2", "exl3": "exl3", "hqq": "hqq",
    "aqlm": "aqlm", "eetq": "eetq", "autoround": "autoround",
}
# Precision words that also name a quant method, with their nominal bits. A bare "FP4" is NVIDIA's
# ModelOpt format (nvidia/DeepSeek-R1-FP4, nvidia/Qwen3-8B-FP4: "quantized with TensorRT Model Optimizer",
# Blackwell only; https://huggingface.co/nvidia/DeepSeek-R1-FP4), not bitsandbytes' fp4, which names
# write "bnb-fp4" (the "bnb" part sets the method first). It read as bnb 4-bit (issue 15, round 6).
_QUANT_PRECISIONS: dict[str, tuple[str, float]] = {
    "fp8": ("fp8", 8.0), "mxfp4": ("mxfp4", 4.0), "nvfp4": ("nvfp4", 4.0),
    "nf4": ("bnb", 4.0), "fp4": ("nvfp4", 4.0),
}
_DTYPES: dict[str, str] = {
    "fp16": "fp16", "f16": "fp16", "float16": "fp16",
    "bf16": "bf16", "bfloat16": "bf16", "fp32": "fp32", "f32": "fp32", "float32": "fp32",
}
_DTYPE_BITS = {"fp16": 16.0, "bf16": 16.0, "fp32": 32.0}
_GGUF_DTYPE_TYPES = {"fp16": "F16", "bf16": "BF16", "fp32": "F32"}
# Understood, but nothing a field holds: "-hf" marks a transformers conversion, "latest" is
# Ollama's default tag (kept in ollama_tag), "quantized"/"dynamic" qualify a quant method.
# "UD" marks Unsloth's Dynamic GGUF quants ("-UD-Q4_K_XL"): a per-tensor mix whose real bits come
# from the file (https://docs.unsloth.ai/basics/unsloth-dynamic-2.0-ggufs). "unsloth" inside a name marks
# Unsloth's Dynamic bitsandbytes uploads ("Qwen3-14B-unsloth-bnb-4bit"; specs/unsloth.py says what it means).
_MARKERS = frozenset({"hf", "latest", "quantized", "dynamic", "ud", "unsloth"})
# Path segments that are a host, not an org ("https://huggingface.co/Qwen/...", "hf.co/...").
_HOSTS = frozenset({"http:", "https:", "huggingface.co", "www.huggingface.co", "hf.co", "ollama.com"})

# REFERENCE: AutoAWQ implements 4-bit weight quantization only (https://github.com/casper-hansen/AutoAWQ).
_AWQ_DEFAULT_BITS = 4.0
_SIZE_SCALE = {"m": 10**6, "b": 10**9, "t": 10**12}

# Numbers are ASCII and short, so int()/Fraction() never meet Python's 4300-digit limit.
_NUM = r"[0-9]{1,15}(?:\.[0-9]{1,15})?"
_VERSION = r"[0-9]{1,3}(?:\.[0-9]{1,6}){0,3}"
# llama.cpp type names (gguf.GGMLQuantizationType, gguf.LlamaFileType): Q4_0, Q4_K_M, IQ4_XS, TQ1_0...
# MXFP4_MOE: llama-quantize's file type for gpt-oss (LLAMA_FTYPE_MOSTLY_MXFP4_MOE), the experts in MXFP4.
_GGUF_Q = (r"i?q[0-9](?:_[0-9](?:_[0-9]_[0-9])?|_k(?:_(?:s|m|l|xl))?|_(?:xxs|xs|s|m|l|xl|nl))|tq[0-9]_[0-9]"
           r"|mxfp4_moe")

_SIZE_RE = re.compile(rf"({_NUM})([mbt])")
_MOE_SIZE_RE = re.compile(rf"([0-9]{{1,5}})x({_NUM})([mbt])")
_ACTIVE_RE = re.compile(rf"a({_NUM})([mb])")
_EXPERTS_RE = re.compile(r"([0-9]{1,5})e")
_CONTEXT_K_RE = re.compile(rf"({_NUM})k")
_BARE_VERSION_RE = re.compile(_VERSION)
_V_VERSION_RE = re.compile(rf"v{_VERSION}")
# Gemma 3n: "gemma-3n-E4B-it" (the 'n' is part of the version, not a size unit).
_N_VERSION_RE = re.compile(r"[0-9]{1,3}n")
# "E2B"/"E4B": Gemma 3n / Gemma 4 "effective" sizes, not the total parameter count.
_EFFECTIVE_SIZE_RE = re.compile(rf"e({_NUM})b")
_LETTER_VERSION_RE = re.compile(rf"[a-z]{_VERSION}")
_DATE_RE = re.compile(r"[0-9]{4}|[0-9]{6}|[0-9]{8}")
_SERIES_VERSION_RE = re.compile(rf"([a-z]+?)({_VERSION})?")
# Ollama glues the vision sub-family to the version: "qwen2.5vl:7b" (ollama.com/library/qwen2.5vl).
_SERIES_VERSION_VL_RE = re.compile(rf"([a-z]+?)({_VERSION})vl")
_SERIES_WORD_RE = re.compile(r"[a-z][a-z0-9]*")
_GGUF_TYPE_RE = re.compile(_GGUF_Q)
_INT_BITS_RE = re.compile(r"int([0-9]{1,2})")
_NBIT_RE = re.compile(r"([0-9]{1,2})bits?")
_BPW_RE = re.compile(r"([0-9]{1,2}(?:\.[0-9]{1,3})?)bpw")
_WA_RE = re.compile(r"w([0-9]{1,2})a([0-9]{1,2})")
# Split a chunk on '_' but keep GGUF types ("Q4_K_M") whole.
_UNDERSCORE_PIECE_RE = re.compile(rf"(?:{_GGUF_Q})(?=_|$)|[^_]+", re.IGNORECASE | re.ASCII)
# '.' separates parts unless it sits between two digits ("2.5", "v0.1", "4.65bpw").
_DOT_SPLIT_RE = re.compile(r"(?<![0-9])\.|\.(?![0-9])")
_CHUNK_SPLIT_RE = re.compile(r"[-\s]+")
_PATH_SPLIT_RE = re.compile(r"[/\\]")
_GGUF_SUFFIX = ".gguf"
_KEY_SEPARATORS_RE = re.compile(r"[-_.\s]+")
_KEY_LETTER_DIGIT_RE = re.compile(r"(?<=[a-z])(?=[0-9])")


# --------------------------------------------------------------------------------------------
# Public helpers


def canonical_key(text: str) -> str:
    """A lookup key under which spellings of one name compare equal.

    Lowercase; every run of '-', '_', '.' and whitespace becomes one '-'; a '-' goes between a
    letter and a digit that follows it; leading and trailing '-' are dropped. So "Qwen2.5-7B",
    "qwen-2.5-7b" and "Qwen2_5 7B" all give "qwen-2-5-7b", while "Qwen2-57B" gives "qwen-2-57b".
    '/' and ':' are kept: whether an org or an Ollama tag matters is the caller's choice.
    """
    key = _KEY_SEPARATORS_RE.sub("-", text.strip().lower())
    return _KEY_LETTER_DIGIT_RE.sub("-", key).strip("-")


def fold_name(text: str) -> str:
    """`text` with Unicode compatibility characters folded (NFKC: full-width 'Ｑｗｅｎ３-８Ｂ' -> 'Qwen3-8B',
    superscript '⁸' -> '8', '𝟒bit' -> '4bit') and dashes ('‐', '–', '—', category Pd; the minus sign '−')
    made '-'.

    What a CJK input method or a word processor's autocorrect types is the same name to a reader;
    model names, repo ids and Ollama tags are ASCII, so folding only turns a name that matched nothing
    into the one meant (issue 15: 'Qwen３-８B' was an unknown model, '...-Q4_K_Ｍ' an unknown type 'Q4_K').
    ASCII text is returned unchanged; paths are never folded (specs/resolve.py reads them first).
    """
    if text.isascii():
        return text
    import unicodedata

    folded = unicodedata.normalize("NFKC", text)
    return "".join("-" if c == "\u2212" or unicodedata.category(c) == "Pd" else c for c in folded)


# A model page's address, or the Hub reference Ollama and llama.cpp pull GGUF files by ("ollama run
# hf.co/{user}/{repo}:{quant}", ollama/ollama docs/import.mdx; `llama-server -hf user/repo:quant`):
# the repo id after the host. "/tree/<rev>" is the page of one revision.
_HUB_ADDRESS = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?P<rest>[^?#]+?)/?(?:[?#].*)?$", re.IGNORECASE
)
_TREE = re.compile(r"^(?P<repo>[^/]+/[^/]+)/tree/(?P<rev>[^/]+)$")
# A file's address: ".../blob/main/config.json" is the repo; ".../resolve/main/Qwen3-8B-Q4_K_M.gguf" its
# GGUF of that type; ".../tree/main/UD-Q4_K_XL" the folder Unsloth keeps a large model's split GGUF in.
_FILE = re.compile(r"^(?P<repo>[^/]+/[^/]+)/(?P<kind>blob|resolve|tree)/(?P<rev>[^/]+)/(?P<path>.+)$")
_FILE_GGUF_TYPE = re.compile(rf"(?:^|[-_.])((?:ud-)?(?:{_GGUF_Q}|bf16|f16|f32))(?=$|[-_.])")


def hub_reference(text: str) -> str | None:
    """'https://huggingface.co/Qwen/Qwen3-8B' -> 'Qwen/Qwen3-8B', 'hf.co/Qwen/Qwen3-8B-GGUF:Q8_0' ->
    'Qwen/Qwen3-8B-GGUF:Q8_0', '.../tree/v1' -> '...@v1'; None for anything else (issue 15, round 5:
    a copied page address or an `ollama run hf.co/...` reference was refused as a missing path, and
    `parse` read ".../tree/main" as org 'tree', series 'main')."""
    match = _HUB_ADDRESS.match(text.strip())
    if match is None:
        return None
    rest = match["rest"]
    tree = _TREE.match(rest)
    if tree is not None:
        return f"{tree['repo']}@{tree['rev']}"
    file = _FILE.match(rest)
    if file is not None:
        return _file_reference(file["repo"], file["rev"], file["path"])
    return rest if rest.count("/") == 1 else None


def _file_reference(repo: str, rev: str, path: str) -> str | None:
    """The repo a file address points into (config.json), or `repo:TYPE` for a GGUF file or folder of
    one type on the main branch (issue 15, round 6: a copied download link was "does not exist")."""
    leaf = path.rstrip("/").rsplit("/", 1)[-1]
    if leaf.lower() == "config.json":
        return repo if rev == "main" else f"{repo}@{rev}"
    gguf = leaf.lower().endswith(".gguf")
    if rev != "main" or (path.count("/") and not gguf) or leaf.lower().startswith("mmproj"):
        return None  # another revision's GGUF has no repo:TYPE spelling; a projector is no model
    stem = re.sub(r"-[0-9]{5}-of-[0-9]{5}$", "", leaf[:-5] if gguf else leaf)
    found = _FILE_GGUF_TYPE.findall(stem.lower())
    return f"{repo}:{found[-1].upper()}" if found else None


def parse_name(text: str) -> ParsedName:
    """Split a model name into its parts; anything not understood lands in `extra`.

    Raises BadInputError for an empty or whitespace-only name (WrongTypeError, one too, for a text that is
    no str), and nothing else.
    """
    require_type(text, str, "llmsize.parse_name()", "a model name (a str)")
    stripped = fold_name(text).strip()
    if not stripped:
        raise BadInputError(
            "empty model name",
            hint="pass a model name such as Qwen2.5-7B-Instruct, a repo id, a local path or a .gguf file",
        )
    state = _State()
    name = _split_prefixes(hub_reference(stripped) or stripped, state)
    if ":" in name:
        name, tag = name.split(":", 1)
        state.ollama_tag = tag or None
    for part in (name, state.ollama_tag or ""):
        _classify_all(_tokenize(_strip_gguf_suffix(part, state)), state)
    return state.finish(text)


# --------------------------------------------------------------------------------------------
# Parsing state


@dataclass
class _State:
    """Fields collected while walking the tokens of one name."""

    org: str | None = None
    series: str | None = None
    version: str | None = None
    variants: list[str] = field(default_factory=list)
    params: int | None = None
    size_label: str | None = None
    size_word: str | None = None
    active_params: int | None = None
    active_label: str | None = None
    experts: int | None = None
    experts_from_e: bool = False
    training_type: str | None = None
    quant_method: str | None = None
    bits: float | None = None
    gguf_type: str | None = None
    gguf_file: bool = False
    dtype: str | None = None
    context: int | None = None
    base_model: str | None = None
    ollama_tag: str | None = None
    revision: str | None = None
    date: str | None = None
    extra: list[str] = field(default_factory=list)
    unquantized: bool = False  # the name says "unquantized": any quant it names is a target
    qat: bool = False  # the name says "qat"
    # "series" or "base" when the previous token named a family, so a number after it is its version
    last_family: str | None = None

    def finish(self, raw: str) -> ParsedName:
        params, active = self.params, self.active_params
        if self.experts_from_e and active is None:
            # Llama 4 names the active size and the expert count: "Llama-4-Scout-17B-16E".
            # REFERENCE: https://huggingface.co/meta-llama/Llama-4-Scout-17B-16E (17B active, 109B total)
            params, active = None, params
        quant, bits, gguf_type = self._finish_quant()
        size_label, variants = self._finish_size_label()
        return ParsedName(
            raw=raw,
            org=self.org,
            series=self.series,
            version=self.version,
            variant="-".join(variants) or None,
            params=params,
            active_params=active,
            experts=self.experts,
            size_label=size_label,
            training_type=self.training_type,
            quant_method=quant,
            bits=bits,
            gguf_type=gguf_type,
            dtype=self.dtype,
            context=self.context,
            base_model=self.base_model,
            ollama_tag=self.ollama_tag,
            revision=self.revision,
            date=self.date,
            qat=self.qat,
            extra=tuple(self.extra),
        )

    def _finish_size_label(self) -> tuple[str | None, list[str]]:
        """'30B-A3B', '17B-16E' as written; a size word only when the name gives no number."""
        variants = list(self.variants)
        label = self.size_label
        if self.active_label is not None:
            label = f"{label}-{self.active_label}" if label else self.active_label
        if self.experts_from_e and label is not None:
            label = f"{label}-{self.experts}E"  # "17B-16E"
        if self.size_word is not None:
            if label is None:
                label = self.size_word
            else:
                variants.append(self.size_word)  # "Mistral-Small-24B": 'small' is a product line
        return label, variants

    def _finish_quant(self) -> tuple[str | None, float | None, str | None]:
        if self.unquantized and not self.gguf_file:
            return None, _DTYPE_BITS.get(self.dtype or ""), None
        quant, bits, gguf_type = self.quant_method, self.bits, self.gguf_type
        if self.gguf_file and quant is None:
            quant = "gguf"
        if gguf_type is None and self.dtype is not None and self.in_gguf_context(quant):
            gguf_type = _GGUF_DTYPE_TYPES[self.dtype]
            quant = "gguf"
        if quant is None and bits is not None and self.org is not None and "mlx" in self.org.lower():
            quant = "mlx"  # mlx-community/...-4bit
        if bits is None and quant == "awq":
            bits = _AWQ_DEFAULT_BITS
        if bits is None and self.dtype is not None:
            bits = _DTYPE_BITS[self.dtype]
        return quant, bits, gguf_type

    def in_gguf_context(self, quant: str | None = None) -> bool:
        """A .gguf file, a GGUF token, or an Ollama tag (Ollama serves GGUF files)."""
        method = quant or self.quant_method
        return self.gguf_file or method == "gguf" or self.ollama_tag is not None


# --------------------------------------------------------------------------------------------
# Splitting


def _split_prefixes(text: str, state: _State) -> str:
    """Take the org (the path segment before the name) and a revision off; return the name."""
    segments = [s for s in _PATH_SPLIT_RE.split(text) if s]
    if not segments:
        state.extra.append(text)
        return ""
    name, prefixes = segments[-1], segments[:-1]
    if "@" in name:
        name, revision = name.rsplit("@", 1)
        state.revision = revision or None
    if prefixes:
        state.org = prefixes[-1]
        state.extra.extend(p for p in prefixes[:-1] if p.lower() not in _HOSTS)
    return name


# llama.cpp's gguf-split names the parts of a split model "<name>-00001-of-00003.gguf"
# (examples/gguf-split/gguf-split.cpp LLM_FILE_SPLIT_FORMAT "%s-%05d-of-%05d.gguf"): the part number
# says which file, not which model, so a name copied from a model page means the whole model.
_SPLIT_SUFFIX_RE = re.compile(r"-[0-9]{5}-of-[0-9]{5}$", re.IGNORECASE | re.ASCII)


def _strip_gguf_suffix(part: str, state: _State) -> str:
    if part.lower().endswith(_GGUF_SUFFIX):
        state.gguf_file = True
        part = part[: -len(_GGUF_SUFFIX)]
    return _SPLIT_SUFFIX_RE.sub("", part)


# NVIDIA writes versions with '_' for '.' ("Llama-3_3-Nemotron-Super-49B-v1_5", "Qwen2_5"): a '_'
# between the digits of a version is its point, never a separator (issue 15, round 5: "Qwen2_5-7B"
# was a Qwen2 approximated from "7B", with '5' not understood). GGUF types ("Q4_0") are kept whole.
_UNDERSCORE_VERSION_RE = re.compile(r"(?:[a-z]{1,24})?[0-9]{1,3}(?:_[0-9]{1,3}){1,3}", re.I | re.ASCII)


def _tokenize(part: str) -> list[str]:
    """Split on '-', whitespace, a non-decimal '.', '_' outside GGUF types and versions; keep spellings."""
    tokens: list[str] = []
    for chunk in _CHUNK_SPLIT_RE.split(part):
        for piece in _DOT_SPLIT_RE.split(chunk):
            version = _UNDERSCORE_VERSION_RE.fullmatch(piece) and not _GGUF_TYPE_RE.fullmatch(piece.lower())
            if "_" in piece and version:
                tokens.extend(_DOT_SPLIT_RE.split(piece.replace("_", ".")))
            elif "_" in piece:
                tokens.extend(m.group(0) for m in _UNDERSCORE_PIECE_RE.finditer(piece))
            elif piece:
                tokens.append(piece)
    return tokens


# --------------------------------------------------------------------------------------------
# Classification: each _take_* returns True when it consumed the token.


# Repo-name prefixes that name the publisher, not the family ("c4ai-command-r7b-12-2024": Cohere For AI).
_PUBLISHER_PREFIXES = frozenset({"c4ai"})
# A family letter glued to the size, after a two-token family ("command-r7b" is Command R at 7B).
_GLUED_SIZE_RE = re.compile(rf"([a-z])({_NUM}[mbt])")
# Cohere's month-year release tags ("-03-2025"), read as the year-month tag other names use ("2503").
_MONTH_RE = re.compile(r"0[1-9]|1[0-2]")
_YEAR_RE = re.compile(r"20[0-9]{2}")


def _classify_all(tokens: list[str], state: _State) -> None:
    if tokens and tokens[0].lower() in _PUBLISHER_PREFIXES and len(tokens) > 1:
        state.org = state.org or tokens[0]
        tokens = tokens[1:]
    tokens = _join_month_year(tokens)
    start = _take_series(tokens, state) if state.series is None else 0
    for word in tokens[start:]:
        low = word.lower()
        previous, state.last_family = state.last_family, None
        if not (_take_version(low, previous, state) or _take_part(low, state)):
            state.extra.append(word)


def _join_month_year(tokens: list[str]) -> list[str]:
    """Fold a trailing "MM-YYYY" pair into one "YYMM" token, so the month is not read as a version."""
    if len(tokens) >= 3 and _MONTH_RE.fullmatch(tokens[-2]) and _YEAR_RE.fullmatch(tokens[-1]):
        return [*tokens[:-2], tokens[-1][2:] + tokens[-2]]
    return tokens


def _take_part(low: str, state: _State) -> bool:
    return (
        _take_size(low, state)
        or _take_effective_size(low, state)
        or _take_moe_size(low, state)
        or _take_active(low, state)
        or _take_experts(low, state)
        or _take_context(low, state)
        or _take_date(low, state)
        or _take_gguf_type(low, state)
        or _take_quant(low, state)
        or _take_dtype(low, state)
        or _take_words(low, state)
        or _take_base_family(low, state)
        or _take_unquantized(low, state)
        or _take_qat(low, state)
        or low in _MARKERS
    )


def _take_unquantized(low: str, state: _State) -> bool:
    """"unquantized": the checkpoint is stored unquantized, whatever format the name also states.

    Google's "gemma-3-27b-it-qat-q4_0-unquantized" holds the quantization-aware-trained weights in
    bf16 safetensors (to be quantized to Q4_0 by the user); its "q4_0" names the target, not the
    file, which was sized as a 4-bit GGUF (issue 15, round 5).
    """
    if low != "unquantized":
        return False
    state.unquantized = True
    return True


def _take_qat(low: str, state: _State) -> bool:
    """"qat": a quantization-aware-trained checkpoint. It names no format by itself (Google ships
    gemma-3 QAT as Q4_0 GGUF and as bf16 "-unquantized"), so only the flag is kept; specs/qat.py
    turns it into the publisher's file (issue 15: parse listed it as not understood while estimate
    sized gemma3:27b-it-qat as Google's Q4_0 file)."""
    if low != "qat":
        return False
    state.qat = True
    return True


def _take_series(tokens: list[str], state: _State) -> int:
    """Read the family (one or two tokens) and a version glued to it; return the tokens used."""
    if not tokens:
        return 0
    first = tokens[0].lower()
    second = _SERIES_VERSION_RE.fullmatch(tokens[1].lower()) if len(tokens) > 1 else None
    if second is not None and (first, second.group(1)) in _COMPOUND_SERIES:
        state.series = _COMPOUND_SERIES[(first, second.group(1))]  # "Meta-Llama", "gpt-oss"
        state.version = second.group(2)
        state.last_family = "series"
        return 2
    glued = _GLUED_SIZE_RE.fullmatch(tokens[1].lower()) if len(tokens) > 1 else None
    if glued is not None and (first, glued.group(1)) in _COMPOUND_SERIES:
        state.series = _COMPOUND_SERIES[(first, glued.group(1))]  # "command-r7b": Command R, 7B
        state.last_family = "series"
        _take_size(glued.group(2), state)
        return 2
    if _V_VERSION_RE.fullmatch(first) or _take_part(first, _State()):
        return 0  # plainly another part ("7B-Instruct", "GGUF-..."), not a family
    if match := _SERIES_VERSION_VL_RE.fullmatch(first):
        state.series, state.version = match.group(1), match.group(2)
        state.variants.append("vl")
    elif match := _SERIES_VERSION_RE.fullmatch(first):
        state.series, state.version = match.group(1), match.group(2)
    elif _SERIES_WORD_RE.fullmatch(first):
        state.series = first  # "phi3mini", "gpt4all": a family spelled with digits inside
    else:
        return 0
    state.last_family = "series"
    return 1


def _take_version(low: str, previous: str | None, state: _State) -> bool:
    """A version after the family ("Llama-2", "DeepSeek-R1"), after a size word, or "v0.1" anywhere."""
    if previous == "base" and state.base_model is not None and _BARE_VERSION_RE.fullmatch(low):
        state.base_model += low  # "Hermes-3-Llama-3.1-8B" -> base 'llama3.1'
        return True
    if state.version is not None:
        return False
    after_family = previous == "series" and state.params is None
    if after_family and low.endswith("v") and _BARE_VERSION_RE.fullmatch(low[:-1]):
        # "GLM-4.5V", "GLM-4.6V": Z.ai's vision releases glue a 'V' to the version; it names the 'vl'
        # sub-family (so "GLM-4.5V-FP8" finds GLM-4.5V, never the text model GLM-4.5)
        state.version = low[:-1]
        state.variants.append("vl")
        return True
    if after_family and (
        _BARE_VERSION_RE.fullmatch(low) or _LETTER_VERSION_RE.fullmatch(low) or _N_VERSION_RE.fullmatch(low)
    ):
        state.version = low
        return True
    if _V_VERSION_RE.fullmatch(low):
        state.version = low
        return True
    if state.params is None and _BARE_VERSION_RE.fullmatch(low):
        state.version = low  # "Mistral-Small-3.1-24B": the version follows a size word
        return True
    return False


def _size_value(number: str, unit: str) -> int:
    return int(Fraction(number) * _SIZE_SCALE[unit])


def _size_text(number: str, unit: str) -> str:
    return f"{number}{unit.upper()}"


def _take_size(low: str, state: _State) -> bool:
    match = _SIZE_RE.fullmatch(low)
    if match is None:
        return False
    number, unit = match.groups()
    if state.params is None and state.experts is None:
        state.params = _size_value(number, unit)
        state.size_label = _size_text(number, unit)
        return True
    if unit == "m" and state.context is None:  # "-7B-Instruct-1M": a context length, 1M = 2**20
        state.context = int(Fraction(number) * 2**20)
        return True
    return False


def _take_effective_size(low: str, state: _State) -> bool:
    """"E4B": a size label only. Gemma's effective size excludes per-layer embeddings, so it is not
    the total (gemma-3n-E4B holds about 8B: https://huggingface.co/google/gemma-3n-E4B-it)."""
    match = _EFFECTIVE_SIZE_RE.fullmatch(low)
    if match is None or state.params is not None or state.size_label is not None:
        return False
    state.size_label = f"E{match.group(1)}B"
    return True


def _take_moe_size(low: str, state: _State) -> bool:
    match = _MOE_SIZE_RE.fullmatch(low)
    if match is None or state.params is not None:
        return False
    experts, number, unit = match.groups()
    state.experts = int(experts)
    # Nominal: experts x the per-expert size the name writes, not the real parameter count.
    state.params = int(experts) * _size_value(number, unit)
    state.size_label = f"{experts}x{_size_text(number, unit)}"
    return True


def _take_active(low: str, state: _State) -> bool:
    match = _ACTIVE_RE.fullmatch(low)
    if match is None or state.active_params is not None:
        return False
    number, unit = match.groups()
    state.active_params = _size_value(number, unit)
    state.active_label = f"A{_size_text(number, unit)}"
    return True


def _take_experts(low: str, state: _State) -> bool:
    match = _EXPERTS_RE.fullmatch(low)
    if match is None or state.experts is not None or state.params is None:
        return False
    state.experts = int(match.group(1))
    state.experts_from_e = True
    return True


def _take_context(low: str, state: _State) -> bool:
    match = _CONTEXT_K_RE.fullmatch(low)
    if match is None or state.context is not None:
        return False
    state.context = int(Fraction(match.group(1)) * 2**10)  # "4k" = 4096, "128k" = 131072
    return True


def _take_date(low: str, state: _State) -> bool:
    if state.date is not None or not _DATE_RE.fullmatch(low):
        return False
    state.date = low
    return True


def _take_gguf_type(low: str, state: _State) -> bool:
    if state.gguf_type is not None or not _GGUF_TYPE_RE.fullmatch(low):
        return False
    if state.quant_method not in (None, "gguf"):
        return False
    state.gguf_type = low.upper()
    state.quant_method = "gguf"
    if state.bits is None:
        state.bits = float(next(c for c in low if c.isdigit()))  # nominal: Q4_K_M -> 4
    return True


def _take_quant(low: str, state: _State) -> bool:
    if low in _QUANT_METHODS:
        method = _QUANT_METHODS[low]
        if state.quant_method not in (None, method):
            return False
        state.quant_method = method
        return True
    if low in _QUANT_PRECISIONS:
        method, bits = _QUANT_PRECISIONS[low]
        if state.in_gguf_context() and state.gguf_type is None:
            state.gguf_type = low.upper()  # "gpt-oss-20b-MXFP4.gguf": a llama.cpp type
            state.quant_method = "gguf"
        elif state.quant_method is None:
            state.quant_method = method
        return _set_bits(state, bits)
    return _take_bits(low, state)


def _take_bits(low: str, state: _State) -> bool:
    """Precision spellings: Int4, 4bit, 4.65bpw (EXL2), w4a16 (compressed-tensors)."""
    if match := _INT_BITS_RE.fullmatch(low) or _NBIT_RE.fullmatch(low):
        return _set_bits(state, float(match.group(1)))
    if match := _BPW_RE.fullmatch(low):
        return _set_bits(state, float(match.group(1)))
    if match := _WA_RE.fullmatch(low):
        if not _set_bits(state, float(match.group(1))):
            return False
        state.quant_method = state.quant_method or "compressed-tensors"
        return True
    return False


def _set_bits(state: _State, bits: float) -> bool:
    """Record the bits; a second, different precision is not understood (it goes to extra)."""
    if state.bits is not None and state.bits != bits:
        return False
    state.bits = bits
    return True


def _take_dtype(low: str, state: _State) -> bool:
    if low not in _DTYPES or state.dtype is not None:
        return False
    state.dtype = _DTYPES[low]
    return True


def _take_words(low: str, state: _State) -> bool:
    """Training type, variant and size words."""
    if low == "pt" and state.series == "ernie":
        # Baidu's "-PT" is the weights' format: '"-Paddle" models use PaddlePaddle weights, while "-PT" models
        # use Transformer-style PyTorch weights' (the ERNIE 4.5 model cards); ERNIE-4.5-21B-A3B-PT is the
        # post-trained model, -Base-PT the base. Read as Gemma's "pt" (pretrained), the headline called the
        # post-trained model "base" (issue 15, round 19).
        return True
    if low in _TRAINING_TYPES and state.training_type is None:
        state.training_type = _TRAINING_TYPES[low]
        return True
    if low in _VARIANTS:
        state.variants.append(low)
        return True
    if low in _SIZE_WORDS and state.size_word is None:
        state.size_word = low
        return True
    return False


def _take_base_family(low: str, state: _State) -> bool:
    """A second family after the series: the base of a distill or fine-tune ("Distill-Qwen")."""
    if state.series is None or state.base_model is not None:
        return False
    match = _SERIES_VERSION_RE.fullmatch(low)
    if match is None or match.group(1) not in _BASE_FAMILIES:
        return False
    state.base_model = low
    state.last_family = "base"
    return True
