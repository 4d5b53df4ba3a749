"""Map a Hugging Face `config.json` to a ModelSpec whose parameter inventory is exact.

Every builder restates what the modeling code builds for that `model_type`, so that
`llmsize.specs.params.total_params(spec)` equals the tensors the model actually has. This module
routes a model_type to its builder (dense, moe, recurrent), refuses the types llmsize declines and
reads unknown ones as Llama only when nothing in their fields says otherwise. Pure: no I/O, no torch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from llmsize.errors import ConfigError
from llmsize.records import ValidationError
from llmsize.specs.audio_tower import audio_tower_from_config
from llmsize.specs.formats import weight_format_from_config
from llmsize.specs.hf_config import (
    bailing,
    deepseek_v4,
    deepseek_vl2,
    dense,
    extra_types,
    gemma3n,
    gemma4_unified,
    mimo_v2,
    mllama,
    moe,
    nemotron_nas,
    recurrent,
    step3,
    step3p5,
)
from llmsize.specs.hf_config.multimodal import MULTIMODAL_TEXT_TYPES, split_multimodal
from llmsize.specs.hf_config.reader import CONTEXT_KEYS, Fields, Reader
from llmsize.specs.models import ModelSpec, Provenance
from llmsize.specs.vision_tower import vision_tower_from_config

# Model types whose transformers modeling class sets `_supports_sdpa = False`, so without
# flash-attention installed they run eager attention (scores materialised): modeling_gemma2.py
# ("sdpa does not support softcapping"), modeling_gpt_oss.py and modeling_mimo_v2_flash.py (attention sinks).
_EAGER_BY_DEFAULT = frozenset({"gemma2", "gpt_oss", "deepseek_v4", "mimo_v2_flash", "mimo_v2"})
# 1,000x the largest published checkpoint (~1.6T, DeepSeek-V4-Pro): beyond it a config's sizes are
# corrupt or hostile, and the byte arithmetic downstream would overflow floats (issue 15).
MAX_CONFIG_PARAMS = 10**15
# Model types llmsize knows and declines, with what to do instead (none at present: every
# model_type of the list is modelled).
_REFUSED: dict[str, str] = {}


# Fields that mean a decoder is not a plain Llama: reading it as one would silently drop experts,
# latent attention or recurrent state, so such an unknown model_type is refused instead.
_NOT_LLAMA_FIELDS = (
    "num_experts",
    "num_local_experts",
    "n_routed_experts",
    "moe_num_experts",
    "moe_intermediate_size",
    "kv_lora_rank",
    "q_lora_rank",
    "linear_num_value_heads",
    "linear_num_heads",
    "linear_conv_kernel_dim",
    "ssm_state_size",
    "mamba_d_state",
    "mamba_n_heads",
    "state_size",
    "layers_block_type",
    "hybrid_override_pattern",
    "attn_layer_period",
    "index_n_heads",
    "conv_L_cache",
    "text_config",
    "thinker_config",  # Qwen2.5-Omni / Qwen3-Omni: thinker, talker and code2wav models in one checkpoint
    "llm_config",  # InternVL's remote-code internvl_chat wrapper (the transformers-format -HF repos are read)
)


def _unknown(r: Reader, warnings: list[str]) -> Fields:
    """Any other decoder: refused when its fields show experts, latent attention, recurrent layers or a
    wrapped text model; otherwise read as Llama from its standard fields, marked approximate."""
    shown = r.model_type or "(none)"
    telling = [k for k in _NOT_LLAMA_FIELDS if r.cfg.get(k) not in (None, 0, [], "")]
    kinds = r.cfg.get("layer_types")
    if isinstance(kinds, list):
        odd = sorted({str(k) for k in kinds} - {"full_attention", "sliding_attention"})
        telling += [f"layer_types {k}" for k in odd]
    if telling:
        raise ConfigError(
            f"model_type {shown!r} is not one llmsize knows, and its config has "
            f"{', '.join(telling[:4])}: it is not a plain decoder llmsize could read as Llama",
            hint="use a model_type llmsize supports (see `llmsize models`), or a catalog name",
        )
    warnings.append(
        f"model_type {shown!r} is not one llmsize knows; read as a Llama-like decoder "
        "(gated MLP, RMSNorm) from its standard fields, so the counts may be off (approximate)"
    )
    if r.opt_int(*CONTEXT_KEYS) is None:
        # LlamaConfig's default (configuration_llama.py), the fallback this path already assumes.
        r.defaults = {**r.defaults, "max_position_embeddings": 2048}
        warnings.append("config.json states no context length; assuming 2048 (the LlamaConfig default)")
    return dense.llama(r)


_BUILDERS: dict[str, Callable[[Reader], Fields]] = {
    "llama": dense.llama,
    # modeling_granite.py (Granite 3.x): Llama's tensors (q/k/v/o biased with attention_bias, gated MLP
    # with mlp_bias, RMSNorms); its embedding/residual/attention/logits multipliers are scalars, no tensors.
    "granite": dense.llama,
    "mistral": dense.mistral,
    "qwen2": dense.qwen2,
    "qwen3": dense.qwen3,
    "qwen3_vl_text": dense.qwen3,
    "gemma": dense.gemma,
    "gemma2": dense.gemma2,
    "gemma3_text": dense.gemma3_text,
    "gemma4_text": dense.gemma4_text,
    "gemma4_unified_text": gemma4_unified.gemma4_unified_text,
    "gemma3n_text": gemma3n.gemma3n_text,
    "phi3": dense.phi3,
    "glm": dense.glm,
    "glm4": dense.glm4,
    "glm4v_text": dense.glm4v_text,
    "starcoder2": dense.starcoder2,
    "phi": dense.phi,
    "gpt_neox": dense.gpt_neox,
    "cohere": dense.cohere,
    "cohere2": dense.cohere,
    "cohere2_moe": moe.cohere2_moe,
    "arcee": dense.arcee,
    "stablelm": dense.stablelm,
    "olmo": dense.olmo,
    "chatglm": dense.chatglm,
    "falcon": dense.falcon,
    "olmo2": dense.olmo2,
    "olmo3": dense.olmo2,
    "smollm3": dense.smollm3,
    "seed_oss": dense.seed_oss,
    "exaone4": dense.exaone4,
    "apertus": extra_types.apertus,
    "ministral3": extra_types.ministral3,
    "ministral": extra_types.ministral,
    "hunyuan_v1_dense": extra_types.hunyuan_v1_dense,
    "ernie4_5": extra_types.ernie4_5,
    "solar_open": extra_types.solar_open,
    "exaone_moe": extra_types.exaone_moe,
    "afmoe": extra_types.afmoe,
    "mimo": extra_types.mimo,
    "nanochat": extra_types.nanochat,
    "mixtral": moe.mixtral,
    "phimoe": moe.phimoe,
    # InternLM3 (configuration_internlm3.py / modular_internlm3.py): Llama's tensors; the Hub's remote-code
    # config names the biases qkv_bias and bias (both false for internlm3-8b-instruct).
    "internlm3": dense.llama,
    # MiniCPM / MiniCPM4 (remote code, openbmb modeling_minicpm.py): Llama's tensors (bias-free q/k/v/o, gated
    # MLP, RMSNorms); scale_emb / scale_depth / dim_model_base (muP) rescale activations and add no tensor.
    # MiniCPM4's InfLLM v2 sparse attention (sparse_config) is a kernel choice over the same per-token K/V.
    "minicpm": dense.llama,
    "gpt_oss": moe.gpt_oss,
    "glm4_moe": moe.glm4_moe,
    "dots1": moe.dots1,
    "glm4v_moe_text": moe.glm4v_moe_text,
    "minimax_m2": moe.minimax_m2,
    "hunyuan_v1_moe": moe.hunyuan_v1_moe,
    "ernie4_5_moe": moe.ernie4_5_moe,
    "llama4_text": moe.llama4_text,
    "lfm2": recurrent.lfm2,
    "lfm2_moe": recurrent.lfm2,
    "nemotron_h": recurrent.nemotron_h,
    "granitemoehybrid": recurrent.granitemoehybrid,
    "falcon_h1": recurrent.falcon_h1,
    "jamba": recurrent.jamba,
    "kimi_linear": recurrent.kimi_linear,
    "olmo_hybrid": recurrent.olmo_hybrid,
    "nemotron-nas": nemotron_nas.nemotron_nas,
    "mllama_text_model": mllama.mllama_text,
    "bailing_moe_v2": bailing.bailing_moe_v2,
    "bailing_moe_linear": bailing.bailing_moe_linear,
    "step3_text": step3.step3_text,
}
# Builders that may warn (e.g. an MoE layer pattern read with an assumption).
_BUILDERS_WARN: dict[str, Callable[[Reader, list[str]], Fields]] = {
    "qwen2_moe": moe.qwen2_moe,
    "qwen3_moe": moe.qwen3_moe,
    "qwen3_vl_moe_text": moe.qwen3_moe,
    "deepseek_v2": moe.deepseek,
    "deepseek_v3": moe.deepseek,
    "kimi_k2": moe.deepseek,
    "deepseek_v32": moe.dsa,
    "glm_moe_dsa": moe.dsa,
    "deepseek_v4": deepseek_v4.deepseek_v4,
    "mistral4": moe.mistral4,
    "glm4_moe_lite": extra_types.glm4_moe_lite,
    "longcat_flash": extra_types.longcat_flash,
    "qwen3_next": recurrent.qwen3_next,
    "mimo_v2_flash": mimo_v2.mimo_v2_flash,
    "mimo_v2": mimo_v2.mimo_v2_flash,  # the published config.json's model_type (remote code)
    "qwen3_5_text": recurrent.qwen3_next,
    "qwen3_5_moe_text": recurrent.qwen3_next,
    "step3p5": step3p5.step3p5,
    "deepseek_vl_v2_text": deepseek_vl2.deepseek_vl2_text,
}


# A text encoder (EmbeddingGemma: Gemma3TextModel with use_bidirectional_attention, modeling_gemma3.py)
# runs one bidirectional forward and pools it: the weights are exact, but llmsize sizes the run as a
# decoder's (a KV cache over the context, logits over the vocabulary), which over-states an embedding
# pass. Said, not hidden.
_ENCODER_NOTE = (
    "a bidirectional text encoder (embedding model): weights are exact; the KV cache and the vocabulary "
    "logits of a decoder's run are still counted, which an embedding forward does not keep (an upper bound)"
)


# Published configs whose model_type names an older class than the one their architectures and
# auto_map load: inclusionAI/Ling-flash-2.0's config.json says "bailing_moe" (the Ling 1.x type) but
# lists BailingMoeV2ForCausalLM, auto_map configuration_bailing_moe_v2.BailingMoeV2Config (the Hub API's
# config of the repo); vLLM picks the model class by architecture (registry.py "BailingMoeV2ForCausalLM"
# -> bailing_moe.py), and so does transformers' trust_remote_code path through auto_map.
_TYPE_BY_ARCHITECTURE: dict[tuple[str, str], str] = {
    ("bailing_moe", "BailingMoeV2ForCausalLM"): "bailing_moe_v2",
}


def model_type_of(config: Mapping[str, Any]) -> str:
    """The model_type whose builder reads `config`: its own, or the one its architectures name."""
    value = config.get("model_type")
    if not isinstance(value, str):
        return ""
    architectures = config.get("architectures")
    if isinstance(architectures, list):
        for arch in architectures:
            if isinstance(arch, str) and (value, arch) in _TYPE_BY_ARCHITECTURE:
                return _TYPE_BY_ARCHITECTURE[(value, arch)]
    return value


def _validation_error(err: ValidationError) -> ConfigError:
    first = err.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "config"
    return ConfigError(f"config.json gives an unusable {field}: {first.get('msg', 'invalid value')}")


def spec_from_hf_config(
    config: Mapping[str, Any],
    *,
    name: str,
    provenance: Provenance,
    family: str | None = None,
    hf_repo: str | None = None,
    published_params: int | None = None,
    extra_params: int = 0,
    extra_params_note: str | None = None,
) -> ModelSpec:
    """Build the ModelSpec of a real config.json (architecture, weight format, provenance).

    An unknown model_type is read as a Llama-like decoder from its standard fields, with a warning;
    a missing required field raises ConfigError naming it. `extra_params` adds parameters the
    config cannot describe (the catalog uses it for published vision-tower sizes).
    """
    if not isinstance(config, Mapping):
        raise ConfigError(f"config.json must be a JSON object, not {type(config).__name__}")
    warnings: list[str] = []
    model_type = model_type_of(config)
    with _config_errors(model_type):
        text_cfg, text_type, vision_params, vision_note = split_multimodal(config, model_type)
        if text_type in _REFUSED or model_type in _REFUSED:
            raise ConfigError(
                f"config.json model_type {model_type!r}: {_REFUSED.get(model_type) or _REFUSED[text_type]}",
                hint="llmsize will not guess it as a plain decoder; use a model `llmsize models` lists",
            )
        reader = Reader(text_cfg, text_type)
        if text_type in _BUILDERS:
            fields = _BUILDERS[text_type](reader)
        elif text_type in _BUILDERS_WARN:
            fields = _BUILDERS_WARN[text_type](reader, warnings)
        else:
            fields = _unknown(reader, warnings)
            fields["approximate"] = True
        # a null vision_config is a text-only checkpoint (Gemma4*Config: SubConfigSpec optional=True)
        if config.get("vision_config") and not vision_params:
            warnings.append("the vision tower described by vision_config is not counted")
        # `true` only: Gemma 4 says "vision" (bidirectional over image tokens, a causal decoder otherwise)
        if reader.get("use_bidirectional_attention") is True:
            warnings.append(_ENCODER_NOTE)
        architectures = config.get("architectures")
        weight_format, fmt_warnings = weight_format_from_config(config)
        warnings.extend(fmt_warnings)
        own_extra: int = fields.pop("extra_params", 0)
        notes = [n for n in (vision_note, fields.pop("extra_params_note", None), extra_params_note) if n]
        spec = ModelSpec(
            name=name,
            family=family,
            model_type=model_type or "unknown",
            architecture=architectures[0] if isinstance(architectures, list) and architectures else None,
            hf_repo=hf_repo,
            eager_attention_only=text_type in _EAGER_BY_DEFAULT,
            **fields,
            extra_params=own_extra + vision_params + extra_params,
            extra_params_note="; ".join(notes) or None,
            vision=vision_tower_from_config(config, model_type),
            audio=audio_tower_from_config(config, model_type),
            weight_format=weight_format,
            published_params=published_params,
            provenance=provenance,
            warnings=tuple(warnings),
        )
        from llmsize.specs.params import mtp_params, total_params

        # with the MTP layers the checkpoint stores: num_nextn_predict_layers 10^6 was 1.3e16 parameters
        # "in the checkpoint", said as a result (issue 15, round 17)
        params = total_params(spec) + mtp_params(spec)
        if params > MAX_CONFIG_PARAMS:
            raise ConfigError(
                f"config.json ({model_type or 'no model_type'}) describes {params:.3g} parameters, more than "
                f"any model (llmsize reads up to {MAX_CONFIG_PARAMS:.0e}): a size field is corrupt",
                hint="pass the model's own config.json",
            )
        if spec.approximate:
            from llmsize.specs.approximate import describe_shape

            shape = f"assumed shape: {describe_shape(spec)}"
            spec = spec.model_copy(update={"warnings": (*spec.warnings, shape)})
        return spec


@contextmanager
def _config_errors(model_type: str) -> Iterator[None]:
    """config.json is untrusted data: a section of the wrong JSON type (a number where an object or a
    list belongs), a zero period or an absurd size is one line and exit 2, never a traceback; so is a
    value that a section's own model (ModelSpec, RecurrentSpec, ...) rejects."""
    try:
        yield
    except ValidationError as err:
        raise _validation_error(err) from err
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as err:
        detail = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
        raise ConfigError(
            f"config.json ({model_type or 'no model_type'}) has a field of the wrong type or value "
            f"({detail})",
            hint="pass the model's own, complete config.json",
        ) from err


SUPPORTED_MODEL_TYPES: tuple[str, ...] = tuple(sorted({*_BUILDERS, *_BUILDERS_WARN, *MULTIMODAL_TEXT_TYPES}))
