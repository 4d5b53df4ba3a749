"""Builders for mixture-of-experts decoders: routed and shared experts, dense first layers, MLA.

Each builder restates the transformers 5.23 modeling code it names (mixtral, qwen2/3_moe,
deepseek_v2/v3/v32, gpt_oss, glm4_moe, dots1, minimax_m2, hunyuan, ernie, mistral4, llama4, cohere2_moe).
"""

from __future__ import annotations

from collections.abc import Callable

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.dense import qwen3
from llmsize.specs.hf_config.reader import (
    Fields,
    Reader,
    all_layers,
    kinds_list,
    mtp,
    shared_experts,
    trunk,
    windows,
)
from llmsize.specs.models import IndexerSpec


def mixtral(r: Reader) -> Fields:
    """modeling_mixtral.py: every block routes to num_local_experts gated MLPs of intermediate_size."""
    f = trunk(r)
    f.update(windows(r, f["num_layers"], all_layers))
    f.update(
        num_experts=r.req("num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=f["intermediate_size"],
    )
    return f


def phimoe(r: Reader) -> Fields:
    """modeling_phimoe.py (Phi-3.5-MoE): Mixtral's routed gated experts, q/k/v/o biased with
    attention_bias, LayerNorms with bias (nn.LayerNorm) for the blocks and the final norm, lm_head biased
    with lm_head_bias."""
    f = mixtral(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, norm_type="layernorm", lm_head_bias=r.flag("lm_head_bias"))
    return f


def qwen_moe_layers(r: Reader, num_layers: int, warnings: list[str]) -> Fields:
    """Qwen MoE blocks: sparse when (i+1) % decoder_sparse_step == 0 and i not in mlp_only_layers."""
    step = r.opt_int("decoder_sparse_step", default=1) or 1
    only = r.get("mlp_only_layers") or []
    if not isinstance(only, list) or not all(isinstance(i, int) for i in only):
        raise ConfigError("config.json field 'mlp_only_layers' must be a list of layer indices")
    dense = sorted(set(only))
    if step == 1 and dense == list(range(len(dense))):
        return {"first_k_dense_layers": len(dense), "moe_layer_freq": 1}
    if not dense:
        # (i+1) % step == 0  <=>  (i - (step-1)) % step == 0: first step-1 blocks dense, then every step-th.
        return {"first_k_dense_layers": step - 1, "moe_layer_freq": step}
    warnings.append(
        f"mlp_only_layers {dense} with decoder_sparse_step {step} is approximated: "
        f"the first {len(dense)} blocks are taken as the dense ones"
    )
    return {"first_k_dense_layers": min(len(dense), num_layers), "moe_layer_freq": step}


def qwen2_moe(r: Reader, warnings: list[str]) -> Fields:
    """modeling_qwen2_moe.py: routed experts + one shared expert behind a sigmoid gate (hidden -> 1)."""
    f = trunk(r)
    f.update(qkv_bias=r.flag("qkv_bias", default=True))
    f.update(windows(r, f["num_layers"], _qwen2_moe_window_rule(r)))
    f.update(
        num_experts=r.req("num_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=r.req("moe_intermediate_size"),
        num_shared_experts=1,
        shared_expert_intermediate_size=r.req("shared_expert_intermediate_size"),
        shared_expert_gate=True,
    )
    f.update(qwen_moe_layers(r, f["num_layers"], warnings))
    return f


def _qwen2_moe_window_rule(r: Reader) -> Callable[[int], bool] | None:
    """configuration_qwen2_moe.py: odd-numbered (1-based) layers below max_window_layers slide."""
    if not r.flag("use_sliding_window"):
        return None
    limit = r.opt_int("max_window_layers", default=0) or 0
    return lambda i: bool((i + 1) % 2) and i < limit


def qwen3_moe(r: Reader, warnings: list[str]) -> Fields:
    """modeling_qwen3_moe.py: Qwen3 attention, routed experts only (no shared expert)."""
    f = qwen3(r)
    if r.flag("use_sliding_window"):
        f.update(windows(r, f["num_layers"], all_layers))
    f.update(
        num_experts=r.req("num_experts", "num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=r.req("moe_intermediate_size"),
    )
    f.update(qwen_moe_layers(r, f["num_layers"], warnings))
    return f


def deepseek(r: Reader, warnings: list[str]) -> Fields:
    """modeling_deepseek_v2/_v3.py: MLA attention; blocks >= first_k_dense_replace are MoE.

    Shared experts are one MLP of moe_intermediate_size * n_shared_experts; V3's router keeps an
    e_score_correction_bias (remote code: only with topk_method "noaux_tc"). q_lora_rank null
    (V2-Lite) means a plain q_proj. transformers ignores moe_layer_freq, and so do we.
    """
    hidden = r.req("hidden_size")
    heads = r.req("num_attention_heads")
    bias = r.flag("attention_bias")
    f: Fields = {
        "num_layers": r.req("num_hidden_layers"),
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": heads,
        "head_dim": r.req("qk_nope_head_dim") + r.req("qk_rope_head_dim"),
        "intermediate_size": r.req("intermediate_size"),
        "vocab_size": r.req("vocab_size"),
        "max_position_embeddings": r.req("max_position_embeddings"),
        "tie_word_embeddings": r.flag("tie_word_embeddings"),
        "qkv_bias": bias,
        "o_bias": bias,
        "q_lora_rank": r.opt_int("q_lora_rank", default=0) or 0,
        "kv_lora_rank": r.req("kv_lora_rank"),
        "qk_nope_head_dim": r.req("qk_nope_head_dim"),
        "qk_rope_head_dim": r.req("qk_rope_head_dim"),
        "v_head_dim": r.req("v_head_dim"),
    }
    experts = r.opt_int("n_routed_experts", default=0) or 0
    if experts:
        moe_inter = r.req("moe_intermediate_size")
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=moe_inter,
            **shared_experts(r, "n_shared_experts", moe_inter),
            first_k_dense_layers=r.opt_int("first_k_dense_replace", default=0) or 0,
            router_score_correction_bias=r.model_type in ("deepseek_v3", "kimi_k2")
            and r.get("topk_method") == "noaux_tc",
        )
        mlp = r.cfg.get("mlp_layer_types")
        if mlp is not None:  # newer exports state the dense/sparse pattern per layer
            f["ffn_types"] = kinds_list(
                r, "mlp_layer_types", f["num_layers"], {"dense": "dense", "sparse": "moe"}
            )
    mtp = r.opt_int("num_nextn_predict_layers", default=0) or 0
    if mtp:
        warnings.append(
            f"the checkpoint also stores {mtp} multi-token-prediction layer(s) for speculative decoding; "
            # spec-level, so engine-neutral: the old wording named transformers under --engine vllm/ollama
            "they are loaded only for --speculative mtp and are not counted in the loaded weights"
        )
        f.update(mtp_layers=mtp)
    return f


def gpt_oss(r: Reader) -> Fields:
    """modeling_gpt_oss.py: biased q/k/v/o, per-head sinks, biased router and experts, alternating windows."""
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        attention_sinks=True,
        num_experts=r.req("num_local_experts", "num_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok", "experts_per_token"),
        moe_intermediate_size=f["intermediate_size"],
        fused_gate_up=True,
        router_bias=True,
        expert_bias=True,
    )
    f.update(windows(r, f["num_layers"], lambda i: bool((i + 1) % 2)))
    return f


def glm4_moe(r: Reader) -> Fields:
    """modeling_glm4_moe.py: q/k/v bias = attention_bias, optional per-head q/k norm; blocks from
    first_k_dense_replace on are MoE with a sigmoid router, its e_score_correction_bias, and
    n_shared_experts x moe_intermediate_size shared experts; next-n (MTP) layers in the checkpoint."""
    f = trunk(r)
    f.update(qkv_bias=r.flag("attention_bias"), qk_norm="head" if r.flag("use_qk_norm") else "none")
    moe_inter = r.req("moe_intermediate_size")
    f.update(
        num_experts=r.req("n_routed_experts", "num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        **shared_experts(r, "n_shared_experts", moe_inter),
        first_k_dense_layers=r.opt_int("first_k_dense_replace", default=0) or 0,
        router_score_correction_bias=True,
        fp32_params=("e_score_correction_bias",),  # _keep_in_fp32_modules_strict (modeling_glm4_moe.py)
    )
    return mtp(r, f)


def glm4v_moe_text(r: Reader) -> Fields:
    """modeling_glm4v_moe.py Glm4vMoeTextModel (GLM-4.5V / GLM-4.6V): GLM-4.5's MoE blocks (first
    first_k_dense_replace dense, sigmoid router with an fp32 e_score_correction_bias, n_shared_experts
    shared experts), attention with q/k/v bias = attention_bias and no q/k norm (Glm4vMoeTextAttention)."""
    r.defaults = {"first_k_dense_replace": 1, "n_shared_experts": 1, **r.defaults}  # Glm4vMoeTextConfig
    f = glm4_moe(r)
    f.update(qk_norm="none")
    return f


def dots1(r: Reader) -> Fields:
    """modeling_dots1.py (dots.llm1): Qwen3 attention (per-head q/k RMSNorm, q/k/v/o bias =
    attention_bias) over DeepSeek-V3 MoE blocks from first_k_dense_replace on (Dots1TopkRouter with an
    fp32 e_score_correction_bias, n_shared_experts x moe_intermediate_size shared experts);
    configuration_dots1.py slides the layers i >= max_window_layers when sliding_window is set."""
    f = qwen3(r)
    limit = r.opt_int("max_window_layers", default=f["num_layers"])
    f.update(windows(r, f["num_layers"], lambda i: limit is not None and i >= limit))
    moe_inter = r.req("moe_intermediate_size")
    f.update(
        num_experts=r.req("n_routed_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        **shared_experts(r, "n_shared_experts", moe_inter),
        first_k_dense_layers=r.opt_int("first_k_dense_replace", default=0) or 0,
        router_score_correction_bias=True,
        fp32_params=("e_score_correction_bias",),  # _keep_in_fp32_modules_strict (modeling_dots1.py)
    )
    return f


def minimax_m2(r: Reader) -> Fields:
    """modeling_minimax_m2.py: q/k RMSNorm over all heads, every block MoE (intermediate_size wide
    experts) with a sigmoid router and e_score_correction_bias."""
    f = trunk(r)
    f.update(
        qk_norm="full",
        # Under TP both engines all-reduce the q and k sums of squares once a block (SGLang
        # minimax_m2.py MiniMaxM2QKRMSNorm._forward_naive; vLLM linear_attn.py
        # MiniMaxText01RMSNormTP.forward_qk): hardware/qk_norm_tp.py.
        qk_norm_tp_collectives=1,
        num_experts=r.req("num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=f["intermediate_size"],
        router_score_correction_bias=True,
    )
    return mtp(r, f)


def _uniform(value: object) -> int | None:
    """An int, or a non-empty list of one repeated int (a per-layer setting that never changes)."""
    if isinstance(value, list) and value and all(v == value[0] for v in value):
        value = value[0]
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def hunyuan_v1_moe(r: Reader) -> Fields:
    """modeling_hunyuan_v1_moe.py: per-head q/k norms (query_/key_layernorm), every block routes to
    num_experts experts of intermediate_size plus one shared MLP of intermediate_size."""
    f = trunk(r)
    bias = r.flag("attention_bias")
    # The published Hunyuan-A13B config lists num_experts / moe_topk per layer; the modeling code
    # indexes them by layer (HunYuanMoEV1Gate), so a list of one repeated value is that value.
    experts = _uniform(r.get("num_experts"))
    topk = _uniform(r.get("moe_topk", "num_experts_per_tok"))
    if experts is None or topk is None:
        raise ConfigError(
            "config.json (hunyuan_v1_moe): num_experts / moe_topk that differ from layer to layer "
            "are not modelled"
        )
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        qk_norm="head",  # HunYuanMoEV1Attention builds query_/key_layernorm whatever use_qk_norm says
        num_experts=experts,
        num_experts_per_tok=topk,
        moe_intermediate_size=f["intermediate_size"],
        num_shared_experts=1,
        shared_expert_intermediate_size=f["intermediate_size"],
        fp32_params=("gate",),  # HunYuanMoEV1Gate: nn.Linear(..., dtype=torch.float32)
    )
    return f


def ernie4_5_moe(r: Reader) -> Fields:
    """modeling_ernie4_5_moe.py: use_bias on every linear; MoE on blocks (i+1) % moe_layer_interval == 0
    between moe_layer_start_index and moe_layer_end_index, an fp32 router and its correction bias,
    moe_num_shared_experts x moe_intermediate_size shared experts."""
    f = trunk(r)
    bias = r.flag("use_bias")
    L = f["num_layers"]
    step = r.opt_int("moe_layer_interval", default=1) or 1
    start = r.opt_int("moe_layer_start_index", default=0) or 0
    end = r.opt_int("moe_layer_end_index", default=L - 1)
    end = L - 1 if end is None or end < 0 else end
    ffn = tuple("moe" if (i + 1) % step == 0 and start <= i <= end else "dense" for i in range(L))
    moe_inter = r.req("moe_intermediate_size")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=bias,
        lm_head_bias=bias,
        rope_fp32=True,  # apply_rotary_pos_emb: q.float() * cos + rotate_half(q).float() * sin
        num_experts=r.req("moe_num_experts", "num_experts"),
        num_experts_per_tok=r.req("moe_k", "num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        **shared_experts(r, "moe_num_shared_experts", moe_inter),
        router_score_correction_bias=True,
        ffn_types=ffn,
        # _keep_in_fp32_modules_strict = ["gate.weight", "moe_statics"] (the correction bias)
        fp32_params=("gate", "e_score_correction_bias"),
    )
    return f


def dsa(r: Reader, warnings: list[str]) -> Fields:
    """modeling_deepseek_v32.py / modeling_glm_moe_dsa.py: DeepSeek V3's MLA + MoE, and a lightning
    indexer on every layer (index_n_heads x index_head_dim queries from the q latent, one key)."""
    f = deepseek(r, warnings)
    f.update(
        indexer=IndexerSpec(
            num_heads=r.req("index_n_heads"), head_dim=r.req("index_head_dim"), topk=r.req("index_topk")
        ),
        router_score_correction_bias=True,
        # _keep_in_fp32_modules_strict = ["e_score_correction_bias"] (modeling_deepseek_v32.py)
        fp32_params=("e_score_correction_bias",),
    )
    if r.model_type == "glm_moe_dsa" and f.get("mtp_layers"):
        f["mtp_layout"] = "qwen"  # zai-org/GLM-5.1: the next-n layer shares embed_tokens and the head
    return f


def mistral4(r: Reader, warnings: list[str]) -> Fields:
    """modeling_mistral4.py: DeepSeek V3's MLA + MoE block (every block MoE unless first_k_dense_replace)."""
    f = deepseek(r, warnings)
    f.update(router_score_correction_bias=False)
    return f


def cohere2_moe(r: Reader) -> Fields:
    """modeling_cohere2_moe.py (Command A+): Cohere's parallel block behind one weight-only norm (RMSNorm when
    rms_norm_eps is set, else LayerNorm), q/k/v/o bias = attention_bias; each block's MLP is a dense SwiGLU
    of prefix_dense_intermediate_size (mlp_layer_types "dense", else the first first_k_dense_replace blocks)
    or a MoE of num_experts gated experts of intermediate_size behind a bias-free router, plus
    num_shared_experts folded into one MLP of intermediate_size x num_shared_experts. Attention is
    3-sliding-1-global (sliding_window_pattern) after the dense prefix, which follows its own
    prefix_dense_sliding_window_pattern (Cohere2MoeConfig.__post_init__); tied by default."""
    r.defaults = {"tie_word_embeddings": True, "sliding_window": 4096, **r.defaults}  # Cohere2MoeConfig
    f = trunk(r)
    L = f["num_layers"]
    bias = r.flag("attention_bias")
    first_k = r.opt_int("first_k_dense_replace", default=0) or 0
    if r.cfg.get("mlp_layer_types") is not None:
        ffn = kinds_list(r, "mlp_layer_types", L, {"dense": "dense", "sparse": "moe"})
    else:
        ffn = tuple("dense" if i < first_k else "moe" for i in range(L))
    prefix_pattern = r.opt_int("prefix_dense_sliding_window_pattern", default=1) or 1
    pattern = r.opt_int("sliding_window_pattern", default=4) or 4
    prefix = [bool((i + 1) % prefix_pattern) for i in range(first_k)]
    rest = [bool((i + 1) % pattern) for i in range(L - first_k)]
    sliding = prefix + rest
    f.update(windows(r, L, lambda i: sliding[i] if i < len(sliding) else False))
    experts_inter = f["intermediate_size"]
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        norms_per_layer=1,
        parallel_block=True,
        intermediate_size=r.opt_int("prefix_dense_intermediate_size") or experts_inter,
        num_experts=r.req("num_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=experts_inter,
        **shared_experts(r, "num_shared_experts", experts_inter),
        ffn_types=ffn,
        first_k_dense_layers=0,
    )
    return f


def llama4_text(r: Reader) -> Fields:
    """modeling_llama4.py: chunked local layers and full (NoPE) global ones from `layer_types`; MoE on
    `moe_layers` (num_local_experts of intermediate_size, a router, one shared expert of
    intermediate_size), dense MLPs of intermediate_size_mlp elsewhere; L2 q/k norm has no weights."""
    f = trunk(r)
    L = f["num_layers"]
    bias = r.flag("attention_bias")
    moe = r.get("moe_layers")
    if moe is None:
        step = r.opt_int("interleave_moe_layer_step", default=1) or 1
        moe = list(range(step - 1, L, step))
    if not isinstance(moe, list) or not all(isinstance(i, int) for i in moe):
        raise ConfigError("config.json (llama4) field 'moe_layers' must be a list of layer indices")
    moe_set = set(moe)
    kinds = r.get("layer_types")
    chunk = r.opt_int("attention_chunk_size")
    if kinds is not None:
        layer_types = kinds_list(r, "layer_types", L)
    elif chunk:
        nope = r.get("no_rope_layers") or [int((i + 1) % 4 != 0) for i in range(L)]
        layer_types = tuple("chunked_attention" if nope[i] else "full_attention" for i in range(L))
    else:
        layer_types = ("full_attention",) * L
    inter = f["intermediate_size"]
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        intermediate_size=r.opt_int("intermediate_size_mlp", default=inter) or inter,
        num_experts=r.req("num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=inter,
        num_shared_experts=1,
        shared_expert_intermediate_size=inter,
        ffn_types=tuple("moe" if i in moe_set else "dense" for i in range(L)),
        layer_types=layer_types,
        attention_chunk_size=chunk if "chunked_attention" in layer_types else None,
    )
    return f
