"""Round 10 of the hostile-input run (issue 15): tests/hostile_round10.py's generators, in bulk.

Saved reports with every key replaced or removed, GPU files with every numeric field hostile, GGUF files
of the newer architectures with odd metadata, mutated config.json of the hybrid / MLA / MoE catalog
models, `check -- llama-server -hf` with odd repos and split flags, extreme contexts and concurrency
lists, `--format html --output` targets, and `plan`'s commands fed back to `check`. Every run must end in
a result (exit 0 or 3) or one printable line with exit 2 within --limit seconds; JSON results must hold
sane numbers (hostile_round9.semantic_problems); a plan must fit when `check` reads its own command.

The runs are in process (llmsize.cli.main under an alarm): tens of thousands of subprocesses would take
hours; bench/fuzz.py runs a sample of them as memory-capped subprocesses. The CI test
(tests/cli/test_hostile_round10.py) runs a seeded sample.
Run: python bench/fuzz_round10.py [--seed 1] [--reports 3000] [--configs 3000] [--limit 2] [--all]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import hostile_round9
import hostile_round10 as r10


class _Hung(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hung


def run(argv: list[str], limit: float) -> tuple[str | None, int, str, str]:
    """(problem or None, exit code, stdout, stderr) of one in-process run."""
    out, err = io.StringIO(), io.StringIO()
    from llmsize.cli import main

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(max(10, int(limit * 5)))
    start = time.perf_counter()
    code: int = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(argv)
    except SystemExit as ex:
        code = ex.code if isinstance(ex.code, int) else 0
    except _Hung:
        return "hang", -1, "", ""
    except BaseException as ex:  # anything main() lets out is a failure of the run
        return f"raised {type(ex).__name__}", -1, "", str(ex)[-300:]
    finally:
        signal.alarm(0)
    wall = time.perf_counter() - start
    text = err.getvalue().strip()
    if code not in (0, 2, 3):
        return f"exit {code}", code, out.getvalue(), text
    if "internal error" in text or "Traceback" in text:
        return "internal error", code, out.getvalue(), text
    if code == 2 and (len(text.splitlines()) != 1 or not text.isprintable()):
        return "not one printable line", code, out.getvalue(), text
    if wall > limit:
        return "slow", code, out.getvalue(), text
    return None, code, out.getvalue(), text


class Tally:
    def __init__(self) -> None:
        self.runs: Counter[str] = Counter()
        self.failures: Counter[tuple[str, str]] = Counter()
        self.shown: set[tuple[str, str, str]] = set()

    def record(self, category: str, argv: list[str], problem: str | None, err: str) -> None:
        self.runs[category] += 1
        if problem is None:
            return
        self.failures[(category, problem)] += 1
        key = (category, problem, err[:60])
        if key not in self.shown:  # one example per kind of failure
            self.shown.add(key)
            print(f"  {category:12} {problem:22} {' '.join(argv)[:110]!r}\n      {err[-300:]!r}")


def semantic(tally: Tally, category: str, argv: list[str], code: int, out: str) -> None:
    """A JSON result's numbers: finite, non-negative, fitting rows within their GPU."""
    if code not in (0, 3) or "--format" not in argv or "json" not in argv or not out.strip().startswith("{"):
        return
    problems = hostile_round9.semantic_problems(json.loads(out))
    if problems:
        tally.record(category, argv, "insane numbers", "; ".join(problems[:3]))


def reports(tally: Tally, root: Path, n: int | None, seed: int, limit: float) -> None:
    import random

    bases = []
    for i, command in enumerate(r10.report_commands()):
        path = root / f"base-{i}.json"
        problem, code, _, err = run([*command, "--output", str(path)], limit)
        assert problem is None and code == 0, err
        bases.append((path, json.loads(path.read_text())))
    jobs = [(path, doc, p, v) for path, doc in bases for p, v in r10.report_mutations(doc)]
    if n is not None:
        jobs = random.Random(seed).sample(jobs, min(n, len(jobs)))
    target = root / "mutated.json"
    for base, doc, p, v in jobs:
        target.write_text(json.dumps(r10.mutated(doc, p, v)))
        for argv in (["report", "show", str(target)], ["report", "diff", str(base), str(target)],
                     ["report", "show", str(target), "--format", "csv"]):  # fmt: skip
            problem, *_, err = run(argv, limit)
            tally.record("report", argv, problem, err)


def gpu_files(tally: Tally, root: Path, limit: float) -> None:
    for i, (_label, text) in enumerate(r10.gpu_entries()):
        path = root / f"gpu-{i}.yaml"
        path.write_text(text)
        for argv in r10.gpu_file_commands(path):
            problem, code, out, err = run(argv, limit)
            tally.record("gpu-file", argv, problem, err)
            semantic(tally, "gpu-file", argv, code, out)


def ggufs(tally: Tally, root: Path, limit: float) -> None:
    for _label, path in r10.gguf_files(root):
        for argv in r10.gguf_commands(path):
            problem, code, out, err = run(argv, limit)
            tally.record("gguf", argv, problem, err)
            semantic(tally, "gguf", argv, code, out)


def configs(tally: Tally, root: Path, n: int | None, seed: int, limit: float) -> None:
    engines = itertools.cycle(("vllm", "sglang", "llama.cpp", "transformers", "ollama"))
    folder = root / "config"
    folder.mkdir()
    for _kind, _path, _value, config in r10.config_cases(seed, n):
        (folder / "config.json").write_text(json.dumps(config))
        for argv in r10.config_commands(folder, next(engines)):
            problem, code, out, err = run(argv, limit)
            tally.record("config", argv, problem, err)
            semantic(tally, "config", argv, code, out)


def command_lines(tally: Tally, root: Path, limit: float) -> None:
    groups = {
        "llama-server": r10.llama_server_cases(),
        "context": r10.context_cases(),
        "concurrency": r10.concurrency_cases(),
        "docker": r10.docker_cases(),
        "output": r10.output_cases(root),
        "documents": r10.odd_document_cases(root),
    }
    for category, cases in groups.items():
        for argv in cases:
            problem, code, out, err = run(argv, limit)
            tally.record(category, argv, problem, err)
            semantic(tally, category, argv, code, out)
    kept = (root / "target.txt").read_text() == "precious\n" and (
        root / "existing.html"
    ).read_text() == "keep me\n"
    tally.record("output", ["(files behind links and existing files)"], None if kept else "overwritten", "")


def round_trips(tally: Tally, limit: float) -> None:
    models = ("gpt-oss-20b", "gpt-oss-120b", "Qwen3-8B", "Qwen3-30B-A3B", "Qwen3-Next-80B-A3B-Instruct",
              "Qwen3.5-35B-A3B", "DeepSeek-V2-Lite", "Llama-3.1-8B-Instruct", "gemma-3-12b-it",
              "Qwen2.5-72B-Instruct")  # fmt: skip
    gpus = ("RTX-4090", "L4", "H100", "RTX-3060", "M4-Max-128GB", "A100-80GB")
    for model, gpu, engine, context in itertools.product(
        models, gpus, ("llama.cpp", "vllm", "sglang"), ("4k", "32k")
    ):
        argv = ["plan", model, "--gpu", gpu, "--engine", engine, "--context", context, "--format", "json"]
        problem, code, out, err = run(argv, limit)
        tally.record("plan", argv, problem, err)
        if code != 0 or problem is not None:
            continue
        back = r10.check_argv(json.loads(out), gpu)
        problem, code, _, err = run(back, limit)
        tally.record("plan->check", back, problem or (None if code == 0 else f"check exit {code}"), err)


def run_round(label: str, doc: str | None, steps: dict[str, Callable[[Path], Iterable[list[str]]]],
              untimed: tuple[str, ...] = (),
              after: Callable[[Tally, Path, list[str], float], None] | None = None) -> None:
    """A later round's whole run (rounds 15 to 18): each step's argv cases under `--limit` CPU seconds a
    run (CPU, not wall time: the machine is shared; the wall clock only catches hangs; argv holding a word
    of `untimed` is not timed), then `after(tally, tmp, wanted steps, limit)` for the round's own checks in
    the same temporary folder, then a tally per step; exits 1 on any failure."""
    import os

    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--steps", default="", help="run only these steps (comma-separated)")
    parser.add_argument("--limit", type=float, default=2.0, help="CPU seconds each run may take")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"  # names fall back to the bundled catalog
    tally = Tally()
    for engine in ("vllm", "sglang", "llama.cpp", "ollama", "transformers"):  # imports, untimed
        run(["fit", "Qwen2.5-0.5B", "--gpu", "H100", "--engine", engine], 60)
    wanted = [w.strip() for w in args.steps.split(",") if w.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        for name, cases in steps.items():
            if wanted and name not in wanted:
                continue
            start = time.perf_counter()
            for argv in cases(Path(tmp) / name):
                cpu = time.process_time()
                problem, code, out, err = run(argv, 120.0)
                timed = not any(word in argv for word in untimed)
                if problem is None and timed and time.process_time() - cpu > args.limit:
                    problem = "slow"
                tally.record(name, argv, problem, err)
                semantic(tally, name, argv, code, out)
            print(f"{name}: done in {time.perf_counter() - start:.0f} s", flush=True)
        if after is not None:
            after(tally, Path(tmp), wanted, args.limit)
    print(f"{label}: {sum(tally.runs.values()):,} runs")
    for category, runs in sorted(tally.runs.items()):
        bad = {p: n for (c, p), n in tally.failures.items() if c == category}
        print(f"  {category:12} {runs:7,} runs, {sum(bad.values()):5,} failures {bad or ''}")
    sys.exit(1 if tally.failures else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reports", type=int, default=3000, help="report mutations (of ~40,000)")
    parser.add_argument("--configs", type=int, default=3000, help="config.json mutations (of ~15,000)")
    parser.add_argument("--all", action="store_true", help="every report and config mutation")
    parser.add_argument("--limit", type=float, default=2.0, help="seconds each run may take")
    args = parser.parse_args()
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, step in (
            (
                "reports",
                lambda: reports(tally, root, None if args.all else args.reports, args.seed, args.limit),
            ),
            ("gpu files", lambda: gpu_files(tally, root, args.limit)),
            ("gguf", lambda: ggufs(tally, root, args.limit)),
            (
                "configs",
                lambda: configs(tally, root, None if args.all else args.configs, args.seed, args.limit),
            ),
            ("command lines", lambda: command_lines(tally, root, args.limit)),
            ("plan->check", lambda: round_trips(tally, args.limit)),
        ):
            start = time.perf_counter()
            step()
            print(f"{name}: done in {time.perf_counter() - start:.0f} s")
    print(f"round 10: {sum(tally.runs.values()):,} runs")
    for category, runs in sorted(tally.runs.items()):
        bad = {p: n for (c, p), n in tally.failures.items() if c == category}
        print(f"  {category:12} {runs:7,} runs, {sum(bad.values()):5,} failures {bad or ''}")
    sys.exit(1 if tally.failures else 0)


if __name__ == "__main__":
    main()
