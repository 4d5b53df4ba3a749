"""Round 15 of the hostile-input run (issue 15): size axes that scale, training configs for `check`,
--ds-reduce-bucket, -o with --format, --concurrency, --engine mixes, Ollama tags, 2026 GGUF headers.

The inputs are tests/hostile_round15.py's (tests/cli/test_hostile_round15.py runs a seeded sample).
Every run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU
seconds (fuzz_round10.run under an alarm; CPU, not wall time: the machine is shared).
Run: python bench/fuzz_round15.py [--steps sizes,training,options,gguf] [--limit 2]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_round10 import run_round

import hostile_round15 as r15

STEPS = {"sizes": r15.size_cases, "training": r15.training_cases, "options": r15.option_cases,
         "gguf": r15.gguf_cases}  # fmt: skip

if __name__ == "__main__":
    run_round("round 15", __doc__, STEPS)
