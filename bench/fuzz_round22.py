"""Round 22 of the hostile-input run (issue 15): number spellings the earlier rounds left out (1e-400, -0,
0x10, unicode digits and minus signs, spaces inside numbers) in every value-taking option of every command;
the recent options (--held-logits, --concurrency lists, --engine-version, --all2all-backend, speculative
decoding, LoRA, --format html --output) alone and combined; llama-server / Ollama slot counts of every sign;
hand-written GGUF files (odd types, counts past the file, negative sizes, unicode keys); safetensors headers
and model folders (symlink loops, FIFOs, a 20 MB config.json); crafted saved reports; --gpu-file YAML of
YAML-1.1 spellings; repos a local Hub (127.0.0.1) serves with odd config.json values; and - as
subprocesses - the environment variables the tool reads and shell completion.

The inputs are tests/hostile_round22.py's (tests/cli/test_hostile_round22.py runs a seeded sample). Every
in-process run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU
seconds (fuzz_round10.run under an alarm, round 19's check that no human output holds a raw control
character, round 21's check that a refusal names only its command's options); JSON results must hold sane
numbers. `--all` (fit --all over the catalog) is not timed. Subprocess runs (the `env` step) must answer
within 60 wall seconds and peak below 1 GiB RSS (child_rss.run_measured).
Run: python bench/fuzz_round22.py
     [--steps numbers,recent,slots,gguf,model-dirs,reports,gpu-files,hub,env] [--limit 2]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_round10
import fuzz_round21
from child_rss import run_measured
from fuzz_round10 import Tally, run_round
from fuzz_round19 import CONTROL

import hostile_round22 as r22


def console_script() -> bytes:
    """The installed `llmsize` command: shell completion keys on the program's own name (click reads
    _LLMSIZE_COMPLETE only for a program called llmsize; `python -m llmsize` prints its usage instead)."""
    script = Path(sys.executable).with_name("llmsize")
    return os.fsencode(script if script.exists() else "llmsize")


def subprocess_problem(
    env: dict[str, str], argv: list[str], cwd: Path, timeout: float = fuzz_round21.ENV_TIMEOUT_S
) -> tuple[str | None, str]:
    """Round 21's subprocess check (exit code, one line, peak RSS, a hang), completion run as `llmsize`;
    then no raw control character in what it printed."""
    if "_LLMSIZE_COMPLETE" not in env:
        return fuzz_round21.subprocess_problem(env, [a.encode() for a in argv], cwd, timeout)
    full = {**os.environ, "HF_HUB_OFFLINE": "1", **env}
    try:
        done, rss = run_measured([console_script(), *(a.encode() for a in argv)], full, cwd, timeout)
    except subprocess.TimeoutExpired:
        return "hang", ""
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace").strip()
    if rss > fuzz_round21.MAX_RSS:
        return f"rss {rss >> 20} MiB", err
    if done.returncode not in (0, 2) or "Traceback" in err or "internal error" in err:
        return f"exit {done.returncode}", err[-300:]
    if done.returncode == 2 and (len(err.splitlines()) != 1 or not err.isprintable()):
        return "not one printable line", err[-300:]
    if CONTROL.search(out):
        return "control character in output", repr(out[:200])
    return None, err


def env_step(tally: Tally, tmp: Path, wanted: list[str], limit: float) -> None:
    """The environment and completion cases, each as a subprocess."""
    if wanted and "env" not in wanted:
        return
    root = tmp / "env"
    start = time.perf_counter()
    for env, argv in r22.env_cases(root):
        problem, err = subprocess_problem(env, argv, root)
        label = [f"{k}={v[:60]}" for k, v in env.items()] + argv
        tally.record("env", label, problem, err)
    print(f"env: done in {time.perf_counter() - start:.0f} s", flush=True)


def hub_step(tally: Tally, tmp: Path, wanted: list[str], limit: float) -> None:
    """estimate / fit of repos a local Hub serves with odd config.json values, in process (HF_HOME in
    `tmp`)."""
    if wanted and "hub" not in wanted:
        return
    import json

    from hub_server import TINY_LLAMA_CONFIG, llama_tensors, safetensors_bytes, serve_hub

    class _Env:  # serve_hub sets HF_ENDPOINT through a monkeypatch-like object
        def setenv(self, name: str, value: str) -> None:
            os.environ[name] = value

    saved = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "HF_HOME", "LLMSIZE_CACHE_DIR", "HF_ENDPOINT")}
    os.environ.pop("HF_HUB_OFFLINE", None)
    os.environ.update(HF_HOME=str(tmp / "hf"), LLMSIZE_CACHE_DIR=str(tmp / "llmsize-cache"))
    weights = safetensors_bytes(llama_tensors(TINY_LLAMA_CONFIG))
    start = time.perf_counter()
    try:
        with serve_hub(_Env()) as server:  # type: ignore[arg-type]
            for name, config in r22.hub_configs().items():
                files = {"config.json": json.dumps(config), "model.safetensors": weights}
                server.add_repo(f"acme/{name}", files)
                fit = ["fit", f"acme/{name}", "--gpu", "L4", "--engine", "vllm", "--format", "json"]
                for argv in (["estimate", f"acme/{name}"], fit):
                    problem, code, out, err = fuzz_round10.run(argv, limit * 10)
                    tally.record("hub", argv, problem, err)
                    fuzz_round10.semantic(tally, "hub", argv, code, out)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    print(f"hub: done in {time.perf_counter() - start:.0f} s", flush=True)


def after_steps(tally: Tally, tmp: Path, wanted: list[str], limit: float) -> None:
    """A page written once is not overwritten by the second run without --force; then the subprocess step."""
    page = tmp / "recent" / "page.html"
    if (not wanted or "recent" in wanted) and page.exists():
        page.write_text("precious\n")
        fuzz_round10.run(["estimate", r22.MODEL, "--format", "html", "--output", str(page)], limit)
        kept = page.read_text() == "precious\n"
        tally.record("recent", ["(html page kept without --force)"], None if kept else "overwritten", "")
    hub_step(tally, tmp, wanted, limit)
    env_step(tally, tmp, wanted, limit)


def main() -> None:
    fuzz_round10.run = fuzz_round21._round21_run  # round 19's output check and round 20's option check
    steps = dict(r22.STEPS)
    run_round("round 22", __doc__, steps, untimed=r22.SLOW, after=after_steps)


if __name__ == "__main__":
    main()
