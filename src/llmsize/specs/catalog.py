"""The bundled model catalog (model_specs/*.yaml): load, validate, look up, suggest.

Each entry is a published config.json (format: model_specs/README.md), turned into a ModelSpec by
`spec_from_hf_config`, the same mapping a downloaded config goes through. Files are read once,
lazily (functools.cache); a spec is only built for the entry a lookup lands on.

A name finds its entry by, in order: the canonical name, an alias or the HF repo id
(case-insensitive); then the parts `parse_name` reads from it (series, version, variant, size,
active size, experts, stated context), so that Instruct/Chat/Base spellings, GGUF file names and
Ollama tags land on their base architecture. The name's quant suffix sets the weight format.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmsize.errors import ConfigError
from llmsize.records import ConfigDict, Field, Record, ValidationError, field_validator, model_validator
from llmsize.resources import cached_json, load_catalog_yaml, yaml_files
from llmsize.specs import catalog_loose
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind, WeightFormat
from llmsize.specs.ollama import OllamaRef

if TYPE_CHECKING:  # the name parser is imported where a name is parsed (issue 15: `fit --all` parses none)
    from llmsize.names import ParsedName

CATALOG_DIR = "model_specs"


class CheckpointVariant(Record):
    """Names of the entry whose published checkpoint has the same tensors but another config.json.

    Google's gemma-2-9b (pre-trained) ships float32 weights while gemma-2-9b-it ships bfloat16 ones:
    the same tensors, half the bytes (`torch_dtype`). Qwen/Qwen2.5-7B-Instruct's config.json states
    max_position_embeddings 32768 where the base states 131072, and vLLM derives its max_model_len
    from that file (`config`: the keys whose values differ, copied verbatim, laid over the entry's).
    A variant says which names download it and where its values were read, so that an alias is not
    sized from the base repository's config. A checkpoint whose tensors differ is an entry of its own.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    names: tuple[str, ...] = Field(min_length=1)
    torch_dtype: str | None = Field(default=None, min_length=1)
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="config.json keys whose values this checkpoint states differently from the entry's",
    )
    hf_repo: str | None = None
    source: str = Field(min_length=1, description="where that checkpoint's dtype or config values were read")

    @model_validator(mode="after")
    def _says_something(self) -> CheckpointVariant:
        if self.torch_dtype is None and not self.config:
            raise ValueError("a variant states a torch_dtype or config values that differ from the entry's")
        if "model_type" in self.config:
            raise ValueError("a variant keeps the entry's model_type (another architecture is its own entry)")
        return self


class CatalogModel(Record):
    """One entry of a model_specs/*.yaml file; a typo in a field name is an error, not a silent default."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    hf_repo: str | None = None
    source: str
    published_params: int | None = Field(default=None, gt=0)
    params_source: str | None = None
    extra_params: int = Field(default=0, ge=0)
    extra_params_note: str | None = None
    checkpoint_only_params: int = Field(
        default=0,
        ge=0,
        description="tensors the published checkpoint stores but the loaded model does not keep (a stored "
        "copy of a tied lm_head, per-layer rotary inv_freq of older exports); published_params counts them",
    )
    checkpoint_only_note: str | None = None
    mtp_stores_embeddings: bool = Field(
        default=True,
        description="false where the published checkpoint's next-n (MTP) layer stores no embed_tokens / "
        "shared_head.head copies of its own (it shares the model's); checkpoint_only_note says so",
    )
    mtp_stored: bool = Field(
        default=True,
        description="false where config.json names next-n (MTP) layers that the published checkpoint "
        "does not store (INTELLECT-3's export): the spec has none, so nothing drafts with them and no "
        "checkpoint count adds them; published_params, the total without them, shows it",
    )
    loaded_only_params: int = Field(
        default=0,
        ge=0,
        description="tensors the loaded model holds but the published checkpoint does not store (persistent "
        "buffers the modeling code initialises itself); the model's count includes them, "
        "published_params does not",
    )
    loaded_only_note: str | None = None
    variants: tuple[CheckpointVariant, ...] = ()
    stored_dtype: str | None = Field(
        default=None,
        description="the float dtype the published safetensors store where config.json states none "
        "(gpt-oss: bf16 outside its MXFP4 experts); needs stored_dtype_source",
    )
    stored_dtype_source: str | None = None
    config: dict[str, Any]

    @field_validator("source")
    @classmethod
    def _source_is_url(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("must be the https:// URL the config was taken from")
        return value

    @model_validator(mode="after")
    def _cited(self) -> CatalogModel:
        if self.published_params is not None and not self.params_source:
            raise ValueError("published_params needs a params_source saying where the number comes from")
        if self.extra_params and not self.extra_params_note:
            raise ValueError("extra_params needs an extra_params_note saying what they are")
        if self.checkpoint_only_params and not (self.checkpoint_only_note and self.published_params):
            raise ValueError(
                "checkpoint_only_params needs a checkpoint_only_note and the published_params it explains"
            )
        if not self.mtp_stores_embeddings and not self.checkpoint_only_note:
            raise ValueError("mtp_stores_embeddings: false needs the checkpoint_only_note that says so")
        if not self.mtp_stored and not self.published_params:
            raise ValueError("mtp_stored: false needs the published_params that shows the layers are absent")
        if self.loaded_only_params and not (self.loaded_only_note and self.published_params):
            raise ValueError(
                "loaded_only_params needs a loaded_only_note and the published_params it explains"
            )
        if self.stored_dtype is not None and not self.stored_dtype_source:
            raise ValueError("stored_dtype needs a stored_dtype_source saying where the dtype was read")
        if not isinstance(self.config.get("model_type"), str):
            raise ValueError("config must copy the model_type of the config.json")
        own = {_key(n) for n in (self.name, *self.aliases)}
        for variant in self.variants:
            missing = [n for n in variant.names if _key(n) not in own]
            if missing:
                raise ValueError(f"variant names {missing} are not the entry's name or aliases")
        return self


class CatalogFile(Record):
    """One model_specs/<family>.yaml file."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    family: str = Field(min_length=1)
    models: tuple[CatalogModel, ...] = Field(min_length=1)


class CatalogEntry:
    """A validated entry with the family and file it came from.

    Its names (canonical name, aliases, repo id) are what a lookup compares, so they are held as read;
    the validated record itself (`model`) is read on first use: an entry from the kept index
    (`entries`) validates its own file then, and only a name that lands on it pays for that
    (issue 15: a cold `estimate` validated all 65 catalog files to size one model). Compared by
    identity: entries are built once, and a dict field is unhashable.
    """

    __slots__ = ("_model", "_position", "aliases", "family", "file", "hf_repo", "name")
    family: str
    file: str
    name: str
    aliases: tuple[str, ...]
    hf_repo: str | None
    _model: CatalogModel | None
    _position: int

    def __init__(self, family: str, file: str, model: CatalogModel) -> None:
        self.family, self.file, self._model, self._position = family, file, model, -1
        self.name, self.aliases, self.hf_repo = model.name, model.aliases, model.hf_repo

    @classmethod
    def indexed(cls, family: str, file: str, position: int, name: str, aliases: tuple[str, ...],
                hf_repo: str | None) -> CatalogEntry:
        """The entry at `position` of `file`, as the kept index names it; validated when first read."""
        entry = cls.__new__(cls)
        entry.family, entry.file, entry._model, entry._position = family, file, None, position
        entry.name, entry.aliases, entry.hf_repo = name, aliases, hf_repo
        return entry

    @property
    def model(self) -> CatalogModel:
        """The validated record (its file validated on first use, once per process)."""
        if self._model is None:
            parsed = _validated_file(self.file)
            model = parsed.models[self._position] if self._position < len(parsed.models) else None
            if model is None or (parsed.family, model.name, model.aliases, model.hf_repo) != (
                    self.family, self.name, self.aliases, self.hf_repo):
                raise ConfigError(f"model_specs/{self.file} changed while llmsize was reading it",
                                  hint="run the command again")
            self._model = model
        return self._model

    def __repr__(self) -> str:
        return f"CatalogEntry(family={self.family!r}, file={self.file!r}, name={self.name!r})"

    def variant(self, name: str, parsed: ParsedName | None) -> CheckpointVariant | None:
        """The checkpoint variant `name` downloads: named exactly, or with the same training type."""
        key = _key(name.split("/")[-1])
        for variant in self.model.variants:
            if key in {_key(n) for n in variant.names}:
                return variant
        if parsed is None:
            return None
        from llmsize.names import parse_name

        if parsed.version is not None and parse_name(self.name).version != parsed.version:
            # a file of one release named by its version: "MiniMax-M2-UD-Q4_K_XL" is MiniMax-M2's GGUF, not
            # the entry's M2.7 (issue 15, round 6)
            for variant in self.model.variants:
                if any(parse_name(n).version == parsed.version for n in variant.names):
                    return variant
        if parsed.training_type is None:
            return None
        for variant in self.model.variants:
            if any(parse_name(n).training_type == parsed.training_type for n in variant.names):
                return variant
        return None

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling that points here: canonical name, aliases, repo id."""
        repo = (self.hf_repo,) if self.hf_repo else ()
        return (self.name, *self.aliases, *repo)


# ------------------------------------------------------------------------------------------ loading


def _validation_message(err: ValidationError, data: Any) -> str:
    """'models.3.sorce (entry 'X'): Extra inputs are not permitted; ...' for the first few errors."""
    parts = []
    for e in err.errors()[:3]:
        loc = list(e.get("loc", ()))
        where = ""
        if len(loc) >= 2 and loc[0] == "models" and isinstance(loc[1], int):
            try:
                where = f" (entry {data['models'][loc[1]].get('name', loc[1])!r})"
            except (KeyError, IndexError, TypeError, AttributeError):
                where = ""
        field = ".".join(str(p) for p in loc) or "file"
        parts.append(f"{field}{where}: {e.get('msg', 'invalid')}")
    return "; ".join(parts)


def parse_catalog_file(text: str, file_name: str) -> CatalogFile:
    """Validate one catalog YAML document; errors name the file, the entry and the field."""
    try:
        data = load_catalog_yaml(text)
    except Exception as err:  # yaml.YAMLError, but without importing yaml at module import
        raise ConfigError(f"model_specs/{file_name} is not valid YAML: {err}") from err
    try:
        return CatalogFile.model_validate(data)
    except ValidationError as err:
        raise ConfigError(
            f"model_specs/{file_name}: {_validation_message(err, data)}",
            hint="fix the catalog file (format: model_specs/README.md)",
        ) from err


@cache
def entries() -> tuple[CatalogEntry, ...]:
    """Every bundled entry, in file then file order.

    Validating all 65 files was a third of a cold `estimate` (issue 15), to size one model. Where the
    catalog files and the code that validates them (this module, records.py, resources.py) are unchanged
    since a run that validated every file, their names come from an index kept beside the catalogs' JSON
    copies (resources.cached_json, keyed by those files' contents through files_digest.py), and each
    entry's file is validated when its record is first read (`CatalogEntry.model`). The index is written
    only by a run that validated every file, so a catalog file that does not validate still fails every
    lookup, as before.
    """
    files = yaml_files(CATALOG_DIR)
    key = _entries_key(files)
    if key is None:  # no source to key on (a zipped or compiled install): validate every file
        return _validated_entries(files)
    validated: list[CatalogEntry] = []

    def compute() -> list[list[Any]]:
        validated.extend(_validated_entries(files))
        return [[e.file, e.family, e.name, list(e.aliases), e.hf_repo] for e in validated]

    table = cached_json("catalog-index", [_ENTRIES_FORMAT, key], compute)
    if validated:
        return tuple(validated)
    indexed = _from_index(table)
    return indexed if indexed is not None else _validated_entries(files)


_ENTRIES_FORMAT = "1"  # bump when the kept index's form or its key changes


def _entries_key(files: list[Any]) -> str | None:
    """The digest of the catalog files and of the code that validates them; None where they are not
    files on disk (then nothing is kept)."""
    import llmsize.records
    import llmsize.resources
    from llmsize.files_digest import files_digest

    modules = (sys.modules[__name__], llmsize.records, llmsize.resources)
    paths = [getattr(module, "__file__", None) for module in modules]
    if not all(isinstance(p, str) and p.endswith(".py") for p in paths) or not all(
            isinstance(path, Path) for path in files):
        return None
    named = [(f"module {module.__name__}", str(p)) for module, p in zip(modules, paths, strict=True)]
    named += [(f"{CATALOG_DIR}/{path.name}", str(path)) for path in files]
    try:
        return f"{sys.version}\0{files_digest(named)}"
    except OSError:
        return None


def _from_index(table: Any) -> tuple[CatalogEntry, ...] | None:
    """The entries the kept index names, each at its place in its file; None for a value that is not
    an index this module wrote."""
    out: list[CatalogEntry] = []
    position: dict[str, int] = {}
    try:
        for file, family, name, aliases, hf_repo in table:
            if not (isinstance(file, str) and isinstance(family, str) and isinstance(name, str)
                    and isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)
                    and (hf_repo is None or isinstance(hf_repo, str))):
                return None
            at = position[file] = position.get(file, -1) + 1
            out.append(CatalogEntry.indexed(family, file, at, name, tuple(aliases), hf_repo))
    except (TypeError, ValueError):
        return None
    return tuple(out)


def _validated_entries(files: list[Any]) -> tuple[CatalogEntry, ...]:
    """Every file read and validated now: the entries with their records."""
    out: list[CatalogEntry] = []
    for path in files:
        parsed = parse_catalog_file(path.read_text(encoding="utf-8"), path.name)
        out.extend(CatalogEntry(family=parsed.family, file=path.name, model=m) for m in parsed.models)
    return tuple(out)


@cache
def _validated_file(name: str) -> CatalogFile:
    """One catalog file read and validated (an entry from the kept index, on first use of its record)."""
    for path in yaml_files(CATALOG_DIR):
        if path.name == name:
            return parse_catalog_file(path.read_text(encoding="utf-8"), path.name)
    raise ConfigError(f"model_specs/{name} changed while llmsize was reading it",
                      hint="run the command again")


def _key(text: str) -> str:
    """Case- and separator-insensitive spelling: 'Qwen2.5 7B_Instruct' == 'qwen2.5-7b-instruct'."""
    return "-".join(text.strip().lower().replace("_", "-").split())


@cache
def _index() -> dict[str, CatalogEntry]:
    index: dict[str, CatalogEntry] = {}
    for entry in entries():
        keys = {_key(n) for n in entry.names}
        if entry.hf_repo and "/" in entry.hf_repo:
            keys.add(_key(entry.hf_repo.split("/", 1)[1]))
        for key in keys:
            other = index.get(key)
            if other is not None and other is not entry:
                raise ConfigError(
                    f"model_specs: {key!r} names both {other.name} ({other.file}) "
                    f"and {entry.name} ({entry.file})",
                    hint="an alias may point at one entry only",
                )
            index[key] = entry
    return index


# ------------------------------------------------------------------------------------------ specs


@cache
def _base_spec(entry: CatalogEntry) -> ModelSpec:
    m = entry.model
    return _built(entry, m.config, m.source)


@cache
def _variant_spec(entry: CatalogEntry, index: int) -> ModelSpec:
    """The spec of a variant that states its own config values: the entry's config.json with the
    variant's keys laid over it, through the same mapping. Its tensors must be the entry's."""
    from llmsize.specs.params import total_params

    m = entry.model
    variant = m.variants[index]
    spec = _built(entry, _overlaid(m.config, variant.config), m.source)
    if total_params(spec) != total_params(_base_spec(entry)):
        raise ConfigError(
            f"model_specs/{entry.file} entry {m.name!r}: variant {variant.names[0]!r} changes the tensors",
            hint="a checkpoint with other tensors is an entry of its own (model_specs/README.md)",
        )
    return spec


def _overlaid(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`base` with `over`'s keys laid over it, nested dicts key by key: a multimodal checkpoint's variant
    states only the text_config key it changes (Llama-4-Scout-17B-16E-Instruct's max_position_embeddings)."""
    merged = dict(base)
    for key, value in over.items():
        below = merged.get(key)
        merged[key] = _overlaid(below, value) if isinstance(value, dict) and isinstance(below, dict) else (
            value
        )
    return merged


def _stated(config: dict[str, Any], prefix: str = "") -> list[str]:
    """A variant's scalar config values as 'key value' phrases, nested keys dotted (text_config.x 1)."""
    said: list[str] = []
    for key, value in config.items():
        if isinstance(value, dict):
            said += _stated(value, f"{prefix}{key}.")
        elif not isinstance(value, list):
            said.append(f"{prefix}{key} {value}")
    return said


def _built(entry: CatalogEntry, config: dict[str, Any], source: str) -> ModelSpec:
    from llmsize.specs.hf_config import spec_from_hf_config

    m = entry.model
    provenance = Provenance(kind=ProvenanceKind.CATALOG, source=source, note=f"model_specs/{entry.file}")
    try:
        spec = spec_from_hf_config(
            config,
            name=m.name,
            provenance=provenance,
            family=entry.family,
            hf_repo=m.hf_repo,
            published_params=m.published_params,
            extra_params=m.extra_params,
            extra_params_note=m.extra_params_note,
        )
    except ConfigError as err:
        raise ConfigError(f"model_specs/{entry.file} entry {m.name!r}: {err.message}", hint=err.hint) from err
    if not m.mtp_stores_embeddings and spec.mtp_layers:
        # the next-n layer reuses the model's embedding and head: params.mtp_params' shared ("qwen") layout
        spec = spec.model_copy(update={"mtp_layout": "qwen"})
    if not m.mtp_stored and spec.mtp_layers:
        note = (f"config.json names {spec.mtp_layers} next-n (MTP) layer(s) that this checkpoint does not "
                f"store (its published total, {m.published_params:,}, is the model without them): "
                "no MTP draft")
        spec = spec.model_copy(update={"mtp_layers": 0, "mtp_pattern": None,
                                       "warnings": (*spec.warnings, note)})
    if m.stored_dtype is not None:
        return _with_stored_dtype(spec, entry)
    return _guess_said_of_the_copy(spec, entry)


def _guess_said_of_the_copy(spec: ModelSpec, entry: CatalogEntry) -> ModelSpec:
    """An entry whose copied config leaves the dtype out says so of the copy: the published config.json
    may well state one (Qwen/Qwen2.5-Coder-7B's does; the transcription it was read from did not)."""
    from llmsize.specs.formats import NO_DTYPE

    if NO_DTYPE not in spec.warnings:
        return spec
    m = entry.model
    said = (
        f"the bundled copy of {m.hf_repo or m.name}'s config.json (model_specs/{entry.file}) records no "
        "dtype; assuming bf16 weights"
    )
    return spec.model_copy(update={"warnings": tuple(said if w == NO_DTYPE else w for w in spec.warnings)})


def _with_stored_dtype(spec: ModelSpec, entry: CatalogEntry) -> ModelSpec:
    """The entry's config states no dtype but its safetensors do: size in that dtype, without the guess."""
    from llmsize.specs.formats import dtype_from_config, without_dtype_guess

    m = entry.model
    dtype, problems = dtype_from_config({"torch_dtype": m.stored_dtype})
    if problems:
        raise ConfigError(f"model_specs/{entry.file} entry {m.name!r} stored_dtype: {problems[0]}")
    note = f"{spec.provenance.note}; the safetensors store {m.stored_dtype} ({m.stored_dtype_source})"
    provenance = spec.provenance.model_copy(update={"note": note})
    fmt = spec.weight_format.model_copy(update={"dtype": dtype})
    return spec.with_weight_format(fmt).model_copy(
        update={"warnings": without_dtype_guess(spec.warnings), "provenance": provenance}
    )


def spec_for(entry: CatalogEntry) -> ModelSpec:
    """The ModelSpec of one entry, under its canonical name."""
    return _base_spec(entry)


def get(name: str) -> CatalogEntry | None:
    """The entry a canonical name, alias or repo id names exactly (case-insensitive)."""
    return _index().get(_key(name))


# ------------------------------------------------------------------------------------------ lookup


def _signature(p: ParsedName) -> tuple[Any, ...]:
    """What must agree for two names to share an architecture (training type and quant do not)."""
    size = p.params if p.params is not None else (p.size_label or "").lower() or None
    return (
        p.series,
        (p.version or "").lower() or None,
        p.variant,
        p.base_model,
        size,
        p.active_params,
        p.experts,
        p.context,
    )


@cache
def _parse_catalog_name(name: str) -> ParsedName:
    """parse_name of a catalog spelling's last path part, once per process: the signature tables
    below all read the same ~800 names (issue 15: instant)."""
    from llmsize.names import parse_name

    return parse_name(name.split("/")[-1])


# Bump when the cached form of the name index changes.
_NAME_INDEX_FORMAT = "1"


def _source(module: Any) -> bytes | None:
    """The source text of a module of ours (None when it is not a readable .py file)."""
    try:
        path = Path(module.__file__)
        return path.read_bytes() if path.suffix == ".py" else None
    except (AttributeError, TypeError, OSError):
        return None


@cache
def _name_facts() -> dict[str, tuple[tuple[Any, ...], str | None]]:
    """Signature and release date of every catalog spelling (what the lookups below compare).

    Parsing the ~800 spellings costs more than the rest of a catalog lookup, so the table is kept
    beside the catalogs' JSON copies (resources.cached_json), keyed by the spellings themselves and
    the source of the code that parses them (names.py, this module): a change to either is a new key.
    """
    import llmsize.names

    names = sorted({name for entry in entries() for name in entry.names})

    def compute() -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for name in names:
            parsed = _parse_catalog_name(name)
            out[name] = [list(_signature(parsed)), parsed.date]
        return out

    sources = [src for src in (_source(llmsize.names), _source(sys.modules[__name__])) if src is not None]
    if len(sources) < 2:  # no source to key on (a zipped or compiled install): parse every time
        table = compute()
    else:
        key: list[str | bytes] = [_NAME_INDEX_FORMAT, *sources, "\0".join(names)]
        table = cached_json("names", key, compute)
    return {name: (tuple(sig), date) for name, (sig, date) in table.items()}


@cache
def _signatures() -> dict[tuple[Any, ...], tuple[CatalogEntry, ...]]:
    facts = _name_facts()
    found: dict[tuple[Any, ...], list[CatalogEntry]] = {}
    for entry in entries():
        for name in entry.names:
            sig = facts[name][0]
            bucket = found.setdefault(sig, [])
            if entry not in bucket:
                bucket.append(entry)
    return {sig: tuple(b) for sig, b in found.items()}


@cache
def _release_dates() -> dict[tuple[tuple[Any, ...], str], frozenset[str | None]]:
    """Release dates ("2506", "2509") of each entry's names, per signature (None: a name without one)."""
    facts = _name_facts()
    found: dict[tuple[tuple[Any, ...], str], set[str | None]] = {}
    for entry in entries():
        for name in entry.names:
            sig, date = facts[name]
            found.setdefault((sig, entry.name), set()).add(date)
    return {key: frozenset(dates) for key, dates in found.items()}


def _same_release(sig: tuple[Any, ...], entry: CatalogEntry, date: str | None) -> bool:
    """A dated name matches an entry whose names with that signature are undated or carry the same date.

    "Magistral-Small-2509" (an alias of Mistral Small 3.2, vision tower included) says nothing about
    "Magistral-Small-2506", a text-only checkpoint; an undated alias ("Qwen3-235B-A22B") still takes any date.
    """
    dates = _release_dates().get((sig, entry.name), frozenset())
    return date is None or None in dates or date in dates


def _best_release(
    sig: tuple[Any, ...], found: Iterable[CatalogEntry], date: str | None, training: str | None = None
) -> CatalogEntry | None:
    """The entry of that release: one whose names carry the date itself first, else an undated one.

    Of two entries of one release ("Qwen3-30B-A3B-Instruct-2507" and "-Thinking-2507", each its own
    checkpoint and config), the one whose names state the training type the name states wins.
    """
    usable = [e for e in found if _same_release(sig, e, date)]
    dated = [e for e in usable if date is not None and date in _release_dates().get((sig, e.name), ())]
    best = dated or usable
    if training is not None and len(best) > 1:
        same = [e for e in best if any(_parse_catalog_name(n).training_type == training for n in e.names)]
        best = same or best
    return best[0] if best else None


@cache
def _sizeless_signatures() -> dict[tuple[Any, ...], tuple[CatalogEntry, ...]]:
    """Signatures of the canonical names and repo ids that state no size ("GLM-4.6", "Kimi-K2-Instruct").

    Aliases of a sized entry are left out: a bare Ollama library name ("qwen2.5") states no size either, but
    it means one size of a sized family, and "Qwen2.5-Instrcut" must not land on it. An entry whose own name
    states no size keeps its Hub-style aliases ("GLM-5" of GLM-5.1, "MiniMax-M2.5" of MiniMax-M2.7), so that
    "GLM-5-FP8" or "GLM-5-UD-IQ1_S" find it as "GLM-5.1-FP8" does; Ollama tags (with a colon) stay out.
    """
    facts = _name_facts()
    found: dict[tuple[Any, ...], list[CatalogEntry]] = {}
    for entry in entries():
        names: tuple[str | None, ...] = (entry.name, entry.hf_repo)
        if facts[entry.name][0][4] is None:
            names += tuple(a for a in entry.aliases if ":" not in a)
        for name in filter(None, names):
            sig = facts[name][0]
            if sig[4] is None and entry not in found.setdefault(sig, []):
                found[sig].append(entry)
    return {sig: tuple(b) for sig, b in found.items()}


_CITED_URL_RE = re.compile(r"https?://[^\s,;()'\"]+")


def _cite(source: str) -> str:
    """A variant's citation as the model's provenance gives it: the first link of its YAML `source`, whose
    full text (what the number is, where a verbatim copy lives) stays in the YAML. The whole text made the
    header of `llmsize estimate Qwen2.5-7B-Instruct-GPTQ-Int4`, the README's first command, repeat the
    number it cites and name a test fixture path (issue 15, newcomer round 14)."""
    found = _CITED_URL_RE.search(source)
    return found.group(0).rstrip(".:") if found else source


# A name part that glues letters to digits ("H1R" in "Falcon-H1R-7B") is a release the parser could not
# read as a version; the name then states a version, just not one llmsize knows, and must not land on the
# family's version-less entry (falcon-7b, a 2023 Falcon) as if it stated none.
_UNREAD_VERSION_RE = re.compile(r"[a-z]{1,3}[0-9]{1,3}(?:\.[0-9]{1,3})?[a-z]{1,3}", re.ASCII)


def _match_parsed(p: ParsedName) -> CatalogEntry | None:
    if p.version is None and any(_UNREAD_VERSION_RE.fullmatch(x.lower()) for x in p.extra):
        return None
    sig = _signature(p)
    # A series and a size at least; or, for the families that name no size ("GLM-4.6", "MiniMax-M2.7",
    # "Kimi-K2"), a series and a version that an entry spells the same way, variant included, so that
    # "GLM-4.6-FP8" finds GLM-4.6 while "GLM-4.7-Flash" (another architecture) does not find GLM-4.7.
    if sig[0] is None or (sig[4] is None and sig[1] is None):
        return None
    if sig[4] is None:
        found = _same_words(sig, p, _sizeless_signatures().get(sig, ()))
        return _best_release(sig, found, p.date, p.training_type) or catalog_loose.one_of_variant(p)
    exact = _best_release(sig, _signatures().get(sig, ()), p.date, p.training_type)
    if exact is not None:
        return exact
    if p.variant == "moe":
        # "gpt-oss-120b-MOE", "Qwen3-30B-A3B-MoE": the word says the architecture mixes experts, not which
        # release it is; the entry of the same name without it is the model when it is an MoE itself (a
        # dense entry is another model, and the name stays unknown rather than sized as it).
        plain = (*sig[:2], None, *sig[3:])
        moe_entry = _best_release(plain, _signatures().get(plain, ()), p.date, p.training_type)
        if moe_entry is not None and spec_for(moe_entry).is_moe:
            return moe_entry
    if p.variant is None and p.base_model is None:
        # "deepseek-r1:14b" states no "Distill-Qwen": accept the one entry that differs only there.
        loose = {
            e.name: e
            for s, es in _signatures().items()
            if (s[0], s[1], *s[4:]) == (sig[0], sig[1], *sig[4:])
            for e in es
            if _same_release(s, e, p.date)
        }
        if len(loose) == 1:
            return next(iter(loose.values()))
    # "GLM-5-744B", "Kimi-K2-1T": the sizeless entry of that count; "ernie-4.5-21b": the one MoE of that
    # total; "mistral-small-3.2": Mistral's variant, not a size
    return (
        catalog_loose.sized_as_count(p)
        or catalog_loose.moe_of_total(p)
        or catalog_loose.variant_read_as_size(p)
        or catalog_loose.one_version_of(p)
    )


def _same_words(
    sig: tuple[Any, ...], p: ParsedName, found: Iterable[CatalogEntry]
) -> tuple[CatalogEntry, ...]:
    """Of the entries a sizeless name matches, those whose names add or drop no word the parser left over.

    With no size to cross-check, the words are all that tell releases apart: "Phi-4-multimodal-instruct"
    (5.6B, with vision and audio towers) is neither Phi-4 nor Phi-4-reasoning (14.7B), and "Phi-4-instruct"
    is Phi-4, not the reasoning release. A word no entry carries finds nothing rather than a sibling.
    """
    facts = _name_facts()
    words = {x.lower() for x in p.extra}

    def carries(entry: CatalogEntry) -> bool:
        names = (entry.name, entry.hf_repo, *entry.aliases)
        return any(
            n and ":" not in n and n in facts and facts[n][0] == sig
            and {x.lower() for x in _parse_catalog_name(n).extra} == words
            for n in names
        )

    found = tuple(found)
    same = tuple(e for e in found if carries(e))
    return same if same or words else found


def _wildcard_match(p: ParsedName) -> CatalogEntry | None:
    """The one entry of the same series and size whose other parts agree wherever the name states them.

    Ollama tags drop what the Hub name spells out: "qwen3-vl:30b" is Qwen3-VL-30B-A3B (no active size),
    "mixtral:8x7b" is Mixtral-8x7B-v0.1 (no version). Series and size must match; two candidates is no answer.
    """
    sig = _signature(p)
    if sig[0] is None or sig[4] is None:
        return None
    found = {
        e.name: e
        for s, es in _signatures().items()
        if s[0] == sig[0] and s[4] == sig[4] and all(q is None or q == v for q, v in zip(sig, s, strict=True))
        for e in es
        if _same_release(s, e, p.date)
    }
    return next(iter(found.values())) if len(found) == 1 else None


def _direct(text: str) -> CatalogEntry | None:
    candidates = [text]
    if text.lower().endswith(":latest"):  # Ollama: "llama3:latest" is "llama3"
        candidates.append(text[: -len(":latest")])
    if "/" in text:
        candidates.append(text.split("/", 1)[1])
    for candidate in candidates:
        entry = get(candidate)
        if entry is not None:
            return entry
    return None


def find(text_or_parsed: str | ParsedName) -> tuple[CatalogEntry, ParsedName | None] | None:
    """The entry a name resolves to, with the parse that got there (None for an exact spelling).

    An Ollama reference ("qwen3:30b-a3b", "llama3") comes back with the GGUF type it downloads
    filled into the parse (specs/ollama.py); a tag of a known library that no entry carries raises
    ModelNotFoundError instead of landing on another architecture.
    """
    from llmsize.names import ParsedName, parse_name
    from llmsize.specs import ollama

    if isinstance(text_or_parsed, ParsedName):
        parsed: ParsedName | None = text_or_parsed
        text = text_or_parsed.raw.strip()
    else:
        parsed, text = None, text_or_parsed.strip()
    if not text:
        return None
    if parsed is None:
        parsed = parse_name(text)
    ref = ollama.parse_reference(text, _bare_ollama_names())
    if ref is not None:
        return _find_ollama(ref, parsed)
    entry = _direct(text)
    if entry is not None:
        return entry, parsed
    entry = _match_parsed(parsed)
    lib = ollama.library(text) if entry is None and "/" not in text else None
    if lib is not None:  # bare library name ("qwen3.6") whose latest no entry carries: refused, with its tags
        return _find_ollama(ollama.OllamaRef(lib, "latest"), parsed)
    return (entry, parsed) if entry is not None else None


@cache
def ollama_reference(text: str) -> OllamaRef | None:
    """`text` as an Ollama reference ("qwen3:8b", or a bare library name the catalog declares), else None."""
    from llmsize.specs import ollama

    return ollama.parse_reference(text, _bare_ollama_names())


def ollama_tags(text: str) -> tuple[str, ...]:
    """The Ollama tags ("qwen3:8b") the catalog lists for the entry `text` resolves to; () if none.

    An entry shared by releases lists each one's library (DeepSeek-V3: deepseek-v3:671b, deepseek-v3.1:671b):
    the one the name spells comes first, so `plan DeepSeek-V3.1 --engine ollama` runs deepseek-v3.1:671b,
    not DeepSeek-V3's tag (issue 15, round 4)."""
    found = find(text)
    if found is None:
        return ()
    tags = [a for a in found[0].aliases if ":" in a]
    typed = text.lower().replace("_", "-")

    def spelled(tag: str) -> int:  # the longest library name inside the typed name ranks first
        library = tag.split(":", 1)[0].lower()
        return -len(library) if library in typed else 0

    return tuple(sorted(tags, key=spelled))


@cache
def _bare_ollama_names() -> frozenset[str]:
    """Aliases that are a bare Ollama library name ("qwen3", "llama3": the library's latest tag).

    Kept, as entries() is: `fit --all` asks it once per catalog model (issue 15). It is also kept
    beside the catalogs' JSON copies (resources.cached_json), keyed by the catalog files (names and
    text) and the source of the code that reads their aliases and knows the libraries, so that
    `fit --all`, which reads its built specs from a file (cli/catalog_specs_cache.py), need not
    parse every catalog file again for these few names (issue 15). The sources and the catalog files
    are read and hashed only when their states change (files_digest.py)."""
    import llmsize.records
    from llmsize.files_digest import files_digest
    from llmsize.specs import ollama

    def compute() -> list[str]:
        return sorted({
            a
            for e in entries()
            for a in e.aliases
            if ":" not in a and a == a.lower() and ollama.library(a) is not None  # "DeepSeek-V3.1": a HF name
        })

    modules = (sys.modules[__name__], catalog_loose, ollama, llmsize.records)
    paths = [getattr(module, "__file__", None) for module in modules]
    catalog = yaml_files(CATALOG_DIR)
    if not all(isinstance(p, str) and p.endswith(".py") for p in paths) or not all(
            isinstance(path, Path) for path in catalog):  # no source to key on (a zipped or compiled install)
        return frozenset(compute())
    # the sources and the catalog files by content, read once per state of the files (files_digest.py)
    named = [(f"module {module.__name__}", str(p)) for module, p in zip(modules, paths, strict=True)]
    named += [(f"{CATALOG_DIR}/{path.name}", str(path)) for path in catalog]
    try:
        digest = files_digest(named)
    except OSError:
        return frozenset(compute())
    return frozenset(cached_json("ollama-bare-names", [_BARE_NAMES_FORMAT, digest], compute))


_BARE_NAMES_FORMAT = "2"  # bump when the cached form or its key changes (2: keyed by files_digest)


def _library_tags(library: str) -> list[str]:
    """The tags of one Ollama library that catalog entries carry as aliases ("qwen3:8b" -> "8b")."""
    prefix = f"{library}:"
    tags = {a.split(":", 1)[1] for e in entries() for a in e.aliases if a.lower().startswith(prefix)}
    if library in _bare_ollama_names():
        tags.add("latest")
    return sorted(tags)


def _find_ollama(ref: OllamaRef, parsed: ParsedName) -> tuple[CatalogEntry, ParsedName] | None:
    """Catalog entry and GGUF-typed parse of an Ollama reference (see `find`)."""
    from llmsize.errors import ModelNotFoundError
    from llmsize.specs import ollama

    ollama.refuse_cloud_tag(ref)
    # A shorter spelling of the tag counts only if it keeps the tag's variant: "granite4:350m-h" (the hybrid)
    # trimmed to "granite4:350m" would land on the dense transformer of the same size.
    spellings = (
        c for c in ref.candidates() if c == ref.text or _parse_catalog_name(c).variant == parsed.variant
    )
    entry = next((e for e in map(get, spellings) if e is not None), None)
    known = _library_tags(ref.library.name)
    if entry is None:
        matched = _match_parsed(parsed)
        lib = ref.library.name
        owns = matched is not None and any(
            a.lower() == lib or a.lower().startswith(f"{lib}:") for a in matched.aliases
        )
        # a tag with a part the parser did not understand ("14bx") is not the library's default model
        entry = matched if (owns and not parsed.extra) or not known else None
    if entry is None and not known:
        entry = _library_family(ref.library.name, parsed) or _wildcard_match(parsed)
    if entry is None:
        # A library llmsize lists (ollama.LIBRARIES) names one family: a size of it that the catalog lacks
        # ("qwen3-vl:8b") is refused rather than sized as a dense Llama of that size. Other libraries fall
        # through to the approximation from the name's size, which says it approximates.
        if not known and ollama.library(ref.library.name) is None:
            return None
        tags = f"known {ref.library.name} tags: {', '.join(known)}" if known else "no tags of it are bundled"
        raise ModelNotFoundError(
            f"Ollama tag {ref.text!r} is not in the bundled catalog ({tags})",
            hint="pass a bundled tag, the model's Hugging Face repo id, or the GGUF file "
            "(`ollama show --modelfile` prints its path)",
        )
    lib = ref.library.name
    own = (a for a in entry.aliases if a.lower().startswith(f"{lib}:"))
    sizes = tuple(a.split(":", 1)[1].split("-")[0] for a in own)
    return entry, ollama.with_default_quant(parsed, ref, sizes)


# How far a tag's stated size may sit from the entry's parameter count ("kimi-k2:1t" vs 1.026T) before
# the library name is not trusted to mean that entry: sizes in tags are rounded, never off by a quarter.
_TAG_SIZE_TOLERANCE = 0.25


def _library_family(library: str, parsed: ParsedName) -> CatalogEntry | None:
    """The entry an unknown Ollama library's own name spells ("glm-4.6", "kimi-k2"), if the tag's size agrees.

    Libraries the catalog carries no tags for (ollama.com's newer "glm-4.6", "kimi-k2", "deepseek-v3.1")
    are still named after one model; "glm-4.6:355b" is that model, not a Llama of 355B. A tag whose size
    disagrees with the entry ("glm-4.6:9b") is left to the approximation, which says it approximates.
    """
    from llmsize.names import parse_name
    from llmsize.specs.params import total_params

    entry = _direct(library) or _match_parsed(parse_name(library))
    if entry is None or parsed.params is None:
        return entry
    built = build_error(entry) is None
    count = entry.model.published_params or (total_params(_base_spec(entry)) if built else None)
    if count is None or abs(parsed.params - count) > _TAG_SIZE_TOLERANCE * count:
        return None
    return entry


def lookup(text_or_parsed: str | ParsedName) -> ModelSpec | None:
    """The ModelSpec a name resolves to through the catalog, or None when nothing matches.

    The spec keeps the name as written (the entry's own name is in the provenance note) and takes
    the weight format the name's quant suffix implies.
    """
    from llmsize.specs import ollama
    from llmsize.specs.formats import answered_by_name, name_warnings, weight_format_from_name
    from llmsize.specs.qat import with_qat_build

    found = find(text_or_parsed)
    if found is None:
        return None
    entry, parsed = found
    raw = parsed.raw.strip() if parsed is not None else entry.name
    variant = entry.variant(raw, parsed)
    own_config = variant is not None and bool(variant.config)
    spec = _variant_spec(entry, entry.model.variants.index(variant)) if own_config else _base_spec(entry)
    update: dict[str, Any] = {}
    base_format = spec.weight_format
    note = f"catalog entry {entry.name} ({spec.provenance.note})"
    if variant is not None:
        if variant.torch_dtype is not None:
            base_format = _variant_format(spec, variant)
            update["weight_format"] = base_format
            note += f"; {variant.names[0]} checkpoint stores {variant.torch_dtype} ({_cite(variant.source)})"
        if variant.hf_repo:
            update["hf_repo"] = variant.hf_repo
        if variant.config:
            said = ", ".join(_stated(variant.config))
            cited = _cite(variant.source)
            note += f"; {variant.names[0]}'s config.json states {said or 'its own values'} ({cited})"
    qat_note = None
    if parsed is not None:
        fmt = weight_format_from_name(parsed, base_format)
        parsed, fmt, qat_note = with_qat_build(spec.model_type, parsed, fmt)  # "gemma-3-27b-it-qat-q4_0-gguf"
        if qat_note:
            note += f"; {raw} is {qat_note}"
        if (taken := catalog_loose.version_note(raw, parsed, entry)) is not None:
            note += f"; {taken}"  # "nemotron-nano-9b": NVIDIA-Nemotron-Nano-9B-v2
        elif (other := _other_release(raw, parsed, entry)) is not None:
            note += f"; {other}"
        if fmt != spec.weight_format:
            update["weight_format"] = fmt
            if raw and raw != entry.name and variant is None:
                # the source names the entry's repo, whose checkpoint is another format: say which
                # checkpoint is sized (GLM-5.1-FP8 read as "hf.co/zai-org/GLM-5.1", the bf16 one)
                if _states_a_format(raw):
                    note += f"; {raw} sized as that config with {fmt.label()} weights, as its name states"
                elif ollama.parse_reference(raw, _bare_ollama_names()) is not None:
                    note += (f"; {raw} sized as that config with {fmt.label()} weights, as the Ollama "
                             "library publishes it")
        carried = {x.lower() for n in entry.names for x in _parse_catalog_name(n).extra}
        read = parsed.model_copy(update={"extra": tuple(x for x in parsed.extra if x.lower() not in carried)})
        unused = name_warnings(read, fmt) if _direct(raw) is None else []  # the entry's own words chose it
        kept = answered_by_name(spec.warnings, parsed, fmt)
        if unused or kept != spec.warnings:
            update["warnings"] = (*kept, *unused)
    if (raw and raw != entry.name) or variant is not None or qat_note:
        update["name"] = raw or entry.name
        update["provenance"] = spec.provenance.model_copy(update={"note": note})
    spec = spec.model_copy(update=update) if update else spec
    ref = ollama.parse_reference(raw, _bare_ollama_names()) if raw else None
    return ollama.as_published(spec, ref) if ref is not None else spec


def _release(version: str | None) -> str | None:
    """A version as a release: "4.0" and "4" are one release, "V3.1" and "v3.1" too."""
    if version is None:
        return None
    out = version.lower()
    while out.endswith(".0"):
        out = out[: -len(".0")]
    return out


def _other_release(raw: str, parsed: ParsedName, entry: CatalogEntry) -> str | None:
    """Why a name of another release is sized with this entry's config: `Qwen/Qwen3.6-27B` read "from bundled
    catalog: hf.co/Qwen/Qwen3.5-27B, catalog entry Qwen3.5-27B", as if the 3.6 had been taken for the 3.5
    (issue 15, round 19). The YAML lists such a release as an alias where its card or config states the same
    tensors (Qwen3.6 of Qwen3.5, GLM-5 of GLM-5.1, DeepSeek-V3.1 of V3), and cites that there."""
    own = _release(parsed.version)
    theirs = _release(_parse_catalog_name(entry.name).version)
    if own is None or theirs is None or own == theirs:
        return None
    return (f"{raw} has no config of its own here: sized with {entry.name}'s, the same architecture "
            f"(model_specs/{entry.file} lists it as an alias and cites why)")


def _states_a_format(raw: str) -> bool:
    """Whether the name as typed states its weights' format ("GLM-5.1-FP8", "Qwen3-8B-AWQ"); an Ollama
    library name ("qwen3", "qwen3:8b") takes its format from the library's default tag instead."""
    from llmsize.names import parse_name

    if ":" in raw:
        return False
    said = parse_name(raw)
    return said.quant_method is not None or said.bits is not None or said.gguf_type is not None


def _variant_format(spec: ModelSpec, variant: CheckpointVariant) -> WeightFormat:
    """The entry's weight format with the variant's stored dtype (a quantized format keeps its own)."""
    from llmsize.specs.formats import dtype_from_config

    dtype, problems = dtype_from_config({"torch_dtype": variant.torch_dtype})
    if problems:
        raise ConfigError(f"catalog variant {variant.names[0]!r}: {problems[0]}")
    return spec.weight_format.model_copy(update={"dtype": dtype})


def suggest(text: str, n: int = 5) -> list[str]:
    """Closest catalog names to `text` (did-you-mean), canonical names first, no duplicates.

    Names of the family typed come first: a key that starts with the query at a word's end ('llama-4' ->
    llama-4-scout-...). difflib's ratio alone offered Llama-3-8B, Llama-2-7B and CodeLlama-34B for
    'llama-4', gemma-3-4b and gemma-7b before gemma-4-31B-it for 'gemma-4', and Phi-4-mini for 'minimax'
    (issue 15, newcomer round 14)."""
    query = _key(text.split("/")[-1] if "/" in text else text)
    if not query:
        return []
    by_key: dict[str, str] = {}
    for entry in entries():
        for name in entry.names:
            by_key.setdefault(_key(name.split("/")[-1]), entry.name)
    import difflib  # only for suggestions after a miss

    family = [key for key in by_key
              if key.startswith(query) and len(key) > len(query) and not key[len(query)].isalnum()]
    close = family + difflib.get_close_matches(query, list(by_key), n=n * 3, cutoff=0.5)
    out: list[str] = []
    for key in close:
        canonical = by_key[key]
        if canonical not in out:
            out.append(canonical)
    return out[:n]


def families() -> tuple[str, ...]:
    """Family keys in catalog order."""
    return tuple(dict.fromkeys(e.family for e in entries()))


@cache
def build_error(entry: CatalogEntry) -> str | None:
    """Why an entry cannot be built yet (a model_type from_hf_config refuses), or None when it can.

    Listings (`models`, `fit --all`) skip such entries and say so, rather than failing as a whole.
    """
    try:
        _base_spec(entry)
    except ConfigError as err:
        return err.message
    return None


def specs(selected: Iterable[CatalogEntry] | None = None) -> list[ModelSpec]:
    """ModelSpecs of `selected` entries (default: all) that can be built, for listing."""
    return [_base_spec(e) for e in (entries() if selected is None else selected) if build_error(e) is None]
