"""Newcomer audit, round 6 (issue 15, "right answers by default"): late-2026 names as people type them,
each finding checked against the published config, library tag, log line or model card it is about."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import llmsize
from llmsize.cli.app import main, usage_line
from newcomer_cli import json_doc as _doc
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()
MIB = 1 << 20


# --- 1. Llama 4 Scout Instruct: its own config's 10M positions, not the base's 256K --------------------
# huggingface/text-generation-inference PR 3245: "The Llama-4-Scout-17B-16E-Instruct's
# max_position_embeddings is 40 times that of Llama-4-Scout-17B-16E" (40 x 262,144 = 10,485,760);
# tenstorrent/tt-inference-server PR 564: Scout 256K, Scout-Instruct 10240K. vLLM takes its default
# max_model_len from that value; the alias was sized from the base repo's config (262,144).
@pytest.mark.parametrize(
    "name", ["meta-llama/Llama-4-Scout-17B-16E-Instruct", "Llama-4-Scout-17B-16E-Instruct"]
)
def test_scout_instruct_defaults_to_its_ten_million_positions(name: str) -> None:
    doc = _doc("estimate", name, "--engine", "vllm", "--gpu", "H100", "--num-gpus", "8")
    assert doc["model"]["architecture"]["max_context"] == 10_485_760
    said = " ".join(doc["assumptions"])
    assert "vLLM takes the model's 10,485,760 tokens" in said


def test_scout_base_keeps_its_own_positions() -> None:
    doc = _doc("estimate", "Llama-4-Scout-17B-16E")
    assert doc["model"]["architecture"]["max_context"] == 262_144


# --- 2. Unsloth Dynamic 4-bit uploads ------------------------------------------------------------------
# unsloth.ai/blog/dynamic-4bit: "dynamically opting not to quantize certain parameters ... <10% more VRAM
# than BnB 4-bit" (Qwen2-VL-2B: 1.36GB all-4-bit, 1.81GB Unsloth's). The name part 'unsloth' was "not
# understood: it changes nothing", and nothing said the 16-bit modules were left out of the size.
@pytest.mark.parametrize("name", ["unsloth/Qwen3-14B-unsloth-bnb-4bit", "Qwen3-14B-unsloth-bnb-4bit"])
def test_unsloth_dynamic_bnb_is_understood_and_said_approximate(name: str) -> None:
    assert _doc("parse", name)["extra"] == []
    doc = _doc("estimate", name, "--mode", "qlora")
    warnings = " ".join(doc["warnings"])
    assert "not understood" not in warnings
    assert "Unsloth Dynamic 4-bit" in warnings and "llm_int8_skip_modules" in warnings
    assert doc["model"]["weight_format"].startswith("bnb-nf4")


def test_plain_bnb_upload_is_not_called_dynamic() -> None:
    doc = _doc("estimate", "unsloth/Qwen3-14B-bnb-4bit", "--mode", "qlora")
    assert "Unsloth Dynamic" not in " ".join(doc["warnings"])


# --- 3. MLX (and EXL2) weights under transformers -------------------------------------------------------
# transformers quantizers/auto.py AUTO_QUANTIZER_MAPPING has no mlx or exl2 quantizer: from_pretrained
# cannot load Qwen/Qwen3-32B-MLX-4bit's packed weights. The default engine listed "weights loaded as mlx
# 4-bit" with nothing else, in inference and in QLoRA (where the engine's notes were dropped altogether).
@pytest.mark.parametrize("mode", ["inference", "qlora"])
def test_mlx_under_transformers_says_it_needs_mlx(mode: str) -> None:
    doc = _doc("estimate", "Qwen3-32B-MLX-4bit", "--mode", mode)
    assert any("transformers cannot load mlx 4-bit" in a and "mlx-lm" in a for a in doc["assumptions"])


def test_a_quant_transformers_loads_drops_the_mlx_note() -> None:
    doc = _doc("estimate", "Qwen3-32B-MLX-4bit", "--quant", "awq")
    assert not any("cannot load" in a for a in doc["assumptions"])


# --- 4. Hints a newcomer reads ---------------------------------------------------------------------------
def test_missing_bartowski_gguf_offers_its_name(capsys: pytest.CaptureFixture[str]) -> None:
    # bartowski/Qwen_Qwen3-30B-A3B-GGUF lists Qwen_Qwen3-30B-A3B-Q4_K_M.gguf; the name resolves by itself
    with pytest.raises(SystemExit) as ended:
        main(["estimate", "Qwen_Qwen3-30B-A3B-Q4_K_M.gguf"])
    assert ended.value.code == 2
    assert "size it by name: Qwen_Qwen3-30B-A3B-Q4_K_M" in capsys.readouterr().err


def test_report_with_a_file_names_report_show() -> None:
    import click

    err = click.exceptions.UsageError("No such command 'out.json'.", ctx=None)
    err.ctx = type("Ctx", (), {"command_path": "llmsize report"})()
    assert usage_line(err).endswith("to show a saved report: llmsize report show out.json")
    other = click.exceptions.UsageError("No such command 'shwo'.")
    other.ctx = type("Ctx", (), {"command_path": "llmsize report"})()
    assert usage_line(other).endswith("see 'llmsize report --help'")


def test_gpus_with_a_gpu_name_says_where_the_name_goes(capsys: pytest.CaptureFixture[str]) -> None:
    # `llmsize gpus 5090` said only "Got unexpected extra argument(s) (5090)"
    with pytest.raises(SystemExit) as ended:
        main(["gpus", "5090"])
    err = capsys.readouterr().err
    assert ended.value.code == 2
    assert "--gpu 5090" in err and "--vendor" in err


# --- 5. Ollama's qwen2.5vl tag ---------------------------------------------------------------------------
# ollama.com/library/qwen2.5vl; ollama/ollama#10801 loads qwen2.5vl:7b with "layers.model=29" and
# "memory.required.kv=224.0 MiB" at its 4,096-token default: 28 layers x 2 x 4 KV heads x 128 x f16.
def test_qwen25vl_tag_is_qwen25_vl_7b() -> None:
    parsed = _doc("parse", "qwen2.5vl:7b")
    said = (parsed["series"], parsed["version"], parsed["variant"], parsed["extra"])
    assert said == ("qwen", "2.5", "vl", [])
    spec = llmsize.resolve("qwen2.5vl:7b")
    assert spec.hf_repo == "Qwen/Qwen2.5-VL-7B-Instruct"
    doc = _doc("estimate", "qwen2.5vl:7b", "--engine", "ollama", "--context", "4096")
    assert doc["memory"]["kv_cache"] == 224 * MIB


def test_mlx_on_a_mac_is_not_sent_to_vllm(capsys: pytest.CaptureFixture[str]) -> None:
    # llama.cpp (the Mac default) refuses MLX weights; its hint said "or use --engine vllm", which refuses
    # them too (vllm.py unsupported_formats). The hint now names the runtime and the engine that sizes them.
    with pytest.raises(SystemExit) as ended:
        main(["fit", "Qwen3-32B-MLX-4bit", "--gpu", "M4-Max-128GB"])
    err = capsys.readouterr().err
    assert ended.value.code == 2
    assert "--engine vllm" not in err and "mlx-lm" in err
