"""The whole catalog's ModelSpecs, kept between runs (issue 15: `fit --all` instant).

Listing every model (`fit --all`, `compare --models all`) validated all ~150 catalog entries and
built a ModelSpec from each config, about a tenth of a cold `fit --all`. The built specs depend on
the catalog files and on the code that reads them: the specs package, and the modules below it that
the import layers allow it (names, units, records, errors, resources; pyproject's importlinter
contract). They are pickled into the user cache, keyed by the Python version and by each of those
files' name, size and modification time, the stamp Python itself checks before reusing a module's
cached bytecode (PEP 3147); any change to one of them is a new key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from llmsize.resources import cached_pickle, data_dir
from llmsize.specs.models import ModelSpec
from llmsize.specs.params import ParamGroup, param_inventory, remember_inventory

# Bump when what is pickled changes shape (the key holds the code's stamps, so rarely needed).
_FORMAT = "1"
_BELOW_SPECS = ("names.py", "units.py", "records.py", "errors.py", "resources.py")


def _stamps(files: list[Path], root: Path) -> list[str]:
    out = []
    for path in files:
        st = os.stat(path)
        out.append(f"{path.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}")
    return out


def _python_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_dir() and entry.name != "__pycache__":
            found += _python_files(Path(entry.path))
        elif entry.name.endswith(".py"):
            found.append(Path(entry.path))
    return found


def key_parts(package: Path | None = None) -> list[str] | None:
    """What the built specs are a function of, as stamps; None where the files cannot be listed (a
    zipped install): then nothing is cached."""
    package = package or Path(__file__).resolve().parents[1]
    catalog = data_dir("model_specs")
    if not isinstance(catalog, Path):
        return None
    try:
        code = [*_python_files(package / "specs"), *(package / name for name in _BELOW_SPECS)]
        data = sorted(p for p in catalog.iterdir() if p.name.endswith((".yaml", ".yml")))
        return [_FORMAT, sys.version, *_stamps(code, package), *_stamps(data, catalog)]
    except (OSError, ValueError):
        return None


def cached_specs(build: Callable[[], tuple[ModelSpec, ...]]) -> tuple[ModelSpec, ...]:
    """build(), or the specs an earlier run built from the same catalog files and code, with their
    parameter inventories (what every use of a spec asks first: its size)."""
    key = key_parts()
    if key is None:
        return build()

    def built() -> tuple[tuple[ModelSpec, tuple[ParamGroup, ...]], ...]:
        return tuple((spec, param_inventory(spec)) for spec in build())

    pairs = cached_pickle("catalog-specs", key, built, tuple)
    if not all(type(spec) is ModelSpec and type(groups) is tuple for spec, groups in pairs):
        return build()
    for spec, groups in pairs:
        remember_inventory(spec, groups)
    return tuple(spec for spec, _ in pairs)
