"""Exact parameter inventory of a ModelSpec: every weight tensor group, its shape and count.

Why an inventory and not one formula: quantized formats treat linear layers and the rest
differently, LoRA targets named modules, tensor parallelism splits some groups and replicates
others, and MoE activates a fraction of the experts. All of them read this one list.
Shapes follow the Hugging Face modeling code of each architecture (e.g. `modeling_llama.py`,
`modeling_deepseek_v3.py`, `modeling_gpt_oss.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, TypeVar

from llmsize.specs.models import ModelSpec, RecurrentSpec

GroupKind = Literal[
    "embedding",
    "lm_head",
    "attn",
    "mixer",
    "mixer_param",
    "mlp",
    "expert",
    "shared_expert",
    "router",
    "norm",
    "other",
]


@dataclass(frozen=True)
class ParamGroup:
    """`count` identical tensors of one kind; a linear layer has in/out features, others only numel.

    `experts_per_instance` > 1 for routed experts stored per expert (count includes every expert).
    """

    name: str  # module name as the HF code names it (q_proj, gate_up_proj, embed_tokens, ...)
    kind: GroupKind
    count: int  # how many such tensors in the model (e.g. layers x experts)
    in_features: int = 0
    out_features: int = 0
    numel_each: int = 0  # for non-linear tensors (norms, embeddings, sinks, biases alone)
    bias: bool = False
    layers: tuple[int, ...] | None = None  # the blocks holding it, when not every block (hybrids)
    elem_bytes: int = 0  # a fixed storage width (an int64 index table); 0: the weight format's
    no_grad: bool = False  # the modeling code never sends it a gradient (DeepSeek V4's indexer)

    @property
    def is_linear(self) -> bool:
        return self.in_features > 0 and self.out_features > 0

    @property
    def weight_numel(self) -> int:
        each = self.in_features * self.out_features if self.is_linear else self.numel_each
        return each * self.count

    @property
    def bias_numel(self) -> int:
        return self.out_features * self.count if self.bias else 0

    @property
    def numel(self) -> int:
        return self.weight_numel + self.bias_numel


def _norm_numel(spec: ModelSpec, width: int) -> int:
    return width * (2 if spec.norm_type == "layernorm" else 1)


def _indexer_groups(spec: ModelSpec, n: int) -> list[ParamGroup]:
    """DSA lightning indexer (modeling_deepseek_v32.py DeepseekV32Indexer): wq_b from the q latent,
    one shared key wk, its LayerNorm (weight and bias), and a per-head weight projection."""
    ix = spec.indexer
    if ix is None:
        return []
    h = spec.hidden_size
    return [
        ParamGroup("indexer.wq_b", "attn", n, spec.q_lora_rank or h, ix.num_heads * ix.head_dim),
        ParamGroup("indexer.wk", "attn", n, h, ix.head_dim),
        ParamGroup("indexer.k_norm", "norm", n, numel_each=2 * ix.head_dim),
        ParamGroup("indexer.weights_proj", "attn", n, h, ix.num_heads),
    ]


def _attention_groups(spec: ModelSpec, n: int) -> list[ParamGroup]:
    if spec.compressed is not None:
        from llmsize.specs.params_deepseek_v4 import attention_groups

        return attention_groups(spec, n)
    h, hd = spec.hidden_size, spec.head_dim
    heads, kv = spec.num_attention_heads, spec.num_kv_heads
    groups: list[ParamGroup] = []
    if spec.is_mla:
        groups += _indexer_groups(spec, n)
        qk_head = spec.qk_nope_head_dim + spec.qk_rope_head_dim
        if spec.q_lora_rank:
            groups += [
                ParamGroup("q_a_proj", "attn", n, h, spec.q_lora_rank, bias=spec.qkv_bias),
                ParamGroup("q_a_layernorm", "norm", n, numel_each=spec.q_lora_rank),
                ParamGroup("q_b_proj", "attn", n, spec.q_lora_rank, heads * qk_head),
            ]
        else:
            groups.append(ParamGroup("q_proj", "attn", n, h, heads * qk_head))
        groups += [
            ParamGroup(
                "kv_a_proj_with_mqa",
                "attn",
                n,
                h,
                spec.kv_lora_rank + spec.qk_rope_head_dim,
                bias=spec.qkv_bias,
            ),
            ParamGroup("kv_a_layernorm", "norm", n, numel_each=spec.kv_lora_rank),
            ParamGroup(
                "kv_b_proj", "attn", n, spec.kv_lora_rank, heads * (spec.qk_nope_head_dim + spec.v_head_dim)
            ),
            ParamGroup("o_proj", "attn", n, heads * spec.v_head_dim, h, bias=spec.o_bias),
        ]
        return groups
    if spec.fused_qkv:
        groups.append(ParamGroup("qkv_proj", "attn", n, h, (heads + 2 * kv) * hd, bias=spec.qkv_bias))
    else:
        if spec.q_lora_rank:  # Step-3's MFA: q_proj to a shared low rank, inter_norm, wq up to the heads
            r = spec.q_lora_rank
            groups += [
                ParamGroup("q_proj", "attn", n, h, r, bias=spec.qkv_bias),
                ParamGroup("inter_norm", "norm", n, numel_each=r),
                ParamGroup("wq", "attn", n, r, heads * hd),
            ]
        else:
            width = heads * hd * (2 if spec.attn_output_gate else 1)
            groups.append(ParamGroup("q_proj", "attn", n, h, width, bias=spec.qkv_bias))
        groups += [
            ParamGroup("k_proj", "attn", n, h, kv * hd, bias=spec.qkv_bias),
            ParamGroup("v_proj", "attn", n, h, kv * spec.value_head_dim, bias=spec.qkv_bias),
        ]
    groups.append(ParamGroup("o_proj", "attn", n, heads * spec.value_head_dim, h, bias=spec.o_bias))
    if spec.qk_norm == "head":  # of the model's norm type (Phi's qk_layernorm: LayerNorms with bias)
        groups += [
            ParamGroup("q_norm", "norm", n, numel_each=_norm_numel(spec, hd)),
            ParamGroup("k_norm", "norm", n, numel_each=_norm_numel(spec, hd)),
        ]
    elif spec.qk_norm == "full":
        groups += [
            ParamGroup("q_norm", "norm", n, numel_each=_norm_numel(spec, heads * hd)),
            ParamGroup("k_norm", "norm", n, numel_each=_norm_numel(spec, kv * hd)),
        ]
    if spec.attention_sinks:
        groups.append(ParamGroup("sinks", "attn", n, numel_each=heads))
    if spec.attn_head_gate:  # Step-3.5-Flash g_proj (modeling_step3p7.py Step3p7Attention, gating=True)
        groups.append(ParamGroup("g_proj", "attn", n, h, heads))
    return groups


def _per_layer_head_groups(spec: ModelSpec, attn: tuple[int, ...]) -> list[ParamGroup]:
    """Gemma 4 (modeling_gemma4.py Gemma4TextAttention): full_attention blocks project to their own
    head size and KV heads; with attention_k_eq_v they have no v_proj (V is the normed k projection)."""
    full = tuple(i for i in attn if spec.layer_type(i) == "full_attention")
    local = tuple(i for i in attn if spec.layer_type(i) != "full_attention")
    groups: list[ParamGroup] = []
    if local:
        groups += [replace(g, layers=local) for g in _attention_groups(spec, len(local))]
    if full:
        view = spec.attention_view(full[0])
        glob = _attention_groups(view, len(full))
        if spec.global_k_eq_v:
            glob = [g for g in glob if g.name != "v_proj"]
        groups += [replace(g, layers=full) for g in glob]
    return groups


def _mlp_groups(
    spec: ModelSpec, n: int, inter: int, kind: GroupKind, bias: bool, width: int = 0
) -> list[ParamGroup]:
    """A (gated) MLP of width `inter` on inputs of `width` (default: the hidden size), `n` instances."""
    h = width or spec.hidden_size
    if not spec.mlp_gated:
        return [
            ParamGroup("up_proj", kind, n, h, inter, bias=bias),
            ParamGroup("down_proj", kind, n, inter, h, bias=bias),
        ]
    if spec.fused_gate_up:
        return [
            ParamGroup("gate_up_proj", kind, n, h, 2 * inter, bias=bias),
            ParamGroup("down_proj", kind, n, inter, h, bias=bias),
        ]
    return [
        ParamGroup("gate_proj", kind, n, h, inter, bias=bias),
        ParamGroup("up_proj", kind, n, h, inter, bias=bias),
        ParamGroup("down_proj", kind, n, inter, h, bias=bias),
    ]


def _moe_groups(spec: ModelSpec, n_moe: int) -> list[ParamGroup]:
    h = spec.hidden_size
    groups = [ParamGroup("gate", "router", n_moe, h, spec.num_experts, bias=spec.router_bias)]
    if spec.router_scales:  # modeling_gemma4.py Gemma4TextRouter: scale and per_expert_scale
        groups += [
            ParamGroup("router.scale", "router", n_moe, numel_each=h),
            ParamGroup("router.per_expert_scale", "router", n_moe, numel_each=spec.num_experts),
        ]
    if spec.router_score_correction_bias:
        groups.append(ParamGroup("e_score_correction_bias", "router", n_moe, numel_each=spec.num_experts))
    latent = spec.moe_latent_size
    groups += _mlp_groups(
        spec, n_moe * spec.num_experts, spec.moe_intermediate_size, "expert", spec.expert_bias, latent
    )
    if latent:  # modeling_nemotron_h.py NemotronHMoE: fc1_latent_proj (h -> latent), fc2_latent_proj back
        groups += [
            ParamGroup("fc1_latent_proj", "mlp", n_moe, h, latent, bias=spec.mlp_bias),
            ParamGroup("fc2_latent_proj", "mlp", n_moe, latent, h, bias=spec.mlp_bias),
        ]
    if spec.num_shared_experts:
        groups += _mlp_groups(spec, n_moe, spec.shared_expert_intermediate_size, "shared_expert", False)
        if spec.shared_expert_gate:
            groups.append(ParamGroup("shared_expert_gate", "router", n_moe, h, 1))
    return groups


def _gated_deltanet_groups(r: RecurrentSpec, h: int, n: int) -> list[ParamGroup]:
    """Qwen3-Next / Qwen3.5 GatedDeltaNet (modeling_qwen3_next.py, modeling_qwen3_5.py): q/k/v/z and
    b/a input projections (fused or split), a depthwise conv over q, k, v without bias, per-head
    dt_bias and A_log, a gated RMSNorm over the value head dim, out_proj."""
    kd, vd = r.num_key_heads * r.key_head_dim, r.num_heads * r.value_head_dim
    if r.split_projections:
        inputs = [
            ParamGroup("in_proj_qkv", "mixer", n, h, 2 * kd + vd),
            ParamGroup("in_proj_z", "mixer", n, h, vd),
            ParamGroup("in_proj_b", "mixer", n, h, r.num_heads),
            ParamGroup("in_proj_a", "mixer", n, h, r.num_heads),
        ]
    else:
        inputs = [
            ParamGroup("in_proj_qkvz", "mixer", n, h, 2 * kd + 2 * vd),
            ParamGroup("in_proj_ba", "mixer", n, h, 2 * r.num_heads),
        ]
    return [
        *inputs,
        ParamGroup("conv1d", "mixer_param", n, numel_each=r.conv_channels * r.conv_kernel),
        ParamGroup("dt_bias", "mixer_param", n, numel_each=r.num_heads),
        ParamGroup("A_log", "mixer_param", n, numel_each=r.num_heads),
        ParamGroup("mixer_norm", "norm", n, numel_each=r.value_head_dim),
        ParamGroup("out_proj", "mixer", n, vd, h),
    ]


def _kimi_delta_groups(r: RecurrentSpec, h: int, n: int) -> list[ParamGroup]:
    """Kimi Linear KimiDeltaAttention (modeling_kimi_linear.py): q/k/v projections and one depthwise
    conv over all three, a low-rank forget gate (f_a, f_b) and output gate (g_a, g_b) of rank head_dim, a
    beta projection, A_log and dt_bias, a gated RMSNorm over the head dim, o_proj."""
    heads, dk = r.num_heads, r.key_head_dim
    width = heads * dk
    return [
        ParamGroup("q_proj", "mixer", n, h, width),
        ParamGroup("k_proj", "mixer", n, h, width),
        ParamGroup("v_proj", "mixer", n, h, heads * r.value_head_dim),
        ParamGroup("conv1d", "mixer_param", n, numel_each=r.conv_channels * r.conv_kernel),
        ParamGroup("A_log", "mixer_param", n, numel_each=heads),
        ParamGroup("f_a_proj", "mixer", n, h, dk),
        ParamGroup("f_b_proj", "mixer", n, dk, width),
        ParamGroup("dt_bias", "mixer_param", n, numel_each=width),
        ParamGroup("b_proj", "mixer", n, h, heads),
        ParamGroup("g_a_proj", "mixer", n, h, dk),
        ParamGroup("g_b_proj", "mixer", n, dk, heads * r.value_head_dim),
        ParamGroup("o_norm", "norm", n, numel_each=r.value_head_dim),
        ParamGroup("o_proj", "mixer", n, heads * r.value_head_dim, h),
    ]


def _lightning_groups(r: RecurrentSpec, h: int, n: int) -> list[ParamGroup]:
    """Ling 2.0 linear layers (SGLang models/bailing_moe_linear.py BailingMoELinearAttention): one fused
    query_key_value over all heads (multi-head, bias = use_bias or use_qkv_bias), per-head q/k RMSNorms
    when use_qk_norm, a bias-free output gate g_proj (hidden -> heads x head_dim), the RMSNorm g_norm over
    heads x head_dim and the `dense` output projection (bias = use_bias); no convolution."""
    width = r.num_heads * r.key_head_dim
    return [
        ParamGroup("query_key_value", "mixer", n, h, 3 * width, bias=r.proj_bias),
        *(
            [ParamGroup(f"{q}_layernorm", "norm", n, numel_each=r.key_head_dim) for q in ("query", "key")]
            if r.qk_norm
            else []
        ),
        ParamGroup("g_proj", "mixer", n, h, width),
        ParamGroup("g_norm", "norm", n, numel_each=width),
        ParamGroup("dense", "mixer", n, width, h, bias=r.out_proj_bias),
    ]


def _mamba2_groups(r: RecurrentSpec, h: int, n: int) -> list[ParamGroup]:
    """Mamba-2 mixer (modeling_nemotron_h.py / modeling_granitemoehybrid.py / modeling_falcon_h1.py
    Mamba2Mixer): in_proj to gate, x, B, C and dt; a biased depthwise conv over x, B, C; per-head
    dt_bias, A_log and D; a gated RMSNorm over d_inner; out_proj."""
    d_in, groups_n = r.inner_size, r.n_groups * r.state_size
    return [
        ParamGroup("in_proj", "mixer", n, h, 2 * d_in + 2 * groups_n + r.num_heads, bias=r.proj_bias),
        ParamGroup("conv1d", "mixer_param", n, numel_each=r.conv_channels * r.conv_kernel),
        *([ParamGroup("conv1d.bias", "mixer_param", n, numel_each=r.conv_channels)] if r.conv_bias else []),
        ParamGroup("dt_bias", "mixer_param", n, numel_each=r.num_heads),
        ParamGroup("A_log", "mixer_param", n, numel_each=r.num_heads),
        ParamGroup("D", "mixer_param", n, numel_each=r.num_heads),
        *([ParamGroup("mixer_norm", "norm", n, numel_each=d_in)] if r.gated_norm else []),
        ParamGroup("out_proj", "mixer", n, d_in, h, bias=r.out_proj_bias),
    ]


def _mamba_groups(r: RecurrentSpec, h: int, n: int) -> list[ParamGroup]:
    """Mamba-1 mixer as Jamba has it (modeling_jamba.py JambaMambaMixer): in_proj to x and gate, a
    depthwise conv, x_proj to dt, B, C, dt_proj back to d_inner, A_log [d_inner, N], D, and Jamba's
    RMSNorms on dt, B and C."""
    d_in, N = r.inner_size, r.state_size
    return [
        ParamGroup("in_proj", "mixer", n, h, 2 * d_in, bias=r.proj_bias),
        ParamGroup("conv1d", "mixer_param", n, numel_each=d_in * r.conv_kernel),
        *([ParamGroup("conv1d.bias", "mixer_param", n, numel_each=d_in)] if r.conv_bias else []),
        ParamGroup("x_proj", "mixer", n, d_in, r.dt_rank + 2 * N),
        ParamGroup("dt_proj", "mixer", n, r.dt_rank, d_in, bias=True),
        ParamGroup("A_log", "mixer_param", n, numel_each=d_in * N),
        ParamGroup("D", "mixer_param", n, numel_each=d_in),
        ParamGroup("dt_layernorm", "norm", n, numel_each=r.dt_rank),
        ParamGroup("b_layernorm", "norm", n, numel_each=N),
        ParamGroup("c_layernorm", "norm", n, numel_each=N),
        ParamGroup("out_proj", "mixer", n, d_in, h, bias=r.proj_bias),
    ]


def _short_conv_groups(r: RecurrentSpec, h: int, n: int) -> list[ParamGroup]:
    """LFM2 ShortConv (modeling_lfm2.py Lfm2ShortConv): in_proj to B, C, x; depthwise conv; out_proj."""
    return [
        ParamGroup("in_proj", "mixer", n, h, 3 * h, bias=r.proj_bias),
        ParamGroup("conv", "mixer_param", n, numel_each=h * r.conv_kernel),
        *([ParamGroup("conv.bias", "mixer_param", n, numel_each=h)] if r.conv_bias else []),
        ParamGroup("out_proj", "mixer", n, h, h, bias=r.proj_bias),
    ]


_MIXERS = {
    "gated_deltanet": _gated_deltanet_groups,
    "kimi_delta": _kimi_delta_groups,
    "lightning": _lightning_groups,
    "mamba2": _mamba2_groups,
    "mamba": _mamba_groups,
    "short_conv": _short_conv_groups,
}


def _on(groups: list[ParamGroup], layers: tuple[int, ...], every: int) -> list[ParamGroup]:
    """Tag groups with the blocks that hold them when that is not every block."""
    if len(layers) == every:
        return groups
    return [replace(g, layers=layers) for g in groups]


# Tensors a block that reuses another block's K/V does not build (modeling_gemma3n.py /
# modeling_gemma4.py Gemma*TextAttention: "Layers sharing kv states don't need any weight matrices").
_KV_OWN = frozenset({"k_proj", "v_proj", "k_norm"})


def _attention_for(spec: ModelSpec, attn: tuple[int, ...]) -> list[ParamGroup]:
    """The attention tensors of the blocks `attn`, each group tagged with the blocks holding it."""
    if spec.per_layer_attention:
        return _per_layer_head_groups(spec, attn)
    return _on(_attention_groups(spec, len(attn)), attn, spec.num_layers)


def _attention_blocks(spec: ModelSpec) -> list[ParamGroup]:
    """Attention of every block with a mixer that attends; shared-KV blocks keep only q, q_norm and o."""
    L = spec.num_layers
    if spec.every_block_full_attention:  # has_kv everywhere, no shared K/V: no per-block asking (issue 15)
        own: tuple[int, ...] = tuple(range(L))
        shared: tuple[int, ...] = ()
    else:
        own = tuple(i for i in range(L) if spec.has_kv(i))
        shared = tuple(i for i in range(L) if spec.has_attention(i) and spec.shares_kv(i))
    groups = _attention_for(spec, own) if own else []
    if shared:
        groups += [
            g if g.layers is not None else replace(g, layers=shared)
            for g in _attention_for(spec, shared)
            if g.name not in _KV_OWN
        ]
        groups = [g if g.layers is not None else replace(g, layers=own) for g in groups]
    return groups


def _dense_mlps(spec: ModelSpec, dense: tuple[int, ...], tag: bool) -> list[ParamGroup]:
    """Dense MLPs, one group set per width when blocks differ (Gemma 3n lists, Gemma 4 double-wide)."""
    widths: dict[int, list[int]] = {}
    for i in dense:
        widths.setdefault(spec.mlp_width(i), []).append(i)
    tag = tag or len(widths) > 1
    groups: list[ParamGroup] = []
    for width, members in widths.items():
        mlp = _mlp_groups(spec, len(members), width, "mlp", spec.mlp_bias)
        groups += [replace(g, layers=tuple(members)) for g in mlp] if tag else mlp
    return groups


def _block_groups(spec: ModelSpec) -> list[ParamGroup]:
    """Attention, mixer, MLP and MoE tensors of the decoder blocks, each on the blocks that have it."""
    L = spec.num_layers
    # has_state / has_mlp read per block once per model: 12k calls each in a cold `fit --all` (issue 15),
    # where a spec without layer_types has no recurrent block and one without ffn_types reads moe_layers
    state = () if spec.layer_types is None else tuple(i for i in range(L) if spec.has_state(i))
    moe_flags = spec.moe_layers
    moe = tuple(i for i in range(L) if moe_flags[i])
    if spec.ffn_types is not None or spec.intermediate_size <= 0:
        dense = tuple(i for i in range(L) if spec.has_mlp(i))
    else:  # has_mlp without ffn_types: the blocks without experts
        dense = tuple(i for i in range(L) if not moe_flags[i])
    groups = _attention_blocks(spec)
    if state and spec.recurrent is not None:
        mixer = _MIXERS[spec.recurrent.kind](spec.recurrent, spec.hidden_size, len(state))
        groups += _on(mixer, state, L)
    tag = spec.ffn_types is not None or bool(state)
    if dense:
        groups += _dense_mlps(spec, dense, tag)
    if moe:
        experts = _moe_groups(spec, len(moe))
        groups += [replace(g, layers=moe) for g in experts] if tag else experts
    if spec.compressed is not None:
        from llmsize.specs.params_deepseek_v4 import block_extras

        groups += block_extras(spec, moe)
    return groups + _per_layer_extras(spec)


def _per_layer_extras(spec: ModelSpec) -> list[ParamGroup]:
    """Gemma 3n / Gemma 4 E-model block tensors beside attention and MLP, on every block.

    Per-layer input (modeling_gemma3n.py / modeling_gemma4.py Gemma*TextDecoderLayer):
    per_layer_input_gate (hidden -> p), per_layer_projection (p -> hidden), post_per_layer_input_norm.
    LAuReL (Gemma3nTextLaurelBlock): linear_left (hidden -> rank), linear_right, post_laurel_norm.
    AltUp (Gemma3nTextAltUp, n predictions): correct_output_scale (hidden), correction_coefs (n -> n),
    prediction_coefs (n -> n^2), modality_router (hidden -> n), router_norm.
    """
    h, L = spec.hidden_size, spec.num_layers
    every = tuple(range(L))
    groups: list[ParamGroup] = []
    if p := spec.per_layer_input_size:
        groups += [
            ParamGroup("per_layer_input_gate", "mixer", L, h, p, layers=every),
            ParamGroup("per_layer_projection", "mixer", L, p, h, layers=every),
            ParamGroup("post_per_layer_input_norm", "norm", L, numel_each=h, layers=every),
        ]
    if r := spec.laurel_rank:
        groups += [
            ParamGroup("laurel.linear_left", "mixer", L, h, r, layers=every),
            ParamGroup("laurel.linear_right", "mixer", L, r, h, layers=every),
            ParamGroup("laurel.post_laurel_norm", "norm", L, numel_each=h, layers=every),
        ]
    if n := spec.altup_inputs:
        groups += [
            ParamGroup("altup.correct_output_scale", "mixer_param", L, numel_each=h, layers=every),
            ParamGroup("altup.correction_coefs", "mixer", L, n, n, layers=every),
            ParamGroup("altup.prediction_coefs", "mixer", L, n, n * n, layers=every),
            ParamGroup("altup.modality_router", "mixer", L, h, n, layers=every),
            ParamGroup("altup.router_norm", "norm", L, numel_each=h, layers=every),
        ]
    return groups


def _model_extras(spec: ModelSpec) -> list[ParamGroup]:
    """Gemma 3n / Gemma 4 E-model tensors outside the blocks (Gemma*TextModel.__init__): the packed
    per-layer embedding table (vocab_size_per_layer_input x layers * p), per_layer_model_projection
    (hidden -> layers * p) and per_layer_projection_norm (p); Gemma 3n's AltUp adds n-1 square
    altup_projections before the blocks and n-1 altup_unembed_projections after them."""
    h, L = spec.hidden_size, spec.num_layers
    groups: list[ParamGroup] = []
    if p := spec.per_layer_input_size:
        groups += [
            ParamGroup(
                "embed_tokens_per_layer", "embedding", 1, numel_each=spec.per_layer_vocab_size * L * p
            ),
            ParamGroup("per_layer_model_projection", "other", 1, h, L * p),
            ParamGroup("per_layer_projection_norm", "other", 1, numel_each=p),
        ]
    if n := spec.altup_inputs:
        groups += [
            ParamGroup("altup_projections", "other", n - 1, h, h),
            ParamGroup("altup_unembed_projections", "other", n - 1, h, h),
        ]
    return groups


def shared_kv_checkpoint_params(spec: ModelSpec) -> int:
    """k_proj, v_proj and k_norm of the KV-shared blocks: the published Gemma 3n / Gemma 4 checkpoints
    store them, transformers skips them on load (`_keys_to_ignore_on_load_unexpected` of
    Gemma*TextModel), so they are on disk but not in memory."""
    shared = tuple(i for i in range(spec.num_layers) if spec.has_attention(i) and spec.shares_kv(i))
    if not shared:
        return 0
    return sum(g.numel for g in _attention_for(spec, shared) if g.name in _KV_OWN)


def param_inventory(spec: ModelSpec) -> tuple[ParamGroup, ...]:
    """Every parameter tensor group of `spec`, exact to the element.

    Memoised per spec object: `fit --all` sizes each model at several precisions, layouts and
    contexts, and the inventory is a pure function of the spec's fields (issue 15: instant).
    """
    return _per_spec(spec, "inventory", _inventory_by_value)


def _inventory_by_value(spec: ModelSpec) -> tuple[ParamGroup, ...]:
    """The first ask of each spec object: equal specs (a model_copy) share one inventory."""
    try:
        return _param_inventory_cached(spec)
    except TypeError:  # an unhashable spec: compute it afresh
        return _param_inventory(spec)


@lru_cache(maxsize=512)
def _param_inventory_cached(spec: ModelSpec) -> tuple[ParamGroup, ...]:
    return _param_inventory(spec)


# (id of a spec, what) -> (the spec, its value). Keyed by identity, not by the frozen spec's hash,
# which is recomputed over every field (nested records included) on each lookup; holding the
# spec keeps its id from being reused while the entry exists.
_BY_SPEC: dict[tuple[int, str], tuple[ModelSpec, Any]] = {}
_MAX_ENTRIES = 2048  # cleared when full (a long-running library user)
T = TypeVar("T")


def _per_spec(spec: ModelSpec, what: str, compute: Callable[[ModelSpec], T]) -> T:
    slot = (id(spec), what)
    hit = _BY_SPEC.get(slot)
    if hit is not None and hit[0] is spec:
        value: T = hit[1]
        return value
    value = compute(spec)
    if len(_BY_SPEC) >= _MAX_ENTRIES:
        _BY_SPEC.clear()
    _BY_SPEC[slot] = (spec, value)
    return value


def _param_inventory(spec: ModelSpec) -> tuple[ParamGroup, ...]:
    h, L = spec.hidden_size, spec.num_layers
    groups: list[ParamGroup] = [ParamGroup("embed_tokens", "embedding", 1, numel_each=spec.vocab_size * h)]
    if spec.position_embedding_params:
        groups.append(
            ParamGroup("embed_positions", "embedding", 1, numel_each=spec.position_embedding_params)
        )
    groups += _model_extras(spec)
    groups += _block_groups(spec)
    norms = _sublayer_norm_count(spec) if spec.sublayer_norms else L * spec.norms_per_layer
    if norms:
        groups.append(ParamGroup("layer_norms", "norm", norms, numel_each=_norm_numel(spec, h)))
    if spec.layer_scalar:  # modeling_gemma4.py Gemma4TextDecoderLayer.layer_scalar (nn.Buffer, persistent)
        groups.append(ParamGroup("layer_scalar", "other", L, numel_each=1))
    if spec.final_norm:
        groups.append(ParamGroup("norm", "norm", 1, numel_each=_norm_numel(spec, h)))
    if spec.compressed is not None:  # DeepseekV4HyperHead: collapses the streams before the final norm
        n_hc = spec.compressed.hc_mult
        groups.append(ParamGroup("hc_head", "lm_head", 1, numel_each=n_hc * n_hc * h + n_hc + 1))
    if not spec.tie_word_embeddings:
        groups.append(ParamGroup("lm_head", "lm_head", 1, h, spec.vocab_size, bias=spec.lm_head_bias))
    if spec.extra_params:
        groups.append(ParamGroup("extra", "other", 1, numel_each=spec.extra_params))
    return tuple(groups)


def _sublayer_norm_count(spec: ModelSpec) -> int:
    """One pre-norm per sublayer a block has (DeciLM: input_layernorm only with attention,
    post_attention_layernorm only with an MLP; vLLM nemotron_nas.py DeciLMDecoderLayer.__init__)."""
    moe = spec.moe_layers
    return sum(
        int(spec.layer_type(i) != "none") + int(spec.has_mlp(i) or moe[i]) for i in range(spec.num_layers)
    )


def total_params(spec: ModelSpec) -> int:
    """Parameters stored in the checkpoint (tied embeddings counted once)."""
    return _per_spec(spec, "total", lambda s: sum(g.numel for g in param_inventory(s)))


def active_params(spec: ModelSpec) -> int:
    """Parameters a token passes through: routed experts count top-k of num_experts."""
    return _per_spec(spec, "active", _active_params)


def _active_params(spec: ModelSpec) -> int:
    total = 0
    for g in param_inventory(spec):
        if g.kind == "expert":
            total += g.numel * spec.num_experts_per_tok // spec.num_experts
        else:
            total += g.numel
    return total


def params_by_kind(spec: ModelSpec) -> dict[str, int]:
    """Totals per group kind, for breakdown tables."""
    out: dict[str, int] = {}
    for g in param_inventory(spec):
        out[g.kind] = out.get(g.kind, 0) + g.numel
    return out


def block_params(spec: ModelSpec) -> int:
    """Parameters of all decoder blocks (everything but embeddings, head, final norm and extras)."""
    outside = {"embedding", "lm_head", "other"}
    return sum(g.numel for g in param_inventory(spec) if g.kind not in outside and g.name != "norm")


# Nemotron-H pattern symbols -> (mixer layer type, ffn type), as recurrent.nemotron_h maps the decoder.
_NEMOTRON_BLOCKS = {
    "M": ("mamba", "none"), "*": ("full_attention", "none"), "-": ("none", "dense"), "E": ("none", "moe")
}


def mtp_block_spec(spec: ModelSpec) -> ModelSpec:
    """One MTP layer as a small model: a decoder block of the model's uniform kind (attention, and
    the MoE when the model has experts), without the per-layer patterns of the decoder it follows.

    Nemotron-H's MTP step is one block per symbol of `mtp_hybrid_override_pattern` ("*E": an attention
    block then a MoE block; vLLM nemotron_h_mtp.py NemotronHMultiTokenPredictor)."""
    if spec.mtp_pattern:
        blocks = [_NEMOTRON_BLOCKS[c] for c in spec.mtp_pattern]
        return spec.model_copy(
            update={
                "num_layers": len(blocks),
                "layer_types": tuple(b[0] for b in blocks),
                "ffn_types": tuple(b[1] for b in blocks),
                "intermediate_sizes": None,
                "mtp_in_weights": False,
            }
        )
    return spec.model_copy(
        update={
            "num_layers": 1,
            "layer_types": None,
            "ffn_types": None,
            "first_k_dense_layers": 0,
            "moe_layer_freq": 1,
            "hash_moe_layers": (),
            "intermediate_sizes": None,
            "mtp_in_weights": False,
        }
    )


def mtp_params(spec: ModelSpec) -> int:
    """Parameters of the multi-token-prediction layers the checkpoint stores beyond the decoder.

    Each is one decoder block (attention + MoE when the model has experts) plus, DeepSeek-V3 style
    (`model.layers.61.*` of the DeepSeek-V3 checkpoint; vLLM `deepseek_mtp.py`): enorm, hnorm,
    eh_proj (2h -> h), shared_head.norm, and its own copies of embed_tokens and shared_head.head;
    the "qwen" layout shares the model's embedding and head and stores a fusion projection (2h -> h)
    and three norms: Qwen3-Next / Qwen3.5 (`mtp.*`: fc, pre_fc_norm_embedding / _hidden, norm; vLLM
    `qwen3_next_mtp.py`), Nemotron-H (`mtp.layers.*`: eh_proj, enorm, hnorm, final_layernorm; vLLM
    `nemotron_h_mtp.py`) and GLM-5's next-n layer (eh_proj, enorm, hnorm, shared_head.norm; the
    zai-org/GLM-5.1 checkpoint stores no embed_tokens / shared_head.head copy in it).
    """
    if not spec.mtp_layers:
        return 0
    h = spec.hidden_size
    block = block_params(mtp_block_spec(spec))
    if spec.mtp_layout == "qwen":
        extra = 2 * h * h + 3 * h
    else:
        extra = 2 * h + 2 * h * h + h + 2 * spec.vocab_size * h
    return spec.mtp_layers * (block + extra)
