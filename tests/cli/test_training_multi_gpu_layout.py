"""Training on several GPUs: one replica per GPU where a replica fits one (torchrun + DDP), else the layers
split over them as transformers loads a model with device_map="auto" (accelerate infer_auto_device_map; the
Trainer runs it as naive model parallelism, trainer.py `is_parallelizable`/`model_parallel`). The help and
README said only "training runs data-parallel" (newcomer round 16) beside a "2 (PP2)" row."""

from __future__ import annotations

from typer.testing import CliRunner

from llmsize.cli import app
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()


def _layout(mode: str) -> tuple[int, int, bool]:
    row = _json("fit", "Qwen3-8B", "--gpu", "RTX-4090", "--mode", mode, "--num-gpus", "2")["options"][0]
    return row["dp"], row["pp"], row["fits"]


def test_a_replica_that_fits_one_gpu_runs_data_parallel() -> None:
    # QLoRA keeps Qwen3-8B's linear weights in NF4 (4 bits + double-quantized scales): a replica fits one 4090
    assert _layout("qlora") == (2, 1, True)


def test_a_replica_larger_than_one_gpu_splits_its_layers() -> None:
    # LoRA on bf16 weights: 8.2B x 2 bytes = 16.4 GB of 24 GB before activations; the row does not fit one
    # card (fit --num-gpus 1 says so) and the layers go over both
    one = _json("fit", "Qwen3-8B", "--gpu", "RTX-4090", "--mode", "lora", "--quant", "bf16")["options"][0]
    assert not one["fits"]
    assert _layout("lora")[:2] == (1, 2)


def test_the_help_says_what_the_layouts_are() -> None:
    text = " ".join(runner.invoke(app, ["fit", "--help"], env={"COLUMNS": "200"}).stdout.split())
    assert "one replica per GPU (DDP" in text and "splits the layers over them" in text
