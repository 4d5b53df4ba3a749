"""Results many estimates of one process repeat (layer walks, layer lists), kept per model spec (issue 15).

`fit --all` and the planner's searches estimate the same model at several precisions, layouts and
contexts; the per-layer walks inside them depend only on the spec and the sizes in the key, so a
repeated walk is looked up instead of re-run. Entries hold their spec, so its id stays unique
while the entry exists; keys with numpy grids (sweeps) are never cached.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from llmsize.specs.models import ModelSpec

V = TypeVar("V")

_PLAIN = (int, float, bool, str, type(None))
# A few MB for real models. When full, the older half goes, not all: a layout search over a very deep
# model (16k blocks on 64 GPUs) keeps ~8k entries live, and clearing them all made it recompute each
# stage ~100 times (29 s; 18 s with this; issue 15, "every input answered in under 2 s").
_MAX_ENTRIES = 8192
_store: dict[tuple[int, Hashable], tuple[ModelSpec, Any]] = {}


def plain(*values: Any) -> bool:
    """True when every value is a Python scalar (the scalar path), not a numpy grid or scalar."""
    return all(type(v) in _PLAIN for v in values)


def memo(spec: ModelSpec, key: Hashable | None, compute: Callable[[], V]) -> V:
    """compute(), once per (spec object, key); a None key (not cacheable) always computes."""
    if key is None:
        return compute()
    slot = (id(spec), key)
    hit = _store.get(slot)
    if hit is not None and hit[0] is spec:
        value: V = hit[1]
        return value
    value = compute()
    if len(_store) >= _MAX_ENTRIES:
        for old in list(_store)[: _MAX_ENTRIES // 2]:  # dicts keep insertion order: the oldest first
            del _store[old]
    _store[slot] = (spec, value)
    return value
