"""Results many estimates of one process repeat (layer walks, layer lists), kept per model spec (issue 15).

`fit --all` and the planner's searches estimate the same model at several precisions, layouts and
contexts; the per-layer walks inside them depend only on the spec and the sizes in the key, so a
repeated walk is looked up instead of re-run. Entries hold their spec, so its id stays unique
while the entry exists; keys with numpy grids (sweeps) are never cached.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from llmsize.specs.models import ModelSpec

V = TypeVar("V")


class KeptPerObject(Generic[V]):
    """Values kept per (object, key), looked up by the object's id: no hash or comparison of a record
    is run. Each entry holds its object, so the id stays unique while the entry exists. When full, the
    older half goes (dicts keep insertion order), not all (see _MAX_ENTRIES)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._table: dict[tuple[int, Hashable], tuple[object, V]] = {}

    def get(self, owner: object, build: Callable[[], V], key: Hashable = None) -> V:
        """build(), once per (owner object, key)."""
        slot = (id(owner), key)
        hit = self._table.get(slot)
        if hit is not None and hit[0] is owner:
            return hit[1]
        value = build()
        if len(self._table) >= self._limit:
            for old in list(self._table)[: self._limit // 2]:
                del self._table[old]
        self._table[slot] = (owner, value)
        return value

    def clear(self) -> None:
        self._table.clear()

_PLAIN = (int, float, bool, str, type(None))
# A few MB for real models. When full, the older half goes, not all: a layout search over a very deep
# model (16k blocks on 64 GPUs) keeps ~8k entries live, and clearing them all made it recompute each
# stage ~100 times (29 s; 18 s with this; issue 15, "every input answered in under 2 s").
_MAX_ENTRIES = 8192
_store: KeptPerObject[Any] = KeptPerObject(_MAX_ENTRIES)


def plain(*values: Any) -> bool:
    """True when every value is a Python scalar (the scalar path), not a numpy grid or scalar."""
    return all(type(v) in _PLAIN for v in values)


def memo(spec: ModelSpec, key: Hashable | None, compute: Callable[[], V]) -> V:
    """compute(), once per (spec object, key); a None key (not cacheable) always computes."""
    if key is None:
        return compute()
    value: V = _store.get(spec, compute, key)
    return value
