"""Every bundled catalog entry says where its numbers come from, and every name is unique.

The catalog (model_specs/*.yaml, format in model_specs/README.md) holds facts copied from each
model's published config.json. These checks keep that promise enforceable: an entry without a
source, a config without model_type, a number that YAML read as text, or two entries answering
to the same name would each silently give users wrong or untraceable answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
import yaml

from llmsize.resources import yaml_files

ENTRY_KEYS = {
    "name",
    "aliases",
    "hf_repo",
    "source",
    "published_params",
    "params_source",
    "extra_params",
    "extra_params_note",
    "checkpoint_only_params",
    "checkpoint_only_note",
    "mtp_stores_embeddings",
    "mtp_stored",
    "loaded_only_params",
    "loaded_only_note",
    "variants",
    "stored_dtype",
    "stored_dtype_source",
    "config",
}
# config: the keys whose values differ from the base entry (catalog._variant_spec)
VARIANT_KEYS = {"names", "torch_dtype", "hf_repo", "source", "config"}
TORCH_DTYPES = {"float32", "float16", "bfloat16"}
HF = "https://huggingface.co/"


def _load_catalog() -> list[tuple[str, dict[str, Any]]]:
    """(file name, parsed document) for every bundled model_specs YAML file."""
    return [(f.name, yaml.safe_load(f.read_text(encoding="utf-8"))) for f in yaml_files("model_specs")]


CATALOG = _load_catalog()
ENTRIES = [(fname, entry) for fname, doc in CATALOG for entry in doc.get("models", [])]


def _looks_numeric(text: str) -> bool:
    """True for strings such as '1e-05' that YAML 1.1 leaves as text but are meant as numbers."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _string_numbers(value: Any, path: str = "config") -> Iterator[str]:
    """Paths of config values that are numbers written so that YAML parsed them as strings."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _string_numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _string_numbers(item, f"{path}[{index}]")
    elif isinstance(value, str) and _looks_numeric(value):
        yield path


def entry_problems(entry: dict[str, Any]) -> list[str]:
    """What is missing or malformed in one catalog entry (empty when it is sound)."""
    problems: list[str] = []
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        problems.append("no name")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        problems.append("aliases must be a list of non-empty names")
    source = entry.get("source")
    if not isinstance(source, str) or not source.startswith("https://"):
        problems.append(f"source must be an https:// URL, got {source!r}")
    repo = entry.get("hf_repo")
    if repo is not None:
        if not isinstance(repo, str) or repo.count("/") != 1:
            problems.append(f"hf_repo must be 'org/name', got {repo!r}")
        elif isinstance(source, str) and source.startswith(HF) and not source.startswith(f"{HF}{repo}/"):
            problems.append(f"source {source!r} is not a file of hf_repo {repo!r}")
    config = entry.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("model_type"), str):
        problems.append("config with a model_type is required")
    else:
        problems += [f"{p} is a number stored as text" for p in _string_numbers(config)]
    published = entry.get("published_params")
    if published is not None:
        if not isinstance(published, int) or isinstance(published, bool) or published <= 0:
            problems.append(f"published_params must be a positive integer, got {published!r}")
        if not isinstance(entry.get("params_source"), str) or not entry["params_source"].strip():
            problems.append("published_params needs a params_source")
    problems += _variant_problems(entry)
    if "stored_dtype" in entry:
        if entry["stored_dtype"] not in TORCH_DTYPES:
            problems.append(f"stored_dtype must be one of {sorted(TORCH_DTYPES)}")
        if not str(entry.get("stored_dtype_source", "")).strip():
            problems.append("stored_dtype needs a stored_dtype_source saying where the stored dtype was read")
        if "torch_dtype" in entry.get("config", {}) or "dtype" in entry.get("config", {}):
            problems.append("stored_dtype is for a config.json that states no dtype")
    extra = entry.get("extra_params", 0)
    if not isinstance(extra, int) or isinstance(extra, bool) or extra < 0:
        problems.append(f"extra_params must be a non-negative integer, got {extra!r}")
    elif extra and not entry.get("extra_params_note"):
        problems.append("extra_params needs an extra_params_note saying what they are and where from")
    return problems


def _variant_problems(entry: dict[str, Any]) -> list[str]:
    """A checkpoint variant names the entry's own spellings, a real dtype, and where it was read."""
    problems: list[str] = []
    own = {str(n).casefold() for n in [entry.get("name"), *entry.get("aliases", [])]}
    for variant in entry.get("variants", []):
        if not isinstance(variant, dict) or set(variant) - VARIANT_KEYS:
            problems.append(f"variant {variant!r} has keys outside {sorted(VARIANT_KEYS)}")
            continue
        # A variant states a stored dtype, or config values that differ from the base entry's, or both.
        if "torch_dtype" in variant and variant["torch_dtype"] not in TORCH_DTYPES:
            problems.append(f"variant dtype must be one of {sorted(TORCH_DTYPES)}")
        if "torch_dtype" not in variant and not isinstance(variant.get("config"), dict):
            problems.append("variant states neither a stored dtype nor config values")
        if not str(variant.get("source", "")).strip():
            problems.append("variant needs a source saying where its stored dtype or config values were read")
        missing = [n for n in variant.get("names", []) if str(n).casefold() not in own]
        if not variant.get("names") or missing:
            problems.append(f"variant names {missing or '[]'} are not the entry's name or aliases")
    return problems


def duplicate_names(entries: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Names (case-insensitive) claimed by more than one entry, with the entries claiming them."""
    owners: dict[str, list[str]] = {}
    for entry in entries:
        for name in [entry.get("name"), *entry.get("aliases", [])]:
            if isinstance(name, str):
                owners.setdefault(name.casefold(), []).append(str(entry.get("name")))
    return {name: who for name, who in owners.items() if len(who) > 1}


def test_catalog_is_not_empty() -> None:
    assert CATALOG, "no YAML files found in model_specs/"
    assert len(ENTRIES) >= 10


@pytest.mark.parametrize(("fname", "doc"), CATALOG, ids=[fname for fname, _ in CATALOG])
def test_file_has_family_and_models(fname: str, doc: Any) -> None:
    assert isinstance(doc, dict), f"{fname}: top level must be a mapping"
    assert isinstance(doc.get("family"), str) and doc["family"], f"{fname}: no family key"
    assert isinstance(doc.get("models"), list) and doc["models"], f"{fname}: no models"


@pytest.mark.parametrize(
    ("fname", "entry"), ENTRIES, ids=[f"{fname}:{entry.get('name')}" for fname, entry in ENTRIES]
)
def test_entry_cites_its_source(fname: str, entry: dict[str, Any]) -> None:
    assert entry_problems(entry) == [], f"{fname}: {entry.get('name')}"


def test_names_and_aliases_are_unique_across_the_catalog() -> None:
    assert duplicate_names(entry for _, entry in ENTRIES) == {}


# The checks above must be able to fail: each malformed entry below is caught.

GOOD = {
    "name": "Example-7B",
    "aliases": ["Example-7B-Instruct"],
    "hf_repo": "org/Example-7B",
    "source": "https://huggingface.co/org/Example-7B/blob/main/config.json",
    "published_params": 7,
    "params_source": "https://huggingface.co/org/Example-7B/blob/main/model.safetensors.index.json",
    "config": {"model_type": "llama", "rms_norm_eps": 1.0e-05},
}


def test_a_sound_entry_has_no_problems() -> None:
    assert entry_problems(GOOD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"source": "http://huggingface.co/org/Example-7B/blob/main/config.json"}, "https://"),
        ({"source": "https://huggingface.co/other/Model/blob/main/config.json"}, "not a file of hf_repo"),
        ({"config": {"hidden_size": 4096}}, "model_type"),
        ({"config": {"model_type": "llama", "rms_norm_eps": "1e-05"}}, "number stored as text"),
        ({"params_source": ""}, "params_source"),
        ({"extra_params": 5}, "extra_params_note"),
        ({"sorce": "typo"}, "unknown keys"),
        ({"name": ""}, "no name"),
        ({"variants": [{"names": ["Example-7B-Instruct"], "torch_dtype": "bfloat16"}]}, "source"),
        ({"variants": [{"names": ["Other-7B"], "torch_dtype": "bfloat16", "source": "x"}]}, "not the"),
        ({"variants": [{"names": ["Example-7B-Instruct"], "torch_dtype": "bf16", "source": "x"}]}, "dtype"),
    ],
)
def test_a_malformed_entry_is_reported(change: dict[str, Any], expected: str) -> None:
    problems = entry_problems({**GOOD, **change})
    assert any(expected in p for p in problems), problems


def test_a_name_reused_as_another_entrys_alias_is_reported() -> None:
    other = {**GOOD, "name": "Other-7B", "aliases": ["example-7b-INSTRUCT"]}
    assert duplicate_names([GOOD, other]) == {"example-7b-instruct": ["Example-7B", "Other-7B"]}
