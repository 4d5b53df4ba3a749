"""Independent per-item work spread over forked worker processes (issue 15: `fit --all`).

`fit --all` plans every catalog model on one GPU, and each model's plan reads nothing another
model's writes, so the models can be planned in several processes and the answers gathered in
catalog order. Workers are forked (POSIX): they start with everything already imported and built
(the catalog's specs, the GPU), do their share, and send the results back pickled through a pipe.
Any item a worker could not finish (an error of any kind, a result that does not pickle, a worker
that died) is done again in the calling process, in order, so every error is raised as the serial
loop would raise it. The answers are the same as the serial loop's; `LLMSIZE_JOBS=1` runs it serially.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from llmsize.units import is_whole_number

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4  # a few processes are enough for ~150 models; more only add fork and pickle costs
MIN_ITEMS_PER_WORKER = 16  # below this a worker costs more than it saves


def workers_for(items: int) -> int:
    """How many processes (the caller included) to spread `items` over: LLMSIZE_JOBS if set, else
    the cores the other programs leave idle (the load average says how many are busy; on a machine
    whose cores are all busy a second process only slows both)."""
    threading = sys.modules.get("threading")  # not imported: no Python thread was ever started
    if not hasattr(os, "fork") or (threading is not None and threading.active_count() > 1):
        return 1  # forking a process with threads can deadlock the child (a lock held by another)
    asked = os.environ.get("LLMSIZE_JOBS", "").strip()
    # units' one rule for numbers: str.isdigit() takes "²", which int() refuses (an internal error)
    if is_whole_number(asked) and len(asked) <= 18 and int(asked) > 0:
        cores = int(asked)
    else:
        affinity = getattr(os, "sched_getaffinity", None)
        cores = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
        try:
            busy = os.getloadavg()[0]
        except (AttributeError, OSError):
            busy = 0.0
        cores = min(MAX_WORKERS, int(cores - busy + 0.5))
    return max(1, min(cores, items // MIN_ITEMS_PER_WORKER))


def _share(count: int, workers: int, k: int) -> range:
    """Worker k's items, interleaved so that the costly models of one family are spread out."""
    return range(k, count, workers)


def _child(work: Callable[[T], R], items: Sequence[T], share: range, fd: int) -> None:
    import pickle

    done: dict[int, R] = {}
    for i in share:
        try:
            done[i] = work(items[i])
        except Exception:  # redone by the caller, which keeps the error to hand back in order
            continue
    try:
        data = pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something that does not pickle: the caller redoes the whole share
        data = b""
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _read(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as src:
        return src.read()


def _attempt(work: Callable[[T], R], item: T) -> R | Exception:
    try:
        return work(item)
    except Exception as err:  # handed back as a value: the caller decides, in order
        return err


def fan_out(work: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R | Exception]:
    """[work(item) for item in items], each error handed back in its item's place (KeyboardInterrupt
    and SystemExit are raised), with the items shared between `workers` processes."""
    n = workers if workers is not None else workers_for(len(items))
    if n <= 1:
        return [_attempt(work, item) for item in items]
    children: list[tuple[int, int]] = []
    for k in range(1, n):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: its share, then leave without running the caller's exit code
            code = 1
            try:
                os.close(read_fd)
                _child(work, items, _share(len(items), n, k), write_fd)
                code = 0
            finally:
                os._exit(code)
        os.close(write_fd)
        children.append((pid, read_fd))
    got: dict[int, R | Exception] = {i: _attempt(work, items[i]) for i in _share(len(items), n, 0)}
    import pickle

    for pid, fd in children:
        try:
            data = _read(fd)
            got.update(pickle.loads(data) if data else {})
        except Exception:  # a worker that died or sent something unreadable: its items are redone
            pass
        finally:
            os.waitpid(pid, 0)
    return [got[i] if i in got else _attempt(work, items[i]) for i in range(len(items))]
