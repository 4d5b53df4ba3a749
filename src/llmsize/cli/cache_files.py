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
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def write_if_it_reads_back(path: Path, value: T, dump: Callable[[T], str], load: Callable[[Any], T | None],
                           keep: int) -> None:
    """Write dump(value) when it reads back exactly (load gives an equal value that dumps to the same
    text; 1 and 1.0 compare equal but dump apart); else write nothing and keep computing.

    A value read back with the same types and values everywhere (`same`) dumps to the same text, as the
    dump reads nothing else; only where that is not known (a set, whose order may differ) is it dumped
    again to compare (issue 15: the second dump of `fit --all`'s rows was a third of their write check)."""
    try:
        text = dump(value)
        back = load(json.loads(text))
    except Exception:  # a value JSON cannot hold: cache nothing
        return
    if back is None:
        return
    alike = same(back, value)
    if alike is False or (alike is None and (back != value or dump(back) != text)):
        return
    replace_atomically(path, text, keep)


def same(a: Any, b: Any) -> bool | None:
    """True when `a` and `b` hold the same types and values all the way down (records field by field
    in the same order, tuples, lists, dicts in the same key order); False when they differ; None
    where a set or another container without a fixed order is met (its dump's order is not known)."""
    from llmsize.records import Record

    if type(a) is not type(b):
        return False
    if isinstance(a, Record):
        return same(a.__dict__, b.__dict__)
    if type(a) is dict:
        if list(a) != list(b):
            return False
        pairs: Any = zip(a.values(), b.values(), strict=True)
    elif type(a) in (tuple, list):
        if len(a) != len(b):
            return False
        pairs = zip(a, b, strict=True)
    elif isinstance(a, (set, frozenset, dict)):  # no fixed order (or a dict subclass): not known
        return None
    else:
        return bool(a == b) if type(a) in _PLAIN or isinstance(a, Enum) else None
    unknown = False
    for x, y in pairs:
        found = same(x, y)
        if found is False:
            return False
        unknown = unknown or found is None
    return None if unknown else True


_PLAIN = (int, float, str, bool, type(None))


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
