"""Newcomer audit, round 9 (issue 15, "right answers by default, readable")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmsize.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "none"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def _fit(*args: str) -> tuple[dict, str]:
    result = runner.invoke(app, ["fit", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


# --- (a) --dtype on a quantized checkpoint sets the unquantized rest, not the row's format ------------
# openai/gpt-oss README ("Precision format: MXFP4 MoE projections, all other tensors BF16"): --dtype fp16
# can only change the BF16 rest. The row said "fp16" beside the MXFP4 row's bytes.
def test_dtype_on_mxfp4_checkpoint_labels_both_parts() -> None:
    plain, _ = _fit("gpt-oss-20b", "--engine", "ollama", "--gpu", "RTX-4090")
    fp16, _ = _fit("gpt-oss-20b", "--engine", "ollama", "--gpu", "RTX-4090", "--dtype", "fp16")
    row = fp16["options"][0]
    assert row["precision"] == "mxfp4 + fp16 rest" == fp16["best"]
    assert plain["options"][0]["precision"].startswith("mxfp4")
    # fp16 and bf16 are both 2 bytes: the rest, and so the weights, are the same size
    assert row["weights_bytes"] == plain["options"][0]["weights_bytes"]


def test_fp32_rest_is_sized_and_said() -> None:
    plain, _ = _fit("gpt-oss-20b", "--engine", "ollama", "--gpu", "H100")
    fp32, _ = _fit("gpt-oss-20b", "--engine", "ollama", "--gpu", "H100", "--dtype", "fp32")
    assert fp32["options"][0]["precision"] == "mxfp4 + fp32 rest"
    assert fp32["options"][0]["weights_bytes"] > plain["options"][0]["weights_bytes"]


# --- (b) bitsandbytes on Apple GPUs ---------------------------------------------------------------------
# bitsandbytes/backends/mps/ops.py registers only 4-bit ops, with Metal kernels from the Kernels Hub
# (kernels-community/bitsandbytes-mps); https://huggingface.co/docs/bitsandbytes/v0.50.0/installation lists
# Apple Silicon as supported; v0.42.0's said "only supported on CUDA GPU hardwares".
def test_qlora_on_apple_says_which_bitsandbytes_runs_it() -> None:
    doc, _ = _fit("Qwen2.5-0.5B", "--mode", "qlora", "--gpu", "M3-Max-128GB")
    warnings = " ".join(doc["options"][0]["warnings"])
    assert "bitsandbytes runs on Apple GPUs from v0.50" in warnings
    assert "`kernels`" in warnings


def test_qlora_on_cuda_has_no_apple_warning() -> None:
    doc, _ = _fit("Qwen2.5-0.5B", "--mode", "qlora", "--gpu", "RTX-4090")
    assert not any("bitsandbytes" in w for w in doc["options"][0]["warnings"])


def test_plain_inference_on_apple_has_no_bitsandbytes_warning() -> None:
    doc, _ = _fit("Qwen2.5-0.5B", "--gpu", "M3-Max-128GB", "--engine", "llama.cpp")
    assert not any("bitsandbytes" in w for w in doc["options"][0]["warnings"])


# --- (c) a family name says which variant it picked (stderr; stdout JSON unchanged) ----------------------
@pytest.mark.parametrize("command", [["fit", "Qwen2.5-0.5B"], ["estimate", "Qwen2.5-0.5B"],
                                     ["plan", "Qwen2.5-0.5B"]])
def test_family_gpu_name_notes_the_variant(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--gpu", "A100", "--format", "json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # the JSON contract holds: the note is on stderr
    assert "A100 \u2192 A100-SXM-80GB" in result.stderr
    assert "A100-PCIe-40GB" in result.stderr and "name one to choose" in result.stderr


def test_apple_family_name_notes_the_variant() -> None:
    _, err = _fit("Qwen2.5-0.5B", "--gpu", "M3-Max")
    assert "M3-Max \u2192 M3-Max-128GB (also: M3-Max-30core-96GB" in err


@pytest.mark.parametrize("name", ["A100-SXM-80GB", "RTX-4090", "A10"])
def test_exact_name_gets_no_note(name: str) -> None:
    _, err = _fit("Qwen2.5-0.5B", "--gpu", name)
    assert "name one to choose" not in err


# --- check: a compute buffer only where the engine has one --------------------------------------------
# vLLM has no ggml compute buffer (its activation peak is a profile run, inside the total); the check
# printed "compute_buffer_bytes: 0.00 GiB". llama.cpp's is real: "CUDA0 compute buffer size" in its log.
def _check(command: str) -> dict:
    result = runner.invoke(app, ["check", command, "--gpu", "RTX-4090", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_vllm_check_has_no_compute_buffer_figure() -> None:
    doc = _check("vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 8192")
    figures = doc["check"]["engine_figures"]
    assert figures["compute_buffer_bytes"] is None
    human = runner.invoke(app, ["check", "vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 8192",
                                "--gpu", "RTX-4090"])
    assert "compute_buffer_bytes" not in human.stdout


def test_llama_server_check_keeps_its_compute_buffer() -> None:
    doc = _check("llama-server -m Qwen2.5-7B-Instruct-Q4_K_M.gguf -c 16384 -ngl 99")
    figures = doc["check"]["engine_figures"]
    assert figures["compute_buffer_bytes"] > 0


# --- explain: the weight line's numbers add up to its headline ----------------------------------------
# vLLM's "Model loading took" (torch.cuda.memory_allocated's increase) holds the RoPE tables and the
# allocator's rounding beside the tensors; explain's numbers ended at the tensors' sum (14.19 GiB) under
# "weights: 14.25 GiB". The last figure of the line is now the component's bytes.
@pytest.mark.parametrize("model", ["Qwen2.5-7B-Instruct", "gpt-oss-20b"])
def test_vllm_weight_numbers_end_at_the_component(model: str) -> None:
    result = runner.invoke(app, ["estimate", model, "--engine", "vllm", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    detail = doc["components"]["weights"]["detail"]
    last = detail.rsplit("= ", 1)[1].split(" B")[0]
    assert int(last.replace(",", "")) == doc["memory"]["weights"]


# --- training runs name their framework in the workload line ------------------------------------------
def test_unsloth_run_says_unsloth_not_transformers() -> None:
    for command in (["estimate", "Qwen2.5-0.5B"], ["fit", "Qwen2.5-0.5B", "--gpu", "RTX-4090"]):
        out = runner.invoke(app, [*command, "--mode", "qlora", "--framework", "unsloth"]).stdout
        assert "framework unsloth" in out and "engine transformers" not in out
    plain = runner.invoke(app, ["fit", "Qwen2.5-0.5B", "--gpu", "RTX-4090", "--mode", "qlora"]).stdout
    assert "engine transformers" in plain
