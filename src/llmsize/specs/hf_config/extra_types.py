"""Late-2025 decoders that reuse a known block with one twist: Apertus, Ministral 3, GLM-4.7-Flash.

Each builder restates the transformers 5.23 modeling code its docstring names. Defaults are those of
the matching `configuration_<type>.py`, applied only when config.json leaves the field out.
"""

from __future__ import annotations

from llmsize.errors import ConfigError
from llmsize.specs.hf_config import dense, moe
from llmsize.specs.hf_config.reader import Fields, Reader, kinds_list, trunk

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
    f.update(qkv_bias=bias, o_bias=bias, mlp_gated=False, qk_norm="head")
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
    f.update(qkv_bias=bias, o_bias=bias, mlp_bias=bias)
    return f
