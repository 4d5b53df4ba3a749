"""The catalog's entries read from the kept index (specs/catalog.py `entries`, issue 15: a cold `estimate`
validated all 65 catalog files to size one model): a lookup validates only the file its entry is in, and
the index names every entry as validating the files does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from llmsize.resources import yaml_files
from llmsize.specs import catalog

_LOOKUP = (
    "import json, llmsize.specs.catalog as c\n"
    "spec = c.lookup('Qwen2.5-7B-Instruct-GPTQ-Int4')\n"
    "print(json.dumps({'validated': c._validated_file.cache_info().currsize,\n"
    "                  'records': sum(e._model is not None for e in c.entries()),\n"
    "                  'spec': spec.model_dump(mode='json')}))\n"
)


def _run(cache: str) -> dict[str, object]:
    env = {**os.environ, "LLMSIZE_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", _LOOKUP], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout)


def test_a_lookup_validates_only_its_entrys_file(tmp_path: object) -> None:
    """First run: every file validated (and the index written); the next: one file, the same spec."""
    first = _run(str(tmp_path))
    second = _run(str(tmp_path))
    assert first["records"] == len(catalog.entries())
    assert second["validated"] == 1
    qwen = sum(e.file == catalog.get("Qwen2.5-7B-Instruct").file for e in catalog.entries())
    assert 1 <= second["records"] <= qwen < len(catalog.entries())  # records of that file only
    assert second["spec"] == first["spec"]


def test_the_index_names_every_entry_as_the_files_do() -> None:
    """Entries from the index (or validated now) against every file validated again: same names,
    family and file, in the same order, and each record read from the index is the validated one."""
    validated = catalog._validated_entries(yaml_files(catalog.CATALOG_DIR))
    entries = catalog.entries()
    assert [(e.family, e.file, e.name, e.aliases, e.hf_repo, e.names) for e in entries] == [
        (e.family, e.file, e.name, e.aliases, e.hf_repo, e.names) for e in validated
    ]
    assert all(e.model == v.model for e, v in zip(entries, validated, strict=True))


def test_a_kept_index_that_is_not_ours_is_not_trusted() -> None:
    """A value of the wrong shape reads as no index (the files are then validated)."""
    assert catalog._from_index([["a.yaml", "fam", 3, [], None]]) is None
    assert catalog._from_index({"not": "rows"}) is None
    assert catalog._from_index([["a.yaml", "fam"]]) is None
    (one,) = catalog._from_index([["a.yaml", "fam", "m", ["x"], None]]) or ()
    assert (one.file, one.family, one.name, one.aliases, one.hf_repo) == ("a.yaml", "fam", "m", ("x",), None)
