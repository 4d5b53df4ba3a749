"""The strict tooling stated in pyproject.toml holds for the whole tree (STYLE.md practice 14)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_is_clean() -> None:
    done = _run("ruff", "check", "src", "tests", "bench", "docs")
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    done = _run("mypy", "src")
    assert done.returncode == 0, done.stdout[-3000:]
