"""`--engine-version` with vLLM and SGLang picks the speed profile of that release
(estimate/engines/server_releases.py; SGLang's: sglang_startup.py): vLLM 0.4's graphs stop at 8,192
tokens of context, 0.5-0.7 run the V0 engine, 0.8 on the V1 engine; SGLang 0.4 its own step.

Published numbers, Qwen2 speed benchmark (vLLM 0.4.2, A100 80GB, batch 1, 2,048 generated tokens;
QwenLM/Qwen2.5 docs/source/benchmark/speed_benchmark.rst @4da996c): Qwen2-0.5B-Instruct BF16 at
6,144 prompt tokens 256.16 t/s, at 14,336 tokens 108.89 t/s (the step leaves the captured graphs).
Qwen2.5's vLLM 0.6.3 table on the same card shows no such drop: its 0.5B steps grow from 3.26 to 3.38 ms
between 6,144 and 14,336 tokens (as cited in estimate/engines/vllm_v0_graphs.py).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import llmsize.cli
from cli_rows import estimate_gpu_row, speed_profile
from llmsize.cli import app

runner = CliRunner()
QWEN2_TABLE = (
    "https://github.com/QwenLM/Qwen2.5/blob/4da996c576418cc9ecdff35aeddfcdca814e9568/docs/source/benchmark/"
    "speed_benchmark.rst"
)
QWEN2_05B_14336_TPS = 108.89  # vLLM 0.4.2, Qwen2-0.5B-Instruct BF16, input 14336 (QWEN2_TABLE)
QWEN2_05B_6144_TPS = 256.16  # same table, input 6144


def _row(model: str, engine: str, *args: str, prompt: int = 6144) -> dict[str, object]:
    return estimate_gpu_row(
        model, "--engine", engine, "--gpu", "A100-SXM-80GB",
        "--prompt-tokens", str(prompt), "--context", str(prompt + 2048), *args,
    )  # fmt: skip


_profile = speed_profile


def _tps(row: dict[str, object]) -> float:
    value = row["decode_tokens_per_s"]
    assert isinstance(value, float)
    return value


@pytest.mark.parametrize(
    ("version", "extra", "profile"),
    [
        ("0.4.2", (), "vllm-0.4"),
        ("v0.4.0", (), "vllm-0.4"),
        ("0.6.3", (), "vllm-0.6"),
        ("0.7.3", (), "vllm-0.6"),
        # 0.8-0.13: the V1 engine, synchronous scheduling (async by default from 0.14, vllm_async.py).
        ("0.8.0", (), "vllm-0.13"),
        ("0.10", (), "vllm-0.13"),
        ("0.14.0", (), "vllm"),
        ("0.4.2", ("--enforce-eager",), "vllm-0.6-eager"),
        ("0.6.3", ("--enforce-eager",), "vllm-0.6-eager"),
        ("0.19.1", ("--enforce-eager",), "vllm-eager"),
    ],
)
def test_the_vllm_release_selects_its_speed_profile(
    version: str, extra: tuple[str, ...], profile: str
) -> None:
    row = _row("Qwen2-0.5B-Instruct", "vllm", "--engine-version", version, *extra)
    assert _profile(row) == profile


def test_without_a_release_vllm_runs_the_current_v1_profile() -> None:
    assert _profile(_row("Qwen2-0.5B-Instruct", "vllm")) == "vllm"


def test_the_report_says_which_release_profile_decoded() -> None:
    args = [
        "estimate",
        "Qwen2-0.5B-Instruct",
        "--engine",
        "vllm",
        "--engine-version",
        "0.4.2",
        "--format",
        "json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "vLLM 0.4.2 decodes as profile 'vllm-0.4'" in result.stdout
    plain = runner.invoke(app, [*args[:2], "--engine", "vllm", "--format", "json"])
    assert plain.exit_code == 0 and "decodes as profile" not in plain.stdout


def test_vllm_042_leaves_its_graphs_past_8192_tokens_as_qwen2s_table_shows() -> None:
    # QWEN2_TABLE: 256.16 t/s at 6,144 prompt tokens, 108.89 at 14,336 (a 2.35x drop) on vLLM 0.4.2.
    short = _tps(_row("Qwen2-0.5B-Instruct", "vllm", "--engine-version", "0.4.2", prompt=6144))
    long = _tps(_row("Qwen2-0.5B-Instruct", "vllm", "--engine-version", "0.4.2", prompt=14336))
    assert short / long > 1.8
    assert long == pytest.approx(QWEN2_05B_14336_TPS, rel=0.25)
    assert short == pytest.approx(QWEN2_05B_6144_TPS, rel=0.25)
    # The V1 engine (no capture limit) and 0.6.3 (bare-op eager launches) keep the long context fast.
    for version in ("0.6.3", "0.10"):
        later = _tps(_row("Qwen2-0.5B-Instruct", "vllm", "--engine-version", version, prompt=14336))
        assert later > 1.8 * long


@pytest.mark.parametrize(("version", "profile"), [("0.4.6.post1", "sglang-0.4"), ("0.5.7", "sglang")])
def test_the_sglang_release_selects_its_speed_profile(version: str, profile: str) -> None:
    row = _row("Qwen3-8B", "sglang", "--engine-version", version, prompt=1024)
    assert _profile(row) == profile


def test_an_sglang_run_without_a_release_is_the_05_series() -> None:
    assert _profile(_row("Qwen3-8B", "sglang", prompt=1024)) == "sglang"


@pytest.mark.parametrize(
    "args",
    [
        ["--engine", "vllm", "--engine-version", "0.3.3"],
        ["--engine", "vllm", "--engine-version", "latest"],
        ["--engine", "sglang", "--engine-version", "x.y"],
    ],
)
def test_an_unmodelled_or_malformed_release_is_one_line_and_exit_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ex:
        llmsize.cli.main(["estimate", "Qwen2-0.5B-Instruct", *args, "--gpu", "A100-SXM-80GB"])
    assert ex.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "--engine-version" in err and "Traceback" not in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("version", "profile"),
    [("4.38.2", "transformers-4.46"), ("4.46.0", "transformers-4.46"), ("4.51.3", "transformers-4"),
     ("5.23.0", "transformers")],
)
def test_transformers_release_picks_the_profile_its_table_was_measured_with(
        version: str, profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Qwen2's and Qwen2.5's A100 tables ran transformers 4.38.2 / 4.46.0 with auto-gptq, Qwen3's H20
    # table 4.51.3 (GPTQModel from 4.49): each release decodes with the profile fitted on its own table.
    with pytest.raises(SystemExit) as ex:
        llmsize.cli.main(["estimate", "Qwen2.5-7B-Instruct", "--engine", "transformers", "--gpu",
                          "A100-SXM-80GB", "--engine-version", version, "--format", "json"])
    assert ex.value.code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["gpus"][0]["speed_constants"]["engine"] == profile


def test_transformers_4_46_decodes_a_7b_slower_than_5x(capsys: pytest.CaptureFixture[str]) -> None:
    # 4.46 expanded GQA heads into copies at decode (repeat_kv) and launched every kernel from Python
    # with unvectorized cache copies; 5.x reads the cache in place: an old release is never faster.
    speeds = []
    for extra in (["--engine-version", "4.46.0"], []):
        with pytest.raises(SystemExit):
            llmsize.cli.main(["estimate", "Qwen2.5-7B-Instruct", "--engine", "transformers", "--gpu",
                              "A100-SXM-80GB", "--context", "8192", "--format", "json", *extra])
        speeds.append(json.loads(capsys.readouterr().out)["gpus"][0]["decode_tokens_per_s"])
    assert speeds[0] < speeds[1]
