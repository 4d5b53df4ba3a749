"""Typed reading of one config.json dict, and the field groups every decoder family shares.

`Reader` turns a missing or malformed field into a ConfigError naming it; `DEFAULTS` restates the
transformers 5.23 `configuration_<type>.py` defaults a Hub config.json may leave out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.models import MAX_LAYERS

Fields = dict[str, Any]
_MISSING: Any = object()

# Defaults the transformers config classes apply when config.json leaves a field out (values read
# from transformers 5.23 `configuration_<type>.py`). Hub configs often omit them: Gemma 3's
# text_config, for one, states neither its heads nor its vocabulary.
_DEFAULTS: dict[str, Fields] = {
    "llama": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "max_position_embeddings": 2048,
    },
    "mistral": {"tie_word_embeddings": False, "sliding_window": 4096, "max_position_embeddings": 131072},
    "mixtral": {
        "tie_word_embeddings": False,
        "sliding_window": None,
        "num_local_experts": 8,
        "num_experts_per_tok": 2,
        "max_position_embeddings": 131072,
    },
    "qwen2": {
        "tie_word_embeddings": False,
        "use_sliding_window": False,
        "max_window_layers": 28,
        "max_position_embeddings": 32768,
    },
    "qwen2_moe": {
        "tie_word_embeddings": False,
        "qkv_bias": True,
        "use_sliding_window": False,
        "max_window_layers": 28,
        "decoder_sparse_step": 1,
        "max_position_embeddings": 32768,
    },
    "qwen3": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "use_sliding_window": False,
        "max_window_layers": 28,
        "head_dim": 128,
        "max_position_embeddings": 32768,
    },
    "qwen3_moe": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "use_sliding_window": False,
        "decoder_sparse_step": 1,
        "max_position_embeddings": 32768,
    },
    "gemma": {
        "tie_word_embeddings": True,
        "attention_bias": False,
        "head_dim": 256,
        "max_position_embeddings": 8192,
    },
    "gemma2": {
        "tie_word_embeddings": True,
        "attention_bias": False,
        "head_dim": 256,
        "sliding_window": 4096,
        "final_logit_softcapping": 30.0,
        "attn_logit_softcapping": 50.0,
        "max_position_embeddings": 8192,
    },
    "gemma3_text": {
        "tie_word_embeddings": True,
        "attention_bias": False,
        "head_dim": 256,
        "sliding_window": 4096,
        "sliding_window_pattern": 6,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "vocab_size": 262208,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 26,
        "max_position_embeddings": 131072,
    },
    "phi3": {"tie_word_embeddings": False, "sliding_window": None, "max_position_embeddings": 4096},
    "deepseek_v2": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "first_k_dense_replace": 0,
        "n_shared_experts": 2,
        "q_lora_rank": 1536,
        "max_position_embeddings": 2048,
    },
    "deepseek_v3": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "first_k_dense_replace": 3,
        "n_shared_experts": 1,
        "q_lora_rank": 1536,
        "topk_method": "noaux_tc",
        "max_position_embeddings": 4096,
    },
    "gpt_oss": {
        "tie_word_embeddings": False,
        "attention_bias": True,
        "head_dim": 64,
        "sliding_window": 128,
        "num_local_experts": 128,
        "num_experts_per_tok": 4,
        "max_position_embeddings": 131072,
    },
    "glm": {"tie_word_embeddings": False, "attention_bias": True, "max_position_embeddings": 131072},
    "glm4": {"tie_word_embeddings": False, "attention_bias": True, "max_position_embeddings": 131072},
    "falcon": {
        "tie_word_embeddings": True,
        "bias": False,
        "multi_query": True,
        "parallel_attn": True,
        "new_decoder_architecture": False,
        "num_ln_in_parallel_attn": None,
        "alibi": False,
        "max_position_embeddings": 2048,
    },
    # ChatGLMConfig.__init__ defaults of the THUDM remote code (configuration_chatglm.py)
    "chatglm": {
        "tie_word_embeddings": False,
        "add_bias_linear": False,
        "add_qkv_bias": False,
        "rmsnorm": True,
        "post_layer_norm": True,
        "multi_query_attention": False,
        "multi_query_group_num": 1,
        "seq_length": 2048,
    },
    # SiglipVisionConfig defaults (configuration_siglip.py)
    "gemma4_text": {
        "tie_word_embeddings": True,
        "attention_bias": False,
        "head_dim": 256,
        "sliding_window": 512,
        "vocab_size": 262144,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 30,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "max_position_embeddings": 131072,
    },
    # Gemma4UnifiedTextConfig / VisionConfig / AudioConfig defaults (configuration_gemma4_unified.py,
    # transformers 5.23; the vision and audio defaults are google/gemma-4-12B-it's)
    "gemma4_unified_text": {
        "tie_word_embeddings": True,
        "attention_bias": False,
        "head_dim": 256,
        "sliding_window": 1024,
        "vocab_size": 262144,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 30,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "max_position_embeddings": 262144,
    },
    "gemma4_unified_vision": {
        "patch_size": 16,
        "pooling_kernel_size": 3,
        "mm_embed_dim": 3840,
        "mm_posemb_size": 1120,
        "output_proj_dims": 3840,
    },
    "gemma4_unified_audio": {"audio_embed_dim": 640},
    # Gemma4VisionConfig defaults (configuration_gemma4.py)
    "gemma4_vision": {
        "hidden_size": 768,
        "intermediate_size": 3072,
        "num_hidden_layers": 16,
        "num_attention_heads": 12,
        "num_key_value_heads": 12,
        "head_dim": 64,
        "patch_size": 16,
        "position_embedding_size": 10240,
        "use_clipped_linears": False,
        "standardize": False,
    },
    "siglip_vision_model": {
        "hidden_size": 768,
        "intermediate_size": 3072,
        "num_hidden_layers": 12,
        "num_channels": 3,
        "image_size": 224,
        "patch_size": 16,
        "vision_use_head": True,
    },
}


# No architecture count comes near this (vocabularies ~2^18, contexts ~2^24); beyond it a value is a
# corrupt or hostile file, and Infinity/1e308 would overflow int() and float arithmetic downstream.
_MAX_CONFIG_INT = 2**48
# Block counts are walked block by block (per-layer kinds, windows, MoE flags), so a count below 2^48 can
# still hang a reader that builds a tuple per block before ModelSpec's own MAX_LAYERS check runs: it is
# refused where it is read (issue 15, round 7: `num_hidden_layers: 10^12` in cohere2, afmoe, bailing, mllama).
_LAYER_COUNT_KEYS = frozenset(
    {"num_hidden_layers", "num_layers", "n_layer", "n_layers", "depth", "conf_num_hidden_layers",
     "encoder_layers"}
)


class Reader:
    """Typed access to one config dict; a missing or malformed field becomes a ConfigError naming it."""

    def __init__(self, cfg: Mapping[str, Any], model_type: str) -> None:
        self.cfg = cfg
        self.model_type = model_type
        self.defaults = _DEFAULTS.get(model_type, {})

    def get(self, *keys: str, default: Any = _MISSING) -> Any:
        for key in keys:
            if key in self.cfg and self.cfg[key] is not None:
                return self.cfg[key]
        for key in keys:
            if key in self.cfg:  # an explicit null
                return None
        for key in keys:
            if key in self.defaults:
                return self.defaults[key]
        return None if default is _MISSING else default

    def req(self, *keys: str) -> int:
        value = self.opt_int(*keys)
        if value is None:
            names = " or ".join(repr(k) for k in keys)
            raise ConfigError(
                f"config.json ({self.model_type}) has no {names}, which the architecture needs",
                hint="pass the model's own config.json, or a catalog name",
            )
        if value < 0:  # every required field is a size or a count: -1e6 in a vision tower built 251T params
            raise ConfigError(f"config.json field {keys[0]!r} must not be negative, not {value:,}")
        return value

    def opt_int(self, *keys: str, default: int | None = None) -> int | None:
        value = self.get(*keys)
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -_MAX_CONFIG_INT <= value <= _MAX_CONFIG_INT  # also False for NaN
            or int(value) != value
        ):
            if isinstance(value, bool):  # JSON true/false; Python would count it as 1 or 0
                shown = "true" if value else "false"
            elif isinstance(value, int):
                shown = f"an integer of {len(str(abs(value)))} digits"
            else:
                shown = repr(value)
            raise ConfigError(f"config.json field {keys[0]!r} must be an integer below 2^48, not {shown}")
        if value > MAX_LAYERS and _LAYER_COUNT_KEYS.intersection(keys):
            raise ConfigError(
                f"config.json field {keys[0]!r} gives {int(value):,} layers, beyond any model "
                f"(llmsize reads up to {MAX_LAYERS:,})"
            )
        return int(value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.get(key, default=default)
        if value is None:
            return default
        if not isinstance(value, bool | int):
            raise ConfigError(f"config.json field {key!r} must be true or false, not {value!r}")
        return bool(value)

    def opt_float(self, key: str) -> float | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"config.json field {key!r} must be a number, not {value!r}")
        return float(value)


def trunk(r: Reader, *, layers_keys: tuple[str, ...] = ("num_hidden_layers",)) -> Fields:
    """The fields every decoder shares; head_dim defaults to hidden_size / heads like the HF configs."""
    hidden = r.req("hidden_size")
    heads = r.req("num_attention_heads")
    if heads < 1:  # checked here: hidden_size % heads below would divide by zero
        raise ConfigError(f"config.json field 'num_attention_heads' must be at least 1, not {heads}")
    head_dim = r.opt_int("head_dim")
    if head_dim is None:
        if hidden % heads:
            raise ConfigError(
                f"config.json gives no head_dim and hidden_size {hidden} is not a multiple of "
                f"num_attention_heads {heads}"
            )
        head_dim = hidden // heads
    return {
        "num_layers": r.req(*layers_keys),
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": r.opt_int("num_key_value_heads", default=heads),
        "head_dim": head_dim,
        "intermediate_size": r.req("intermediate_size"),
        "vocab_size": r.req("vocab_size"),
        "max_position_embeddings": r.req(*CONTEXT_KEYS),
        "tie_word_embeddings": r.flag("tie_word_embeddings"),
        **_rope_scaling(r),
    }


def activation(r: Reader, key: str = "hidden_act") -> Fields:
    """The MLP's activation (a transformers ACT2FN name): the activation walk models the eager ops of
    the multi-op ones (activations.py ReLUSquaredActivation, NewGELUActivation, XIELUActivation)."""
    act = r.get(key)
    if act is None:
        return {}
    if not isinstance(act, str):
        raise ConfigError(f"config.json field {key!r} must be an activation name, not {act!r}")
    return {"mlp_activation": act}


def _rotary_fraction(r: Reader, raw: Any) -> Fields:
    """partial_rotary_factor, top-level (Phi, GLM-4, Qwen3-Next) or inside rope_parameters (Qwen3.5): the
    engines' cos/sin caches span head_dim x this factor (vLLM/SGLang get_rope rotary_dim)."""
    value = r.get("partial_rotary_factor")
    if value is None and isinstance(raw, Mapping):
        value = raw.get("partial_rotary_factor")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1:
        return {"rotary_fraction": float(value)}
    return {}


def _rope_scaling(r: Reader) -> Fields:
    """rope_scaling (transformers 4) or rope_parameters (5; per layer type for Gemma 3): kind, factor."""
    raw = r.get("rope_scaling", "rope_parameters")
    partial = _rotary_fraction(r, raw)
    if not isinstance(raw, Mapping):
        return partial
    if isinstance(raw.get("full_attention"), Mapping):
        raw = raw["full_attention"]
    kind = raw.get("rope_type", raw.get("type"))
    if not isinstance(kind, str) or kind == "default":
        return partial
    out: Fields = {"rope_scaling_type": kind, **partial}
    factor = raw.get("factor")
    if isinstance(factor, (int, float)) and not isinstance(factor, bool) and factor > 0:
        out["rope_scaling_factor"] = float(factor)
    original = raw.get("original_max_position_embeddings")
    if original is None and kind in ("longrope", "su"):
        # Phi-3 states it beside rope_scaling; vLLM copies it in (vllm/model_executor/models/llama.py
        # LlamaAttention.__init__, which Phi3ForCausalLM builds) before get_rope reads it for LongRoPE.
        original = r.get("original_max_position_embeddings")
    if isinstance(original, int) and not isinstance(original, bool) and original > 0:
        out["rope_original_max_positions"] = original
    return out


CONTEXT_KEYS = ("max_position_embeddings", "max_sequence_length", "seq_length", "n_positions")


def explicit_layer_types(r: Reader, num_layers: int) -> tuple[str, ...] | None:
    value = r.cfg.get("layer_types")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != num_layers:
        raise ConfigError(f"config.json field 'layer_types' must list one entry per layer ({num_layers})")
    allowed = {"full_attention", "sliding_attention"}
    unknown = sorted({str(v) for v in value} - allowed)
    if unknown:
        raise ConfigError(
            "config.json field 'layer_types' has attention kinds llmsize does not model: "
            + ", ".join(unknown)
        )
    return tuple(str(v) for v in value)


def windows(r: Reader, num_layers: int, rule: Callable[[int], bool] | None) -> Fields:
    """sliding_window + layer_types: an explicit `layer_types` wins, else `rule(i)` marks sliding layers."""
    window = r.opt_int("sliding_window")
    explicit = explicit_layer_types(r, num_layers)
    if explicit is not None:
        kinds = explicit
    elif window and rule is not None:
        kinds = tuple("sliding_attention" if rule(i) else "full_attention" for i in range(num_layers))
    else:
        return {"sliding_window": None, "layer_types": None}
    if "sliding_attention" not in kinds:
        return {"sliding_window": window or None, "layer_types": kinds}
    if not window:
        raise ConfigError("config.json has sliding_attention layers but no sliding_window")
    return {"sliding_window": window, "layer_types": kinds}


def all_layers(_: int) -> bool:
    return True


# --- 2026 architectures: layer kinds beyond full/sliding attention --------------------------------
# Every builder below restates the transformers 5.23 modeling code named in its docstring.

_LAYER_KIND_NAMES = {
    "full_attention": "full_attention",
    "attention": "full_attention",
    "sliding_attention": "sliding_attention",
    "chunked_attention": "chunked_attention",
    "linear_attention": "linear_attention",
    "indexed_attention": "full_attention",  # MLA + DSA indexer: the indexer is in spec.indexer
    "deepseek_sparse_attention": "full_attention",
    "conv": "conv",
    "hybrid": "hybrid",
}


def kinds_list(
    r: Reader, key: str, num_layers: int, rename: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """A per-layer kind list of the config, checked against the layer count and the kinds llmsize models."""
    value = r.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"config.json ({r.model_type}) needs '{key}': a list of layer kinds")
    if len(value) != num_layers:
        raise ConfigError(
            f"config.json ({r.model_type}) lists {len(value)} '{key}' for {num_layers} layers",
            hint="num_hidden_layers and the per-layer list must agree",
        )
    table = rename if rename is not None else _LAYER_KIND_NAMES
    unknown = sorted({v for v in value if v not in table})
    if unknown:
        raise ConfigError(
            f"config.json ({r.model_type}) field '{key}' has layer kinds llmsize does not model: "
            + ", ".join(unknown)
        )
    return tuple(table[v] for v in value)


def need_state(r: Reader, *keys: str) -> int:
    """A state size a linear-attention / Mamba layer cannot do without."""
    value = r.opt_int(*keys)
    if not value:
        raise ConfigError(
            f"config.json ({r.model_type}) has recurrent layers but no {keys[0]!r} (their state size)",
            hint="pass the model's complete config.json",
        )
    return value


def mtp(r: Reader, f: Fields, layout: str = "deepseek") -> Fields:
    """num_nextn_predict_layers / mtp_num_hidden_layers: in the checkpoint, not loaded by transformers."""
    n = r.opt_int("num_nextn_predict_layers", "mtp_num_hidden_layers", default=0) or 0
    if n:
        f.update(mtp_layers=n, mtp_layout=layout)
    return f


def shared_experts(
    r: Reader, count_key: str | None, per_expert: int = 0, *, default: int = 0, width_key: str | None = None
) -> Fields:
    """The shared experts beside the routed ones, as the one MLP the modeling code builds for them.

    Two ways a config states them:
    - a count (`count_key`: n_shared_experts, num_shared_experts, moe_num_shared_experts; `default` is the
      config class's) of experts `per_expert` wide, built as ONE MLP of count x width (DeepseekV3MoE:
      DeepseekV3MLP(intermediate_size=moe_intermediate_size * n_shared_experts); Glm4MoeMoE, Dots1MoE,
      Ernie4_5_MoeSparseMoeBlock, the Ling-V2 BailingMoeV2SparseMoeBlock the same);
    - the shared MLP's own width (`width_key`: Qwen2MoeSparseMoeBlock's shared_expert_intermediate_size,
      NemotronHMoE's moe_shared_expert_intermediate_size), present when `count_key` (if any) is non-zero.
    """
    if width_key is not None:
        width = r.opt_int(width_key, default=0) or 0
        count = (r.opt_int(count_key, default=default) or 0) if count_key else width
        return {"num_shared_experts": 1 if count else 0, "shared_expert_intermediate_size": width}
    count = (r.opt_int(count_key, default=default) or 0) if count_key else 0
    return {"num_shared_experts": 1 if count else 0, "shared_expert_intermediate_size": per_expert * count}


def trunk_no_mlp(r: Reader) -> Fields:
    """trunk for MoE-only configs that state no dense intermediate_size."""
    cfg = dict(r.cfg)
    cfg["intermediate_size"] = 0
    inner = Reader(cfg, r.model_type)
    return trunk(inner)
