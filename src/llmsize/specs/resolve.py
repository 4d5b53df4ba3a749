"""MODEL (a name, a repo id, a folder, a config.json or a .gguf file) -> ModelSpec. Never prints.

Order (DESIGN.md): an existing path is read locally; a plain name goes to the bundled catalog,
then to an approximation from the size in the name; an `org/name` repo id goes to the Hub, and
when the Hub cannot be reached (or HF_HUB_OFFLINE=1) to the cache, then the catalog. Every
fallback is written into `spec.warnings`, and `spec.provenance` says where the numbers came from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from llmsize.errors import (
    BadInputError,
    ConfigError,
    GatedRepoError,
    HubError,
    LlmsizeError,
    ModelNotFoundError,
    one_line,
    require_type,
)
from llmsize.local_path import existing_path, is_link
from llmsize.names import fold_name, hub_reference
from llmsize.resources import open_input
from llmsize.specs import cache, hub, local, ollama
from llmsize.specs.cache import HubSnapshot
from llmsize.specs.local import spec_from_config, with_checkpoint
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind

_REPO_ID = re.compile(r"^(?P<repo>[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95})(?:@(?P<rev>[\w./-]+))?$")
_COMMIT_SHA = re.compile(r"^[0-9a-f]{40}$")
_FILE_SUFFIXES = (".gguf", ".json", ".safetensors", ".bin")
_INPUT_HINT = (
    "pass a model name (Qwen2.5-7B-Instruct), a Hugging Face repo id (Qwen/Qwen2.5-7B), "
    "a folder or config.json of a model, or a .gguf file"
)


def resolve(
    model: str | os.PathLike[str],
    *,
    revision: str | None = None,
    offline: bool | None = None,
    trust_remote_code: bool = False,
    engine: str | None = None,
) -> ModelSpec:
    """The ModelSpec for `model`; `offline=None` follows HF_HUB_OFFLINE.

    `trust_remote_code` never runs repository code; it only acknowledges configs that rely on it
    (auto_map), which otherwise carry a warning that only their standard fields were read. With
    `engine="ollama"` a bare Ollama library name ("deepseek-r1") is what `ollama run` pulls: its
    latest tag (specs/ollama.py `pull_name`), not the Hugging Face model of that name.
    """
    if isinstance(model, os.PathLike):  # a pathlib.Path of a model folder or file is what it names
        model = os.fspath(model)
    require_type(model if model is not None else "", str, "llmsize.resolve()",
                 "a model name, repo id or path (a str or a pathlib.Path)")
    text = (model or "").strip()
    if engine is not None and str(engine) == "ollama":
        text = ollama.pull_name(text)
    if not text:
        raise BadInputError("no model given", hint=_INPUT_HINT)
    _check_text(text)
    path = existing_path(text)
    if path is not None:
        return _from_path(path, trust_remote_code=trust_remote_code)
    folded = fold_name(text).strip()
    if folded != text:  # a name typed with full-width letters or a typographic dash (never a path)
        _check_text(folded)
        spec = _from_text(folded, revision, offline, trust_remote_code)
        said = f"read {_shown(text)} as {folded!r} (full-width or typographic characters folded to ASCII)"
        return spec.model_copy(update={"warnings": (said, *spec.warnings)})
    spec = _from_text(text, revision, offline, trust_remote_code)
    if engine is not None and str(engine) == "ollama":
        return _as_library_tag(spec)
    pulled = ollama.pull_name(text)  # Ollama spells its libraries in lower case ("DeepSeek-R1": the HF name)
    return spec if pulled == text or text != text.lower() else _with_library_note(spec, text, pulled)


def _billions(params: int) -> str:
    """A parameter count for a sentence: whole billions for large models, one decimal below 10B, millions
    below 1B (a sub-0.5B model read "0B")."""
    if params < 1e9:
        return f"{params / 1e6:,.0f}M"
    return f"{params / 1e9:,.1f}B" if params < 10e9 else f"{params / 1e9:,.0f}B"


def _with_library_note(spec: ModelSpec, text: str, pulled: str) -> ModelSpec:
    """A bare name that is both a catalog model and an Ollama library ("deepseek-r1": DeepSeek-R1, 671B in
    FP8, and what `ollama run deepseek-r1` pulls, deepseek-r1:latest, the 8B distill in Q4_K_M) says which
    it sized and how to size the other. It was sized as the 671B model without a word (issue 15, newcomer
    round 12); `--engine ollama` already reads it as the library's latest tag."""
    try:
        tagged = _from_name(pulled)
    except LlmsizeError:
        return spec
    from llmsize.specs.params import total_params

    ours, theirs = total_params(spec), total_params(tagged)
    if (theirs, tagged.weight_format) == (ours, spec.weight_format):
        return spec  # the name already was the library's tag ("llama3.3")
    said = (f"{text!r} is sized as the Hugging Face model of that name ({_billions(ours)}, "
            f"{spec.weight_format.label()}); it is "
            f"also an Ollama library name: `ollama run {text}` pulls {pulled} ({_billions(theirs)}, "
            f"{tagged.weight_format.label()}), which `llmsize estimate {pulled}` or --engine ollama sizes")
    return spec.model_copy(update={"warnings": (*spec.warnings, said)})


def _as_library_tag(spec: ModelSpec) -> ModelSpec:
    """A checkpoint Ollama serves as the library tag the catalog lists for it (qwen3:8b for Qwen3-8B): that
    file's towers and MTP layers, as the tag itself resolves (ollama.as_published); the engine module gives
    its GGUF type. gemma-3n-E4B-it under --engine ollama kept the vision and audio towers gemma3n:e4b's
    text-only file leaves out: 9.45 GB where the tag is 7.49 (issue 15, round 6)."""
    if spec.weight_format.quant is not None or spec.provenance.kind not in (
        ProvenanceKind.CATALOG, ProvenanceKind.HUB, ProvenanceKind.CACHE
    ):
        return spec
    tagged = ollama.library_tag(spec.name)
    ref = ollama.parse_reference(tagged[1]) if tagged is not None else None
    return ollama.as_published(spec, ref) if ref is not None else spec


def _from_text(text: str, revision: str | None, offline: bool | None, trust_remote_code: bool) -> ModelSpec:
    """A name, an Ollama reference or a repo id (anything but an existing path)."""
    from llmsize.specs.name_list import compare_hint, model_list
    from llmsize.specs.pasted_command import refusal

    pasted = refusal(text)
    if pasted is not None:  # `ollama run gpt-oss:20b` pasted from a model card (pasted_command.py)
        raise BadInputError(pasted[0], hint=pasted[1])
    several = model_list(text)
    if several is not None:  # `Qwen3.5-9B,gemma-4-E4B-it`, typed as --gpus takes GPUs (name_list.py)
        raise BadInputError(f"{_shown(text)} names {len(several)} models (commas separate them); "
                            "this sizes one model", hint=compare_hint(several))
    in_library = ollama.without_library_prefix(text)
    if in_library is not None:  # "ollama.com/library/qwen3" is the tag (or bare name) after it, not a path
        return _from_text(in_library, revision, offline, trust_remote_code)  # (issue 15, round 6)
    if ollama.parse_reference(text) is not None:
        return _from_name(text)
    hub = hub_reference(text)
    if hub is not None:
        return _from_text(hub, revision, offline, trust_remote_code)
    if _looks_like_path(text):
        if is_link(text):  # exists() follows the link: a loop or a dangling target reads as absent
            raise ModelNotFoundError(f"{text} is a symbolic link that loops or points nowhere")
        raise ModelNotFoundError(f"{text} does not exist", hint=_missing_file_hint(text))
    repo = _REPO_ID.match(text)
    if repo and revision and repo["rev"] and revision != repo["rev"]:
        raise BadInputError(
            f"{_shown(text)} names revision {repo['rev']!r} and --revision says {revision!r}",
            hint="give the revision once",
        )
    if repo:
        return _from_repo(
            repo["repo"], revision or repo["rev"], offline=_offline_env() if offline is None else offline,
            trust_remote_code=trust_remote_code,
        )
    return _from_name(text)


MAX_NAME_CHARS = 255  # the longest file name most file systems allow; no model name comes near it
MAX_PATH_CHARS = 4096  # PATH_MAX on Linux


def _shown(text: str) -> str:
    """`text` quoted for a one-line message (errors.one_line: escapes, the middle of a long one cut)."""
    return one_line(repr(text), 60)


def _check_text(text: str) -> None:
    """Refuse what is no model name or path before anything echoes it or hands it to the OS."""
    if any("\udc80" <= c <= "\udcff" for c in text):
        # Python's stand-ins for bytes that are not UTF-8 (surrogateescape): a folder named in Latin-1 was
        # refused as holding "control characters (a newline, an escape sequence...)" (issue 15, round 8)
        raise BadInputError(
            f"{_shown(text)} holds bytes that are not UTF-8 (a file name from another encoding); llmsize "
            "cannot show or save it", hint="rename the folder or file, or link it under a UTF-8 name",
        )
    if not text.isprintable() and any(_invisible(c) for c in text):
        raise BadInputError(
            f"{_shown(text)} holds control characters (a newline, an escape sequence, a direction "
            "override)", hint=_INPUT_HINT,
        )
    if len(text) > MAX_PATH_CHARS or (len(text) > MAX_NAME_CHARS and not _looks_like_path(text)):
        raise BadInputError(
            f"the model name is {len(text):,} characters long: {_shown(text)}", hint=_INPUT_HINT
        )


def _invisible(c: str) -> bool:
    """A control character, or an invisible format character (zero-width joiner, byte-order mark,
    a right-to-left override that reverses what the terminal shows after it, a line separator).
    Spaces other than ASCII's (a no-break space) may be in a folder name and pass."""
    return ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029" or not (c.isprintable() or c.isspace())


def _looks_like_path(text: str) -> bool:
    """A path that does not exist, as opposed to a repo id: explicit prefixes, file suffixes, or deep."""
    return (
        text.startswith(("/", "./", "../", "~", "\\", ".\\"))
        or re.match(r"^[A-Za-z]:[\\/]", text) is not None
        or text.lower().endswith(_FILE_SUFFIXES)
        or text.count("/") > 1
        or "\\" in text
    )


def _missing_file_hint(text: str) -> str:
    """What to do about a file that is not there. A bare GGUF file name ("Llama-3.1-8B-Instruct-Q4_K_M.gguf",
    what a model page lists) names a model by itself: sizing it by name is offered when that works."""
    stem = text[: -len(".gguf")] if text.lower().endswith(".gguf") else ""
    stem = re.sub(r"-[0-9]{5}-of-[0-9]{5}$", "", stem)  # a part of a split model names the whole model
    if stem and "/" not in text and "\\" not in text:
        from llmsize.specs import catalog

        try:  # bartowski's "Qwen_Qwen3-30B-A3B-Q4_K_M.gguf" as well (issue 15, round 6: the generic hint)
            found = catalog.find(stem) is not None or _bartowski(stem) is not None
        except LlmsizeError:
            found = False
        if found:
            return f"check the path, or size it by name: {stem}"
    return f"check the path, or {_INPUT_HINT}"


def _offline_env() -> bool:
    """HF_HUB_OFFLINE as huggingface_hub reads it (1/true/yes/on), read now rather than at import."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


# ----------------------------------------------------------------------------------------- local files


def _from_path(path: Path, *, trust_remote_code: bool) -> ModelSpec:
    from llmsize.specs.gguf_reader import spec_from_gguf

    if path.is_dir():
        # the model's file first: an mmproj-*.gguf beside it is its vision projector, not a model
        # ("qwen3-vl-8b-q4_k_m.gguf" sorts after "mmproj-F16.gguf"; issue 15, round 5)
        ggufs = sorted(path.glob("*.gguf"), key=lambda p: (p.name.lower().startswith("mmproj"), p.name))
        if ggufs and not (path / local.CONFIG_FILE).is_file():
            raise ConfigError(f"{path} has no config.json", hint=f"it holds {ggufs[0].name}: pass that file")
        from llmsize.specs.ollama_store import tags_folder_hint

        tags = tags_folder_hint(path) if not (path / local.CONFIG_FILE).exists() else None
        if tags is not None:
            raise ConfigError(f"{path} has no config.json", hint=tags)
        return local.spec_from_directory(path, trust_remote_code=trust_remote_code)
    suffix = path.suffix.lower()
    if suffix == ".gguf" or (suffix not in (".json", ".safetensors") and _has_gguf_magic(path)):
        return spec_from_gguf(path)
    if path.name == local.INDEX_FILE:  # the shard index stands for its folder
        return local.spec_from_directory(path.parent, trust_remote_code=trust_remote_code)
    if suffix == ".json":
        return local.spec_from_config_file(path, trust_remote_code=trust_remote_code)
    if suffix == ".safetensors":
        raise ConfigError(
            f"{path} is a weights shard; its config is in config.json",
            hint="pass the folder that holds both, or its config.json",
        )
    from llmsize.specs.ollama_store import manifest_blob

    found = manifest_blob(path)  # ~/.ollama/models/manifests/registry.ollama.ai/library/qwen3/8b
    if found is not None:
        blob, tag = found
        spec = spec_from_gguf(blob)
        provenance = spec.provenance.model_copy(update={"source": str(path.resolve())})
        return spec.model_copy(update={"name": tag, "provenance": provenance})
    raise ConfigError(f"{path} is neither a config.json nor a GGUF file", hint=_INPUT_HINT)


def _has_gguf_magic(path: Path) -> bool:
    try:
        with open_input(path) as fh:
            return fh.read(4) == b"GGUF"
    except OSError:
        return False


# ----------------------------------------------------------------------------------------- names


def _from_name(text: str) -> ModelSpec:
    from llmsize.specs import catalog
    from llmsize.specs.unsloth import with_nearest_ftype

    if text.startswith("-"):
        raise BadInputError(
            f"{_shown(text)} is not a model name (names never start with '-')",
            hint="put the model name first and the options after it",
        )

    spec = catalog.lookup(text)
    if spec is not None:
        return with_nearest_ftype(spec, text)
    spec = _bartowski(text)
    if spec is not None:
        return spec
    spec = _approximate(text)
    if spec is not None:
        return with_nearest_ftype(_with_typo_note(spec, text), text)
    _refuse_hosted_only(text)
    raise ModelNotFoundError(
        f"unknown model {text!r}: not in the bundled catalog and its name states no size",
        hint=f"{_INPUT_HINT}; `llmsize models` lists the bundled ones",
        suggestions=catalog.suggest(text),
    )


def _refuse_hosted_only(text: str) -> None:
    """A model served only through its vendor's API ("Qwen3.6-Plus", "gpt-4o") says so, and names the
    open-weight models of its release rather than the nearest spellings (specs/hosted_only.py)."""
    from llmsize.specs import catalog, hosted_only

    line = hosted_only.hosted_line(text)
    if line is None:
        return
    names = [name for entry in catalog.entries() for name in entry.names]
    open_names = hosted_only.open_release_names(text, names)
    said, hint = hosted_only.message(text, line, open_names)
    raise ModelNotFoundError(said, hint=hint, suggestions=open_names)


def _with_typo_note(spec: ModelSpec, text: str) -> ModelSpec:
    """An approximated name that misspells a bundled model says which, first (catalog_loose.typo_of)."""
    from llmsize.names import parse_name
    from llmsize.specs.catalog_loose import typo_of

    meant = typo_of(text, parse_name(text))
    if meant is None:
        return spec
    said = (f"did you mean {meant}? {text!r} matches no bundled model, so it was approximated from its size; "
            f"`llmsize estimate {meant}` sizes the bundled one")
    return spec.model_copy(update={"warnings": (said, *spec.warnings)})


def _bartowski(text: str) -> ModelSpec | None:
    """A bartowski file name ("Qwen_Qwen3.5-9B-Q4_K_M"): the catalog model after the org prefix, with the
    per-tensor types his files keep (specs/bartowski.py); None when the rest names no catalog model."""
    from llmsize.specs import bartowski, catalog

    model = bartowski.model_part(text)
    spec = catalog.lookup(model) if model else None
    if spec is None:
        return None
    return bartowski.with_recipe(bartowski.text_only(spec.model_copy(update={"name": text})))


def _bartowski_repo(repo: str) -> ModelSpec | None:
    """bartowski's GGUF repo ("bartowski/Qwen_Qwen3-8B-GGUF[:Q8_0]"): his file of the catalog model, a GGUF
    of the type the tag names, else of none (llama.cpp's -hf default)."""
    from llmsize.specs import bartowski, catalog

    model = bartowski.model_part(repo)
    if model is None:
        return None
    spec = catalog.lookup(f"{model}-GGUF" if repo.upper().endswith("-GGUF") else model)
    if spec is None:
        return None
    return bartowski.with_recipe(bartowski.text_only(spec.model_copy(update={"name": repo})))


def _approximate(text: str) -> ModelSpec | None:
    """A size alone ("7B", "-7B", ":7b") names no model: approximating it would answer a typo."""
    from llmsize.names import parse_name
    from llmsize.specs import ollama
    from llmsize.specs.approximate import approximate_spec

    parsed = parse_name(text)
    if parsed.series is None:
        return None
    ref = ollama.parse_reference(text)
    if ref is not None:  # "foo:7b": an Ollama pull is a GGUF file, at the library's default type
        parsed = ollama.with_default_quant(parsed, ref)
    return approximate_spec(parsed)


# ----------------------------------------------------------------------------------------- Hub


def _from_repo(repo: str, revision: str | None, *, offline: bool, trust_remote_code: bool) -> ModelSpec:
    if revision and _COMMIT_SHA.match(revision):
        pinned = cache.load(repo, revision)  # a commit never changes: no need to ask the Hub again
        if pinned is not None:
            return _spec_from_snapshot(pinned.snapshot, trust_remote_code, age_s=pinned.age_s)
    if offline:
        return _fallback(repo, revision, "Hub disabled by HF_HUB_OFFLINE", trust_remote_code)
    try:
        return _from_hub(repo, revision, trust_remote_code)
    except hub.HubUnreachableError as err:
        return _fallback(repo, revision, f"Hub unreachable ({err.detail})", trust_remote_code)


def _from_hub(repo: str, revision: str | None, trust_remote_code: bool) -> ModelSpec:
    """Ask the Hub, cache its answer, and make its refusals point at what the catalog knows."""
    try:
        snapshot = hub.fetch(repo, revision)
    except ModelNotFoundError as err:
        raise _with_suggestions(err, repo) from err.__cause__
    except GatedRepoError as err:
        known = _catalog_spec(repo)
        if known is None:
            raise
        hint = f"{err.hint}; or pass the name {_catalog_name(repo, known)} to use the bundled catalog"
        raise GatedRepoError(err.message, hint=hint) from err.__cause__
    except hub.MissingConfigError as err:
        known = _catalog_spec(repo)
        if known is None:
            raise
        return _warn(known, f"{err.message}; using bundled catalog entry {_catalog_name(repo, known)}")
    warnings: tuple[str, ...] = ()
    try:
        cache.store(snapshot)
    except OSError as err:
        warnings = (f"could not write the llmsize cache ({err.strerror or err})",)
    return _warn(_spec_from_snapshot(snapshot, trust_remote_code), *warnings)


def _fallback(repo: str, revision: str | None, reason: str, trust_remote_code: bool) -> ModelSpec:
    """Offline answer: the cached Hub snapshot, else the bundled catalog, else an error saying both missed."""
    from llmsize.specs import catalog

    cached = cache.load(repo, revision)
    if cached is not None:
        spec = _spec_from_snapshot(cached.snapshot, trust_remote_code, age_s=cached.age_s)
        hours = cached.age_s / 3600
        return _warn(spec, f"{reason}; using the cached Hub answer from {hours:.1f} h ago")
    entry = _catalog_spec(repo)
    if entry is not None:
        name = _catalog_name(repo, entry)
        # its source URL is the provenance line's (model.provenance_source): not repeated here (issue 15)
        note = f"{reason}; using bundled catalog entry {name}"
        if revision:
            note += f"; revision {revision} not checked"
        return _warn(entry, note)
    # bartowski's repos are "bartowski/{org}_{model}-GGUF": the catalog model after the org prefix, as his
    # file names resolve (issue 15, round 4: `bartowski/Qwen_Qwen3-8B-GGUF` offline was "neither cached nor
    # in the bundled catalog" while `Qwen_Qwen3-8B-Q4_K_M` resolved)
    his = _bartowski_repo(repo) if repo.lower().startswith("bartowski/") else None
    if his is not None:
        said = f"using bundled catalog entry {_catalog_name_of(his)} (bartowski's GGUF of it)"
        return _warn(his, f"{reason}; {said}")
    _refuse_hosted_only(repo)  # "Qwen/Qwen3.6-Plus": no repo to cache or fetch (specs/hosted_only.py)
    suggestions = catalog.suggest(repo)
    hint = "connect to the network (or unset HF_HUB_OFFLINE), or pass a local config.json or .gguf file"
    if suggestions:
        hint += f"; closest bundled models: {', '.join(suggestions[:3])}"
    raise HubError(f"{reason}, and {repo} is neither cached nor in the bundled catalog", hint=hint)


def _catalog_name_of(spec: ModelSpec) -> str:
    """The catalog entry a spec came from, as its provenance note names it ("catalog entry Qwen3-8B ...")."""
    note = spec.provenance.note or ""
    marker = "catalog entry "
    return note.split(marker, 1)[1].split(" ", 1)[0] if marker in note else spec.name


def _catalog_spec(repo: str) -> ModelSpec | None:
    """The bundled entry of a repo id, with the notes its name calls for (Unsloth's dynamic quants), as
    `_from_name` gives them: `unsloth/X-unsloth-bnb-4bit` offline said nothing of its 16-bit modules."""
    from llmsize.specs import catalog
    from llmsize.specs.unsloth import with_nearest_ftype

    spec = catalog.lookup(repo) or catalog.lookup(repo.split("/", 1)[1])
    return None if spec is None else with_nearest_ftype(spec, repo)


def _catalog_name(repo: str, spec: ModelSpec) -> str:
    """The catalog entry's own name (lookup keeps the name as typed, which may be the repo id)."""
    from llmsize.specs import catalog

    found = catalog.find(repo) or catalog.find(repo.split("/", 1)[1])
    return found[0].name if found else spec.name


def _spec_from_snapshot(
    snapshot: HubSnapshot, trust_remote_code: bool, *, age_s: float | None = None
) -> ModelSpec:
    provenance = Provenance(
        kind=ProvenanceKind.HUB if age_s is None else ProvenanceKind.CACHE,
        source=snapshot.repo_id,
        revision=snapshot.commit or snapshot.revision,
        cache_age_s=age_s,
    )
    spec = spec_from_config(
        snapshot.config, name=snapshot.repo_id.split("/", 1)[1], provenance=provenance,
        where=f"config.json of {snapshot.repo_id}", hf_repo=snapshot.repo_id,
        trust_remote_code=trust_remote_code,
    )
    spec = _warn(spec, *snapshot.notes)
    return with_checkpoint(spec, snapshot.checkpoint) if snapshot.checkpoint else spec


def _with_suggestions(err: ModelNotFoundError, repo: str) -> ModelNotFoundError:
    from llmsize.specs import catalog

    _refuse_hosted_only(repo)  # the Hub has no repo of a hosted-only model: say why (specs/hosted_only.py)
    return ModelNotFoundError(err.message, hint=err.hint, suggestions=catalog.suggest(repo))


def _warn(spec: ModelSpec, *warnings: str) -> ModelSpec:
    new = tuple(w for w in warnings if w and w not in spec.warnings)
    return spec.model_copy(update={"warnings": (*spec.warnings, *new)}) if new else spec
