"""The LoRA targets each framework wraps when --lora-targets is not given (frameworks.DEFAULT_LORA_TARGETS).

Unsloth unsloth/models/llama.py `FastLlamaModel.get_peft_model(r=16, target_modules=["q_proj", "k_proj",
"v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])`; LLaMA-Factory finetuning_args.py
`lora_target="all"`; axolotl's examples/llama-3 configs `lora_target_linear: true`. Frameworks without a
default of their own (Trainer, TRL, torchtune) keep PEFT's per-architecture one (q_proj, v_proj for Llama).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from spec_factories import llama3_8b as llama3_8b_spec

ATTN_MLP = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def _trainable(**kw: object) -> int:
    return estimate(llama3_8b_spec(), Workload(mode="qlora", context=1024, **kw)).trainable_params


def test_unsloth_wraps_attention_and_mlp_by_default() -> None:
    assert _trainable(framework="unsloth") == _trainable(framework="unsloth", lora_targets=ATTN_MLP)
    assert _trainable(framework="unsloth") > 2 * _trainable(framework="trl")


@pytest.mark.parametrize("fw", ["llamafactory", "axolotl"])
def test_all_linear_frameworks(fw: str) -> None:
    assert _trainable(framework=fw) == _trainable(framework=fw, lora_targets=("all-linear",))


@pytest.mark.parametrize("fw", ["trainer", "trl"])
def test_peft_default_elsewhere(fw: str) -> None:
    assert _trainable(framework=fw) == _trainable(framework=fw, lora_targets=("q_proj", "v_proj"))


def test_torchtune_takes_its_configs_targets() -> None:
    """torchtune's llama3_1/8B_qlora_single_device.yaml wraps q, k, v, output_proj and the MLP;
    8B_lora_single_device.yaml q, v, output_proj and the MLP (both r=8): not PEFT's q, v."""
    assert _trainable(framework="torchtune") == _trainable(framework="torchtune", lora_targets=ATTN_MLP)
    lora = estimate(llama3_8b_spec(), Workload(mode="lora", context=1024, framework="torchtune"))
    no_k = estimate(llama3_8b_spec(), Workload(
        mode="lora", context=1024, framework="torchtune",
        lora_targets=("q_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")))
    assert lora.trainable_params == no_k.trainable_params
    # Llama 3.1 8B at r=8: q 8*(4096+4096), v 8*(4096+1024), o 8*(4096+4096),
    # three MLP 8*(4096+14336), 32 layers
    assert lora.trainable_params == 32 * 8 * (8192 + 5120 + 8192 + 3 * 18432)


def test_the_assumption_names_the_framework() -> None:
    est = estimate(llama3_8b_spec(), Workload(mode="qlora", context=1024, framework="unsloth"))
    assert any("Unsloth get_peft_model's default" in a for a in est.assumptions)


def test_an_explicit_target_list_wins() -> None:
    assert _trainable(framework="unsloth", lora_targets=("q_proj",)) < _trainable(framework="trl")


@pytest.mark.parametrize(("mode", "optimizer"), [("lora", "adamw-8bit"), ("qlora", "paged-adamw-32bit")])
def test_axolotl_examples_optimizer(mode: str, optimizer: str) -> None:
    """axolotl examples/llama-3/lora-8b.yml `adamw_bnb_8bit`, qlora.yml `paged_adamw_32bit`."""
    from llmsize.estimate.frameworks import recipe

    assert str(recipe(Workload(mode=mode, framework="axolotl")).optimizer) == optimizer
