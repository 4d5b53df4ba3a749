"""vLLM and SGLang refuse a context above the length they derive from config.json: a fit that fails.

The engines' own errors (estimate/engines/serving_context.py):
- vLLM 0.19 vllm/config/model.py `_get_and_verify_max_len`: "User-specified max_model_len (65536) is
  greater than the derived max_model_len (max_position_embeddings=40960 or model_max_length=None in
  model's config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1."
- SGLang 0.5.23 sglang/srt/configs/model_config.py `_derive_context_length`: "User-specified
  context_length (65536) is greater than the derived context_length (40960). ... To allow overriding
  this maximum, set the env var SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1".
Qwen3-8B's config.json: "max_position_embeddings": 40960, no rope_scaling
(https://huggingface.co/Qwen/Qwen3-8B/blob/main/config.json), so both derive 40,960.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_hostile_inputs import json_doc, run_cli

import llmsize
from llmsize.estimate.engines.serving_context import sglang_derived_context_len, vllm_derived_max_len

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hf_configs"
VLLM = ("vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len", "65536")
SGLANG = ("python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen3-8B",
          "--context-length", "65536")
ENGINES = (
    ("vllm", "max_model_len", "VLLM_ALLOW_LONG_MAX_MODEL_LEN=1"),
    ("sglang", "context_length", "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1"),
)


@pytest.mark.parametrize(("engine", "name", "env"), ENGINES)
def test_a_context_above_the_derived_length_does_not_fit(
    engine: str, name: str, env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["fit", "Qwen3-8B", "--gpu", "H100", "--engine", engine, "--context", "65536"]
    code, out, err = run_cli([*argv, "--check"], capsys)
    assert code == 3, err  # DESIGN.md: 3 when a fit check finds nothing fits
    said = " ".join(out.split())  # the table's text, unwrapped
    assert f"{name} 65,536 is greater than the derived {name} 40,960" in said and env in said
    assert f"{name} 65,536 is greater than the derived {name} 40,960" in err  # the one-line error
    doc = json_doc(argv, capsys)
    rows = doc["options"]  # one fit row per precision tried
    assert rows and not any(r["fits"] for r in rows)
    assert all(f"is greater than the derived {name} 40,960" in r["reason"] for r in rows)


@pytest.mark.parametrize(("engine", "name", "env"), ENGINES)
def test_the_override_lets_it_start(
    engine: str, name: str, env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    del name, env
    argv = ["estimate", "Qwen3-8B", "--gpu", "H100", "--engine", engine, "--context", "65536"]
    refused = json_doc(argv, capsys)
    (row,) = refused["gpus"]  # type: ignore[misc]
    assert row["fits"] is False and refused["workload"]["allow_long_context"] is False  # type: ignore[index]
    # the longest context it starts with is the derived one, though memory holds more on an H100
    assert row["max_context"] == 40_960
    allowed = json_doc([*argv, "--allow-long-context"], capsys)
    (row,) = allowed["gpus"]  # type: ignore[misc]
    assert row["fits"] is True and row["reason"] is None
    assert allowed["workload"]["allow_long_context"] is True  # type: ignore[index]
    # with the variable set only memory bounds the context: past the derived 40,960
    assert row["max_context"] > 65_536


def test_estimate_without_a_gpu_says_the_engine_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    doc = json_doc(["estimate", "Qwen3-8B", "--engine", "vllm", "--context", "1000000"], capsys)
    (note,) = [a for a in doc["warnings"] if "derives from the config" in a]  # type: ignore[union-attr]
    assert "1,000,000" in note and "40,960" in note and "VLLM_ALLOW_LONG_MAX_MODEL_LEN=1" in note


def test_more_gpus_are_not_offered_for_a_refused_context(capsys: pytest.CaptureFixture[str]) -> None:
    # No GPU count lifts the engine's length check: auto stays at one GPU (it went to 512).
    doc = json_doc(["estimate", "Qwen3-8B", "--gpu", "H100", "--engine", "vllm", "--context", "65536",
                    "--num-gpus", "auto"], capsys)
    (row,) = doc["gpus"]  # type: ignore[misc]
    assert row["count"] == 1 and row["fits"] is False


def test_plan_exits_3_or_prints_the_variable(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["plan", "Qwen3-8B", "--gpu", "H100", "--engine", "vllm"]
    code, _, err = run_cli([*base, "--context", "65536"], capsys)
    assert code == 3 and "greater than the derived max_model_len 40,960" in err
    code, out, err = run_cli([*base, "--context", "65536", "--allow-long-context"], capsys)
    assert code == 0, err
    assert out.strip() == "VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 vllm serve Qwen/Qwen3-8B --max-model-len 65536"
    code, out, err = run_cli([*base, "--context", "32768", "--allow-long-context"], capsys)
    assert code == 0, err
    assert out.strip() == "vllm serve Qwen/Qwen3-8B --max-model-len 32768"  # within the derived length
    code, out, err = run_cli(["plan", "Qwen3-8B", "--gpu", "H100", "--engine", "sglang", "--context", "65536",
                              "--allow-long-context"], capsys)
    assert code == 0, err
    assert out.startswith("SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1 python -m sglang.launch_server ")


@pytest.mark.parametrize(
    ("command", "code"),
    [
        ([*VLLM], 3),
        (["VLLM_ALLOW_LONG_MAX_MODEL_LEN=1", *VLLM], 0),
        # vllm/envs.py reads only "1" and "true" as set
        (["VLLM_ALLOW_LONG_MAX_MODEL_LEN=yes", *VLLM], 3),
        # sglang/srt/environ.py EnvBool: true, 1, yes, y
        (["SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=yes", *SGLANG], 0),
        ([*SGLANG], 3),
    ],
)
def test_check_reads_the_variable_from_the_launch_command(
    command: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    got, out, err = run_cli(["check", "--gpu", "H100", "--", *command], capsys)
    assert got == code, err
    if code == 3:
        assert "DOES NOT START" in out and "is greater than the derived" in " ".join(out.split())


def test_other_engines_refuse_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["estimate", "Qwen3-8B", "--engine", "llama.cpp", "--allow-long-context"], capsys)
    assert code == 2 and "--allow-long-context applies to vLLM and SGLang" in err


def test_each_engine_derives_the_length_its_own_way(tmp_path: Path) -> None:
    # Qwen's YaRN recipe for Qwen2.5-7B-Instruct adds "rope_scaling": {"factor": 4.0,
    # "original_max_position_embeddings": 32768, "type": "yarn"} to its config.json (max_position_embeddings
    # 32768; https://huggingface.co/Qwen/Qwen2.5-7B-Instruct "Processing Long Texts"). vLLM derives
    # 32768 x 4 = 131,072 (yarn: original_max_position_embeddings x factor); SGLang's get_context_length
    # keeps 32,768 (a rope_scaling with original_max_position_embeddings is not scaled), which is why
    # launch scripts pass SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1 with --context-length 131072.
    config = json.loads((FIXTURES / "Qwen__Qwen2.5-7B-Instruct.json").read_text())
    config["rope_scaling"] = {"factor": 4.0, "original_max_position_embeddings": 32768, "type": "yarn"}
    (tmp_path / "config.json").write_text(json.dumps(config))
    spec = llmsize.resolve(str(tmp_path))
    assert vllm_derived_max_len(spec) == 131_072
    assert sglang_derived_context_len(spec) == 32_768
    wl = {"context": 131_072}
    vllm = llmsize.estimate(spec, llmsize.Workload(engine="vllm", **wl))
    # vLLM starts it: no refusal, and no "needs rope scaling" either (the config's YaRN covers it)
    assert not [w for w in vllm.warnings if "derives from the config" in w or "rope scaling" in w]
    sglang = llmsize.estimate(spec, llmsize.Workload(engine="sglang", **wl))
    assert [w for w in sglang.warnings if "above the 32,768 tokens SGLang derives" in w]


def test_gemma3_and_llama3_scaling() -> None:
    # gemma-3-27b-it text_config: max_position_embeddings 131072, rope_scaling linear factor 8
    # (https://huggingface.co/google/gemma-3-27b-it/blob/main/config.json). vLLM skips the factor for
    # Gemma 3 ("Gemma3's max_model_len (128K) is already scaled by RoPE scaling"); SGLang's
    # get_context_length multiplies it (sgl-project/sglang PR #20387, "Fix gemma3 context calculation",
    # closed unmerged, names the inflation).
    gemma = llmsize.resolve("gemma-3-27b-it")
    assert vllm_derived_max_len(gemma) == 131_072
    assert sglang_derived_context_len(gemma) == 1_048_576
    # Llama-3.1: max_position_embeddings 131072, rope_type llama3 (factor 8 over 8192): neither engine
    # scales a llama3 rope (https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/blob/main/config.json)
    llama = llmsize.resolve("Llama-3.1-8B-Instruct")
    assert vllm_derived_max_len(llama) == sglang_derived_context_len(llama) == 131_072
    # gpt-oss-120b: max_position_embeddings 131072, yarn factor 32 over 4096: both 131,072
    # (https://huggingface.co/openai/gpt-oss-120b/blob/main/config.json)
    oss = llmsize.resolve("gpt-oss-120b")
    assert vllm_derived_max_len(oss) == sglang_derived_context_len(oss) == 131_072


# Qwen's recipe for 131,072 tokens on Qwen3-8B (huggingface.co/Qwen/Qwen3-8B, "Processing Long Texts"):
# YaRN factor 4 over 32,768 passed on the command line (vLLM --rope-scaling / --hf-overrides, SGLang
# --json-model-override-args), not in config.json.
YARN = '{"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}}'


@pytest.mark.parametrize(
    ("command", "code"),
    [
        # vLLM scales YaRN from original_max_position_embeddings: 32,768 x 4 = 131,072 starts
        (["vllm", "serve", "Qwen/Qwen3-8B", "--hf-overrides", YARN, "--max-model-len", "131072"], 0),
        (["vllm", "serve", "Qwen/Qwen3-8B", "--rope-scaling", json.dumps(json.loads(YARN)["rope_scaling"]),
          "--max-model-len", "131072"], 0),
        # SGLang's get_context_length does not scale a rope_scaling with original_max_position_embeddings:
        # it keeps 40,960, so the recipe needs the variable too (launch scripts set
        # SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1 beside --json-model-override-args)
        (["python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen3-8B",
          "--json-model-override-args", YARN, "--context-length", "131072"], 3),
        (["SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1", "python", "-m", "sglang.launch_server",
          "--model-path", "Qwen/Qwen3-8B", "--json-model-override-args", YARN,
          "--context-length", "131072"], 0),
    ],
)
def test_check_derives_the_length_from_the_commands_overrides(
    command: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    got, out, err = run_cli(["check", "--gpu", "H100", "--", *command], capsys)
    assert got == code, out + err


def test_a_malformed_override_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen3-8B",
                            "--hf-overrides", "{not json"], capsys)
    assert code == 2 and "--hf-overrides" in err and "Traceback" not in err


@pytest.mark.parametrize("engine", ["vllm", "sglang"])
def test_without_context_a_short_model_is_sized_at_its_derived_length(
    engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # TinyLlama-1.1B-Chat-v1.0 config.json: "max_position_embeddings": 2048
    # (https://huggingface.co/TinyLlama/TinyLlama-1.1B-Chat-v1.0/blob/main/config.json): llmsize's default
    # 4,096 would be a --max-model-len the engine refuses, so the default is the derived 2,048.
    on = ["--gpu", "RTX-4090", "--engine", engine]
    code, out, err = run_cli(["plan", "TinyLlama-1.1B-Chat-v1.0", *on], capsys)
    assert code == 0, err
    assert out.split()[-1] == "2048"
    doc = json_doc(["estimate", "TinyLlama-1.1B-Chat-v1.0", *on], capsys)
    assert doc["workload"]["context"] == 2048 and doc["gpus"][0]["fits"]  # type: ignore[index]
    code, _, err = run_cli(["plan", "TinyLlama-1.1B-Chat-v1.0", *on, "--context", "4096"], capsys)
    assert code == 3 and "derived" in err  # asked for, it is refused


def test_plan_takes_the_context_fit_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    # Ollama picks NumCtx by VRAM (estimate/engines/ollama.py default_context): fit sized that context
    # while plan wrote OLLAMA_CONTEXT_LENGTH=4096, a different run from the one it had checked.
    fit = json_doc(["fit", "qwen3:8b", "--gpu", "RTX-4090"], capsys)
    plan = json_doc(["plan", "qwen3:8b", "--gpu", "RTX-4090"], capsys)
    context = plan["workload"]["context"]  # type: ignore[index]
    assert context == fit["workload"]["context"]  # type: ignore[index]
    assert plan["command"].startswith(f"OLLAMA_CONTEXT_LENGTH={context} ")  # type: ignore[union-attr]


def test_check_without_a_length_sizes_the_one_the_engine_derives(capsys: pytest.CaptureFixture[str]) -> None:
    # `vllm serve` without --max-model-len takes the derived length: with the YaRN override, 131,072
    # (vllm/config/model.py _get_and_verify_max_len, max_model_len None), not max_position_embeddings.
    command = ["vllm", "serve", "Qwen/Qwen3-8B", "--hf-overrides", YARN]
    code, out, err = run_cli(["check", "--gpu", "H100", "--format", "json", "--", *command], capsys)
    assert code == 0, err
    assert json.loads(out)["workload"]["context"] == 131_072


def test_an_instruct_alias_is_refused_at_its_own_configs_length(capsys: pytest.CaptureFixture[str]) -> None:
    # Qwen/Qwen2.5-7B-Instruct's config.json states "max_position_embeddings": 32768
    # (tests/fixtures/hf_configs/Qwen__Qwen2.5-7B-Instruct.json), so vLLM derives 32,768 and refuses 65,536;
    # the base Qwen2.5-7B's 131072 used to say it fits.
    argv = ["estimate", "Qwen2.5-7B-Instruct", "--engine", "vllm", "--context", "65536", "--gpu", "H100"]
    doc = json_doc(argv, capsys)
    (row,) = doc["gpus"]  # type: ignore[misc]
    assert row["fits"] is False
    assert "greater than the derived max_model_len 32,768" in json.dumps(row)
