"""Round 11 of the hostile-input run (issue 15): tests/hostile_round11.py's generators, in bulk.

GGUF files of the newer architectures with every metadata key mutated, the config overrides pasted
commands carry, a local Hub serving safetensors headers huggingface_hub cannot parse, nested keys of the
hybrid / MLA / MoE config.json files, the parallel options (--dp, --ep, --dp-attention, ...), the flags of
pasted vLLM / SGLang / llama-server commands, launch commands pasted as names, GGUF repos and Ollama tags
with --quant in `plan`, saved plan / check / --dp-attention documents mutated for `report show` and
`report diff`, shell completion requests (subprocesses), and the slowest layouts timed. Every run
must end in a result (exit 0 or 3) or one printable line with exit 2 within --limit seconds; JSON results
must hold sane numbers (hostile_round9.semantic_problems).

Runs are in process (fuzz_round10.run: llmsize.cli.main under an alarm), the completion requests in
subprocesses. The CI test (tests/cli/test_hostile_round11.py) runs a seeded sample.
Run: python bench/fuzz_round11.py [--seed 11] [--gguf N] [--configs 3000] [--plans 3000] [--reports 4000]
     [--all] [--limit 2]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_round10 import Tally, run, semantic

import hostile_round10 as r10
import hostile_round11 as r11


def _sample(items: list[Any], n: int | None, seed: int) -> list[Any]:
    return items if n is None else random.Random(seed).sample(items, min(n, len(items)))


def each(tally: Tally, category: str, cases: Iterable[list[str]], limit: float) -> None:
    for argv in cases:
        problem, code, out, err = run(argv, limit)
        tally.record(category, argv, problem, err)
        semantic(tally, category, argv, code, out)


def ggufs(tally: Tally, root: Path, n: int | None, seed: int, limit: float) -> None:
    bases = r11.gguf_bases(root / "bases")
    jobs = _sample(list(r11.gguf_mutations(bases)), n, seed)
    for i, (_label, base, arch, key, value) in enumerate(jobs):
        path = r11.rewrite(base, root / "mutated.gguf", arch, key, value)
        if path is None:
            continue  # gguf-py cannot type that array
        each(tally, "gguf", r11.gguf_commands(path, i), limit)


def configs(tally: Tally, root: Path, n: int | None, seed: int, limit: float) -> None:
    engines = itertools.cycle(("vllm", "sglang", "llama.cpp", "transformers", "ollama"))
    folder = root / "config"
    folder.mkdir()
    for _kind, _path, _value, config in _sample(r11.config_cases(), n, seed):
        (folder / "config.json").write_text(json.dumps(config))
        each(tally, "config", r11.config_commands(folder, next(engines)), limit)


def hub(tally: Tally, limit: float) -> None:
    from hub_server import TINY_LLAMA_CONFIG, HubServer

    server = HubServer().start()
    saved = {k: os.environ.get(k) for k in ("HF_ENDPOINT", "HF_HUB_OFFLINE", "LLMSIZE_HUB_TIMEOUT")}
    os.environ["HF_ENDPOINT"] = server.url
    os.environ.pop("HF_HUB_OFFLINE", None)
    os.environ["LLMSIZE_HUB_TIMEOUT"] = "2"
    try:
        for i, (_label, files) in enumerate(r11.hub_safetensors()):
            repo = f"acme/r11-{i}"
            server.add_repo(repo, {"config.json": TINY_LLAMA_CONFIG, **files})
            each(tally, "hub", r11.hub_commands(repo), limit)
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def reports(tally: Tally, root: Path, n: int | None, seed: int, limit: float) -> None:
    bases = []
    for i, command in enumerate(r11.report_commands()):
        path = root / f"base-{i}.json"
        problem, code, _, err = run(r11.with_output(command, path), limit)
        assert problem is None and code in (0, 3), err
        bases.append((path, json.loads(path.read_text())))
    jobs = [(path, doc, p, v) for path, doc in bases for p, v in r10.report_mutations(doc)]
    target = root / "mutated.json"
    for base, doc, p, v in _sample(jobs, n, seed):
        target.write_text(json.dumps(r10.mutated(doc, p, v)))
        each(tally, "report", r11.report_readers(base, target), limit)


def completions(tally: Tally, limit: float) -> None:
    """Shell completion requests in subprocesses (completion writes to the process's own streams)."""
    for shell, words, cword in itertools.product(r11.SHELLS, r11.COMPLETION_WORDS, r11.COMPLETION_CWORDS):
        env = {**os.environ, "HF_HUB_OFFLINE": "1", **r11.completion_env(shell, words, cword)}
        argv = list(r11.COMPLETION_ARGV)
        label = [f"complete_{shell}", repr(words[:40]), cword]
        start = time.perf_counter()
        try:
            done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            tally.record("completion", label, "hang", "")
            continue
        wall = time.perf_counter() - start
        err = done.stderr.strip()
        problem = None
        if done.returncode not in (0, 2) or "Traceback" in err or "internal error" in err:
            problem = f"exit {done.returncode}"
        elif done.returncode == 2 and (len(err.splitlines()) != 1 or not err.isprintable()):
            problem = "not one printable line"
        elif wall > limit + 1.5:  # a cold interpreter start besides the run itself
            problem = "slow"
        tally.record("completion", label, problem, err)


def timed(tally: Tally, limit: float) -> None:
    """The slowest layouts found this round, each timed on its first run in this process (imports and the
    catalog loaded beforehand by small runs of each engine: the per-spec memo does not help the timed run)."""
    for engine in r11.r10.ENGINES:
        run(["plan", r11.MODEL, "--gpu", "RTX-4090", "--engine", engine], 30)
    for argv in r11.TIMED:
        start = time.perf_counter()
        problem, *_, err = run(list(argv), limit)
        print(f"  timed {time.perf_counter() - start:5.2f} s  llmsize {' '.join(argv)}")
        tally.record("timed", list(argv), problem, err)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--gguf", type=int, default=None, help="GGUF mutations (of ~3,000; default all)")
    parser.add_argument("--configs", type=int, default=3000, help="config.json mutations (of ~4,400)")
    parser.add_argument("--plans", type=int, default=3000, help="plan names x quants x engines (of ~13,000)")
    parser.add_argument("--reports", type=int, default=4000, help="saved-document mutations (of ~30,000)")
    parser.add_argument("--all", action="store_true", help="every mutation and plan case")
    parser.add_argument("--steps", default="", help="run only these steps (comma-separated, e.g. timed)")
    parser.add_argument("--limit", type=float, default=2.0, help="seconds each run may take")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"  # names fall back to the bundled catalog; the hub step serves its own
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        steps = {
            "gguf": lambda: ggufs(tally, root, None if args.all else args.gguf, args.seed, args.limit),
            "overrides": lambda: each(tally, "overrides", r11.override_cases(), args.limit),
            "hub": lambda: hub(tally, args.limit),
            "configs": lambda: configs(
                tally, root, None if args.all else args.configs, args.seed, args.limit
            ),
            "parallel": lambda: each(tally, "parallel", r11.parallel_cases(), args.limit),
            "launch flags": lambda: each(tally, "launch-flags", r11.launch_flag_cases(), args.limit),
            "pasted": lambda: each(tally, "pasted", r11.pasted_cases(), args.limit),
            "plan names": lambda: each(
                tally,
                "plan-names",
                _sample(list(r11.plan_name_cases()), None if args.all else args.plans, args.seed),
                args.limit,
            ),
            "reports": lambda: reports(
                tally, root, None if args.all else args.reports, args.seed, args.limit
            ),
            "completion": lambda: completions(tally, args.limit),
            "timed": lambda: timed(tally, args.limit),
        }
        wanted = [w.strip() for w in args.steps.split(",") if w.strip()]
        for name, step in steps.items():
            if wanted and name not in wanted:
                continue
            start = time.perf_counter()
            step()
            print(f"{name}: done in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"round 11: {sum(tally.runs.values()):,} runs")
    for category, runs in sorted(tally.runs.items()):
        bad = {p: n for (c, p), n in tally.failures.items() if c == category}
        print(f"  {category:12} {runs:7,} runs, {sum(bad.values()):5,} failures {bad or ''}")
    sys.exit(1 if tally.failures else 0)


if __name__ == "__main__":
    main()
