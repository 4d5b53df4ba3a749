"""Option groups: a set of options several commands take, declared once (issue 15).

typer reads a command's options from its signature, so each command used to list the ~40 workload
and engine options again. A group is the signature of the function that consumes those options
(`build_workload`, `engine_settings_from`, ...): its parameters carry the option aliases and the
defaults. A command names the group as the default of one placeholder parameter; `@with_groups`
puts the group's options there (so `--help` keeps their place) and hands the command the parsed
values as one dict under the placeholder's name.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ParamSpec, TypeVar

from llmsize.cli.signatures import evaluated_signature

P = ParamSpec("P")
R = TypeVar("R")

OptionValues = Mapping[str, Any]
"""What a command's placeholder parameter receives: each option of the group by its parameter name."""


class OptionGroup(Mapping[str, inspect.Parameter]):
    """The options of `source`'s keyword parameters (minus `exclude`), in its order."""

    def __init__(
        self, source: Callable[..., object], *, exclude: Iterable[str] = (), only: Iterable[str] | None = None
    ) -> None:
        params = evaluated_signature(source).parameters
        keep = [n for n in params if n not in set(exclude)] if only is None else list(only)
        unknown = sorted(set(keep) - set(params))
        if unknown:
            raise ValueError(f"{source.__name__} has no parameter {unknown}")
        order = [n for n in params if n in keep]  # the source's order, whatever order `only` names them in
        self._params = {n: params[n].replace(kind=inspect.Parameter.KEYWORD_ONLY) for n in order}
        self.source = source

    def only(self, *names: str) -> OptionGroup:
        """This group restricted to `names`, for a command that takes fewer of its options."""
        missing = sorted(set(names) - set(self._params))
        if missing:
            raise ValueError(f"not in this group of {self.source.__name__}: {missing}")
        return OptionGroup(self.source, only=names)

    def __getitem__(self, name: str) -> inspect.Parameter:
        return self._params[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)


def with_groups(command: Callable[P, R]) -> Callable[P, R]:
    """`command` with each placeholder (a parameter whose default is an OptionGroup) expanded.

    typer sees the expanded signature; the command is called with each group's values collected
    into a dict under its placeholder's name. Two groups declaring the same option is a bug.
    """
    signature = evaluated_signature(command)
    groups: dict[str, OptionGroup] = {}
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        if isinstance(param.default, OptionGroup):
            groups[param.name] = param.default
            params.extend(param.default.values())
        else:
            params.append(param.replace(kind=inspect.Parameter.KEYWORD_ONLY))
    names = [p.name for p in params]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise TypeError(f"{command.__name__}: options declared twice: {clashes}")

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for name, group in groups.items():
            kwargs[name] = {option: kwargs.pop(option) for option in group}
        return command(*args, **kwargs)

    run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params} | {"return": signature.return_annotation}
    return run
