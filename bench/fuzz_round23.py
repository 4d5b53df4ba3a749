"""Round 23 of the hostile-input run (issue 15): inputs built from what the readers read.

`measure --device trace` of every catalog architecture's config.json with one key of another type or an odd
size (transformers 5's strict config dataclasses refuse what the estimator reads) and of every hybrid cut by
--layers to its first blocks; every config key src/llmsize/specs reads, set at the top level and inside
text_config / vision_config / audio_config / rope_scaling / quantization_config to values of each JSON type;
every GGUF metadata key the readers read under each architecture they know, of each GGUF value type, and a
small valid GGUF cut at every offset; every OLLAMA_* / LLAMA_ARG_* variable `check` reads, as --env and as
`docker run -e`; every field of a --gpu-file entry of each kind; and --format html pages of names that are
markup, which must hold no element or attribute the input wrote.

The inputs are tests/hostile_round23.py's (tests/cli/test_hostile_round23.py runs a seeded sample). Every
run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU seconds
(rounds 19-21's checked run: no raw control character in human output, no option of another command named);
JSON results must hold sane numbers. `measure` runs are not timed (torch's import and a trace).
Run: python bench/fuzz_round23.py [--steps measure,layers,config-keys,gguf-types,gguf-cut,launch-env,
     gpu-files,html] [--limit 2] [--all]   (--all: every mutation, not the seeded subset of each step)
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_round10
import fuzz_round21
from fuzz_round10 import run_round

import hostile_round23 as r23


def _round23_run(argv: list[str], limit: float) -> tuple[str | None, int, str, str]:
    """Round 21's checked run; then a page drawn for --format html / --output *.html holds nothing the
    names in it wrote (hostile_round23.page_problems)."""
    problem, code, out, err = fuzz_round21._round21_run(argv, limit)
    is_page = "html" in argv or any(a.endswith(".html") for a in argv)
    if problem is None and code in (0, 3) and is_page:
        found = r23.page_problems(r23.html_page(argv, out))
        if found:
            problem = f"page holds {found[0]}"
    return problem, code, out, err


def main() -> None:
    fuzz_round10.run = _round23_run
    steps = dict(r23.STEPS)
    if "--all" in sys.argv:  # every mutation of the sampled steps
        sys.argv.remove("--all")
        for name in ("measure", "config-keys", "gguf-types", "gpu-files"):
            steps[name] = partial(steps[name], n=None)  # type: ignore[call-arg]
    run_round("round 23", __doc__, steps, untimed=r23.SLOW)


if __name__ == "__main__":
    main()
