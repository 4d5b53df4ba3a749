"""Round 19 of the hostile-input run (issue 15): paths that are no path here, launch commands pasted as one
string, the options added lately with boundary and unicode values, config.json of every catalog model
type with each key removed or oddly typed, and (in subprocesses) a local Hub answering with a gzip bomb, a
body that ignores Range, or an X-Repo-Commit that walks out of the cache folder.

The inputs are tests/hostile_round19.py's (tests/cli/test_hostile_round19.py runs a seeded sample). Every
run must end in a result (exit 0 or 3) or one printable line with exit 2 within `--limit` CPU seconds
(fuzz_round10.run under an alarm; CPU, not wall time: the machine is shared); no human output may hold a raw
control character; nothing a pasted command names (`touch PWNED`) may run. The Hub runs are subprocesses
whose peak memory (ru_maxrss) and whose Hugging Face cache on disk must stay under 256 MiB.
Not timed: `measure` (it builds the model under torch). configs: --configs N of the ~30,000 mutations
(seeded), or --all-configs.
Run: python bench/fuzz_round19.py [--steps paths,pasted,options,configs,hub] [--limit 2]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_round10
from child_rss import run_measured
from fuzz_round10 import Tally, run_round

import hostile_round19 as r19

_UNTIMED = ("measure",)
# a raw control character or direction override in what a command prints (its escapes are fine)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
HUB_FAULTS = ("gzip-bomb", "ignore-range", "commit:../../../../../../tmp/llmsize-round19",
              "commit:\x1b[2J0123", "commit:" + "a" * 5000, "commit:" + "0" * 40)  # fmt: skip
HUB_BOUND = 256 << 20


def _checked_run(argv: list[str], limit: float) -> tuple[str | None, int, str, str]:
    """fuzz_round10.run, then: no raw control character in the human output."""
    problem, code, out, err = _plain_run(argv, limit)
    if problem is None and "json" not in argv and "yaml" not in argv and "csv" not in argv:
        found = CONTROL.search(out)
        if found:
            problem = "control character in output"
            err = repr(out[max(0, found.start() - 40) : found.end() + 20])
    return problem, code, out, err


_plain_run = fuzz_round10.run


def _hub_run(tally: Tally, fault: str, root: Path) -> None:
    """`estimate acme/x` in a subprocess against a local Hub with `fault`; its peak RSS and the HF cache
    it leaves must stay bounded, and it must answer in one line or a result."""
    from hub_server import TINY_LLAMA_CONFIG, llama_tensors, safetensors_bytes, serve_hub

    files = {"config.json": TINY_LLAMA_CONFIG,
             "model.safetensors": safetensors_bytes(llama_tensors(TINY_LLAMA_CONFIG))}  # fmt: skip
    home = Path(tempfile.mkdtemp(dir=root))

    class _Env:  # serve_hub sets HF_ENDPOINT through a monkeypatch-like object
        def setenv(self, name: str, value: str) -> None:
            os.environ[name] = value

    with serve_hub(_Env()) as server:  # type: ignore[arg-type]
        server.add_repo("acme/x", files, fault=fault)
        env = {**os.environ, "HF_HOME": str(home), "LLMSIZE_CACHE_DIR": str(home / "llmsize")}
        env.pop("HF_HUB_OFFLINE", None)
        try:  # the command's own peak, not the largest child this process reaped (child_rss.py)
            done, rss = run_measured([sys.executable, "-m", "llmsize", "estimate", "acme/x"], env, None, 120)
        except subprocess.TimeoutExpired:
            tally.record("hub", [fault[:60]], "hang", "")
            return
    disk = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace").strip()
    problem = None
    if done.returncode not in (0, 2, 3):
        problem = f"exit {done.returncode}"
    elif done.returncode == 2 and len(err.splitlines()) != 1:
        problem = "not one line"
    elif CONTROL.search(out) or CONTROL.search(err):
        problem = "control character in output"
    elif rss > HUB_BOUND:
        problem = f"peak RSS {rss >> 20} MiB"
    elif disk > HUB_BOUND:
        problem = f"{disk >> 20} MiB left in the cache"
    elif Path("/tmp/llmsize-round19").exists():
        problem = "wrote outside the cache"
    tally.record("hub", [fault[:60]], problem, err)


def after_steps(tally: Tally, tmp: Path, wanted: list[str], limit: float) -> None:
    """Round 19's own checks: nothing a pasted command names was run; the Hub step."""
    tally.record("pasted", ["(touch PWNED)"], "executed" if Path("PWNED").exists() else None, "")
    if not wanted or "hub" in wanted:
        start = time.perf_counter()
        for fault in HUB_FAULTS:
            _hub_run(tally, fault, tmp)
        print(f"hub: done in {time.perf_counter() - start:.0f} s", flush=True)


def main() -> None:
    configs: int | None = 4000
    if "--all-configs" in sys.argv:
        sys.argv.remove("--all-configs")
        configs = None
    if "--configs" in sys.argv:
        at = sys.argv.index("--configs")
        configs = int(sys.argv[at + 1])
        del sys.argv[at : at + 2]
    steps = {**r19.STEPS, "configs": lambda root: r19.config_cases(root, configs)}
    fuzz_round10.run = _checked_run  # run_round's runs get the output check too
    run_round("round 19", __doc__, steps, untimed=_UNTIMED, after=after_steps)


if __name__ == "__main__":
    main()
