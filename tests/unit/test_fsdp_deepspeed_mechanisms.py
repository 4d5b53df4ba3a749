"""FSDP's unsharded root unit (fsdp_root.py) and DeepSpeed ZeRO's fp32 gradient cast at the step
(deepspeed_step.py): sized from the model's shapes, checked against published peaks."""

from __future__ import annotations

import math

import pytest

from llmsize.estimate import deepspeed_step, fsdp_root
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.catalog import lookup
from spec_factories import llama3_8b

GIB = 2**30

# Llama 3 8B's root unit: embed_tokens and lm_head (128256 x 4096, untied) and the final norm (4096), bf16
ROOT_8B = (2 * 128256 * 4096 + 4096) * 2
# DeepSpeed reduce bucket (deepspeed_buckets.py): zero/config.py reduce_bucket_size 5e8 elements, bf16
BUCKET = 500_000_000 * 2


def _spec(name: str):
    spec = lookup(name)
    assert spec is not None
    return spec


def _lora(**kw: object) -> Workload:
    return Workload(mode="lora", framework="trainer", context=2048, batch=1, **kw)


def test_root_gather_is_the_unsharded_root_less_its_shard() -> None:
    wl = _lora(zero=3, num_gpus=8)
    assert fsdp_root.root_gather_bytes(llama3_8b(), wl, master=False) == ROOT_8B - math.ceil(ROOT_8B / 8)


def test_root_gather_with_cpu_offload_is_the_whole_root() -> None:
    """FSDP1 CPUOffload keeps the shard on the host: the gathered root is all new on the GPU."""
    wl = _lora(zero=3, num_gpus=2, offload_params="cpu")
    assert fsdp_root.root_gather_bytes(llama3_8b(), wl, master=False) == ROOT_8B


def test_no_root_unit_for_deepspeed_torchtune_or_one_rank() -> None:
    spec = llama3_8b()
    deepspeed = Workload(mode="full", framework="trainer", zero=3, num_gpus=8)
    assert fsdp_root.root_gather_bytes(spec, deepspeed, master=True) == 0
    tune = Workload(mode="lora", framework="torchtune", zero=3, num_gpus=8)
    assert fsdp_root.root_gather_bytes(spec, tune, master=False) == 0
    assert fsdp_root.root_gather_bytes(spec, _lora(zero=3, num_gpus=1), master=False) == 0


def test_root_is_live_in_backward_not_at_the_step() -> None:
    """The root reshards in its post-backward: a LoRA run (peak in backward) grows by the root; a full
    run whose peak is the optimizer step does not."""
    spec = llama3_8b()
    lora = estimate(spec, _lora(zero=3, num_gpus=8))
    assert lora.peak_phase != "optimizer"
    assert any("root unit" in a for a in lora.assumptions)
    full = Workload(mode="full", framework="trainer", master_weights=False, zero=3, num_gpus=8, context=256,
                    batch=1, optimizer="adamw-foreach")
    got = estimate(spec, full)
    assert got.peak_phase == "optimizer"
    assert got.activations_bytes == got.optimizer_bytes // 2  # foreach's sqrt temporary alone


def test_zero3_casts_one_sub_group_to_fp32() -> None:
    """stage3.py _prepare_fp32_grad_for_sub_group: a 16-bit flat copy and its fp32 cast of at most
    sub_group_size (1e9) local elements."""
    assert deepspeed_step.fp32_grad_bytes(1_900_000_000, 2, zero=3) == 1_000_000_000 * 6
    assert deepspeed_step.fp32_grad_bytes(500_000_000, 2, zero=3) == 500_000_000 * 6
    # stage_1_and_2.py step: the whole local partition at once
    assert deepspeed_step.fp32_grad_bytes(1_900_000_000, 2, zero=2) == 1_900_000_000 * 6


def test_deepspeed_step_peak_is_three_times_the_zero2_gradient_partition() -> None:
    """ZeRO-2 keeps bf16 gradient partitions (2 B/elem); the cast holds 6 B/elem of the same partition.
    The gradients also hold DeepSpeed's reduce bucket (5e8 bf16 elements, deepspeed_buckets.py)."""
    spec = llama3_8b()
    wl = Workload(mode="full", framework="trainer", zero=2, num_gpus=8, context=256, batch=1)
    got = estimate(spec, wl)
    assert got.peak_phase == "optimizer"
    assert got.activations_bytes == 3 * (got.gradients_bytes - BUCKET)


def test_ms_swift_qwen25_7b_zero3_sits_below_its_card_reading() -> None:
    """ms-swift examples/train/cached_dataset/sft.sh (3602360a5): Qwen2.5-7B full, ZeRO-3 on 4 GPUs,
    packed 8192, Liger, '# 4 * 44GiB' (the card's reading, with the caching allocator's reserve). The
    DeepSpeed step's fp32 sub-group (6e9 B) is the peak; the model stays below the reading and
    within 25% of it (it was 29% below without the cast)."""
    spec = _spec("Qwen2.5-7B")
    wl = Workload(mode="full", framework="trainer", gradient_checkpointing=True, liger=True,
                  attention="flash", context=8192, batch=1, zero=3, num_gpus=4)
    got = estimate(spec, wl)
    assert got.peak_phase == "optimizer"
    assert got.activations_bytes == 6 * deepspeed_step.SUB_GROUP_SIZE
    assert 0.75 * 44 < got.total_bytes / GIB < 44


def test_answerai_llama2_70b_fsdp_offload_peak() -> None:
    """AnswerDotAI/fsdp_qlora benchmarks_03_2024.md: Llama-2 70B QLoRA r64, 2x RTX 3090, FSDP + CPU
    offload, batch 2 x 2048: 'Peak Memory (GiB) 14.92', train.py's max_memory_reserved, which bounds
    the allocated peak from above. train.py builds AdamW on the FSDP-wrapped (offloaded) parameters,
    so the adapters' states and gradients sit on the host (param_offload.py): the allocation is the
    NF4 quant state, the gathered blocks, the root unit (1.05 GB) and the activations."""
    spec = _spec("Llama-2-70B")
    wl = Workload(mode="qlora", framework="plain", lora_rank=64,
                  lora_targets=("q_proj", "k_proj", "v_proj", "gate_proj", "up_proj", "down_proj"),
                  attention="flash",
                  gradient_checkpointing=True, optimizer="adamw-foreach", loss="full-shifted",
                  master_weights=False, context=2048, batch=2, zero=3, num_gpus=2, offload_params="cpu")
    got = estimate(spec, wl)
    assert got.optimizer_bytes == 0 and got.adapters_bytes == 0
    allocated = (got.total_bytes - got.overhead_bytes) / GIB
    assert 0.6 * 14.92 < allocated < 14.92


def test_zero_impl_picks_the_library() -> None:
    """--zero-impl deepspeed: no FSDP root unit on a LoRA run; --zero-impl fsdp: no DeepSpeed cast on a
    full Trainer run with master weights (FSDP steps its fp32 shards in place)."""
    spec = llama3_8b()
    fsdp = estimate(spec, _lora(zero=3, num_gpus=8))
    ds = estimate(spec, _lora(zero=3, num_gpus=8, zero_impl="deepspeed"))
    assert fsdp.total_bytes - (ds.total_bytes - BUCKET) == ROOT_8B - math.ceil(ROOT_8B / 8)
    full = Workload(mode="full", framework="trainer", zero=2, num_gpus=8, context=256, batch=1)
    assert estimate(spec, full).activations_bytes == 3 * (estimate(spec, full).gradients_bytes - BUCKET)
    as_fsdp = estimate(spec, full.model_copy(update={"zero_impl": "fsdp"}))
    assert as_fsdp.activations_bytes < as_fsdp.gradients_bytes // 100  # a 256-token batch, no cast


def test_zero_impl_without_a_zero_stage_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    from llmsize.cli import main

    with pytest.raises(SystemExit) as ex:
        main(["estimate", "Llama-2-7B", "--mode", "lora", "--zero-impl", "deepspeed"])
    assert ex.value.code == 2
    err = capsys.readouterr().err
    assert "--zero-impl" in err
    assert "Traceback" not in err
