"""DPO (estimate/preference.py): TRL DPOTrainer's concatenated batch, reference copy and forward."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from llmsize.cli import app, main
from llmsize.estimate import phases
from llmsize.estimate.core import estimate, plan
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.workload import Loss, Workload
from spec_factories import llama3_8b as llama3_8b_spec


def _wl(**kw: object) -> Workload:
    base: dict[str, object] = {"mode": "full", "framework": "trainer", "context": 1024, "loss": "full"}
    return Workload(**{**base, **kw})


def test_dpo_runs_chosen_and_rejected_as_one_batch() -> None:
    """dpo_trainer.py concatenates chosen and rejected rows: the policy's activations for batch B are
    SFT's for 2B (same loss, no reference forward: precomputed log-probabilities)."""
    spec = llama3_8b_spec()
    dpo = estimate(spec, _wl(objective="dpo", precompute_ref_log_probs=True, batch=2))
    sft = estimate(spec, _wl(batch=4))
    assert dpo.activations_bytes == sft.activations_bytes
    assert dpo.activations_bytes > estimate(spec, _wl(batch=2)).activations_bytes


def test_full_dpo_holds_a_frozen_reference_copy() -> None:
    """DPOTrainer loads a second model for full training (create_model_from_path)."""
    spec = llama3_8b_spec()
    sft = estimate(spec, _wl())
    dpo = estimate(spec, _wl(objective="dpo"))
    assert dpo.weights_bytes == 2 * sft.weights_bytes
    pre = estimate(spec, _wl(objective="dpo", precompute_ref_log_probs=True))
    assert pre.weights_bytes == sft.weights_bytes


def test_zero3_shards_the_reference_like_the_policy() -> None:
    """trl.models.prepare_deepspeed shards the reference under ZeRO-3: one more shard, not a whole copy."""
    spec = llama3_8b_spec()
    kw = {"zero": 3, "num_gpus": 8}
    _, dpo = plan(spec, _wl(objective="dpo", **kw))
    _, sft = plan(spec, _wl(**kw))
    shard = sft.static.weights - sft.gathered
    assert dpo.static.weights - sft.static.weights == shard
    assert shard < estimate(spec, _wl()).weights_bytes / 4  # an eighth, not the whole model


def test_lora_dpo_disables_the_adapters_instead_of_a_copy() -> None:
    """With a PEFT policy the reference is the model with its adapters off (use_adapter)."""
    spec = llama3_8b_spec()
    dpo = estimate(spec, _wl(mode="lora", objective="dpo"))
    assert dpo.weights_bytes == estimate(spec, _wl(mode="lora")).weights_bytes


@pytest.mark.parametrize("precompute", [False, True])
def test_reference_forward_holds_its_logits_beside_the_policys(precompute: bool) -> None:
    """The reference runs after the policy's loss forward, whose logits are still referenced; under
    TRL's bf16 autocast its logits come back as an fp32 copy of the bf16 ones."""
    spec = llama3_8b_spec()
    wl = _wl(mode="lora", framework="trl", objective="dpo", batch=2, precompute_ref_log_probs=precompute)
    ctx, busiest = plan(spec, wl)
    cands, *_ = phases._candidates(spec, wl, busiest.static, rs=ctx)
    ref = [c for c in cands if c.where == "reference forward (DPO)"]
    if precompute:
        assert not ref
        return
    (cand,) = ref
    logits = 2 * wl.batch * wl.context * spec.vocab_size
    loss_fwd = max(c.activations for c in cands if c.where.startswith("loss:"))
    assert cand.activations >= logits * (2 + 4)  # bf16 logits + their fp32 copy
    assert cand.activations > loss_fwd - logits * 4  # on top of what the policy's loss still holds


def test_trl_dpo_takes_the_full_loss_not_sfts_chunked_nll() -> None:
    """SFTTrainer's chunked_nll is its own; DPOTrainer log-softmaxes every position's logits."""
    assert recipe(Workload(mode="lora", framework="trl")).loss is Loss.CHUNKED_RECOMPUTE
    assert recipe(Workload(mode="lora", framework="trl", objective="dpo")).loss is Loss.FULL


@pytest.mark.parametrize(
    "args",
    [
        ["--objective", "dpo"],  # inference
        ["--mode", "lora", "--precompute-ref-log-probs"],  # not DPO
        ["--mode", "lora", "--objective", "ppo"],
    ],
)
def test_bad_preference_options_are_one_line_exit_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ex:
        main(["estimate", "Llama-3.1-8B", *args])
    assert ex.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2


def test_dpo_is_reported_in_the_workload_and_assumptions() -> None:
    result = CliRunner().invoke(
        app, ["estimate", "Llama-3.1-8B", "--mode", "full", "--objective", "dpo", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["workload"]["objective"] == "dpo"
    assert any("reference: a frozen copy" in a for a in doc["assumptions"])


def test_grpo_runs_the_head_on_the_completion_only() -> None:
    """GRPOTrainer passes logits_to_keep = max_completion_length + 1: a shorter completion in the same
    context keeps fewer logits; the blocks still see the whole prompt + completion."""
    spec = llama3_8b_spec()
    base = _wl(mode="lora", objective="grpo", context=4096, batch=4)
    short = estimate(spec, base.model_copy(update={"completion_tokens": 256})).activations_bytes
    long = estimate(spec, base.model_copy(update={"completion_tokens": 2048})).activations_bytes
    sft = estimate(spec, _wl(mode="lora", context=4096, batch=4)).activations_bytes
    assert short < long < sft
    # the difference is the logits of the extra positions, not the blocks
    assert long - short >= 4 * (2048 - 256) * spec.vocab_size * 4


def test_grpo_loads_a_reference_only_with_a_kl_term() -> None:
    """GRPOConfig.beta defaults to 0.0: no reference; above 0 full training loads a copy."""
    spec = llama3_8b_spec()
    plain = estimate(spec, _wl(objective="grpo")).weights_bytes
    assert plain == estimate(spec, _wl()).weights_bytes
    assert estimate(spec, _wl(objective="grpo", kl_beta=0.04)).weights_bytes == 2 * plain
    lora = _wl(mode="lora", objective="grpo")
    assert (
        estimate(spec, lora.model_copy(update={"kl_beta": 0.04})).weights_bytes
        == estimate(spec, lora).weights_bytes
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--mode", "lora", "--kl-beta", "0.1"],  # not GRPO
        ["--mode", "lora", "--objective", "grpo", "--context", "512", "--completion-tokens", "600"],
        ["--mode", "lora", "--objective", "grpo", "--kl-beta", "-1"],
    ],
)
def test_bad_grpo_options_are_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ex:
        main(["estimate", "Llama-3.1-8B", *args])
    assert ex.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
