"""The long hostile-input run (issue 15): many generated names through the API and the CLI, and
every hostile file and misuse of the three rounds (tests/hostile.py, tests/hostile_round3.py, with
its environment variables), each in a subprocess with a memory cap and a time limit.

Each input must end in a result or one line with exit 2, within --limit seconds. The CI test
(tests/cli/test_hostile_inputs.py) runs a small seeded sample of the same generators.
Run: python bench/fuzz.py [--names 2000] [--cli 300] [--options N] [--seed 1] [--limit 2]
(--options: that many of the ~5,000 hostile option values, tests/hostile_options.py; default all).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import hostile
import hostile_options
import hostile_round3

MEMORY_CAP_BYTES = 2 << 30


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))


def run_cli(
    argv: list[str], limit: float, env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[str, float, str]:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "llmsize", *argv],
            capture_output=True,
            text=True,
            timeout=max(limit * 10, 20),
            preexec_fn=_cap,
            check=False,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        return "hang", time.perf_counter() - start, ""
    wall = time.perf_counter() - start
    err = done.stderr.strip()
    if done.returncode not in (0, 2, 3) or "internal error" in err or "Traceback" in err:
        return f"exit {done.returncode}", wall, err[-300:]
    if done.returncode == 2 and not err.startswith("Usage:") and len(err.splitlines()) != 1:
        return "multi-line", wall, err[-300:]
    return ("slow" if wall > limit else "ok"), wall, ""


def api_names(names: list[str]) -> list[str]:
    """Every name through resolve + estimate in this process; only LlmsizeError may escape."""
    import llmsize
    from llmsize.errors import LlmsizeError

    failures = []
    for name in names:
        try:
            llmsize.estimate(llmsize.resolve(name), llmsize.Workload())
        except LlmsizeError as err:
            if "\n" in str(err):
                failures.append(f"multi-line error for {name!r}")
        except Exception as err:
            failures.append(f"{type(err).__name__} for {name!r}: {err}")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--names", type=int, default=2000, help="generated names through the API")
    parser.add_argument("--cli", type=int, default=300, help="generated names through the CLI")
    parser.add_argument("--options", type=int, default=None,
                        help="hostile option values through the CLI (default: every one, ~5,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=2.0, help="seconds each CLI run may take")
    args = parser.parse_args()
    names = list(hostile.NAMES) + hostile.random_names(args.seed, args.names)
    failures = api_names(names)
    print(f"API: {len(names)} names, {len(failures)} failures")
    for f in failures[:50]:
        print("  ", f)
    cli_names = [n for n in hostile.NAMES if "\x00" not in n] + hostile.random_names(args.seed + 1, args.cli)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases = [["estimate", "--", n] for n in cli_names]
        cases += [["estimate", str(p)] for _, p in hostile.write_model_dirs(root)]
        cases += list(hostile.cli_misuses(root))
        cases += [["estimate", str(p)] for _, p in hostile_round3.write_model_dirs(root)]
        cases += list(hostile_round3.misuses(root))
        options = list(hostile_options.option_cases()) + list(hostile_options.launch_cases())
        options += hostile_options.misplaced_cases()
        if args.options is not None:
            options = random.Random(args.seed).sample(options, min(args.options, len(options)))
        cases += options
        runs: list[tuple[list[str], dict[str, str] | None]] = [(argv, None) for argv in cases]
        runs += [(list(command), {variable: value, "HF_HUB_OFFLINE": "0"})
                 for variable, value in hostile_round3.ENVIRONMENT for command in hostile_round3.ENV_COMMANDS]
        bad, slowest = 0, 0.0
        for argv, env in runs:
            # in the temporary folder: a relative LLMSIZE_CACHE_DIR is created where the run stands
            verdict, wall, err = run_cli(argv, args.limit, env, cwd=root)
            slowest = max(slowest, wall)
            if verdict != "ok":
                bad += 1
                print(f"  {verdict:10} {wall:5.1f}s {' '.join(argv)[:100]!r} {env or ''} {err!r}")
    print(
        f"CLI: {len(runs)} runs, {bad} not answered cleanly within {args.limit:g} s; slowest {slowest:.2f} s"
    )
    sys.exit(1 if failures or bad else 0)


if __name__ == "__main__":
    main()
