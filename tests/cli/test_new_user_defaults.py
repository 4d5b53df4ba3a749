"""What a new user sees by default (issue 15, "right answers by default"): several --gpu options all
count, a warning is said once, an assumption does not repeat another, the transformers caveat is the
one that applies, and a serving engine's own default request length is said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llmsize
from llmsize.cli import app
from llmsize.estimate.engines.serving_context import engine_default_max_len

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "none"))


def test_compare_counts_every_repeated_gpu() -> None:
    # `--gpu A --gpu B` kept only B: the RTX-4090 row the user asked about was silently missing.
    result = runner.invoke(app, ["compare", "Qwen3-8B", "--gpu", "RTX-4090", "--gpu", "H100",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(r["gpu"] for r in json.loads(result.stdout)["rows"]) == ["H100-SXM-80GB", "RTX-4090"]


def test_estimate_counts_every_repeated_gpu_and_commas() -> None:
    result = runner.invoke(app, ["estimate", "Qwen3-8B", "--gpu", "RTX-4090", "--gpu", "H100,L4",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [g["gpu"] for g in json.loads(result.stdout)["gpus"]] == ["RTX-4090", "H100-SXM-80GB", "L4"]


def test_fast_path_reads_repeated_gpu_as_typer_does() -> None:
    from llmsize.cli.cmd_estimate import estimate_cmd
    from llmsize.cli.fast import Grammar

    parsed = Grammar(estimate_cmd).parse(["Qwen3-8B", "--gpu", "RTX-4090", "--gpu", "H100"])
    assert parsed is not None and parsed["gpu"] == ["RTX-4090", "H100"]


def test_fit_refuses_two_gpus_instead_of_keeping_the_last(capsys: pytest.CaptureFixture[str]) -> None:
    import llmsize.cli

    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["fit", "Qwen3-8B", "--gpu", "RTX-4090", "--gpu", "H100"])
    err = capsys.readouterr().err
    assert info.value.code == 2, err
    assert "llmsize compare" in err and "Traceback" not in err


def test_estimate_gpu_says_the_hub_warning_once() -> None:
    # The Hub is unreachable in tests (conftest: HF_ENDPOINT on a discard port), so a repo id falls back
    # to the bundled entry with a warning; the fit rows carry it too and printed it a second time.
    result = runner.invoke(app, ["estimate", "Qwen/Qwen3-8B", "--gpu", "RTX-4090"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.output.count("Hub unreachable") == 1


def test_checkpoint_dtype_is_said_once_with_the_loaded_format() -> None:
    est = llmsize.estimate(llmsize.resolve("Qwen3-8B"), llmsize.Workload())
    weight_lines = [a for a in est.assumptions if "checkpoint" in a or a.startswith("weights loaded")]
    assert weight_lines == ["weights loaded as bf16, the checkpoint's dtype"]
    result = runner.invoke(app, ["estimate", "Qwen3-8B"], env={"COLUMNS": "200"})
    assert "weights bf16" in result.output and "sized as" not in result.output  # header: no false change
    fp16 = runner.invoke(app, ["estimate", "Qwen3-8B", "--dtype", "fp16"], env={"COLUMNS": "200"})
    assert "checkpoint bf16, sized as fp16" in fp16.output


@pytest.mark.parametrize(("model", "said", "unsaid"), [
    ("Qwen3-8B", (), ("DeepSeek", "Falcon", "router", "K/V heads")),
    # docs/versions.md: 5.25 keeps DeepseekV2/V3 gate.weight in fp32; caches Falcon-40B's 8 real K/V heads
    ("DeepSeek-V2-Lite", ("router weight in fp32",), ("Falcon",)),
    ("falcon-40b", ("real K/V heads",), ("router",)),
    ("falcon-7b", (), ("K/V heads", "router")),  # multi-query: one K/V head in every release
])
def test_transformers_release_caveat_names_only_what_applies(
    model: str, said: tuple[str, ...], unsaid: tuple[str, ...]
) -> None:
    est = llmsize.estimate(llmsize.resolve(model), llmsize.Workload())
    (note,) = [a for a in est.assumptions if a.startswith("transformers 5.23.0 behaviour")]
    assert "docs/versions.md" in note
    assert all(s in note for s in said) and not any(u in note for u in unsaid)


def test_serving_engines_say_their_own_default_request_length() -> None:
    # Qwen3-8B config.json: "max_position_embeddings": 40960, no rope_scaling
    # (https://huggingface.co/Qwen/Qwen3-8B/blob/main/config.json): vLLM and SGLang take 40,960 tokens.
    spec = llmsize.resolve("Qwen3-8B")
    vllm = llmsize.estimate(spec, llmsize.Workload(engine="vllm"))
    (note,) = [a for a in vllm.assumptions if "--max-model-len" in a and "40,960" in a]
    assert "4,096" in note and "refuses to start" in note
    sglang = llmsize.estimate(spec, llmsize.Workload(engine="sglang"))
    (note,) = [a for a in sglang.assumptions if "--context-length" in a]
    assert "40,960" in note and "refuses" not in note
    asked = llmsize.estimate(spec, llmsize.Workload(engine="vllm", context=40960))
    assert not [a for a in asked.assumptions if "without the flag" in a]


def test_engine_default_max_len_follows_yarn_scaling() -> None:
    # DeepSeek-V3 config.json: max_position_embeddings 163840, rope_scaling yarn, factor 40,
    # original_max_position_embeddings 4096 -> vLLM derives 4096 x 40 = 163,840
    # (https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/config.json).
    assert engine_default_max_len(llmsize.resolve("DeepSeek-V3")) == 163_840
    assert engine_default_max_len(llmsize.resolve("Qwen3-8B")) == 40_960


def test_a_context_above_the_derived_length_says_the_engine_refuses_it() -> None:
    # vllm/config/model.py _get_and_verify_max_len raises above the derived 40,960 tokens of Qwen3-8B unless
    # VLLM_ALLOW_LONG_MAX_MODEL_LEN is set; SGLang's model_config likewise without
    # SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN (the variable launch scripts set for longer contexts).
    spec = llmsize.resolve("Qwen3-8B")
    for engine, env in (("vllm", "VLLM_ALLOW_LONG_MAX_MODEL_LEN=1"),
                        ("sglang", "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1")):
        long = llmsize.estimate(spec, llmsize.Workload(engine=engine, context=65536))
        (note,) = [a for a in long.warnings if "derives from the config" in a]
        assert "65,536" in note and "40,960" in note and env in note
