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
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.specs.models import ModelSpec


@dataclass(frozen=True)
class GgufSource:
    """A repo that holds `file_type` files: `tag` is what `-hf` appends (None: the repo's one file)."""

    repo: str
    file_type: str
    tag: str | None


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
    if hub_model.lower().endswith("-gguf") or "/" not in hub_model:
        kind = file_type or DEFAULT_GGUF_TYPE
        return GgufSource(hub_model, kind, kind)
    org, name = hub_model.split("/", 1)
    known = _KNOWN.get(hub_model.lower())
    if known is not None and (file_type is None or file_type.upper() == known.file_type):
        return known
    kind = (file_type or DEFAULT_GGUF_TYPE).upper()
    owner = org if org.lower() in _OWN_GGUF_ORGS else _COMMUNITY_ORG
    return GgufSource(f"{owner}/{name}-GGUF", kind, kind)


def repo_file_type(repo: str) -> str:
    """The GGUF type `-hf REPO` pulls without a tag: a known repo's one file type (ggml-org's gpt-oss
    repos hold MXFP4 only), else llama.cpp's default. `check` read `plan`'s own `-hf
    ggml-org/gpt-oss-120b-GGUF` as Q4_K_M and refused the layout plan had fitted (issue 15, round 10)."""
    known = next((k for k in _KNOWN.values() if k.repo.lower() == repo.lower() and k.tag is None), None)
    return known.file_type if known is not None else DEFAULT_GGUF_TYPE


def default_file_type(spec: ModelSpec, hub_model: str) -> str:
    """The GGUF type of the file `-hf` pulls when no --quant asks for one (sizing follows it)."""
    known = _KNOWN.get(hub_model.lower()) or _KNOWN.get((spec.hf_repo or "").lower())
    return known.file_type if known is not None else DEFAULT_GGUF_TYPE


# The GGUF type a llama.cpp or Ollama command pulls when the request names none: the repos' and
# Ollama library's default file (`ollama pull qwen3` serves Q4_K_M; llama-server -hf picks Q4_K_M
# when the tag is left out: common/arg.cpp, "default quant Q4_K_M").
DEFAULT_GGUF_TYPE = "Q4_K_M"
