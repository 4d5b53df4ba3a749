"""Golden: llmsize against llama.cpp's own buffer sizes, measured on a CPU by bench/llama_cpp_oracle.py.

The oracle wrote GGUFs with real widths (Llama-3.2-1B, Qwen2.5-0.5B, Gemma-3-1B, Qwen3-30B-A3B)
but few layers, loaded them with llama.cpp (llama-cpp-python) and recorded the KV, compute and
output buffers llama.cpp printed (docs/validation/llama_cpp_oracle.yaml). Here llmsize gets the same
widths as a config.json and the same settings; KV bytes must match to the printed rounding, the
compute buffer within 10% (issue 9). Rows whose options llmsize does not have yet are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from engine_log_rows import Outcome, extract, run_cli

ORACLE = Path(__file__).resolve().parents[2] / "docs" / "validation" / "llama_cpp_oracle.yaml"
MIB = 2**20


def _sample() -> list[dict[str, Any]]:
    """A fast sample: per architecture, flash attention off and on, a quantized KV cache, several slots."""
    if not ORACLE.exists():
        return []
    runs = yaml.safe_load(ORACLE.read_text(encoding="utf-8"))["runs"]
    wanted = {
        (16384, 1, 512, "off", "f16"),
        (16384, 1, 512, "on", "f16"),
        (16384, 1, 512, "on", "q8_0"),
        (16384, 4, 512, "on", "f16"),
        (16384, 1, 2048, "on", "f16"),
    }
    return [
        r
        for r in runs
        if (
            r["settings"]["n_ctx"],
            r["settings"]["n_seq_max"],
            r["settings"]["n_ubatch"],
            r["settings"]["flash_attn"],
            r["settings"]["type_k"],
        )
        in wanted
    ]


RUNS = _sample()


def _id(r: dict[str, Any]) -> str:
    s = r["settings"]
    return (
        f"{r['arch']}-ctx{s['n_ctx']}-seq{s['n_seq_max']}-ub{s['n_ubatch']}-fa{s['flash_attn']}-{s['type_k']}"
    )


def _llmsize(run: dict[str, Any], model_dir: Path, path: str) -> Outcome:
    s = run["settings"]
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "config.json").write_text(json.dumps(run["hf_config"]), encoding="utf-8")
    args = [
        "estimate", str(model_dir), "--engine", "llama.cpp", "--quant", "Q4_0", "--gpu", "A100-80GB",
        "--context", str(s["n_ctx"] // s["n_seq_max"]), "--batch", str(s["n_seq_max"]),
        "--ubatch", str(s["n_ubatch"]), "--n-batch", str(s["n_batch"]), "--flash-attn", s["flash_attn"],
        "--kv-dtype", s["type_k"], "--format", "json",
    ]  # fmt: skip
    code, out, err = run_cli(args)
    if code == 2 and ("No such option" in err or "Invalid value" in err):
        return Outcome(None, False, f"llmsize lacks what this run needs: {err.strip().splitlines()[-1]}")
    assert code in (0, 3), f"llmsize {' '.join(args)} -> exit {code}: {err}"
    try:
        return Outcome(float(extract(json.loads(out), path)), True)
    except KeyError:
        return Outcome(None, False, f"llmsize's JSON has no {path} yet")


def test_the_oracle_covers_several_architectures() -> None:
    assert {r["arch"] for r in RUNS} >= {"llama", "qwen2", "gemma3", "qwen3moe"}


@pytest.mark.parametrize("run", RUNS, ids=[_id(r) for r in RUNS])
def test_kv_cache_bytes_match_llama_cpp(run: dict[str, Any], tmp_path: Path) -> None:
    got = _llmsize(run, tmp_path / run["arch"], "memory.kv_cache")
    if not got.supported:
        pytest.skip(got.reason)
    # llama.cpp prints each KV buffer in MiB with 2 decimals; gemma3 prints two (sliding and full).
    assert got.predicted == pytest.approx(run["kv_bytes"], abs=0.01 * MIB), run["log"]


@pytest.mark.parametrize("run", RUNS, ids=[_id(r) for r in RUNS])
def test_compute_buffer_within_ten_percent(run: dict[str, Any], tmp_path: Path) -> None:
    got = _llmsize(run, tmp_path / run["arch"], "gpus[0].compute_buffer_bytes")
    if not got.supported:
        pytest.skip(got.reason)
    assert got.predicted is not None
    assert abs(got.error(run["compute_bytes"])) <= 0.10, run["log"]
