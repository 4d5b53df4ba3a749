"""Newcomer audit, round 17 (issue 15): explain's KV line ends at the KV cache the estimate counts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()


# --- (a) explain: the KV line's last figure is the component ----------------------------------------------
# `explain gemma-4-e2b` printed "KV cache: 0.00 GiB" over numbers ending "at 4,096 tokens x batch 1:
# 75,497,472 B (0.07 GiB)": the peak is in prefill at the embeddings (per-layer inputs, masks, rotary
# tables), before any layer has written its K/V, so none of the cache is live at that moment (the components
# are what is live at the peak, ../shared/DESIGN.md). Qwen3.5-27B showed 423,362,560 B under 0.38 GiB
# (406,585,344 B live: one full-attention layer's K/V is not written yet at the peak). Round 9 made the
# weight line end at its component; the KV line now does the same.
@pytest.mark.parametrize("model", [
    "gemma-4-e2b", "Qwen3.5-27B", "Qwen/Qwen3-Next-80B-A3B-Instruct", "Kimi-Linear-48B-A3B-Instruct",
    "gemma-3-270m",
])
def test_kv_numbers_end_at_the_component(model: str) -> None:
    doc = _json("estimate", model)
    detail = doc["components"]["kv_cache"]["detail"]
    last = detail.rsplit(": ", 1)[1].split(" B")[0]
    assert int(last.replace(",", "")) == doc["memory"]["kv_cache"]
    assert "live at the peak (prefill)" in detail


def test_kv_line_unchanged_where_the_whole_cache_is_live() -> None:
    doc = _json("estimate", "Qwen2.5-7B-Instruct", "--context", "8k")
    detail = doc["components"]["kv_cache"]["detail"]
    assert "live at the peak" not in detail
    assert detail.endswith(f"{doc['memory']['kv_cache']:,} B ({doc['memory']['kv_cache'] / 2**30:.2f} GiB)")


def test_explain_shows_the_live_part_under_its_headline() -> None:
    text = " ".join(runner.invoke(app, ["explain", "gemma-4-e2b"], env={"COLUMNS": "80"}).stdout.split())
    assert "KV cache: 0.00 GiB" in text
    assert "75,497,472 B (0.07 GiB) in all; live at the peak (prefill): 0 B (0.00 GiB)" in text


# --- (b) check: a MoE that overflows one llama.cpp GPU is offered --n-cpu-moe ------------------------------
# `check --gpu RTX-4060-Ti-16GB -- llama-server -hf unsloth/Qwen3.6-35B-A3B-GGUF:Q4_K_M -c 32768 -ngl 99`
# said "--gpu-layers N ... or --n-cpu-moe N keeps the experts of N layers in CPU RAM" and then offered only
# "-ngl 28" (12 whole layers from host RAM), while its own fit row (cpu_moe_layers 14, ~48 tokens/s) and
# `plan` for the same model chose --n-cpu-moe. llama-server's default --fit moves experts first, keeping the
# dense weights on the GPU (ggml-org/llama.cpp tools/fit-params/README.md; hardware/planner.py
# _with_cpu_moe); a MoE's experts off the GPU are read only where a token picks them.
MOE_16GB = ("--gpu", "RTX-4060-Ti-16GB", "--", "llama-server", "-hf", "unsloth/Qwen3.6-35B-A3B-GGUF:Q4_K_M",
            "-c", "32768", "-ngl", "99")


def test_check_offers_the_fit_rows_n_cpu_moe_first() -> None:
    result = runner.invoke(app, ["check", "--format", "json", *MOE_16GB])
    assert "does not fit" in str(result.exception)  # cli.main maps it to exit 3
    doc = json.loads(result.stdout)
    n = doc["gpus"][0]["cpu_moe_layers"]
    assert n is not None and 0 < n < 40
    first = doc["check"]["suggestions"][0]
    assert first["flags"] == {"--n-cpu-moe": n}
    assert first["command"].endswith(f"-ngl 99 --n-cpu-moe {n}")
    assert any(s["flags"].get("-ngl") for s in doc["check"]["suggestions"][1:])  # still offered, after
    text = " ".join(runner.invoke(app, ["check", *MOE_16GB], env={"COLUMNS": "80"}).stdout.split())
    assert f"the experts of {n} of 40 layers in CPU RAM" in text


def test_check_offers_no_n_cpu_moe_for_a_dense_model() -> None:
    args = ["check", "--format", "json", "--gpu", "RTX-4060-Ti-16GB", "--", "llama-server", "-hf",
            "unsloth/Qwen3.5-27B-GGUF:Q4_K_M", "-c", "8192", "-ngl", "99"]
    result = runner.invoke(app, args)
    doc = json.loads(result.stdout)
    assert not any("--n-cpu-moe" in s["flags"] for s in doc["check"]["suggestions"])


# --- (c) a Qwen3.5/3.6 size no entry has takes the Qwen3.5 grid ------------------------------------------
# `estimate Qwen3.6-9B` said "approximated ... with the shape of Qwen3-8B (the nearest size of its own
# family ...: the qwen grid Qwen3-0.6B, ..., Qwen3-32B)": the version "3.6" matched the grid keyed "3"
# (a prefix test), so a Qwen3.6 name got Qwen3's all-attention decoder, its 40,960-token context and a KV
# cache of every layer. Qwen3.6 reuses the Qwen3.5 shapes (model_specs/qwen3.5.yaml: the Qwen3.6-27B and
# Qwen3.6-35B-A3B cards list the Qwen3.5 layers, widths, heads and vocabulary): three Gated DeltaNet layers
# to one full-attention layer, 262,144 positions (hf.co/Qwen/Qwen3.5-9B config.json).
@pytest.mark.parametrize("name", ["Qwen3.6-9B", "Qwen3.6-14B", "Qwen3.5-14B", "Qwen3.5-1B"])
def test_unknown_qwen3_5_sizes_take_the_hybrid_grid(name: str) -> None:
    doc = _json("estimate", name, "--context", "32k")
    grid = next(w for w in doc["warnings"] if "no known architecture" in w)
    assert "Qwen3.5-9B" in grid and "Qwen3-8B" not in grid
    arch = doc["model"]["architecture"]
    assert arch["max_context"] == 262144
    assert "linear_attention" in arch["layer_kinds"] and "full_attention" in arch["layer_kinds"]


def test_qwen3_names_keep_the_qwen3_grid() -> None:
    grid = next(w for w in _json("estimate", "Qwen3-12B")["warnings"] if "no known architecture" in w)
    assert "Qwen3-8B" in grid and "Qwen3.5" not in grid


# --- (d) check: an AWQ checkpoint is a different download, not a flag ---------------------------------------
# `check --gpu RTX-5090 -- vllm serve Qwen/Qwen3.6-27B-FP8 --max-model-len 32768` offered "an AWQ 4-bit
# checkpoint" as `vllm serve Qwen/Qwen3.6-27B-FP8 --max-model-len 32768 --quantization awq`. vLLM refuses
# that: a checkpoint whose config names another method fails ModelConfig._verify_quantization ("Quantization
# method specified in the model config (fp8) does not match the quantization method specified in the
# `quantization` argument (awq)"), and an unquantized one fails get_quant_config ("Cannot find the config
# file for awq": AWQConfig.get_config_filenames is quant_config.json / quantize_config.json, which only AWQ
# uploads have); vllm 0.17.0 config/model.py, model_executor/model_loader/weight_utils.py. FP8 has no config
# file (Fp8Config.get_config_filenames is []): `--quantization fp8` quantizes a bf16 checkpoint as it loads.
@pytest.mark.parametrize("model", ["Qwen/Qwen3.6-27B-FP8", "Qwen/Qwen3.6-27B"])
def test_check_names_an_awq_checkpoint_without_a_flag_vllm_refuses(model: str) -> None:
    args = ["check", "--format", "json", "--gpu", "RTX-5090", "--", "vllm", "serve", model,
            "--max-model-len", "32768"]
    doc = json.loads(runner.invoke(app, args).stdout)
    awq = next(s for s in doc["check"]["suggestions"] if "AWQ" in s["change"])
    assert awq["flags"] == {} and awq["command"] is None
    assert not any(s["flags"].get("--quantization") == "awq" or "awq" in (s["command"] or "")
                   for s in doc["check"]["suggestions"])
    text = " ".join(runner.invoke(app, args[:1] + args[3:], env={"COLUMNS": "80"}).stdout.split())
    assert "an AWQ 4-bit checkpoint of the model" in text and "32768 --quantization awq" not in text


def test_check_still_offers_online_fp8_for_a_bf16_checkpoint() -> None:
    args = ["check", "--format", "json", "--gpu", "RTX-4090", "--", "vllm", "serve", "Qwen/Qwen3-14B",
            "--max-model-len", "8192"]
    doc = json.loads(runner.invoke(app, args).stdout)
    fp8 = next(s for s in doc["check"]["suggestions"] if "FP8 checkpoint" in s["change"])
    assert fp8["flags"] == {"--quantization": "fp8"} and fp8["command"].endswith("--quantization fp8")


# --- (e) plan's llama-server -hf command loads what the plan sized ----------------------------------------
# `plan unsloth/Qwen3.6-35B-A3B-GGUF:Q4_K_M --gpu RTX-4060-Ti-16GB --context 32k` printed
# `llama-server -hf unsloth/Qwen3.6-35B-A3B-GGUF:Q4_K_M -c 32768 -np 1 -ngl 41 --n-cpu-moe 12`, sized for the
# text GGUF alone; `check` of that very command said "DOES NOT FIT: needs 16.14 GiB per GPU of 15.57 GiB",
# because -hf also downloads and loads the repository's mmproj file (the vision tower; common/arg.cpp -hf:
# "mmproj is also downloaded automatically if available. to disable, add --no-mmproj"). A text-only plan
# says --no-mmproj, so the command runs what was sized.
PLAN_16GB = ("plan", "unsloth/Qwen3.6-35B-A3B-GGUF:Q4_K_M", "--gpu", "RTX-4060-Ti-16GB", "--context", "32k")


def _plan_command(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return next(line for line in result.stdout.splitlines() if line.startswith("llama-server"))


def test_text_plan_with_hf_says_no_mmproj_and_check_agrees() -> None:
    command = _plan_command(*PLAN_16GB)
    assert command.split()[-1] == "--no-mmproj"
    checked = runner.invoke(app, ["check", "--format", "json", "--gpu", "RTX-4060-Ti-16GB", "--",
                                  *command.split()])
    assert json.loads(checked.stdout)["check"]["fits"] is True


def test_text_only_model_gets_no_flag() -> None:
    command = _plan_command("plan", "unsloth/Qwen3-30B-A3B-GGUF:Q4_K_M", "--gpu", "RTX-4060-Ti-16GB")
    assert "mmproj" not in command
