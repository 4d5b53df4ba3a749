"""End a finished `llmsize` process without tearing the interpreter down (issue 15: cold start).

Once a command has written its output, CPython's finalization (Python/pylifecycle.c Py_FinalizeEx:
finalize_modules, then a last collection) clears every module and frees every object one by one:
86 M instructions after a cold `fit --all` (callgrind), more than twice a whole `python -c pass`,
for nothing anyone sees. os._exit ends the process at once, so what finalization would still do
that can be seen is done first, in its order: the atexit handlers (Py_FinalizeEx calls them before
flushing the standard streams), then stdout and stderr flushed. Where that cannot be done the same
way, the usual exit runs instead and the exit code and messages stay as they were: another thread
still running (finalization waits for it), an exit with a message instead of a number, `python -i`,
or a flush that fails (a reader that left: Python reports it and exits 120).

Only the process entry points use it (`python -m llmsize`, the `llmsize` script); `llmsize.cli.main`
called inside another program (the tests) still raises SystemExit.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn


def run(main: Callable[[], Any]) -> NoReturn:
    """main(), then end the process with its exit code (see the module docstring); the collector
    runs less often meanwhile (cli/sweep_gc.py `fewer_collections_in_process`)."""
    from llmsize.cli.sweep_gc import fewer_collections_in_process

    fewer_collections_in_process()
    try:
        main()
    except SystemExit as done:
        _end(done)
        raise
    _end(SystemExit(0))
    sys.exit(0)


def _end(done: SystemExit) -> None:
    """os._exit with `done`'s code, or return (the caller then exits as Python does)."""
    code = 0 if done.code is None else done.code  # llmsize's ExitCode is an IntEnum
    threading = sys.modules.get("threading")
    if not isinstance(code, int) or not 0 <= code <= 255 or sys.flags.inspect or (
            threading is not None and threading.active_count() > 1):
        return
    atexit._run_exitfuncs()  # and forgotten: a fallback below does not run them twice
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except Exception:  # Python's own exit reports it, as before
            return
    os._exit(int(code))
