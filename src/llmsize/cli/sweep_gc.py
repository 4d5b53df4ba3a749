"""Fewer garbage collections during `fit --all`'s sweep over the catalog (issue 15).

The sweep allocates a few hundred thousand short-lived objects (workloads, estimates, walk
tensors) and almost no reference cycles, while the imported modules and the catalog's specs live
to the end. With CPython's default thresholds (700 allocations for a young collection) it ran
about 70 young, 6 middle and one full collection, the full one scanning every spec. Inside the
sweep the young threshold is raised and what was built before it is frozen (gc.freeze: never
scanned again); both are put back afterwards. Only how often the collector runs changes, never
what is computed, and cyclic garbage is still collected (every 10,000 allocations).
Source: the gc module's documentation (set_threshold, freeze), CPython 3.11 Modules/gcmodule.c.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

SWEEP_THRESHOLD = 10_000  # young-generation allocations between collections during the sweep
# ... and in a CLI process from its start: importing the CLI and the estimator builds ~100,000
# long-lived objects (classes, functions, records' validators) and few cycles; at 700 a cold
# `estimate` ran 55 young and 5 middle collections, ~4% of its instructions (callgrind, issue 15)
PROCESS_THRESHOLD = 50_000


def fewer_collections_in_process() -> None:
    """Raise the young threshold for the rest of this process: for the CLI's entry points only
    (cli/quick_exit.py `run`), whose process ends with the command; cycles are still collected.
    A threshold of 0 (collection turned off) stays off."""
    young, *older = gc.get_threshold()
    if young:
        gc.set_threshold(max(young, PROCESS_THRESHOLD), *older)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with the collector's young threshold raised and older objects frozen."""
    before = gc.get_threshold()
    gc.freeze()
    if before[0]:  # a threshold of 0 turns automatic collection off: kept off
        gc.set_threshold(max(before[0], SWEEP_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
