"""Late-2025 decoders that reuse a known block with one twist: Apertus, Ministral 3, GLM-4.7-Flash.

Each builder restates the transformers 5.23 modeling code its docstring names. Defaults are those of
the matching `configuration_<type>.py`, applied only when config.json leaves the field out.
"""

from __future__ import annotations

from llmsize.errors import ConfigError
from llmsize.specs.hf_config import dense, moe
from llmsize.specs.hf_config.reader import (
    Fields,
    Reader,
    activation,
    kinds_list,
    mtp,
    shared_experts,
    trunk,
    trunk_no_mlp,
    windows,
)

# configuration_apertus.py ApertusConfig / configuration_ministral3.py Ministral3Config defaults.
_APERTUS_DEFAULTS: Fields = {
    "tie_word_embeddings": False,
    "attention_bias": False,
    "max_position_embeddings": 65536,
    "hidden_act": "xielu",
}
_MINISTRAL3_DEFAULTS: Fields = {
    "tie_word_embeddings": False,
    "sliding_window": None,
    "max_position_embeddings": 262144,
}


def apertus(r: Reader) -> Fields:
    """modeling_apertus.py: a Llama block whose MLP is ungated (up_proj -> xIELU -> down_proj), per-head
    q_norm / k_norm, two norms per block (attention_layernorm, feedforward_layernorm).

    With hidden_act "xielu" every MLP owns an XIELUActivation (activations.py): two learnable scalars
    (alpha_p, alpha_n) and two persistent scalar buffers (beta, eps), all in the loaded model's memory,
    so four per block count (the published checkpoints store only the two parameters).
    """
    r.defaults = {**_APERTUS_DEFAULTS, **r.defaults}
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, mlp_gated=False, qk_norm="head", **activation(r))
    if r.get("hidden_act") == "xielu":
        f.update(
            extra_params=4 * f["num_layers"],
            extra_params_note="xIELU scalars alpha_p, alpha_n (parameters), beta, eps (buffers) per block",
        )
    return f


def ministral3(r: Reader) -> Fields:
    """modeling_ministral3.py: Mistral's block (bias-free q/k/v/o, SwiGLU, two RMSNorms); a window only
    when config.json states sliding_window (Ministral3Config's default is None, unlike Mistral's)."""
    r.defaults = {**_MINISTRAL3_DEFAULTS, **r.defaults}
    return dense.mistral(r)


def glm4_moe_lite(r: Reader, warnings: list[str]) -> Fields:
    """modeling_glm4_moe_lite.py (GLM-4.7-Flash): DeepSeek-V3's MLA attention and MoE.

    The router always keeps an fp32 e_score_correction_bias (Glm4MoeLiteTopkRouter), and which blocks
    are MoE comes from `mlp_layer_types`, else Glm4MoeLiteConfig.__post_init__'s default: the first
    block dense, every other one sparse (first_k_dense_replace is not read by this class).
    """
    f = moe.deepseek(r, warnings)
    if not f.get("num_experts"):
        raise ConfigError("config.json (glm4_moe_lite) has no n_routed_experts, which the architecture needs")
    L = f["num_layers"]
    if r.cfg.get("mlp_layer_types") is not None:
        ffn = kinds_list(r, "mlp_layer_types", L, {"dense": "dense", "sparse": "moe"})
    else:
        ffn = ("dense",) + ("moe",) * (L - 1)
    f.update(
        router_score_correction_bias=True,
        ffn_types=ffn,
        first_k_dense_layers=0,
        # Glm4MoeLiteTopkRouter.e_score_correction_bias = nn.Buffer(torch.zeros(..., dtype=torch.float32))
        fp32_params=("e_score_correction_bias",),
    )
    return f


def hunyuan_v1_dense(r: Reader) -> Fields:
    """modeling_hunyuan_v1_dense.py (Hunyuan-7B, Hunyuan-MT): a Llama block (q/k/v/o bias =
    attention_bias, bias-free SwiGLU) whose attention always builds per-head query_layernorm and
    key_layernorm (HunYuanDenseV1Attention.__init__ does not read use_qk_norm); untied by default
    (HunYuanDenseV1Config.tie_word_embeddings = False)."""
    r.defaults = {"tie_word_embeddings": False, **r.defaults}
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, qk_norm="head")
    return f


def ernie4_5(r: Reader) -> Fields:
    """modeling_ernie4_5.py (ERNIE-4.5-0.3B): a Llama block whose q/k/v/o and MLP linears all take
    bias = use_bias; the lm_head has none; tied by default (Ernie4_5Config.tie_word_embeddings = True)."""
    r.defaults = {"tie_word_embeddings": True, **r.defaults}
    f = trunk(r)
    bias = r.flag("use_bias")
    f.update(qkv_bias=bias, o_bias=bias, mlp_bias=bias, rope_fp32=True)  # apply_rotary_pos_emb in fp32
    return f


def solar_open(r: Reader) -> Fields:
    """modeling_solar_open.py (Solar Open 100B): Llama attention (q/k/v bias = attention_bias, bias-free
    o_proj, no q/k norm) and, in every block, GLM-4.5's MoE: a sigmoid router with an fp32
    e_score_correction_bias (_keep_in_fp32_modules_strict), routed experts and n_shared_experts x
    moe_intermediate_size shared experts. SolarOpenConfig has no intermediate_size (no dense block)."""
    r.defaults = {"n_shared_experts": 1, "tie_word_embeddings": False, **r.defaults}  # Glm4MoeConfig
    f = trunk_no_mlp(r)
    moe_inter = r.req("moe_intermediate_size")
    f.update(
        qkv_bias=r.flag("attention_bias"),
        num_experts=r.req("n_routed_experts", "num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        **shared_experts(r, "n_shared_experts", moe_inter, default=1),
        router_score_correction_bias=True,
        fp32_params=("e_score_correction_bias",),
    )
    return f


def exaone_moe(r: Reader) -> Fields:
    """modeling_exaone_moe.py (K-EXAONE): EXAONE 4.0's attention (per-head q/k RMSNorm, 'LLLG' sliding
    windows) in pre-norm blocks (input_layernorm, post_attention_layernorm); blocks `mlp_layer_types`
    calls "sparse" (default: from first_k_dense_replace on) hold DeepSeek-V3's MoE (router with an fp32
    e_score_correction_bias, routed experts, num_shared_experts x moe_intermediate_size shared experts),
    the others a dense SwiGLU of intermediate_size."""
    r.defaults = {"first_k_dense_replace": 1, "num_shared_experts": 1, **r.defaults}  # ExaoneMoeConfig
    f = dense.exaone4(r)
    L = f["num_layers"]
    if r.cfg.get("mlp_layer_types") is not None:
        ffn = kinds_list(r, "mlp_layer_types", L, {"dense": "dense", "sparse": "moe"})
    else:
        k = r.opt_int("first_k_dense_replace", default=1) or 0
        ffn = tuple("dense" if i < k else "moe" for i in range(L))
    moe_inter = r.req("moe_intermediate_size")
    f.update(
        post_norm=False,
        ffn_types=ffn,
        first_k_dense_layers=0,
        num_experts=r.req("num_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        **shared_experts(r, "num_shared_experts", moe_inter, default=1),
        router_score_correction_bias=True,
        fp32_params=("e_score_correction_bias",),
    )
    return f


def afmoe(r: Reader) -> Fields:
    """modeling_afmoe.py (Arcee Trinity): Llama attention (bias = attention_bias) with per-head q/k
    RMSNorm and a sigmoid output gate (gate_proj: hidden -> heads x head_dim, sized like a doubled
    q_proj), four norms per block, sliding windows except every global_attn_every_n_layers-th layer
    (AfmoeConfig.__post_init__); blocks from num_dense_layers on are MoE: a bias-free router, an
    expert_bias parameter per expert, routed experts and num_shared_experts x moe_intermediate_size
    shared experts."""
    afmoe_defaults = {"num_dense_layers": 1, "num_shared_experts": 2, "global_attn_every_n_layers": 4}
    r.defaults = {**afmoe_defaults, **r.defaults}  # AfmoeConfig
    f = trunk(r)
    L = f["num_layers"]
    bias = r.flag("attention_bias")
    every = r.opt_int("global_attn_every_n_layers", default=4) or 0
    f.update(qkv_bias=bias, o_bias=bias, qk_norm="head", attn_output_gate=True, norms_per_layer=4)
    if bias:  # the doubled q_proj carries a bias for the gate half too, which gate_proj has not
        raise ConfigError(
            "config.json (afmoe) sets attention_bias: its bias-free output gate beside biased q/k/v/o is "
            "not modelled (the published Trinity configs leave attention_bias false)"
        )
    f.update(windows(r, L, (lambda i: bool((i + 1) % every)) if every else None))
    moe_inter = r.req("moe_intermediate_size")
    f.update(
        num_experts=r.req("num_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        **shared_experts(r, "num_shared_experts", moe_inter, default=2),
        first_k_dense_layers=r.opt_int("num_dense_layers", default=1) or 0,
        router_score_correction_bias=True,  # AfmoeSparseMoeBlock.expert_bias (a parameter, not a buffer)
    )
    return f


def mimo(r: Reader) -> Fields:
    """Xiaomi MiMo-7B (remote code; vLLM mimo.py MiMoForCausalLM subclasses Qwen2ForCausalLM): Qwen2's
    decoder, plus num_nextn_predict_layers MTP layers in the checkpoint (vLLM mimo_mtp.py
    MiMoMultiTokenPredictorLayer: one Qwen2 decoder layer, input_proj 2h -> h without bias,
    token_layernorm, hidden_layernorm and final_layernorm; the embedding and head are the model's)."""
    r.defaults = {**Reader({}, "qwen2").defaults, **r.defaults}  # the Qwen2Config defaults MiMo keeps
    return mtp(r, dense.qwen2(r), "qwen")


def longcat_flash(r: Reader, warnings: list[str]) -> Fields:
    """modeling_longcat_flash.py (LongCat-Flash): each of num_layers blocks holds two MLA attentions
    (DeepSeek V3's, biased with attention_bias), two dense SwiGLU MLPs of ffn_hidden_size, four norms and
    one shortcut-connected MoE: a router over n_routed_experts + zero_expert_num experts (classifier
    with router_bias, e_score_correction_bias), and n_routed_experts experts of expert_ffn_hidden_size;
    the zero experts compute nothing.

    Sized as 2 x num_layers MLA blocks (the cache holds two per block, layer_idx * 2 + i): the first of
    each pair holds the MoE with the first dense MLP as its shared expert, the second the other dense
    MLP. The zero experts' router rows and biases count as extra parameters."""
    L = r.req("num_layers", "num_hidden_layers")
    ffn, experts = r.req("ffn_hidden_size"), r.req("n_routed_experts")
    zero = r.opt_int("zero_expert_num") or 0
    cfg = {
        **r.cfg,
        "num_hidden_layers": 2 * L,
        "intermediate_size": ffn,
        "moe_intermediate_size": r.req("expert_ffn_hidden_size"),
        "num_experts_per_tok": r.req("moe_topk", "num_experts_per_tok"),
        "n_shared_experts": 0,
        "first_k_dense_replace": 0,
        "topk_method": "noaux_tc",
    }
    f = moe.deepseek(Reader(cfg, "deepseek_v3"), warnings)
    h, router_bias = f["hidden_size"], r.flag("router_bias")
    f.update(
        ffn_types=tuple("moe" if i % 2 == 0 else "dense" for i in range(2 * L)),
        first_k_dense_layers=0,
        num_shared_experts=1,
        shared_expert_intermediate_size=ffn,
        router_score_correction_bias=True,
        router_bias=router_bias,
        extra_params=L * zero * (h + 1 + (1 if router_bias else 0)),
        extra_params_note=f"router rows and biases of the {zero} zero experts in each of {L} blocks",
    )
    if experts < 1:
        raise ConfigError("config.json (longcat_flash) has no n_routed_experts")
    if zero:
        extra = L * zero * 2 * f["moe_intermediate_size"] * h
        warnings.append(
            f"transformers 5.23 also allocates gate_up_proj rows for the {zero} zero experts "
            f"(LongcatFlashExperts sizes it by n_routed_experts + zero_expert_num): {extra:,} more "
            "parameters in memory under transformers than the checkpoint and the serving engines hold"
        )
    return f


def nanochat(r: Reader) -> Fields:
    """modeling_nanochat.py (Karpathy's nanochat): Llama attention (bias = attention_bias on q/k/v/o)
    whose q/k norms, block norms and final norm are weightless RMSNorms (NanoChatRMSNorm has no
    parameter), an ungated ReLU^2 MLP (fc1, fc2), untied head and logit soft-capping."""
    nanochat_defaults: Fields = {"tie_word_embeddings": False, "max_position_embeddings": 2048}
    nanochat_defaults.update(final_logit_softcapping=15.0, hidden_act="relu2")
    r.defaults = {**nanochat_defaults, **r.defaults}  # NanoChatConfig
    f = trunk(r)
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        mlp_gated=False,
        norms_per_layer=0,
        final_norm=False,
        final_logit_softcapping=r.opt_float("final_logit_softcapping"),
        **activation(r),
    )
    return f


def ministral(r: Reader) -> Fields:
    """modeling_ministral.py (Ministral-8B-2410): Mistral's block with a sliding window on the layers
    `layer_types` names (interleaved in the published config); MinistralConfig's defaults are
    Mistral's (sliding_window 4096 on every layer when layer_types is absent, untied)."""
    r.defaults = {**Reader({}, "mistral").defaults, **r.defaults}
    return dense.mistral(r)
