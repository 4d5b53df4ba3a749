"""inclusionAI Ling 2.0 / Ring 2.0 (bailing_moe_v2, bailing_moe_linear; remote code, not in transformers).

Restates inclusionAI/Ling-V2 models/modeling_bailing_moe_v2.py (commit af8837e, 2025-09-10), which vLLM
(bailing_moe.py BailingMoeV2ForCausalLM) and SGLang load the same way:
- BailingMoeV2Attention: one fused query_key_value projection ((heads + 2 kv) x head_dim, bias =
  use_qkv_bias), per-head query_layernorm / key_layernorm when use_qk_norm, `dense` output (bias = use_bias);
- the first first_k_dense_replace blocks a SwiGLU of intermediate_size, the rest BailingMoeV2SparseMoeBlock:
  a router (BailingMoeV2Gate: weight + a persistent expert_bias buffer), num_experts bias-free SwiGLU
  experts of moe_intermediate_size and one shared SwiGLU of moe_intermediate_size x num_shared_experts;
- num_nextn_predict_layers BailingMoeV2MTPLayer blocks after the decoder: a decoder block (attention + the
  MoE block) with eh_proj (2h -> h), enorm, hnorm and final_layernorm, sharing the embedding and head
  (llmsize's "qwen" MTP layout).
Defaults are BailingMoeV2Config's (configuration_bailing_moe_v2.py, same commit).
"""

from __future__ import annotations

from llmsize.specs.hf_config.reader import Fields, Reader, mtp, shared_experts, trunk
from llmsize.specs.models import RecurrentSpec

_DEFAULTS: Fields = {
    "vocab_size": 157184,
    "head_dim": 128,
    "max_position_embeddings": 32768,
    "tie_word_embeddings": False,
    "use_qkv_bias": False,
    "use_bias": False,
    "use_qk_norm": True,
    "num_experts": 256,
    "num_shared_experts": 1,
    "num_experts_per_tok": 8,
    "moe_intermediate_size": 512,
    "first_k_dense_replace": 1,
}


def bailing_moe_v2(r: Reader) -> Fields:
    """Ling 2.0: fused-qkv GQA with per-head q/k norm, DeepSeek-style MoE after the dense first blocks."""
    r.defaults = {**_DEFAULTS, **r.defaults}
    f = trunk(r)
    moe_inter = r.req("moe_intermediate_size")
    f.update(
        fused_qkv=True,
        qkv_bias=r.flag("use_qkv_bias"),
        o_bias=r.flag("use_bias"),
        qk_norm="head" if r.flag("use_qk_norm", default=True) else "none",
        num_experts=r.req("num_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        **shared_experts(r, "num_shared_experts", moe_inter, default=1),
        first_k_dense_layers=r.opt_int("first_k_dense_replace", default=1) or 0,
        router_score_correction_bias=True,  # BailingMoeV2Gate.expert_bias, a persistent buffer
    )
    return mtp(r, f, "qwen")


def bailing_moe_linear(r: Reader) -> Fields:
    """Ring-mini-linear-2.0 / Ring-flash-linear-2.0 (model_type bailing_moe_linear, remote code): Ling 2.0's
    MoE and GQA blocks, with every block but each layer_group_size-th one a lightning linear-attention
    layer (SGLang models/bailing_moe_linear.py is_linear_layer: (i + 1) % layer_group_size != 0).

    The linear layers keep one fp32 state of heads x head_dim x head_dim per sequence and no conv window
    (SGLang configs/bailing_moe_linear.py mamba2_cache_params: intermediate_size 0, n_groups 0,
    state_size head_dim, conv_kernel 1). Their prefill transient is sized by the attention walk of the
    same q/k/v widths (the lightning kernel keeps no score matrix), an approximation.
    """
    f = bailing_moe_v2(r)
    L, heads, head_dim = f["num_layers"], f["num_attention_heads"], f["head_dim"]
    group = r.opt_int("layer_group_size", default=1) or 0
    kinds = tuple("linear_attention" if group > 0 and (i + 1) % group else "full_attention" for i in range(L))
    if "linear_attention" in kinds:
        f.update(
            layer_types=kinds,
            recurrent=RecurrentSpec(
                kind="lightning",
                num_heads=heads,
                num_key_heads=heads,
                key_head_dim=head_dim,
                value_head_dim=head_dim,
                conv_kernel=1,
                proj_bias=r.flag("use_bias") or r.flag("use_qkv_bias"),
                out_proj_bias=r.flag("use_bias"),
                qk_norm=r.flag("use_qk_norm", default=True),
            ),
        )
    return f
