"""The LoRA dropout each framework uses when --lora-dropout is not given (estimate/lora_dropout_default.py),
from its own code:

- trainer/plain: peft `LoraConfig.lora_dropout = field(default=0.0)` (src/peft/tuners/lora/config.py);
- trl: `ModelConfig.lora_dropout = field(default=0.05)` (trl/trainer/model_config.py), passed on by
  `get_peft_config` (trl/trainer/utils.py), what `trl sft --use_peft` runs;
- unsloth: `FastLlamaModel.get_peft_model(..., lora_dropout = 0.0)` (unsloth/models/llama.py);
- torchtune: `lora_dropout: float = 0.0` in the builders (models/llama3_1/_component_builders.py) and
  `lora_dropout: 0.0` in every LoRA config under recipes/configs;
- axolotl: `lora_dropout: 0.05` in examples/llama-3/lora-8b.yml and qlora.yml (the preset's recipes);
  schema default 0.0 (utils/schemas/peft.py), which `check` applies to a YAML without it;
- llamafactory: `FinetuningArguments.lora_dropout = field(default=0.0)` (hparams/finetuning_args.py).

And Unsloth's LoRA kernels only run at dropout 0 (unsloth/models/llama.py `patch_peft_model`:
`if lora_dropout == 0 and bias == "none":` patches apply_lora_mlp/qkv/o)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.preflight.training_config import read_training_config
from spec_factories import llama3_8b

EXPECTED = {"trainer": 0.0, "plain": 0.0, "trl": 0.05, "unsloth": 0.0, "torchtune": 0.0, "axolotl": 0.05,
            "llamafactory": 0.0}


@pytest.mark.parametrize(("framework", "dropout"), EXPECTED.items())
def test_each_framework_takes_its_own_dropout(framework: str, dropout: float) -> None:
    wl = Workload(mode="qlora", framework=framework)
    assert wl.lora_dropout == dropout
    est = estimate(llama3_8b(), wl)
    assert any(a.startswith(f"LoRA dropout {dropout:g} (") and "--lora-dropout to change" in a
               for a in est.assumptions)


def test_trl_default_dropout_moves_the_activations() -> None:
    """TRL's 0.05 is priced, not only stated: the same run at --lora-dropout 0 keeps less (a fused loss, so
    the peak is in a recomputed layer's backward, where the dropout copies and masks live)."""
    run = {"mode": "lora", "framework": "trl", "context": 2048, "loss": "fused"}
    default = estimate(llama3_8b(), Workload(**run))  # type: ignore[arg-type]
    zero = estimate(llama3_8b(), Workload(**run, lora_dropout=0.0))  # type: ignore[arg-type]
    assert default.activations_bytes > zero.activations_bytes


def test_an_explicit_dropout_wins_and_no_default_outside_lora() -> None:
    assert Workload(mode="lora", framework="trl", lora_dropout=0.0).lora_dropout == 0.0
    assert Workload(mode="lora", framework="torchtune", lora_dropout=0.1).lora_dropout == 0.1
    assert Workload(mode="full", framework="trl").lora_dropout == 0.0  # nothing is wrapped
    assert Workload(mode="qlora").lora_dropout == 0.0  # the Trainer preset: peft's 0.0


def test_unsloth_dropout_drops_its_lora_kernels() -> None:
    """With dropout the LoRA layers run peft's forward (a dropped copy + mask) instead of matmul_lora:
    more than the dropout copies alone, and the assumptions say why."""
    base = {"mode": "qlora", "framework": "unsloth", "context": 2048}
    fast = estimate(llama3_8b(), Workload(**base))  # type: ignore[arg-type]
    slow = estimate(llama3_8b(), Workload(**base, lora_dropout=0.1))  # type: ignore[arg-type]
    assert slow.activations_bytes > fast.activations_bytes
    assert any("fast LoRA kernels need lora_dropout 0" in a for a in slow.assumptions)
    assert not any("fast LoRA kernels need" in a for a in fast.assumptions)


def test_check_applies_axolotls_schema_default_not_the_presets(tmp_path: Path) -> None:
    path = tmp_path / "ax.yml"
    path.write_text("base_model: m\nadapter: qlora\n")
    assert read_training_config(path).get("lora_dropout") == 0.0


def test_cli_shows_the_dropout_it_took() -> None:
    result = CliRunner().invoke(app, ["estimate", "Llama-3.1-8B", "--mode", "lora", "--framework", "trl",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["workload"]["lora_dropout"] == 0.05
    note = "LoRA dropout 0.05 (TRL ModelConfig's default lora_dropout"
    assert any(a.startswith(note) for a in doc["assumptions"])
