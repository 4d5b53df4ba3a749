"""How tensor parallelism splits the token mixer of a linear-attention, Mamba or short-conv layer.

vLLM and SGLang build every mixer kind llmsize models out of the same parallel layers as attention:
the input projections are column-parallel (each rank keeps its heads' outputs), the output
projection is row-parallel (each rank keeps its heads' inputs, the bias stays whole), and the
per-channel / per-head parameters (depthwise conv, dt_bias, A_log, D, the gated norm of Mamba-2)
are split with the heads they belong to. Low-rank legs that land in a head dimension TP does not
split, and norms over one head, stay replicated. Sources, by mixer kind (vLLM 0.19 paths; SGLang
0.5.23 mirrors each one over its attention TP group):

- gated_deltanet (Qwen3-Next, Qwen3.5): vLLM `model_executor/layers/mamba/gdn_linear_attn.py`
  GatedDeltaNetAttention (conv1d a ColumnParallelLinear loaded by mamba_v2_sharded_weight_loader;
  in_proj_qkvz / in_proj_ba, or in_proj_qkv / in_proj_z, MergedColumnParallelLinear; dt_bias and
  A_log of num_v_heads // tp; out_proj RowParallelLinear; the RMSNormGated over head_v_dim whole);
  SGLang `srt/models/qwen3_next.py` Qwen3GatedDeltaNet (the same layers over attn_tp_size).
- mamba2 (Nemotron-H, granite-4 hybrids, Falcon-H1, Bamba): vLLM `layers/mamba/mamba_mixer2.py`
  MambaMixer2: in_proj and conv1d column-parallel over heads, with the B/C groups replicated up to
  a multiple of tp when tp does not divide n_groups (`extra_groups_for_head_shards`); A, D and
  dt_bias num_heads // tp; Mixer2RMSNormGated keeps intermediate_size // tp; out_proj row-parallel.
- mamba (Jamba): vLLM `layers/mamba/mamba_mixer.py` MambaMixer: in_proj MergedColumnParallelLinear,
  conv1d ColumnParallelLinear, x_proj RowParallelLinear, dt_proj ColumnParallelLinear (bias split),
  A_log and D intermediate_size // tp; the dt / B / C RMSNorms whole; out_proj row-parallel.
- kimi_delta (Kimi Linear): vLLM `layers/kda.py` KimiDeltaAttention: q/k/v, f_b, g_b and b
  column-parallel, f_a and g_a ReplicatedLinear (rank head_dim), q/k/v conv1d column-parallel,
  dt_bias projection_size // tp, A_log num_heads // tp, o_norm over head_dim whole, o_proj
  row-parallel.
- short_conv (LFM2): vLLM `layers/mamba/short_conv.py` ShortConv: in_proj MergedColumnParallelLinear,
  conv ColumnParallelLinear, out_proj RowParallelLinear.

transformers' own tp_plan (qwen3_next / qwen3_5 `base_model_tp_plan`) splits the same projections
and replicates the small per-head tensors; the bytes differ by those few parameters only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec, RecurrentSpec
    from llmsize.specs.params import ParamGroup

Rule = Literal["column", "row", "split", "whole"]

_GDN: dict[str, Rule] = {
    "in_proj_qkvz": "column",
    "in_proj_ba": "column",
    "in_proj_qkv": "column",
    "in_proj_z": "column",
    "in_proj_b": "column",
    "in_proj_a": "column",
    "conv1d": "split",
    "dt_bias": "split",
    "A_log": "split",
    "mixer_norm": "whole",
    "out_proj": "row",
}
_MAMBA2: dict[str, Rule] = {
    "in_proj": "column",
    "conv1d": "split",
    "conv1d.bias": "split",
    "dt_bias": "split",
    "A_log": "split",
    "D": "split",
    "mixer_norm": "split",
    "out_proj": "row",
}
_MAMBA: dict[str, Rule] = {
    "in_proj": "column",
    "conv1d": "split",
    "conv1d.bias": "split",
    "x_proj": "row",
    "dt_proj": "column",
    "A_log": "split",
    "D": "split",
    "dt_layernorm": "whole",
    "b_layernorm": "whole",
    "c_layernorm": "whole",
    "out_proj": "row",
}
_KIMI_DELTA: dict[str, Rule] = {
    "q_proj": "column",
    "k_proj": "column",
    "v_proj": "column",
    "conv1d": "split",
    "A_log": "split",
    "f_a_proj": "whole",
    "f_b_proj": "column",
    "dt_bias": "split",
    "b_proj": "column",
    "g_a_proj": "whole",
    "g_b_proj": "column",
    "o_norm": "whole",
    "o_proj": "row",
}
_SHORT_CONV: dict[str, Rule] = {
    "in_proj": "column",
    "conv": "split",
    "conv.bias": "split",
    "out_proj": "row",
}
# SGLang bailing_moe_linear.py BailingMoELinearAttention: QKVParallelLinear and g_proj column-parallel over
# heads, `dense` row-parallel, g_norm over this rank's heads (BailingMoERMSNormTP), q/k norms whole.
_LIGHTNING: dict[str, Rule] = {
    "query_key_value": "column",
    "query_layernorm": "whole",
    "key_layernorm": "whole",
    "g_proj": "column",
    "g_norm": "split",
    "dense": "row",
}
RULES: dict[str, dict[str, Rule]] = {
    "gated_deltanet": _GDN,
    "mamba2": _MAMBA2,
    "mamba": _MAMBA,
    "kimi_delta": _KIMI_DELTA,
    "lightning": _LIGHTNING,
    "short_conv": _SHORT_CONV,
}
MIXER_KINDS = frozenset({"mixer", "mixer_param", "norm"})


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def replicated_groups(n_groups: int, tp: int) -> int:
    """B/C groups one Mamba-2 layer holds over all ranks: n_groups, raised to the next multiple of tp
    when tp does not divide it (vLLM mamba_mixer2.py `extra_groups_for_head_shards`)."""
    return n_groups if n_groups % tp == 0 else n_groups + tp - n_groups % tp


def _mamba2_extra(rec: RecurrentSpec, tp: int) -> int:
    """Channels the replicated groups add to in_proj's and conv1d's B and C parts (before the split)."""
    return 2 * (replicated_groups(rec.n_groups, tp) - rec.n_groups) * rec.state_size


def mixer_rule(spec: ModelSpec, group: ParamGroup) -> Rule | None:
    """How TP splits this group, when it belongs to the model's token mixer (None otherwise)."""
    rec = spec.recurrent
    if rec is None or group.kind not in MIXER_KINDS:
        return None
    return RULES.get(rec.kind, {}).get(group.name)


def mixer_shape(spec: ModelSpec, group: ParamGroup, tp: int) -> tuple[int, int, int, int] | None:
    """(in, out, numel_each, bias_each) of one mixer tensor on one TP rank; None: not a mixer tensor."""
    rule = mixer_rule(spec, group)
    if rule is None or spec.recurrent is None:
        return None
    inf, outf, numel = group.in_features, group.out_features, group.numel_each
    bias = outf if group.bias else 0
    rec = spec.recurrent
    extra = _mamba2_extra(rec, tp) if rec.kind == "mamba2" else 0
    if rule == "column":
        outf = ceil_div(outf + extra, tp)
        return inf, outf, numel, (outf if group.bias else 0)
    if rule == "row":
        return ceil_div(inf, tp), outf, numel, bias
    if rule == "split":
        if group.name.startswith("conv1d") and extra:
            channels = rec.conv_channels
            numel = numel // channels * ceil_div(channels + extra, tp)
        else:
            numel = ceil_div(numel, tp)
    return inf, outf, numel, bias


def split_widths(rec: RecurrentSpec) -> tuple[tuple[str, int], ...]:
    """The mixer sizes a TP degree must divide, as each engine asserts them (vLLM
    gdn_linear_attn.py `divide(num_v_heads, tp)` and num_k_heads // tp views; mamba_mixer2.py
    "Tensor parallel world size must divide num heads" and Mixer2RMSNormGated's hidden size;
    mamba_mixer.py and short_conv.py split intermediate_size; kda.py `divide(num_heads, tp)`)."""
    if rec.kind == "gated_deltanet":
        value, key = rec.num_heads, rec.num_key_heads
        return (("linear-attention value heads", value), ("linear-attention key heads", key))
    if rec.kind == "mamba2":
        return (("Mamba heads", rec.num_heads), ("Mamba intermediate size", rec.inner_size))
    if rec.kind in ("kimi_delta", "lightning"):  # bailing_moe_linear.py: assert heads % tp_size == 0
        return (("linear-attention heads", rec.num_heads),)
    return (("Mamba intermediate size" if rec.kind == "mamba" else "conv width", rec.inner_size),)
