"""One command's own peak memory: run it under a one-child wrapper and read that wrapper's RUSAGE_CHILDREN.

The caller's RUSAGE_CHILDREN is the largest of every child it has reaped, so a pytest worker that earlier
reaped a torch compile worker or another test's subprocess reports that child's peak for the next one
(`hostile_round21 env` failed so under pytest-xdist with 1,071 MiB for an estimate that peaks at 25 MiB).
The wrapper has exactly one child, so its figure is that command's. Arguments travel as bytes: the wrapper
decodes them with the file-system encoding (surrogateescape) and encodes them back unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL).returncode\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def run_measured(argv: list[bytes] | list[str], env: dict[str, str], cwd: Path | str | None,
                 timeout: float) -> tuple[subprocess.CompletedProcess[bytes], int]:
    """(the finished command, its peak resident bytes); raises subprocess.TimeoutExpired like run()."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "maxrss"
        wrapper = [os.fsencode(sys.executable), b"-c", _WRAPPER.encode(), os.fsencode(str(out))]
        done = subprocess.run([*wrapper, *(os.fsencode(a) for a in argv)], env=env, cwd=cwd,
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        kib = int(out.read_text() or 0) if out.exists() else 0
    return done, kib * 1024  # ru_maxrss is in KiB on Linux
