"""`--images N --image-size WxH`: what N images cost, in the JSON and the table; bad input -> exit 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hostile import assert_estimate_refused
from llmsize.cli import app

runner = CliRunner()


def _json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert isinstance(out, dict)
    return out


def test_estimate_with_images_reports_their_tokens_and_costs_more() -> None:
    plain = _json("estimate", "Qwen2.5-VL-7B-Instruct")
    shown = _json("estimate", "Qwen2.5-VL-7B-Instruct", "--images", "4", "--image-size", "1024x1024")
    workload = shown["workload"]
    assert isinstance(workload, dict)
    assert workload["images"] == 4 and workload["image_size"] == [1024, 1024]
    memory, before = shown["memory"], plain["memory"]
    assert isinstance(memory, dict) and isinstance(before, dict)
    assert memory["kv_cache"] > before["kv_cache"] and memory["total"] > before["total"]
    assumptions = shown["assumptions"]
    assert isinstance(assumptions, list)
    # smart_resize: 1024 -> 1036 px a side, 74 x 74 patches, 37 x 37 = 1369 tokens + 2 delimiters
    assert any("4 x 1,371 tokens = 5,484 tokens added" in a for a in assumptions)


@pytest.mark.parametrize("command", ["fit", "compare"])
def test_fit_and_compare_size_the_gpu_for_the_images(command: str) -> None:
    def per_gpu(*more: str) -> int:
        out = json.loads(
            runner.invoke(app, [command, "gemma-3-4b", "--gpu", "h100", *more, "--format", "json"]).stdout
        )
        rows = out["gpus"] if "gpus" in out else out["rows"]
        return int(rows[0]["per_gpu_bytes"])

    assert per_gpu("--images", "8") > per_gpu()


def test_explain_takes_the_image_options() -> None:
    result = runner.invoke(app, ["explain", "gemma-3-4b", "--images", "2"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    # the KV cache is sized for the text and the images' tokens: 4,096 + 2 x 260 (Gemma 3)
    assert "4,616 tokens" in result.stdout


def test_the_table_names_the_images() -> None:
    result = runner.invoke(app, ["estimate", "gemma-3-4b", "--images", "3"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "3 image(s) per sequence" in result.stdout
    assert "3 x 260 tokens = 780 tokens" in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["Qwen2.5-VL-7B-Instruct", "--images", "-1"], "--images -1"),
        (["Qwen2.5-VL-7B-Instruct", "--images", "2", "--image-size", "0x5"], "--image-size '0x5'"),
        (["Qwen2.5-VL-7B-Instruct", "--images", "2", "--image-size", "big"], "WIDTHxHEIGHT"),
        (["Qwen2.5-VL-7B-Instruct", "--image-size", "640x480"], "needs --images"),
        (["Qwen2.5-7B", "--images", "3"], "has no vision tower"),
    ],
)
def test_bad_image_input_is_one_line_and_exit_2(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_estimate_refused(args, says, lambda: capsys.readouterr().err)


def test_the_json_document_carries_the_images_key() -> None:
    doc = _json("estimate", "gemma-3-4b", "--images", "3")
    images = doc["images"]
    assert isinstance(images, dict)
    assert (images["count"], images["tokens_per_image"], images["tokens"]) == (3, 260, 780)
    assert images["resized_width"] == 896 and images["tower_peak_bytes"] > 0
    assert _json("estimate", "gemma-3-4b")["images"] == {}
