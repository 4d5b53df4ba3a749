"""Builders for dense decoders: attention + one MLP per block (full or sliding attention).

Each builder restates the transformers 5.23 `models/<type>/modeling_<type>.py` it names; ChatGLM
follows its Hub remote code (`modeling_chatglm.py` of THUDM/chatglm3-6b).
"""

from __future__ import annotations

from collections.abc import Callable

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.gemma3n import gemma4_small
from llmsize.specs.hf_config.reader import (
    Fields,
    Reader,
    activation,
    all_layers,
    explicit_layer_types,
    trunk,
    windows,
)

# --- one builder per model_type ----------------------------------------------------------------


def llama(r: Reader) -> Fields:
    """modeling_llama.py: q/k/v/o bias = attention_bias, MLP bias = mlp_bias; also the fallback."""
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, mlp_bias=r.flag("mlp_bias"))
    return f


def mistral(r: Reader) -> Fields:
    """modeling_mistral.py: sliding_window (4096 when the key is absent) applies to every layer."""
    f = trunk(r)
    f.update(windows(r, f["num_layers"], all_layers))
    return f


def _qwen_window_rule(r: Reader) -> Callable[[int], bool] | None:
    """Qwen2/Qwen3: a window only with use_sliding_window, on layers >= max_window_layers."""
    if not r.flag("use_sliding_window"):
        return None
    first = r.opt_int("max_window_layers", default=0) or 0
    return lambda i: i >= first


def qwen2(r: Reader) -> Fields:
    """modeling_qwen2.py: q/k/v always carry a bias, o_proj none."""
    f = trunk(r)
    f.update(qkv_bias=True)
    f.update(windows(r, f["num_layers"], _qwen_window_rule(r)))
    return f


def qwen3(r: Reader) -> Fields:
    """modeling_qwen3.py: attention_bias on q/k/v/o and a per-head RMSNorm on q and k."""
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, qk_norm="head")
    f.update(windows(r, f["num_layers"], _qwen_window_rule(r)))
    return f


def gemma(r: Reader) -> Fields:
    """modeling_gemma.py: GeGLU MLP, q/k/v/o bias = attention_bias, tied embeddings by default."""
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias)
    return f


def gemma2(r: Reader) -> Fields:
    """modeling_gemma2.py: four norms per block, every other block (0, 2, ...) slides, logit softcaps."""
    f = gemma(r)
    f.update(
        norms_per_layer=4,
        final_logit_softcapping=r.opt_float("final_logit_softcapping"),
        attn_logit_softcapping=r.opt_float("attn_logit_softcapping"),
    )
    f.update(windows(r, f["num_layers"], lambda i: bool((i + 1) % 2)))
    return f


def gemma3_text(r: Reader) -> Fields:
    """modeling_gemma3.py: Gemma 2's block + per-head q/k norms; 5 local layers per global one."""
    f = gemma2(r)
    pattern = r.opt_int("sliding_window_pattern", default=6) or 6
    f.update(qk_norm="head")
    f.update(windows(r, f["num_layers"], lambda i: bool((i + 1) % pattern)))
    if r.get("use_bidirectional_attention") is True and f.get("sliding_window"):
        # configuration_gemma3.py Gemma3TextConfig.__post_init__ (EmbeddingGemma): a bidirectional model's
        # window is a band of +-w/2, so its sliding layers keep sliding_window // 2 + 1 positions.
        f.update(sliding_window=f["sliding_window"] // 2 + 1)
    # Sliding layers rotate with rope_local_base_freq and no scaling (modeling_gemma3.py
    # Gemma3Attention: rotary_emb_local), so a second RoPE table exists beside the global one.
    f.update(local_rope=True)
    return f


def phi3(r: Reader) -> Fields:
    """modeling_phi3.py: fused qkv_proj and gate_up_proj, no biases; sliding_window on all layers."""
    f = trunk(r)
    f.update(fused_qkv=True, fused_gate_up=True)
    f.update(windows(r, f["num_layers"], all_layers))
    return f


def glm(r: Reader) -> Fields:
    """modeling_glm.py (glm-4-9b-chat-hf): q/k/v bias = attention_bias, o none, fused gate_up_proj."""
    f = trunk(r)
    f.update(qkv_bias=r.flag("attention_bias"), fused_gate_up=True)
    return f


def glm4(r: Reader) -> Fields:
    """modeling_glm4.py (GLM-4-0414): GLM's block with two more norms after attention and MLP."""
    f = glm(r)
    f.update(norms_per_layer=4)
    return f


def glm4v_text(r: Reader) -> Fields:
    """modeling_glm4v.py Glm4vTextModel (GLM-4.1V-9B, GLM-4.6V-Flash): GLM-4's four-norm block, fused
    gate_up_proj, and q/k/v always biased (Glm4vTextAttention hard-codes bias=True), o_proj without."""
    f = glm4(r)
    f.update(qkv_bias=True)
    return f


def chatglm(r: Reader) -> Fields:
    """THUDM remote code modeling_chatglm.py (ChatGLM2/3, GLM-4 chat).

    query_key_value: hidden -> (heads + 2 * groups) * kv_channels, biased when add_bias_linear or
    add_qkv_bias; dense and the MLP (dense_h_to_4h: hidden -> 2 * ffn, dense_4h_to_h) are biased
    only with add_bias_linear; output_layer is never tied. RotaryEmbedding registers `inv_freq`
    (rotary_dim / 2 values, rotary_dim = kv_channels / 2) as a persistent buffer, so the checkpoint
    stores it: counted as extra parameters.
    """
    hidden = r.req("hidden_size")
    heads = r.req("num_attention_heads")
    kv_channels = r.opt_int("kv_channels") or hidden // heads
    groups = r.opt_int("multi_query_group_num") if r.flag("multi_query_attention") else heads
    linear_bias = r.flag("add_bias_linear")
    return {
        "num_layers": r.req("num_layers", "num_hidden_layers"),
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": groups or heads,
        "head_dim": kv_channels,
        "intermediate_size": r.req("ffn_hidden_size"),
        "vocab_size": r.req("padded_vocab_size", "vocab_size"),
        "max_position_embeddings": r.req("seq_length", "max_position_embeddings"),
        "tie_word_embeddings": False,
        "qkv_bias": linear_bias or r.flag("add_qkv_bias"),
        "o_bias": linear_bias,
        "mlp_bias": linear_bias,
        "fused_qkv": True,
        "fused_gate_up": True,
        "norm_type": "rmsnorm" if r.flag("rmsnorm", default=True) else "layernorm",
        "final_norm": r.flag("post_layer_norm", default=True),
        "extra_params": (kv_channels // 2) // 2,
        "extra_params_note": "rotary_pos_emb.inv_freq, a persistent buffer of modeling_chatglm.py",
    }


def falcon(r: Reader) -> Fields:
    """modeling_falcon.py: fused query_key_value, plain GELU MLP, LayerNorms with bias, tied head.

    K/V heads: num_kv_heads with new_decoder_architecture, 1 with multi_query, else all heads.
    Norms per block: 2 separate (ln_attn, ln_mlp) for the new architecture, 1 for parallel
    attention, 2 (input + post-attention) for the sequential block.
    """
    hidden = r.req("hidden_size", "n_embd")
    heads = r.req("num_attention_heads", "n_head")
    new_arch = r.flag("new_decoder_architecture")
    parallel = r.flag("parallel_attn", default=True)
    if new_arch:
        kv = r.opt_int("num_kv_heads", "n_head_kv", default=heads) or heads
    elif r.flag("multi_query", default=True):
        kv = 1
    else:
        kv = heads
    if not parallel:
        norms = 2
    else:
        n_ln = r.opt_int("num_ln_in_parallel_attn")
        norms = n_ln if n_ln is not None else (2 if new_arch else 1)
    bias = r.flag("bias")
    return {
        "num_layers": r.req("num_hidden_layers", "n_layer"),
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": kv,
        "head_dim": hidden // heads,
        "intermediate_size": r.opt_int("ffn_hidden_size") or 4 * hidden,
        "vocab_size": r.req("vocab_size"),
        "max_position_embeddings": r.req("max_position_embeddings"),
        "tie_word_embeddings": r.flag("tie_word_embeddings", default=True),
        "qkv_bias": bias,
        "o_bias": bias,
        "mlp_bias": bias,
        "mlp_gated": False,
        "norm_type": "layernorm",
        "norms_per_layer": norms,
        "fused_qkv": True,
        "parallel_block": parallel,
    }


def olmo2(r: Reader) -> Fields:
    """modeling_olmo2.py / modeling_olmo3.py: post-norms only (after attention and MLP), q/k RMSNorm over
    all heads; Olmo 3 adds sliding layers from `layer_types`."""
    f = trunk(r)
    bias = r.flag("attention_bias")
    # Under TP, vLLM's and SGLang's olmo2.py Olmo2Attention._apply_qk_norm all-gather q and k before
    # the norm (two collectives a block): hardware/qk_norm_tp.py.
    f.update(qkv_bias=bias, o_bias=bias, qk_norm="full", qk_norm_tp_collectives=2, post_norm=True)
    f.update(windows(r, f["num_layers"], None))
    return f


def smollm3(r: Reader) -> Fields:
    """modeling_smollm3.py: Llama's block (some layers skip RoPE, which costs no memory)."""
    f = llama(r)
    f.update(windows(r, f["num_layers"], None) if r.flag("use_sliding_window") else {})
    return f


def seed_oss(r: Reader) -> Fields:
    """modeling_seed_oss.py: q/k/v bias = attention_bias, o_proj bias = attention_out_bias."""
    f = trunk(r)
    f.update(
        qkv_bias=r.flag("attention_bias"), o_bias=r.flag("attention_out_bias"), mlp_bias=r.flag("mlp_bias")
    )
    return f


def exaone4(r: Reader) -> Fields:
    """modeling_exaone4.py: post-norms, per-head q/k RMSNorm, 3 local layers per global one ('LLLG')."""
    f = trunk(r)
    f.update(qk_norm="head", post_norm=True)
    pattern = r.get("sliding_window_pattern")
    n = pattern if isinstance(pattern, int) else len(pattern) if isinstance(pattern, str) else 4
    f.update(windows(r, f["num_layers"], (lambda i: bool((i + 1) % n)) if n else None))
    return f


def _gemma4_per_layer(
    r: Reader, kinds: tuple[str, ...], head_dim: int, kv_heads: int
) -> tuple[int, int] | None:
    """(head_dim, KV heads) of the full-attention layers from `per_layer_config`, or None without one.

    transformers 5.23 writes it into every Gemma 4 config it saves (Gemma4TextConfig.__post_init__
    turns global_head_dim / num_global_key_value_heads into {"05": {"head_dim": 512}, ...}, a sparse
    map of per-layer overrides read by Gemma4TextAttention as config.per_layer_config[layer_idx]), so a
    re-saved checkpoint states no global_head_dim. llmsize models one override shared by every full
    layer; another layout is refused rather than guessed."""
    raw = r.get("per_layer_config")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError("config.json (gemma4) field 'per_layer_config' must be an object of overrides")
    full = {i for i, k in enumerate(kinds) if k == "full_attention"}
    seen: dict[int, tuple[int, int]] = {}
    for key, value in raw.items():
        index = int(key)
        if not isinstance(value, dict):
            raise ConfigError(f"config.json (gemma4) per_layer_config[{key!r}] must be an object")
        if set(value) - {"head_dim", "num_key_value_heads"}:
            raise ConfigError(
                f"config.json (gemma4) per_layer_config[{key!r}] overrides more than head_dim and "
                "num_key_value_heads, which llmsize does not model"
            )
        seen[index] = (int(value.get("head_dim", head_dim)), int(value.get("num_key_value_heads", kv_heads)))
    overridden = {i for i, v in seen.items() if v != (head_dim, kv_heads)}
    shapes = {seen[i] for i in overridden}
    if not overridden <= full or len(shapes) > 1 or (shapes and not full <= overridden):
        raise ConfigError(
            "config.json (gemma4) per_layer_config gives layer shapes llmsize does not model (one override "
            "shared by every full_attention layer)"
        )
    return shapes.pop() if shapes else (head_dim, kv_heads)


def gemma4_text(r: Reader) -> Fields:
    """modeling_gemma4.py Gemma4TextModel (26B-A4B, 31B): Gemma 3's block whose full_attention
    layers use global_head_dim and num_global_key_value_heads (configuration_gemma4.py builds
    per_layer_config from them) and, with attention_k_eq_v, have no v_proj; the last layer is always
    full attention. enable_moe_block adds routed experts beside the dense MLP (kept as one ungated
    shared expert), a router with scale and per_expert_scale, and three more norms per block.
    E2B/E4B add per-layer input embeddings and KV-shared layers (gemma3n.py gemma4_small).
    """
    f = gemma(r)
    f.update(norms_per_layer=4, qk_norm="head", local_rope=True, layer_scalar=True)
    f.update(final_logit_softcapping=r.opt_float("final_logit_softcapping"))
    L = f["num_layers"]
    kinds = explicit_layer_types(r, L) or tuple(
        "sliding_attention" if (i + 1) % 6 else "full_attention" for i in range(L)
    )
    kinds = (*kinds[:-1], "full_attention")  # Gemma4TextConfig.__post_init__ forces the last one
    window = r.req("sliding_window") if "sliding_attention" in kinds else None
    f.update(sliding_window=window, layer_types=kinds)
    k_eq_v = r.flag("attention_k_eq_v")
    global_kv = r.opt_int("num_global_key_value_heads") if k_eq_v else None
    global_head_dim = r.opt_int("global_head_dim", default=512)
    per_layer = _gemma4_per_layer(r, kinds, f["head_dim"], f["num_kv_heads"])
    if per_layer is not None:
        global_head_dim, per_layer_kv = per_layer
        global_kv = per_layer_kv if per_layer_kv != f["num_kv_heads"] else None
    f.update(global_head_dim=global_head_dim, global_num_kv_heads=global_kv, global_k_eq_v=k_eq_v)
    if r.flag("enable_moe_block"):
        f.update(
            num_experts=r.req("num_experts"),
            num_experts_per_tok=r.req("top_k_experts"),
            moe_intermediate_size=r.req("moe_intermediate_size"),
            num_shared_experts=1,
            shared_expert_intermediate_size=f["intermediate_size"],
            router_scales=True,
            norms_per_layer=7,  # + post_feedforward_layernorm_1/_2, pre_feedforward_layernorm_2
        )
    f.update(gemma4_small(r, f))
    return f


def starcoder2(r: Reader) -> Fields:
    """modeling_starcoder2.py: q/k/v/o and the plain GELU MLP (c_fc, c_proj) biased with use_bias,
    LayerNorms with bias, a sliding window on every layer when sliding_window is set; tied by default
    (Starcoder2Config: use_bias True, tie_word_embeddings True)."""
    starcoder2_defaults = {"use_bias": True, "tie_word_embeddings": True, "hidden_act": "gelu_pytorch_tanh"}
    r.defaults = {**starcoder2_defaults, **r.defaults}
    f = trunk(r)
    bias = r.flag("use_bias")
    f.update(qkv_bias=bias, o_bias=bias, mlp_bias=bias, mlp_gated=False, norm_type="layernorm")
    f.update(activation(r))
    f.update(windows(r, f["num_layers"], all_layers))
    return f


def phi(r: Reader) -> Fields:
    """modeling_phi.py (Phi-1/1.5/2): a parallel block behind one LayerNorm, biased q/k/v/dense and
    fc1/fc2, an optional per-head q/k LayerNorm (qk_layernorm), a final LayerNorm and a biased
    lm_head; untied (PhiConfig.tie_word_embeddings = False)."""
    r.defaults = {"tie_word_embeddings": False, "hidden_act": "gelu_new", **r.defaults}  # PhiConfig
    f = trunk(r)
    f.update(activation(r))
    f.update(
        qkv_bias=True,
        o_bias=True,
        mlp_bias=True,
        mlp_gated=False,
        norm_type="layernorm",
        norms_per_layer=1,
        parallel_block=True,
        lm_head_bias=True,
        qk_norm="head" if r.flag("qk_layernorm") else "none",
    )
    return f


def gpt_neox(r: Reader) -> Fields:
    """modeling_gpt_neox.py (Pythia, GPT-NeoX-20B): fused query_key_value and dense biased with
    attention_bias, a biased GELU MLP (dense_h_to_4h, dense_4h_to_h), two LayerNorms per block (read
    in parallel with use_parallel_residual), final LayerNorm, untied embed_out."""
    neox: Fields = {"tie_word_embeddings": False, "attention_bias": True, "use_parallel_residual": True}
    neox["hidden_act"] = "gelu"
    r.defaults = {**neox, **r.defaults}  # GPTNeoXConfig
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=True,
        mlp_gated=False,
        norm_type="layernorm",
        fused_qkv=True,
        parallel_block=r.flag("use_parallel_residual"),
        **activation(r),
    )
    return f


def cohere(r: Reader) -> Fields:
    """modeling_cohere.py (Command R / R+): a parallel block behind one bias-free LayerNorm, q/k/v/o bias
    = attention_bias, SwiGLU, with use_qk_norm bias-free LayerNorms over (heads, head_dim) for q and
    (KV heads, head_dim) for k; tied by default (CohereConfig.tie_word_embeddings = True).
    Cohere2 (Command R7B / A) adds sliding windows on all but every sliding_window_pattern-th layer
    (Cohere2Config.__post_init__, which also sets head_dim to hidden_size / heads)."""
    r.defaults = {"tie_word_embeddings": True, **r.defaults}
    if r.model_type == "cohere2":
        cfg = {**r.cfg}
        cfg["head_dim"] = r.req("hidden_size") // r.req("num_attention_heads")
        r = Reader(cfg, r.model_type)
        r.defaults = {"tie_word_embeddings": True, "sliding_window": 4096, **r.defaults}
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        norms_per_layer=1,
        parallel_block=True,
        qk_norm="full" if r.flag("use_qk_norm") else "none",
    )
    if r.model_type == "cohere2":
        pattern = r.opt_int("sliding_window_pattern", default=4) or 4
        f.update(windows(r, f["num_layers"], lambda i: bool((i + 1) % pattern)))
    return f


def arcee(r: Reader) -> Fields:
    """modeling_arcee.py (Arcee AFM-4.5B): Llama attention (bias = attention_bias) and an ungated
    ReLU^2 MLP (up_proj, down_proj, bias = mlp_bias); untied by default."""
    r.defaults = {"tie_word_embeddings": False, "hidden_act": "relu2", **r.defaults}  # ArceeConfig
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, mlp_bias=r.flag("mlp_bias"), mlp_gated=False, **activation(r))
    return f


def stablelm(r: Reader) -> Fields:
    """modeling_stablelm.py (StableLM 2 / 3B): LayerNorms with bias (input, and post-attention unless
    use_parallel_residual), q/k/v bias = use_qkv_bias, bias-free o_proj and SwiGLU; with qk_layernorm a
    bias-free LayerNorm per head on q and on k (StableLmLayerNormPerHead), counted as extra parameters
    since the block norms carry biases and these do not."""
    r.defaults = {"tie_word_embeddings": False, **r.defaults}
    f = trunk(r)
    parallel = r.flag("use_parallel_residual")
    f.update(
        qkv_bias=r.flag("use_qkv_bias"),
        norm_type="layernorm",
        norms_per_layer=1 if parallel else 2,
        parallel_block=parallel,
    )
    if r.flag("qk_layernorm"):
        per_layer = (f["num_attention_heads"] + f["num_kv_heads"]) * f["head_dim"]
        f.update(
            extra_params=f["num_layers"] * per_layer,
            extra_params_note="bias-free per-head q/k LayerNorm weights (qk_layernorm)",
        )
    return f


def olmo(r: Reader) -> Fields:
    """modeling_olmo.py (OLMo 1): Llama's block (bias = attention_bias) whose LayerNorms have no
    weight or bias (OlmoLayerNorm), final norm included; untied by default."""
    r.defaults = {"tie_word_embeddings": False, **r.defaults}
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, norms_per_layer=0, final_norm=False)
    return f
