"""Workloads derived from another with a few fields changed, validated once per process (issue 15).

`fit --all` plans every catalog model with the same asked workload, and each model's plan derives
the same few workloads from it (each precision option's dtype and quant, the one-GPU layout, the
batch the context search runs at): validating them again for every model was about 4% of the run.
Validation is a pure function of the fields, so equal fields give an equal Workload. The key holds
the base workload with the type of each field (1 and True, or a str and its StrEnum, compare equal
but need not validate alike) and each changed field with its type. A failed validation is not kept:
it runs and raises again on every call, as before.

No validator of Workload reads `gpu_architecture` or `gpu_segment` (plain strings, kept as given;
tests/unit/test_gpu_facts_read.py checks both), so a base that differs from another only in those two
is validated as the other and given its own two back: `compare --gpus all` derives ~190 layouts
from each of 88 GPU workloads of the catalog's cards, 16,922 validations where 12 workloads differ in
anything else (issue 15).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from llmsize.estimate.workload import Workload

_Key = tuple[Workload, tuple[type, ...], tuple[tuple[str, type, Any], ...]]


_GPU_FACTS = ("gpu_architecture", "gpu_segment")  # read by no validator: see the module docstring


def derived_workload(base: Workload, changes: Mapping[str, Any]) -> Workload:
    """`Workload.model_validate({**dict(base), **changes})`, kept per base and changes (raises its
    ValidationError as it does)."""
    key = _key(base, tuple((name, type(value), value) for name, value in changes.items()))
    try:
        hash(key)
    except TypeError:  # an unhashable value (a list): validated each time
        return _validate(key)
    return _kept(key)


def _key(base: Workload, changes: tuple[tuple[str, type, Any], ...]) -> _Key:
    return base, tuple(map(type, base.__dict__.values())), changes


def _validate(key: _Key) -> Workload:
    base, _, changes = key
    return Workload.model_validate({**dict(base), **{name: value for name, _, value in changes}})


def _validate_as_sibling(key: _Key) -> Workload:
    """_validate, through the workload without its GPU facts where it has some (then theirs put back)."""
    base, _, changes = key
    facts = {name: base.__dict__[name] for name in _GPU_FACTS}
    if (all(value is None for value in facts.values())
            or not all(type(value) in (str, type(None)) for value in facts.values())
            or any(name in _GPU_FACTS for name, _, _ in changes)):
        return _validate(key)
    plain = base.model_copy(update=dict.fromkeys(_GPU_FACTS))
    return _kept_plain(_key(plain, changes)).model_copy(update=facts)


# A few thousand workloads of ~60 fields each: bounded, as a long-lived library caller plans many. The
# workloads without GPU facts are kept apart, so the many with them do not push those out.
_kept = lru_cache(maxsize=4096)(_validate_as_sibling)
_kept_plain = lru_cache(maxsize=4096)(_validate)
