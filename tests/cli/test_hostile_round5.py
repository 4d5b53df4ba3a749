"""The fifth hostile and newcomer round (tests/hostile_round5.py; issue 15), and the leftovers of round 4.

Each input ends in a result or one line with exit 2, and each finding has the test of its fix here:
choice and usage errors in one line, a reader that leaves early ending quietly with exit 0 on every
path, one rule for how numbers are written, Ollama's and Google's QAT GGUFs, GGUF split parts and
"unquantized" names, Hub addresses, `plan` without an engine, a folder named like an Ollama tag,
numbers llmsize reads from the environment, and completion as typer filters it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)
from test_hostile_inputs import json_doc as _doc

import hostile_round5
from llmsize.units import is_decimal_number, is_whole_number

GB = 10**9


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("name", hostile_round5.NAMES, ids=lambda n: repr(n)[:40])
def test_round5_names(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("estimate", "parse"):
        assert_answered([command, "--", name], capsys)


# --- leftover 1: a choice option with a bad value is one line that names the choices


_CHOICES = list(hostile_round5.choice_options())


def test_every_command_has_its_choice_options_listed() -> None:
    commands = {" ".join(path) for path, _, _ in _CHOICES}
    assert {"estimate", "fit", "compare", "gpus", "models", "parse", "plan", "report show"} <= commands
    assert len(_CHOICES) > 50


@pytest.mark.parametrize(("path", "option", "choices"), _CHOICES, ids=lambda v: str(v)[:30])
def test_a_bad_choice_is_one_line_naming_the_choices(
    path: list[str], option: str, choices: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    # `estimate Qwen2.5-7B --backend metal` printed click's usage block, a blank line and the error.
    code, _out, err = run_cli([*path, option, "metal"], capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith("Error: ") and "'metal' is not one of" in lines[0], err
    assert all(f"'{choice}'" in lines[0] for choice in choices), err
    assert f"{' '.join(path)} --help'" in lines[0] and "Value error" not in lines[0]


def test_the_fast_path_and_the_typer_app_say_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    # `--mode foo` goes through cli/fast.py first (which hands a value it cannot convert to typer);
    # `--mode=foo` is typer's alone. One message for both.
    said = []
    for argv in (["--mode", "foo"], ["--mode=foo"], ["--engine", "foo"], ["--engine=foo"]):
        code, _out, err = run_cli(["estimate", "Qwen2.5-0.5B", *argv], capsys)
        assert code == 2
        said.append(err)
    assert said[0] == said[1] and said[2] == said[3]


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "Qwen2.5-0.5B", "--bogus"],
        ["estimate"],
        ["bogus"],
        ["estimate", "Qwen2.5-0.5B", "--batch"],
    ],
    ids=["unknown option", "missing argument", "unknown command", "missing value"],
)
def test_every_usage_error_is_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(argv, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Usage:" not in err, err


def test_llmsize_alone_still_prints_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli([], capsys)
    assert code == 2 and "Usage:" in err and "estimate" in err


# --- leftover 2: a reader that leaves early (`| head`): quiet, exit 0, on every path


def _llmsize(*argv: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from llmsize.cli import main; sys.argv[0] = 'llmsize'; main()",
        *argv,
    ]


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["models"], {}),  # typer app, rich console (report/render_models.py)
        (["estimate", "Qwen2.5-0.5B"], {}),  # fast path, plain console
        (["estimate", "Qwen2.5-0.5B"], {"FORCE_COLOR": "1"}),  # fast path, rich console
        # exact ids: a family name ("H100") adds a stderr note naming the variant (round 9)
        (["compare", "Qwen2.5-0.5B", "--gpus", "H100-SXM-80GB,L4"], {}),  # typer app, plain console
        (["estimate", "--help"], {}),  # typer's own help
    ],
    ids=["models", "estimate", "estimate-rich", "compare", "help"],
)
def test_a_closed_pipe_ends_quietly_with_0(argv: list[str], env: dict[str, str]) -> None:
    # `llmsize models | head -1` exited 1 (rich's Console.on_broken_pipe, click's EPIPE branch) where
    # `llmsize parse ... | head -1` exited 0. The read end is closed before llmsize writes anything,
    # so every write meets EPIPE, whatever the timing.
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            _llmsize(*argv), stdout=write, stderr=subprocess.PIPE, timeout=60,
            env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
        )  # fmt: skip
    finally:
        os.close(write)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""


def test_head_one_line_ends_with_0() -> None:
    # As `llmsize models | head -1` does it: read one line, then leave.
    with subprocess.Popen(_llmsize("models"), stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0 and err == b""


# --- leftover 3: one rule for how a number is written, in every option


@pytest.mark.parametrize(("argv", "value"), list(hostile_round5.number_misuses()), ids=lambda v: str(v)[:40])
def test_numbers_follow_one_rule(argv: list[str], value: str, capsys: pytest.CaptureFixture[str]) -> None:
    # `--batch 1_000` was 1000 (pydantic reads Python's separators), `--num-gpus 1_0` ten GPUs and
    # `--min-memory 2_4GiB` 24 GiB, while `--context 1_000` was refused.
    code, err = assert_answered(argv, capsys)
    assert code == 2 and value in err, err


@pytest.mark.parametrize("written", ["8", " 8 ", "+8", "0008"])
def test_plain_numbers_still_pass_both_paths(written: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--batch", written], [f"--batch={written}"]):
        doc = _doc(["estimate", "Qwen2.5-0.5B", *argv], capsys)
        assert doc["workload"]["batch"] == 8  # type: ignore[index]


@given(st.text(max_size=12))
def test_the_number_rule_reads_what_int_and_float_read_and_no_separators(text: str) -> None:
    if is_whole_number(text):
        assert int(text) == int(text.strip()) and "_" not in text and text.strip().isascii()
    if is_decimal_number(text):
        assert float(text) == float(text.strip()) and "_" not in text and text.strip().isascii()
    assert not is_whole_number(text) or is_decimal_number(text)


@pytest.mark.parametrize("value", ["\u00b2", "1_0", "9" * 5000, "-3", "abc", "0"])
def test_llmsize_jobs_is_read_by_the_rule(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # LLMSIZE_JOBS=² passed str.isdigit() and failed int(): `fit --all` ended in an internal error.
    from llmsize.hardware.fan_out import workers_for

    monkeypatch.setenv("LLMSIZE_JOBS", value)
    assert workers_for(10_000) >= 1


@pytest.mark.parametrize(("variable", "value"), hostile_round5.ENVIRONMENT, ids=lambda v: str(v)[:20])
def test_round5_environment(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(variable, value)
    for command in hostile_round5.ENV_COMMANDS[1:]:  # fit --all: bench/fuzz.py (a second each)
        code, _ = assert_answered(list(command), capsys)
        assert code == 0


# --- leftover 4: Ollama's gemma3 *-it-qat tags and Google's QAT GGUFs


@pytest.mark.parametrize(
    ("tag", "listed_gb", "rounding_gb"),
    [
        # https://ollama.com/library/gemma3/tags: 27b-it-qat 18GB, 12b-it-qat 8.9GB, 4b-it-qat 4.0GB,
        # 1b-it-qat 1.0GB (the Q4_K_M tags: 17GB, 8.1GB, 3.3GB, 815MB). Sizes are rounded to two digits.
        ("gemma3:27b-it-qat", 18, 0.5),
        ("gemma3:12b-it-qat", 8.9, 0.05),
        ("gemma3:4b-it-qat", 4.0, 0.05),
        ("gemma3:1b-it-qat", 1.0, 0.05),
    ],
)
def test_ollama_qat_tags_are_the_sizes_ollama_lists(
    tag: str, listed_gb: float, rounding_gb: float, capsys: pytest.CaptureFixture[str]
) -> None:
    # They were sized as Q4_K_M, with a warning that the name part 'qat' changed nothing.
    doc = _doc(["estimate", tag], capsys)
    assert doc["model"]["weight_format"] == "gguf Q4_0"  # type: ignore[index]
    assert abs(doc["memory"]["weights"] / GB - listed_gb) <= rounding_gb  # type: ignore[index]
    assert not [w for w in doc["warnings"] if "qat" in w]  # type: ignore[union-attr]


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("name", "file_gb"),
    [
        # Google's QAT GGUF files (Q4_0, token embeddings in F16): 17.2 GB and 8.07 GB, as listed in
        # https://huggingface.co/stduhpf/google-gemma-3-27b-it-qat-q4_0-gguf-small ("QAT Q4_0 (google)")
        # and https://huggingface.co/stduhpf/google-gemma-3-12b-it-qat-q4_0-gguf-small.
        ("google/gemma-3-27b-it-qat-q4_0-gguf", 17.2),
        ("google/gemma-3-12b-it-qat-q4_0-gguf", 8.07),
    ],
)
def test_googles_qat_gguf_is_the_size_of_the_file(
    name: str, file_gb: float, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(["estimate", name, "--engine", "llama.cpp"], capsys)
    assert doc["memory"]["weights"] / GB == pytest.approx(file_gb, rel=0.01)  # type: ignore[index]


@pytest.mark.usefixtures("offline")
def test_an_unquantized_checkpoint_is_not_sized_in_the_format_it_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # google/gemma-3-27b-it-qat-q4_0-unquantized is bf16 safetensors; its "q4_0" made it a 4-bit GGUF.
    doc = _doc(["estimate", "google/gemma-3-27b-it-qat-q4_0-unquantized"], capsys)
    model, memory = doc["model"], doc["memory"]
    assert isinstance(model, dict) and isinstance(memory, dict)
    assert model["weight_format"] == "bf16"
    assert memory["weights"] == pytest.approx(2 * model["params"], rel=0.01)


# --- names: GGUF split parts, Hub addresses, revisions


@pytest.mark.usefixtures("offline")
def test_a_split_part_name_is_the_whole_model(capsys: pytest.CaptureFixture[str]) -> None:
    # "name part '00001' not understood", "'of'", "'00003'": three warnings for a name llama.cpp writes.
    part = _doc(["estimate", "Qwen3-235B-A22B-Q4_K_M-00001-of-00003"], capsys)
    whole = _doc(["estimate", "Qwen3-235B-A22B-Q4_K_M"], capsys)
    assert part["memory"] == whole["memory"] and not part["warnings"]
    code, err = assert_answered(["estimate", "Qwen3-30B-A3B-Q4_K_M-00001-of-00003.gguf"], capsys)
    assert code == 2 and err.rstrip().endswith("size it by name: Qwen3-30B-A3B-Q4_K_M)")


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("https://huggingface.co/Qwen/Qwen3-8B", "Qwen/Qwen3-8B"),
        ("huggingface.co/Qwen/Qwen3-8B", "Qwen/Qwen3-8B"),
        ("https://huggingface.co/Qwen/Qwen3-8B/tree/main", "Qwen/Qwen3-8B@main"),
        ("hf.co/Qwen/Qwen3-8B-GGUF:Q8_0", "Qwen/Qwen3-8B-GGUF:Q8_0"),  # `ollama run hf.co/...`
    ],
)
def test_hub_addresses_are_repo_ids(typed: str, meant: str, capsys: pytest.CaptureFixture[str]) -> None:
    # A page address pasted from a browser, or Ollama's hf.co reference, was "does not exist (check the path".
    assert _doc(["estimate", typed], capsys)["memory"] == _doc(["estimate", meant], capsys)["memory"]


def test_two_revisions_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # --revision silently won over the name's @revision.
    code, err = assert_answered(["estimate", "Qwen/Qwen2.5-0.5B@main", "--revision", "v2"], capsys)
    assert code == 2 and "'main'" in err and "'v2'" in err


# --- plan, local folders, completion, odd files


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("model", "command"),
    [
        ("Qwen2.5-7B-Instruct-AWQ", "vllm serve Qwen/Qwen2.5-7B-Instruct-AWQ"),
        ("Qwen/Qwen3-8B", "vllm serve Qwen/Qwen3-8B"),
        ("Qwen3-8B-Q4_K_M", "llama-server -hf Qwen/Qwen3-8B-GGUF:Q4_K_M"),
        ("qwen3:8b", "ollama run qwen3:8b"),
    ],
)
def test_plan_without_an_engine_serves_the_weights_as_named(
    model: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `plan Qwen2.5-7B-Instruct-AWQ --gpu H100` printed
    # `llama-server -hf Qwen/Qwen2.5-7B-Instruct-AWQ-GGUF:Q4_K_M`:
    # a repo that does not exist, in a format other than the one the plan was sized for.
    code, out, err = run_cli(["plan", model, "--gpu", "H100"], capsys)
    assert code == 0 and command in out, err
    code, err = assert_answered(["plan", model, "--gpu", "H100", "--engine", "transformers"], capsys)
    assert code == 2 and "transformers is a library" in err


def test_a_folder_named_like_an_ollama_tag_is_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A folder "qwen3:8b" holding a bf16 config was sized with Ollama's engine (its name matched a tag).
    folder = tmp_path / "qwen3:8b"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(hostile_round5.llama_config()))
    monkeypatch.chdir(tmp_path)
    doc = _doc(["estimate", "qwen3:8b"], capsys)
    assert doc["model"]["provenance_kind"] == "local"  # type: ignore[index]
    assert doc["workload"]["engine"] == "transformers"  # type: ignore[index]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("llmsize estimate --gpu h1", "h100-SXM-80GB"),
        ("llmsize estimate ｑｗｅｎ３-８", "ｑｗｅｎ３-８B"),
        ("llmsize compare Qwen3-8B --gpus H100,a1", "H100,a100-SXM-80GB"),
    ],
)
def test_completion_survives_typers_filter(words: str, expected: str) -> None:
    # typer keeps only candidates that start with the word as typed: "h1" and full-width names got none.
    env = {**os.environ, "_LLMSIZE_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - 1)}  # fmt: skip
    proc = subprocess.run(_llmsize(), capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0 and expected in proc.stdout.split(), proc.stdout + proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_round5_odd_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for label, path in hostile_round5.write_odd_paths(tmp_path):
        code, err = assert_answered(["estimate", str(path)], capsys)  # within the alarm: no FIFO read
        if label.startswith("folder with"):
            assert code == 0, (label, err)


@pytest.mark.parametrize("argv", list(hostile_round5.conflicts()), ids=lambda a: " ".join(a)[:40])
def test_round5_conflicts_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = assert_answered(argv, capsys)
    assert code == 2


def _not_reached(*_: object, **__: object) -> None:
    raise AssertionError("the command did its work before refusing its --output")


@pytest.mark.parametrize(
    ("argv", "target", "said"),
    [
        (["fit", "--all", "--gpu", "RTX-4090", "-o", "all.html"], "llmsize.cli.cmd_fit._fit_all", "takes a"),
        (
            ["fit", "Qwen2.5-0.5B", "--gpu", "H100", "-o", "taken.yaml"],
            "llmsize.specs.resolve.resolve",
            "exists",
        ),
        (
            ["compare", "Qwen2.5-0.5B", "--gpus", "H100", "-o", "taken.yaml"],
            "llmsize.specs.resolve.resolve",
            "exists",
        ),
    ],
    ids=["fit --all html", "fit taken", "compare taken"],
)
def test_an_output_that_cannot_be_written_is_refused_first(
    argv: list[str],
    target: str,
    said: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `fit --all --gpu RTX-4090 -o all.html` sized 155 models (seconds) before saying it writes no .html.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.yaml").write_text("x")
    monkeypatch.setattr(target, _not_reached)
    code, err = assert_answered(argv, capsys)
    assert code == 2 and said in err, err


def test_a_plus_sign_is_read_alike_by_every_number_option(capsys: pytest.CaptureFixture[str]) -> None:
    # `--batch +2` (pydantic) and `--num-gpus +2` (int()) took a '+', `--context +4096` refused it.
    argv = [
        "estimate",
        "Qwen2.5-0.5B",
        "--batch",
        "+2",
        "--context",
        "+4k",
        "--gpu",
        "H100",
        "--num-gpus",
        "+2",
    ]
    doc = _doc(argv, capsys)
    assert doc["workload"]["batch"] == 2 and doc["workload"]["context"] == 4096  # type: ignore[index]
    assert doc["gpus"][0]["count"] == 2  # type: ignore[index]


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Qwen2_5-7B", "Qwen2.5-7B"), ("Meta-Llama-3_1-8B-Instruct-Q4_0", "Meta-Llama-3.1-8B-Instruct-Q4_0")],
)
def test_an_underscore_version_is_the_version(
    typed: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # NVIDIA's spelling ("Llama-3_3-Nemotron-Super-49B-v1_5"): "Qwen2_5-7B" was a Qwen2 approximated
    # from "7B" (6.9B parameters, not 7.6B), with "name part '5' not understood".
    got, want = _doc(["estimate", typed], capsys), _doc(["estimate", meant], capsys)
    assert got["memory"] == want["memory"] and not got["warnings"]


def test_a_family_without_its_generation_lists_every_generation(capsys: pytest.CaptureFixture[str]) -> None:
    # `models --family qwen` (or QWEN) was "no bundled family" beside families qwen2.5, qwen3, qwen3.5.
    def listed(family: str) -> list[object]:
        code, out, err = run_cli(["models", "--family", family, "--format", "json"], capsys)
        assert code == 0, err
        rows: list[object] = json.loads(out)
        return rows

    every = listed("QWEN")
    # every generation the catalog holds (qwen1.5 ... qwen3.5; the list grows as families are added)
    code, out, err = run_cli(["models", "--format", "json"], capsys)
    assert code == 0, err
    generations = {row["family"] for row in json.loads(out) if re.fullmatch(r"qwen[0-9.]+", row["family"])}
    assert {"qwen2.5", "qwen3", "qwen3.5"} <= generations
    assert len(every) == sum(len(listed(f)) for f in generations) > 0
    code, err = assert_answered(["models", "--family", "gl"], capsys)  # a prefix of a word is no family
    assert code == 2 and "no bundled family" in err


def test_a_folder_named_tilde_is_that_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # pathlib drops a leading "./": Path("./~").expanduser() read the home folder.
    (tmp_path / "~").mkdir()
    (tmp_path / "~" / "config.json").write_text(json.dumps(hostile_round5.llama_config()))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    doc = _doc(["estimate", "./~"], capsys)
    assert doc["model"]["provenance_kind"] == "local"  # type: ignore[index]


def test_a_folder_of_ggufs_names_the_model_file_not_its_projector(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "it holds mmproj-F16.gguf: pass that file" pointed at the vision projector (it sorts first).
    for name in ("mmproj-F16.gguf", "qwen3-vl-8b-q4_k_m.gguf"):
        (tmp_path / name).write_bytes(b"")
    code, err = assert_answered(["estimate", str(tmp_path)], capsys)
    assert code == 2 and "it holds qwen3-vl-8b-q4_k_m.gguf" in err, err


def test_an_mmproj_file_is_said_to_be_a_projector(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "the GGUF metadata lacks num_hidden_layers, hidden_size, ..." for llama.cpp's mmproj-*.gguf.
    import gguf
    import numpy as np

    path = tmp_path / "mmproj-F16.gguf"
    writer = gguf.GGUFWriter(str(path), gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.MMPROJ])
    writer.add_tensor("v.patch_embd.weight", np.zeros((64, 48), dtype=np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    code, err = assert_answered(["estimate", str(path)], capsys)
    assert code == 2 and "multimodal projector" in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "Qwen2.5-0.5B", "--tp", "2", "--num-gpus", "1", "--gpu", "H100"],
        ["estimate", "Qwen2.5-0.5B", "--tp", "2", "--num-gpus=1"],  # the typer app's own parse
        ["fit", "Qwen2.5-0.5B", "--tp", "2", "--num-gpus", "1", "--gpu", "H100"],
        ["compare", "Qwen2.5-0.5B", "--tp", "2", "--num-gpus", "1", "--gpus", "H100"],
    ],
    ids=["estimate", "estimate-typer", "fit", "compare"],
)
def test_one_gpu_for_a_two_gpu_layout_is_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # `--tp 2 --num-gpus 1` was planned as two GPUs without a word: a count of 1 read as the default.
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "needs 2 GPUs, but --num-gpus says 1" in err, err
    if argv[0] != "fit":  # without the count: the layout's two GPUs (fit asks for --num-gpus itself)
        code, _ = assert_answered([a for a in argv if a not in ("--num-gpus", "1", "--num-gpus=1")], capsys)
        assert code == 0


def test_parse_reads_a_page_address_as_its_repo(capsys: pytest.CaptureFixture[str]) -> None:
    # `parse https://huggingface.co/Qwen/Qwen3-8B/tree/main` gave org 'tree', series 'main'.
    doc = _doc(["parse", "https://huggingface.co/Qwen/Qwen3-8B/tree/main"], capsys)
    assert (doc["org"], doc["series"], doc["size_label"], doc["revision"]) == ("Qwen", "qwen", "8B", "main")


# --- left by round 5: with --quant the header said only the checkpoint's format ("weights bf16")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["Qwen2.5-7B-Instruct", "--quant", "awq"], "checkpoint bf16, sized as awq 4-bit"),
        (["Qwen2.5-7B-Instruct", "--dtype", "fp32"], "checkpoint bf16, sized as fp32"),
        (["Qwen2.5-7B-Instruct"], "weights bf16"),
        (["Qwen2.5-7B-Instruct-AWQ"], "weights awq 4-bit"),
    ],
)
def test_the_header_names_the_format_that_was_sized(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = run_cli(["estimate", *argv], capsys)
    assert code == 0, err
    header = out.splitlines()[0]
    assert f" · {said} · " in header
    if "sized as" in said:  # the number below the header is the sized format's, not the checkpoint's
        doc = _doc(["estimate", *argv], capsys)
        plain = _doc(["estimate", argv[0]], capsys)
        assert doc["memory"]["weights"] != plain["memory"]["weights"]  # type: ignore[index]
