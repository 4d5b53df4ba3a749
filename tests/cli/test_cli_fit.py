"""`llmsize fit`: best precision, limits, --all, --check (exit 3), chat budget and bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import llmsize.cli
from llmsize.cli import app

runner = CliRunner()
# DESIGN.md: the keys every fit row carries.
FIT_ROW_KEYS = {"gpu", "count", "fits", "per_gpu_bytes", "headroom_bytes", "max_context",
                "decode_tokens_per_s", "ttft_s"}


@pytest.fixture(autouse=True)
def _no_user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "none"))


def _json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["fit", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(args)
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def test_fit_json_picks_the_best_precision_that_fits() -> None:
    doc = _json("Llama-3.1-8B", "--gpu", "RTX-3060-12GB")
    assert doc["fits"] is True
    options = doc["options"]
    assert isinstance(options, list) and options[0]["precision"] == "bf16"
    assert options[0]["fits"] is False  # ~16 GB of bf16 weights on a 12 GB card
    assert doc["best"] != "bf16"
    gpus = doc["gpus"]
    assert isinstance(gpus, list) and len(gpus) == 1
    assert gpus[0].keys() >= FIT_ROW_KEYS
    assert gpus[0]["max_context"] >= 4096


def test_fit_human_output_on_a_big_card(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fit", "Qwen2.5-7B-Instruct", "--gpu", "rtx4090"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Best that fits: bf16" in out
    assert "longest context" in out and "tokens/s" in out and "estimate" in out
    assert "GiB" in out


def test_yaml_matches_json() -> None:
    args = ["fit", "Qwen2.5-7B", "--gpu", "L4"]
    as_yaml = yaml.safe_load(runner.invoke(app, [*args, "--format", "yaml"]).stdout)
    assert as_yaml == _json("Qwen2.5-7B", "--gpu", "L4")


def test_fit_all_lists_catalog_models_that_run() -> None:
    doc = _json("--all", "--gpu", "RTX-4090", "--dtype", "bf16")
    models = {m["model"]: m for m in doc["models"]}  # type: ignore[union-attr, index]
    assert models["Qwen2.5-7B"]["fits"] is True
    assert models["Llama-3.1-70B"]["fits"] is False
    # a quantized checkpoint keeps its format; --dtype bf16 is its rest (gpt-oss: "MXFP4 MoE projections,
    # all other tensors BF16", openai/gpt-oss README), so its row is not relabelled bf16 (round 9)
    assert models["gpt-oss-20b"]["best"].startswith("mxfp4")
    assert all(m["best"] in (None, "bf16") or "fp16" not in m["best"] for m in models.values())


def test_check_exits_3_when_nothing_fits(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(["fit", "Llama-3.1-405B", "--gpu", "RTX-3060", "--check", "--format", "json"],
                         capsys)
    assert code == 3
    assert "does not fit" in err
    code, _, _ = _main(["fit", "Qwen2.5-0.5B", "--gpu", "RTX-3060", "--check", "--format", "json"], capsys)
    assert code == 0


def test_chat_budget(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json("Llama-3.1-8B", "--gpu", "RTX-4090", "--prompt-tokens", "500", "--output-tokens", "500",
                "--turns", "100")
    budget = doc["chat_budget"]
    assert isinstance(budget, dict)
    # 128 KiB of KV cache per token next to 15 GiB of bf16 weights: the 24 GB card, not the
    # 131,072-token window, ends the chat; each turn adds 1,000 tokens.
    assert budget["limited_by"] == "memory"
    assert budget["turns_that_fit"] == budget["memory_tokens"] // 1000
    assert budget["stops_at_turn"] == budget["turns_that_fit"] + 1 <= 100
    code, _, err = _main(["fit", "Qwen2.5-7B", "--gpu", "4090", "--turns", "5"], capsys)
    assert code == 2 and "--prompt-tokens" in err


def test_fp8_on_a100_warns_with_the_fallback() -> None:
    result = runner.invoke(app, ["fit", "Llama-3.1-8B", "--gpu", "A100", "--quant", "fp8"],
                           env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Warning" in result.stdout and "Marlin" in result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["fit", "Llama-3.1-8B", "--gpu", "RTX 4099"], "Did you mean"),
        (["fit", "Llama-3.1-8B", "--gpu", "h100", "--num-gpus", "0"], "num-gpus"),
        (["fit", "Llama-3.1-8B", "--gpu", "h100", "--num-gpus", "many"], "num-gpus"),
        (["fit", "Llama-3.1-8B", "--gpu", "h100", "--tp", "3", "--num-gpus", "3"], "attention heads"),
        (["fit", "--gpu", "h100"], "MODEL"),
    ],
)
def test_bad_input_exits_2(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(args, capsys)
    assert code == 2, err
    assert needle in err
    assert "Traceback" not in err


def test_fit_all_covers_the_catalog() -> None:
    # Its speed is a benchmark (bench/cli_startup.py, bench/plan.py), never a timed test.
    result = runner.invoke(app, ["fit", "--all", "--gpu", "RTX-4090", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["models"]) >= 40


def test_fit_rows_render_for_estimate() -> None:
    import io

    from rich.console import Console

    from llmsize.estimate.workload import Workload
    from llmsize.hardware.gpus import get_gpu
    from llmsize.hardware.plan import plan_fit_rows
    from llmsize.report.render_plan import render_fit_rows
    from llmsize.specs.resolve import resolve

    rows = plan_fit_rows(resolve("Llama-3.1-8B"), Workload(), [get_gpu("h100"), get_gpu("rtx3060")], 1)
    console = Console(file=io.StringIO(), width=120, color_system=None)
    render_fit_rows(rows, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "H100-SXM-80GB" in text and "RTX-3060-12GB" in text
    assert "weights alone" in text or "largest part" in text  # the 3060 row says why it does not fit


@pytest.mark.parametrize("model", ["gemma-3-4b-it", "Qwen2.5-7B"])  # base: 131072 positions
def test_fit_longest_context_is_what_estimate_fits(model: str) -> None:
    """Issue 15: fit's longest context, passed to estimate --context, fits; one token more does not
    (gemma-3-4b-it's SDPA mask padding made the old search print 45,248 while 42,827 did not fit)."""
    longest = _json(model, "--gpu", "RTX-4090")["gpus"][0]["max_context"]
    assert isinstance(longest, int)

    def gpu_row(context: int) -> dict[str, object]:
        result = runner.invoke(app, ["estimate", model, "--gpu", "RTX-4090", "--context", str(context),
                                     "--format", "json"])
        assert result.exit_code in (0, 3), result.output
        return json.loads(result.stdout)["gpus"][0]  # type: ignore[no-any-return]

    at, over = gpu_row(longest), gpu_row(longest + 1)
    assert at["fits"] is True and over["fits"] is False
    assert at["max_context"] == over["max_context"] == longest  # estimate's GPU table agrees
