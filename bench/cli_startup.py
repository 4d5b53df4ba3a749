"""Cold wall time of llmsize commands as ratios to `python -c pass` measured in the same run.

Targets (issue 15): `estimate` and `parse` within 15x `python -c pass`, `fit --all` within 35x.
Ratios, not seconds, so a loaded or slower machine still compares like with like.
Run: python bench/cli_startup.py [--runs 15] [--against OLD_SRC] [--planned]

--against OLD_SRC also times every command with PYTHONPATH=OLD_SRC (another checkout's src/ folder,
with its model_specs/ and gpu_specs/ beside it) in the same rounds, for a before/after on a busy machine.

--planned also times `fit --all` with no rows kept from an earlier run (cli/fit_all_cache.py): a
private cache folder whose fit-all/ is removed before each run, so every model is planned (the
catalogs' JSON copies stay, as they do for any run after the first); with --against, for both trees.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "llmsize --version": [sys.executable, "-m", "llmsize", "--version"],
    "llmsize parse": [sys.executable, "-m", "llmsize", "parse", "Qwen2.5-7B-Instruct-GPTQ-Int4"],
    "llmsize estimate": [sys.executable, "-m", "llmsize", "estimate", "Qwen2.5-7B-Instruct-GPTQ-Int4"],
    "llmsize estimate --format json": [
        sys.executable,
        "-m",
        "llmsize",
        "estimate",
        "Llama-3.1-8B-Instruct",
        "--format",
        "json",
    ],
    "llmsize fit --all": [sys.executable, "-m", "llmsize", "fit", "--all", "--gpu", "RTX-4090"],
}
TARGET_RATIO = {
    "llmsize parse": 15.0,
    "llmsize estimate": 15.0,
    "llmsize estimate --format json": 15.0,
    "llmsize fit --all": 35.0,
    "llmsize fit --all, rows not kept": 35.0,
}


# Cold means a new process, as a user runs it: with the bytecode pip writes at install time.
# PYTHONDONTWRITEBYTECODE would make every run compile every module and measure the compiler.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _wall(cmd: list[str], env: dict[str, str] = ENV) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=False, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-400:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", help="another checkout's src/ folder, timed in the same rounds")
    parser.add_argument("--planned", action="store_true", help="also fit --all with no rows kept")
    args = parser.parse_args()
    envs = {"": ENV}
    if args.against:
        envs = {"": ENV, " [against]": {**ENV, "PYTHONPATH": args.against}}
    runs = {
        label + tag: (cmd, env)
        for tag, env in envs.items()
        for label, cmd in COMMANDS.items()
        if not (tag and label == "python -c pass")
    }
    planned = "llmsize fit --all, rows not kept"
    # One private cache folder per source tree (--against included): its fit-all/ is removed before
    # each run, while the catalogs' JSON copies stay.
    rows_caches: dict[str, str] = {}
    if args.planned:
        for tag, env in envs.items():
            folder = rows_caches[planned + tag] = tempfile.mkdtemp(prefix="cli-startup-")
            runs[planned + tag] = (COMMANDS["llmsize fit --all"], {**env, "LLMSIZE_CACHE_DIR": folder})
    for cmd, env in runs.values():
        _wall(cmd, env)  # writes the bytecode once
    # Interleaved: each round times every command once, so a load change on a shared machine hits
    # the baseline and the commands alike; the ratio is the median of the per-round ratios.
    walls: dict[str, list[float]] = {label: [] for label in runs}
    ratios: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(args.runs):
        base = _wall(COMMANDS["python -c pass"])
        for label, (cmd, env) in runs.items():
            if label in rows_caches:
                shutil.rmtree(os.path.join(rows_caches[label], "fit-all"), ignore_errors=True)
            wall = base if label == "python -c pass" else _wall(cmd, env)
            walls[label].append(wall)
            ratios[label].append(wall / base)
    print(f"{'command':44} {'median wall':>12} {'x python':>9}  target")
    for label in runs:
        ratio = statistics.median(ratios[label])
        target = TARGET_RATIO.get(label.removesuffix(" [against]"))
        verdict = "" if target is None else ("ok" if ratio <= target else "over") + f" ({target:g}x)"
        print(f"{label:44} {statistics.median(walls[label]) * 1000:9.1f} ms {ratio:8.2f}x  {verdict}")
    for folder in rows_caches.values():
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
