"""Round 16 of the hostile-input run (issue 15): --attention-backend, --cudagraph-mode, -dcp,
--language-model-only, --offload-params, model lists, fit --all, check over the new launch flags and
training kernel keys, GPU name forms, --engine-version strings.

The inputs are tests/hostile_round16.py's (tests/cli/test_hostile_round16.py runs a seeded sample).
Every run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU
seconds (fuzz_round10.run under an alarm; CPU, not wall time: the machine is shared).
Run: python bench/fuzz_round16.py [--steps options,lists,gpus,check,training] [--limit 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_round10 import Tally, run, semantic

import hostile_round16 as r16

STEPS = r16.STEPS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default="", help="run only these steps (comma-separated)")
    parser.add_argument("--limit", type=float, default=2.0, help="CPU seconds each run may take")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"  # names fall back to the bundled catalog
    tally = Tally()
    for engine in ("vllm", "sglang", "llama.cpp", "ollama", "transformers"):  # imports, untimed
        run(["fit", "Qwen2.5-0.5B", "--gpu", "H100", "--engine", engine], 60)
    wanted = [w.strip() for w in args.steps.split(",") if w.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        for name, cases in STEPS.items():
            if wanted and name not in wanted:
                continue
            start = time.perf_counter()
            for argv in cases(Path(tmp) / name):
                cpu = time.process_time()
                problem, code, out, err = run(argv, 120.0)  # the wall clock only catches hangs here
                if problem is None and time.process_time() - cpu > args.limit:
                    problem = "slow"
                tally.record(name, argv, problem, err)
                semantic(tally, name, argv, code, out)
            print(f"{name}: done in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"round 16: {sum(tally.runs.values()):,} runs")
    for category, runs in sorted(tally.runs.items()):
        bad = {p: n for (c, p), n in tally.failures.items() if c == category}
        print(f"  {category:12} {runs:7,} runs, {sum(bad.values()):5,} failures {bad or ''}")
    sys.exit(1 if tally.failures else 0)


if __name__ == "__main__":
    main()
