"""Newcomer audit, round 5 (issue 15, "right answers by default"): the findings of round 4, each checked
against the published file, library tag or model name it is about."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llmsize
from llmsize.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "none"))


def _doc(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _all_weights(name: str, engine: str = "llama.cpp") -> int:
    return llmsize.estimate(llmsize.resolve(name), llmsize.Workload(engine=engine)).all_weights_bytes  # type: ignore[arg-type]


# --- 1. "qat": parse and estimate agree --------------------------------------------------------------
# ollama.com/library/gemma3 lists "27b-it-qat" at 18 GB against 17 GB for "27b" (Q4_K_M): Google's
# quantization-aware-trained Q4_0 file (huggingface.co/google/gemma-3-27b-it-qat-q4_0-gguf). `parse` listed
# "qat" as not understood while `estimate` sized exactly that file.
@pytest.mark.parametrize("name", ["gemma3:27b-it-qat", "google/gemma-3-27b-it-qat-q4_0-gguf"])
def test_parse_understands_qat(name: str) -> None:
    doc = _doc("parse", name)
    assert doc["qat"] is True
    assert "qat" not in [x.lower() for x in doc["extra"]]


def test_plain_gemma_tag_is_not_qat() -> None:
    assert _doc("parse", "gemma3:27b")["qat"] is False


def test_qat_tag_still_sizes_googles_file_once() -> None:
    """The Ollama tag is the 18 GB download (ollama.com/library/gemma3: "27b-it-qat ... 18GB"), named once."""
    doc = _doc("estimate", "gemma3:27b-it-qat", "--engine", "ollama")
    assert doc["all_weights_bytes"] / 1e9 == pytest.approx(18.0, rel=0.03)
    spec = llmsize.resolve("gemma3:27b-it-qat")
    assert spec.provenance.note.count("quantization-aware-trained") == 1


# --- 2. gpt-oss GGUFs: ggml-org's one-type repos and the "-MXFP4" name under llama.cpp -------------------
# bartowski/openai_gpt-oss-20b-GGUF (huggingface.co/bartowski/openai_gpt-oss-20b-GGUF README): "gpt-oss-20b-
# MXFP4.gguf | MXFP4 | 12.1GB"; ggml-org/gpt-oss-20b-GGUF holds gpt-oss-20b-mxfp4.gguf alone, which loads as
# "type q8_0: 98 tensors, type mxfp4: 72 tensors" (ikawrakow/ik_llama.cpp#822: attention in Q8_0, not the
# checkpoint's BF16, whose GGUF is 13.8 GB). ggml-org/gpt-oss-120b-GGUF: 59.02 GiB in llama-bench
# (community.frame.work/t/.../73280/26). Before: Q4_K_M 11.6 GB for the bare repo, 13.8 GB for "-MXFP4".
@pytest.mark.parametrize(
    ("name", "published_gb"),
    [
        ("ggml-org/gpt-oss-20b-GGUF", 12.1),
        ("gpt-oss-20b-MXFP4", 12.1),
        ("ggml-org/gpt-oss-120b-GGUF", 59.02 * 2**30 / 1e9),
    ],
)
def test_gpt_oss_gguf_is_the_published_mxfp4_file(name: str, published_gb: float) -> None:
    assert _all_weights(name) / 1e9 == pytest.approx(published_gb, rel=0.01)


def test_bare_ggml_org_repo_says_which_file() -> None:
    doc = _doc("estimate", "ggml-org/gpt-oss-20b-GGUF", "--engine", "llama.cpp")
    assert any("MXFP4_MOE" in a for a in doc["assumptions"])
    assert not any("Q4_K_M" in a for a in doc["assumptions"])


def test_other_gguf_repos_still_default_to_q4_k_m() -> None:
    """A repo with many files: `-hf` pulls Q4_K_M (llama.cpp common/arg.cpp `--hf-repo` help "default to
    Q4_K_M"); unsloth/gpt-oss-20b-GGUF lists gpt-oss-20b-Q4_K_M.gguf."""
    doc = _doc("estimate", "unsloth/gpt-oss-20b-GGUF", "--engine", "llama.cpp")
    assert any("Q4_K_M file" in a for a in doc["assumptions"])


# --- 3. "nemotron-nano-9b": the one Nemotron Nano of 9B ---------------------------------------------------
# NVIDIA publishes one 9B Nano: NVIDIA-Nemotron-Nano-9B-v2 (huggingface.co/nvidia/NVIDIA-Nemotron-Nano-9B-v2:
# "a hybrid architecture consisting primarily of Mamba-2 and MLP layers combined with just four Attention
# layers"; the v1 Nanos are Llama-3.1-Nemotron-Nano-8B-v1 and -4B-v1.1). Before: approximated as a dense
# Llama-3.1-8B shape of 8.90B params, every layer full attention.
def test_nemotron_nano_without_version_is_the_v2_model() -> None:
    spec = llmsize.resolve("nemotron-nano-9b")
    assert spec.hf_repo == "nvidia/NVIDIA-Nemotron-Nano-9B-v2"
    assert spec.model_type == "nemotron_h"
    assert "taken as NVIDIA-Nemotron-Nano-9B-v2" in spec.provenance.note


def test_the_versioned_name_carries_no_guess_note() -> None:
    assert "states no version" not in (llmsize.resolve("Nemotron-Nano-9B-v2").provenance.note or "")


def test_a_size_of_the_variant_the_catalog_lacks_is_not_taken() -> None:
    """Nemotron Nano 4B v1.1 is Llama-3.1-Nemotron-Nano-4B-v1.1, no Nemotron-H: a 5B Nano is no model."""
    assert "states no version" not in (llmsize.resolve("nemotron-nano-5b").provenance.note or "")


# --- 4. Ollama's cloud-only libraries --------------------------------------------------------------------
# ollama.com/library/kimi-k2-thinking and ollama.com/library/minimax-m2 list one tag each, "kimi-k2-thinking:
# cloud" and "minimax-m2:cloud" ("ollama run kimi-k2-thinking:cloud", madebyagents.com/hardware/models/
# kimi-k2-thinking): run on Ollama's cloud service, nothing downloaded. Before: "cannot run fp8/int4", then a
# Q4_K_M file no tag has.
@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("kimi-k2-thinking", "kimi-k2-thinking:cloud"),
        ("moonshotai/Kimi-K2-Thinking", "kimi-k2-thinking:cloud"),
        ("minimax-m2", "minimax-m2:cloud"),
    ],
)
@pytest.mark.parametrize("command", ["estimate", "plan", "fit"])
def test_cloud_only_models_under_ollama_say_so(
    name: str, tag: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from llmsize.cli.app import main

    with pytest.raises(SystemExit) as exited:
        main([command, name, "--engine", "ollama", *(["--gpu", "RTX-4090"] if command != "estimate" else [])])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    line = err.strip()
    assert tag in line and "--engine llama.cpp" in line
    assert "cannot run" not in line


def test_the_local_route_sizes_the_gguf() -> None:
    """--engine llama.cpp sizes the GGUF `-hf` pulls (unsloth/Kimi-K2-Thinking-GGUF's Q4_K_M), no refusal."""
    doc = _doc("estimate", "kimi-k2-thinking", "--engine", "llama.cpp")
    assert doc["all_weights_bytes"] > 0


def test_a_library_with_local_tags_is_unchanged() -> None:
    """ollama.com/library/deepseek-v3.1 has local tags (deepseek-v3.1:671b): still sized, not refused."""
    assert _doc("estimate", "deepseek-v3.1", "--engine", "ollama")["all_weights_bytes"] > 0
