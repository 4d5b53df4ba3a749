"""The twenty-second hostile round (issue 15): number spellings the earlier rounds left out in every option,
the recent options combined, llama-server / Ollama slot counts, hand-written GGUF files, safetensors headers
and odd model folders, crafted saved reports, --gpu-file YAML of YAML-1.1 spellings, and (as subprocesses)
the environment variables the tool reads and shell completion.

Found and fixed:
- `check -- llama-server ... -np 0` (or LLAMA_ARG_N_PARALLEL=0) was sized as one slot, though llama-server
  refuses it at start (common/arg.cpp: "invalid value for n_parallel"): now exit 2 saying so;
- `check -- llama-server ... -np -1` was refused ("impossible workload: batch: Input should be greater than
  0"), though -1 is llama-server's own default, auto (common/arg.cpp "-1 = auto"): now sized as an unset -np;
- OLLAMA_NUM_PARALLEL=-1 was refused with pydantic's "batch: Input should be greater than 0": now a line
  that says Ollama reads the variable as an unsigned integer;
- a --gpu-file number quoted in other digits ('８０', '１e1') was read as 80 / 10 by pydantic's lax float();
  a saved report's '７' as 7: both refused now, as every option refuses them (units.is_decimal_number);
- `--engine sglang --engine-version 0.0.0` (or 0.3.x) was sized by 0.4's rules without a word, where vLLM
  and transformers refuse releases older than modelled: refused now (an lmsysorg/sglang:v0.3.0 image tag
  is named as not modelled, as vLLM's old tags are);
- a saved report whose byte counts are past the 64-bit range (10**400 in a memory block whose total is the
  sum, or in a fit row's per_gpu_bytes / headroom_bytes): `report show` / `report diff` ended in "internal
  error: OverflowError: integer division result too large for a float"; now one line, exit 2.
The long run over every input is bench/fuzz_round22.py; this file runs a seeded sample.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from test_hostile_inputs import (
    MACHINE_FORMATS,
    assert_answered,
    assert_sample_answered,
    offline,  # noqa: F401  (a fixture: pytest finds it by name)
    run_cli,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import hostile_round22 as r22

pytestmark = pytest.mark.usefixtures("offline")

SERVER = ["llama-server", "-hf", "Qwen/Qwen3-8B-GGUF:Q4_K_M", "-c", "8192"]


# --- the breaks found


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--gpu", "RTX-4090", "--", *SERVER, "-np", "0"],
        ["check", "--gpu", "RTX-4090", "--", *SERVER, "--parallel=-0"],
        ["check", "--gpu", "RTX-4090", "--env", "LLAMA_ARG_N_PARALLEL=0", "--", *SERVER],
    ],
)
def test_llama_server_zero_slots_are_refused_as_llama_server_refuses_them(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """common/arg.cpp (-np, LLAMA_EXAMPLE_SERVER): `if (value == 0) throw std::invalid_argument("error:
    invalid value for n_parallel")`. llmsize sized it as one slot (exit 0)."""
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "refuses" in err and "n_parallel" in err, err


@pytest.mark.parametrize("value", ["-1", "-4"])
def test_llama_server_negative_slots_are_its_auto_default(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """common/arg.cpp: "number of server slots (default: -1, -1 = auto)"; tools/server/server.cpp turns any
    negative count into its auto slots over one unified cache, what an unset -np is sized as. llmsize
    refused it: "impossible workload: batch: Input should be greater than 0"."""
    base = ["check", "--gpu", "RTX-4090", "--format", "json", "--", *SERVER]
    code, out, err = run_cli([*base, "-np", value], capsys)
    assert code == 0, err
    code, plain, err = run_cli(base, capsys)
    assert code == 0, err
    assert json.loads(out)["gpus"] == json.loads(plain)["gpus"]


def test_ollama_zero_parallel_still_runs_one(capsys: pytest.CaptureFixture[str]) -> None:
    """Ollama's scheduler runs max(OLLAMA_NUM_PARALLEL, 1) (server/sched.go): 0 stays one request."""
    base = ["check", "--gpu", "RTX-4090", "--format", "json"]
    code, out, err = run_cli(
        [*base, "--env", "OLLAMA_NUM_PARALLEL=0", "--", "ollama", "run", "qwen3:8b"], capsys
    )
    assert code == 0, err
    code, one, err = run_cli(
        [*base, "--env", "OLLAMA_NUM_PARALLEL=1", "--", "ollama", "run", "qwen3:8b"], capsys
    )
    assert code == 0, err
    assert json.loads(out)["memory"] == json.loads(one)["memory"]


def test_a_negative_ollama_parallel_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Was pydantic's "the command asks for an impossible workload: batch: Input should be greater than
    0"."""
    argv = ["check", "--gpu", "RTX-4090", "--env", "OLLAMA_NUM_PARALLEL=-1", "--", "ollama", "run"]
    argv.append("qwen3:8b")
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "unsigned" in err and "batch:" not in err, err


@pytest.fixture
def saved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, object]]:
    path = tmp_path / "valid.json"
    code, _out, err = run_cli(
        ["estimate", "Qwen2.5-0.5B", "--gpu", "H100-SXM-80GB", "--output", str(path)], capsys
    )
    assert code == 0, err
    return path, json.loads(path.read_text())


def _huge_memory(doc: dict[str, object]) -> str:
    """The document with 10**400 bytes of weights and a total that is the sum, as JSON text."""
    memory = dict(doc["memory"])  # type: ignore[call-overload]
    rest = sum(v for k, v in memory.items() if k not in ("weights", "total"))
    text = json.dumps({**doc, "memory": {**memory, "weights": "@W", "total": "@T"}})
    return text.replace('"@W"', str(10**400)).replace('"@T"', str(10**400 + rest))


@pytest.mark.parametrize("where", ["memory", "per_gpu_bytes", "headroom_bytes"])
@pytest.mark.parametrize("command", ["show", "diff"])
def test_a_report_past_64_bits_is_one_line(
    where: str,
    command: str,
    saved: tuple[Path, dict[str, object]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was exit 1: "internal error: OverflowError: integer division result too large for a float"."""
    valid, doc = saved
    if where == "memory":
        text = _huge_memory(doc)
    else:
        row = {**doc["gpus"][0], where: "@"}  # type: ignore[index]
        text = json.dumps({**doc, "gpus": [row]}).replace('"@"', str(10**400))
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    argv = ["report", "show", str(bad)] if command == "show" else ["report", "diff", str(valid), str(bad)]
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "64-bit" in err, err


def test_a_report_at_the_64_bit_edge_still_shows(
    saved: tuple[Path, dict[str, object]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _valid, doc = saved
    row = {**doc["gpus"][0], "max_context": 2**63 - 1}  # type: ignore[index]
    edge = tmp_path / "edge.json"
    edge.write_text(json.dumps({**doc, "gpus": [row]}))
    code, _err = assert_answered(["report", "show", str(edge)], capsys)
    assert code == 0


@pytest.mark.parametrize("version", ["0.0.0", "0.3.9", "v0.1.12"])
def test_an_sglang_release_older_than_modelled_is_refused(
    version: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """vLLM (before 0.4) and transformers (before 4.30) refuse a release older than the ones modelled;
    SGLang sized 0.0.0 or 0.3.x by 0.4's rules without a word (exit 0)."""
    argv = ["fit", "Qwen2.5-0.5B", "--gpu", "H100-SXM-80GB", "--engine", "sglang"]
    argv += ["--engine-version", version]
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "from 0.4 on" in err, err


def test_an_sglang_image_older_than_modelled_is_said_and_sized_as_the_current(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As a vllm/vllm-openai tag before 0.4 (preflight/launch.py _vllm_image_release): read, not modelled."""
    line = ["docker", "run", "--gpus", "all", "lmsysorg/sglang:v0.3.0", "python3", "-m",
            "sglang.launch_server", "--model-path", "Qwen/Qwen2.5-0.5B"]  # fmt: skip
    code, out, err = run_cli(["check", "--gpu", "H100-SXM-80GB", "--", *line], capsys)
    assert code == 0, err
    assert "from 0.4 on" in " ".join(out.split()), out


@pytest.mark.parametrize(("field", "value"), [("size", "'８０'"), ("size", "'１e1'"), ("bw", "'３３５０'")])
def test_a_gpu_file_number_in_other_digits_is_refused(
    field: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pydantic's lax float() read the quoted full-width '８０' as 80 GiB (exit 0), where every option and
    config value refuses digits other than ASCII (units.is_decimal_number)."""
    path = tmp_path / "gpu.yaml"
    entry = {"id": "X1", "name": "Test X1", "size": "80", "bw": "3350", field: value}
    path.write_text(r22._GPU.format(**entry))
    code, err = assert_answered(["fit", "Qwen2.5-0.5B", "--gpu", "X1", "--gpu-file", str(path)], capsys)
    assert code == 2 and "ASCII digits" in err, err


@pytest.mark.parametrize(
    ("where", "value"), [("count", "７"), ("max_context", "４０９６"), ("decode_tokens_per_s", "１e1")]
)
def test_a_report_number_in_other_digits_is_refused(
    where: str, value: str, saved: tuple[Path, dict[str, object]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A hand-edited fit row count '７' was shown as 7 (lax validation); llmsize writes numbers as
    numbers."""
    _valid, doc = saved
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**doc, "gpus": [{**doc["gpus"][0], where: value}]}))  # type: ignore[index]
    code, err = assert_answered(["report", "show", str(bad)], capsys)
    assert code == 2 and "ASCII digits" in err, err


# --- a seeded sample of the round's inputs (the whole run: bench/fuzz_round22.py)


@pytest.mark.parametrize(
    ("step", "n"),
    [
        ("numbers", 24),
        ("recent", 12),
        ("slots", 8),
        ("gguf", 12),
        ("model-dirs", 8),
        ("reports", 8),
        ("gpu-files", 6),
    ],
)
def test_round22_sample(
    step: str, n: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cases = [a for a in r22.STEPS[step](tmp_path / step) if not set(r22.SLOW) & set(a)]
    for argv in r22.sample(cases, n):
        assert_sample_answered(argv, capsys, MACHINE_FORMATS | {"html"})


def test_round22_env_sample(tmp_path: Path) -> None:
    """A few of the environment / completion cases, as subprocesses (bench/fuzz_round22.py runs all)."""
    import fuzz_round22

    cases = [c for c in r22.env_cases(tmp_path / "env") if "--all" not in c[1]]
    picked = [cases[i] for i in sorted(random.Random(22).sample(range(len(cases)), 4))]
    for env, argv in picked:
        problem, err = fuzz_round22.subprocess_problem(env, argv, tmp_path, timeout=120)
        assert problem is None, (env, argv, problem, err)


def test_a_concurrency_level_given_twice_is_one_row(capsys: pytest.CaptureFixture[str]) -> None:
    """`--concurrency 1,1,1` printed the same sweep row three times (round 22, left open by its helper);
    a level is one row, in the order first given."""
    code, out, err = run_cli(
        ["fit", "Qwen2.5-7B", "--gpu", "H100-SXM-80GB", "--concurrency", "8,1,8,1", "--format", "json"],
        capsys,
    )
    assert code == 0, err
    assert [row["concurrency"] for row in json.loads(out)["concurrency"]] == [8, 1]
