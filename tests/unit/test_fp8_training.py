"""torchao float8 training (issue 14): the walk's arithmetic, hand-derived from torchao's code
(pytorch/ao 36027d8, torchao/float8/float8_linear.py, float8_ops.py, float8_training_tensor.py),
and the effects a user sees."""

from __future__ import annotations

import pytest

from llmsize.cli.workload_options import build_workload
from llmsize.errors import BadInputError
from llmsize.estimate.activations.walk import Dims
from llmsize.estimate.core import estimate
from llmsize.estimate.fp8_training import backward_transient, converted
from llmsize.estimate.workload import Workload
from spec_factories import llama3_8b as llama3_8b_spec

GIB = 2**30


def _dims(compiled: bool) -> Dims:
    return Dims(
        b=1, s=1, kv=1, e=2, train=True, lora=False, gc=False, eager=False, targets=frozenset(),
        rank=8, logits_tokens=1, compiled=compiled,
    )  # fmt: skip


def test_eager_tensorwise_backward_peaks_at_the_input_cast() -> None:
    """Elements x=10 (input), w=4 (weight), g=2 (grad_output). Stages of
    matmul_with_hp_or_float8_args.backward, each cast holding 8 B/elem of fp32 beside its 1-B result:
    go cast 9g=18; + weight cast g+9w=38; grad_input GEMM with the weight's layout copy g+2w=10;
    second go cast g+w+9g=24; input cast 2g+w+9x=98; grad_weight GEMM with go^T and x copied
    3g+w+2x=30."""
    assert backward_transient(_dims(False), "tensorwise", 10, 4, 2) == 98


def test_rowwise_post_scale_stays_under_the_input_cast() -> None:
    """addmm_float8_unwrapped without fast accumulation (both backward GEMMs) multiplies by
    a_inv_scale * b_inv_scale, an fp32 outer product the size of the output: 4x at grad_input,
    below the input cast's 2g + w + 9x, so rowwise peaks where tensorwise does."""
    d = _dims(False)
    assert backward_transient(d, "rowwise", 10, 4, 2) == backward_transient(d, "tensorwise", 10, 4, 2)


def test_rowwise_gw_hp_casts_nothing_for_the_weight_gradient() -> None:
    """cast_config_input_for_grad_weight and ..._grad_output_for_grad_weight are DISABLED: only the
    grad_input GEMM's casts and its fp32 post-scale: max(9g, g + 9w, g + 2w + 4x) = 50."""
    assert backward_transient(_dims(False), "rowwise-gw-hp", 10, 4, 2) == 50


def test_compiled_casts_keep_only_their_fp8_bytes() -> None:
    assert backward_transient(_dims(True), "tensorwise", 10, 4, 2) == 2 * 2 + 4 + 10
    assert backward_transient(_dims(True), "rowwise-gw-hp", 10, 4, 2) == 2 + 4


def test_the_head_and_odd_widths_stay_bf16() -> None:
    assert converted("q_proj", 4096, 4096)
    assert not converted("lm_head", 4096, 128256)
    assert not converted("shared_expert_gate", 4096, 1)


def test_weights_gradients_and_states_do_not_change() -> None:
    spec = llama3_8b_spec()
    base = Workload(mode="full", framework="torchtune", context=4096, batch=1)
    bf16 = estimate(spec, base)
    fp8 = estimate(spec, base.model_copy(update={"fp8_training": "tensorwise"}))
    for part in ("weights_bytes", "gradients_bytes", "optimizer_bytes", "paged_bytes"):
        assert getattr(fp8, part) == getattr(bf16, part), part
    assert any("float8" in a for a in fp8.assumptions)


def test_compiled_float8_peaks_like_bf16() -> None:
    """torchao's pretraining tutorial (docs/source/eager_tutorials/pretraining.rst, pytorch/ao
    36027d8): torchtitan Llama-3 8B on 8x H100 with torch.compile and FSDP2 peaks at 30.89 GiB in
    bf16, 30.91 GiB with tensorwise and 30.99 GiB with rowwise float8 (+0.07%, +0.3%): backward keeps
    the bf16 inputs and the fused casts add only fp8 copies."""
    spec = llama3_8b_spec()
    # torchtitan's defaults: fp32 shards gathered as bf16 (bf16 weights + fp32 master here, the same
    # 16 bytes per parameter), no float8 all-gather (enable_fsdp_float8_all_gather = false)
    base = Workload(
        mode="full", framework="plain", context=8192, batch=1, compile=True, zero=3, num_gpus=8,
        gradient_checkpointing=True, optimizer="adamw-fused", master_weights=True, loss="full",
    )  # fmt: skip
    bf16 = estimate(spec, base).total_bytes
    for recipe, published in (("tensorwise", 30.91 / 30.89), ("rowwise", 30.99 / 30.89)):
        fp8 = estimate(spec, base.model_copy(update={"fp8_training": recipe})).total_bytes
        assert 1 <= fp8 / bf16 <= 1.01 and published <= 1.01


def test_eager_float8_backward_needs_more_than_bf16() -> None:
    spec = llama3_8b_spec()
    base = Workload(mode="full", framework="plain", context=8192, loss="fused", master_weights=False)
    bf16 = estimate(spec, base).activations_bytes
    fp8 = estimate(spec, base.model_copy(update={"fp8_training": "tensorwise"})).activations_bytes
    assert fp8 > bf16


def test_fp8_all_gather_halves_the_gathered_linear_weights() -> None:
    """WeightWithDynamicFloat8CastTensor.fsdp_pre_all_gather sends the fp8 cast: two gathered
    Llama-3 8B blocks of 4096 x (2 x 4096 + 2 x 1024) + 3 x 4096 x 14336 linear weights each save
    one byte per element."""
    spec = llama3_8b_spec()
    base = Workload(mode="full", context=2048, zero=3, num_gpus=8, fp8_training="tensorwise")
    plain = estimate(spec, base).weights_bytes
    fp8 = estimate(spec, base.model_copy(update={"fp8_all_gather": True})).weights_bytes
    linear = 4096 * (2 * 4096 + 2 * 1024) + 3 * 4096 * 14336
    assert plain - fp8 == 2 * linear


@pytest.mark.parametrize(
    "kw",
    [
        {"mode": "lora", "fp8_training": "tensorwise"},
        {"mode": "full", "fp8_training": "rowwise", "fp8_all_gather": True, "zero": 3, "num_gpus": 2},
        {"mode": "full", "fp8_training": "tensorwise", "fp8_all_gather": True},
    ],
)
def test_impossible_float8_runs_are_refused(kw: dict[str, object]) -> None:
    with pytest.raises(BadInputError, match="fp8"):
        build_workload(**kw)  # type: ignore[arg-type]


def test_torchtune_default_float8_gathers_fp8_weights() -> None:
    """torchtune training/quantization.py convert_to_float8_training: no fp8_recipe_name means
    Float8LinearConfig(enable_fsdp_float8_all_gather=True); a named recipe leaves it off."""
    spec = llama3_8b_spec()
    kw = {"mode": "full", "context": 2048, "zero": 3, "num_gpus": 8, "framework": "torchtune"}
    on = estimate(spec, Workload(fp8_training="tensorwise", **kw))  # type: ignore[arg-type]
    off = estimate(spec, Workload(fp8_training="tensorwise", fp8_all_gather=False, **kw))  # type: ignore[arg-type]
    rowwise = estimate(spec, Workload(fp8_training="rowwise", **kw))  # type: ignore[arg-type]
    linear = 4096 * (2 * 4096 + 2 * 1024) + 3 * 4096 * 14336
    assert off.weights_bytes - on.weights_bytes == 2 * linear
    assert rowwise.weights_bytes == off.weights_bytes
    assert any("all-gather" in a for a in on.assumptions)
