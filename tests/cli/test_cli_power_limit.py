"""`--power-limit W`: the board limit a user set with nvidia-smi -pl (hardware/power_limit.py). It lowers
the core clock of compute-bound work (the prompt), barely single-stream decode; it is shown and refused
clearly."""

from __future__ import annotations

import json

import pytest
from test_hostile_inputs import run_cli

BASE = ["estimate", "Qwen2.5-7B-Instruct", "--gpu", "RTX-3090", "--context", "4096"]


def _row(extra: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, out, err = run_cli([*BASE, *extra, "--format", "json"], capsys)
    assert code == 0, err
    row = json.loads(out)["gpus"][0]
    assert isinstance(row, dict)
    return row


def test_a_lower_limit_slows_the_prompt_far_more_than_decode(capsys: pytest.CaptureFixture[str]) -> None:
    stock, capped = _row([], capsys), _row(["--power-limit", "220"], capsys)
    prompt = float(capped["prefill_tokens_per_s"]) / float(stock["prefill_tokens_per_s"])  # type: ignore[arg-type]
    decode = float(capped["decode_tokens_per_s"]) / float(stock["decode_tokens_per_s"])  # type: ignore[arg-type]
    # 220 of the 3090's 350 W: clock (125.5 / 255.5)^(1/3) = 0.789 of the catalog's (power_limit.py)
    assert prompt == pytest.approx(0.789, abs=0.02)
    assert decode > 0.97
    constants = capped["speed_constants"]
    assert isinstance(constants, dict)
    assert constants["power_limit_w"] == 220
    assert constants["core_clock_ratio"] == pytest.approx(0.789, abs=0.002)
    assert any("power limit 220 W of 350 W" in n for n in capped["speed_notes"])  # type: ignore[union-attr]


def test_a_partner_board_limit_above_the_tdp_speeds_the_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    stock, raised = _row([], capsys), _row(["--power-limit", "420"], capsys)
    assert float(raised["prefill_tokens_per_s"]) > float(stock["prefill_tokens_per_s"])  # type: ignore[arg-type]


def test_human_output_states_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli([*BASE, "--power-limit", "250"], capsys)
    assert code == 0, err
    assert "power limit 250 W of 350 W" in " ".join(out.split())


@pytest.mark.parametrize(("given", "said"), [
    ("0", "--power-limit: give a finite positive number"),
    ("-50", "--power-limit: give a finite positive number"),
    ("abc", "--power-limit"),
    ("900", "above RTX-3090's highest board limit, 450 W"),
    ("60", "at or below what RTX-3090 draws before its cores clock"),
])
def test_nonsense_is_refused_in_one_line(given: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli([*BASE, "--power-limit", given], capsys)
    assert code == 2
    assert said in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1


def test_fit_takes_it_too(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["fit", "Qwen2.5-7B-Instruct", "--gpu", "RTX-3090", "--power-limit", "220",
                              "--format", "json"], capsys)
    assert code == 0, err
    assert "power limit 220 W" in out


def test_a_card_without_board_power_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # Apple's catalog entries give no tdp_w: an internal TypeError before (issue 15: never "internal error")
    code, _, err = run_cli(["estimate", "Qwen2.5-7B-Instruct", "--gpu", "M2-Max-96GB", "--power-limit", "50"],
                           capsys)
    assert code == 2
    assert "has no board power (tdp_w)" in err and "internal error" not in err
