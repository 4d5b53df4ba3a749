"""The catalog's built ModelSpecs kept as JSON between runs, keyed like `fit --all`'s rows (issue 15).

`fit --all` sizes every catalog model; before it plans one, it builds all of them from their
config.json copies (`specs.catalog.specs`: the catalog files, then `spec_from_hf_config` per entry),
about a tenth of a first run's time and the same for every GPU and option asked. The built specs
are a pure function of llmsize's code and the bundled catalogs, which `fit_all_cache`'s digest
already covers (`code_and_catalog_digest`), and of the Python version; so a file named by that
digest is never stale, whichever GPU or options a later run asks.

The file is inert data, as the rows file is: read with json.loads and every spec checked by
`ModelSpec.model_validate` (the same validation a saved spec gets); nothing in it is run, imported
or unpickled. It is written only when it reads back to the same JSON text and equal specs, so a
run from the file plans the very specs it would have built. A missing, corrupt or foreign file is
ignored and written again; an unwritable cache folder only costs the speed-up.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmsize.cli.cache_files import write_if_it_reads_back

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

KIND = "catalog-specs"
FORMAT = "catalog-specs/2"  # bump when the file's layout changes (2: fields at their default left out)
MAX_FILES = 4  # one per code and catalog version: the older ones are never read again
MAX_FILE_BYTES = 32 * 1024 * 1024  # ~0.4 MB for 274 models; a larger file is not one of ours


def catalog_specs() -> list[ModelSpec]:
    """`specs.catalog.specs()` (every catalog model that can be built, in catalog order), read from
    the file an earlier run with the same code and catalogs wrote, else built and written."""
    from llmsize.specs.catalog import specs

    path = _path()
    if path is None:
        return specs()
    kept = _read(path)
    if kept is not None:
        return kept
    built = specs()
    write_if_it_reads_back(path, built, _blob, _load, MAX_FILES)
    return built


def _path() -> Path | None:
    """The file for this code, catalogs and Python; None where they cannot be hashed (a zipped install)."""
    from llmsize.cli.fit_all_cache import code_and_catalog_digest
    from llmsize.resources import user_cache_dir

    try:
        code = code_and_catalog_digest()
    except (TypeError, OSError):  # fit_all_cache._NotKeyable is a TypeError
        return None
    key = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{code}".encode()).hexdigest()
    return user_cache_dir() / KIND / f"{key}.json"


def _plain_defaults() -> dict[str, Any]:
    """ModelSpec's fields whose default is a JSON scalar or (), as model_dump(mode="json") writes it."""
    from llmsize.specs.models import ModelSpec

    out: dict[str, Any] = {}
    for name, info in ModelSpec.model_fields.items():
        if info.is_required() or info.default_factory is not None:
            continue
        default = info.default
        if default is None or type(default) in (bool, int, float, str):
            out[name] = default
        elif default == ():
            out[name] = []
    return out


def _without_defaults(doc: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """A spec's JSON without the fields that hold their default (about half of the file): validation
    fills them in again. Same type and value only, so 0 is never read back as a default 0.0."""
    return {k: v for k, v in doc.items()
            if not (k in defaults and type(v) is type(defaults[k]) and v == defaults[k])}


def _load(doc: Any) -> list[ModelSpec]:
    from llmsize.specs.models import ModelSpec

    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("specs"), list):
        raise ValueError("not a catalog specs file")
    return [ModelSpec.model_validate(spec) for spec in doc["specs"]]


def _blob(built: list[ModelSpec]) -> str:
    defaults = _plain_defaults()
    specs = [_without_defaults(spec.model_dump(mode="json"), defaults) for spec in built]
    doc = {"format": FORMAT, "specs": specs}
    return json.dumps(doc, separators=(",", ":"), allow_nan=False)


def _read(path: Path) -> list[ModelSpec] | None:
    """The specs of a readable, valid file; None for a missing, corrupt or foreign one."""
    from llmsize.resources import read_text_bounded

    try:  # bounded, and a named pipe reads as empty instead of blocking (resources.open_input)
        return _load(json.loads(read_text_bounded(path, MAX_FILE_BYTES)))
    except Exception:  # unreadable, too large, not JSON, or a spec that does not validate: ignored
        return None
