"""Round 20 of the hostile-input run (issue 15): the options added since round 19 (--moe-a2a-backend /
--all2all-backend under every engine, --engine-version of odd shapes), numeric edge values in every number
option, odd --concurrency lists, `check` of vLLM / SGLang / llama-server / Ollama lines with contradictory
flags, OLLAMA_* variables and Modelfiles, every subcommand x every --format x odd --output targets, `models`
/ `gpus` filters, and the Python API (llmsize.Workload with each field of a wrong type).

The inputs are tests/hostile_round20.py's (tests/cli/test_hostile_round20.py runs a seeded sample). Every
run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU seconds
(fuzz_round10.run under an alarm); no human output may hold a raw control character (round 19's check);
nothing a command or Modelfile names (`touch PWNED`) may run; the files --output was pointed at without
--force must be as they were.
Run: python bench/fuzz_round20.py [--steps backends,versions,numbers,concurrency,engines,formats,filters,api]
     [--limit 2]
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_round10
import fuzz_round19
from fuzz_round10 import Tally, run_round

import hostile_round20 as r20

API_VALUES: tuple[object, ...] = (
    None,
    0,
    -1,
    1.5,
    math.nan,
    math.inf,
    -math.inf,
    "",
    b"x",
    ["x"],
    {"a": 1},
    "x",
    10**400,
    True,
    2**63,
    -(2**63),
    "\x1b[2J",
    1e308,
)


def api_problem(field: str, value: object, engine: str | None) -> tuple[str | None, str]:
    """llmsize.Workload(field=value) then llmsize.estimate: a result or an LlmsizeError / ValueError
    (the record's validation error) of printable text; never another exception."""
    import llmsize
    from llmsize.errors import LlmsizeError

    try:
        extra = {"engine": engine} if engine and field != "engine" else {}
        llmsize.estimate(llmsize.resolve(r20.MOE), llmsize.Workload(**{field: value}, **extra))
    except LlmsizeError as err:
        text = str(err)
        return (None if "\n" not in text and text.isprintable() else "not one printable line"), text
    except ValueError as err:  # llmsize.records.ValidationError, pydantic's shape
        return None, str(err)
    except Exception as err:
        return f"raised {type(err).__name__}", str(err)[-300:]
    return None, ""


def after_steps(tally: Tally, tmp: Path, wanted: list[str], limit: float) -> None:
    """Nothing named was run or overwritten; then the API step."""
    tally.record("engines", ["(touch PWNED)"], "executed" if Path("PWNED").exists() else None, "")
    if (tmp / "formats").exists():
        tally.record(
            "formats", ["(files --output named)"], None if r20.kept(tmp / "formats") else "overwritten", ""
        )
    if wanted and "api" not in wanted:
        return
    import llmsize

    start = time.perf_counter()
    for field in llmsize.Workload.model_fields:
        for value in API_VALUES:
            for engine in (None, "vllm", "sglang", "llama.cpp"):
                cpu = time.process_time()
                problem, err = api_problem(field, value, engine)
                if problem is None and time.process_time() - cpu > limit:
                    problem = "slow"
                tally.record("api", [field, repr(value)[:30], str(engine)], problem, err)
    print(f"api: done in {time.perf_counter() - start:.0f} s", flush=True)


def _round20_run(argv: list[str], limit: float) -> tuple[str | None, int, str, str]:
    """Round 19's checked run, then: a refusal names no option the command lacks (r20.foreign_options)."""
    problem, code, out, err = fuzz_round19._checked_run(argv, limit)
    if problem is None and code == 2:
        foreign = r20.foreign_options(argv, err)
        if foreign:
            problem = f"names {foreign[0]}, not an option of {argv[0]}"
    return problem, code, out, err


def main() -> None:
    fuzz_round10.run = _round20_run  # run_round's runs get round 19's output check and this round's
    run_round("round 20", __doc__, r20.STEPS, after=after_steps)


if __name__ == "__main__":
    main()
