"""Round 18 of the hostile-input run (issue 15): option combinations over the live CLI, contradictions,
very long lists, pasted engine command lines, hostile training YAML, model folders that point outside
themselves, GGUF metadata of rare value types, odd saved reports, --output targets, `measure` options, and
(in subprocesses) the LLMSIZE_* / HF_* / XDG_* / terminal variables and completion requests.

The inputs are tests/hostile_round18.py's (tests/cli/test_hostile_round18.py runs a seeded sample).
Every run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU
seconds (fuzz_round10.run under an alarm; CPU, not wall time: the machine is shared). Not timed: `measure`
(it builds and runs the model under torch) and `models --fits` / `fit --all` over the whole catalog (their
cold time is its own work item, see docs/large-inputs.md).
Run: python bench/fuzz_round18.py [--steps options,...,environment] [--limit 2]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_round10 import Tally, run_round

import hostile_round18 as r18

_UNTIMED = ("measure", "--fits", "--all")

# Variables llmsize (or what it imports) reads, with values a broken shell profile leaves behind.
ENVIRONMENT: dict[str, tuple[str, ...]] = {
    "LLMSIZE_JOBS": ("0", "-1", "1e9", "99999999", "nan", "", "1.5", "٣", "2**8"),
    "LLMSIZE_HUB_TIMEOUT": ("0", "-1", "1e308", "inf", "nan", "", "1e-300", "99999999999"),
    "LLMSIZE_GPU_DIR": ("/dev/null", "{fifo}", "{file}", "/nonexistent", "", "relative/dir", "/", "/proc"),
    "LLMSIZE_CACHE_DIR": ("/dev/null", "{fifo}", "{file}", "/proc/self", "", "relative", "/", "x" * 5000),
    "HF_HOME": ("/dev/null", "{file}", "", "/proc", "x" * 5000),
    "HF_HUB_CACHE": ("/dev/null", "{file}", "{fifo}", ""),
    "HF_HUB_OFFLINE": ("", "0", "maybe", "2", "TRUE"),
    "HF_HUB_ETAG_TIMEOUT": ("0", "-1", "nan", "inf", "x", "1e400"),
    "HF_HUB_DOWNLOAD_TIMEOUT": ("0", "-1", "nan", "x"),
    "HF_ENDPOINT": ("", "ftp://x", "http://", "http://[::1", "file:///etc", "x" * 5000,
                    "http://127.0.0.1:0"),
    "HF_TOKEN": ("", " ", "\n", "x" * 100_000, "hf_\x01"),
    "XDG_CACHE_HOME": ("/dev/null", "{file}", "", "relative"),
    "XDG_CONFIG_HOME": ("/dev/null", "{file}", ""),
    "HOME": ("/dev/null", "", "/nonexistent"),
    "COLUMNS": ("0", "1", "100000", "-5", "x"),
    "LINES": ("0", "-1", "x"),
    "TERM": ("dumb", "", "xterm-256color\x1b"),
    "FORCE_COLOR": ("1", "x", "0"),
    "PYTHONIOENCODING": ("ascii", "latin-1", "utf-16"),
    "LANG": ("C", "tr_TR.UTF-8", "x"),
    "OLLAMA_MODELS": ("/dev/null", "{file}", "/nonexistent"),
    "CUDA_VISIBLE_DEVICES": ("", "-1", "GPU-xxx", ",".join(str(i) for i in range(5000))),
    "HIP_VISIBLE_DEVICES": ("-1", "x"),
}
COMPLETE = ("complete_bash", "complete_zsh", "complete_fish", "source_bash", "source_zsh",
            "complete_tcsh", "x", "", "complete_", "source_powershell", "complete_pwsh", "\x1b",
            "complete_bash\n")  # fmt: skip
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh", "tcsh", "", "x" * 5000, "../../bin/sh")


def environment_cases(root: Path) -> Iterator[tuple[dict[str, str], list[str]]]:
    """(variables, argv): each variable with each value under the commands that read it."""
    root.mkdir(parents=True, exist_ok=True)
    fifo, file = root / "fifo", root / "file"
    if not fifo.exists():
        os.mkfifo(fifo)
    file.write_text("x")
    closed = {"HF_ENDPOINT": "http://127.0.0.1:9"}  # a closed local port: nothing leaves the machine
    for variable, values in ENVIRONMENT.items():
        for raw in values:
            value = raw.format(fifo=fifo, file=file) if "{" in raw else raw
            hub = variable.startswith("HF_") and variable != "HF_HUB_OFFLINE"
            env = {variable: value, **({} if hub else {"HF_HUB_OFFLINE": "1"})}
            if hub and variable != "HF_ENDPOINT":
                env.update(closed)
            yield env, ["estimate", "Qwen/Qwen2.5-0.5B" if hub else r18.MODEL, "--gpu", "H100"]
            if variable.startswith(("LLMSIZE", "CUDA", "HIP", "OLLAMA")):
                for argv in (["fit", r18.MODEL], ["gpus"], ["check", "--", "ollama", "run", "qwen2.5:0.5b"]):
                    yield {variable: value, "HF_HUB_OFFLINE": "1"}, argv
    words = {"COMP_WORDS": "llmsize est", "COMP_CWORD": "1", "_TYPER_COMPLETE_ARGS": "llmsize est",
             "_TYPER_COMPLETE_WORD_TO_COMPLETE": "est"}  # fmt: skip
    for mode in COMPLETE:
        yield {"_LLMSIZE_COMPLETE": mode, **words}, []
    for shell in SHELLS:
        yield {"HF_HUB_OFFLINE": "1", "SHELL": "/bin/" + shell}, ["--show-completion"]
        yield {"HF_HUB_OFFLINE": "1", "HOME": str(root)}, ["--install-completion", shell]
        yield {"HF_HUB_OFFLINE": "1"}, ["--show-completion", shell]


# the console script as a shell runs it: click keys completion by the program's name (llmsize)
ARGV = (sys.executable, "-c", "import sys; from llmsize.cli import main; sys.argv[0] = 'llmsize'; main()")


def run_environment(tally: Tally, root: Path, limit: float) -> None:
    for env, argv in environment_cases(root):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            done = subprocess.run([*ARGV, *argv], env={**os.environ, **env}, capture_output=True, text=True,
                                  errors="replace", timeout=60, cwd=root)  # a relative cache dir lands there
        except subprocess.TimeoutExpired:
            tally.record("environment", [str(env)[:80], *argv], "hang", "")
            continue
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        err = done.stderr.strip()
        problem = None
        if done.returncode not in (0, 2, 3):
            problem = f"exit {done.returncode}"
        elif "internal error" in err or "Traceback" in err:
            problem = "internal error"
        elif done.returncode == 2 and len(err.splitlines()) != 1 and not err.startswith("Usage:"):
            problem = "not one line"  # `llmsize` with no command prints its help (exit 2), as before
        elif cpu > limit:
            problem = "slow"
        tally.record("environment", [str({k: v[:40] for k, v in env.items()}), *argv], problem, err)


def after_steps(tally: Tally, tmp: Path, wanted: list[str], limit: float) -> None:
    """Round 18's own checks: nothing overwritten, no YAML tag run, and the environment step."""
    if not wanted or "output" in wanted:
        kept = (tmp / "output" / "exists.json").read_text() == "precious\n"
        tally.record("output", ["(an existing file and the file behind a link)"], None if kept else
                     "overwritten", "")  # fmt: skip
    # the documents' `!!python/object/apply:os.system ['touch PWNED']` were data, never run
    tally.record("training", ["(YAML tags)"], "executed" if Path("PWNED").exists() else None, "")
    if not wanted or "environment" in wanted:
        start = time.perf_counter()
        run_environment(tally, tmp / "environment", limit)
        print(f"environment: done in {time.perf_counter() - start:.0f} s", flush=True)


def main() -> None:
    run_round("round 18", __doc__, r18.STEPS, untimed=_UNTIMED, after=after_steps)


if __name__ == "__main__":
    main()
