"""The fourth hostile and newcomer round (tests/hostile_round4.py; issue 15).

Each input ends in a result or one line with exit 2, and each finding of the round has the test
of its fix here: names with a dtype word, names typed with full-width characters, the engine's own
context in every command, `plan` commands that name real models, Ctrl-C, the terminal's size and
encoding, a relative XDG_CACHE_HOME, other commands' documents given to `report show`.
"""

from __future__ import annotations

import io
import json
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)
from test_hostile_inputs import json_doc as _doc

import hostile_round4
from hub_server import TINY_LLAMA_CONFIG, HubServer, serve_hub
from llmsize.cli import main
from llmsize.specs.models import ProvenanceKind


@pytest.mark.parametrize("name", hostile_round4.NAMES, ids=lambda n: repr(n)[:40])
def test_round4_names(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("estimate", "parse"):
        assert_answered([command, "--", name], capsys)


@pytest.fixture(scope="module")
def round4_files(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path]]:
    return list(hostile_round4.write_model_dirs(tmp_path_factory.mktemp("round4")))


def test_round4_files(round4_files: list[tuple[str, Path]], capsys: pytest.CaptureFixture[str]) -> None:
    for _label, path in round4_files:
        assert_answered(["estimate", str(path)], capsys)
    for _label, path in round4_files[::7]:  # a sample through two more engines
        assert_answered(["estimate", str(path), "--engine", "vllm"], capsys)
        assert_answered(["estimate", str(path), "--mode", "qlora"], capsys)


# --- a float dtype in the name: the checkpoint stored in that dtype, whatever the base repo ships


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("name", "label", "bytes_per_param"),
    [
        # https://huggingface.co/unsloth/DeepSeek-V3-bf16: DeepSeek-V3's 671B parameters converted from
        # the FP8 release to BF16 (2 bytes each); the name was sized as the 1-byte FP8 original.
        ("unsloth/DeepSeek-V3-0324-BF16", "bf16", 2),
        # unsloth/gpt-oss-20b-BF16: gpt-oss-20b with its MXFP4 experts upcast to BF16.
        ("gpt-oss-20b-BF16", "bf16", 2),
        ("Kimi-K2-Instruct-BF16", "bf16", 2),
        ("Qwen3-8B-fp32", "fp32", 4),
        ("Foo-7B-fp32", "fp32", 4),  # the approximation path reads the same word
    ],
)
def test_a_dtype_word_sizes_the_checkpoint_in_that_dtype(
    name: str, label: str, bytes_per_param: int, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(["estimate", name], capsys)
    model, memory = doc["model"], doc["memory"]
    assert isinstance(model, dict) and isinstance(memory, dict)
    assert model["weight_format"] == label
    assert memory["weights"] == pytest.approx(bytes_per_param * model["params"], rel=0.01)


@pytest.mark.usefixtures("offline")
def test_the_no_dtype_warning_says_what_it_covers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # gpt-oss's config.json states no dtype; its experts are MXFP4, not the "bf16 weights" once said. The
    # config alone keeps the (qualified) guess; the catalog entry knows the BF16 its safetensors store
    # (openai/gpt-oss README "All other tensors will be in BF16"), so it guesses nothing.
    from llmsize.specs import catalog

    (tmp_path / "config.json").write_text(json.dumps(catalog.get("gpt-oss-20b").model.config))  # type: ignore[union-attr]
    warnings = _doc(["estimate", str(tmp_path)], capsys)["warnings"]
    assert isinstance(warnings, list)
    said = [w for w in warnings if "states no dtype" in w]
    assert said and all("mxfp4 4-bit leaves unquantized" in w for w in said)
    assert not [w for w in _doc(["estimate", "gpt-oss-20b"], capsys)["warnings"] if "no dtype" in w]  # type: ignore[union-attr]
    assert not [w for w in _doc(["estimate", "gpt-oss-20b-BF16"], capsys)["warnings"] if "no dtype" in w]  # type: ignore[union-attr]


@pytest.mark.usefixtures("offline")
def test_names_without_a_dtype_word_keep_the_checkpoint_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert _doc(["estimate", "DeepSeek-V3"], capsys)["model"]["weight_format"] == "fp8 8-bit"  # type: ignore[index]
    assert _doc(["estimate", "qwen3:8b-fp16"], capsys)["model"]["weight_format"] == "gguf F16"  # type: ignore[index]


# --- names typed with full-width letters or typographic dashes


@pytest.mark.parametrize(("typed", "meant"), hostile_round4.FOLDED_NAMES, ids=lambda n: repr(n)[:30])
def test_folded_names_size_the_model_meant(
    typed: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    got, want = _doc(["estimate", typed], capsys), _doc(["estimate", meant], capsys)
    assert got["model"]["name"] == meant  # type: ignore[index]
    assert got["memory"] == want["memory"]
    assert any("folded to ASCII" in w for w in got["warnings"])  # type: ignore[union-attr]


def test_a_folder_name_is_never_folded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ｍｙ－model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(hostile_round4.llama_config()))
    monkeypatch.chdir(tmp_path)
    doc = _doc(["estimate", "ｍｙ－model"], capsys)
    assert doc["model"]["provenance_kind"] == "local"  # type: ignore[index]
    code, err = assert_answered(["estimate", "．．/etc/passwd"], capsys)  # folds to a path: not read
    assert code == 2 and "does not exist" in err


# --- one context per engine and GPU, in every command


@pytest.mark.parametrize(("model", "gpu"), [("qwen3:30b-a3b", "RTX-4090"), ("gpt-oss:20b", "H100")])
def test_estimate_fit_and_compare_agree_on_one_gpu(
    model: str, gpu: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ollama picks NumCtx by VRAM (ollama server/routes.go): estimate --gpu used it, fit and compare
    # kept 4,096, so the three gave different GiB and tokens/s for the same model and GPU.
    for context in ([], ["--context", "4096"]):
        est = _doc(["estimate", model, "--gpu", gpu, *context], capsys)
        fit = _doc(["fit", model, "--gpu", gpu, *context], capsys)
        cmp = _doc(["compare", model, "--gpus", gpu, *context], capsys)
        row = est["gpus"][0]  # type: ignore[index]
        best = next(o for o in fit["options"] if o["fits"])  # type: ignore[attr-defined]
        contexts = {est["workload"]["context"], fit["workload"]["context"], cmp["workload"]["context"]}  # type: ignore[index]
        assert len(contexts) == 1 and (contexts == {4096} if context else contexts != {4096})
        assert row["per_gpu_bytes"] == best["per_gpu_bytes"] == cmp["rows"][0]["per_gpu_bytes"]  # type: ignore[index]
        assert row["ttft_s"] == best["ttft_s"] == cmp["rows"][0]["ttft_s"]  # type: ignore[index]
        # the window Ollama allocates is not the prompt sent: the prompt stays the default 4,096
        assert est["workload"]["prompt_tokens"] in (None, 4096)  # type: ignore[index]


# --- plan: commands that name what exists


_PLANNED = [
    "Qwen3-8B",
    "Llama-3.1-8B-Instruct",
    "DeepSeek-R1-Distill-Qwen-7B",
    "deepseek-r1:7b",
    "qwen3:30b-a3b",
    "Qwen3-8B-Q4_K_M",
    "Mixtral-8x7B-Instruct-v0.1",
    "gpt-oss-20b",
    "Qwen/Qwen3-8B-GGUF",
]


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("model", _PLANNED)
def test_plan_names_real_tags_and_repos(model: str, capsys: pytest.CaptureFixture[str]) -> None:
    from llmsize.specs.catalog import find

    found = find(model)
    assert found is not None
    tags = {a for a in found[0].model.aliases if ":" in a} | ({model} if ":" in model else set())
    for engine in ("ollama", "vllm", "llama.cpp"):
        code, out, err = run_cli(["plan", model, "--gpu", "H100", "--engine", engine], capsys)
        assert code == 0, err
        words = shlex.split(out.strip())
        if engine == "ollama":  # a tag ollama.com lists (the catalog's, cited there), not one built
            assert words[-1] in tags, out
        elif engine == "vllm":
            assert ":" not in words[2] and "Q4_K_M" not in words[2], out
        else:
            assert not words[2].lower().endswith("-gguf-gguf:q4_k_m"), out
        # `check` reads the emitted command back (preflight/emit.py: its flags are serving_flags')
        code, _, err = run_cli(["check", "--gpu", "H100", "--", *words], capsys)
        assert code in (0, 3), err


# --- signals, the terminal, the cache folder


def _interrupt(*_: object, **__: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("argv", "target"),
    [
        (["estimate", "Qwen2.5-0.5B"], "llmsize.specs.resolve.resolve"),  # the fast path
        (["compare", "Qwen2.5-0.5B", "--gpus", "H100"], "llmsize.specs.resolve.resolve"),  # the typer app
        (["models"], "llmsize.cli._command_of"),  # start-up, before any command runs
    ],
)
def test_ctrl_c_exits_130_without_a_traceback(
    argv: list[str], target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ctrl-C ended `estimate` and every typer command with exit 0 (a finished run, to a script),
    # and during start-up with a KeyboardInterrupt traceback.
    monkeypatch.setattr(target, _interrupt)
    code, _out, err = run_cli(argv, capsys)
    assert code == 130
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize(("variable", "value"), hostile_round4.ENVIRONMENT)
@pytest.mark.parametrize("forced", [False, True], ids=["plain", "rich"])
def test_round4_environment(
    variable: str,
    value: str,
    forced: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    if forced:
        monkeypatch.setenv(*hostile_round4.FORCED)
    for command in hostile_round4.ENV_COMMANDS:
        code, _ = assert_answered(list(command), capsys)
        assert code == 0


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
@pytest.mark.parametrize("fmt", ["human", "json"])
def test_a_stdout_that_is_not_unicode(encoding: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # PYTHONIOENCODING=ascii or a cp1252 console: UnicodeEncodeError at the first '·' (internal error).
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    monkeypatch.setattr(sys, "stdout", stream)
    with pytest.raises(SystemExit) as done:
        main(["estimate", "Qwen2.5-0.5B", "--format", fmt])
    stream.flush()
    assert done.value.code == 0
    text = raw.getvalue().decode(encoding)
    if fmt == "json":
        assert json.loads(text)["model"]["name"] == "Qwen2.5-0.5B"
    else:
        assert "Qwen2.5-0.5B" in text and "GiB" in text


def test_a_relative_xdg_cache_home_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # XDG Base Directory spec: a relative path in XDG_CACHE_HOME is invalid and ignored. It put the
    # cache where the command ran (a `~nouser/llmsize/` folder was committed to this repository).
    from llmsize.resources import user_cache_dir

    monkeypatch.delenv("LLMSIZE_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "~nouser")
    monkeypatch.chdir(tmp_path)
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "llmsize"
    assert_answered(["estimate", "Qwen2.5-0.5B"], capsys)
    assert not (tmp_path / "~nouser").exists()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "abs"))
    assert user_cache_dir() == tmp_path / "abs" / "llmsize"
    from llmsize.hardware.gpus import user_gpu_dir  # the same rule for XDG_CONFIG_HOME (GPU files)

    monkeypatch.delenv("LLMSIZE_GPU_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative-config")
    assert user_gpu_dir() == tmp_path / "home" / ".config" / "llmsize" / "gpus"


# --- report show / diff


def test_round4_report_misuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    said = []
    for argv in hostile_round4.report_misuses(tmp_path):
        code, err = assert_answered(argv, capsys)
        said.append((argv, code, err))
    others = [err for argv, code, err in said[1:4]]
    assert all("--output` writes, not an estimate or measure report" in err for err in others)
    assert "llmsize fit --all --output" in others[2]
    edits = [(code, err) for argv, code, err in said[4:] if argv[1] == "show"]
    assert [code for code, _ in edits] == [2, 2, 2]
    assert "assumptions lists 5,000 entries" in edits[0][1] and "model.params" in edits[1][1]


def test_gguf_metadata_errors_name_the_gguf(
    round4_files: list[tuple[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    # The config rules the GGUF metadata goes through said "config.json field 'hidden_size'" of a .gguf.
    path = next(p for label, p in round4_files if label == "gguf embedding NaN")
    code, err = assert_answered(["estimate", str(path)], capsys)
    assert code == 2 and f"{path.name}'s GGUF metadata" in err


@pytest.mark.parametrize(
    "option",
    [
        ["--optimizer", "adamw-8bit"],
        ["--gradient-checkpointing"],
        ["--liger"],
        ["--framework", "unsloth"],
        ["--grad-accum", "4"],
        ["--lora-targets", "all-linear"],
    ],
    ids=lambda o: o[0],
)
def test_a_training_option_with_inference_is_refused(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # `estimate Llama-3.1-8B --optimizer adamw-8bit` sized inference and said nothing of the optimizer.
    code, err = assert_answered(["estimate", "Qwen2.5-0.5B", *option], capsys)
    assert code == 2 and f"{option[0]} is a training setting" in err
    code, _ = assert_answered(["estimate", "Qwen2.5-0.5B", *option, "--mode", "lora"], capsys)
    assert code == 0


# --- what huggingface_hub reads from the environment (a local Hub, tests/hub_server.py)


@pytest.fixture
def local_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    with serve_hub(monkeypatch) as server:
        server.add_repo("Qwen/Qwen2.5-0.5B", {"config.json": TINY_LLAMA_CONFIG})
        yield server


@pytest.mark.parametrize(
    ("variable", "value"), [("HF_HUB_ETAG_TIMEOUT", "abc"), ("HF_HUB_DOWNLOAD_TIMEOUT", "1.5")]
)
def test_a_hub_setting_huggingface_hub_cannot_start_with_falls_back(
    variable: str, value: str, local_hub: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # huggingface_hub/constants.py reads these with int() on import: a ValueError, an internal error.
    from llmsize.specs.resolve import resolve

    monkeypatch.setenv(variable, value)
    spec = resolve("Qwen/Qwen2.5-0.5B")
    assert spec.provenance.kind is ProvenanceKind.CATALOG
    assert any(variable in w for w in spec.warnings), spec.warnings


def test_a_saved_token_path_that_is_a_device_is_not_read(
    local_hub: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # HF_TOKEN_PATH=/dev/zero: get_token() read it whole, filling memory until the Hub deadline.
    from huggingface_hub import constants

    from llmsize.specs.resolve import resolve

    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", "/dev/zero")  # what HF_TOKEN_PATH sets on import
    spec = resolve("Qwen/Qwen2.5-0.5B")
    assert spec.provenance.kind is ProvenanceKind.CATALOG
    assert any("not a token file" in w for w in spec.warnings), spec.warnings


@pytest.mark.parametrize("instruction", ["bash_complete", "junk", "complete_tcsh", "", "complete_"])
def test_a_junk_completion_instruction_is_one_line(
    instruction: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # typer printed "Shell complete not supported." and exited 1 (click's order, bash_complete, included).
    monkeypatch.setenv("_LLMSIZE_COMPLETE", instruction)
    monkeypatch.setenv("COMP_WORDS", "llmsize estimate Qw")
    monkeypatch.setenv("COMP_CWORD", "2")
    code, err = assert_answered(["estimate"], capsys)
    assert code == 2 and "_LLMSIZE_COMPLETE" in err, err


def test_completion_folds_what_is_typed() -> None:
    from llmsize.cli.completion import complete_model
    from llmsize.names import fold_name

    # spelled on from what was typed (typer keeps only candidates that start with it), read as Qwen3-8B
    assert "Qwen3-8B" in {fold_name(c) for c in complete_model("Ｑｗｅｎ３-８")}


def test_nothing_fits_says_what_to_try_and_it_works(capsys: pytest.CaptureFixture[str]) -> None:
    # "Nothing fits RTX-4090." ended the answer; the hint it now gives must itself lead to a fit.
    code, out, _ = run_cli(["fit", "Llama-3.1-70B", "--gpu", "RTX-4090"], capsys)
    assert code == 0 and "--num-gpus auto" in out
    code, out, err = run_cli(
        ["fit", "Llama-3.1-70B", "--gpu", "RTX-4090", "--num-gpus", "auto", "--check"], capsys
    )
    assert code == 0 and "Best that fits" in out, err
    code, out, _ = run_cli(["fit", "Llama-3.1-405B", "--gpu", "M4-Max-128GB"], capsys)  # one unified memory
    assert "Nothing fits" in out and "--num-gpus" not in out


def test_a_gpu_typed_full_width_is_that_gpu(capsys: pytest.CaptureFixture[str]) -> None:
    # 'Ｈ１００' normalised to an empty key ('unknown GPU'); 'ＲＴＸ-4090' happened to match through '4090'.
    doc = _doc(["estimate", "Qwen2.5-0.5B", "--gpu", "Ｈ１００"], capsys)
    assert (
        doc["gpus"][0]["gpu"] == _doc(["estimate", "Qwen2.5-0.5B", "--gpu", "H100"], capsys)["gpus"][0]["gpu"]
    )  # type: ignore[index]


def test_a_missing_gguf_file_name_offers_the_name(capsys: pytest.CaptureFixture[str]) -> None:
    # The file name a model page lists is a model name too; the hint it gives must itself work.
    code, err = assert_answered(["estimate", "Llama-3.1-8B-Instruct-Q4_K_M.gguf"], capsys)
    assert code == 2 and err.rstrip().endswith("size it by name: Llama-3.1-8B-Instruct-Q4_K_M)")
    doc = _doc(["estimate", "Llama-3.1-8B-Instruct-Q4_K_M"], capsys)
    assert doc["model"]["weight_format"] == "gguf Q4_K_M"  # type: ignore[index]


def _interrupt_inside_set_name(*_: object, **__: object) -> None:
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as err:  # what Python 3.11 does to it inside a descriptor's __set_name__
        raise RuntimeError("Error calling __set_name__ on 'cached_property' instance") from err


@pytest.mark.parametrize(
    ("argv", "target"),
    [
        (["estimate", "Qwen2.5-0.5B"], "llmsize.specs.resolve.resolve"),
        (["compare", "Qwen2.5-0.5B", "--gpus", "H100"], "llmsize.specs.resolve.resolve"),
        (["models"], "llmsize.cli._command_of"),
    ],
)
def test_ctrl_c_inside_an_import_is_still_130(
    argv: list[str], target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # bench/fuzz.py: Ctrl-C 0.05 s into `compare` landed in stdlib ipaddress's class body and came out
    # as "RuntimeError: Error calling __set_name__ ..." with a traceback and exit 1.
    monkeypatch.setattr(target, _interrupt_inside_set_name)
    code, _out, err = run_cli(argv, capsys)
    assert code == 130 and "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize(
    ("batch", "said"), [("0", "batch"), ("1099511627776", "torch cannot size")], ids=["zero", "2^40"]
)
def test_measure_answers_bad_input_before_importing_torch(
    batch: str, said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # bench/fuzz.py: `measure ... --batch 1099511627776` took 3.6 s (importing torch) to say it was too big.
    import llmsize.measure.harness as harness

    def no_torch() -> None:
        raise AssertionError("torch was loaded before the input was checked")

    monkeypatch.setattr(harness, "require_torch", no_torch)
    code, err = assert_answered(["measure", "Qwen2.5-0.5B", "--layers", "1", "--batch", batch], capsys)
    assert code == 2 and said in err


def _doc_unbounded(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    import json

    from llmsize.cli import main

    with pytest.raises(SystemExit) as ex:
        main([*argv, "--format", "json"])
    assert ex.value.code == 0
    doc: dict[str, object] = json.loads(capsys.readouterr().out)
    return doc


def test_fit_all_sizes_each_model_as_fit_does(capsys: pytest.CaptureFixture[str]) -> None:
    # With an engine that picks its context on the GPU (Ollama), `fit --all` kept 4,096 for every row
    # while `fit MODEL` used the engine's own context: two answers for one model and GPU.
    # Not under the hang alarm: every model that does not fit has its partial split estimated (Ollama
    # measures the split it tries, llama_cpp_placement.largest_fitting), a run of tens of seconds here.
    every = _doc_unbounded(["fit", "--all", "--gpu", "RTX-4090", "--engine", "ollama"], capsys)
    one = _doc(["fit", "Qwen3-8B", "--gpu", "RTX-4090", "--engine", "ollama"], capsys)
    row = next(r for r in every["models"] if r["model"] == "Qwen3-8B")  # type: ignore[attr-defined]
    best = next(o for o in one["options"] if o["fits"])  # type: ignore[attr-defined]
    assert every["workload"]["context"] == one["workload"]["context"] != 4096  # type: ignore[index]
    assert row["fit"]["per_gpu_bytes"] == best["per_gpu_bytes"]


def test_compare_over_gpus_with_one_engine_context_uses_it(capsys: pytest.CaptureFixture[str]) -> None:
    # H100 and A100-80GB both get Ollama's >= 47 GiB NumCtx; an RTX-4090 beside them would not, and the
    # table keeps one context (the given or default one) for all rows then.
    same = _doc(["compare", "qwen3:8b", "--gpus", "H100,A100-80GB"], capsys)
    alone = _doc(["estimate", "qwen3:8b", "--gpu", "H100"], capsys)
    assert same["workload"]["context"] == alone["workload"]["context"] != 4096  # type: ignore[index]
    mixed = _doc(["compare", "qwen3:8b", "--gpus", "H100,RTX-4090"], capsys)
    assert mixed["workload"]["context"] == 4096  # type: ignore[index]


@pytest.mark.parametrize(
    "command",
    [
        ["vllm", "serve", "Qwen/Qwen2.5-0.5B", "--tensor-parallel-size", "0"],
        ["vllm", "serve", "Qwen/Qwen2.5-0.5B", "--pipeline-parallel-size", "0"],
        ["python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen2.5-0.5B", "--tp-size", "0"],
    ],
    ids=["vllm-tp", "vllm-pp", "sglang-tp"],
)
def test_check_refuses_a_parallel_size_of_zero(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # `if setup.get("tp"):` read 0 as absent: the command was planned as one GPU and said to fit.
    code, err = assert_answered(["check", "--gpu", "H100", "--", *command], capsys)
    assert code == 2 and "asks for 0 GPUs per model copy" in err


def test_check_names_the_flag_that_is_impossible(capsys: pytest.CaptureFixture[str]) -> None:
    # SGLang's --mem-fraction-static 1.5 was said as "gpu_memory_utilization", a name the command lacks.
    command = [
        "python",
        "-m",
        "sglang.launch_server",
        "--model-path",
        "Qwen/Qwen2.5-0.5B",
        "--mem-fraction-static",
        "1.5",
    ]
    code, err = assert_answered(["check", "--gpu", "H100", "--", *command], capsys)
    assert code == 2 and "--mem-fraction-static" in err and "gpu_memory_utilization" not in err


def test_a_given_prompt_survives_the_engine_context(capsys: pytest.CaptureFixture[str]) -> None:
    # `--prompt-tokens 500` without --context was dropped when Ollama's NumCtx became the context:
    # time to first token was then the prefill of the whole 32,768-token window.
    for command in ("estimate", "fit"):
        doc = _doc([command, "qwen3:8b", "--gpu", "RTX-4090", "--prompt-tokens", "500"], capsys)
        assert doc["workload"]["context"] != 4096 and doc["workload"]["prompt_tokens"] == 500  # type: ignore[index]
