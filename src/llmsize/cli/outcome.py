"""How a command run ends: one error line and an exit code, shared by the typer app and the fast path."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from llmsize.cli.declare import echo
from llmsize.errors import ExitCode, one_line


def debug() -> bool:
    """LLMSIZE_DEBUG set to anything but empty, 0, false, no or off (LLMSIZE_DEBUG=0 means off)."""
    return os.environ.get("LLMSIZE_DEBUG", "").strip().lower() not in ("", "0", "false", "no", "off")


def fail(message: str, code: int, suggestions: list[str] | None = None) -> NoReturn:
    """Print `Error: message` as one line on stderr (the traceback too under LLMSIZE_DEBUG) and exit."""
    if debug() and sys.exc_info()[0] is not None:
        import traceback

        traceback.print_exc()
    line = f"Error: {message}"
    if suggestions:
        line += f" Did you mean: {', '.join(suggestions[:5])}?"
    echo(one_line(line), err=True)
    sys.exit(code)


def reader_left() -> NoReturn:
    """`llmsize ... | head`: the reader took what it wanted and left; end quietly with exit 0.

    Every path ends this way: the typer app, the fast path and `--help` (issue 15: typer paths
    ended with 1, click's choice in core._main, and the fast path copied it). Not 1: llmsize's
    ExitCode gives 1 to an internal error, and `set -o pipefail` scripts reading the first lines
    would fail on it. Not 141 (128 + SIGPIPE): a shell reports that for a process the signal killed,
    which a Python program is not (it ignores SIGPIPE and raises BrokenPipeError; restoring SIG_DFL
    would also let a closed Hub socket kill the run). ripgrep likewise takes a broken pipe as
    "graceful termination" (crates/core/main.rs search). stdout goes to /dev/null so the
    interpreter's final flush does not fail again (Python docs, signal, "Note on SIGPIPE").
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(ExitCode.OK)


def interrupted() -> NoReturn:
    """Ctrl-C: no traceback, exit 130 so a script sees the run did not finish (typer returns its
    Exit(130) to a caller in non-standalone mode, which ended the run with 0; issue 15)."""
    sys.exit(ExitCode.INTERRUPTED)


def caused_by_interrupt(err: BaseException) -> bool:
    """Whether a Ctrl-C is what `err` carries: Python 3.11 re-raises an exception from a descriptor's
    __set_name__ as RuntimeError (a Ctrl-C while stdlib's ipaddress was being imported ended with that
    RuntimeError's traceback and exit 1; bench/fuzz.py signal runs, issue 15)."""
    seen: set[int] = set()
    cause: BaseException | None = err
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False
