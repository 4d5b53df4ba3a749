"""`fit --all`'s rows kept between runs as JSON, keyed by the SHA-256 of everything they are made from.

Issue 15 ("Instant") asks a cold `llmsize fit --all` to be within 35x `python -c pass`; planning
the 242 catalog models (about 650 estimates, most in the longest-context searches) is four fifths
of the command whatever the per-estimate cost. Those rows are a pure function of:

- llmsize's own code (every .py file of the package, by content);
- the bundled catalogs (every file of model_specs/ and gpu_specs/, by content);
- the GPU record the run resolved (a --gpu-file's card or a detected one, with its price), the GPU
  count, the workload and engine options and the efficiency overrides, as JSON;
- the Python version.

The planner reads nothing else: no Hub, no user files, no environment variable (LLMSIZE_JOBS only
picks how many processes plan, with the same answers: hardware/fan_out.py). So a file named by the
digest of all of them can never be stale: a changed catalog, GPU or line of code is another name.

The file is inert data, as the catalogs' JSON copies are (resources.cached_json): it is read with
json.loads and every row is checked by `ModelFit.model_validate`, the same validation a saved
report gets; nothing in it is run, imported or unpickled. A file that does not parse, or whose rows
do not validate, is ignored and written again. Rows are written only when they read back to the
same JSON text and equal records, so what a hit renders is what the run would have computed. An
unwritable cache folder only costs the speed-up; at most MAX_FILES results are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmsize.cli.cache_files import write_if_it_reads_back

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.hardware.efficiency import Efficiency
    from llmsize.hardware.fit_models import ModelFit
    from llmsize.hardware.gpus import GpuSpec

KIND = "fit-all"
FORMAT = "fit-all-rows/2"  # bump when the file's layout changes (2: "sizes_only")
MAX_FILES = 32  # one file per GPU x options asked: ~0.2 MB each
MAX_FILE_BYTES = 16 * 1024 * 1024  # a larger file is not one of ours: ignored, not read into memory


class _NotKeyable(TypeError):
    """An option value with no exact JSON spelling: the run is planned, not cached."""


def _plain(value: Any) -> Any:
    """A JSON-able spelling of an option value that tells its type apart (an Enum from its string)."""
    if isinstance(value, Enum):
        return {"enum": f"{type(value).__module__}.{type(value).__qualname__}", "value": _plain(value.value)}
    if isinstance(value, Path):
        return {"path": str(value)}
    if isinstance(value, (tuple, list)):
        return {type(value).__name__: [_plain(v) for v in value]}
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise _NotKeyable(f"a mapping with non-string keys: {value!r}")
        return {"map": {k: _plain(v) for k, v in value.items()}}
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) in (int, float):  # not a subclass, whose meaning JSON would lose
        return {type(value).__name__: value}
    dump = getattr(value, "model_dump", None)
    if callable(dump):  # a record: its class and its fields
        return {"record": f"{type(value).__module__}.{type(value).__qualname__}", "fields": dump(mode="json")}
    raise _NotKeyable(f"no exact JSON spelling for {type(value).__name__}")


@cache
def code_and_catalog_digest() -> str:
    """SHA-256 over llmsize's .py files and the bundled catalog folders, each by path and content."""
    from llmsize.resources import data_dir

    roots = [("llmsize", Path(__file__).resolve().parents[1], ".py")]
    roots += [(name, Path(str(data_dir(name))), "") for name in ("model_specs", "gpu_specs")]
    return tree_digest(roots)


def tree_digest(roots: list[tuple[str, Path, str]]) -> str:
    """SHA-256 of every file below each root whose name ends with its suffix ("" for all): its path
    (under the root's label) and its bytes, length-prefixed, in sorted order; __pycache__ left out."""
    from llmsize.files_digest import files_digest

    files: list[tuple[str, str]] = []
    for label, root, suffix in roots:
        if not root.is_dir():  # e.g. a zipped install: no file list to hash, so no cache
            raise _NotKeyable(f"{root} is not a folder")
        found: list[tuple[str, str]] = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            where = label if rel == "." else f"{label}/{rel}"
            found += [(f"{where}/{name}", os.path.join(folder, name))
                      for name in names if name.endswith(suffix)]
        files += sorted(found)
    # read once per state of the files, not on every run (files_digest.py; issue 15)
    return files_digest(files)


def cache_key(gpu: GpuSpec, options: Mapping[str, Any], count: int | None, eff: Efficiency,
              context_given: bool, sizes_only: bool = False) -> str | None:
    """The file's digest for this run, or None when an input has no exact spelling (then no cache).
    `sizes_only`: the rows planned without longest context or speed (cli/fit_all_rows.py), kept apart."""
    try:
        inputs = json.dumps(
            {
                "format": FORMAT,
                "python": sys.version,
                "code": code_and_catalog_digest(),
                "gpu": _plain(gpu),
                "count": _plain(count),
                "options": _plain(dict(options)),
                "efficiency": _plain(eff),
                "context_given": context_given,
                "sizes_only": sizes_only,
            },
            sort_keys=True,
            separators=(",", ":"),
            allow_nan=False,
        )
    except (_NotKeyable, ValueError, TypeError, OSError):
        return None
    return hashlib.sha256(inputs.encode()).hexdigest()


def _path(key: str) -> Path:
    from llmsize.resources import user_cache_dir

    return user_cache_dir() / KIND / f"{key}.json"


Result = tuple["Workload", list["ModelFit"]]  # the workload the header shows, and the rows
SHARED = "speed_constants"  # the same few dicts (one per engine and weight kernel) in most rows


@cache
def _none_by_default() -> frozenset[str]:
    """FitRow keys whose default is None: left out of the file where None (37 of 47 keys)."""
    from llmsize.hardware.fit_models import FitRow

    return frozenset(name for name, info in FitRow.model_fields.items()
                     if not info.is_required() and info.default is None and info.default_factory is None)


def _pack(wl: Workload, fits: list[ModelFit], sizes_only: bool = False) -> dict[str, Any]:
    """The file's document: rows as their JSON dumps, with each FitRow's None-by-default keys left
    out where None and its speed constants as an index into one shared list (a third of the size);
    `sizes_only` says whether the rows lack longest context and speed (cli/fit_all_rows.py)."""
    shared: list[Any] = []
    models = []
    for fit in fits:
        doc = fit.model_dump(mode="json")
        for option in doc["options"]:
            row = option["row"]
            for name in _none_by_default().intersection(row):
                if row[name] is None and name != SHARED:
                    del row[name]
            if row.get(SHARED) is not None:
                value = row[SHARED]
                if value not in shared:
                    shared.append(value)
                row[SHARED] = [shared.index(value)]  # a list: never a value of the field itself
        models.append(doc)
    return {"format": FORMAT, "sizes_only": sizes_only, "workload": wl.model_dump(mode="json"),
            SHARED: shared, "models": models}


def _load(doc: Any, sizes_only: bool = False) -> Result:
    """The header's workload and the rows of a parsed file, validated as a saved report is; a file of
    the other kind of rows (sizes only, or full) is refused, whatever its name."""
    from llmsize.estimate.workload import Workload
    from llmsize.hardware.fit_models import ModelFit

    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("models"), list):
        raise ValueError("not a fit --all rows file")
    if doc.get("sizes_only") is not sizes_only:
        raise ValueError("rows of the other kind (sizes only, or full)")
    shared = doc[SHARED]
    for model in doc["models"]:
        for option in model["options"]:
            row = option["row"]
            if isinstance(row.get(SHARED), list):
                (index,) = row[SHARED]
                row[SHARED] = shared[index]
    return Workload.model_validate(doc["workload"]), [ModelFit.model_validate(row) for row in doc["models"]]


def _read(path: Path, sizes_only: bool = False) -> Result | None:
    """The contents of a readable, valid file; None for a missing, corrupt or foreign one."""
    from llmsize.resources import read_text_bounded

    try:  # bounded, and a named pipe put there reads as empty instead of blocking (resources.open_input)
        return _load(json.loads(read_text_bounded(path, MAX_FILE_BYTES)), sizes_only)
    except Exception:  # unreadable, too large, not JSON, or a row that does not validate: ignored
        return None


def _blob(result: Result, sizes_only: bool = False) -> str:
    return json.dumps(_pack(*result, sizes_only), separators=(",", ":"), allow_nan=False)


def kept_fits(key: str | None, sizes_only: bool = False) -> Result | None:
    """What an earlier run with the same key wrote, or None (no key, no file, or a file ignored)."""
    return None if key is None else _read(_path(key), sizes_only)


def cached_fits(key: str | None, compute: Callable[[], Result], sizes_only: bool = False) -> Result:
    """compute(), or what an earlier run with the same key wrote (`sizes_only`: the kind of rows)."""
    if key is None:
        return compute()
    path = _path(key)
    kept = _read(path, sizes_only)
    if kept is not None:
        return kept
    result = compute()
    write_if_it_reads_back(path, result, partial(_blob, sizes_only=sizes_only),
                           partial(_load, sizes_only=sizes_only), MAX_FILES)
    return result
