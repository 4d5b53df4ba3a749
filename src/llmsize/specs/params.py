"""Exact parameter inventory of a ModelSpec: every weight tensor group, its shape and count.

Why an inventory and not one formula: quantized formats treat linear layers and the rest
differently, LoRA targets named modules, tensor parallelism splits some groups and replicates
others, and MoE activates a fraction of the experts. All of them read this one list.
Shapes follow the Hugging Face modeling code of each architecture (e.g. `modeling_llama.py`,
`modeling_deepseek_v3.py`, `modeling_gpt_oss.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from llmsize.specs.models import ModelSpec

GroupKind = Literal[
    "embedding", "lm_head", "attn", "mlp", "expert", "shared_expert", "router", "norm", "other"
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


def _attention_groups(spec: ModelSpec, n: int) -> list[ParamGroup]:
    h, hd = spec.hidden_size, spec.head_dim
    heads, kv = spec.num_attention_heads, spec.num_kv_heads
    groups: list[ParamGroup] = []
    if spec.is_mla:
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
        groups += [
            ParamGroup("q_proj", "attn", n, h, heads * hd, bias=spec.qkv_bias),
            ParamGroup("k_proj", "attn", n, h, kv * hd, bias=spec.qkv_bias),
            ParamGroup("v_proj", "attn", n, h, kv * hd, bias=spec.qkv_bias),
        ]
    groups.append(ParamGroup("o_proj", "attn", n, heads * hd, h, bias=spec.o_bias))
    if spec.qk_norm == "head":
        groups += [
            ParamGroup("q_norm", "norm", n, numel_each=hd),
            ParamGroup("k_norm", "norm", n, numel_each=hd),
        ]
    elif spec.qk_norm == "full":
        groups += [
            ParamGroup("q_norm", "norm", n, numel_each=heads * hd),
            ParamGroup("k_norm", "norm", n, numel_each=kv * hd),
        ]
    if spec.attention_sinks:
        groups.append(ParamGroup("sinks", "attn", n, numel_each=heads))
    return groups


def _mlp_groups(spec: ModelSpec, n: int, inter: int, kind: GroupKind, bias: bool) -> list[ParamGroup]:
    """A (gated) MLP of width `inter`, `n` instances."""
    h = spec.hidden_size
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
    if spec.router_score_correction_bias:
        groups.append(ParamGroup("e_score_correction_bias", "router", n_moe, numel_each=spec.num_experts))
    groups += _mlp_groups(
        spec, n_moe * spec.num_experts, spec.moe_intermediate_size, "expert", spec.expert_bias
    )
    if spec.num_shared_experts:
        groups += _mlp_groups(spec, n_moe, spec.shared_expert_intermediate_size, "shared_expert", False)
        if spec.shared_expert_gate:
            groups.append(ParamGroup("shared_expert_gate", "router", n_moe, h, 1))
    return groups


def param_inventory(spec: ModelSpec) -> tuple[ParamGroup, ...]:
    """Every parameter tensor group of `spec`, exact to the element."""
    h, L = spec.hidden_size, spec.num_layers
    n_moe = spec.num_moe_layers
    n_dense = L - n_moe
    groups: list[ParamGroup] = [ParamGroup("embed_tokens", "embedding", 1, numel_each=spec.vocab_size * h)]
    if spec.position_embedding_params:
        groups.append(
            ParamGroup("embed_positions", "embedding", 1, numel_each=spec.position_embedding_params)
        )
    groups += _attention_groups(spec, L)
    if n_dense and spec.intermediate_size:
        groups += _mlp_groups(spec, n_dense, spec.intermediate_size, "mlp", spec.mlp_bias)
    if n_moe:
        groups += _moe_groups(spec, n_moe)
    if spec.norms_per_layer:
        groups.append(
            ParamGroup("layer_norms", "norm", L * spec.norms_per_layer, numel_each=_norm_numel(spec, h))
        )
    if spec.final_norm:
        groups.append(ParamGroup("norm", "norm", 1, numel_each=_norm_numel(spec, h)))
    if not spec.tie_word_embeddings:
        groups.append(ParamGroup("lm_head", "lm_head", 1, h, spec.vocab_size, bias=spec.lm_head_bias))
    if spec.extra_params:
        groups.append(ParamGroup("extra", "other", 1, numel_each=spec.extra_params))
    return tuple(groups)


def total_params(spec: ModelSpec) -> int:
    """Parameters stored in the checkpoint (tied embeddings counted once)."""
    return sum(g.numel for g in param_inventory(spec))


def active_params(spec: ModelSpec) -> int:
    """Parameters a token passes through: routed experts count top-k of num_experts."""
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
