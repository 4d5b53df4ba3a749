"""numpy's functions as the estimate uses them, without importing numpy for plain numbers.

The memory formulas broadcast: the same code sizes one context (Python ints) and a sweep over
thousands (numpy arrays). Importing numpy costs about as much as the rest of a cold `llmsize
estimate` (issue 15: numpy only for vectorised sweeps), so the functions the scalar path calls
answer plain numbers in pure Python and hand anything else to numpy, imported on first use.
Any other attribute is numpy's own.
"""

from __future__ import annotations

import builtins
from typing import Any

_PLAIN = (int, float, bool)


def _plain(*xs: Any) -> bool:
    return builtins.all(type(x) in _PLAIN for x in xs)


def _np() -> Any:
    import numpy

    return numpy


def ndim(x: Any) -> int:
    return 0 if type(x) in _PLAIN else int(_np().ndim(x))


def minimum(a: Any, b: Any) -> Any:
    return builtins.min(a, b) if _plain(a, b) else _np().minimum(a, b)


def maximum(a: Any, b: Any) -> Any:
    return builtins.max(a, b) if _plain(a, b) else _np().maximum(a, b)


def where(cond: Any, a: Any, b: Any) -> Any:
    return (a if cond else b) if _plain(cond, a, b) else _np().where(cond, a, b)


def any(x: Any) -> bool:
    return bool(x) if type(x) in _PLAIN else bool(_np().any(x))


def all(x: Any) -> bool:
    return bool(x) if type(x) in _PLAIN else bool(_np().all(x))


def __getattr__(name: str) -> Any:
    return getattr(_np(), name)
