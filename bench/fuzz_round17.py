"""Round 17 of the hostile-input run (issue 15): `check` over trl command lines, LLAMA_ARG_* variables,
-hf tags and hostile quoting; `plan` of local files; config.json fields of the newest architectures;
--concurrency sweeps that search a layout per level; --backend on every kind of GPU.

The inputs are tests/hostile_round17.py's (tests/cli/test_hostile_round17.py runs a seeded sample).
Every run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU
seconds (fuzz_round10.run under an alarm; CPU, not wall time: the machine is shared).
Run: python bench/fuzz_round17.py [--steps check,plan,configs,concurrency] [--limit 2]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_round10 import run_round

import hostile_round17 as r17

STEPS = r17.STEPS

if __name__ == "__main__":
    run_round("round 17", __doc__, STEPS)
