"""What the identity benches share (auto_search_identical.py, compare_identical.py): run a list of CLI
commands in one process per source tree and compare every output, so a speed-up is shown to move nothing.

A script gives its `commands()` and calls `main(commands, script_file, summary)`; run as
`python bench/<script>.py --against <older src>`, it runs itself twice as a child (`--child`, once with
each tree on PYTHONPATH) and exits 0 when every line is identical, 1 otherwise (the differing commands
are listed).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")


def run_all(commands: list[list[str]], keep_stderr: bool) -> None:
    """The child: every command in this process, one JSON line each (exit code, stdout, and stderr where
    the caller compares it too)."""
    from llmsize.cli import main

    for args in commands:
        buf, err, code = io.StringIO(), io.StringIO(), 0
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
            try:
                sys.argv = ["llmsize", *args]
                main()
            except SystemExit as done:
                code = int(done.code or 0)
        line = {"args": args, "code": code, "out": buf.getvalue()}
        if keep_stderr:
            line["err"] = err.getvalue()
        print(json.dumps(line), flush=True)


def outputs(script: str, src: str) -> list[dict[str, object]]:
    """The child's lines with `src` on PYTHONPATH (offline: nothing reaches the Hub)."""
    env = {**os.environ, "PYTHONPATH": src, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, script, "--child"], env=env, capture_output=True, text=True,
                          check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def main(commands: Callable[[], list[list[str]]], script: str, doc: str | None,
         summary: Callable[[list[dict[str, object]], int], str], keep_stderr: bool = False) -> None:
    """Parse --against / --child, run both trees and print the differing commands and `summary`."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--against", help="the older checkout's src folder")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_all(commands(), keep_stderr)
        return
    if not args.against:
        parser.error("--against is required")
    new, old = outputs(script, SRC), outputs(script, args.against)
    differ = [n["args"] for n, o in zip(new, old, strict=True) if n != o]
    for cmd in differ:
        print("DIFF", " ".join(map(str, cmd)))  # type: ignore[call-overload]
    print(summary(new, len(differ)))
    sys.exit(1 if differ else 0)
