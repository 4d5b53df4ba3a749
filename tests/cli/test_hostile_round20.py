"""The twentieth hostile round (issue 15): the options added since round 19 (--moe-a2a-backend /
--all2all-backend, --engine-version shapes), numeric edge values in every number option, odd --concurrency
lists, `check` of engine lines with contradictory flags, OLLAMA_* variables and Modelfiles, every
subcommand x --format x --output target, models/gpus filters, the Python API with wrong types.

Found and fixed:
- `plan Qwen3-30B-A3B --gpu H100 --engine sglang --moe-a2a-backend deepep` (and fit / estimate with
  --num-gpus auto): exit 2 "--moe-a2a-backend deepep ... it needs --tp 2 or more", an option plan does not
  have, where the layout search could have picked TP 2: SGLang's TP-1 refusal of a backend that spreads the
  experts over the TP ranks is now the engine's tp_problem (estimate/engines/sglang_moe_a2a.py), which the
  search passes over; plan prints `--tp-size 2 --moe-a2a-backend deepep`;
- `compare Qwen3-30B-A3B --gpus H100,L4 --engine sglang --moe-a2a-backend deepep` (and `--dp-attention 2`,
  older): exit 2 from the whole-model row compare sizes at TP 1 (hardware/compare.py), though every GPU
  row had a layout;
- a GPU count with no layout because the engine refuses its TP degree said only "1 GPUs cannot be split
  ...; try 2": it now says why (hardware/planner.py _engine_refusal);
- `fit M --gpu H100 --tp 2` (and vLLM `--dp 2`, and `fit --all --tp 2`): "--num-gpus 1 is not a multiple of
  --tp x --pp (2 x 1)" for a count nobody gave; fit's default single GPU is now the layout's GPUs, as
  estimate's (cli/cmd_fit.py, cli/gpu_options.py layout_gpus); `estimate/explain --engine vllm --dp 2
  --num-gpus 1` planned 2 GPUs without a word: refused as round 5 refused `--tp 2 --num-gpus 1`.
- refusals of plan named --tp, which plan does not take ("--num-gpus 1 is not a multiple of --tp x --pp x
  --dp 2", "--dp-attention 2 must divide --tp 1"): they name only the degrees given, and the engine's TP
  degree as such (hardware/planner.py explicit_layout, estimate/engines/sglang.py tp_problem); the run
  checks every refusal of estimate / explain / fit / compare / plan / models / gpus for such options
  (hostile_round20.foreign_options).
The long run over every input is bench/fuzz_round20.py; this file runs a seeded sample.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from test_hostile_inputs import (
    assert_answered,
    assert_sample_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import hostile_round20 as r20

A2A = ["Qwen3-30B-A3B", "--gpu", "H100", "--engine", "sglang", "--moe-a2a-backend", "deepep"]

pytestmark = pytest.mark.usefixtures("offline")


# --- the breaks found (each exit 2 before the fix)


@pytest.mark.parametrize("count", [[], ["--num-gpus", "auto"]])
def test_plan_picks_a_tp_degree_the_all_to_all_backend_runs_at(
    count: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """SGLang sets ep_size = tp_size for deepep (server_args.py _handle_a2a_moe): TP 1 has no peer, so the
    plan is TP 2; it was "it needs --tp 2 or more", and plan has no --tp."""
    code, out, err = run_cli(["plan", *A2A, *count], capsys)
    assert code == 0, err
    assert "--tp-size 2" in out and "--moe-a2a-backend deepep" in out, out


@pytest.mark.parametrize("command", ["fit", "estimate"])
def test_a_layout_search_passes_over_tp_1_under_deepep(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli([command, *A2A, "--num-gpus", "auto", "--format", "json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["gpus"] and all(r["count"] >= 2 for r in doc["gpus"]), doc["gpus"]


@pytest.mark.parametrize(
    "option",
    [
        ["--moe-a2a-backend", "deepep"],
        ["--dp-attention", "2"],
        ["--moe-a2a-backend", "mooncake", "--dp-attention", "2", "--dp-lm-head"],
    ],
)
def test_compare_sizes_its_whole_model_row_without_sglang_tp_settings(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """compare's weights column comes from the model on one GPU, which SGLang refuses under these
    settings: the whole comparison exited 2 though each GPU row has a TP 2 layout."""
    argv = [
        "compare",
        "Qwen3-30B-A3B",
        "--gpus",
        "H100,L4",
        "--engine",
        "sglang",
        *option,
        "--format",
        "json",
    ]
    code, out, err = run_cli(argv, capsys)
    assert code in (0, 3), err
    rows = json.loads(out)["rows"]
    assert {r["gpu"] for r in rows} == {"H100-SXM-80GB", "L4"}
    assert all(r["weights_bytes"] > 30e9 * 2 * 0.95 for r in rows)  # the bf16 weights, about 61 GB


def test_one_gpu_without_a_layout_says_why_the_engine_refuses_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = assert_answered(["fit", *A2A, "--num-gpus", "1"], capsys)
    assert code == 2 and "the engine refuses TP 1" in err and "ep_size = tp_size" in err and "try 2" in err, (
        err
    )


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["estimate", "Qwen3-30B-A3B", "--engine", "sglang", "--moe-a2a-backend", "deepep"],
            "needs --tp 2 or more",
        ),  # an explicit layout: still refused, naming --tp
        (
            ["estimate", "Qwen2.5-7B", "--engine", "sglang", "--tp", "2", "--moe-a2a-backend", "deepep"],
            "has no experts",
        ),
        (
            ["estimate", "Qwen3-30B-A3B", "--engine", "sglang", "--moe-a2a-backend", "x"],
            "is not one of SGLang's",
        ),
    ],
)
def test_an_explicit_layout_is_still_refused_in_one_line(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = assert_answered(argv, capsys)
    assert code == 2 and says in err, err


@pytest.mark.parametrize(
    ("layout", "gpus"),
    [
        (["--tp", "2"], 2),
        (["--engine", "vllm", "--dp", "2"], 2),
        (["--engine", "vllm", "--tp", "2", "--dp", "2"], 4),
    ],
)
def test_fit_plans_the_gpus_its_layout_holds(
    layout: list[str], gpus: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """fit's default single GPU with --tp/--dp: "--num-gpus 1 is not a multiple of --tp x --pp (2 x 1)",
    an option the command line did not give; estimate and compare planned the layout's GPUs."""
    code, out, err = run_cli(["fit", "Qwen3-30B-A3B", "--gpu", "H100", *layout, "--format", "json"], capsys)
    assert code == 0, err
    assert {r["count"] for r in json.loads(out)["gpus"]} == {gpus}


def test_fit_all_plans_the_gpus_its_layout_holds(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(["fit", "--all", "--gpu", "H100", "--tp", "2", "--format", "csv"], capsys)
    assert code == 0 and "not a multiple" not in err, err


@pytest.mark.parametrize(
    "command",
    [["estimate", "--gpu", "H100"], ["explain"], ["fit", "--gpu", "H100"], ["compare", "--gpus", "H100"]],
)
def test_an_explicit_single_gpu_under_vllm_dp_is_refused(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`--dp 2 --num-gpus 1`: estimate and explain planned 2 GPUs without a word (round 5 refused this for
    --tp / --pp only)."""
    argv = [command[0], "Qwen3-30B-A3B", *command[1:], "--engine", "vllm", "--dp", "2", "--num-gpus", "1"]
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "--dp 2 needs 2 GPUs, but --num-gpus says 1" in err, err


@pytest.mark.parametrize(
    "argv",
    [["plan", "Qwen3-30B-A3B", "--gpu", "H100", "--engine", "vllm", "--dp", "2", "--num-gpus", "1"],
     ["plan", "Qwen3-30B-A3B", "--gpu", "H100", "--engine", "sglang", "--dp-attention", "2",
      "--num-gpus", "1"],
     ["plan", *A2A, "--num-gpus", "1"],
     ["fit", "Qwen3-30B-A3B", "--gpu", "H100", "--engine", "vllm", "--dp", "2", "--num-gpus", "1"]],
)  # fmt: skip
def test_a_refusal_names_only_options_the_command_has(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """plan has no --tp: "--num-gpus 1 is not a multiple of --tp x --pp x --dp 2", "--dp-attention 2 must
    divide --tp 1" and "it needs --tp 2 or more" sent plan's user to an option it does not take."""
    code, err = assert_answered(argv, capsys)
    assert code == 2 and not r20.foreign_options(argv, err), err


# --- what the round checks besides exit codes


def test_nothing_an_output_names_is_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    targets = r20.output_targets(tmp_path)
    for command in (["estimate", "Qwen2.5-0.5B"], ["plan", "Qwen2.5-0.5B", "--gpu", "H100"]):
        for target in targets[:6]:  # taken files, a folder, a FIFO, a link, /dev/full
            code, _ = assert_answered([*command, "--output", target], capsys)
            assert code == 2, target
    assert r20.kept(tmp_path)


def test_the_api_step_finds_nothing_on_a_sample() -> None:
    import fuzz_round20

    for field in ("moe_a2a_backend", "concurrency_levels", "kv_dtype", "engine_version", "context", "tp"):
        for value in fuzz_round20.API_VALUES[::3]:
            problem, err = fuzz_round20.api_problem(field, value, "sglang")
            assert problem is None, (field, value, err)


# --- a seeded sample of the round's inputs (the whole run: bench/fuzz_round20.py)


@pytest.mark.parametrize(
    ("step", "n"),
    [
        ("backends", 12),
        ("versions", 8),
        ("numbers", 16),
        ("concurrency", 6),
        ("engines", 12),
        ("formats", 10),
        ("filters", 8),
        ("configs", 6),
    ],
)
def test_round20_sample(step: str, n: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / step
    cases = r20.rule_config_cases(root, n) if step == "configs" else r20.STEPS[step](root)
    for argv in r20.sample(list(cases), n):
        assert_sample_answered(argv, capsys)
    assert not Path("PWNED").exists()
    if step == "formats":
        assert r20.kept(root)
