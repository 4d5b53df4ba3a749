"""Round 16 of the hostile-input run (issue 15): --attention-backend, --cudagraph-mode, -dcp,
--language-model-only, --offload-params, model lists, fit --all, check over the new launch flags and
training kernel keys, GPU name forms, --engine-version strings.

The inputs are tests/hostile_round16.py's (tests/cli/test_hostile_round16.py runs a seeded sample).
Every run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU
seconds (fuzz_round10.run under an alarm; CPU, not wall time: the machine is shared).
Run: python bench/fuzz_round16.py [--steps options,lists,gpus,check,training] [--limit 2]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_round10 import run_round

import hostile_round16 as r16

STEPS = r16.STEPS

if __name__ == "__main__":
    run_round("round 16", __doc__, STEPS)
