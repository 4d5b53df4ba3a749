"""Round 21 of the hostile-input run (issue 15): `check` of engine lines built by rule (shell syntax,
prefixes, unicode, every number flag x odd values in four forms), the all-to-all backend flags in another
case and vLLM's --all2all-backend without --dp / --ep, training recipes of odd YAML (aliases that
multiply, python tags, 100,000 keys, deep nesting), model folders whose config.json / index / .gguf is odd
or no plain file, corrupted reports, option combinations of every command, and - as subprocesses - odd
environment variables (LLMSIZE_GPU_DIR / LLMSIZE_CACHE_DIR naming a file, a FIFO, a loop; HF_HUB_OFFLINE;
locales; COLUMNS) and argv that is not UTF-8.

The inputs are tests/hostile_round21.py's (tests/cli/test_hostile_round21.py runs a seeded sample). Every
run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU seconds
(fuzz_round10.run under an alarm; `measure`, `fit --all` and `models --fits` size the whole catalog or load
torch and are not timed, as in round 19); no human output may hold a raw control character; nothing a
command or recipe names (`touch PWNED`) may run. Subprocess runs (the `env` step) must answer within
`--env-timeout` wall seconds and peak below 1 GiB RSS.
Run: python bench/fuzz_round21.py [--steps check-lines,backends,recipes,model-files,reports,options,env]
     [--limit 2]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_round10
import fuzz_round19
from child_rss import run_measured
from fuzz_round10 import Tally, run_round

import hostile_round20 as r20
import hostile_round21 as r21

UNTIMED = r21.SLOW
MAX_RSS = 1 << 30
ENV_TIMEOUT_S = 60.0  # wall: a fresh interpreter on a shared 2-core machine; a hang runs far past it


def subprocess_problem(env: dict[str, str], argv: list[bytes], cwd: Path,
                       timeout: float = ENV_TIMEOUT_S) -> tuple[str | None, str]:
    """`python -m llmsize ARGV` with `env` added: (problem or None, its stderr)."""
    full = {**os.environ, "HF_HUB_OFFLINE": "1", **env}
    try:  # the command's own peak, not the largest of every child this process reaped (child_rss.py)
        done, rss = run_measured([os.fsencode(sys.executable), b"-m", b"llmsize", *argv], full, cwd, timeout)
    except subprocess.TimeoutExpired:
        return "hang", ""
    err = done.stderr.decode("utf-8", "replace").strip()
    if rss > MAX_RSS:
        return f"rss {rss >> 20} MiB", err
    if done.returncode not in (0, 2, 3):
        return f"exit {done.returncode}", err[-300:]
    if "Traceback" in err or "internal error" in err:
        return "internal error", err[-300:]
    if done.returncode == 2:
        lines = [line for line in err.splitlines() if line.startswith("Error")]
        if len(lines) != 1 or not lines[0].isprintable():
            return "not one printable line", err[-300:]
    return None, err


def env_step(tally: Tally, tmp: Path, wanted: list[str], limit: float) -> None:
    """The environment / locale / non-UTF-8 argv cases, each as a subprocess."""
    if wanted and "env" not in wanted:
        return
    root = tmp / "env"
    start = time.perf_counter()
    for env, argv in r21.env_cases(root):
        problem, err = subprocess_problem(env, argv, root)
        label = [f"{k}={v}" for k, v in env.items()] + [a.decode("utf-8", "replace") for a in argv]
        tally.record("env", label, problem, err)
    print(f"env: done in {time.perf_counter() - start:.0f} s", flush=True)


def after_steps(tally: Tally, tmp: Path, wanted: list[str], limit: float) -> None:
    """Nothing named was run; then the subprocess step."""
    tally.record("check-lines", ["(touch PWNED)"], "executed" if Path("PWNED").exists() else None, "")
    env_step(tally, tmp, wanted, limit)


_ADVICE = re.compile(r"llmsize (compare|estimate|explain|fit|plan|models|gpus|check)\b[^()]*")


def _round21_run(argv: list[str], limit: float) -> tuple[str | None, int, str, str]:
    """Round 20's checked run, except that options in advice to run another command (`compare them with:
    llmsize compare MODEL --gpus H100,L4`) are that command's, not options the refusal lacks."""
    problem, code, out, err = fuzz_round19._checked_run(argv, limit)
    if problem is None and code == 2:
        foreign = r20.foreign_options(argv, _ADVICE.sub("", err))
        if foreign:
            problem = f"names {foreign[0]}, not an option of {argv[0]}"
    return problem, code, out, err


def main() -> None:
    fuzz_round10.run = _round21_run  # round 19's output check and round 20's option check
    steps = dict(r21.STEPS)
    steps["env"] = lambda root: iter(())  # run by after_steps, as subprocesses
    run_round("round 21", __doc__, steps, untimed=UNTIMED, after=after_steps)


if __name__ == "__main__":
    main()
