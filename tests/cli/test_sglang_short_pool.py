"""SGLang cannot serve a --context longer than its token pool: such a run does not fit that context.

sgl-project/sglang managers/scheduler.py: max_req_len = min(context_len - 1, max_total_num_tokens - 1), and a
longer prompt is aborted at admission (managers/utils.py validate_input_length). Qwen3-8B in bf16 on one RTX
4090 leaves SGLang a pool of some 7,000 tokens (newcomer round 16), far below 32,768.
"""

from __future__ import annotations

import pytest
from test_hostile_inputs import run_cli

from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

ARGS = ("Qwen3-8B", "--gpu", "RTX-4090", "--engine", "sglang", "--quant", "bf16")


def test_a_pool_shorter_than_the_context_asked_does_not_fit() -> None:
    row = _json("fit", *ARGS, "--context", "32k")["options"][0]
    assert 0 < row["kv_tokens"] < 32768
    assert not row["fits"]
    assert "max_req_len" in row["reason"] and "--kv-dtype fp8" in row["reason"]


def test_fit_check_exits_3_when_the_pool_cannot_serve_the_context(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["fit", *ARGS, "--context", "32k", "--check"], capsys)
    assert code == 3 and "max_req_len" in err


def test_a_context_the_pool_holds_still_fits() -> None:
    row = _json("fit", *ARGS, "--context", "4096")["options"][0]
    assert row["kv_tokens"] >= 4096 and row["fits"]


def test_compare_picks_gpus_whose_pool_serves_the_context() -> None:
    args = ("compare", "Qwen3-8B", "--gpu", "RTX-4090", "--engine", "sglang", "--context", "32k")
    row = _json(*args)["rows"][0]
    assert row["fits"] and row["count"] >= 2 and row["kv_tokens"] >= 32768
