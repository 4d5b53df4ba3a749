"""Workloads derived from another with a few fields changed, validated once per process (issue 15).

`fit --all` plans every catalog model with the same asked workload, and each model's plan derives
the same few workloads from it (each precision option's dtype and quant, the one-GPU layout, the
batch the context search runs at): validating them again for every model was about 4% of the run.
Validation is a pure function of the fields, so equal fields give an equal Workload. The key holds
the base workload with the type of each field (1 and True, or a str and its StrEnum, compare equal
but need not validate alike) and each changed field with its type. A failed validation is not kept:
it runs and raises again on every call, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from llmsize.estimate.workload import Workload

_Key = tuple[Workload, tuple[type, ...], tuple[tuple[str, type, Any], ...]]


def derived_workload(base: Workload, changes: Mapping[str, Any]) -> Workload:
    """`Workload.model_validate({**dict(base), **changes})`, kept per base and changes (raises its
    ValidationError as it does)."""
    key: _Key = (
        base,
        tuple(map(type, base.__dict__.values())),
        tuple((name, type(value), value) for name, value in changes.items()),
    )
    try:
        hash(key)
    except TypeError:  # an unhashable value (a list): validated each time
        return _validate(key)
    return _kept(key)


def _validate(key: _Key) -> Workload:
    base, _, changes = key
    return Workload.model_validate({**dict(base), **{name: value for name, _, value in changes}})


# A few thousand workloads of ~60 fields each: bounded, as a long-lived library caller plans many.
_kept = lru_cache(maxsize=4096)(_validate)
