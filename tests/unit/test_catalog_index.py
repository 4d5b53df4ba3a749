"""The catalog's entries read from the kept index (specs/catalog.py `entries`, issue 15: a cold `estimate`
validated all 65 catalog files to size one model): a lookup validates only the file its entry is in, and
the index names every entry as validating the files does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


_COMPARE = (
    "import json, llmsize.specs.catalog as c\n"
    "from llmsize.resources import yaml_files\n"
    "entries = c.entries()\n"
    "indexed = sum(e._model is None for e in entries)\n"
    "validated = c._validated_entries(yaml_files(c.CATALOG_DIR))\n"
    "key = lambda e: [e.family, e.file, e.name, list(e.aliases), e.hf_repo, list(e.names)]\n"
    "print(json.dumps({'names': [key(e) for e in entries] == [key(e) for e in validated],\n"
    "                  'records': [e.name for e, v in zip(entries, validated) if e.model != v.model],\n"
    "                  'indexed': indexed}))\n"
)


def test_the_index_names_every_entry_as_the_files_do(tmp_path: object) -> None:
    """Entries from the index against every file validated again: same names, family and file, in the
    same order, and each record read from the index is the validated one. In fresh processes (the first
    writes the index, the second reads it), as a command runs: the suite's worker process has sized
    models and replaced catalog state in other tests by then."""
    env = {**os.environ, "LLMSIZE_CACHE_DIR": str(tmp_path)}
    for run in range(2):
        out = subprocess.run([sys.executable, "-c", _COMPARE], capture_output=True, text=True, check=True,
                             env=env)
        got = json.loads(out.stdout)
        assert got["names"] and got["records"] == []
        if run:
            assert got["indexed"] == len(catalog.entries())  # the second run's entries came from the index


def test_a_kept_index_that_is_not_ours_is_not_trusted() -> None:
    """A value of the wrong shape reads as no index (the files are then validated)."""
    assert catalog._from_index([["a.yaml", "fam", 3, [], None]]) is None
    assert catalog._from_index({"not": "rows"}) is None
    assert catalog._from_index([["a.yaml", "fam"]]) is None
    (one,) = catalog._from_index([["a.yaml", "fam", "m", ["x"], None]]) or ()
    assert (one.file, one.family, one.name, one.aliases, one.hf_repo) == ("a.yaml", "fam", "m", ("x",), None)
