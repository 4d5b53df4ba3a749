"""Putting a checked JSON cache file in place: atomically, keeping only the newest few in its folder.

Both kept caches (fit_all_cache's rows, catalog_specs_cache's built specs) are trusted by a later run
as if it had computed them, so each writes only a text that reads back to equal values, and then
needs the same two things: a concurrent reader must see no file, the old file or the whole new one
(write to a temporary name, then `replace`), and the folder must not grow without bound.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def write_if_it_reads_back(path: Path, value: T, dump: Callable[[T], str], load: Callable[[Any], T | None],
                           keep: int) -> None:
    """Write dump(value) when it reads back exactly (load gives an equal value that dumps to the same
    text; 1 and 1.0 compare equal but dump apart); else write nothing and keep computing."""
    try:
        text = dump(value)
        back = load(json.loads(text))
    except Exception:  # a value JSON cannot hold: cache nothing
        return
    if back is None or back != value or dump(back) != text:
        return
    replace_atomically(path, text, keep)


def replace_atomically(path: Path, text: str, keep: int) -> None:
    """Write `text` to `path` through a temporary file, then keep the `keep` newest *.json files."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        _prune(path.parent, keep)
    except OSError:
        pass  # an unwritable cache folder only costs the speed-up


def _prune(folder: Path, keep: int) -> None:
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[keep:]:
        with suppress(OSError):
            old.unlink()
