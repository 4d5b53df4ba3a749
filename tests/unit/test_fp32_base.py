"""A LoRA base loaded in fp32 (peft examples/sft/utils.py `create_and_prepare_model`) and kept as FSDP's
fp32 shard under bf16 MixedPrecision (fp32_base.py)."""

from __future__ import annotations

import math

import pytest

from llmsize.estimate import fp32_base, fsdp_root
from llmsize.estimate.core import estimate
from llmsize.estimate.weights import estimate_weights
from llmsize.estimate.workload import Workload
from llmsize.specs.catalog import lookup
from spec_factories import llama3_8b

GIB = 2**30
# Llama 3 8B: embed_tokens and lm_head (128256 x 4096, untied) and the final norm, gathered in bf16
ROOT_8B = (2 * 128256 * 4096 + 4096) * 2


def _lora(**kw: object) -> Workload:
    return Workload(mode="lora", framework="trl", context=2048, batch=1, **kw)


def test_resident_weights_double_while_the_format_stays_bf16() -> None:
    """The fp32 copy is 4 bytes per element where bf16 is 2; gathers keep the compute format."""
    spec = llama3_8b()
    plain = estimate_weights(spec, _lora())
    fp32 = estimate_weights(spec, _lora(base_fp32=True))
    assert fp32.format.dtype == plain.format.dtype == "bf16"
    assert fp32.per_stage[0] == 2 * plain.formula_total
    assert not fp32.from_checkpoint


def test_fsdp_shard_is_fp32_and_the_root_gather_is_a_separate_bf16_buffer() -> None:
    spec = llama3_8b()
    wl = _lora(zero=3, num_gpus=8, zero_impl="fsdp", base_fp32=True)
    plain = estimate_weights(spec, _lora())
    assert estimate_weights(spec, wl).per_stage[0] == math.ceil(2 * plain.formula_total / 8)
    assert fsdp_root.root_gather_bytes(spec, wl, master=False) == ROOT_8B


def test_deepspeed_and_quantized_bases_are_untouched() -> None:
    """zero.Init builds bf16 partitions (partition_parameters.py zero_wrapper_for_fp_tensor_constructor);
    a 4-bit base is not an fp32 load."""
    spec = llama3_8b()
    ds = _lora(zero=3, num_gpus=8, zero_impl="deepspeed")
    flagged = ds.model_copy(update={"base_fp32": True})
    assert estimate(spec, flagged).total_bytes == estimate(spec, ds).total_bytes
    fmt = estimate_weights(spec, Workload(mode="qlora", framework="trl")).format
    assert not fp32_base.applies(_lora(base_fp32=True), fmt)


def test_only_lora_takes_the_flag() -> None:
    with pytest.raises(ValueError, match="--base-fp32"):
        Workload(mode="full", base_fp32=True)


def test_peft_fsdp_guide_llama2_70b_lora() -> None:
    """peft docs/source/accelerate/fsdp.md (781cac467): Llama-2-70B LoRA r8 all-linear, 8x H100, batch 8 x
    2048, "the memory consumed per GPU is 72-80 GB (90-98%)" from nvidia-smi, 80 at the final save.
    The fp32 shard alone is 69.0e9 x 4 / 8 = 32 GiB, so the bf16 reading (~48 GiB) cannot reach it."""
    spec = lookup("Llama-2-70B")
    assert spec is not None
    wl = Workload(mode="lora", framework="trl", lora_rank=8, lora_targets=("all-linear",), context=2048,
                  batch=8, gradient_accumulation=4, attention="flash", gradient_checkpointing=True,
                  loss="full-shifted", zero=3, num_gpus=8, zero_impl="fsdp", base_fp32=True)
    got = estimate(spec, wl).total_bytes / GIB
    assert 72 * 0.85 <= got <= 72 * 1.05
