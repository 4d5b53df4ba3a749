"""Golden: `llmsize check` on the launch commands behind published engine logs (issue 13).

Each case is a row of engine_logs.yaml (the quoted line, setup and source are there): the vLLM or
SGLang command is rebuilt from the setup and checked. The verdict must match what the engine did
(it printed its pool, so it started; vLLM refused when the pool held less than one max_model_len
request, vllm#10517 at 29k), and the figure it printed must be within 10%.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from validate_preflight import check_row, rows

CASES = rows()
# Rows whose printed figure llmsize does not reproduce within 10% yet (none at present). A launch
# command does not name the SGLang release, so the QwQ-32B 4x L4 pool (0.4.3.post4) is checked with
# the 0.5 series' NCCL and RoPE rules (estimate/engines/sglang_startup.py): -6.4%, inside this 10%.
FIGURE_GAPS: dict[str, str] = {}


def test_enough_published_outcomes() -> None:
    assert len(CASES) >= 20
    assert {c["engine"] for c in CASES} >= {"vllm", "sglang"}
    assert any(not _started(c) for c in CASES), "at least one published refusal"


def _started(case: dict[str, Any]) -> bool:
    from validate_preflight import expected_fits

    return expected_fits(case)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_verdict_matches_the_published_outcome(case: dict[str, Any]) -> None:
    got = check_row(case)
    assert got["fits"] == got["expected_fits"], got


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_printed_figure_within_ten_percent(case: dict[str, Any], request: pytest.FixtureRequest) -> None:
    if case["id"] in FIGURE_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=FIGURE_GAPS[case["id"]]))
    got = check_row(case)
    assert got["error"] is not None and abs(got["error"]) <= 0.10, got


# --- cases from public issues (tests/golden/preflight_cases.yaml) -------------------------------
# llama.cpp allocation failures, Ollama offload logs and training OOM reports, each with the
# command or YAML as reported, the GPU and the outcome; the URL and quoted line are in the file.
from validate_preflight import check_case, load_cases  # noqa: E402

ISSUE_CASES = load_cases()


def _mark(case: dict[str, Any], what: str, request: pytest.FixtureRequest) -> None:
    reason = (case.get("xfail") or {}).get(what)
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def test_issue_cases_cover_each_tool_and_outcome() -> None:
    assert {c["tool"] for c in ISSUE_CASES} >= {"llama.cpp", "ollama", "llamafactory"}
    assert {c["outcome"] for c in ISSUE_CASES} == {"fits", "oom"}
    for case in ISSUE_CASES:
        assert case["source"]["url"].startswith("https://github.com/"), case["id"]
        assert case["source"]["quote"].strip(), case["id"]


@pytest.mark.parametrize("case", ISSUE_CASES, ids=[c["id"] for c in ISSUE_CASES])
def test_issue_case_verdict(case: dict[str, Any], request: pytest.FixtureRequest) -> None:
    _mark(case, "verdict", request)
    got = check_case(case)
    assert got["fits"] == got["expected_fits"], got


PRINTED = [(c, i) for c in ISSUE_CASES for i in range(len(c.get("printed") or []))]


@pytest.mark.parametrize(
    ("case", "index"), PRINTED, ids=[f"{c['id']}-{c['printed'][i]['figure']}" for c, i in PRINTED]
)
def test_issue_case_printed_figure_within_ten_percent(
    case: dict[str, Any], index: int, request: pytest.FixtureRequest
) -> None:
    _mark(case, "figure", request)
    item = check_case(case)["printed"][index]
    assert item["error"] is not None and abs(item["error"]) <= 0.10, item
