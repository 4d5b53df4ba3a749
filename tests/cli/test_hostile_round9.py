"""The ninth hostile and newcomer round (tests/hostile_round9.py; issue 15).

Each finding has the test of its fix here: one row per GPU kind however often `--gpu` names it, `fit`
taking one card named twice, `report show` reading the speed constants `estimate --output` wrote (the
async-scheduling flag), `--lora-targets` with full training, duplicated and empty target lists, and
Ollama's tagged versions; then the round's hostile inputs and seeded semantic checks.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

import hostile_round9
import llmsize

M = hostile_round9.MODEL
pytestmark = pytest.mark.usefixtures("offline")  # every name here is in the bundled catalog


def _doc(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, out, err = run_cli(argv, capsys)
    assert code in (0, 3), err
    doc: dict[str, object] = json.loads(out)
    return doc


# --- repeated and comma-separated --gpu


def test_estimate_lists_each_gpu_kind_once(capsys: pytest.CaptureFixture[str]) -> None:
    # H100 three times (twice by alias, once by its id in lower case) and A100 once: estimate listed four
    # fit rows, two of them the same card twice, where compare lists one per catalog id.
    doc = _doc(["estimate", M, "--gpu", "H100,H100,A100-80GB", "--gpu", "h100-sxm-80gb", "--format", "json"],
               capsys)  # fmt: skip
    assert [row["gpu"] for row in doc["gpus"]] == ["H100-SXM-80GB", "A100-SXM-80GB"]  # type: ignore[index]


def test_one_gpu_named_300_times_is_one_row(capsys: pytest.CaptureFixture[str]) -> None:
    # 300 rows and 2.1 s before: every spelling was planned (and swept) again
    argv = ["estimate", M, "--gpu", ",".join(["H100"] * 300), "--concurrency", "1,8", "--format", "json"]
    rows = _doc(argv, capsys)["gpus"]
    pairs = [(r["gpu"], r["concurrency"]) for r in rows]  # type: ignore[index, union-attr]
    assert pairs == [("H100-SXM-80GB", 1), ("H100-SXM-80GB", 8)]


def test_fit_takes_one_gpu_named_twice(capsys: pytest.CaptureFixture[str]) -> None:
    # was "fit plans one GPU kind, and --gpu named 2 (H100, H100)", hinting a compare of H100 with itself
    twice = ["fit", M, "--gpu", "H100", "--gpu", "H100-SXM-80GB", "--format", "json"]
    code, out, err = run_cli(twice, capsys)
    assert code in (0, 3), err
    assert json.loads(out)["gpu"]["id"] == "H100-SXM-80GB"
    code, err = assert_answered(["fit", M, "--gpu", "H100", "--gpu", "A100-80GB"], capsys)
    assert code == 2 and "one GPU kind" in err  # two kinds stay refused: compare is for that


# --- the speed constants a report carries round-trip through `report show`


def test_report_show_reads_the_async_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # speed_constants.step_overlapped (vLLM 0.14+ async scheduling) is a bool; the row type held only
    # numbers and strings, so pydantic wrote false as 0.0 in sweep rows, and `report show` refused the
    # report as hand-edited ("a number, not true or false").
    out = tmp_path / "r.json"
    code, _, err = run_cli(["estimate", M, "--engine", "sglang", "--gpu", "RTX-4090,M4-Max-128GB",
                            "--concurrency", "1,8", "--output", str(out)], capsys)  # fmt: skip
    assert code == 0, err
    flags = [row["speed_constants"]["step_overlapped"] for row in json.loads(out.read_text())["gpus"]]
    assert flags and all(flag is False for flag in flags), flags
    code, _, err = run_cli(["report", "show", str(out)], capsys)
    assert code == 0, err
    vllm = tmp_path / "v.json"
    assert run_cli(["estimate", M, "--engine", "vllm", "--gpu", "H100", "--concurrency", "1,8",
                    "--output", str(vllm)], capsys)[0] == 0  # fmt: skip
    rows = json.loads(vllm.read_text())["gpus"]
    assert all(row["speed_constants"]["step_overlapped"] is True for row in rows)
    assert run_cli(["report", "show", str(vllm)], capsys)[0] == 0


# --- LoRA targets


@pytest.mark.parametrize("mode", ["full", "training"])
def test_lora_targets_with_full_training(mode: str, capsys: pytest.CaptureFixture[str]) -> None:
    # sized full training and kept `lora_targets: [q_proj]` in the report as if it applied
    code, err = assert_answered(["estimate", M, "--mode", mode, "--lora-targets", "q_proj"], capsys)
    assert code == 2 and "--lora-targets" in err and f"--mode {mode}" in err, err


def test_lora_targets_are_listed_once(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["estimate", M, "--mode", "lora", "--lora-targets", "q_proj, q_proj,v_proj", "--format", "json"]
    doc = _doc(argv, capsys)
    assert doc["workload"]["lora_targets"] == ["q_proj", "v_proj"]  # type: ignore[index]


def test_api_refuses_an_empty_target_list() -> None:
    with pytest.raises(ValueError, match="lora_targets is empty"):
        llmsize.Workload(mode="lora", lora_targets=())
    assert llmsize.Workload(mode="lora", lora_targets=("q_proj",)).lora_targets == ("q_proj",)


# --- Ollama's tagged versions


@pytest.mark.parametrize("version", hostile_round9.OLLAMA_TAGGED)
def test_ollama_reads_tagged_versions(version: str, capsys: pytest.CaptureFixture[str]) -> None:
    # "is not an Ollama release" before: Ollama's release candidates carry -rcN (ollama/ollama#7507)
    plain = version.lstrip("v").partition("-")[0]
    ollama = ["estimate", M, "--engine", "ollama", "--format", "json", "--engine-version"]
    tagged, release = _doc([*ollama, version], capsys), _doc([*ollama, plain], capsys)
    assert tagged["memory"] == release["memory"]


@pytest.mark.parametrize("version", ["0.12.0-", "0.12.0-\u00fc", "0.12.0 -rc1", "-rc1"])
def test_ollama_refuses_broken_tags(version: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = assert_answered(["estimate", M, "--engine", "ollama", "--engine-version", version], capsys)
    assert code == 2 and "not an Ollama release" in err, err


# --- the round's inputs: a result or one line with exit 2


@pytest.mark.parametrize("argv", list(hostile_round9.gpu_list_cases()), ids=lambda a: f"{a[0]} {a[3][:20]!r}")
def test_gpu_lists(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert_answered(argv, capsys)


@pytest.mark.parametrize(
    "argv",
    random.Random(9).sample(list(hostile_round9.engine_version_cases()), 40),
    ids=lambda a: f"{a[3]} {a[5][:16]!r}",
)
def test_engine_versions(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert_answered(argv, capsys)  # all 135: bench/fuzz.py


def test_gpu_files_with_bus_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in hostile_round9.gpu_file_cases(tmp_path):
        code, _ = assert_answered(argv, capsys)
        if argv[0] == "compare" and code == 0:  # an accepted file sizes to finite numbers
            _, out, _ = run_cli(argv, capsys)
            assert hostile_round9.semantic_problems(json.loads(out)) == []


@pytest.mark.parametrize("argv", list(hostile_round9.training_cases()), ids=lambda a: " ".join(a[2:6])[:40])
def test_training_options(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert_answered(argv, capsys)


@pytest.mark.parametrize("argv", hostile_round9.random_combinations(9, 24), ids=lambda a: " ".join(a[:4]))
def test_random_combinations(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(argv, capsys)
    assert code in (0, 2, 3), err
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
        return
    doc = json.loads(out)
    assert hostile_round9.semantic_problems(doc) == []
    if argv[0] == "estimate":  # what estimate prints, `report show` reads back
        saved = tmp_path / "r.json"
        saved.write_text(out)
        assert run_cli(["report", "show", str(saved)], capsys)[0] == 0


def test_plan_takes_one_gpu_kind(capsys: pytest.CaptureFixture[str]) -> None:
    # `plan --gpu H100 --gpu A100-80GB` planned the last one without a word (a plain typer option), and
    # `--gpu H100,A100-80GB` was "unknown GPU 'H100,A100-80GB'"; both now say plan is for one kind, as fit
    for argv in (["--gpu", "H100", "--gpu", "A100-80GB"], ["--gpu", "H100,A100-80GB"]):
        code, err = assert_answered(["plan", M, *argv], capsys)
        assert code == 2 and "one GPU kind" in err, err
    twice = ["plan", M, "--gpu", "H100", "--gpu", "H100-SXM-80GB", "--engine", "vllm"]
    code, out, err = run_cli(twice, capsys)
    assert code == 0 and out.startswith("vllm serve"), err
