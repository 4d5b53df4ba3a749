"""`llmsize estimate --format json|yaml`: the DESIGN.md keys and schema_version are a contract."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.report.models import SCHEMA_VERSION

runner = CliRunner()

# DESIGN.md "Contracts other tools rely on": keys are only ever added, never renamed.
TOP_KEYS = {"schema_version", "model", "workload", "memory", "gpus"}
MODEL_KEYS = {"name", "params", "active_params"}
MEMORY_KEYS = {
    "weights",
    "kv_cache",
    "activations",
    "gradients",
    "optimizer",
    "adapters",
    "overhead",
    "total",
}
WORKLOAD_KEYS = {  # every input that shapes the numbers, defaults included
    "mode",
    "dtype",
    "quant",
    "kv_dtype",
    "context",
    "prompt_tokens",
    "batch",
    "logits",
    "optimizer",
    "master_weights",
    "gradient_checkpointing",
    "attention",
    "lora_rank",
    "lora_targets",
    "zero",
    "num_gpus",
    "tp",
    "pp",
    "engine",
}


def _doc(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["estimate", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def test_schema_version_is_pinned() -> None:
    assert SCHEMA_VERSION == 1
    assert _doc("Qwen2.5-7B-Instruct")["schema_version"] == 1


def test_contract_keys_and_types() -> None:
    doc = _doc("Qwen2.5-7B-Instruct")
    assert doc.keys() >= TOP_KEYS
    model = doc["model"]
    assert isinstance(model, dict) and model.keys() >= MODEL_KEYS
    assert model["params"] == 7_615_616_512  # Qwen2.5-7B safetensors total_size / 2
    assert model["active_params"] == model["params"]
    memory = doc["memory"]
    assert isinstance(memory, dict) and set(memory) == MEMORY_KEYS
    assert all(isinstance(v, int) and v >= 0 for v in memory.values())
    assert memory["total"] == sum(v for k, v in memory.items() if k != "total")
    workload = doc["workload"]
    assert isinstance(workload, dict) and workload.keys() >= WORKLOAD_KEYS
    assert workload["context"] == 4096 and workload["batch"] == 1 and workload["mode"] == "inference"
    assert doc["gpus"] == []


def test_moe_active_params_and_ranges() -> None:
    doc = _doc("Mixtral-8x7B-v0.1")
    model = doc["model"]
    assert isinstance(model, dict) and model["active_params"] < model["params"]
    ranges = doc["memory_ranges"]
    assert isinstance(ranges, dict)
    for rng in ranges.values():
        assert rng["low"] <= rng["high"]


def test_yaml_is_the_same_document() -> None:
    as_json = _doc("Llama-3.1-8B", "--context", "8k")
    result = runner.invoke(app, ["estimate", "Llama-3.1-8B", "--context", "8k", "--format", "yaml"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == as_json
