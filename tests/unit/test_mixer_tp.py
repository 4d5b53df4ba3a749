"""Tensor parallelism over linear-attention, Mamba and short-conv mixers (estimate/mixer_tp.py).

Expected per-rank sizes are worked out by hand from each model's config.json and the engines' layer
classes (vLLM gdn_linear_attn.py GatedDeltaNetAttention, mamba_mixer2.py MambaMixer2), not read back
from llmsize.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.estimate import speculative
from llmsize.estimate import weights as W
from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.mixer_tp import RULES, replicated_groups
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec, QuantMethod, WeightFormat
from llmsize.specs.resolve import resolve

HYBRIDS = (
    "Qwen3.5-27B",  # gated delta-net + gated attention, vision tower
    "Qwen3-Next-80B-A3B-Instruct",  # gated delta-net (fused qkvz / ba) + MoE
    "NVIDIA-Nemotron-3-Nano-30B-A3B",  # Mamba-2 + MoE
    "granite-4.0-h-micro",  # Mamba-2 with one B/C group
    "AI21-Jamba-Mini-1.7",  # Mamba-1
    "Kimi-Linear-48B-A3B-Instruct",  # Kimi delta attention
    "LFM2-1.2B",  # short convolutions
)


def _wl(tp: int, engine: str = "vllm", **kw: object) -> Workload:
    return Workload(tp=tp, num_gpus=tp, engine=engine, **kw)


def _valid(spec: ModelSpec, tp: int) -> bool:
    try:
        W.validate_parallelism(spec, _wl(tp))
    except BadInputError:
        return False
    return True


def _mixer_numel(spec: ModelSpec, tp: int) -> int:
    """Parameters of the mixer tensors on one rank of the first (only) pipeline stage."""
    wl = _wl(tp)
    assert spec.recurrent is not None
    names = RULES[spec.recurrent.kind]
    shards = W.stage_shards(spec, wl, W.stages(spec, wl)[0])
    kinds = ("mixer", "mixer_param", "norm")
    return sum(s.numel for s in shards if s.group.name in names and s.group.kind in kinds)


def test_gated_deltanet_rank_at_tp8_is_the_engines_split() -> None:
    # Qwen3.5-27B config: hidden 5120, 16 key heads and 48 value heads of 128, conv kernel 4, 48
    # linear-attention blocks. On each of 8 ranks (vLLM GatedDeltaNetAttention): in_proj_qkv
    # (2 x 2048 + 6144) / 8 = 1280 rows, in_proj_z 768, in_proj_b / in_proj_a 6 rows each, all of
    # 5120 inputs; conv1d 1280 channels x 4; dt_bias and A_log 6 each; the gated norm's 128 whole;
    # out_proj 768 inputs x 5120.
    per_layer = 1280 * 5120 + 768 * 5120 + 2 * 6 * 5120 + 1280 * 4 + 2 * 6 + 128 + 768 * 5120
    assert _mixer_numel(resolve("Qwen3.5-27B"), 8) == 48 * per_layer


def test_mamba2_rank_replicates_its_single_group() -> None:
    # granite-4.0-h-micro config: hidden 2048, d_inner 2 x 2048 = 4096, 64 heads of 64, d_state 128,
    # one group, conv 4 with bias, 36 Mamba blocks. At TP 2 MambaMixer2 raises the group to 2
    # (extra_groups_for_head_shards), so in_proj holds (4096 + 4096 + 2 x 2 x 128 + 64) / 2 rows and
    # conv1d (4096 + 2 x 2 x 128) / 2 channels; A, D, dt_bias 32 each; the gated norm 2048; out_proj
    # 2048 inputs.
    in_proj = (4096 + 4096 + 2 * 2 * 128 + 64) // 2 * 2048
    conv = (4096 + 2 * 2 * 128) // 2
    per_layer = in_proj + conv * 4 + conv + 3 * 32 + 2048 + 2048 * 2048
    assert replicated_groups(1, 2) == 2 and replicated_groups(6, 4) == 8 and replicated_groups(8, 4) == 8
    assert _mixer_numel(resolve("granite-4.0-h-micro"), 2) == 36 * per_layer


@pytest.mark.parametrize("name", HYBRIDS)
def test_sharded_parts_scale_and_replicated_parts_stay(name: str) -> None:
    # Per rank at TP t, bytes = S / t + R with S the sharded bytes and R what every rank keeps whole
    # (norms, routers, a vision tower, row-parallel biases). From TP 1 and TP t, R = (t x rank - total)
    # / (t - 1): small for every hybrid once the mixers are split (the delta-net projections alone are
    # ~20% of Qwen3.5-27B, which is what a replicated mixer would leave here).
    spec = resolve(name)
    total = W.weight_bytes(spec, _wl(1))
    for tp in (2, 4, 8):
        if not _valid(spec, tp):
            continue
        rank = W.weight_bytes(spec, _wl(tp))
        assert tp * rank >= total
        replicated = (tp * rank - total) / (tp - 1)
        assert replicated / total < 0.025, (name, tp, replicated / total)


@given(name=st.sampled_from(HYBRIDS), low=st.sampled_from((1, 2, 4)), factor=st.sampled_from((2, 4)))
def test_more_tensor_parallelism_never_adds_weights_per_rank(name: str, low: int, factor: int) -> None:
    spec = resolve(name)
    high = low * factor
    if not (_valid(spec, low) and _valid(spec, high)):
        return
    assert W.weight_bytes(spec, _wl(high)) <= W.weight_bytes(spec, _wl(low))
    assert _mixer_numel(spec, high) * factor >= _mixer_numel(spec, low)


def test_tp_must_divide_the_linear_attention_heads() -> None:
    spec = resolve("Qwen3.5-27B")
    assert spec.recurrent is not None
    odd = spec.model_copy(update={"recurrent": spec.recurrent.model_copy(update={"num_key_heads": 12})})
    with pytest.raises(BadInputError, match="12 linear-attention key heads"):
        W.validate_parallelism(odd, _wl(8))
    W.validate_parallelism(spec, _wl(8))


def test_vllm_mamba2_state_keeps_the_replicated_groups() -> None:
    # vLLM MambaStateShapeCalculator.mamba2_state_shape: conv state (conv_dim / tp, kernel - 1) with the
    # groups raised to tp; temporal state (heads / tp, head_dim, d_state). granite-4.0-h-micro at TP 2.
    # The temporal state is in mamba_ssm_cache_dtype "auto", the model dtype: GraniteMoeHybridForCausalLM
    # has no MODELS_CONFIG_MAP hook that rewrites it (vllm_state_dtype.py).
    spec = resolve("granite-4.0-h-micro")
    assert spec.recurrent is not None
    ssm = 2
    expected = (4096 + 2 * 2 * 128) // 2 * 3 * 2 + 64 // 2 * 64 * 128 * ssm
    assert engine_for(_wl(2)).state_bytes(spec, 2, 2) == expected


def test_sglang_nextn_draft_loads_its_own_embedding_and_head() -> None:
    # SGLang Qwen3_5ForCausalLMMTP builds a VocabParallelEmbedding and a ParallelLMHead of its own
    # (248,320 x 5,120 bf16, half a vocabulary per rank at TP 2) and a plain nn.Linear fc (2 x 5120 ->
    # 5120 bf16) whole on each rank, where the sharded count holds half of it.
    spec = resolve("Qwen3.5-27B")
    wl = _wl(2, "sglang", quant="fp8", speculative="mtp")
    fmt = W.effective_format(spec, wl)[0]
    d = speculative.drafter(spec, wl)
    assert d is not None
    own = speculative.weight_bytes(spec, wl, fmt, d, own_embed=True)
    shared = speculative.weight_bytes(spec, wl, fmt, d)
    assert own - shared == 2 * (248_320 // 2) * 5120 * 2 + 2 * 5120 * 5120 * 2 // 2


def test_fp8_checkpoint_keeps_its_unconverted_mixer_projections_in_bf16() -> None:
    # Qwen's FP8 Qwen3.5-27B ships weight_scale_inv (128 x 128 blocks) for in_proj_qkv, in_proj_z and
    # out_proj of every delta-net block but none for in_proj_a / in_proj_b (the tensor list in
    # jundot/omlx#190), i.e. its quantization_config leaves those two unconverted. At TP 2 each rank
    # then holds in_proj_a as 24 bf16 rows of 5120, and in_proj_qkv as 5120 fp8 rows of 5120 with
    # 40 x 40 fp32 block scales.
    spec = resolve("Qwen3.5-27B")
    layers = [i for i in range(spec.num_layers) if spec.has_state(i)]
    skip = (
        "lm_head",
        *(f"model.language_model.layers.{i}.linear_attn.in_proj_{x}" for i in layers for x in "ab"),
    )
    fmt = WeightFormat(
        dtype="bf16", quant=QuantMethod.FP8, bits=8, group_size=128, modules_not_converted=skip
    )
    wl = _wl(2)
    shards = {s.group.name: s for s in W.stage_shards(spec, wl, W.stages(spec, wl)[0])}
    assert len(layers) == 48
    assert W.shard_bytes(spec, shards["in_proj_a"], fmt) == 48 * 24 * 5120 * 2
    assert W.shard_bytes(spec, shards["in_proj_qkv"], fmt) == 48 * (5120 * 5120 + 40 * 40 * 4)
