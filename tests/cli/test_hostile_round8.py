"""The eighth hostile and newcomer round (tests/hostile_round8.py; issue 15).

Each finding has the test of its fix here: `check` reading launch flags, --speculative-config counts and
OLLAMA_* values by llmsize's one number rule (ASCII digits), --output under a file and --output checked
before the work, --gpu-file entries that could not be asked for and files of thousands of GPUs, concurrency
lists split on commas only, a Hub's oversized config.json refused before it is downloaded, a web page saved
as config.json, the Python API's argument types, the planner's TP degrees, a folder name that is not UTF-8.
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
from test_hostile_inputs import json_doc as _doc

import hostile_round8
import llmsize
from hub_server import TINY_LLAMA_CONFIG, serve_hub
from llmsize.errors import LlmsizeError

M = "Qwen2.5-0.5B"


# --- `check`: the launch command's own flags, by the rule every llmsize option follows


@pytest.mark.parametrize(
    "argv", hostile_round8.sampled_launch_flag_cases(8, 40), ids=lambda a: f"{a[a.index('--') + 1]} {a[-2]}"
)
def test_launch_flags_with_hostile_values(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert_answered(argv, capsys)  # all ~1,300: bench/fuzz.py


@pytest.mark.parametrize(
    "argv", list(hostile_round8.speculative_cases()), ids=list(hostile_round8.SPECULATIVE_COUNTS)
)
def test_speculative_config_counts_are_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # `"num_speculative_tokens": "x"`, `[1]` and `1e400` were int() of the value: ValueError, TypeError and
    # OverflowError, each an internal error; 2.7 and true were read as 2 and 1.
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "num_speculative_tokens" in err, err


def test_speculative_config_counts_people_write_still_read(capsys: pytest.CaptureFixture[str]) -> None:
    for count in ("3", "3.0", '"3"'):  # JSON's number, the float a YAML-to-JSON tool writes, a string
        conf = '{"method": "eagle", "model": "Qwen/Qwen2.5-0.5B", "num_speculative_tokens": ' + count + "}"
        argv = ["check", "--gpu", "H100", "--format", "json", "--", "vllm", "serve", "Qwen/Qwen2.5-7B",
                "--speculative-config", conf]  # fmt: skip
        code, out, err = run_cli(argv, capsys)
        assert code in (0, 3), err
        workload = json.loads(out)["workload"]
        assert workload["num_speculative_tokens"] == 3 and workload["speculative"] == "eagle"


def test_numbers_in_other_scripts_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `--max-model-len ١٢٣` was sized at 123 tokens and `-tp ２` as TP 2 (Decimal and int() read any
    # script's digits); `estimate --context ١٢٣` refuses them, and llama.cpp's std::stoi and Ollama's
    # strconv.ParseUint (envconfig/config.go) never read them.
    for argv in hostile_round8.non_ascii_number_cases(tmp_path):
        code, err = assert_answered(argv, capsys)
        assert code == 2, f"{argv[-3:]}: {err}"


def test_ascii_numbers_in_launch_commands_still_read(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--gpu", "H100", "--format", "json", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B",
            "--max-model-len", "32k", "-tp", " 2 ", "--gpu-memory-utilization", ".85"]  # fmt: skip
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    workload = json.loads(out)["workload"]
    assert (workload["context"], workload["tp"], workload["gpu_memory_utilization"]) == (32_000, 2, 0.85)


def test_a_negative_cpu_offload_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # vLLM's UVAOffloadConfig: `cpu_offload_gb: float = Field(default=0, ge=0)`; -1 passed as "fits".
    argv = ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen2.5-0.5B", "--cpu-offload-gb", "-1"]
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "--cpu-offload-gb" in err


@pytest.mark.parametrize(("variable", "value"), hostile_round8.OLLAMA_ENVIRONMENT, ids=lambda v: v[:24])
def test_ollama_variables_from_the_environment(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(variable, value)  # `check` reads every OLLAMA_* variable of its own environment
    code, err = assert_answered(list(hostile_round8.OLLAMA_COMMAND), capsys)
    if value and not value.isascii():
        assert code == 2 and variable in err, err


# --- --output


def test_output_under_a_file_or_unwritable_is_said_before_the_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `estimate M -o notes.txt/x.json` and `gpus -o notes.txt/x.json` ended in "internal error:
    # NotADirectoryError" (the temporary file's cleanup); `gpus -o gpus.txt` printed the whole listing first.
    for argv in hostile_round8.output_cases(tmp_path):
        code, out, err = run_cli(argv, capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1, f"{argv}: {err}"
        assert "internal error" not in err and out == "", f"{argv}: printed {len(out)} characters first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r8-notes.txt"]  # nothing else was written


# --- --gpu-file


def test_gpu_files_that_cannot_be_used_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An id 'A,B' could be named by --gpu but never by --gpus (split on commas); 'local' and 'all' are read as
    # this machine and every GPU; '  ' matched any --gpu of no letter; 20,000 GPUs took `gpus` 40 s.
    for label, argv in hostile_round8.gpu_file_cases(tmp_path):
        code, err = assert_answered(argv, capsys)
        assert code == 2 and "GPU" in err, f"{label}: {err}"


def test_a_small_gpu_file_still_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = "".join(
        hostile_round8._gpu_entry(f"My-Card-{i}", f", aliases: ['my card {i}']") for i in range(3)
    )
    path = hostile_round8.gpu_file(tmp_path, "mine", entries)
    doc = _doc(["compare", M, "--gpus", "My-Card-0,my card 2", "--gpu-file", str(path)], capsys)
    assert [r["gpu"] for r in doc["rows"]] == ["My-Card-0", "My-Card-2"]  # type: ignore[index, union-attr]


# --- --concurrency


@pytest.mark.parametrize("argv", list(hostile_round8.concurrency_cases()), ids=lambda a: repr(a[-1]))
def test_levels_are_split_on_commas_only(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # Every space was removed before splitting: "1 8 32" asked for one level of 1,832 sequences.
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "--concurrency" in err, err


def test_spaces_around_levels_still_read(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _doc(["estimate", M, "--gpu", "H100", "--engine", "vllm", "--concurrency", " 1, 8 ,32 "], capsys)
    assert [r["concurrency"] for r in doc["gpus"]] == [1, 8, 32]  # type: ignore[union-attr, index]


# --- the Hub


def test_an_oversized_config_json_is_not_downloaded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # hf_hub_download saved the whole body before read_config_json's 8 MiB limit: a 300 MB "config.json"
    # took 7 s and stayed in the Hugging Face cache.
    import os

    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    big = b'{"model_type": "llama", "pad": "' + b"x" * (9 << 20) + b'"}'
    with serve_hub(monkeypatch) as server:
        server.add_repo("acme/huge-config", {"config.json": big})
        code, err = assert_answered(["estimate", "acme/huge-config"], capsys)
        gets = [r for r in server.requests if r.method == "GET"]
    assert code == 2 and "larger than the 8 MiB" in err, err
    assert gets == []  # its size came from the HEAD answer; the body was never asked for
    cached = sum(f.stat().st_size for f in Path(os.environ["HF_HOME"]).rglob("*") if f.is_file())
    assert cached < 1 << 20


@pytest.mark.parametrize("fault", ["status-500", "status-503", "status-429", "status-416", "html"])
def test_a_failing_hub_is_one_line(
    fault: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("LLMSIZE_HUB_TIMEOUT", "2")
    with serve_hub(monkeypatch) as server:
        server.add_repo("acme/model", {"config.json": TINY_LLAMA_CONFIG}, fault=fault)
        code, err = assert_answered(["estimate", "acme/model"], capsys)
    assert code == 2, err
    if fault == "html":  # a login page answering every URL: not "truncated, download it again"
        assert "web page" in err and "truncated" not in err


def test_a_saved_web_page_is_named_as_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The Hub's blob page saved from a browser as config.json: "may be truncated; download it again".
    (tmp_path / "config.json").write_text("\ufeff\n<!DOCTYPE html>\n<html><head><title>config.json</title>")
    code, err = assert_answered(["estimate", str(tmp_path)], capsys)
    assert code == 2 and "web page (HTML)" in err and "resolve/main/config.json" in err


# --- the Python API


_API = list(hostile_round8.api_calls())


@pytest.mark.parametrize(("label", "call"), _API, ids=[label for label, _ in _API])
def test_api_arguments_of_the_wrong_type(label: str, call: object) -> None:
    # `llmsize.resolve(7)` raised AttributeError ("'int' object has no attribute 'strip'"),
    # `estimate("Qwen3-8B", wl)` "'str' object has no attribute 'num_layers'": now an LlmsizeError that is a
    # TypeError too.
    assert callable(call)
    with pytest.raises(TypeError) as raised:
        call()
    assert isinstance(raised.value, LlmsizeError)
    assert "\n" not in str(raised.value) and ("not " in str(raised.value)), label


def test_a_path_object_is_a_model_path(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps(hostile_round8.llama_config()))
    spec = llmsize.resolve(tmp_path)  # a pathlib.Path, as os.PathLike: it raised AttributeError
    assert spec.provenance.kind.value == "local"
    assert spec == llmsize.resolve(str(tmp_path))


# --- planning: a TP degree the MLP width refuses is no candidate


@pytest.mark.usefixtures("offline")
def test_compare_skips_tp_degrees_the_mlp_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    # CodeLlama-13B has 40 heads and a 13,824-wide MLP: the planner offered TP 5 (5 divides 40) on the
    # GTX-1660 and the estimate refused it, so `compare CodeLlama-13B --gpus all` printed only that error.
    doc = _doc(["compare", "CodeLlama-13B", "--gpus", "GTX-1660,L4"], capsys)
    for row in doc["rows"]:  # type: ignore[attr-defined]
        assert 13_824 % row["tp"] == 0 and 40 % row["tp"] == 0, row


def test_the_planner_and_the_estimate_share_the_width_rule() -> None:
    from llmsize.hardware.plan import tp_problem

    spec = llmsize.resolve("CodeLlama-13B", offline=True)
    assert tp_problem(spec, 5) is not None and "intermediate_size" in str(tp_problem(spec, 5))
    assert tp_problem(spec, 4) is None and tp_problem(spec, 8) is None


# --- a folder whose name is not UTF-8


def test_a_folder_name_in_another_encoding_is_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = hostile_round8.non_utf8_folder(tmp_path)
    if folder is None:
        pytest.skip("this file system refuses names that are not UTF-8")
    code, err = assert_answered(["estimate", str(folder)], capsys)
    assert code == 2 and "not UTF-8" in err and "control characters" not in err


# --- answers that are well-formed but wrong: a fit never claimed past the GPU's usable memory


@pytest.mark.usefixtures("offline")
def test_fit_rows_are_within_the_gpu(capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(8)
    models = ["Qwen2.5-0.5B", "Qwen3-8B", "gpt-oss-20b", "Llama-3.1-70B", "Qwen3-30B-A3B", "gemma-3-27b-it"]
    engines = ["transformers", "vllm", "sglang", "llama.cpp", "ollama"]
    gpus = ["H100", "RTX-4090", "L4", "T4", "RTX-3060-12GB"]
    for _ in range(8):
        argv = ["fit", rng.choice(models), "--gpu", rng.choice(gpus), "--engine", rng.choice(engines)]
        code, out, err = run_cli([*argv, "--format", "json"], capsys)
        assert code in (0, 2, 3), f"{argv}: {err}"
        if code == 2:
            continue
        for row in json.loads(out)["options"]:
            if row["fits"]:
                assert row["per_gpu_bytes"] <= row["usable_bytes"], (argv, row["precision"])
                assert row["max_context"] is None or row["max_context"] > 0, (argv, row["precision"])
            for key in ("decode_tokens_per_s", "ttft_s", "prefill_tokens_per_s"):
                value = row.get(key)
                assert value is None or 0 < value < 1e9, (argv, row["precision"], key, value)


# --- float8 training on a GPU without FP8 matmuls


@pytest.mark.usefixtures("offline")
def test_float8_training_does_not_fit_a_gpu_without_fp8(capsys: pytest.CaptureFixture[str]) -> None:
    # `fit M --fp8-training rowwise --mode full --gpu T4` said "fits": every Float8Linear GEMM is
    # torch._scaled_mm, which refuses devices below compute capability 8.9 (and AMD before MI300).
    argv = ["compare", M, "--mode", "full", "--fp8-training", "rowwise", "--gpus", "T4,A100-80GB,H100,MI300X"]
    rows = {r["gpu"]: r for r in _doc(argv, capsys)["rows"]}  # type: ignore[union-attr]
    assert not rows["T4"]["fits"] and "_scaled_mm" in rows["T4"]["reason"]
    assert not rows["A100-SXM-80GB"]["fits"] and "FP8" in rows["A100-SXM-80GB"]["reason"]
    assert rows["H100-SXM-80GB"]["fits"] and rows["MI300X"]["fits"]
    plain = _doc(["compare", M, "--mode", "full", "--gpus", "T4"], capsys)  # without float8 it still fits
    assert plain["rows"][0]["fits"]  # type: ignore[index]
