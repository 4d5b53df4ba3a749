"""Newcomer audit, round 10 (issue 15, "right answers by default"): names and hardware of December 2026."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.cli.app import main
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()


# --- (a) a comma-separated list of models ---------------------------------------------------------------
# `--gpus H100,L40S` takes a list, so `compare Qwen3.5-9B,gemma-4-E4B-it,gpt-oss-20b --gpus RTX-4090` was
# typed; it sized one approximated "20B" Qwen with four "name part not understood" warnings, exit 0.
# No repo id holds a comma (huggingface_hub REPO_ID_REGEX: letters, digits, "-", "_", ".").
def test_compare_reads_a_comma_list_as_several_models() -> None:
    doc = _json("compare", "Qwen3.5-9B,gemma-4-E4B-it,gpt-oss-20b", "--gpu", "RTX-4090")
    assert [r["model"] for r in doc["rows"]] == ["Qwen3.5-9B", "gemma-4-E4B-it", "gpt-oss-20b"]
    # the same as typing them apart
    apart = _json("compare", "Qwen3.5-9B", "gemma-4-E4B-it", "gpt-oss-20b", "--gpu", "RTX-4090")
    assert [r["per_gpu_bytes"] for r in doc["rows"]] == [r["per_gpu_bytes"] for r in apart["rows"]]
    # gpt-oss-20b: 20.9B parameters in the checkpoint (openai/gpt-oss model card: "21B parameters")
    assert doc["rows"][2]["weight_format"].startswith("mxfp4")


@pytest.mark.parametrize("command", [["estimate"], ["fit", "--gpu", "RTX-4090"], ["explain"]])
def test_one_model_commands_refuse_a_comma_list(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        main([command[0], "Qwen3.5-9B,gpt-oss-20b", *command[1:]])
    assert ended.value.code == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "names 2 models" in err and "llmsize compare Qwen3.5-9B gpt-oss-20b" in err
    assert "approximated" not in captured.out + err


def test_a_comma_list_in_the_python_api_is_bad_input() -> None:
    import llmsize
    from llmsize.errors import BadInputError

    with pytest.raises(BadInputError, match="names 2 models"):
        llmsize.resolve("Qwen3.5-9B, gpt-oss-20b")


# --- (b) compare's recommendation does not depend on the order the GPUs were typed ---------------------
# Under transformers at batch 1 gpt-oss-20b decodes at the same rate on an RTX 4090 and an RTX 5090 (the
# step overhead bounds it); the first GPU typed won the tie, with a "fastest:" naming the other at the
# same ~40 tokens/s.
def test_recommendation_is_the_same_whatever_the_gpu_order() -> None:
    one = _json("compare", "gpt-oss-20b", "--gpus", "RTX-4090,RTX-5090")
    two = _json("compare", "gpt-oss-20b", "--gpus", "RTX-5090,RTX-4090")
    assert one["recommendation"] == two["recommendation"]
    rows = {r["gpu"]: r for r in one["rows"]}
    best = min(rows.values(), key=lambda r: (r["count"], -(r["decode_tokens_per_s"] or 0), r["ttft_s"]))
    assert f"1x {best['gpu']}" in one["recommendation"][0]
    if rows["RTX-4090"]["decode_tokens_per_s"] == rows["RTX-5090"]["decode_tokens_per_s"]:
        assert "fastest:" not in one["recommendation"][0]  # a tie names no "fastest" GPU


# --- (c) SGLang refusing to start prints what SGLang prints -------------------------------------------
# sgl-project/sglang model_executor/pool_configurator.py MemoryPoolConfig.__post_init__ raises "Not
# enough memory. Please try to increase --mem-fraction-static." when the static share leaves no token;
# that is before the MambaPool ("Mamba Cache is allocated") and the scheduler's max_total_num_tokens line.
# Qwen3.5-9B in bf16 is 17.59 GiB of weights; SGLang's default static share of an RTX 4090 is 0.636 x
# 23.25 GiB = 14.8 GiB, so it refuses. The estimate printed "max_mamba_cache_size: -30, conv_state size:
# -0.03GB" and a max context of 170,997 tokens for a run that never starts.
def test_sglang_refusal_log_ends_at_its_error() -> None:
    doc = _json("estimate", "Qwen3.5-9B", "--engine", "sglang", "--gpu", "RTX-4090")
    row = doc["gpus"][0]
    assert row["fits"] is False and "static share" in row["reason"]
    assert row["max_context"] == 0
    log = row["engine_log"]
    assert log[0].startswith("Load weight end. mem usage=")
    assert log[-1].startswith("RuntimeError: Not enough memory. Please try to increase --mem-fraction")
    assert not any("Mamba Cache" in line or "max_total_num_tokens" in line for line in log)


def test_sglang_dense_refusal_has_no_pool_line() -> None:
    doc = _json("estimate", "Qwen3-8B", "--engine", "sglang", "--gpu", "RTX-4090",
                "--mem-fraction-static", "0.4")
    row = doc["gpus"][0]
    assert row["fits"] is False and row["max_context"] == 0
    assert row["engine_log"][-1].endswith("Current value: mem_fraction_static=0.4")


def test_sglang_that_starts_keeps_its_whole_log() -> None:
    doc = _json("estimate", "Qwen3.5-9B", "--engine", "sglang", "--gpu", "RTX-5090")
    row = doc["gpus"][0]
    assert row["fits"] is True and row["max_context"] > 0
    log = row["engine_log"]
    assert any(line.startswith("Mamba Cache is allocated. max_mamba_cache_size: ") for line in log)
    assert any(line.startswith("max_total_num_tokens=") for line in row["engine_log"])


# --- (d) --help examples a newcomer copies ---------------------------------------------------------------
# click rewraps a paragraph and breaks words at hyphens: `check --help` showed "--max-model-\nlen 32768" in
# its "·"-joined examples, and `measure --help` showed `pip install "llmsize\[measure]"` (an escape for
# rich markup, which this app turns off). Examples stand one per paragraph, as fit and compare had them.
@pytest.mark.parametrize("command", [
    ["parse"], ["estimate"], ["explain"], ["models"], ["measure"], ["check"], ["plan"],
    ["report", "show"], ["report", "diff"],
])
def test_help_examples_are_one_per_paragraph(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "\\[" not in text
    assert "· llmsize" not in text and "Examples: llmsize" not in text
    examples = text.split("Examples:", 1)[1].split("\n\n")
    commands = [p.strip() for p in examples if p.strip().startswith("llmsize ")]
    assert commands and all(c.startswith(f"llmsize {command[0]}") for c in commands)
    assert not any("--max-model-\n" in c for c in commands)


# --- (e) the hardware as people write it ----------------------------------------------------------------
# "RTX 4090 x2" and "2x RTX 4090" got five look-alike GPU names; the count is --num-gpus'.
@pytest.mark.parametrize("typed", ["RTX 4090 x2", "2x RTX 4090", "2xRTX-4090", "RTX-4090:2"])
def test_a_gpu_count_in_the_name_points_to_num_gpus(typed: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["fit", "Qwen3.5-9B", "--gpu", typed])
    assert ended.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "--gpu RTX-4090 --num-gpus 2" in err


def test_a_count_of_an_unknown_gpu_keeps_the_plain_miss(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["fit", "Qwen3.5-9B", "--gpu", "3x Foo"])
    assert "--num-gpus" not in capsys.readouterr().err


# "Mac M4 Max 128GB" (a Mac is named by its chip, whose GPU the catalog lists) missed; "Apple ..." worked.
@pytest.mark.parametrize("typed", ["Mac M4 Max 128GB", "MacBook Pro M4 Max 128GB", "Apple M4 Max 128GB"])
def test_a_mac_is_its_chip(typed: str) -> None:
    doc = _json("fit", "Qwen3.5-9B", "--gpu", typed)
    assert doc["gpus"][0]["gpu"] == "M4-Max-128GB"


# --- (f) a GGUF type named by --quant ------------------------------------------------------------------
# https://huggingface.co/docs/transformers/gguf: "The GGUF checkpoint is dequantized to fp32 where the
# full model weights are available" (main docs: off Metal "the model is dequantized at load time"). A GGUF
# checkpoint was sized so, but `--quant Q4_K_M --engine transformers` kept 4.8 bits a weight: 7.54 GiB for
# Qwen3.5-9B, whose bf16 weights alone are 17.5 GiB.
def test_transformers_dequantizes_a_gguf_named_by_quant() -> None:
    plain = _json("estimate", "Qwen3.5-9B")
    gguf = _json("estimate", "Qwen3.5-9B", "--quant", "Q4_K_M", "--engine", "transformers")
    assert gguf["memory"]["weights"] == plain["memory"]["weights"]
    assert any("dequantizes GGUF weights on load" in a for a in gguf["assumptions"])
    on_llama_cpp = _json("estimate", "Qwen3.5-9B", "--quant", "Q4_K_M", "--engine", "llama.cpp")
    assert on_llama_cpp["memory"]["weights"] < plain["memory"]["weights"] / 3


# --quant Q4_K_M chose llama.cpp (registry.default_engine: "GGUF files are what llama.cpp runs"), but
# Unsloth's UD-Q4_K_XL, a GGUF file too, stayed on transformers.
def test_an_unsloth_dynamic_quant_defaults_to_llama_cpp() -> None:
    ud = _json("estimate", "Qwen3.6-35B-A3B", "--quant", "UD-Q4_K_XL")
    km = _json("estimate", "Qwen3.6-35B-A3B", "--quant", "Q4_K_M")
    assert ud["workload"]["engine"] == km["workload"]["engine"] == "llama.cpp"
    # sized as its nearest type, with a warning; this hybrid MoE's file keeps attention, the DeltaNet mixer
    # and the shared expert at Q8_0 (specs/unsloth_hybrid_moe.py), so it weighs more than Q4_K_M's rules say
    assert km["memory"]["weights"] < ud["memory"]["weights"] < 1.05 * km["memory"]["weights"]
    assert any("Unsloth Dynamic" in w for w in ud["warnings"] + ud["assumptions"])


# --- (g) the column a filter asks about -----------------------------------------------------------------
# `gpus --fp8` at 80 columns showed BF16 and FP16 and left out FP8 ("not shown at 80 columns: FP8 TFLOPS").
def test_gpus_fp8_keeps_the_fp8_column_at_80_columns() -> None:
    result = runner.invoke(app, ["gpus", "--fp8", "--min-memory", "80GiB"],
                           env={"COLUMNS": "80", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "bandwidth" in line)
    assert "FP8" in header
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    # H200-SXM: 1,979 TFLOPS FP8 dense (NVIDIA H200 datasheet: 3,958 with sparsity)
    row = next(line for line in result.stdout.splitlines() if line.startswith("│ H200-SXM-141GB"))
    assert "1,979.0" in row


# --- (h) a training config's loss and attention kernels ---------------------------------------------------
# Axolotl's Liger plugin (integrations/liger/args.py liger_fused_linear_cross_entropy), Apple's CCE
# (cut_cross_entropy), chunked_cross_entropy (utils/schemas/config.py) and transformers'
# TrainingArguments.use_liger_kernel replace the full cross-entropy, the largest transient of a fine-tune
# over Qwen3.5's 248,320-token vocabulary. `check` read past them: an Axolotl QLoRA config with
# liger_fused_linear_cross_entropy needed 42.56 GiB on an RTX 4090 (the full loss), and nothing said so.
_AXOLOTL = """base_model: Qwen/Qwen3.5-9B
adapter: qlora
lora_r: 32
lora_target_linear: true
sequence_len: 4096
micro_batch_size: 2
gradient_checkpointing: true
bf16: auto
optimizer: adamw_bnb_8bit
"""


def _check(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> dict:
    config = tmp_path / "train.yaml"
    config.write_text(text)
    with pytest.raises(SystemExit) as ended:
        main(["check", "--gpu", "RTX-4090", str(config), "--format", "json"])
    assert ended.value.code in (0, 3)
    return json.loads(capsys.readouterr().out)


_LIGER = "plugins:\n  - axolotl.integrations.liger.LigerPlugin\nliger_fused_linear_cross_entropy: true\n"
_CHUNKED = "chunked_cross_entropy: true\nchunked_cross_entropy_num_chunks: 8\n"
_CCE = "plugins:\n  - axolotl.integrations.cut_cross_entropy.CutCrossEntropyPlugin\ncut_cross_entropy: true\n"


@pytest.mark.parametrize(("keys", "loss"), [
    (_LIGER, "fused"), (_CCE, "fused"), (_CHUNKED, "chunked"),
])
def test_a_configs_loss_kernel_is_sized(
    tmp_path: Path, keys: str, loss: str, capsys: pytest.CaptureFixture[str]
) -> None:
    full = _check(tmp_path, _AXOLOTL, capsys)
    kernel = _check(tmp_path, _AXOLOTL + keys, capsys)
    assert kernel["workload"]["loss"] == loss
    assert kernel["memory"]["total"] < full["memory"]["total"] - 4 * 2**30  # the fp32 logits are gone
    # the same run as the options say it (no lora_dropout in the YAML: the schema's 0.0, not the
    # axolotl preset's example-config 0.05)
    asked = _json("estimate", "Qwen3.5-9B", "--mode", "qlora", "--framework", "axolotl", "--lora-rank", "32",
                  "--lora-targets", "all-linear", "--batch", "2", "--optimizer", "adamw-8bit",
                  "--gradient-checkpointing", "--dtype", "bf16", "--loss", loss, "--lora-dropout", "0")
    assert kernel["memory"]["total"] == asked["memory"]["total"]


def test_a_configs_attention_and_liger_switches_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _check(tmp_path, _AXOLOTL + "flash_attention: true\nuse_liger_kernel: true\n", capsys)
    assert doc["workload"]["attention"] == "flash" and doc["workload"]["liger"] is True
    trl_config = "model_name_or_path: Qwen/Qwen3.5-9B\nuse_peft: true\nattn_implementation: eager\n"
    trl = _check(tmp_path, trl_config, capsys)
    assert trl["workload"]["attention"] == "eager"


# --- (i) fit's GPU line says which memory it plans on ------------------------------------------------------
# `gpus` lists the RTX 4090 at 24.0 GiB (nvidia-smi's 24,564 MiB); `fit` printed "RTX-4090 (23.6 GiB, ...)",
# the runtime's total, with nothing saying why the card had shrunk.
def test_fit_says_the_gpu_memory_it_plans_on_is_the_usable_part() -> None:
    result = runner.invoke(app, ["fit", "Qwen3.5-9B", "--gpu", "RTX-4090"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Qwen3.5-9B on RTX-4090 (23.6 GiB usable of 24.0, 1,008 GB/s)"


# --- (j) vLLM refusing to start prints what vLLM prints -----------------------------------------------
# vllm/v1/core/kv_cache_utils.py _check_enough_kv_cache_memory raises before _report_kv_cache_config logs
# "GPU KV cache size" and "Maximum concurrency"; a published log of a refused start reads "Available KV
# cache memory: -0.3 GiB" then "ValueError: No available memory for the cache blocks". The estimate
# printed "GPU KV cache size: 0 tokens" and "Maximum concurrency ...: 0.00x", and for gpt-oss-120b on an
# RTX 5090 (65.9 GiB of weights on a 31.4 GiB card) "Model loading took 65.9128 GiB memory".
def test_vllm_refusal_log_ends_at_its_error() -> None:
    doc = _json("estimate", "Qwen3.5-9B", "--engine", "vllm", "--gpu", "RTX-4090",
                "--gpu-memory-utilization", "0.5")
    log = doc["gpus"][0]["engine_log"]
    assert log[-2].startswith("Available KV cache memory: -")
    assert log[-1].startswith("ValueError: No available memory for the cache blocks.")
    assert not any(line.startswith(("GPU KV cache size", "Maximum concurrency")) for line in log)


def test_vllm_one_request_too_long_names_the_length_it_could_serve() -> None:
    doc = _json("estimate", "Qwen3.5-9B", "--engine", "vllm", "--gpu", "RTX-4090", "--context", "262144")
    row = doc["gpus"][0]
    assert row["fits"] is False
    assert row["engine_log"][-1].startswith("ValueError: To serve at least one request with the model's max "
                                            "seq len (262144)")
    assert f"the estimated maximum model length is {row['max_context']}." in row["engine_log"][-1]


def test_vllm_weights_larger_than_the_card_never_finish_loading() -> None:
    doc = _json("estimate", "gpt-oss-120b", "--engine", "vllm", "--gpu", "RTX-5090")
    log = doc["gpus"][0]["engine_log"]
    assert len(log) == 1 and log[0].startswith("torch.OutOfMemoryError")


# --- (k) plan names the GPUs it sized ---------------------------------------------------------------------
# gemma-4-31B-it in bf16 is 58.3 GiB of weights: 30.0 GiB a GPU at TP 2 (the vocabulary split too), more than
# an RTX 4090. `plan --num-gpus 2` said "does not fit RTX-4090", as if one card had been tried.
def test_plan_names_the_count_that_does_not_fit(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["plan", "gemma-4-31B-it", "--gpu", "RTX-4090", "--num-gpus", "2", "--engine", "vllm"])
    assert ended.value.code == 3
    assert "does not fit 2 x RTX-4090" in capsys.readouterr().err
