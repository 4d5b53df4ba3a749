"""The twenty-first hostile round (issue 15): engine lines built by rule (shell syntax, prefixes, every
number flag x odd values), backend names in another case, vLLM's --all2all-backend without --dp / --ep,
training recipes of odd YAML, model folders whose files are odd or no plain files, corrupted reports,
option combinations, and (as subprocesses) odd environment variables and argv that is not UTF-8.

Found and fixed:
- `vllm serve M --all2all-backend deepep_low_latency` without --data-parallel-size 2+ and
  --enable-expert-parallel (and `estimate --engine vllm --all2all-backend X` with --tp / --dp / --ep
  alone): exit 2 "runs only with --dp 2 or more and --ep ... without them vLLM ignores it", though vLLM
  takes the flag and runs no all-to-all kernel (FusedMoEParallelConfig.use_all2all_kernels): now sized as
  without it, with a note (estimate/engines/vllm_all2all.py ignored);
- `--moe-a2a-backend DeepEP` (SGLang) and `--all2all-backend DeepEP_Low_Latency` (vLLM) were lower-cased
  and run; both engines take the name through argparse `choices` (case-sensitive) and refuse it: so does
  llmsize now, naming the spelling to use;
- a model folder whose model.safetensors.index.json maps a tensor to a list or mapping ("internal error:
  TypeError: unhashable type") or to null ("object of type 'NoneType' has no len()"): one line, exit 2
  (specs/local.py safetensors_shards).
The long run over every input is bench/fuzz_round21.py; this file runs a seeded sample.
"""

from __future__ import annotations

import json
import random
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

import hostile_round21 as r21

SMALL = ('{"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, '
         '"vocab_size": 100, "intermediate_size": 64}')

pytestmark = pytest.mark.usefixtures("offline")


# --- the breaks found


@pytest.mark.parametrize(
    "line",
    [
        "python -m sglang.launch_server --model-path Qwen/Qwen3-30B-A3B --tp 2 --moe-a2a-backend DeepEP",
        "python -m sglang.launch_server --model-path Qwen/Qwen3-30B-A3B --tp 2 --moe-a2a-backend=NONE",
        "vllm serve Qwen/Qwen3-30B-A3B --data-parallel-size 2 --enable-expert-parallel "
        "--all2all-backend DeepEP_Low_Latency",
    ],
)
def test_check_refuses_a_backend_name_the_engine_refuses(
    line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse `choices` are case-sensitive in both engines (SGLang server_args.py --moe-a2a-backend,
    vLLM engine/arg_utils.py literal_to_kwargs): the engine would not start; llmsize ran it lower-cased."""
    code, err = assert_answered(["check", "--gpu", "H100", "--num-gpus", "2", line], capsys)
    assert code == 2 and "case-sensitive" in err and "use " in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--gpu", "H100", "--num-gpus", "2", "--", "python", "-m", "sglang.launch_server",
         "--model-path", "Qwen/Qwen3-30B-A3B", "--tp", "2", "--moe-a2a-backend="],
        ["check", "--gpu", "H100", "--num-gpus", "2", "--", "vllm", "serve", "Qwen/Qwen3-30B-A3B",
         "--data-parallel-size", "2", "--enable-expert-parallel", "--all2all-backend="],
        ["estimate", "Qwen3-30B-A3B", "--engine", "sglang", "--tp", "2", "--moe-a2a-backend", ""],
        ["estimate", "Qwen3-30B-A3B", "--engine", "vllm", "--dp", "2", "--ep", "--all2all-backend", ""],
    ],
)  # fmt: skip
def test_an_empty_backend_name_is_refused_as_the_engines_refuse_it(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse refuses '' (invalid choice); llmsize took it for the engine's default (round 20's
    leftover)."""
    code, err = assert_answered(argv, capsys)
    assert code == 2 and "'' is not one of" in err, err


@pytest.mark.parametrize("value", ["null", "[1]", "{}", '{"a": 1}'])
def test_an_index_mapping_a_tensor_to_no_file_name_is_one_line(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was exit 1, "internal error: TypeError: unhashable type: 'list'" / "'NoneType' has no len()"."""
    (tmp_path / "config.json").write_text(SMALL)
    (tmp_path / "model.safetensors.index.json").write_text(f'{{"weight_map": {{"a.weight": {value}}}}}')
    code, err = assert_answered(["estimate", str(tmp_path)], capsys)
    assert code == 2 and "not a file name in its folder" in err, err


def test_vllm_all2all_backend_without_expert_parallel_sizes_as_without_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["plan", "Qwen3-30B-A3B", "--gpu", "H100", "--engine", "vllm", "--format", "json"]
    code, out, err = run_cli([*base, "--all2all-backend", "deepep_low_latency"], capsys)
    assert code == 0, err
    code, plain, err = run_cli(base, capsys)
    assert code == 0, err
    assert json.loads(out)["gpus"] == json.loads(plain)["gpus"]


# --- a seeded sample of the round's inputs (the whole run: bench/fuzz_round21.py)


@pytest.mark.parametrize(
    ("step", "n"),
    [
        ("check-lines", 16),
        ("backends", 8),
        ("recipes", 10),
        ("model-files", 10),
        ("reports", 8),
        ("options", 8),
    ],
)
def test_round21_sample(
    step: str, n: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # what a case writes (and any PWNED) lands here
    root = tmp_path / step
    cases = [a for a in r21.STEPS[step](root) if not set(r21.SLOW) & set(a)]
    for argv in r21.sample(cases, n):
        assert_sample_answered(argv, capsys)
    assert not (tmp_path / "PWNED").exists()


def test_round21_env_sample(tmp_path: Path) -> None:
    """A few of the environment / non-UTF-8 argv cases, as subprocesses (bench/fuzz_round21.py runs all)."""
    import fuzz_round21

    cases = list(r21.env_cases(tmp_path / "env"))
    picked = [cases[i] for i in sorted(random.Random(21).sample(range(len(cases)), 4))]
    picked.append(({"LLMSIZE_CACHE_DIR": str(tmp_path / "env" / "plain-file")}, [b"estimate", b"Qwen\xff"]))
    for env, argv in picked:
        problem, err = fuzz_round21.subprocess_problem(env, argv, tmp_path, timeout=120)
        assert problem is None, (env, argv, problem, err)
