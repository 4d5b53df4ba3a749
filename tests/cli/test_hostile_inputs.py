"""Every hostile input (tests/hostile.py) ends in a result or one line with exit 2 (issue 15).

Run in process through `llmsize.cli.main`, each under an alarm, so a hang fails the case instead
of the suite. A seeded sample of generated names runs here; `python bench/fuzz.py` runs thousands.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import hostile
import hostile_options
import llmsize
from llmsize.cli import main
from llmsize.errors import LlmsizeError

# Generous: the bound is for hangs (the old failures ran for minutes), not a speed target.
_ALARM_S = 20


class _Hung(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _Hung


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(_ALARM_S)
    try:
        main(argv)
        code = 0
    except SystemExit as ex:
        code = int(ex.code or 0)
    except _Hung:
        pytest.fail(f"llmsize {argv!r} ran for more than {_ALARM_S} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    out, err = capsys.readouterr()
    return code, out, err


def assert_answered(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, _out, err = run_cli(argv, capsys)
    label = repr(argv)[:200]
    assert code in (0, 2, 3), f"{label}: exit {code}: {err[-500:]}"
    assert "internal error" not in err and "Traceback" not in err, f"{label}: {err[-500:]}"
    if code == 2 and not err.startswith("Usage:"):  # click's own usage errors keep their format
        lines = err.strip().splitlines()
        assert len(lines) == 1, f"{label}: {err[-800:]}"
        assert lines[0].isprintable(), f"{label}: control characters echoed: {lines[0]!r}"
        assert len(lines[0]) < 600, f"{label}: {len(lines[0])} characters"
    return code, err


@pytest.mark.parametrize("name", [n for n in hostile.NAMES if "\x00" not in n], ids=lambda n: repr(n)[:40])
def test_hostile_names(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert_answered(["estimate", "--", name], capsys)


@pytest.mark.parametrize("name", hostile.NAMES, ids=lambda n: repr(n)[:40])
def test_hostile_names_through_the_api(name: str) -> None:
    try:
        llmsize.estimate(llmsize.resolve(name), llmsize.Workload())
    except LlmsizeError as err:
        assert "\n" not in str(err) and str(err).isprintable()


@pytest.fixture(scope="module")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path]]:
    return list(hostile.write_model_dirs(tmp_path_factory.mktemp("hostile")))


def test_hostile_files(model_files: list[tuple[str, Path]], capsys: pytest.CaptureFixture[str]) -> None:
    for _label, path in model_files:
        assert_answered(["estimate", str(path)], capsys)


def _misuses(tmp: Path) -> Iterator[list[str]]:
    yield from hostile.cli_misuses(tmp)


def test_cli_misuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in _misuses(tmp_path):
        assert_answered(argv, capsys)


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "Qwen2.5-0.5B", "--mode", "full", "--engine", "llama.cpp"],
        ["estimate", "Qwen2.5-0.5B", "--mode", "lora", "--engine", "vllm"],
        ["estimate", "Qwen2.5-0.5B", "--gpu", ""],
        ["estimate", "Qwen2.5-0.5B", "--mode", "lora", "--lora-rank", "1000000000"],
        ["estimate", "Qwen2.5-0.5B", "--gpu", "H100", "--num-gpus", "1000000000"],
        ["gpus", "--min-memory", "-1GB"],
        ["gpus", "--min-memory", "1e309B"],
        ["estimate", "--", "-7B"],
        ["estimate", "--", "--7B"],
        ["estimate", ":7b"],
        # the second audit: an infinite bandwidth printed speeds as Infinity (not JSON); a price of 0
        # failed the catalog's Price model (internal error); more GPUs than a layout takes
        ["fit", "Qwen2.5-0.5B", "--gpu", "H100", "--host-bandwidth", "inf", "--format", "json"],
        ["fit", "Qwen2.5-0.5B", "--gpu", "H100", "--price-per-hour", "0"],
        ["compare", "Qwen2.5-0.5B", "--gpus", "H100", "--price-per-hour", "inf"],
        ["explain", "Qwen2.5-0.5B", "--num-gpus", "5000"],
        ["estimate", "Qwen2.5-0.5B", "--context", "1099511627777"],
    ],
)
def test_nonsense_is_refused_not_accepted(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, err = assert_answered(argv, capsys)
    assert code == 2, err


def test_report_with_negative_memory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "r.yaml"
    assert run_cli(["estimate", "Qwen2.5-0.5B", "-o", str(saved)], capsys)[0] == 0
    text = saved.read_text()
    edited = tmp_path / "neg.yaml"
    edited.write_text(text.replace("\n  weights: ", "\n  weights: -", 1))
    code, err = assert_answered(["report", "show", str(edited)], capsys)
    assert code == 2 and "negative" in err


def test_seeded_sample_of_generated_names(capsys: pytest.CaptureFixture[str]) -> None:
    for name in hostile.random_names(seed=15, n=25):
        assert_answered(["parse", "--", name], capsys)
        assert_answered(["estimate", "--", name], capsys)


def test_unreadable_model_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads every directory")
    d = tmp_path / "locked"
    d.mkdir()
    (d / "config.json").write_text("{}")
    d.chmod(0)
    try:
        code, _ = assert_answered(["estimate", str(d)], capsys)
        assert code == 2
    finally:
        d.chmod(0o755)


def test_seeded_sample_of_hostile_option_values(capsys: pytest.CaptureFixture[str]) -> None:
    """Every command's value-taking options (read from the CLI itself) with values an attacker tries;
    `python bench/fuzz.py` runs all of them (about 5,000)."""
    cases = hostile_options.sample(seed=15, n=30)
    launches = list(hostile_options.launch_cases())
    cases += [launches[i] for i in range(0, len(launches), len(launches) // 10)][:10]
    for argv in cases:
        assert_answered(argv, capsys)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("HF_ENDPOINT", "http://[::1"), ("HF_ENDPOINT", "not a url"), ("LLMSIZE_GPU_DIR", "x" * 5000)],
)
def test_hostile_environment(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A malformed HF_ENDPOINT raised ValueError from the URL parser; a 5,000-character
    # LLMSIZE_GPU_DIR raised OSError (name too long) from is_dir().
    monkeypatch.setenv(variable, value)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    for argv in (["estimate", "someorg/somemodel"], ["gpus"], ["estimate", "Qwen2.5-0.5B", "--gpu", "H100"]):
        assert_answered(argv, capsys)


def _within_alarm(fn: Callable[[], object]) -> object:
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(_ALARM_S)
    try:
        return fn()
    except _Hung:
        pytest.fail(f"ran for more than {_ALARM_S} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_api_workload_past_int64_bytes_is_one_error() -> None:
    # Found by the API fuzz (issue 15): batch 2^30 with LoRA rank 65,536 overflowed the int64 of a
    # vectorised step (OverflowError) although every field is within Workload's bounds.
    spec = llmsize.resolve("CodeLlama-34B")
    wl = llmsize.Workload(
        mode="lora", quant="awq", context=1, batch=2**30, framework="torchtune", loss="chunked-recompute",
        lora_rank=65536, lora_targets=("all-linear",), liger=True, padding_free=True,
        gradient_checkpointing=False, optimizer_in_backward=True, optimizer="adamw-8bit", zero=1,
    )  # fmt: skip
    with pytest.raises(LlmsizeError, match="8 EiB"):
        llmsize.estimate(spec, wl)


def test_api_llama_cpp_over_thousands_of_gpus_is_planned_quickly() -> None:
    # llama.cpp's layer split listed one stage per GPU: 4,096 stages walked at every estimate of the
    # planner's batch search (minutes); GPUs past the last block hold nothing and are not listed.
    from llmsize.hardware.gpus import load_catalog
    from llmsize.hardware.plan import fit_model

    spec = llmsize.resolve("CodeLlama-70B")
    wl = llmsize.Workload(engine="ollama", quant="Q4_K_M", context=3, pp=2, num_gpus=2)
    few = llmsize.estimate(spec, wl.model_copy(update={"num_gpus": 80}))
    many = _within_alarm(lambda: llmsize.estimate(spec, wl.model_copy(update={"num_gpus": 4096})))
    assert isinstance(many, type(few)) and many.total_bytes == few.total_bytes  # the busiest GPU alike
    _within_alarm(lambda: fit_model(spec, wl, load_catalog().get("M3-Max-128GB"), 4096))


def test_report_with_a_hand_edited_workload(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Report.workload was a free dict: a string GPU count raised TypeError and a deleted batch
    # KeyError in the table (internal errors). Its known fields are now a Workload.
    import json

    saved = tmp_path / "r.json"
    assert run_cli(["estimate", "Qwen2.5-0.5B", "-o", str(saved)], capsys)[0] == 0
    doc = json.loads(saved.read_text())
    wrong, missing = tmp_path / "wrong.json", tmp_path / "missing.json"
    wrong.write_text(json.dumps({**doc, "workload": {**doc["workload"], "num_gpus": ""}}))
    no_batch = {k: v for k, v in doc["workload"].items() if k != "batch"}
    missing.write_text(json.dumps({**doc, "workload": no_batch}))
    code, err = assert_answered(["report", "show", str(wrong)], capsys)
    assert code == 2 and "num_gpus" in err
    assert assert_answered(["report", "show", str(missing)], capsys)[0] == 0
