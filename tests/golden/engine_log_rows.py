"""Published engine log lines (engine_logs.yaml) run through the llmsize CLI, in process.

Shared by tests/golden/test_engine_logs.py and bench/engine_logs.py. A row the installed llmsize
cannot express yet (an option it does not know, an engine it does not offer, a JSON key it does
not print) is reported as unsupported with the reason, never as a pass: issue 9 adds those options
and keys, and each row starts to count the moment they exist.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROWS_PATH = Path(__file__).with_name("engine_logs.yaml")

# What the CLI says when an option or choice does not exist in this version (typer/click usage errors).
_UNSUPPORTED = re.compile(r"No such option|Invalid value for '--engine'|is not one of", re.I)


@dataclass(frozen=True)
class Outcome:
    """llmsize's figure for one row, or why it could not give one."""

    predicted: float | None
    supported: bool
    reason: str = ""

    def error(self, published: float) -> float:
        """Signed relative error of the prediction against the published figure."""
        assert self.predicted is not None
        return (self.predicted - published) / published


def load_rows(path: Path = ROWS_PATH) -> list[dict[str, Any]]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(rows, list)
    return rows


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """Run `llmsize ARGS` in this process; return (exit code, stdout, stderr)."""
    from llmsize.cli import main  # registers the commands it runs (issue 15: lazy CLI imports)

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as ex:
            code = int(ex.code or 0)
    return code, out.getvalue(), err.getvalue()


def extract(doc: Any, path: str) -> Any:
    """Follow 'memory.kv_cache' or 'gpus[0].kv_tokens' into the JSON document; KeyError if absent."""
    value = doc
    for part in path.split("."):
        name, _, index = part.partition("[")
        if name:
            if not isinstance(value, dict) or name not in value:
                raise KeyError(path)
            value = value[name]
        if index:
            i = int(index.rstrip("]"))
            if not isinstance(value, list) or len(value) <= i:
                raise KeyError(path)
            value = value[i]
    return value


def predict(row: dict[str, Any]) -> Outcome:
    """llmsize's figure for the row's quantity, from the row's own command."""
    code, out, err = run_cli([*row["llmsize_args"], "--format", "json"])
    text = f"{out}\n{err}"
    if code == 2 and _UNSUPPORTED.search(text):
        line = next((ln.strip(" │") for ln in err.splitlines() if _UNSUPPORTED.search(ln)), err.strip())
        return Outcome(None, False, f"llmsize lacks what this row needs: {line.strip()}")
    try:
        doc = json.loads(out)
    except json.JSONDecodeError:
        return Outcome(None, True, f"exit {code}, no JSON: {err.strip()[-300:]}")
    try:
        value = extract(doc, row["extract"])
    except KeyError:
        return Outcome(None, False, f"llmsize's JSON has no {row['extract']} yet")
    if value is None:
        return Outcome(None, False, f"llmsize printed {row['extract']} = null")
    return Outcome(float(value), True)


_KV_DTYPE = {"f16": "fp16", "f32": "fp32"}  # llama.cpp's type names -> llmsize's --kv-dtype names


def oracle_args(run: dict[str, Any], model_dir: Path) -> list[str]:
    """The llmsize command for one llama.cpp oracle run (docs/validation/llama_cpp_oracle.yaml).

    Writes the run's Hugging Face config into model_dir; llama.cpp's n_ctx shared by n_seq_max
    sequences is llmsize's --context per sequence times --batch. `--logits all`: the oracle's
    context (llama-cpp-python) leaves n_outputs_max at 0, so llama.cpp reserves its graph with a
    logits row for every token of the ubatch, as llama-server did before ggml-org/llama.cpp#23861.
    """
    s = run["settings"]
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "config.json").write_text(json.dumps(run["hf_config"]), encoding="utf-8")
    return [
        "estimate", str(model_dir), "--engine", "llama.cpp", "--quant", "Q4_0", "--gpu", "A100-80GB",
        "--context", str(s["n_ctx"] // s["n_seq_max"]), "--batch", str(s["n_seq_max"]),
        "--ubatch", str(s["n_ubatch"]), "--n-batch", str(s["n_batch"]), "--flash-attn", s["flash_attn"],
        "--kv-dtype", _KV_DTYPE.get(s["type_k"], s["type_k"]), "--logits", "all", "--format", "json",
    ]  # fmt: skip


def oracle_predict(run: dict[str, Any], model_dir: Path, path: str) -> Outcome:
    """llmsize's figure at `path` (e.g. memory.kv_cache) for one oracle run."""
    args = oracle_args(run, model_dir)
    code, out, err = run_cli(args)
    if code == 2 and _UNSUPPORTED.search(err):
        return Outcome(None, False, f"llmsize lacks what this run needs: {err.strip().splitlines()[-1]}")
    if code not in (0, 3):
        return Outcome(None, True, f"llmsize {' '.join(args)} -> exit {code}: {err.strip()[-300:]}")
    try:
        return Outcome(float(extract(json.loads(out), path)), True)
    except KeyError:
        return Outcome(None, False, f"llmsize's JSON has no {path} yet")
