"""The sixth hostile and newcomer round (tests/hostile_round6.py; issue 15), and the small gaps beside it.

Each finding has the test of its fix here: detection notes held until the run has an answer, Ollama's
bare library names and its model store, JSON kinds said in JSON's words, standard streams closed
before llmsize starts, an --output folder probed before the work, sizes never cut at narrow widths,
`--tp 0` naming --tp; and `explain` / `plan` with --format, the auto-offload note as the engine's.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)
from test_hostile_inputs import json_doc as _doc

import hostile_round6

GB = 10**9
GIB = 2**30
M = "Qwen2.5-0.5B"


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("name", hostile_round6.NAMES, ids=lambda n: repr(n)[:40])
def test_round6_names(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("estimate", "parse"):
        assert_answered([command, "--", name], capsys)


@pytest.mark.parametrize(
    "argv", random.Random(6).sample(list(hostile_round6.combinations()), 30), ids=lambda a: " ".join(a[2:])
)
def test_engine_mode_quant_gpu_combinations(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert_answered(argv, capsys)  # all 600: bench/fuzz.py


# --- this machine's detection notes: said once, and never before a bad-input error line


@pytest.fixture
def no_gpu_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Detection answers as a machine without a GPU would (the real machine is never probed)."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
    from test_detect import LINUX_RAM, fake_probe

    from llmsize.hardware import detect as detect_module

    real = detect_module.detect
    monkeypatch.setattr(detect_module, "detect", lambda probe=None: real(fake_probe({}, LINUX_RAM)))
    monkeypatch.setenv("LLMSIZE_GPU_DIR", "/nonexistent-llmsize-gpus")


@pytest.mark.usefixtures("no_gpu_machine")
@pytest.mark.parametrize(
    "argv",
    [
        ["fit", "Qwen3-8BB"],  # a typo, on this machine (fit's default)
        ["estimate", M, "--gpu", "local", "--engine", "ollama", "--mode", "lora"],
        ["fit", M, "--mode", "lora", "--engine", "vllm"],
        ["compare", "Qwen3-8BB", "--gpus", "local,H100"],
    ],
    ids=["fit typo", "estimate ollama lora", "fit vllm lora", "compare typo"],
)
def test_bad_input_on_this_machine_is_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # `llmsize fit Qwen3-8BB` printed "this machine: no GPU detected ...", three "note:" lines, then the
    # error: exit 2 with five lines.
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "this machine" not in err, err


@pytest.mark.usefixtures("no_gpu_machine")
def test_this_machine_is_said_once(capsys: pytest.CaptureFixture[str]) -> None:
    # `estimate M --gpu local` detected the machine twice (the engine's context default, then the plan)
    # and printed the block twice.
    code, _out, err = run_cli(["estimate", M, "--gpu", "local,local"], capsys)
    assert code == 0 and err.count("this machine:") == 1, err
    code, _out, err = run_cli(["fit", "Llama-3.1-405B", "--check"], capsys)  # nothing fits: an answer
    assert (
        code == 3 and err.count("this machine:") == 1 and err.rstrip().splitlines()[-1].startswith("Error:")
    )


# --- Ollama: bare library names, mistral, and the model store


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("library", ["qwen3", "gemma3", "llama3.2", "mistral"])
def test_a_bare_library_name_is_its_latest_tag(library: str, capsys: pytest.CaptureFixture[str]) -> None:
    # `ollama run qwen3` runs qwen3:latest (https://ollama.com/library/qwen3). `estimate qwen3` sized
    # Ollama's GGUF with llama.cpp's engine; `estimate gemma3` left out the vision projector Ollama
    # loads (2.48 GB of weights, where gemma3:latest is 3.32 GB: ollama.com lists gemma3:4b as 3.3GB).
    bare, latest = _doc(["estimate", library], capsys), _doc(["estimate", f"{library}:latest"], capsys)
    assert bare["workload"]["engine"] == "ollama"  # type: ignore[index]
    assert bare["memory"] == latest["memory"]


@pytest.mark.usefixtures("offline")
def test_deepseek_r1_is_still_the_hub_model(capsys: pytest.CaptureFixture[str]) -> None:
    # A bare name the catalog reads as a Hub checkpoint (DeepSeek-R1's fp8) keeps that reading.
    doc = _doc(["estimate", "deepseek-r1"], capsys)
    assert doc["workload"]["engine"] == "transformers" and doc["model"]["params"] > 600e9  # type: ignore[index]


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("tag", ["mistral", "mistral:7b", "mistral:latest"])
def test_mistral_is_the_size_ollama_lists(tag: str, capsys: pytest.CaptureFixture[str]) -> None:
    # One of the most pulled Ollama models was "not in the bundled catalog". https://ollama.com/library/mistral:
    # latest is v0.3, rebuilt at Q4_K_M: a public /api/tags answer lists mistral:7b (digest 6577803aa9a0, the
    # id `ollama list` shows for mistral:latest) as Q4_K_M, 4,372,824,384 bytes (tests/golden/
    # test_ollama_tag_quants.py cites it; the 2024 build was Q4_0, 4.1 GB).
    doc = _doc(["estimate", tag], capsys)
    assert doc["model"]["weight_format"] == "gguf Q4_K_M"  # type: ignore[index]
    # the file: the weights on the GPU and the token embeddings Ollama keeps in host RAM
    assert abs(doc["all_weights_bytes"] / 4_372_824_384 - 1) <= 0.03  # type: ignore[operator]


def test_odd_sources_are_answered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for label, path in hostile_round6.odd_sources(tmp_path):
        code, err = assert_answered(["estimate", str(path)], capsys)
        if label in ("an Ollama manifest", "an Ollama blob"):
            assert code == 0, (label, err)


@pytest.mark.parametrize(
    ("text", "said"), [("null", "not null"), ("[]", "not an array"), ('"x"', "not a string")]
)
def test_a_config_of_another_json_kind_says_it_in_json_words(
    text: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "must hold a JSON object, not NoneType": a Python type name the user never wrote.
    (tmp_path / "config.json").write_text(text)
    code, err = assert_answered(["estimate", str(tmp_path)], capsys)
    assert code == 2 and said in err and "NoneType" not in err, err


def test_an_ollama_manifest_is_sized_from_its_blob(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ~/.ollama/models/manifests/registry.ollama.ai/library/<model>/<tag> was "neither a config.json nor a
    # GGUF file". It names its GGUF blob (ollama/ollama manifest/paths.go BlobsPath): sized as that file,
    # under the tag's name, served by Ollama.
    manifest = hostile_round6.ollama_store(tmp_path)
    blob = next((tmp_path / "blobs").iterdir())
    doc = _doc(["estimate", str(manifest)], capsys)
    assert doc["model"]["name"] == "tiny:latest" and doc["workload"]["engine"] == "ollama"  # type: ignore[index]
    by_file = _doc(["estimate", str(blob), "--engine", "ollama"], capsys)
    assert doc["memory"] == by_file["memory"]
    code, err = assert_answered(["estimate", str(manifest.parent)], capsys)  # the folder of tags
    assert code == 2 and "pass one tag's manifest" in err, err


def test_a_user_namespace_tag_keeps_its_namespace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = hostile_round6.ollama_store(tmp_path, namespace="someone", model="m", tag="q4")
    assert _doc(["estimate", str(manifest)], capsys)["model"]["name"] == "someone/m:q4"  # type: ignore[index]


# --- standard streams closed before llmsize starts; --output into a folder it may not write


def _run_closed(argv: list[str], closed: int) -> subprocess.CompletedProcess[bytes]:
    """llmsize started with standard stream `closed` (0, 1 or 2) closed, as `<&-`, `>&-` or `2>&-` do:
    Python then starts with sys.stdin/stdout/stderr None."""
    script = f"import sys; sys.argv[0] = 'llmsize'; from llmsize.cli import main; main({argv!r})"
    return subprocess.run(
        [sys.executable, "-c", script],
        stdout=None if closed == 1 else subprocess.DEVNULL,
        stderr=None if closed == 2 else subprocess.PIPE,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        timeout=60,
        check=False,
        preexec_fn=lambda: os.close(closed),  # in the child, after the streams are set up
    )


@pytest.mark.parametrize(
    ("argv", "closed", "expected"),
    [
        (
            ["estimate", M, "--format", "json"],
            1,
            0,
        ),  # `llmsize ... --format json >&-`: internal error, exit 1
        (["estimate", "Qwen3-8BB"], 2, 2),  # `2>&-` and bad input: exit 1
        (["--version"], 1, 0),  # a traceback
    ],
    ids=["stdout json", "stderr bad input", "version"],
)
def test_a_closed_standard_stream(argv: list[str], closed: int, expected: int) -> None:
    proc = _run_closed(argv, closed)
    assert proc.returncode == expected, proc.stderr
    assert not proc.stderr or b"Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["fit", M, "--gpu", "H100"],
        ["compare", M, "--gpus", "H100"],
        ["plan", M, "--gpu", "H100"],
        ["explain", M],
    ],
    ids=["fit", "compare", "plan", "explain"],
)
@pytest.mark.parametrize("folder", ["missing", "read-only"])
def test_an_output_folder_that_cannot_be_written_is_refused_first(
    argv: list[str], folder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `fit M -o out.yaml` in a folder it may not write printed the whole answer, then "Permission denied".
    target = tmp_path / folder
    if folder == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root writes a read-only folder")
        target.mkdir()
        target.chmod(0o555)
    code, out, err = run_cli([*argv, "-o", str(target / "out.json")], capsys)
    assert code == 2 and out == "" and "cannot write" in err, (out, err)


# --- the terminal: sizes are never cut


@pytest.mark.parametrize("columns", ["20", "24", "30", "40"])
def test_sizes_are_never_cut_at_narrow_widths(
    columns: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # At 30 columns every size in estimate's table read "…" (rich squeezed the GiB column).
    doc = _doc(["estimate", "Qwen3-8B", "--context", "10M"], capsys)
    monkeypatch.setenv("COLUMNS", columns)
    code, out, _err = run_cli(["estimate", "Qwen3-8B", "--context", "10M"], capsys)
    assert code == 0
    memory = doc["memory"]
    assert isinstance(memory, dict)
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 5 and all(len(line) <= int(columns) for line in rows), out
    for key in ("weights", "kv_cache", "activations", "total"):
        assert f" {memory[key] / GIB:.2f} │" in out, (key, out)


@pytest.mark.parametrize("option", ["--tp", "--pp"])
def test_a_zero_degree_names_its_option(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    # `--tp 0` said "invalid workload: num_gpus: Input should be greater than 0".
    for argv in ([option, "0"], [f"{option}=0"]):
        code, err = assert_answered(["estimate", M, *argv], capsys)
        assert code == 2 and option in err and "num_gpus" not in err, err


@pytest.mark.usefixtures("offline")
def test_the_mtp_warning_names_no_engine(capsys: pytest.CaptureFixture[str]) -> None:
    # Under --engine vllm (or any engine) it said "transformers does not load them".
    doc = _doc(["estimate", "DeepSeek-R1", "--engine", "vllm"], capsys)
    said = [w for w in doc["warnings"] if "multi-token-prediction" in w]  # type: ignore[union-attr]
    assert said and "transformers" not in said[0]


# --- explain and plan take --format (DESIGN.md: the estimate document; keys only added)


def test_explain_json_is_the_estimate_document(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [M, "--mode", "lora", "--context", "8k"]
    explained, estimated = _doc(["explain", *argv], capsys), _doc(["estimate", *argv], capsys)
    assert explained["memory"] == estimated["memory"] and explained["workload"] == estimated["workload"]
    components = explained["components"]
    assert isinstance(components, dict) and components["weights"]["formula"]
    code, out, _ = run_cli(["explain", *argv, "--format", "yaml"], capsys)
    assert code == 0 and yaml.safe_load(out)["memory"] == estimated["memory"]


def test_explain_writes_its_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["explain", M, "-o", str(tmp_path / "e.json")], capsys)
    assert code == 0 and out.startswith(f"Wrote {tmp_path / 'e.json'}") and "rule:" not in out
    code, out, err = run_cli(["explain", M, "-o", str(tmp_path / "h.json"), "--format", "human"], capsys)
    assert code == 0 and "rule:" in out and "Wrote" in err  # --format asks for the formulas too
    saved = json.loads((tmp_path / "e.json").read_text())
    assert saved["memory"] == _doc(["estimate", M], capsys)["memory"]


@pytest.mark.usefixtures("offline")
def test_plan_json_is_the_chosen_layout_and_its_command(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "Qwen2.5-72B-Instruct", "--gpu", "H100", "--engine", "vllm", "--num-gpus", "4"]
    code, out, _ = run_cli(argv, capsys)
    assert code == 0
    doc = _doc(argv, capsys)
    row = doc["gpus"][0]  # type: ignore[index]
    assert doc["command"] == out.strip()
    assert f"--tensor-parallel-size {row['tp']}" in doc["command"] and row["count"] == 4  # type: ignore[operator]
    assert doc["workload"]["tp"] == row["tp"] and doc["memory"]["total"] > 0  # type: ignore[index]
    code, out, _ = run_cli([*argv, "--format", "yaml"], capsys)
    assert code == 0 and yaml.safe_load(out)["command"] == doc["command"]


def test_plan_that_does_not_fit_is_still_exit_3_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = assert_answered(["plan", "Llama-3.1-405B", "--gpu", "L4", "--num-gpus", "1",
                                 "--format", "json"], capsys)  # fmt: skip
    assert code == 3 and "does not fit" in err


def test_the_auto_offload_note_is_the_engines(capsys: pytest.CaptureFixture[str]) -> None:
    # hardware/plan.py held Ollama's words (`ollama ps`, num_gpu); each engine module says its own.
    import inspect
    import re

    from llmsize.estimate.engines.llama_cpp import LlamaCpp
    from llmsize.estimate.engines.ollama import Ollama
    from llmsize.hardware import offload_notes, plan, planner

    for module in (plan, planner, offload_notes):  # plan.py's planner and its offload notes
        assert not re.search(r"ollama ps|\bnum_gpu\b", inspect.getsource(module)), module.__name__
    assert "ollama ps" in Ollama().auto_offload_note(12, 80, "")
    other = LlamaCpp().auto_offload_note(12, 80, "")
    assert "ollama" not in other.lower() and "12 of 80 layers" in other
    doc = _doc(["fit", "Llama-3.1-70B", "--gpu", "RTX-4090", "--engine", "ollama"], capsys)
    options = doc["options"]
    assert isinstance(options, list)
    said = [w for o in options for w in o["warnings"] if "still runs it" in w]
    assert said and "`ollama ps` shows a CPU/GPU split" in said[0] and "--host-bandwidth" in said[0]


# --- options that were accepted and meant something else, or answered about something else


def test_a_memory_filter_without_a_unit_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # `gpus --min-memory 24` read 24 bytes and listed every GPU, 6 GB ones too.
    code, err = assert_answered(["gpus", "--min-memory", "24"], capsys)
    assert code == 2 and "names no unit" in err and "24GB" in err, err
    code, out, _ = run_cli(["gpus", "--min-memory", "24GB", "--format", "json"], capsys)
    assert code == 0 and min(g["memory_bytes"] for g in json.loads(out)) >= 24 * GB


def test_concurrency_without_a_gpu_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # `estimate M --concurrency 8` dropped the sweep without a word (it is speed on a GPU).
    code, err = assert_answered(["estimate", M, "--concurrency", "8"], capsys)
    assert code == 2 and "--gpu" in err, err
    assert run_cli(["estimate", M, "--concurrency", "8", "--gpu", "H100"], capsys)[0] == 0


def test_ollama_run_without_a_tag_is_about_ollama_run(capsys: pytest.CaptureFixture[str]) -> None:
    # `check -- ollama run` said "`ollama serve` loads no model by itself".
    code, err = assert_answered(["check", "--gpu", "H100", "--", "ollama", "run"], capsys)
    assert code == 2 and "`ollama run` names no model" in err and "serve" not in err, err


@pytest.mark.usefixtures("no_gpu_machine")
def test_plan_takes_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    # `plan M --gpu local` was "unknown GPU 'local'" (estimate and fit take it); on a machine without
    # CUDA/ROCm the plan is llama.cpp's, as fit's is, not `vllm serve`.
    code, out, err = run_cli(["plan", "Qwen3-8B", "--gpu", "local"], capsys)
    assert code == 0 and out.startswith("llama-server ") and err.count("this machine:") == 1, (out, err)


@pytest.mark.parametrize(("typed", "dtype"), [("fp16", "fp16"), ("FP32", "fp32"), ("half", "fp16")])
def test_a_precision_given_as_quant_points_to_dtype(
    typed: str, dtype: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `--quant fp16` was "unknown --quant" beside thirty choices, while `--quant bf16` (GGUF's BF16) ran.
    code, err = assert_answered(["estimate", M, "--quant", typed], capsys)
    assert code == 2 and f"--dtype {dtype}" in err, err


def test_a_saved_plan_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The document `plan -o` writes is the estimate document plus `command`: `report show` reads it.
    saved = tmp_path / "plan.json"
    assert run_cli(["plan", M, "--gpu", "H100", "-o", str(saved)], capsys)[0] == 0
    code, out, _ = run_cli(["report", "show", str(saved), "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["memory"] == json.loads(saved.read_text())["memory"]


def test_installing_completion_into_a_home_that_is_no_folder_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # HOME=/dev/null llmsize --install-completion: "internal error: FileExistsError", exit 1.
    monkeypatch.setenv("HOME", "/dev/null")
    monkeypatch.setenv("SHELL", "/bin/bash")
    code, err = assert_answered(["--install-completion", "bash"], capsys)
    assert code == 2 and "cannot install completion" in err, err


def test_an_unknown_architecture_on_disk_is_not_said_to_come_from_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A config.json (or GGUF) of a model_type llmsize does not know was "approximated from the size in its
    # name" though its name held no size: the counts come from its own fields, as its own warning says.
    from hostile import llama_config

    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(llama_config(model_type="zzz")))
    warnings = _doc(["estimate", str(folder)], capsys)["warnings"]
    assert isinstance(warnings, list) and any("'zzz' is not one llmsize knows" in w for w in warnings)
    assert not any("size in its name" in w for w in warnings), warnings
    name_only = _doc(["estimate", "Foo-7B"], capsys)["warnings"]
    assert isinstance(name_only, list) and any("size in its name" in w for w in name_only)


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("checkpoint", "tag"),
    [
        ("Qwen3-8B", "qwen3:8b"),  # the library's April 2025 build keeps attn_v in f16 (specs/ollama.py)
        ("Qwen/Qwen3-8B", "qwen3:8b"),
        ("Mistral-7B-Instruct-v0.3", "mistral:7b"),  # the mistral library's tags are Q4_0
        ("Llama-3.1-8B-Instruct", "llama3.1:8b"),
        ("gemma-3n-E4B-it", "gemma3n:e4b"),  # the tag's GGUF is text-only: 7.5GB (ollama.com/library/gemma3n)
        ("Qwen3.5-27B", "qwen3.5:27b"),  # the tag's GGUF keeps the MTP layer
    ],
)
def test_a_checkpoint_under_ollama_is_its_library_tag(
    checkpoint: str, tag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The assumption says "Ollama serves the library's Q4_K_M GGUF of this model", but `Qwen3-8B --engine
    # ollama` sized a plain Q4_K_M (5.02 GB) where `ollama run qwen3:8b` loads 5.22 GB, and Mistral-7B at
    # Q4_K_M where mistral:7b is Q4_0 (4.1GB, https://ollama.com/library/mistral:7b-text-q4_0).
    got = _doc(["estimate", checkpoint, "--engine", "ollama"], capsys)
    assert got["memory"] == _doc(["estimate", tag], capsys)["memory"]
    assert any(f"({tag})" in a for a in got["assumptions"])  # type: ignore[union-attr]


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        # a GGUF file's download link, as the Hub's "copy download link" gives it
        (
            "https://huggingface.co/Qwen/Qwen3-8B-GGUF/resolve/main/Qwen3-8B-Q4_K_M.gguf?download=true",
            "Qwen/Qwen3-8B-GGUF:Q4_K_M",
        ),
        (
            "https://huggingface.co/Qwen/Qwen3-8B-GGUF/blob/main/Qwen3-8B-Q4_K_M.gguf",
            "Qwen/Qwen3-8B-GGUF:Q4_K_M",
        ),
        # the folder Unsloth keeps a large model's split GGUF of one type in
        (
            "https://huggingface.co/unsloth/Qwen3-30B-A3B-GGUF/tree/main/UD-Q4_K_XL",
            "unsloth/Qwen3-30B-A3B-GGUF:UD-Q4_K_XL",
        ),
        ("https://huggingface.co/Qwen/Qwen3-8B/blob/main/config.json", "Qwen/Qwen3-8B"),
        # ollama.com's pages: https://ollama.com/library/qwen3 is `ollama run qwen3`
        ("https://ollama.com/library/qwen3:8b", "qwen3:8b"),
        ("ollama.com/library/qwen3", "qwen3"),
        ("https://ollama.com/library/qwen3/tags", "qwen3"),
        ("https://ollama.com/library/qwen3:8b?utm_source=x#readme", "qwen3:8b"),
    ],
)
def test_copied_addresses_are_what_they_point_at(
    typed: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each was "does not exist (check the path ...)", or (https://ollama.com/library/qwen3:8b) sized with
    # llama.cpp's engine where the tag is Ollama's.
    got, want = _doc(["estimate", typed], capsys), _doc(["estimate", meant], capsys)
    assert got["memory"] == want["memory"] and got["workload"]["engine"] == want["workload"]["engine"]  # type: ignore[index]


@pytest.mark.usefixtures("offline")
def test_nvidias_fp4_checkpoints_are_nvfp4(capsys: pytest.CaptureFixture[str]) -> None:
    # nvidia/*-FP4 (https://huggingface.co/nvidia/DeepSeek-R1-FP4: TensorRT Model Optimizer, Blackwell) read
    # as bitsandbytes 4-bit; "bnb-fp4" stays bitsandbytes'.
    assert _doc(["parse", "nvidia/Qwen3-8B-FP4"], capsys)["quant_method"] == "nvfp4"
    assert _doc(["parse", "Qwen3-8B-bnb-fp4"], capsys)["quant_method"] == "bnb"
    fp4 = _doc(["estimate", "nvidia/Qwen3-8B-FP4"], capsys)
    assert fp4["memory"] == _doc(["estimate", "Qwen3-8B-NVFP4"], capsys)["memory"]


@pytest.mark.parametrize("engine", ["llama.cpp", "ollama"])
def test_an_engine_without_a_backend_for_the_device_does_not_fit(
    engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `--gpu TPU-v5e --engine llama.cpp` was planned as fitting, with a speed: llama.cpp has no TPU backend
    # (ggml-org/llama.cpp README "Supported backends"), and Ollama runs llama.cpp.
    row = _doc(["estimate", M, "--gpu", "TPU-v5e", "--engine", engine], capsys)["gpus"][0]  # type: ignore[index]
    assert row["fits"] is False and "no backend" in row["reason"] and row["decode_tokens_per_s"] is None
    assert _doc(["estimate", M, "--gpu", "TPU-v5e", "--engine", "vllm"], capsys)["gpus"][0]["fits"]  # type: ignore[index]
    code, out, _ = run_cli(["fit", M, "--gpu", "TPU-v5e", "--engine", engine, "--check"], capsys)
    assert code == 3 and "no backend" in out and "--num-gpus auto" not in out, out


def test_a_moe_that_does_not_fit_points_to_experts_in_cpu_ram(capsys: pytest.CaptureFixture[str]) -> None:
    # `fit gpt-oss-120b --gpu RTX-4090` offered only more GPUs; the common run keeps the experts in CPU RAM
    # (llama.cpp --n-cpu-moe), which fit then sizes as fitting. A dense model gets no such line.
    code, out, _ = run_cli(["fit", "gpt-oss-120b", "--gpu", "RTX-4090"], capsys)
    assert code == 0 and "--n-cpu-moe N" in " ".join(out.split()), out
    doc = _doc(
        ["fit", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp", "--n-cpu-moe", "36"], capsys
    )
    assert doc["best"] is not None
    code, out, _ = run_cli(["fit", "Llama-3.1-405B", "--gpu", "RTX-4090"], capsys)
    assert code == 0 and "--n-cpu-moe" not in out


def test_check_says_an_engine_cannot_run_on_the_device(capsys: pytest.CaptureFixture[str]) -> None:
    # `check --gpu TPU-v5e -- ollama run qwen3:8b` would have said "ollama would run out of memory".
    code, err = assert_answered(["check", "--gpu", "TPU-v5e", "--", "ollama", "run", "qwen3:8b"], capsys)
    assert code == 3 and "cannot run on TPU-v5e" in err and "out of memory" not in err, err


@pytest.mark.usefixtures("no_gpu_machine")
def test_check_takes_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    # `check --gpu local -- ollama run qwen3:8b` was "unknown GPU 'local'".
    code, out, err = run_cli(["check", "--gpu", "local", "--", "ollama", "run", "qwen3:8b"], capsys)
    assert code == 0 and "qwen3:8b" in out and err.count("this machine:") == 1, (out, err)


def test_a_parameter_filter_without_a_unit_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # `models --min-params 7` read 7 parameters and listed every model.
    code, err = assert_answered(["models", "--min-params", "7"], capsys)
    assert code == 2 and "names no unit" in err and "7B" in err, err
    assert run_cli(["models", "--min-params", "0"], capsys)[0] == 0


def test_a_segment_typo_names_the_segments(capsys: pytest.CaptureFixture[str]) -> None:
    # `gpus --segment bogus` said "No GPU matches these filters." with exit 0, as --vendor no longer does.
    code, err = assert_answered(["gpus", "--segment", "consumers"], capsys)
    assert code == 2 and "consumer" in err and "datacenter" in err, err


@pytest.mark.parametrize("extra", [["--min-memory", "24GB"], ["--vendor", "nvidia"], ["-o", "gpus.json"]])
def test_local_gpus_with_a_catalog_option_is_refused(
    extra: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `gpus --local --min-memory 24GB` ignored the filter; `gpus --local -o gpus.json` wrote nothing.
    monkeypatch.chdir(tmp_path)
    code, err = assert_answered(["gpus", "--local", *extra], capsys)
    assert code == 2 and extra[0] in err and not (tmp_path / "gpus.json").exists(), err


def test_a_draft_model_of_another_tokenizer_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # `Qwen3-8B --speculative draft:mistral` was sized; llama.cpp refuses such a pair
    # (common/speculative.cpp common_speculative_are_compatible, SPEC_VOCAB_MAX_SIZE_DIFFERENCE 128).
    argv = ["estimate", "Qwen3-8B", "--engine", "llama.cpp", "--speculative", "draft:mistral"]
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "tokenizer" in err, err
    # one family's padded vocabularies (151,936 and 152,064) still pair
    argv = ["estimate", "Qwen2.5-7B", "--engine", "llama.cpp", "--speculative", "draft:Qwen2.5-0.5B"]
    assert run_cli(argv, capsys)[0] == 0
