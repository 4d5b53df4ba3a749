"""The LoRA rank each framework uses when none is given (estimate/lora_rank.py), from its own source:
peft LoraConfig r=8, TRL ModelConfig lora_r=16, Unsloth get_peft_model r=16, torchtune's Llama 3.1 8B
configs lora_rank: 8, axolotl's examples/llama-3/qlora.yml lora_r: 32, LLaMA-Factory lora_rank=8."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from spec_factories import llama3_8b

EXPECTED = {"trainer": 8, "plain": 8, "trl": 16, "unsloth": 16, "torchtune": 8, "axolotl": 32,
            "llamafactory": 8}


@pytest.mark.parametrize(("framework", "rank"), EXPECTED.items())
def test_each_framework_takes_its_own_rank(framework: str, rank: int) -> None:
    wl = Workload(mode="lora", framework=framework)
    assert wl.lora_rank == rank
    est = estimate(llama3_8b(), wl)
    assert any(a.startswith(f"LoRA rank r={rank} (") for a in est.assumptions)


def test_no_framework_is_the_trainer_with_peft_default() -> None:
    assert Workload(mode="qlora").lora_rank == 8


def test_an_explicit_rank_wins_and_is_stated() -> None:
    wl = Workload(mode="lora", framework="axolotl", lora_rank=64)
    assert wl.lora_rank == 64
    assert "LoRA rank r=64" in estimate(llama3_8b(), wl).assumptions


def test_adapters_scale_with_the_framework_rank() -> None:
    """axolotl's r=32 over all-linear is 4x LLaMA-Factory's r=8 over the same targets."""
    axolotl = estimate(llama3_8b(), Workload(mode="qlora", framework="axolotl"))
    factory = estimate(llama3_8b(), Workload(mode="qlora", framework="llamafactory"))
    assert axolotl.trainable_params == 4 * factory.trainable_params


def test_cli_shows_the_rank_it_took() -> None:
    result = CliRunner().invoke(app, ["estimate", "Llama-3.1-8B", "--mode", "qlora", "--framework",
                                      "llamafactory", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["workload"]["lora_rank"] == 8
    assert "LoRA rank r=8 (LLaMA-Factory's default lora_rank; --lora-rank to change)" in doc["assumptions"]
