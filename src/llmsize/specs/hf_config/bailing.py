"""inclusionAI Ling 2.0 / Ring 2.0 (model_type bailing_moe_v2; remote code, not in transformers 5.23).

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

from llmsize.specs.hf_config.reader import Fields, Reader, mtp, trunk

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
    shared = r.opt_int("num_shared_experts", default=1) or 0
    f.update(
        fused_qkv=True,
        qkv_bias=r.flag("use_qkv_bias"),
        o_bias=r.flag("use_bias"),
        qk_norm="head" if r.flag("use_qk_norm", default=True) else "none",
        num_experts=r.req("num_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        num_shared_experts=1 if shared else 0,
        shared_expert_intermediate_size=moe_inter * shared,
        first_k_dense_layers=r.opt_int("first_k_dense_replace", default=1) or 0,
        router_score_correction_bias=True,  # BailingMoeV2Gate.expert_bias, a persistent buffer
    )
    return mtp(r, f, "qwen")
