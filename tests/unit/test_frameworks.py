"""Framework presets (issue 14) and the training defaults per mode (issue 15 item 3)."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.workload import Framework, Loss, Optimizer, Workload
from spec_factories import llama3_8b as llama3_8b_spec


def test_qlora_default_checkpoints_and_says_so() -> None:
    """Every QLoRA recipe checkpoints (peft prepare_model_for_kbit_training); the default must too."""
    spec = llama3_8b_spec()
    default = estimate(spec, Workload(mode="qlora", context=4096))
    without = estimate(spec, Workload(mode="qlora", context=4096, gradient_checkpointing=False))
    assert default.total_bytes < without.total_bytes / 2
    assert any("gradient checkpointing on" in a for a in default.assumptions)


@pytest.mark.parametrize("fw", list(Framework))
def test_every_default_taken_is_listed(fw: Framework) -> None:
    r = recipe(Workload(mode="full", framework=fw))
    text = " ".join(r.defaults)
    assert str(r.optimizer) in text and "gradient checkpointing" in text and "cross-entropy" in text


def test_an_option_given_overrides_the_framework() -> None:
    r = recipe(Workload(mode="full", framework="torchtune", optimizer="adamw-foreach", loss="full"))
    assert r.optimizer is Optimizer.ADAMW_FOREACH and r.loss is Loss.FULL
    assert not any("optimizer adamw" in d or "cross-entropy" in d for d in r.defaults)


def test_torchtune_full_steps_in_backward_with_paged_states() -> None:
    """recipes/configs/llama3_1/8B_full_single_device.yaml: PagedAdamW8bit + optimizer_in_bwd."""
    spec = llama3_8b_spec()
    est = estimate(spec, Workload(mode="full", framework="torchtune", context=2048, batch=2))
    vocab_grad = spec.vocab_size * spec.hidden_size * 2
    assert est.gradients_bytes <= vocab_grad  # one parameter's gradient at a time
    assert est.optimizer_bytes == 0 and est.paged_bytes > 0  # paged states: outside the allocator


def test_fused_loss_needs_less_than_chunked_and_full() -> None:
    spec = llama3_8b_spec()
    act = {
        loss: estimate(
            spec, Workload(mode="lora", framework="plain", loss=loss, context=4096)
        ).activations_bytes
        for loss in ("full", "chunked", "fused")
    }
    assert act["fused"] < act["chunked"] < act["full"]


def test_offloading_moves_activations_to_host() -> None:
    spec = llama3_8b_spec()
    base = Workload(mode="lora", framework="plain", loss="fused", gradient_checkpointing=True, context=8192)
    on = estimate(spec, base.model_copy(update={"activation_offloading": True}))
    off = estimate(spec, base)
    assert on.activations_bytes < off.activations_bytes and on.host_bytes > 0 and off.host_bytes == 0


def test_gradient_accumulation_keeps_gradients_through_the_forward() -> None:
    spec = llama3_8b_spec()
    wl = Workload(mode="full", framework="plain", master_weights=False, context=1024)
    one = estimate(spec, wl)
    acc = estimate(spec, wl.model_copy(update={"gradient_accumulation": 4}))
    assert acc.total_bytes >= one.total_bytes


def test_optimizer_offload_leaves_no_states_on_the_gpu() -> None:
    spec = llama3_8b_spec()
    wl = Workload(mode="full", zero=2, num_gpus=2, offload_optimizer="cpu")
    est = estimate(spec, wl)
    assert est.optimizer_bytes == 0 and est.host_bytes >= 12 * est.params // 2


@pytest.mark.parametrize(
    "bad",
    [
        {"optimizer_in_backward": True, "gradient_accumulation": 2},
        {"offload_params": "cpu", "zero": 2, "num_gpus": 2},
        {"offload_optimizer": "cpu"},
    ],
)
def test_impossible_recipes_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Workload(mode="full", **bad)  # type: ignore[arg-type]


def test_liger_kernels_keep_less_than_the_eager_blocks() -> None:
    """Liger's SwiGLU keeps gate and up only, its RMSNorm X and rstd, its loss no logits."""
    spec = llama3_8b_spec()
    wl = Workload(mode="lora", framework="trl", context=4096)
    plain = estimate(spec, wl)
    liger = estimate(spec, wl.model_copy(update={"liger": True}))
    assert liger.activations_bytes < plain.activations_bytes
    assert any("fused cross-entropy" in a for a in liger.assumptions)


def test_paged_32bit_adamw_keeps_fp32_states_outside_the_total() -> None:
    """bitsandbytes PagedAdamW32bit (QLoRA's optim="paged_adamw_32bit"): 8 B per trained parameter,
    in unified memory."""
    spec = llama3_8b_spec()
    est = estimate(spec, Workload(mode="qlora", optimizer="paged-adamw-32bit", context=1024))
    fused = estimate(spec, Workload(mode="qlora", optimizer="adamw-fused", context=1024))
    assert est.paged_bytes == fused.optimizer_bytes > 0  # fp32 adapters: the same 8 B/param
    assert est.optimizer_bytes == 0


@pytest.mark.parametrize(
    ("kw", "compiled"),
    [
        # full_finetune_single_device calls training.compile_loss and drops the compiled module
        ({"mode": "full", "loss": "full"}, False),
        # lora_finetune_single_device assigns it: `self._loss_fn = training.compile_loss(...)`
        ({"mode": "lora", "loss": "full"}, True),
        # lora_finetune_distributed drops it again
        ({"mode": "lora", "loss": "full", "num_gpus": 2, "zero": 3}, False),
        # a chunked loss compiles its method in place, whichever recipe runs it
        ({"mode": "full", "loss": "chunked"}, True),
    ],
)
def test_torchtune_compiles_the_loss_where_its_recipe_keeps_the_result(
    kw: dict[str, object], compiled: bool
) -> None:
    r = recipe(Workload(framework="torchtune", compile=True, **kw))  # type: ignore[arg-type]
    assert r.compiled_loss is compiled
    assert r.logits_fp32 is (kw["loss"] == "full")  # TransformerDecoder: self.output(h).float()


def test_compiling_the_blocks_keeps_less_than_eager() -> None:
    """torch.compile's partitioner recomputes the norms' fp32 copies and silu(gate) in backward."""
    spec = llama3_8b_spec()
    base = Workload(
        mode="full", framework="plain", loss="chunked", context=4096, gradient_checkpointing=False
    )
    eager = estimate(spec, base).activations_bytes
    compiled = estimate(spec, base.model_copy(update={"compile": True})).activations_bytes
    fp32_norm_copies_and_silu = (2 * 4 * spec.hidden_size + 2 * spec.intermediate_size) * 4096
    assert eager - compiled >= fp32_norm_copies_and_silu * (spec.num_layers - 1)


def test_unsloth_offload_keeps_no_block_but_the_one_recomputed() -> None:
    """Unsloth_Offloaded_Gradient_Checkpointer copies each block's input to the host and prefetches
    nothing: against Unsloth's plain checkpointing, which keeps every block's input on the GPU, the
    last block's backward holds all L-2 inputs fewer (the first block's input is the embeddings,
    live either way), not L-4 as with torchtune's two blocks in flight."""
    spec = llama3_8b_spec()
    kw = {"mode": "qlora", "lora_targets": ("all-linear",), "context": 16384, "framework": "unsloth"}
    offloaded = Workload(**kw)  # type: ignore[arg-type]
    kept = Workload(activation_offloading=False, **kw)  # type: ignore[arg-type]
    assert recipe(offloaded).unsloth_checkpointing and recipe(offloaded).activation_offloading
    saved = estimate(spec, kept).activations_bytes - estimate(spec, offloaded).activations_bytes
    assert saved == (spec.num_layers - 2) * 16384 * spec.hidden_size * 2


def test_padding_free_sizes_on_the_real_tokens() -> None:
    """A flattened batch of 8 sequences of 512 real tokens keeps what 8 full rows of 512 keep with
    flash attention (varlen: attention stays per sequence), far less than rows padded to 4096."""
    spec = llama3_8b_spec()
    kw = {"mode": "lora", "framework": "trl", "attention": "flash", "batch": 8}
    flat = estimate(spec, Workload(context=512, padding_free=True, **kw)).activations_bytes  # type: ignore[arg-type]
    rows = estimate(spec, Workload(context=512, **kw)).activations_bytes  # type: ignore[arg-type]
    padded = estimate(spec, Workload(context=4096, **kw)).activations_bytes  # type: ignore[arg-type]
    assert flat == pytest.approx(rows, rel=0.01)
    # TRL's chunked loss copies the head to fp32 and (autocast) back to bf16 whatever the tokens
    assert flat < padded / 3


def test_padding_free_with_sdpa_builds_the_block_diagonal_mask() -> None:
    """transformers' create_causal_mask detects the packed position_ids and, for SDPA, materialises
    a tokens x tokens mask over the flattened row (masking_utils.find_packed_sequence_indices)."""
    spec = llama3_8b_spec()
    kw = {"mode": "lora", "framework": "trl", "batch": 16, "context": 2048, "padding_free": True}
    sdpa = estimate(spec, Workload(attention="sdpa", **kw)).activations_bytes  # type: ignore[arg-type]
    flash = estimate(spec, Workload(attention="flash", **kw)).activations_bytes  # type: ignore[arg-type]
    tokens = 16 * 2048
    assert sdpa - flash >= tokens * tokens  # at least the boolean mask


def test_padding_free_needs_training() -> None:
    with pytest.raises(ValueError, match="padding-free"):
        Workload(mode="inference", padding_free=True)


def test_hf_qlora_keeps_the_unquantized_tensors_in_fp32() -> None:
    """peft's prepare_model_for_kbit_training (called by the transformers QLoRA recipes; by TRL's
    SFTTrainer only before 0.26, PR #4577) casts each fp16/bf16 parameter that is not Params4bit to
    fp32: embeddings, lm_head and norms cost 2 bytes more each; Unsloth does not call it, and Axolotl
    casts them back to bf16 (loaders/model.py `_configure_embedding_dtypes`)."""
    spec = llama3_8b_spec()
    kw = {"mode": "qlora", "context": 2048}
    trainer = estimate(spec, Workload(framework="trainer", **kw))  # type: ignore[arg-type]
    axolotl = estimate(spec, Workload(framework="axolotl", **kw))  # type: ignore[arg-type]
    unsloth = estimate(spec, Workload(framework="unsloth", **kw))  # type: ignore[arg-type]
    h, layers = spec.hidden_size, spec.num_layers
    upcast = 2 * (2 * spec.vocab_size * h + (2 * layers + 1) * h)
    assert trainer.weights_bytes - unsloth.weights_bytes == upcast
    assert axolotl.weights_bytes == unsloth.weights_bytes
    assert recipe(Workload(framework="trainer", **kw)).kbit_fp32  # type: ignore[arg-type]
    assert not recipe(Workload(framework="axolotl", **kw)).kbit_fp32  # type: ignore[arg-type]
    assert not recipe(Workload(framework="trl", **kw)).kbit_fp32  # type: ignore[arg-type]
    assert not recipe(Workload(framework="llamafactory", **kw)).kbit_fp32  # type: ignore[arg-type]


def test_trl_qlora_trains_bf16_adapters_and_lora_fp32_ones() -> None:
    """TRL's SFTTrainer.__init__ casts a quantized model's trainable parameters to bf16
    (`param.data = param.data.to(torch.bfloat16)`); a bf16 model's LoRA adapters stay fp32 (peft
    autocast_adapter_dtype) unless ZeRO-3, where TRL passes autocast_adapter_dtype=False."""
    assert recipe(Workload(framework="trl", mode="qlora")).adapter_bytes == 2
    assert recipe(Workload(framework="trl", mode="lora")).adapter_bytes == 4
    assert recipe(Workload(framework="trl", mode="lora", zero=3, num_gpus=2)).adapter_bytes == 2
    assert recipe(Workload(framework="trl", mode="lora")).autocast
    assert not recipe(Workload(framework="trainer", mode="lora")).autocast  # bf16=False by default


def test_kbit_prepared_qlora_keeps_fp32_block_inputs() -> None:
    """After prepare_model_for_kbit_training the embeddings are fp32, so is the residual stream, and
    gradient checkpointing keeps every block's input in fp32 (2 bytes more per element than a
    bf16 stream); a ZeRO/FSDP run gathers bf16 parameters and keeps a bf16 stream."""
    spec = llama3_8b_spec()
    tokens = 8192
    kw = {"mode": "qlora", "context": tokens, "loss": "full", "optimizer": "adamw-fused"}
    kbit = estimate(spec, Workload(framework="trainer", **kw))  # type: ignore[arg-type]
    plain = estimate(spec, Workload(framework="llamafactory", **kw))  # type: ignore[arg-type]
    checkpoints = (spec.num_layers - 1) * tokens * spec.hidden_size * 2
    assert kbit.activations_bytes - plain.activations_bytes >= checkpoints
    sharded = {"zero": 3, "num_gpus": 2}
    assert not recipe(Workload(framework="trainer", **kw, **sharded)).kbit_fp32  # type: ignore[arg-type]


def test_trl_chunked_nll_recomputes_each_chunk() -> None:
    """TRL's chunked_nll (sft_trainer.py _chunked_cross_entropy_loss) checkpoints every 256-token
    chunk: the logits never outlive their chunk, so the loss grows with tokens x hidden, not with
    tokens x vocabulary as a chunked loss that keeps each chunk's log-softmax does."""
    assert recipe(Workload(mode="lora", framework="trl")).loss is Loss.CHUNKED_RECOMPUTE
    spec = llama3_8b_spec()

    def act(context: int, loss: str) -> int:
        wl = Workload(mode="lora", framework="trl", loss=loss, context=context)  # type: ignore[arg-type]
        return estimate(spec, wl).activations_bytes

    grow_kept = act(16384, "chunked") - act(8192, "chunked")
    grow_recomputed = act(16384, "chunked-recompute") - act(8192, "chunked-recompute")
    assert grow_recomputed < grow_kept / 2


def test_unsloth_keeps_the_last_block_input_on_the_gpu() -> None:
    """unsloth_zoo gradient_checkpointing.py UnslothCheckpointFunction: `LAST_GC_INDEX` skips the last
    block ("Don't offload the last layer"), and the first block's input is the embeddings (kept
    anyway), so host RAM holds the inputs of blocks 1 .. L-2."""
    spec = llama3_8b_spec()
    tokens = 16384
    kw = {"mode": "qlora", "lora_targets": ("all-linear",), "context": tokens, "framework": "unsloth"}
    est = estimate(spec, Workload(**kw))  # type: ignore[arg-type]
    assert est.host_bytes == (spec.num_layers - 2) * tokens * spec.hidden_size * 2


def test_torchtune_distributed_full_takes_the_distributed_configs() -> None:
    """recipes/configs/llama3_1/8B_full.yaml: optimizer_in_bwd False, AdamW(fused=True); FSDP shards
    bf16 parameters (full_finetune_distributed.py: no mixed precision), so no fp32 master copy."""
    single = recipe(Workload(mode="full", framework="torchtune"))
    multi = recipe(Workload(mode="full", framework="torchtune", zero=3, num_gpus=8))
    assert single.optimizer is Optimizer.PAGED_ADAMW_8BIT and single.optimizer_in_backward
    assert multi.optimizer is Optimizer.ADAMW_FUSED and not multi.optimizer_in_backward
    assert not multi.master_weights
    assert recipe(Workload(mode="full", framework="trl", zero=3, num_gpus=8)).master_weights  # DeepSpeed


def test_optimizer_offload_keeps_one_gradient_in_flight_through_backward() -> None:
    """ZeRO-Offload / FSDP CPUOffloadPolicy copy each reduced gradient to the host: from the first
    gradient on, the GPU holds the largest tensor's (the embedding's), not a growing share of it."""
    spec = llama3_8b_spec()
    est = estimate(
        spec,
        Workload(
            mode="full", framework="torchtune", zero=3, num_gpus=8, context=2048, batch=2,
            offload_params="cpu", offload_optimizer="cpu", optimizer="adamw-foreach",
        ),
    )
    assert est.peak_phase == "backward"
    assert est.gradients_bytes == spec.vocab_size * spec.hidden_size * 2
