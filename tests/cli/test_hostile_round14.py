"""The fourteenth hostile round (issue 15): FSDP and DeepSpeed settings in a training config.

`fsdp_config.sharding_strategy: "²"` and one of 5,000 digits were internal errors (str.isdigit takes
both, int() does not); `fsdp: 5`, `fsdp: {a: 1}`, an unknown strategy word, `sharding_strategy: true`
and `reshard_after_forward: "false"` were dropped without a word and the run sized as FULL_SHARD;
`reduce_bucket_size: -1` came back as "impossible workload: : Value error, --ds-reduce-bucket -1",
naming an option the user never gave. Each value is now read the way transformers / accelerate
read it (preflight/fsdp_config.py) and anything they would refuse is one line, exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_hostile_inputs import (
    assert_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

from llmsize.errors import BadInputError
from llmsize.preflight.training_config import read_training_config

pytestmark = pytest.mark.usefixtures("offline")

BASE = "base_model: Qwen/Qwen2.5-0.5B\nmicro_batch_size: 1\nsequence_len: 512\n"


def _config(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "train.yaml"
    path.write_text(BASE + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ("fsdp_config: {sharding_strategy: '²'}\n", "sharding_strategy"),
        ("fsdp_config: {sharding_strategy: '" + "9" * 5000 + "'}\n", "sharding_strategy"),
        ("fsdp_config: {sharding_strategy: MEGA_SHARD}\n", "MEGA_SHARD"),
        ("fsdp_config: {sharding_strategy: true}\n", "sharding_strategy"),
        ("fsdp_config: {sharding_strategy: 2.0}\n", "sharding_strategy"),
        ("fsdp_config: {sharding_strategy: 0}\n", "number 1-5"),
        ("fsdp_config: {sharding_strategy: [FULL_SHARD]}\n", "sharding_strategy"),
        ("fsdp_config: {reshard_after_forward: maybe}\n", "reshard_after_forward"),
        ("fsdp_config: {fsdp_offload_params: sometimes}\n", "fsdp_offload_params"),
        ("fsdp_config: [1, 2]\n", "fsdp_config"),
        ("fsdp: 5\n", "fsdp"),
        ("fsdp: {a: 1}\n", "fsdp"),
        ("fsdp: [[full_shard]]\n", "fsdp"),
        ("fsdp: full_shard lots\n", "'lots'"),
        ("fsdp: .inf\n", "fsdp"),
        ("deepspeed: {zero_optimization: {stage: 2, reduce_bucket_size: -1}}\n", "reduce_bucket_size"),
        ("deepspeed: {zero_optimization: {stage: 2, reduce_bucket_size: 0}}\n", "reduce_bucket_size"),
    ],
)
def test_fsdp_and_bucket_values_a_trainer_refuses_are_one_line(tmp_path: Path, extra: str, said: str) -> None:
    with pytest.raises(BadInputError) as caught:
        read_training_config(_config(tmp_path, extra))
    line = str(caught.value)
    assert said in line and "\n" not in line and line.isprintable() and len(line) < 400, line
    assert "--ds-reduce-bucket" not in line  # the config's key is named, not an option never given


@pytest.mark.parametrize(
    ("extra", "stage"),
    [
        ("fsdp: true\n", 3),  # transformers: a bool True is [FULL_SHARD]
        ("fsdp_config: {sharding_strategy: '2'}\n", 2),  # accelerate: 2 = SHARD_GRAD_OP
        ("fsdp_config: {sharding_strategy: 2}\n", 2),
        ("fsdp_config: {reshard_after_forward: 'false'}\n", 2),  # accelerate str_to_bool
        ("fsdp_config: {reshard_after_forward: SHARD_GRAD_OP}\n", 2),  # FSDP1 writes a strategy there
        ("fsdp: shard_grad_op\nfsdp_config: {sharding_strategy: null}\n", 2),
        ("fsdp_config: {reshard_after_forward: 8}\n", 3),  # torch fully_shard: reshard to 8 ranks
    ],
)
def test_fsdp_values_trainers_accept_are_read(tmp_path: Path, extra: str, stage: int) -> None:
    setup = read_training_config(_config(tmp_path, extra))
    assert (setup.get("zero"), setup.get("zero_impl")) == (stage, "fsdp")


def test_fsdp_off_is_no_fsdp(tmp_path: Path) -> None:
    setup = read_training_config(_config(tmp_path, "fsdp: false\n"))
    assert setup.get("zero_impl") is None


def test_fsdp_config_as_a_json_path_is_read(tmp_path: Path) -> None:
    """transformers TrainingArguments: `fsdp_config` may be the path of a JSON file holding the dict."""
    (tmp_path / "fsdp.json").write_text(json.dumps({"fsdp_sharding_strategy": "SHARD_GRAD_OP"}))
    setup = read_training_config(_config(tmp_path, "fsdp: full_shard\nfsdp_config: fsdp.json\n"))
    assert setup.get("zero") == 2
    (tmp_path / "list.json").write_text("[1]")
    with pytest.raises(BadInputError, match="fsdp_config"):
        read_training_config(_config(tmp_path, "fsdp: full_shard\nfsdp_config: list.json\n"))


def test_a_missing_fsdp_json_is_named_without_raw_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, 'fsdp: full_shard\nfsdp_config: "nope\\e[31m.json"\n')
    code, err = assert_answered(["check", "--gpu", "H100", str(path)], capsys)
    assert code == 2 and "FSDP config" in err and "\x1b" not in err


@pytest.mark.parametrize(
    "extra",
    [
        "fsdp_config: {sharding_strategy: '²'}\n",
        "deepspeed: {zero_optimization: {stage: 2, reduce_bucket_size: -1}}\n",
        "fsdp: \"full_shard \\e[2J\"\n",
    ],
)
def test_check_answers_hostile_fsdp_in_one_line(
    tmp_path: Path, extra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _err = assert_answered(["check", "--gpu", "H100", str(_config(tmp_path, extra))], capsys)
    assert code == 2


# --- -o/--output: the file holds the answer, the terminal one line, escapes never raw


def test_a_check_document_is_read_back_by_report_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check -o` writes the estimate document plus its verdict; `report show` refused it as
    "hand-edited" (unknown key check)."""
    out = tmp_path / "check.yaml"
    argv = ["check", "--gpu", "H100", "-o", str(out), "--", "vllm", "serve", "Qwen/Qwen2.5-7B"]
    code, _ = assert_answered(argv, capsys)
    assert code == 0 and out.is_file()
    code, err = assert_answered(["report", "show", str(out)], capsys)
    assert code == 0, err


@pytest.mark.parametrize("name", ["w\x1b]0;x\x07.yaml", "a\nb.json", "r\r\x1b[2K.json"])
def test_output_names_with_control_characters_are_never_echoed_raw(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / name
    code, out_text, err = run_cli(["estimate", "Qwen2.5-0.5B", "-o", str(out)], capsys)
    assert code == 0 and out.is_file(), err
    assert out_text.startswith("Wrote ") and len(out_text.strip().splitlines()) == 1
    assert not any(c in out_text + err for c in "\x1b\x07\r"), repr(out_text)
    code, err = assert_answered(["estimate", "Qwen2.5-0.5B", "-o", str(out)], capsys)  # exists, no --force
    assert code == 2 and "--force" in err


@pytest.mark.parametrize("target", ["", "-", "/dev/full", "dir"])
def test_output_that_is_no_file_is_one_line(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path) if target == "dir" else target
    code, _ = assert_answered(["estimate", "Qwen2.5-0.5B", "-o", path, "--force"], capsys)
    assert code == 2


# --- --ds-reduce-bucket on the command line

TRAIN = ["estimate", "Llama-3.1-8B", "--mode", "full", "--num-gpus", "8"]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--zero", "2", "--ds-reduce-bucket", "1_000"], "not an element count"),  # float() read 1000
        (["--zero", "2", "--ds-reduce-bucket", "٣"], "not an element count"),  # float() read 3
        (["--zero", "2", "--ds-reduce-bucket", "1e40"], "out of range"),
        (["--zero", "2", "--ds-reduce-bucket", "0"], "not an element count"),
        (["--zero", "2", "--ds-reduce-bucket", "-1"], "not an element count"),
        (["--zero", "0", "--ds-reduce-bucket", "5e8"], "ZeRO stage 1-3"),
        # ZeRO 3 was given: the line names FSDP, not a missing stage
        (["--zero", "3", "--zero-impl", "fsdp", "--ds-reduce-bucket", "5e8"], "PyTorch FSDP"),
    ],
)
def test_ds_reduce_bucket_refusals_say_why(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = assert_answered([*TRAIN, *argv], capsys)
    assert code == 2 and said in err, err


def test_an_sglang_page_size_is_answered_not_refused_as_vllm(capsys: pytest.CaptureFixture[str]) -> None:
    """`--page-size` (SGLang) was read as vLLM's block size, so every SGLang command carrying it was
    refused with "--block-size applies to vLLM, not SGLang"."""
    argv = ["check", "--gpu", "H100", "--format", "json", "--", "python", "-m", "sglang.launch_server",
            "--model-path", "Qwen/Qwen2.5-7B", "--page-size", "16"]  # fmt: skip
    code, err = assert_answered(argv, capsys)
    assert code == 0 and "--block-size" not in err, err
