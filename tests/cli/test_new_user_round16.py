"""Newcomer audit, round 16 (issue 15): SGLang's longest context stops at its token pool, `compare`'s
models-on-one-GPU advice reads the GPUs column it prints, GPU names typed without "RTX" resolve, and the
first example of docs/how-to-read.md prints what the tool prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.hardware import gpus as gpu_catalog
from llmsize.hardware.gpus import get_gpu
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs"


# --- (a) SGLang: a request is capped at the token pool -----------------------------------------------------
# `fit moonshotai/Kimi-K2-Instruct --gpu H200 --engine sglang --num-gpus 8` said "longest context at batch 1:
# 131,072 tokens" beside "2.0 GiB of KV cache hold 7 concurrent sequences of 4,096 tokens" (a 30,812-token
# pool); `fit Qwen3-8B --gpu RTX-4090 --engine sglang` said 40,960 for a 7,088-token pool. SGLang starts with
# such a pool and caps every request: max_req_len = min(context_len - 1, max_total_num_tokens - 1)
# (sgl-project/sglang python/sglang/srt/managers/scheduler.py).
@pytest.mark.parametrize("args", [
    ("Qwen3-8B", "--gpu", "RTX-4090"),
    ("moonshotai/Kimi-K2-Instruct", "--gpu", "H200-SXM-141GB", "--num-gpus", "8"),
    ("gpt-oss-20b", "--gpu", "L4"),
    ("gemma-3-27b", "--gpu", "H100-SXM-80GB"),
])
def test_sglang_longest_context_is_the_pools_longest_request(args: tuple[str, ...]) -> None:
    row = next(o for o in _json("fit", *args, "--engine", "sglang")["options"] if o["fits"])
    window = row["max_context"]
    assert row["kv_tokens"] is not None and row["kv_tokens"] < 131072  # shorter than the model's window
    assert window == row["kv_tokens"] - 1
    shown = runner.invoke(app, ["fit", *args, "--engine", "sglang"], env={"COLUMNS": "200"}).stdout
    text = " ".join(shown.split())
    assert f"longest context at batch 1: {window:,} tokens" in text


def test_sglang_longest_context_agrees_across_fit_compare_and_estimate() -> None:
    args = ("Qwen3-8B", "--engine", "sglang")
    fit = _json("fit", *args, "--gpu", "RTX-4090")["options"][0]
    row = _json("compare", *args, "--gpus", "RTX-4090,H100-SXM-80GB")["rows"][0]
    est = _json("estimate", *args, "--gpu", "RTX-4090")["gpus"][0]
    assert fit["max_context"] == row["max_context"] == est["max_context"] == fit["kv_tokens"] - 1


def test_sglang_pool_longer_than_the_window_keeps_the_window() -> None:
    # Qwen3-8B on an H100: a pool of several hundred thousand tokens; the model's 40,960 bounds it
    row = _json("fit", "Qwen3-8B", "--gpu", "H100-SXM-80GB", "--engine", "sglang")["options"][0]
    assert row["kv_tokens"] > 40960 and row["max_context"] == 40960


# --- (b) compare MODELS --gpu G: the advice reads the table ----------------------------------------------
# `compare Qwen/Qwen3-32B Qwen/Qwen3-32B-AWQ unsloth/Qwen3-32B-GGUF:Q4_K_M qwen3:32b --gpu 4090 --context
# 32k` showed "2 (PP2)" GPUs for three of them and then "None of these fits one RTX-4090; try a smaller
# quantization or --num-gpus auto": --num-gpus auto is the default that filled that column, and passing it
# printed the same line again.
QWEN32 = ("Qwen/Qwen3-32B", "Qwen/Qwen3-32B-AWQ", "unsloth/Qwen3-32B-GGUF:Q4_K_M", "qwen3:32b")


@pytest.mark.parametrize("auto", [(), ("--num-gpus", "auto")])
def test_models_on_one_gpu_recommend_among_the_fewest_that_fit(auto: tuple[str, ...]) -> None:
    args = ["compare", *QWEN32, "--gpu", "RTX-4090", "--context", "32k", *auto]
    doc = _json(*args)
    fits = [r for r in doc["rows"] if r["fits"]]
    assert fits and all(r["count"] > 1 for r in fits)
    fewest = min(r["count"] for r in fits)
    text = " ".join(runner.invoke(app, args, env={"COLUMNS": "200"}).stdout.split())
    assert "--num-gpus auto" not in text
    assert f"on {fewest} x RTX-4090 (none fits one)" in text
    named = text.split("Recommendation: ", 1)[1].split(" (", 1)[0]
    assert named in {r["model"] for r in fits if r["count"] == fewest}


def test_models_pinned_to_one_gpu_are_told_about_more() -> None:
    args = ["compare", *QWEN32[1:3], "--gpu", "RTX-4090", "--context", "32k", "--num-gpus", "1"]
    text = " ".join(runner.invoke(app, args, env={"COLUMNS": "200"}).stdout.split())
    assert "None of these fits one RTX-4090" in text and "--num-gpus auto" in text


def test_one_model_that_fits_is_not_ranked_by_bits_per_weight() -> None:
    # Llama 3.3 70B (bf16, 131 GiB) needs several cards: only Qwen3-8B fits one 24 GB card
    args = ["compare", "Qwen3-8B", "Llama-3.3-70B-Instruct", "--gpu", "RTX-4090", "--context", "8k"]
    text = " ".join(runner.invoke(app, args, env={"COLUMNS": "200"}).stdout.split())
    assert "Recommendation: Qwen3-8B (bf16) on RTX-4090: the only one that fits" in text
    assert "bits per weight" not in text


def test_a_tie_in_speed_is_not_called_faster() -> None:
    args = ["compare", *QWEN32, "--gpu", "RTX-4090", "--context", "32k"]
    assert "1.0x faster" not in runner.invoke(app, args, env={"COLUMNS": "200"}).stdout


# --- (c) GPU names as owners type them ----------------------------------------------------------------
# "3060 12GB" was unknown while "4060ti 16gb" resolved (the alias rtx3060-12gb keeps "rtx"); "RTX 6000 Pro",
# the word order of many owners' posts, suggested RTX-A6000 first.
@pytest.mark.parametrize(("typed", "gpu_id"), [
    ("3060 12GB", "RTX-3060-12GB"), ("RTX 6000 Pro", "RTX-PRO-6000-Blackwell"),
    ("rtx 6000 pro blackwell", "RTX-PRO-6000-Blackwell"), ("PRO 6000", "RTX-PRO-6000-Blackwell"),
    ("RTX 6000 Pro Max-Q", "RTX-PRO-6000-Blackwell-Max-Q"), ("GeForce RTX 4090", "RTX-4090"),
    ("RTX 6000 Ada", "RTX-6000-Ada"), ("rtx a6000", "RTX-A6000"),
])
def test_gpu_names_without_the_brand_word(typed: str, gpu_id: str) -> None:
    assert get_gpu(typed).id == gpu_id


def test_no_two_catalog_gpus_share_a_name_without_brand_words() -> None:
    catalog = gpu_catalog.load_catalog(())
    owners: dict[str, set[str]] = {}
    for gpu in catalog:
        for key in gpu_catalog._lookup_keys((gpu.id, *gpu.aliases, gpu.name)):
            owners.setdefault(key, set()).add(gpu.id)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert not shared


# --- (d) docs/how-to-read.md's first example --------------------------------------------------------------
# The page showed `estimate Qwen2.5-7B-Instruct --context 32k` with "range GiB" and "formula / assumption"
# columns that the table no longer prints (they moved to `llmsize explain`), and explained both columns.
def test_how_to_read_example_is_the_table_the_tool_prints() -> None:
    page = (DOCS / "how-to-read.md").read_text()
    command = "$ llmsize estimate Qwen2.5-7B-Instruct --context 32k\n"
    block = page.split("```text\n" + command, 1)[1].split("```", 1)[0]
    args = ["Qwen2.5-7B-Instruct", "--context", "32k"]
    result = runner.invoke(app, ["estimate", *args], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    shown = result.stdout.splitlines()
    table = [line for line in block.splitlines() if line[:1] in "┏┃┡│├└"]
    assert table and all(line in shown for line in table)
    assert "Formulas and low-high ranges: llmsize explain with the same arguments." in block
    explain = runner.invoke(app, ["explain", *args], env={"COLUMNS": "100"})
    ranges = re.findall(r"range:\s+([\d.]+ GiB – [\d.]+ GiB)", page)
    assert ranges and all(r in explain.stdout for r in ranges)


# --- (e) the context sized without --context ------------------------------------------------------------
# `estimate falcon-7b --engine vllm` sized 4,096 tokens and warned that vLLM refuses to start with them,
# while `--gpu L4` sized the 2,048 vLLM derives from the config and starts with (falcon-7b was trained at
# 2,048 tokens; vLLM's _get_and_verify_max_len falls back to 2,048 where no length key is set). The derived
# length does not depend on the card, so every command sizes it.
@pytest.mark.parametrize("engine", ["vllm", "sglang"])
@pytest.mark.parametrize("gpus", [(), ("--gpu", "L4"), ("--gpu", "L4,H100-SXM-80GB")])
def test_serving_engines_size_their_derived_length_with_or_without_a_gpu(engine: str,
                                                                          gpus: tuple[str, ...]) -> None:
    for command in ("estimate", "explain"):
        doc = _json(command, "falcon-7b", "--engine", engine, *gpus)
        assert doc["workload"]["context"] == 2048
        assert not any("refuses to start" in w for w in doc["warnings"])
        assert all(g["fits"] for g in doc["gpus"])


# `--help` said "[default: 4096]" for --context, while `estimate llama3.3 --gpu 4090` sizes Ollama's 32,768
# (NumCtx by total VRAM: 32,768 from 23 GiB; ollama/ollama server/routes.go) and vLLM takes falcon-7b's 2,048.
@pytest.mark.parametrize("command", ["estimate", "fit", "plan", "compare", "explain"])
def test_context_help_says_which_engines_pick_their_own(command: str) -> None:
    shown = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100"}).stdout
    option = shown.split("--context <str>", 1)[1]
    said = " ".join(option.split("--prompt-tokens", 1)[0].split("--batch", 1)[0].split())
    assert "[default: 4096]" not in said
    assert "Ollama's own by GPU memory" in said and "derived length" in said
    assert _json("estimate", "llama3.3", "--gpu", "RTX-4090")["workload"]["context"] == 32768


# --- (f) AutoRound uploads: GPTQ tensors ------------------------------------------------------------------
# `estimate Intel/Qwen3-8B-int4-AutoRound` said "autoround 4-bit" in the header and sized bf16 weights
# (16.6 GiB) with "a format llmsize does not model". Intel's int4 AutoRound uploads store GPTQ tensors:
# quantization_config {"quant_method": "auto-round", "bits": 4, "group_size": 128, "sym": true,
# "data_type": "int", "packing_format": "auto_round:auto_gptq"} (huggingface.co/Intel/
# gemma-4-31B-it-int4-AutoRound, Intel/Seed-OSS-36B-Instruct-int4-AutoRound).
INTEL_INT4_CONFIG = {"bits": 4, "group_size": 128, "sym": True, "data_type": "int",
                     "autoround_version": "0.13.0", "quant_method": "auto-round",
                     "packing_format": "auto_round:auto_gptq"}


def test_autoround_name_is_sized_as_the_gptq_tensors_it_stores() -> None:
    named = _json("estimate", "Intel/Qwen3-8B-int4-AutoRound")
    gptq = _json("estimate", "Qwen3-8B", "--quant", "gptq")
    assert named["memory"]["weights"] == gptq["memory"]["weights"]
    assert not any("does not model" in w for w in named["warnings"])
    assert named["memory"]["weights"] < 0.45 * _json("estimate", "Qwen3-8B")["memory"]["weights"]


def test_autoround_against_vllms_own_weights_line() -> None:
    # Qwen3.6-27B AutoRound INT4 on 4 x RTX 3090, vLLM TP 4 with its MTP layer: "Model loading took
    # 4.53 GiB" per rank (noonghunna/club-3090 PR #44; tests/golden/engine_logs.yaml
    # vllm-qwen3.6-27b-4x3090-tp4-weights)
    doc = _json("estimate", "Intel/Qwen3.6-27B-int4-AutoRound", "--engine", "vllm", "--tp", "4",
                "--num-gpus", "4", "--gpu", "RTX-3090", "--context", "262144", "--kv-dtype", "fp8",
                "--max-num-seqs", "4", "--max-num-batched-tokens", "8192", "--speculative", "mtp",
                "--num-speculative-tokens", "3")
    assert doc["gpus"][0]["device_weights_bytes"] == pytest.approx(4.53 * 2**30, rel=0.02)


def test_autoround_config_reads_as_gptq_and_other_data_types_stay_unmodelled() -> None:
    from llmsize.specs.formats import weight_format_from_config
    from llmsize.specs.models import QuantMethod

    config = {"torch_dtype": "bfloat16", "quantization_config": INTEL_INT4_CONFIG}
    fmt, warnings = weight_format_from_config(config)
    assert (fmt.quant, fmt.bits, fmt.group_size, fmt.sym, warnings) == (QuantMethod.GPTQ, 4, 128, True, [])
    old = {**INTEL_INT4_CONFIG, "quant_method": "intel/auto-round"}  # auto-round 0.4's spelling
    assert weight_format_from_config({"quantization_config": old})[0].quant == QuantMethod.GPTQ
    mx = {**INTEL_INT4_CONFIG, "data_type": "mx_fp", "packing_format": "auto_round:llm_compressor"}
    fmt, warnings = weight_format_from_config({"torch_dtype": "bfloat16", "quantization_config": mx})
    assert fmt.quant is None and "auto-round" in warnings[0]


# --- (g) a memory size where the GPU goes --------------------------------------------------------------
# `fit Qwen3-8B --mode lora --gpu 24GB` ("LoRA on a 24 GB card") was answered "Did you mean: M2-24GB,
# M3-24GB, M4-Pro-16core-24GB, ...": Macs whose ids end in the size. It now says what --gpu takes and
# names the 24 GB cards (RTX 4090, RTX 3090: 24 GB GDDR6X on nvidia.com).
@pytest.mark.parametrize("typed", ["24GB", "24 GB", "24gib"])
def test_a_memory_size_for_gpu_names_the_cards_of_that_size(typed: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from llmsize.cli import main

    with pytest.raises(SystemExit) as ended:
        main(["fit", "Qwen3-8B", "--mode", "lora", "--gpu", typed])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "--gpu names a GPU, not its memory" in err and "llmsize gpus --min-memory 24GB" in err
    said = err.split("Did you mean: ", 1)[1].strip().rstrip("?").split(", ")
    assert {"RTX-4090", "RTX-3090"} <= set(said) and not any(s.startswith("M") and "GB" in s for s in said)
    # the driver's total of a "24 GB" card: 24,564 MiB on an RTX 4090 (nvidia-smi), 24 GiB of chips
    assert all(get_gpu(s).memory_bytes == pytest.approx(24 * 2**30, rel=0.01) for s in said)


# --- (h) the Python API beside the CLI, as the README says ------------------------------------------------
# `llmsize.estimate(llmsize.resolve("qwen3:30b"), llmsize.Workload())` gave 58.2 GiB (transformers, the GGUF
# dequantized to bf16) where `llmsize estimate qwen3:30b` gives 18.0 GiB (Ollama's Q4_K_M, 19 GB on
# ollama.com/library/qwen3): Workload's engine default is transformers. The README now says how to ask the
# API for the CLI's answer; this checks that sentence.
def test_readme_api_sentence_gives_the_clis_answer() -> None:
    import llmsize

    readme = (DOCS.parent / "README.md").read_text()
    said = 'llmsize.estimate(llmsize.resolve("qwen3:30b"), llmsize.Workload(engine="ollama"))'
    assert said in " ".join(readme.split())
    api = llmsize.estimate(llmsize.resolve("qwen3:30b"), llmsize.Workload(engine="ollama"))
    cli = _json("estimate", "qwen3:30b")
    assert api.total_bytes == cli["memory"]["total"]
    bf16 = llmsize.estimate(llmsize.resolve("qwen3:30b"), llmsize.Workload())
    assert bf16.weights_bytes > 3 * api.weights_bytes  # transformers: the GGUF dequantized to bf16
