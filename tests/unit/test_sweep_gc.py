"""fit --all's sweep collects garbage less often (cli/sweep_gc.py, issue 15), and only inside it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from llmsize.cli.sweep_gc import SWEEP_THRESHOLD, fewer_collections


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_raised_inside_and_put_back_after(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(700, 10, 10)
    with fewer_collections():
        assert gc.get_threshold() == (SWEEP_THRESHOLD, 10, 10)
        assert gc.get_freeze_count() > 0  # what was built before the sweep is not scanned again
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def test_put_back_when_the_sweep_raises(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(700, 10, 10)
    with pytest.raises(ZeroDivisionError), fewer_collections():
        _ = 1 / 0
    assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0


def test_collection_turned_off_stays_off(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(0, 10, 10)
    with fewer_collections():
        assert gc.get_threshold()[0] == 0


def test_cycles_made_in_the_sweep_are_still_collected(thresholds: tuple[int, int, int]) -> None:
    class Node:
        pass

    with fewer_collections():
        a, b = Node(), Node()
        a.other, b.other = b, a  # type: ignore[attr-defined]
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        assert gone() is None


def test_the_cli_process_collects_less_often_from_its_start(thresholds: tuple[int, int, int]) -> None:
    """The entry points (quick_exit.run: `python -m llmsize`, the `llmsize` script) raise the young
    threshold before the command imports anything heavy (issue 15: ~4% of a cold `estimate`); a
    threshold of 0 stays 0, and `cli.main` called in another program (the tests) leaves it alone."""
    import subprocess
    import sys

    from llmsize.cli.sweep_gc import PROCESS_THRESHOLD, fewer_collections_in_process

    code = ("import gc; gc.set_threshold(700, 10, 10); from llmsize.cli.quick_exit import run; "
            "run(lambda: print(gc.get_threshold()))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"({PROCESS_THRESHOLD}, 10, 10)"
    gc.set_threshold(0, 10, 10)
    fewer_collections_in_process()
    assert gc.get_threshold() == (0, 10, 10)
    gc.set_threshold(PROCESS_THRESHOLD, 10, 10)
    with fewer_collections():  # a sweep inside such a process keeps the higher threshold
        assert gc.get_threshold() == (PROCESS_THRESHOLD, 10, 10)
