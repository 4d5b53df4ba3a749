"""Build the real Hugging Face model of a config.json under FakeTensorMode: every tensor has a shape,
a dtype and a device, and none has memory, so a 70B-wide model builds in about a second.

Layer counts can be reduced (`with_layers`) so CI traces real widths and vocabularies quickly; the
per-layer lists a config carries (layer_types, mlp_only_layers, ...) are cut to match, so a spec
built from the same reduced dict describes exactly the traced model.
"""

from __future__ import annotations

import copy
from typing import Any

from llmsize.errors import BadInputError, MissingExtraError, one_line

# Config keys that hold one entry per decoder layer (cut when layers are reduced).
_PER_LAYER_LISTS = (
    "layer_types",
    "no_rope_layers",
    "sliding_window_pattern_list",
    "mlp_layer_types",
    "indexer_types",
    "layers_block_type",
    "intermediate_size",  # Gemma 3n: one width per layer
    "activation_sparsity_pattern",  # Gemma 3n
    "hybrid_layer_pattern",  # MiMo-V2-Flash (remote-code key): 1 = sliding window, 0 = global
    "moe_layer_freq",  # MiMo-V2-Flash: 1 = MoE block (an int elsewhere, left alone)
    "compress_ratios",  # DeepSeek V4 (its MTP layers' entries come last and go first)
)
# Model types whose estimate follows the dtype plan `from_pretrained` applies
# (`_keep_in_fp32_modules_strict`), so the tracer loads them that way by default: DeepSeek V4 keeps
# norms, hyper-connections, sinks and position biases in fp32, which also makes its attention
# logits fp32. Other model types are traced as `from_config` builds them; with the plan applied,
# only deepseek_v3's and nemotron_h's e_score_correction_bias would change (bf16 -> fp32) among
# the catalog's architectures. dots1 (modeling_dots1.py: an fp32 e_score_correction_bias under
# `_keep_in_fp32_modules_strict`) is estimated as loaded, so it is traced as loaded too.
PRETRAINED_DTYPE_TYPES = frozenset({"deepseek_v4", "dots1"})
# Keys that hold layer indices (filtered when layers are reduced).
_LAYER_INDEX_LISTS = ("mlp_only_layers", "moe_layers", "full_attn_idxs")


def with_layers(config: dict[str, Any], num_layers: int) -> dict[str, Any]:
    """A copy of a config.json dict with `num_layers` decoder layers and the per-layer lists to match."""
    if num_layers <= 0:
        raise BadInputError(f"num_layers must be positive, got {num_layers}")
    out = copy.deepcopy(config)
    text = out.get("text_config")
    target = text if isinstance(text, dict) else out
    config_layers = target.get("num_hidden_layers")
    target["num_hidden_layers"] = num_layers
    for key in _PER_LAYER_LISTS:
        if isinstance(target.get(key), list):
            target[key] = target[key][:num_layers]
    if isinstance(target.get("hybrid_override_pattern"), str):  # Nemotron-H: one symbol per block
        target["hybrid_override_pattern"] = target["hybrid_override_pattern"][:num_layers]
    for key in _LAYER_INDEX_LISTS:
        if isinstance(target.get(key), list):
            target[key] = [i for i in target[key] if i < num_layers]
    shared = target.get("num_kv_shared_layers")
    if isinstance(shared, int) and shared > 0 and isinstance(config_layers, int):
        # Gemma 3n / Gemma 4: the shared layers are the last ones; the first `num_layers` layers of
        # the model keep their own K/V up to where sharing began.
        target["num_kv_shared_layers"] = max(0, num_layers - (config_layers - shared))
    nested = target.get("linear_attn_config")
    if isinstance(nested, dict):  # Kimi-Linear: 1-indexed block numbers (configuration_kimi_linear.py)
        for key in ("full_attn_layers", "kda_layers"):
            if isinstance(nested.get(key), list):
                nested[key] = [i for i in nested[key] if isinstance(i, int) and i <= num_layers]
    dense = target.get("first_k_dense_replace")
    # a null or text one goes to transformers as it is (which refuses it); int(None) was an internal error
    if isinstance(dense, int) and not isinstance(dense, bool):
        target["first_k_dense_replace"] = min(dense, num_layers)
    return out


def torch_dtype(name: str) -> Any:
    """llmsize dtype name -> torch dtype (only the compute dtypes a traced model can run in)."""
    import torch

    table = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
    if name not in table:
        raise BadInputError(f"the tracer runs models in fp32, fp16 or bf16, not {name!r}")
    return table[name]


def hf_config(config: dict[str, Any]) -> Any:
    """A transformers PretrainedConfig from a config.json dict (no remote code, no network)."""
    quiet_library_logs()
    try:
        from transformers import AutoConfig
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError(
            'tracing needs torch and transformers: pip install "llmsize[measure]"'
        ) from exc
    kwargs = dict(config)
    model_type = kwargs.pop("model_type", None)
    if not model_type:
        raise BadInputError("config.json has no model_type; the tracer cannot pick a modeling class")
    for key in ("architectures", "auto_map", "transformers_version", "_name_or_path"):
        kwargs.pop(key, None)
    kwargs = _bools_as_bools(_config_class(model_type, None), _with_longrope_factors(kwargs, model_type))
    from huggingface_hub.errors import StrictDataclassError

    try:
        return AutoConfig.for_model(model_type, **kwargs)
    except StrictDataclassError as exc:
        # transformers 5 configs are strict dataclasses (huggingface_hub dataclasses.strict): a field of
        # the wrong type (rms_norm_eps: 3, hidden_act: 7) or a failed class check (validate_architecture:
        # hidden size not a multiple of the heads) raises StrictDataclass*ValidationError, no ValueError;
        # it escaped as an internal error (issue 15, round 23). The estimator reads such a config; the
        # real model cannot be built from it.
        raise BadInputError(
            f"transformers refuses this config.json: {one_line(' '.join(str(exc).split()), 300)}",
            hint="fix the field it names; `llmsize estimate` still sizes the config as written",
        ) from exc
    except ValueError as exc:
        raise BadInputError(f"transformers has no architecture {model_type!r}: {exc}") from exc
    except BUILD_ERRORS as exc:
        raise unbuildable(model_type, exc) from exc


def _with_longrope_factors(kwargs: dict[str, Any], model_type: str) -> dict[str, Any]:
    """A LongRoPE rope_scaling without its per-frequency factor lists (the catalog keeps the type and
    leaves the 2 x 48 floats out) gets neutral ones: transformers 5 refuses a longrope config without
    short_factor / long_factor (modeling_rope_utils `_validate_longrope_parameters`), and the factors'
    values change no tensor's shape, so the traced memory is the real model's."""
    rope = kwargs.get("rope_scaling")
    if not isinstance(rope, dict) or rope.get("type", rope.get("rope_type")) != "longrope":
        return kwargs
    if "short_factor" in rope and "long_factor" in rope:
        return kwargs
    heads = kwargs.get("num_attention_heads") or 1
    head_dim = kwargs.get("head_dim") or kwargs.get("hidden_size", 0) // heads
    rotary = int(head_dim * kwargs.get("partial_rotary_factor", 1.0))
    ones = [1.0] * max(1, rotary // 2)
    if model_type == "phimoe":
        # PhimoeRotaryEmbedding.forward picks a scalar mscale by `torch.max(position_ids) + 1`, a branch on
        # a tensor's value the fake-tensor tracer cannot take; the scalar changes no allocation, so the
        # traced model runs the default rotary (same inv_freq shape).
        return {k: v for k, v in kwargs.items() if k != "rope_scaling"}
    return {**kwargs, "rope_scaling": {"short_factor": ones, "long_factor": ones, **rope}}


def _bools_as_bools(config_class: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` with integers given for boolean fields of `config_class` (and its sub-configs) made bools.

    transformers 5.x configs are strict dataclasses (huggingface_hub.dataclasses.strict) that refuse an
    int for a `bool` field, while configs published before the field's type was fixed still carry one:
    Llama 4 Scout's config.json has `attn_temperature_tuning: 4`, the default transformers 4.51 wrote
    (huggingface/transformers issue 37479, fixed to a bool by PR 37501). The modeling code only tests
    its truth (modeling_llama4.py Llama4TextAttention.forward: `if self.attn_temperature_tuning and not
    self.use_rope`), as vLLM did (`attn_temperature_tuning > 0`, vllm PR 19997), so `bool(value)` is
    what the loaded model means. The harness only; the estimator never reads these flags.
    """
    import dataclasses

    if not dataclasses.is_dataclass(config_class):
        return kwargs
    types = {f.name: f.type for f in dataclasses.fields(config_class)}
    subs: dict[str, Any] = getattr(config_class, "sub_configs", None) or {}
    out = dict(kwargs)
    for key, value in kwargs.items():
        if types.get(key) is bool and isinstance(value, int) and not isinstance(value, bool):
            out[key] = bool(value)
        elif key in subs and isinstance(value, dict):
            out[key] = _bools_as_bools(_config_class(value.get("model_type"), subs[key]), value)
    return out


def _config_class(model_type: Any, default: Any) -> Any:
    """The config class transformers builds for `model_type` (a sub-config typed AutoConfig names its
    class only through the dict's own model_type), or `default`."""
    from transformers import CONFIG_MAPPING

    # Not CONFIG_MAPPING.get: the lazy mapping's inherited dict.get does not see the lazily loaded types.
    return CONFIG_MAPPING[model_type] if model_type in CONFIG_MAPPING else default  # noqa: SIM401


# Loggers that warn, as transformers' modeling code is imported, about the installed libraries rather than
# the model: torchao's "Failed to load <its .so>" (torchao/__init__.py, for a build of another Python or
# CUDA) and torch's "register_constant() on Enum subclasses is deprecated" (torch/utils/_pytree.py, for
# torchao's enums). transformers imports torchao whenever it is installed (quantizers/auto.py); their lines
# came before the one line of a refusal, so `measure` of a config transformers cannot build printed four
# lines (issue 15, round 23). The trace is a measurement and runs quietly (tracer.py catch_warnings).
_LIBRARY_LOGGERS = ("torchao", "torch.utils._pytree")


def quiet_library_logs() -> None:
    """Only errors from _LIBRARY_LOGGERS."""
    import logging

    for name in _LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def build_fake_model(
    config: Any, dtype: Any, attn_implementation: str | None, *, pretrained_dtypes: bool = False
) -> Any:
    """The causal-LM model of `config` under the caller's FakeTensorMode, in `dtype`, in eval mode.

    Weight initialisation is skipped (`transformers.initialization.no_init_weights`): the values
    of fake tensors do not exist, and some init code reads them (SigLIP's). Multimodal configs
    that AutoModelForCausalLM does not take (Qwen2.5-VL) are built as image-text-to-text models,
    vision tower included, and run on text alone.
    """
    quiet_library_logs()
    from transformers import AutoModelForCausalLM, AutoModelForImageTextToText
    from transformers.initialization import no_init_weights

    kwargs: dict[str, Any] = {"dtype": dtype}
    if attn_implementation is not None:
        kwargs["attn_implementation"] = attn_implementation
    # A checkpoint with a vision tower (Qwen3.5, Qwen3-VL, Gemma 3) is built whole, tower included.
    first, second = (
        (AutoModelForImageTextToText, AutoModelForCausalLM)
        if getattr(config, "vision_config", None) is not None
        else (AutoModelForCausalLM, AutoModelForImageTextToText)
    )
    model_type = getattr(config, "model_type", "?")
    try:
        with no_init_weights():
            try:
                model = first.from_config(config, **kwargs)  # type: ignore[no-untyped-call]
            except ValueError:
                try:
                    model = second.from_config(config, **kwargs)  # type: ignore[no-untyped-call]
                except ValueError:
                    model = _named_class(config)._from_config(config, **kwargs)
        model.tie_weights()  # tying happens in init_weights, which no_init_weights skips
    except ImportError as exc:
        # a tower transformers builds from another library (Gemma 3n's vision encoder: TimmWrapperModel
        # needs timm and pillow, modeling_timm_wrapper.py requires_backends); not in the [measure] extra
        raise MissingExtraError(
            f"transformers needs more packages to build {model_type}: {_said(exc)}"
        ) from exc
    except BUILD_ERRORS as exc:
        raise unbuildable(model_type, exc) from exc
    if pretrained_dtypes:
        _keep_in_fp32(model, dtype)
    return model.eval()


# What transformers' config and modeling constructors raise on values they cannot build (a zero head
# count divides, a list where a number goes, an int where a dict is iterated): the config.json is the
# user's input and transformers is where it fails, as huggingface_hub is for the Hub's files
# (specs/hub.py _checkpoint). `measure` of such a config ended in "internal error" (issue 15, round 23):
# num_key_value_heads 0 (ZeroDivisionError), rope_theta [] (TypeError), rope_scaling -1 (TypeError),
# decoder_sparse_step 0 (ZeroDivisionError). Only the building is guarded; the trace is llmsize's.
BUILD_ERRORS: tuple[type[Exception], ...] = (
    TypeError,
    ValueError,
    KeyError,
    AttributeError,
    IndexError,
    ZeroDivisionError,
    OverflowError,
    RecursionError,
)


def unbuildable(model_type: str, exc: Exception) -> BadInputError:
    """The one line for a config.json that transformers raised `exc` (one of BUILD_ERRORS) on."""
    return BadInputError(
        f"transformers cannot build {model_type} from this config.json "
        f"({type(exc).__name__}: {one_line(' '.join(str(exc).split()), 200)})",
        hint="check the values of its fields; `llmsize estimate` still sizes the config as written",
    )


def _said(exc: Exception) -> str:
    """What an ImportError says, on one line (requires_backends writes a paragraph a package)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return one_line(" ".join(lines), 300) if lines else type(exc).__name__


def _named_class(config: Any) -> Any:
    """The class config.architectures names, for wrappers no Auto class maps (Voxtral's speech model)."""
    import transformers

    names = list(getattr(config, "architectures", None) or [])
    names.append(type(config).__name__.replace("Config", "ForConditionalGeneration"))
    cls = next((c for c in (getattr(transformers, n, None) for n in names) if c is not None), None)
    if cls is None:
        # Step-3.5 and other checkpoints whose modeling code lives in their repository (auto_map) only
        raise BadInputError(
            f"transformers has no model class for {getattr(config, 'model_type', config)!r}",
            hint="the tracer builds the architectures transformers ships; `llmsize estimate` still sizes it",
        )
    return cls


def _keep_in_fp32(model: Any, dtype: Any) -> None:
    """Upcast what `from_pretrained` loads in fp32 whatever the dtype: `_get_dtype_plan(dtype)`
    (`_keep_in_fp32_modules_strict` for bf16/fp16), whose patterns `core_model_loading.py` searches
    in each checkpoint tensor name (`build_glob_alternation`: a substring, `*` any run).
    `from_config` skips that plan; a model whose own modeling code declares it (DeepSeek V4 keeps
    norms, hyper-connections and sinks in fp32) is traced as loaded with this."""
    import re

    import torch

    plan = model._get_dtype_plan(dtype)
    if not plan:
        return
    pattern = re.compile("|".join(f"(?:{key.replace('*', '.*')})" for key in plan))
    for module_name, module in model.named_modules():
        prefix = f"{module_name}." if module_name else ""
        for name, param in list(module.named_parameters(recurse=False)):
            if param.is_floating_point() and pattern.search(prefix + name):
                upcast = torch.nn.Parameter(param.to(torch.float32), requires_grad=param.requires_grad)
                setattr(module, name, upcast)
        transient: set[str] = getattr(module, "_non_persistent_buffers_set", set())
        for name, buf in list(module.named_buffers(recurse=False)):
            if name not in transient and buf.is_floating_point() and pattern.search(prefix + name):
                module.register_buffer(name, buf.to(torch.float32))
