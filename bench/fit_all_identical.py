"""Check that `llmsize fit --all` prints the same bytes on this code and on an older checkout.

A speed-up of `fit --all` (issue 15) must not move a single answer: the longest context that fits
is searched on a memory curve that is not monotone for every model (the SDPA mask padding of
Gemma 3/4, chunked state scans), so a search that probes other points can stop at another
boundary. This runs the whole catalog, as JSON, for several GPUs and engine/mode settings with
both source trees and compares the outputs byte for byte.

    git archive <old commit> src model_specs gpu_specs | tar -x -C /tmp/old
    python bench/fit_all_identical.py --against /tmp/old/src [--quick]

This code runs each setting three times with a fresh cache folder (LLMSIZE_CACHE_DIR): the first
run builds the catalog's specs and plans every model, the second prints the rows the first kept
(cli/fit_all_cache.py), the third, with the rows removed, plans every model again from the specs
the first kept (cli/catalog_specs_cache.py); all must match the older checkout's bytes.
The human table is compared too, at 80 columns (where the rows are planned without longest
context or speed: cli/fit_all_rows.py) and at 200 (every column shown), planned and then read back.

Exit 0 when every output is identical, 1 otherwise (the models whose entries differ are listed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")

# GPU x settings: small and large cards, no-bf16 (T4, V100), unified memory (Apple), AMD; the
# default engine (where formats are passed over) and the engines with their own budgets.
SETTINGS: list[list[str]] = [
    ["--gpu", "RTX-4090"],
    ["--gpu", "H100-SXM-80GB"],
    ["--gpu", "L4"],
    ["--gpu", "RTX-3060-12GB"],
    ["--gpu", "T4"],
    ["--gpu", "V100-SXM2-32GB"],
    ["--gpu", "A100-SXM-40GB"],
    ["--gpu", "M4-Max-128GB"],
    ["--gpu", "MI300X"],
    ["--gpu", "RTX-5090", "--context", "32k"],
    ["--gpu", "RTX-4090", "--batch", "4"],
    ["--gpu", "RTX-4090", "--dtype", "fp16"],
    ["--gpu", "A100-SXM-80GB", "--mode", "qlora"],
    ["--gpu", "H100-SXM-80GB", "--engine", "vllm"],
    ["--gpu", "L40S", "--engine", "sglang"],
    ["--gpu", "RTX-4090", "--engine", "llama.cpp"],
    ["--gpu", "RTX-4090", "--engine", "ollama"],
    ["--gpu", "RTX-4090", "--num-gpus", "2"],
    # a 16 GB / 12 GB card under the GGUF engines: most models need a --gpu-layers split (issue 15)
    ["--gpu", "T4", "--engine", "llama.cpp"],
    ["--gpu", "T4", "--engine", "llama.cpp", "--context", "1m"],
    ["--gpu", "T4", "--engine", "ollama"],
    ["--gpu", "RTX-3060-12GB", "--engine", "llama.cpp"],
    ["--gpu", "RTX-3060-12GB", "--engine", "ollama", "--context", "1m"],
    ["--gpu", "M4-Max-128GB", "--engine", "llama.cpp"],
]
QUICK = [SETTINGS[0], SETTINGS[1], SETTINGS[4], SETTINGS[13], SETTINGS[15], SETTINGS[18]]


HUMAN_WIDTHS = ("80", "200")


def run(src: str, args: list[str], cache: str | None = None,
        columns: str | None = None) -> tuple[int, bytes, bytes]:
    """`fit --all` as JSON, or as the human table at `columns` columns."""
    env = {**os.environ, "PYTHONPATH": src, "COLUMNS": columns or "100"}
    if cache is not None:
        env["LLMSIZE_CACHE_DIR"] = cache
    cmd = [sys.executable, "-m", "llmsize", "fit", "--all", *args, *(() if columns else ("--format", "json"))]
    done = subprocess.run(cmd, capture_output=True, check=False, env=env)
    return done.returncode, done.stdout, done.stderr


def differing_models(new: bytes, old: bytes) -> list[str]:
    try:
        a, b = json.loads(new), json.loads(old)
    except ValueError:
        return ["(not JSON)"]
    rows_a = {m["model"]: m for m in a.get("models", [])}
    rows_b = {m["model"]: m for m in b.get("models", [])}
    names = sorted(set(rows_a) | set(rows_b))
    return [n for n in names if rows_a.get(n) != rows_b.get(n)] or ["(outside the model rows)"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--against", required=True, help="the older checkout's src/ folder")
    parser.add_argument("--quick", action="store_true", help="six settings instead of all")
    parser.add_argument("--only", type=int, nargs="+", metavar="I",
                        help="only these SETTINGS (their indices)")
    args = parser.parse_args()
    bad = 0
    chosen = [SETTINGS[i] for i in args.only] if args.only else QUICK if args.quick else SETTINGS
    for setting in chosen:
        with tempfile.TemporaryDirectory(prefix="fit-all-cache-") as cache:
            new, kept = run(SRC, setting, cache), run(SRC, setting, cache)  # planned, then from the cache
            shutil.rmtree(Path(cache) / "fit-all", ignore_errors=True)
            replanned = run(SRC, setting, cache)  # planned again, from the catalog specs kept
            tables = []
            for width in HUMAN_WIDTHS:  # planned with no rows kept (of either kind), then read back
                shutil.rmtree(Path(cache) / "fit-all", ignore_errors=True)
                tables.append((run(SRC, setting, cache, width), run(SRC, setting, cache, width)))
        old = run(args.against, setting)
        old_tables = [run(args.against, setting, columns=width) for width in HUMAN_WIDTHS]
        human_same = all(a == b == o for (a, b), o in zip(tables, old_tables, strict=True))
        same = new == old and kept == old and replanned == old and human_same
        digest = hashlib.sha256(new[1]).hexdigest()[:12]
        models = len(json.loads(new[1]).get("models", [])) if new[0] in (0, 3) and new[1] else 0
        print(
            f"{'same' if same else 'DIFF':4}  exit {new[0]}  {models:3d} models  sha256 {digest}  "
            f"fit --all {' '.join(setting)}",
            flush=True,
        )
        if not same:
            bad += 1
            if not human_same:
                widths = [w for w, (a, b), o in zip(HUMAN_WIDTHS, tables, old_tables, strict=True)
                          if not a == b == o]
                print(f"      the human table differs at {', '.join(widths)} columns")
            if new[0] != old[0] or new[2] != old[2]:
                print(f"      exit {new[0]} vs {old[0]}; stderr {new[2][-200:]!r} vs {old[2][-200:]!r}")
            print(f"      differing: {', '.join(differing_models(new[1], old[1]))}")
            if kept != new:
                differ = ", ".join(differing_models(kept[1], new[1]))
                print(f"      the run from the cache differs from the planned one: {differ}")
            if replanned != new:
                differ = ", ".join(differing_models(replanned[1], new[1]))
                print(f"      the run from the kept specs differs from the planned one: {differ}")
    print("identical" if not bad else f"{bad} setting(s) differ")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
