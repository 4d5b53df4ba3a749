"""ZeRO-3 / FSDP shard a bnb 4-bit weight's packed data, not its quant state (bnb_sharding.py)."""

from __future__ import annotations

import math

from llmsize.estimate import weights as W
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from spec_factories import llama3_8b

# TRL's preset: no prepare_model_for_kbit_training fp32 casts, so the unsharded run holds the same tensors
QLORA: dict[str, object] = {"mode": "qlora", "quant": "bnb-nf4", "framework": "trl"}


def _nf4_state(numel: int) -> int:
    """bitsandbytes quantize_4bit with compress_statistics (double quant): a uint8 absmax per 64 values,
    an fp32 absmax per 256 of those, the 256-entry fp32 dynamic map and the 16-entry fp32 NF4 code."""
    blocks = numel // 64
    return blocks + math.ceil(blocks / 256) * 4 + 256 * 4 + 16 * 4


def _llama3_8b_state() -> int:
    """Every decoder linear of Llama 3 8B (hidden 4096, 8 KV heads of 128, MLP 14336, 32 layers)."""
    h, kv, ff = 4096, 1024, 14336
    per_layer = 2 * _nf4_state(h * h) + 2 * _nf4_state(h * kv) + 3 * _nf4_state(h * ff)
    return 32 * per_layer


def test_zero3_shards_the_packed_data_and_keeps_the_state_whole() -> None:
    spec = llama3_8b()
    whole = W.weight_bytes(spec, Workload(**QLORA))
    sharded = W.weight_bytes(spec, Workload(**QLORA, zero=3, num_gpus=2))
    state = _llama3_8b_state()
    assert sharded == math.ceil((whole - state) / 2) + state


def test_parameter_offload_leaves_the_quant_state_on_the_gpu() -> None:
    spec = llama3_8b()
    base = Workload(**QLORA, zero=3, num_gpus=2, context=2048)
    kept = estimate(spec, base)
    offloaded = estimate(spec, base.model_copy(update={"offload_params": "cpu"}))
    whole = W.weight_bytes(spec, Workload(**QLORA))
    state = _llama3_8b_state()
    assert kept.weights_bytes - offloaded.weights_bytes == math.ceil((whole - state) / 2)


def test_unquantized_weights_shard_whole() -> None:
    spec = llama3_8b()
    full = W.weight_bytes(spec, Workload(mode="lora"))
    assert W.weight_bytes(spec, Workload(mode="lora", zero=3, num_gpus=2)) == math.ceil(full / 2)


def test_torchtune_nf4_shards_its_scalers_too() -> None:
    """torchao's NF4Tensor all-gathers quantized_scalers and quantization_factor with the data."""
    spec = llama3_8b()
    tune = {"mode": "qlora", "quant": "bnb-nf4", "framework": "torchtune"}
    whole = W.weight_bytes(spec, Workload(**tune))
    assert W.weight_bytes(spec, Workload(**tune, zero=3, num_gpus=2)) == math.ceil(whole / 2)
