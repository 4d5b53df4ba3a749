"""A command's signature with its annotations evaluated, as `inspect.signature(fn, eval_str=True)` gives it,
without compiling the names (issue 15: a cold `estimate`).

The CLI's modules use `from __future__ import annotations`, so every option's annotation is a string, and
`eval_str=True` evaluates each with `eval` (inspect.get_annotations): Python parses and compiles each string
on its own, 108 of them for `estimate` (the option aliases of cli/options.py and the option groups), about
5% of the command's instructions (callgrind: PyRun_StringFlags). Nearly all of them are one name
("ContextOpt"), and `eval` of one name in a namespace is that namespace's entry (or a builtin): it is
looked up directly here; anything else still goes through `eval`, so the answers are the same objects.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any


def evaluated_signature(fn: Callable[..., Any]) -> inspect.Signature:
    """inspect.signature(fn, eval_str=True), with one-name annotations read from fn's globals."""
    if hasattr(inspect.unwrap(fn, stop=lambda f: hasattr(f, "__signature__")), "__signature__"):
        return inspect.signature(fn, eval_str=True)  # a signature set by hand: inspect's own rules
    signature = inspect.signature(fn)
    namespace = _globals_of(fn)
    if namespace is None:
        return inspect.signature(fn, eval_str=True)
    params = [p.replace(annotation=_evaluated(p.annotation, namespace))
              for p in signature.parameters.values()]
    return signature.replace(parameters=params,
                             return_annotation=_evaluated(signature.return_annotation, namespace))


def _globals_of(fn: Callable[..., Any]) -> dict[str, Any] | None:
    """The globals inspect.get_annotations evaluates fn's annotations in (after __wrapped__ and partial)."""
    unwrap: Any = fn
    while True:
        if hasattr(unwrap, "__wrapped__"):
            unwrap = unwrap.__wrapped__
            continue
        if isinstance(unwrap, functools.partial):
            unwrap = unwrap.func
            continue
        break
    namespace = getattr(unwrap, "__globals__", None)
    return namespace if isinstance(namespace, dict) else None


def _evaluated(annotation: Any, namespace: dict[str, Any]) -> Any:
    if not isinstance(annotation, str):
        return annotation
    if annotation.isidentifier() and annotation in namespace:
        return namespace[annotation]
    return eval(annotation, namespace, None)
