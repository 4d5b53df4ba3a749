"""Newcomer audit, round 11 (issue 15): what a refused row, a catalog count and a source line say."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()


# --- (a) a refused start has no headroom ---------------------------------------------------------------
# SGLang puts the weights and pools in mem_fraction_static of the memory free at start (pool_configurator.py
# MemoryPoolConfig: "Not enough memory. Please try to increase --mem-fraction-static"). Qwen3.5-9B in bf16
# (17.59 GiB of weights) against 0.636 x 23.25 GiB = 14.8 GiB on an RTX 4090: refused, and `fit` printed
# "5.1" GiB of headroom next to "no" (the whole card less the peak).
def test_sglang_refused_by_its_static_share_has_negative_headroom() -> None:
    doc = _json("fit", "Qwen3.5-9B", "--gpu", "RTX-4090", "--engine", "sglang")
    bf16 = next(o for o in doc["options"] if o["precision"] == "bf16")
    assert bf16["fits"] is False and "static share" in bf16["reason"]
    # at most the static share less the weights: 0.636 x 23.25 - 17.59 = -2.8 GiB
    assert bf16["headroom_bytes"] < (0.64 * 23.25 - 17.59) * 2**30
    started = [o for o in doc["options"] if o["fits"]]
    assert started and all(o["headroom_bytes"] > 0 for o in started)


# Nemotron-H: 4 MambaPool slots where a request takes 5 (the automatic pool size is a share of the static
# share, rules.auto_mamba_cache_size): refused, and the headroom read +0.98 GiB.
def test_sglang_refused_by_its_state_pool_has_negative_headroom() -> None:
    doc = _json("fit", "Nemotron-H-8B-Base-8K", "--gpu", "RTX-4090", "--engine", "sglang")
    refused = [o for o in doc["options"] if not o["fits"]]
    assert refused and all(o["headroom_bytes"] < 0 for o in refused)


# vLLM before 0.21 captures its CUDA graphs outside the --gpu-memory-utilization budget (vllm_post_kv.py);
# Trinity-Nano-Preview's ~2.07 GiB of graphs miss the 10 % left of an RTX 4090, and every format read
# 8.6 to 16.5 GiB of headroom next to "no".
def test_vllm_refused_after_its_kv_pool_has_negative_headroom() -> None:
    doc = _json("fit", "Trinity-Nano-Preview", "--gpu", "RTX-4090", "--engine", "vllm")
    for option in doc["options"]:
        if not option["fits"]:
            assert option["headroom_bytes"] < 0, option["reason"]


# --- (b) fit --all counts the catalog `models` lists -----------------------------------------------------
# `fit --all --engine sglang` said "of 272" (SGLang 0.5.23 runs no hybrid Mamba-1 model, so both Jamba
# entries were dropped without a word) where `models` and `fit --all` under transformers said 274.
def test_fit_all_counts_the_whole_catalog_and_names_what_the_engine_skips() -> None:
    listed = _json("models")
    count = len(listed)  # type: ignore[arg-type]
    doc = _json("fit", "--all", "--gpu", "RTX-4090", "--engine", "sglang")
    assert len(doc["models"]) == count
    refused = {m["model"]: m for m in doc["models"] if "refused" in m}
    assert set(refused) == {"AI21-Jamba-Mini-1.7", "AI21-Jamba-Large-1.7"}
    assert all(not m["fits"] and "Mamba-1" in m["refused"] for m in refused.values())
    human = runner.invoke(app, ["fit", "--all", "--gpu", "RTX-4090", "--engine", "sglang"],
                          env={"COLUMNS": "200"})
    head = human.stdout.splitlines()
    assert f" of {count} catalog models run on RTX-4090" in head[0]
    assert "the sglang engine does not run: AI21-Jamba-Mini-1.7, AI21-Jamba-Large-1.7" in head[2]


# --- (c) the source line names the checkpoint it sizes ---------------------------------------------------
# "GLM-5.1-FP8" is sized in FP8 from the GLM-5.1 entry, whose repo (zai-org/GLM-5.1) holds the bf16
# checkpoint; the source line named only that repo.
@pytest.mark.parametrize(("name", "label"), [("GLM-5.1-FP8", "fp8"), ("Qwen3-8B-AWQ", "awq")])
def test_a_quantized_name_says_its_format_in_the_source_line(name: str, label: str) -> None:
    doc = _json("estimate", name)
    model = doc["model"]
    assert model["weight_format"].startswith(label)
    assert f"{name} sized as that config with {model['weight_format']} weights" in model["provenance"]
    plain = _json("estimate", name.rsplit("-", 1)[0])["model"]
    assert "sized as that config" not in plain["provenance"]


# --- (d) transformers splits layers unless --tp asks ------------------------------------------------------
# `from_pretrained(..., device_map="auto")` (modeling_utils -> accelerate infer_auto_device_map) places whole
# layers on the GPUs in order; tensor parallelism is `tp_plan="auto"` under torchrun (transformers docs,
# perf_infer_gpu_multi.md). The default plan of DeepSeek-V3.2 on H200s read "TP2xPP3".
def test_transformers_plans_a_layer_split_by_default() -> None:
    doc = _json("fit", "DeepSeek-V3.2", "--gpu", "H200", "--num-gpus", "auto")
    best = doc["gpus"][0]  # the plan of the best format
    assert best["tp"] == 1 and best["pp"] == best["count"] > 1
    asked = _json("fit", "DeepSeek-V3.2", "--gpu", "H200", "--num-gpus", "8", "--tp", "8")
    assert asked["gpus"][0]["tp"] == 8
    served = _json("fit", "DeepSeek-V3.2", "--gpu", "H200", "--num-gpus", "auto", "--engine", "vllm")
    assert served["gpus"][0]["tp"] > 1  # vLLM's workers are tensor-parallel by default


# --- (e) explain names the encoders ----------------------------------------------------------------------
# gemma-4-31B-it's 575,743,536 parameters outside the language model (google/gemma-4-31B-it config: a
# 27-layer SigLIP-style vision tower and the embed_vision projection) were listed as "other".
@pytest.mark.parametrize(("model", "label"), [
    ("gemma-4-31B-it", "vision tower + projector 575,743,536 params"),
    ("gemma-4-E4B-it", "vision + audio towers + projectors 478,088,384 params"),
])
def test_explain_names_the_encoders(model: str, label: str) -> None:
    result = runner.invoke(app, ["explain", model], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    weights = next(line for line in result.stdout.splitlines() if "numbers:" in line)
    assert label in weights
    assert "other 575,743" not in weights


# --- (f) compare's model column is as wide as its names ---------------------------------------------------
def test_compare_model_column_fits_its_names_at_80_columns() -> None:
    names = ["gemma-4-31B-it", "Qwen3.6-35B-A3B", "gpt-oss-20b"]
    result = runner.invoke(app, ["compare", *names, "--gpu", "RTX-4090"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "model" in line and "weights" in line)
    cell = header.split("┃")[1]  # "│ name │": one space each side of the longest name
    assert len(cell) == max(map(len, names)) + 2
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


# Over the catalog: a name that states a format its entry's checkpoint is not in ("<entry>-FP8", and every
# alias that does) is sized from that entry's config, and its source line says with which weights.
def test_every_quantized_name_says_which_weights_it_sizes() -> None:
    import llmsize
    from llmsize.specs import catalog

    checked = 0
    for entry in catalog.entries():
        base = llmsize.resolve(entry.model.name)
        for name in (f"{entry.model.name}-FP8", *(a for a in entry.model.aliases if ":" not in a)):
            try:
                spec = llmsize.resolve(name)
            except llmsize.LlmsizeError:
                continue
            if spec.weight_format == base.weight_format or spec.hf_repo != base.hf_repo:
                continue  # the entry's own checkpoint, or a variant's repo that holds these weights
            checked += 1
            said = spec.provenance.describe()
            label = spec.weight_format.label()
            assert f"sized as that config with {label} weights, as " in said, (name, said)
    assert checked > 100


# --- (g) two "usable" figures ------------------------------------------------------------------------------
# `fit Qwen3.5-9B --gpu RTX-4090 --engine vllm` titles the card "23.6 GiB usable of 24.0" and ended "headroom
# of 21.3 GiB usable": vLLM budgets --gpu-memory-utilization 0.9 of the card (gpu_worker.py
# determine_available_memory: requested = utilization x total). The line says whose budget it is.
def test_best_line_says_the_engine_budget_is_not_the_card() -> None:
    result = runner.invoke(app, ["fit", "Qwen3.5-9B", "--gpu", "RTX-4090", "--engine", "vllm"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    best = next(line for line in result.stdout.splitlines() if line.startswith("Best that fits"))
    assert best.endswith("GiB headroom of the 21.3 GiB vllm budgets of 23.6 usable")  # 0.9 x 23.64 GiB
