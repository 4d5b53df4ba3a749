"""Which Hub repo `plan`'s llama-server command pulls (`-hf REPO[:TAG]`) for a checkpoint.

`-hf` needs a repo that exists and holds the file: `{org}/{model}-GGUF` under the checkpoint's own org
does for a publisher that publishes GGUFs (Qwen) and for nobody else: meta-llama, google, mistralai,
openai and deepseek-ai publish none under that name (issue: `plan Llama-3.1-8B-Instruct --engine
llama.cpp` printed `-hf meta-llama/Llama-3.1-8B-Instruct-GGUF:Q4_K_M`). The rule, in order:

1. a repo the input already names as a GGUF repo (`...-GGUF`) is kept;
2. a checkpoint whose GGUF home is known (`_KNOWN`, each with the page that lists the file);
3. the publisher's own `{org}/{model}-GGUF` where the publisher publishes them (`_OWN_GGUF_ORGS`);
4. else unsloth's community repo `unsloth/{model}-GGUF` (their naming for every model they quantize).

The tag is the file's GGUF type (llama.cpp matches it against the repo's file names); a repo whose
only file is the one wanted is pulled without a tag, as its publisher's own guide writes it.

A GGUF file name asks for its own checkpoint (`gguf_name_source`): `Qwen2.5-7B-Instruct-Q4_K_M` is the
Instruct model's file even where the catalog holds it as an alias of the base entry (Qwen/Qwen2.5-7B);
`plan` pulled `Qwen/Qwen2.5-7B-GGUF` for it (issue 15). bartowski's "{org}_{model}-{TYPE}.gguf" names
his own repo. Rules 3 and 4 are naming conventions, not facts: the source says so (`note`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmsize.specs.models import ModelSpec


@dataclass(frozen=True)
class GgufSource:
    """A repo that holds `file_type` files: `tag` is what `-hf` appends (None: the repo's one file);
    `note` says when the repo is a guess from a naming convention rather than a known file."""

    repo: str
    file_type: str
    tag: str | None
    note: str | None = None


# Checkpoint repo (lower case) -> the GGUF repo that holds its file, with where that was read.
_KNOWN: dict[str, GgufSource] = {
    # ggml-org's own MXFP4 files, the ones llama.cpp's guide pulls (`llama-server -hf
    # ggml-org/gpt-oss-120b-GGUF`, ggml-org/llama.cpp discussion #15396 "guide: running gpt-oss with
    # llama.cpp"); the repo holds gpt-oss-120b-mxfp4-0000{1..3}-of-00003.gguf, 59.02 GiB in
    # llama-bench (community.frame.work/t/.../73280/26) and nothing else, so no tag.
    "openai/gpt-oss-20b": GgufSource("ggml-org/gpt-oss-20b-GGUF", "MXFP4_MOE", None),
    "openai/gpt-oss-120b": GgufSource("ggml-org/gpt-oss-120b-GGUF", "MXFP4_MOE", None),
    # meta-llama publishes no GGUF; bartowski's repo predates his "{org}_{model}" naming:
    # huggingface.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF lists
    # Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf 4.92 GB.
    "meta-llama/llama-3.1-8b-instruct": GgufSource(
        "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "Q4_K_M", "Q4_K_M"
    ),
    # the repo's name before meta-llama renamed it (huggingface.co redirects it), the file's own spelling
    "meta-llama/meta-llama-3.1-8b-instruct": GgufSource(
        "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "Q4_K_M", "Q4_K_M"
    ),
    # Qwen's own: huggingface.co/Qwen/Qwen3-4B-GGUF shows `llama-server -hf Qwen/Qwen3-4B-GGUF:Q4_K_M`, and
    # Qwen/Qwen3-8B-GGUF is its sibling; Qwen/Qwen2.5-7B-Instruct-GGUF holds qwen2.5-7b-instruct-q4_k_m
    # (huggingface.co/Qwen/Qwen2.5-7B-Instruct-GGUF/resolve/main/qwen2.5-7b-instruct-q4_k_m.gguf, 4.4 GB).
    "qwen/qwen3-4b": GgufSource("Qwen/Qwen3-4B-GGUF", "Q4_K_M", "Q4_K_M"),
    "qwen/qwen3-8b": GgufSource("Qwen/Qwen3-8B-GGUF", "Q4_K_M", "Q4_K_M"),
    "qwen/qwen2.5-7b-instruct": GgufSource("Qwen/Qwen2.5-7B-Instruct-GGUF", "Q4_K_M", "Q4_K_M"),
    # mistralai publishes no GGUF: huggingface.co/MaziyarPanahi/Mistral-7B-Instruct-v0.3-GGUF lists
    # Mistral-7B-Instruct-v0.3.Q4_K_M.gguf 4.37 GB.
    "mistralai/mistral-7b-instruct-v0.3": GgufSource(
        "MaziyarPanahi/Mistral-7B-Instruct-v0.3-GGUF", "Q4_K_M", "Q4_K_M"
    ),
}

# Publishers whose own org holds "{model}-GGUF": Qwen (huggingface.co/Qwen/Qwen3-4B-GGUF shows
# `llama-server -hf Qwen/Qwen3-4B-GGUF:Q4_K_M`; Qwen/Qwen3-8B-GGUF, Qwen/Qwen2.5-0.5B-Instruct-GGUF).
_OWN_GGUF_ORGS = frozenset({"qwen"})

# unsloth's repos are "unsloth/{model}-GGUF" with "{model}-Q4_K_M.gguf" inside:
# huggingface.co/unsloth/gemma-3-12b-it-GGUF (gemma-3-12b-it-Q4_K_M.gguf 7.3 GB),
# huggingface.co/unsloth/DeepSeek-R1-Distill-Qwen-7B-GGUF (DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf 4.68 GB),
# unsloth/gpt-oss-120b-GGUF (Q4_K_M, Q8_0, F16 ...: ailocalcheck.com/model/unsloth/gpt-oss-120b-GGUF).
_COMMUNITY_ORG = "unsloth"


def gguf_source(hub_model: str, file_type: str | None = None) -> GgufSource:
    """The repo `-hf` pulls for `hub_model` ("org/name" or a plain name); `file_type` None: the
    repo's default file."""
    repo, colon, named_tag = hub_model.partition(":")
    if colon and repo.lower().endswith("-gguf") and "/" in repo and not named_tag:
        hub_model = repo  # "org/NAME-GGUF:" with no tag: the repo alone
    elif colon and repo.lower().endswith("-gguf") and "/" in repo:
        # "org/NAME-GGUF:TAG" as `llama-server -hf` takes it (the repo, then the file's tag, which keeps
        # unsloth's "UD-" and "_XL" where the plan sized the type under them): the tag is the user's,
        # unless --quant sized another type (issue 15: it became "...-GGUF:UD-Q2_K_XL-GGUF:Q2_K")
        kind = (file_type or named_tag).upper()
        kept = kind in named_tag.upper().removeprefix("UD-")
        return GgufSource(repo, kind, named_tag if kept else kind)
    if hub_model.lower().endswith("-gguf") or "/" not in hub_model:
        kind = file_type or DEFAULT_GGUF_TYPE
        return GgufSource(hub_model, kind, kind)
    org, name = hub_model.split("/", 1)
    known = _KNOWN.get(hub_model.lower())
    if known is not None and (file_type is None or file_type.upper() == known.file_type):
        return known
    kind = (file_type or DEFAULT_GGUF_TYPE).upper()
    own = org.lower() in _OWN_GGUF_ORGS
    repo = f"{org if own else _COMMUNITY_ORG}/{name}-GGUF"
    who = f"{org}'s own" if own else f"{_COMMUNITY_ORG}'s community"
    note = (
        f"the GGUF repo is a guess from {who} naming: llmsize cannot know that {repo} exists and holds a "
        f"{kind} file (check huggingface.co/{repo}, or give the GGUF repo: llmsize plan ORG/NAME-GGUF)"
    )
    return GgufSource(repo, kind, kind, note)


# bartowski names his repos and files after "{org}_{model}" (huggingface-cli download
# bartowski/Qwen_Qwen3-8B-GGUF --include "Qwen_Qwen3-8B-Q4_K_M.gguf": the repo's README, quoted at
# model.aibase.com/en/models/details/1924737620978700288).
_BARTOWSKI = "bartowski"
# unsloth's dynamic quants add "UD-" before the type, and -hf names them with it: `llama-server -hf
# unsloth/Qwen3.5-35B-A3B-GGUF:UD-Q4_K_XL` (launch scripts and configs quoting unsloth's repos).
_FILE_TAIL = re.compile(r"(?P<ud>[-._]UD)?[-._](?P<type>[A-Za-z0-9_]+)$")


@dataclass(frozen=True)
class _GgufName:
    stem: str  # the checkpoint part ("Qwen2.5-7B-Instruct")
    file_type: str | None  # the GGUF type the name states (None: a "-GGUF" repo name)
    dynamic: bool  # unsloth's "UD-" dynamic quant


def gguf_name_source(
    spec: ModelSpec, model_input: str, file_type: str, asked: str | None = None
) -> GgufSource | None:
    """The repo for a GGUF file name or "-GGUF" repo name without an org (None: not one, or no catalog
    repo to take the org from): bartowski's for his "{org}_{model}" names, unsloth's for a "UD-" one, else
    the rules above for the checkpoint the name spells, under the catalog repo's org. The file is the
    type --quant asks (`asked`), else the one the name states, else `file_type` (what the plan sized)."""
    if "/" in model_input or not spec.hf_repo or "/" not in spec.hf_repo:
        return None
    named = _gguf_name(model_input)
    if named is None:
        return None
    kind = (asked or named.file_type or file_type).upper()
    org = spec.hf_repo.split("/", 1)[0]
    if named.stem.lower().startswith(org.lower() + "_"):
        stem = f"{org}_{_catalog_spelling(named.stem[len(org) + 1:])}"
        return GgufSource(f"{_BARTOWSKI}/{stem}-GGUF", kind, kind)
    checkpoint = _catalog_spelling(named.stem)
    if named.dynamic and asked is None:
        return GgufSource(f"{_COMMUNITY_ORG}/{checkpoint}-GGUF", kind, f"UD-{kind}")
    return gguf_source(f"{org}/{checkpoint}", kind)


def _gguf_name(model_input: str) -> _GgufName | None:
    """The parts of a GGUF file name ("Qwen2.5-7B-Instruct-Q4_K_M.gguf" -> "Qwen2.5-7B-Instruct", Q4_K_M;
    "Mistral-7B-Instruct-v0.3.Q4_K_M" -> "Mistral-7B-Instruct-v0.3") or of "NAME-GGUF"; None for neither."""
    from llmsize.errors import LlmsizeError
    from llmsize.names import parse_name

    try:
        file_type = parse_name(model_input).gguf_type
    except LlmsizeError:
        return None
    name = model_input.rsplit("/", 1)[-1]
    name = re.sub(r"\.gguf$", "", name, flags=re.IGNORECASE)
    name = re.sub(r"-[0-9]{5}-of-[0-9]{5}$", "", name)  # gguf-split's part suffix
    if name.lower().endswith("-gguf"):
        stem = name[: -len("-gguf")]
        return _GgufName(stem, None, False) if stem else None
    tail = _FILE_TAIL.search(name)
    if tail is None or file_type is None or tail.group("type").upper() != file_type.upper():
        return None
    stem = name[: tail.start()]
    return _GgufName(stem, file_type, tail.group("ud") is not None) if stem else None


def _catalog_spelling(stem: str) -> str:
    """The spelling the catalog gives a name typed in other case ("qwen2.5-7b-instruct", as Qwen's own
    file names write it, is the repo "Qwen2.5-7B-Instruct"); the name as typed when it lists none."""
    from llmsize.specs.catalog import get

    entry = get(stem)
    if entry is None:
        return stem
    fold = stem.lower().replace("_", "-")
    names = (n.rsplit("/", 1)[-1] for n in entry.names if ":" not in n)
    return next((n for n in names if n.lower().replace("_", "-") == fold), stem)


def repo_file_type(repo: str) -> str:
    """The GGUF type `-hf REPO` pulls without a tag: a known repo's one file type (ggml-org's gpt-oss
    repos hold MXFP4 only), else llama.cpp's default. `check` read `plan`'s own `-hf
    ggml-org/gpt-oss-120b-GGUF` as Q4_K_M and refused the layout plan had fitted (issue 15, round 10)."""
    from llmsize.estimate.engines.llama_cpp_download import ONE_TYPE_REPOS  # the one list of such repos

    return ONE_TYPE_REPOS.get(repo.lower(), DEFAULT_GGUF_TYPE)


def default_file_type(spec: ModelSpec, hub_model: str) -> str:
    """The GGUF type of the file `-hf` pulls when no --quant asks for one (sizing follows it)."""
    known = _KNOWN.get(hub_model.lower()) or _KNOWN.get((spec.hf_repo or "").lower())
    return known.file_type if known is not None else DEFAULT_GGUF_TYPE


# The GGUF type a llama.cpp or Ollama command pulls when the request names none: the repos' and
# Ollama library's default file (`ollama pull qwen3` serves Q4_K_M; llama-server -hf picks Q4_K_M
# when the tag is left out: common/arg.cpp, "default quant Q4_K_M").
DEFAULT_GGUF_TYPE = "Q4_K_M"
