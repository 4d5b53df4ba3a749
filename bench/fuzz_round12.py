"""Round 12 of the hostile-input run (issue 15): tests/hostile_round12.py's generators, in bulk.

Every value option of estimate / explain / fit / compare / plan given the size, count and list spellings
earlier rounds lacked, in the context that reads it; seeded combinations of contradicting modes, engines,
frameworks, objectives, quants, ZeRO stages and parallel degrees over the newer architectures; `plan` of
those models on every engine; config.json of the newest architectures with their own fields garbled; GGUF
files of Hunyuan, ERNIE 4.5, Gemma 3n and gpt-oss with every architecture key garbled; a poisoned
LLMSIZE_CACHE_DIR entry. Every run must end in a result (exit 0 or 3) or one printable line with exit 2;
JSON results must hold sane numbers (hostile_round9.semantic_problems).

Runs are in process (fuzz_round10.run under an alarm). The machine this ran on is shared, so "slow" is
judged on the process's CPU time, not the wall clock (a loaded machine stretched 1.7 CPU seconds to 15 s).
The CI test (tests/cli/test_hostile_round12.py) runs a seeded sample.
Run: python bench/fuzz_round12.py [--seed 12] [--options N] [--combos 4000] [--configs N] [--gguf N]
     [--steps options,combos,...] [--limit 2]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_round10 import Tally, run, semantic

import hostile_round11 as r11
import hostile_round12 as r12


def _sample(items: list[Any], n: int | None, seed: int) -> list[Any]:
    return items if n is None else random.Random(seed).sample(items, min(n, len(items)))


def each(tally: Tally, category: str, cases: Iterable[list[str]], limit: float) -> None:
    for argv in cases:
        cpu = time.process_time()
        problem, code, out, err = run(argv, 60.0)  # the wall clock only catches hangs here
        if problem is None and time.process_time() - cpu > limit:
            problem = "slow"
        tally.record(category, argv, problem, err)
        semantic(tally, category, argv, code, out)


def configs(tally: Tally, root: Path, n: int | None, seed: int, limit: float) -> None:
    engines = itertools.cycle(("vllm", "sglang", "llama.cpp", "transformers", "ollama"))
    folder = root / "config"
    folder.mkdir()
    for _model, _path, _value, config in _sample(list(r12.config_cases()), n, seed):
        (folder / "config.json").write_text(json.dumps(config))
        each(tally, "config", r12.config_commands(folder, next(engines)), limit)


def ggufs(tally: Tally, root: Path, n: int | None, seed: int, limit: float) -> None:
    jobs = _sample(list(r11.gguf_mutations(r12.gguf_bases(root / "bases"))), n, seed)
    for i, (_label, base, arch, key, value) in enumerate(jobs):
        path = r11.rewrite(base, root / "mutated.gguf", arch, key, value)
        if path is not None:  # None: gguf-py cannot type that array
            each(tally, "gguf", r11.gguf_commands(path, i), limit)


def poisoned_cache(tally: Tally, root: Path, limit: float) -> None:
    saved = os.environ.get("LLMSIZE_CACHE_DIR")
    os.environ["LLMSIZE_CACHE_DIR"] = str(root / "cache")
    try:
        for text in r12.cache_entries(root / "cache"):
            r12.write_cache_entry(root / "cache", text)
            each(tally, "cache", [[*argv] for argv in r12.CACHE_ARGV], limit)
    finally:
        if saved is None:
            os.environ.pop("LLMSIZE_CACHE_DIR", None)
        else:
            os.environ["LLMSIZE_CACHE_DIR"] = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--options", type=int, default=None, help="option values (of ~11,000; default all)")
    parser.add_argument("--combos", type=int, default=4000, help="seeded option combinations")
    parser.add_argument("--configs", type=int, default=None, help="config.json mutations (of ~1,400)")
    parser.add_argument("--gguf", type=int, default=None, help="GGUF mutations (of ~1,360)")
    parser.add_argument("--steps", default="", help="run only these steps (comma-separated)")
    parser.add_argument("--limit", type=float, default=2.0, help="CPU seconds each run may take")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"  # names fall back to the bundled catalog
    tally = Tally()
    for engine in ("transformers", "vllm", "sglang", "llama.cpp", "ollama"):  # imports and catalog, untimed
        run(["fit", r12.MODEL, "--gpu", "H100", "--engine", engine], 60)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        steps = {
            "options": lambda: each(
                tally, "options", _sample(list(r12.option_cases()), args.options, args.seed), args.limit
            ),
            "combos": lambda: each(
                tally, "combos", r12.combination_cases(args.combos, args.seed), args.limit
            ),
            "plan": lambda: each(tally, "plan", r12.plan_cases(), args.limit),
            "configs": lambda: configs(tally, root, args.configs, args.seed, args.limit),
            "gguf": lambda: ggufs(tally, root, args.gguf, args.seed, args.limit),
            "cache": lambda: poisoned_cache(tally, root, args.limit),
            "timed": lambda: each(
                tally, "timed", r12.timed_cases(r12.write_deep_config(root / "deep")), args.limit
            ),
        }
        wanted = [w.strip() for w in args.steps.split(",") if w.strip()]
        for name, step in steps.items():
            if wanted and name not in wanted:
                continue
            start = time.perf_counter()
            step()
            print(f"{name}: done in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"round 12: {sum(tally.runs.values()):,} runs")
    for category, runs in sorted(tally.runs.items()):
        bad = {p: n for (c, p), n in tally.failures.items() if c == category}
        print(f"  {category:12} {runs:7,} runs, {sum(bad.values()):5,} failures {bad or ''}")
    sys.exit(1 if tally.failures else 0)


if __name__ == "__main__":
    main()
