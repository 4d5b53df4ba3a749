"""Gradients, optimizer states, master weights, ZeRO, LoRA adapters and their targets."""

from __future__ import annotations

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate import adapters, training
from llmsize.estimate.training import Tensor
from llmsize.estimate.weights import stage_shards, stages
from llmsize.estimate.workload import Optimizer, Workload
from llmsize.specs.models import ModelSpec, Provenance
from llmsize.specs.params import total_params
from llmsize.specs.resolve import resolve
from spec_factories import llama3_8b

PROV = Provenance(kind="catalog", source="test")


_llama8b = llama3_8b


def _tensors(spec: ModelSpec) -> list[Tensor]:
    wl = Workload()
    return training.shard_tensors(spec, stage_shards(spec, wl, stages(spec, wl)[0]))


def test_tensor_list_covers_every_parameter() -> None:
    spec = _llama8b()
    assert sum(t.numel * t.count for t in _tensors(spec)) == total_params(spec)


def test_mixed_precision_adamw_is_16_bytes_per_parameter() -> None:
    spec = _llama8b()
    n = total_params(spec)
    t = training.training_bytes(Workload(mode="full", framework="plain"), _tensors(spec), "bf16")
    # 2 (bf16 grads) + 4 + 4 (fp32 Adam states) + 4 (fp32 master copy, filed under optimizer) ... + 2 weights
    assert t.gradients == 2 * n
    assert t.optimizer == 12 * n
    assert t.master == 4 * n


def test_pure_bf16_adamw_states_follow_the_parameter_dtype() -> None:
    spec = _llama8b()
    n = total_params(spec)
    t = training.training_bytes(Workload(mode="full", master_weights=False), _tensors(spec), "bf16")
    assert (t.gradients, t.optimizer, t.state_dtype) == (2 * n, 4 * n, "bf16")
    fp32 = training.training_bytes(Workload(mode="full", master_weights=True), _tensors(spec), "fp32")
    assert (fp32.gradients, fp32.optimizer, fp32.master) == (4 * n, 8 * n, 0)


def test_eight_bit_adamw_blocks_and_small_tensors() -> None:
    tensors = [Tensor(4096, 4096, 1), Tensor(1000, 0, 1)]
    got = training.state_bytes(tensors, Optimizer.ADAMW_8BIT, "bf16")
    big = 2 * (4096 * 4096 + 4096 * 4096 // 2048 * 4)  # two uint8 states + fp32 absmax per 2048
    small = 2 * 1000 * 4  # under min_8bit_size 4096: fp32 states
    assert got == big + small + 2 * 256 * 4  # + the two shared 256-entry fp32 maps
    assert training.state_bytes(tensors, Optimizer.PAGED_ADAMW_8BIT, "bf16") == got


def test_sgd_and_adafactor() -> None:
    tensors = [Tensor(4096, 1024, 3), Tensor(4096, 0, 2)]
    assert training.state_bytes(tensors, Optimizer.SGD, "fp32") == 4 * (4096 * 1024 * 3 + 4096 * 2)
    # Adafactor: row + column vectors per matrix, a full vector for 1-D parameters
    assert training.state_bytes(tensors, Optimizer.ADAFACTOR, "fp32") == 4 * ((4096 + 1024) * 3 + 4096 * 2)


@pytest.mark.parametrize("stage", [0, 1, 2, 3])
def test_zero_stages_shard_states(stage: int) -> None:
    spec = _llama8b()
    n = total_params(spec)
    wl = Workload(mode="full", framework="plain", zero=stage, num_gpus=8)
    t = training.training_bytes(wl, _tensors(spec), "bf16")
    assert t.optimizer == (12 * n if stage == 0 else -(-12 * n // 8))
    assert t.gradients == (2 * n if stage < 2 else -(-2 * n // 8))


def test_peft_default_targets_and_all_linear() -> None:
    spec = _llama8b()
    assert adapters.resolve_targets(spec, Workload(mode="lora")).names == ("q_proj", "v_proj")
    everything = adapters.resolve_targets(spec, Workload(mode="lora", lora_targets=("all-linear",))).names
    assert set(everything) == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
    with pytest.raises(BadInputError, match="no such linear module"):
        adapters.resolve_targets(spec, Workload(mode="lora", lora_targets=("qkv",)))


def test_lora_params_are_rank_times_in_plus_out() -> None:
    spec = _llama8b()
    wl = Workload(mode="lora", lora_rank=16)
    shards = stage_shards(spec, wl, stages(spec, wl)[0])
    # q_proj 4096 -> 4096 and v_proj 4096 -> 1024, 32 layers (LoRA paper, Hu et al. 2021)
    assert adapters.lora_params(spec, shards, ("q_proj", "v_proj"), 16) == 32 * 16 * (
        (4096 + 4096) + (4096 + 1024)
    )


def test_all_linear_on_mixtral_wraps_the_stacked_experts_and_router_like_peft() -> None:
    # peft 0.21 utils/transformers_weight_conversion.py: on transformers 5 "all-linear" targets the
    # stacked experts.gate_up_proj at rank 2r, experts.down_proj at rank r and the router gate.weight
    # (lora.ParamWrapper: lora_A = Linear(in, r x experts), lora_B = Linear(r x experts, out)).
    # Mixtral-8x7B config.json: hidden 4096, intermediate 14336, 8 experts, 32 layers, 8 KV heads.
    spec = resolve("Mixtral-8x7B-v0.1")
    targets = adapters.resolve_targets(spec, Workload(mode="lora", lora_targets=("all-linear",)))
    assert set(targets.names) == {"q_proj", "k_proj", "v_proj", "o_proj"}
    assert set(targets.parameters) == {"gate_up_proj", "down_proj", "gate"}
    wl = Workload(mode="lora")
    shards = stage_shards(spec, wl, stages(spec, wl)[0])
    r, h, inter, experts = 16, 4096, 14336, 8
    attn = r * ((h + h) + 2 * (h + 1024) + (h + h))
    gate_up = 2 * r * experts * (h + 2 * inter)
    down = r * experts * (inter + h)
    router = r * (h + experts)
    assert adapters.lora_params(spec, shards, targets, r) == 32 * (attn + gate_up + down + router)
    assert "stacked expert" in targets.note


def test_explicit_module_list_on_mixtral_leaves_the_experts_alone() -> None:
    spec = resolve("Mixtral-8x7B-v0.1")
    targets = adapters.resolve_targets(spec, Workload(mode="lora", lora_targets=("q_proj", "v_proj")))
    assert targets.parameters == ()
    assert targets.names == ("q_proj", "v_proj")


def test_model_types_without_peft_defaults_fall_back_to_all_linear() -> None:
    spec = resolve("Phi-3-mini-4k-instruct")
    targets = adapters.resolve_targets(spec, Workload(mode="lora"))
    assert set(targets.names) == {"qkv_proj", "o_proj", "gate_up_proj", "down_proj"}
    assert "all-linear" in targets.note


def test_lora_trains_far_less_than_full_fine_tuning() -> None:
    spec = _llama8b()
    wl = Workload(mode="lora")
    shards = stage_shards(spec, wl, stages(spec, wl)[0])
    lora = training.lora_tensors(adapters.lora_factors(spec, shards, ("q_proj", "v_proj"), 16))
    t = training.training_bytes(wl, lora, adapters.ADAPTER_DTYPE)
    n = 32 * 16 * ((4096 + 4096) + (4096 + 1024))
    assert t.trainable_params == n
    assert (t.gradients, t.optimizer, t.master) == (4 * n, 8 * n, 0)  # fp32 adapters, no master copy
