"""The long hostile-input run (issue 15): many generated names through the API and the CLI, and
every hostile file and misuse of the seven rounds (tests/hostile.py, tests/hostile_round3.py,
tests/hostile_round4.py, tests/hostile_round5.py, tests/hostile_round6.py, with their environment variables
and round 6's 600 engine x mode x quant x GPU combinations; tests/hostile_round7.py's mutated configs of
the newest model types, --engine-version spellings and unbuildable sizes; tests/hostile_round8.py's
~1,300 `check` launch flags with hostile values, --speculative-config counts, non-ASCII numbers and
OLLAMA_* variables, --output under a file, unusable GPU files, concurrency lists, a folder name that is
not UTF-8, and the Python API given the wrong types; tests/hostile_round9.py's repeated and listed --gpu,
--engine-version tags for every engine, GPU files with hostile bus_bits / data_rate_gbps, training options
with the new framework defaults and loss, and seeded random combinations checked for sane numbers and a
JSON that `report show` reads back; tests/hostile_round10.py's `check -- llama-server -hf` repos and split
flags, extreme contexts per engine, concurrency lists, --output targets, GGUF files of the newer
architectures and a sample of hostile GPU entries), each in a
subprocess with a memory cap and a time limit; then Ctrl-C at staggered moments and a reader that
leaves early (`| head`).

Each input must end in a result or one line with exit 2, within --limit seconds. The CI test
(tests/cli/test_hostile_inputs.py) runs a small seeded sample of the same generators.
Run: python bench/fuzz.py [--names 2000] [--cli 300] [--options N] [--seed 1] [--limit 2] [--signals 3]
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
import hostile_round4
import hostile_round5
import hostile_round6
import hostile_round7
import hostile_round8
import hostile_round9
import hostile_round10

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
            errors="replace",  # PYTHONIOENCODING=latin-1 cases write what UTF-8 cannot decode
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
    if done.returncode == 2 and len(err.splitlines()) != 1:  # usage errors too (cli/app.py usage_line)
        return "multi-line", wall, err[-300:]
    return ("slow" if wall > limit else "ok"), wall, ""


def semantic_runs(seed: int, n: int, root: Path) -> int:
    """Round 9: `n` seeded random combinations (tests/hostile_round9.py) whose JSON must hold sane numbers
    (semantic_problems) and, for estimate, read back through `report show`. Returns the failures."""
    bad = 0
    for i, argv in enumerate(hostile_round9.random_combinations(seed, n)):
        done = subprocess.run([sys.executable, "-m", "llmsize", *argv], capture_output=True, text=True,
                              preexec_fn=_cap, check=False)  # fmt: skip
        if done.returncode not in (0, 3) or not done.stdout.strip():
            continue  # exits and messages: the CLI runs above judge them
        import json

        problems = hostile_round9.semantic_problems(json.loads(done.stdout))
        if argv[0] == "estimate":
            saved = root / f"r9-report-{i}.json"
            saved.write_text(done.stdout)
            shown = subprocess.run([sys.executable, "-m", "llmsize", "report", "show", str(saved)],
                                   capture_output=True, text=True, preexec_fn=_cap, check=False)  # fmt: skip
            if shown.returncode != 0:
                problems.append(f"report show: {shown.stderr.strip()[-200:]}")
        if problems:
            bad += 1
            print(f"  semantic {' '.join(argv)[:100]!r}: {problems[:3]}")
    print(f"semantic: {n} random combinations, {bad} with NaN/negative/over-budget numbers or no round trip")
    return bad


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


def api_misuses() -> list[str]:
    """The README's API given arguments of the wrong type (round 8): an LlmsizeError that is a TypeError."""
    from llmsize.errors import LlmsizeError

    failures = []
    for label, call in hostile_round8.api_calls():
        try:
            call()  # type: ignore[operator]
            failures.append(f"{label}: no error")
        except LlmsizeError as err:
            if not isinstance(err, TypeError) or "\n" in str(err):
                failures.append(f"{label}: {type(err).__name__}: {err}")
        except Exception as err:
            failures.append(f"{label}: {type(err).__name__}: {err}")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--names", type=int, default=2000, help="generated names through the API")
    parser.add_argument("--cli", type=int, default=300, help="generated names through the CLI")
    parser.add_argument("--options", type=int, default=None,
                        help="hostile option values through the CLI (default: every one, ~5,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=2.0, help="seconds each CLI run may take")
    parser.add_argument("--signals", type=int, default=3, help="Ctrl-C moments per command (0: none)")
    parser.add_argument("--semantic", type=int, default=100,
                        help="random combinations checked for sane numbers (round 9)")
    args = parser.parse_args()
    names = list(hostile.NAMES) + list(hostile_round4.NAMES) + list(hostile_round5.NAMES)
    names += list(hostile_round6.NAMES)
    names += hostile.random_names(args.seed, args.names)
    failures = api_names(names)
    misuses = api_misuses()
    print(f"API: {len(names)} names, {len(failures)} failures; wrong types, {len(misuses)} failures")
    failures += misuses
    for f in failures[:50]:
        print("  ", f)
    cli_names = [n for n in hostile.NAMES if "\x00" not in n] + list(hostile_round4.NAMES)
    cli_names += list(hostile_round5.NAMES) + list(hostile_round6.NAMES)
    cli_names += hostile.random_names(args.seed + 1, args.cli)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases = [["estimate", "--", n] for n in cli_names]
        cases += [["estimate", str(p)] for _, p in hostile.write_model_dirs(root)]
        cases += list(hostile.cli_misuses(root))
        cases += [["estimate", str(p)] for _, p in hostile_round3.write_model_dirs(root)]
        cases += list(hostile_round3.misuses(root))
        cases += [["estimate", str(p)] for _, p in hostile_round4.write_model_dirs(root)]
        cases += list(hostile_round4.report_misuses(root))
        cases += [["estimate", str(p)] for _, p in hostile_round5.write_odd_paths(root)]
        cases += [[*path, option, "metal"] for path, option, _ in hostile_round5.choice_options()]
        cases += [argv for argv, _ in hostile_round5.number_misuses()] + list(hostile_round5.conflicts())
        cases += [["estimate", str(p)] for _, p in hostile_round6.odd_sources(root)]
        cases += list(hostile_round6.combinations())
        cases += [["estimate", str(p)] for _, p in hostile_round7.layer_count_dirs(root)]
        cases += [["estimate", str(p)] for _, p in hostile_round7.wrong_value_dirs(root)]
        cases += list(hostile_round7.engine_version_cases())
        cases += [["estimate", "--", n] for n in hostile_round7.REFUSED_NAMES]
        cases += list(hostile_round8.launch_flag_cases()) + list(hostile_round8.speculative_cases())
        cases += list(hostile_round8.non_ascii_number_cases(root)) + list(hostile_round8.output_cases(root))
        cases += [argv for _, argv in hostile_round8.gpu_file_cases(root)]
        cases += list(hostile_round8.concurrency_cases())
        cases += list(hostile_round9.gpu_list_cases()) + list(hostile_round9.engine_version_cases())
        cases += list(hostile_round9.gpu_file_cases(root)) + list(hostile_round9.training_cases())
        cases += hostile_round9.random_combinations(args.seed, 100)
        # round 10 as memory-capped subprocesses (bench/fuzz_round10.py runs all of it, in process)
        r10 = hostile_round10
        cases += list(r10.llama_server_cases()) + list(r10.context_cases())
        cases += list(r10.concurrency_cases()) + list(r10.output_cases(root))
        cases += [argv for _, path in r10.gguf_files(root) for argv in r10.gguf_commands(path)]
        for i, (_, text) in enumerate(random.Random(args.seed).sample(list(r10.gpu_entries()), 40)):
            (root / f"r10-gpu-{i}.yaml").write_text(text)
            cases += r10.gpu_file_commands(root / f"r10-gpu-{i}.yaml")
        odd_folder = hostile_round8.non_utf8_folder(root)
        cases += [["estimate", str(odd_folder)]] if odd_folder is not None else []
        options = list(hostile_options.option_cases()) + list(hostile_options.launch_cases())
        options += hostile_options.misplaced_cases()
        if args.options is not None:
            options = random.Random(args.seed).sample(options, min(args.options, len(options)))
        cases += options
        runs: list[tuple[list[str], dict[str, str] | None]] = [(argv, None) for argv in cases]
        runs += [(list(command), {variable: value, "HF_HUB_OFFLINE": "0"})
                 for variable, value in hostile_round3.ENVIRONMENT for command in hostile_round3.ENV_COMMANDS]
        runs += [(list(command), {variable: value, **forced})
                 for variable, value in hostile_round4.ENVIRONMENT for command in hostile_round4.ENV_COMMANDS
                 for forced in ({}, dict([hostile_round4.FORCED]))]
        runs += [(list(command), {variable: value})
                 for variable, value in hostile_round5.ENVIRONMENT for command in hostile_round5.ENV_COMMANDS]
        runs += [(list(hostile_round8.OLLAMA_COMMAND), {variable: value})
                 for variable, value in hostile_round8.OLLAMA_ENVIRONMENT]
        hub_env = hostile_round4.HUB_ENVIRONMENT
        runs += [(list(command), {variable: value, "HF_HUB_OFFLINE": "0"})
                 for variable, value in hub_env for command in hostile_round4.HUB_COMMANDS]
        bad, slowest = 0, 0.0
        for argv, env in runs:
            # in the temporary folder: a relative LLMSIZE_CACHE_DIR is created where the run stands
            verdict, wall, err = run_cli(argv, args.limit, env, cwd=root)
            slowest = max(slowest, wall)
            if verdict != "ok":
                bad += 1
                print(f"  {verdict:10} {wall:5.1f}s {' '.join(argv)[:100]!r} {env or ''} {err!r}")
        print(f"CLI: {len(runs)} runs, {bad} not answered cleanly within {args.limit:g} s; "
              f"slowest {slowest:.2f} s")
        bad += semantic_runs(args.seed, args.semantic, root)
    interrupted = signal_runs(args.signals)
    sys.exit(1 if failures or bad or interrupted else 0)


_SIGNAL_COMMANDS = (["estimate", "Qwen3-8B"], ["models"], ["fit", "--all", "--gpu", "H100"],
                    ["compare", "Qwen3-8B", "--gpus", "all"], ["parse", "Qwen3-8B"])  # fmt: skip


def signal_runs(moments: int) -> int:
    """Ctrl-C at `moments` staggered times into each command, and `| head -c 20` on each: never a
    traceback or an internal error; an interrupted run exits 130 (or was already done: 0)."""
    import signal

    bad = runs = 0
    for command in _SIGNAL_COMMANDS:
        for k in range(moments):
            proc = subprocess.Popen([sys.executable, "-m", "llmsize", *command], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True, preexec_fn=_cap)  # fmt: skip
            time.sleep(0.05 + 0.15 * k)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
            runs += 1
            # -2: the signal landed while the interpreter was exiting, which Python ends by the signal
            if proc.returncode not in (0, 130, -2) or "Traceback" in err or "internal error" in err:
                bad += 1
                at = f"{0.05 + 0.15 * k:.2f} s"
                print(f"  SIGINT at {at} {' '.join(command)!r}: exit {proc.returncode} {err[-200:]!r}")
        reader = subprocess.Popen([sys.executable, "-m", "llmsize", *command], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, preexec_fn=_cap)  # fmt: skip
        assert reader.stdout is not None
        reader.stdout.read(20)
        reader.stdout.close()  # the reader leaves, as `| head -c 20` does
        err_bytes = reader.stderr.read() if reader.stderr is not None else b""
        reader.wait(timeout=30)
        runs += 1
        text = err_bytes.decode(errors="replace")
        # a reader leaving is no error: exit 0 and nothing said (cli/outcome.py reader_left)
        if text.strip() or reader.returncode != 0:
            bad += 1
            print(f"  reader left {' '.join(command)!r}: exit {reader.returncode} {text[-200:]!r}")
    print(f"signals: {runs} runs (Ctrl-C and a reader leaving), {bad} not ended cleanly")
    return bad


if __name__ == "__main__":
    main()
