"""Weight formats: from a config.json `quantization_config`, or from what a model name says.

Pure: no I/O. A config states its format exactly; a name only hints at it, so the defaults for
a name (group size 128 and so on) are the settings the publishers of such checkpoints use, each
cited where it is set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, cast

from llmsize.errors import ConfigError, json_kind
from llmsize.specs import autoround
from llmsize.specs.models import QuantMethod, WeightFormat

if TYPE_CHECKING:  # only a type here: the name parser is imported by those who parse (issue 15)
    from llmsize.names import ParsedName

DtypeName = Literal["fp32", "fp16", "bf16", "fp8", "int8", "int4"]

# torch dtype names (config.json `torch_dtype`, or `dtype` since transformers 4.56) -> WeightFormat.dtype
_TORCH_DTYPES: dict[str, DtypeName] = {
    "float32": "fp32",
    "float": "fp32",
    "float16": "fp16",
    "half": "fp16",
    "bfloat16": "bf16",
    "float8_e4m3fn": "fp8",
    "float8_e5m2": "fp8",
    "int8": "int8",
}

# REFERENCE: Qwen's own GPTQ recipe (BaseQuantizeConfig bits=4|8, group_size=128, desc_act=False,
# sym=True), https://github.com/QwenLM/Qwen2.5/blob/main/docs/source/quantization/gptq.md -- the
# settings of the Qwen*-GPTQ-Int4/Int8 checkpoints a name like "...-GPTQ-Int4" usually means.
GPTQ_DEFAULT_GROUP_SIZE = 128
# REFERENCE: Qwen's AWQ recipe {"zero_point": True, "q_group_size": 128, "w_bit": 4, "version": "GEMM"},
# https://github.com/QwenLM/Qwen2.5/blob/main/docs/source/quantization/awq.md
AWQ_DEFAULT_GROUP_SIZE = 128
AWQ_DEFAULT_BITS = 4
# REFERENCE: mlx-lm `mlx_lm.convert` quantizes with q_group_size=64 by default
# (https://github.com/ml-explore/mlx-lm, mlx_lm/convert.py), the format of mlx-community "-4bit"/"-8bit".
MLX_DEFAULT_GROUP_SIZE = 64
# REFERENCE: OCP Microscaling Formats (MX) v1.0 spec: MXFP4 shares one E8M0 scale per block of 32.
MXFP4_BLOCK_SIZE = 32
# REFERENCE: compressed-tensors preset NVFP4 (quantization/quant_scheme.py): 4-bit float, group of 16.
NVFP4_BLOCK_SIZE = 16
# REFERENCE: llm-compressor presets (compressed-tensors quantization/quant_scheme.py): W4A16 is int4,
# symmetric, group 128; W8A16 and W8A8 (INT8) are int8 per output channel -- the schemes behind names
# like "...-quantized.w4a16" / "...-quantized.w8a8" (RedHatAI/neuralmagic uploads).
CT_INT4_GROUP_SIZE = 128
# llama.cpp file types (gguf-py gguf/constants.py LlamaFileType): the one list, read by the
# estimator (estimate/quant_formats.py) and by did-you-mean on a name's parts.
GGUF_FILE_TYPES: tuple[str, ...] = (
    "F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q2_K_S", "Q3_K_S", "Q3_K_M",
    "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS",
    "IQ2_S", "IQ2_M", "IQ3_XXS", "IQ3_XS", "IQ3_S", "IQ3_M", "IQ4_NL", "IQ4_XS", "TQ1_0", "TQ2_0",
    "MXFP4_MOE",
)
_QUANT_WORDS = (
    "gptq",
    "awq",
    "gguf",
    "bnb",
    "mlx",
    "exl2",
    "fp8",
    "mxfp4",
    "nvfp4",
    "nf4",
    "int4",
    "int8",
    "w4a16",
    "w8a8",
    "w8a16",
    "4bit",
    "8bit",
)


NO_DTYPE = "config.json states no dtype; assuming bf16 weights"


def _said_for(fmt: WeightFormat, warnings: list[str]) -> list[str]:
    """The no-dtype warning of a quantized checkpoint says what the assumed bf16 covers: only what the
    method leaves unquantized (gpt-oss states no dtype; its MXFP4 experts are not bf16, issue 15)."""
    if fmt.quant is None:
        return warnings
    said = f"config.json states no dtype; assuming bf16 for the weights {fmt.label()} leaves unquantized"
    return [said if w == NO_DTYPE else w for w in warnings]


def is_dtype_guess(warning: str) -> bool:
    """The no-dtype guess, as a config.json says it or as a catalog entry's copy of one does."""
    return warning.startswith("config.json states no dtype") or (
        warning.startswith("the bundled copy of") and "records no dtype" in warning
    )


def without_dtype_guess(warnings: tuple[str, ...]) -> tuple[str, ...]:
    """`warnings` less the config's no-dtype guess, once the stored dtype is known another way."""
    return tuple(w for w in warnings if not is_dtype_guess(w))


def answered_by_name(warnings: tuple[str, ...], parsed: ParsedName, fmt: WeightFormat) -> tuple[str, ...]:
    """`warnings` without the config's no-dtype guess when the name states the dtype it is stored in.

    A GGUF name ("qwen2.5-coder:7b", "-Q4_K_M.gguf") answers it too: the file's own type sets every
    tensor's ggml type (llama.cpp tools/quantize, llama_model_quantize_impl), so the bf16 guess sizes nothing.
    """
    if fmt.quant == QuantMethod.GGUF:
        return without_dtype_guess(warnings)
    if fmt.quant is not None or parsed.dtype is None:
        return warnings
    return without_dtype_guess(warnings)


def dtype_from_config(config: Mapping[str, Any]) -> tuple[DtypeName, list[str]]:
    """The checkpoint's float dtype (`dtype`, older `torch_dtype`); bf16 with a warning when unstated."""
    raw = config.get("dtype") or config.get("torch_dtype")
    if raw is None:
        text = config.get("text_config")
        if isinstance(text, Mapping):
            raw = text.get("dtype") or text.get("torch_dtype")
    if raw is None:
        return "bf16", [NO_DTYPE]
    name = str(raw).removeprefix("torch.").lower()
    if name not in _TORCH_DTYPES:
        return "bf16", [f"config.json dtype {raw!r} is not one llmsize knows; assuming bf16"]
    return _TORCH_DTYPES[name], []


# Wildcard ("*") and regex ("re:") entries of one skip list: estimate/skip_match.py compiles them into
# one regex, which takes about 1 s at 100,000 of them. A real list has a few hundred at most (ModelOpt's
# exclude_modules names a pattern per layer: 61 for DeepSeek-R1); more is a damaged or hostile file.
_MAX_SKIP_PATTERNS = 10_000


def _modules(value: Any) -> tuple[str, ...]:
    """The entries of a skipped-module list, each once (a list of 200,000 copies of one name is one)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple):
        raise ConfigError(f"quantization_config lists its skipped modules as {value!r}, not a list")
    entries = tuple(dict.fromkeys(str(v) for v in value))
    patterns = sum(1 for e in entries if e.startswith("re:") or "*" in e)
    if patterns > _MAX_SKIP_PATTERNS:
        raise ConfigError(
            f"quantization_config lists {patterns:,} wildcard or regex modules to skip; a checkpoint's "
            f"list holds a few hundred at most",
            hint="check that config.json is the model's own, not a damaged copy",
        )
    return entries


def _num(q: Mapping[str, Any], *keys: str, default: float | None = None) -> float | None:
    for key in keys:
        value = q.get(key)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"quantization_config field {key!r} must be a number, not {value!r}")
            return value
    return default


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)


def _gptq(q: Mapping[str, Any], dtype: DtypeName) -> WeightFormat:
    """transformers GPTQConfig / AutoGPTQ quantize_config fields."""
    return WeightFormat(
        dtype=dtype,
        quant=QuantMethod.GPTQ,
        bits=_num(q, "bits", default=4),
        group_size=_int_or_none(_num(q, "group_size", default=GPTQ_DEFAULT_GROUP_SIZE)),
        desc_act=bool(q.get("desc_act", False)),
        sym=bool(q.get("sym", True)),
        modules_not_converted=_modules(q.get("modules_to_not_convert")),
    )


def _awq(q: Mapping[str, Any], dtype: DtypeName) -> WeightFormat:
    """transformers AwqConfig; AutoAWQ's own keys are w_bit / q_group_size; zero_point => asymmetric."""
    return WeightFormat(
        dtype=dtype,
        quant=QuantMethod.AWQ,
        bits=_num(q, "bits", "w_bit", default=AWQ_DEFAULT_BITS),
        group_size=_int_or_none(_num(q, "group_size", "q_group_size", default=AWQ_DEFAULT_GROUP_SIZE)),
        sym=not bool(q.get("zero_point", True)),
        modules_not_converted=_modules(q.get("modules_to_not_convert")),
    )


def _bitsandbytes(q: Mapping[str, Any], dtype: DtypeName) -> WeightFormat:
    """transformers BitsAndBytesConfig: load_in_4bit (nf4 | fp4, optional double quant) or load_in_8bit."""
    skip = _modules(q.get("llm_int8_skip_modules"))
    if q.get("load_in_4bit") or q.get("_load_in_4bit"):
        kind = str(q.get("bnb_4bit_quant_type", "fp4")).lower()
        return WeightFormat(
            dtype=dtype,
            quant=QuantMethod.BNB_NF4 if kind == "nf4" else QuantMethod.BNB_FP4,
            bits=4,
            double_quant=bool(q.get("bnb_4bit_use_double_quant", False)),
            modules_not_converted=skip,
        )
    if q.get("load_in_8bit") or q.get("_load_in_8bit"):
        return WeightFormat(dtype=dtype, quant=QuantMethod.BNB_INT8, bits=8, modules_not_converted=skip)
    raise ConfigError("quantization_config (bitsandbytes) sets neither load_in_4bit nor load_in_8bit")


def _ct_groups(q: Mapping[str, Any]) -> list[tuple[tuple[str, ...], Mapping[str, Any]]]:
    groups = q.get("config_groups") or {}
    out: list[tuple[tuple[str, ...], Mapping[str, Any]]] = []
    if isinstance(groups, Mapping):
        for group in groups.values():
            if isinstance(group, Mapping) and isinstance(group.get("weights"), Mapping):
                out.append((_modules(group.get("targets")), group["weights"]))
    return out


def _ct_method(weights: Mapping[str, Any]) -> QuantMethod:
    kind, bits = str(weights.get("type", "int")).lower(), _num(weights, "num_bits")
    if kind == "float":
        return QuantMethod.NVFP4 if bits == 4 else QuantMethod.FP8
    return QuantMethod.COMPRESSED_TENSORS


def _target_kinds(targets: tuple[str, ...]) -> set[str]:
    """The layer kinds a group's `targets` name ("re:.*self_attn.*", "re:.*mlp.experts.*")."""
    out = set()
    for target in targets:
        kind = _kind_of(re.sub(r"[^A-Za-z0-9_]+", ".", target.removeprefix("re:")))
        if kind is not None:
            out.add(kind)
    return out


def _compressed_tensors(q: Mapping[str, Any], dtype: DtypeName) -> WeightFormat:
    """llm-compressor's format: the `weights` scheme (num_bits, strategy, group_size) of the group that
    targets every Linear (else the first); further groups that target one layer kind with another
    scheme (int4 experts + fp8 attention) give that kind its own method (compressed-tensors
    QuantizationConfig.config_groups: each group's `targets` are module classes or `re:` names)."""
    groups = _ct_groups(q)
    main = next((w for t, w in groups if "Linear" in t), groups[0][1] if groups else {})
    fmt = _ct_format(q, main, dtype)
    if len(groups) > 1:
        listed = {k for t, _ in groups if "Linear" not in t for k in _target_kinds(t)}
        overrides: dict[str, QuantMethod | None] = {}
        for targets, weights in groups:
            method = _ct_method(weights)
            for kind in _target_kinds(targets) if "Linear" not in targets else ():
                if method != fmt.quant:
                    overrides[kind] = method
        if not any("Linear" in t for t, _ in groups):  # a kind no group targets stays unquantized
            main_kinds = _target_kinds(next(t for t, w in groups if w is main))
            for kind in ("attn", "mixer", "mlp", "expert", "shared_expert"):
                if kind not in listed and kind not in main_kinds:
                    overrides[kind] = None
        fmt = fmt.model_copy(update={"kind_quant": tuple(sorted(overrides.items()))})
    return fmt


def _ct_format(q: Mapping[str, Any], weights: Mapping[str, Any], dtype: DtypeName) -> WeightFormat:
    strategy = str(weights.get("strategy", "")).lower()
    if str(q.get("format", "")).lower() == "nvfp4-pack-quantized" or (
        str(weights.get("type", "")).lower() == "float" and _num(weights, "num_bits") == 4
    ):
        return WeightFormat(
            dtype=dtype,
            quant=QuantMethod.NVFP4,
            bits=4,
            group_size=NVFP4_BLOCK_SIZE,
            modules_not_converted=_modules(q.get("ignore")),
        )
    group_size = _int_or_none(_num(weights, "group_size")) if strategy == "group" else None
    return WeightFormat(
        dtype=dtype,
        quant=QuantMethod.COMPRESSED_TENSORS,
        bits=_num(weights, "num_bits"),
        group_size=-1 if strategy == "channel" else group_size,
        sym=bool(weights.get("symmetric", True)),
        modules_not_converted=_modules(q.get("ignore")),
    )


# Keys under which the quantizers list the modules they left in the checkpoint dtype: transformers
# (`modules_to_not_convert`), vLLM's Fp8Config (`ignored_layers`), NVIDIA ModelOpt's export
# (`exclude_modules` in hf_quant_config.json, `ignore` in the config.json copy; vLLM
# modelopt.py ModelOptQuantConfigBase.from_config reads both) and compressed-tensors (`ignore`).
_SKIP_KEYS = ("modules_to_not_convert", "ignored_layers", "exclude_modules", "ignore")


def _skipped(q: Mapping[str, Any]) -> tuple[str, ...]:
    """Every key's entries, each once (a dict, not a list: `m not in out` over 100,000 names hung)."""
    return _modules([m for key in _SKIP_KEYS for m in _modules(q.get(key))])


def _fp8_block(q: Mapping[str, Any]) -> int:
    """The FP8 scale layout a checkpoint declares: `weight_block_size` [n, k] -> one fp32 scale per
    n x k tile (DeepSeek-V3, Qwen3-*-FP8, MiniMax-M2); absent -> one scale per tensor, the layout vLLM's
    Fp8Config assumes when `weight_block_size` is None (model_executor/layers/quantization/fp8.py,
    Fp8LinearMethod.create_weights: `weight_scale` of one element per logical weight)."""
    block = q.get("weight_block_size")
    if block is None:
        return 0
    if not isinstance(block, list | tuple) or not block or not all(
        isinstance(b, int) and not isinstance(b, bool) and b > 0 for b in block
    ):
        raise ConfigError(
            f"quantization_config weight_block_size must be a list of positive integers, not {block!r}"
        )
    if len(set(block)) != 1:
        raise ConfigError(
            f"quantization_config weight_block_size {block!r}: llmsize models square FP8 blocks only"
        )
    return int(block[0])


def _modelopt(q: Mapping[str, Any], dtype: DtypeName) -> tuple[WeightFormat, list[str]]:
    """NVIDIA ModelOpt's `quant_algo` (vLLM docs/features/quantization/modelopt.md; vLLM modelopt.py):
    NVFP4 -> e2m1 + fp8 scale per 16; FP8 -> fp8 with one scale per tensor; FP8_PER_CHANNEL_PER_TOKEN ->
    one per output channel; FP8_PB_WO -> 128x128 blocks. Other algos (MIXED_PRECISION, W4A8_AWQ) differ
    layer by layer, which one WeightFormat cannot say: counted at the checkpoint dtype, with a warning."""
    nested = q.get("quantization")
    if "quant_algo" not in q and isinstance(nested, Mapping):  # the whole hf_quant_config.json copied in
        q = {**q, **nested}
    algo = str(q.get("quant_algo", "")).upper()
    skip = _skipped(q)
    if algo in ("NVFP4", "W4A16_NVFP4", "NVFP4_AWQ"):
        fmt = WeightFormat(
            dtype=dtype, quant=QuantMethod.NVFP4, bits=4, group_size=NVFP4_BLOCK_SIZE,
            modules_not_converted=skip,
        )
        return fmt, []
    fp8_layouts = {"FP8": 0, "FP8_PER_CHANNEL_PER_TOKEN": -1, "FP8_PB_WO": 128}
    if algo in fp8_layouts:
        block = _fp8_block(q) if q.get("weight_block_size") is not None else fp8_layouts[algo]
        fmt = WeightFormat(
            dtype=dtype, quant=QuantMethod.FP8, bits=8, group_size=block, modules_not_converted=skip
        )
        return fmt, []
    if algo == "MIXED_PRECISION" and isinstance(q.get("quantized_layers"), Mapping):
        return _modelopt_mixed(cast(Mapping[str, Any], q["quantized_layers"]), dtype, skip)
    return WeightFormat(dtype=dtype), [
        f"ModelOpt quant_algo {algo or '(none)'!r} is not one llmsize models; weights counted as {dtype}"
    ]


_MODELOPT_ALGOS: dict[str, QuantMethod] = {
    "NVFP4": QuantMethod.NVFP4,
    "W4A16_NVFP4": QuantMethod.NVFP4,
    "NVFP4_AWQ": QuantMethod.NVFP4,
    "FP8": QuantMethod.FP8,
    "FP8_PER_CHANNEL_PER_TOKEN": QuantMethod.FP8,
    "FP8_PB_WO": QuantMethod.FP8,
}
# Module-name parts that tell a layer's kind in the transformers trees (self_attn / linear_attn /
# mixer / mlp.experts / mlp.shared_expert(s) / mlp), most specific first.
_KIND_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("shared_expert", ("shared_expert", "shared_experts")),
    ("expert", ("experts",)),
    ("mixer", ("linear_attn", "mixer", "mamba")),
    ("attn", ("self_attn", "attention", "attn")),
    ("mlp", ("mlp", "feed_forward", "block_sparse_moe")),
)


def _kind_of(path: str) -> str | None:
    parts = set(path.split("."))
    return next((kind for kind, names in _KIND_PARTS if parts & set(names)), None)


def _modelopt_mixed(
    layers: Mapping[str, Any], dtype: DtypeName, skip: tuple[str, ...]
) -> tuple[WeightFormat, list[str]]:
    """ModelOpt MIXED_PRECISION: `quantized_layers` maps each module to its own {"quant_algo": ...}
    (vLLM modelopt.py ModelOptMixedPrecisionConfig); a module it does not list stays unquantized. Read
    per layer kind: the algo most of a kind's modules use; a kind with no module listed keeps `dtype`."""
    votes: dict[str, dict[QuantMethod | None, int]] = {}
    for path, entry in layers.items():
        kind = _kind_of(str(path))
        algo = str(entry.get("quant_algo", "")).upper() if isinstance(entry, Mapping) else ""
        if kind is not None:
            tally = votes.setdefault(kind, {})
            method = _MODELOPT_ALGOS.get(algo)
            tally[method] = tally.get(method, 0) + 1
    per_kind = {kind: max(tally, key=lambda m: tally[m]) for kind, tally in votes.items()}
    main = per_kind.get("expert") or per_kind.get("mlp") or next((m for m in per_kind.values() if m), None)
    if main is None:
        return WeightFormat(dtype=dtype), [
            f"ModelOpt MIXED_PRECISION lists no layer in a format llmsize models; weights counted as {dtype}"
        ]
    kinds = ("attn", "mixer", "mlp", "expert", "shared_expert")
    overrides = tuple((k, per_kind.get(k)) for k in kinds if per_kind.get(k) != main)
    bits, group = (4, NVFP4_BLOCK_SIZE) if main == QuantMethod.NVFP4 else (8, 0)
    fmt = WeightFormat(
        dtype=dtype, quant=main, bits=bits, group_size=group, modules_not_converted=skip, kind_quant=overrides
    )
    algos = {str(e.get("quant_algo", "")).upper() for e in layers.values() if isinstance(e, Mapping)}
    unknown = sorted(algos - set(_MODELOPT_ALGOS))
    warn = [f"ModelOpt MIXED_PRECISION algos {', '.join(unknown)} are counted as {dtype}"] if unknown else []
    return fmt, warn


# mlx nn.quantize modes -> (group size, bits) when the config leaves them out: affine keeps a scale and a
# bias per group in the model dtype; mxfp4 / mxfp8 (E8M0) and nvfp4 (E4M3) keep one 1-byte scale per group
# and no bias (mlx python/mlx/nn/layers/quantized.py _defaults_for_mode; mx.quantize returns no biases).
MLX_MODE_DEFAULTS: dict[str, tuple[int, float]] = {
    "affine": (MLX_DEFAULT_GROUP_SIZE, 4),
    "mxfp4": (32, 4),
    "nvfp4": (16, 4),
    "mxfp8": (32, 8),
}


def _mlx(mlx: Mapping[str, Any], dtype: DtypeName) -> tuple[WeightFormat, list[str]]:
    """mlx-lm's `quantization` {group_size, bits, mode}: affine (scale + bias per group) unless `mode`
    names another (mlx_lm/utils.py quantize_model; mlx nn.quantize `mode`). Per-path overrides
    (`"model.layers.0.mlp.gate": {"bits": 8, ...}` or `false`) change a few tensors only and are not
    modelled one by one."""
    mode = str(mlx.get("mode", "affine")).lower()
    warnings: list[str] = []
    if mode not in MLX_MODE_DEFAULTS:
        warnings.append(
            f"mlx quantization mode {mode!r} sized as mlx affine (scale + bias per group): approximate"
        )
        mode = "affine"
    group, bits = MLX_MODE_DEFAULTS[mode]
    fmt = WeightFormat(
        dtype=dtype,
        quant=QuantMethod.MLX,
        bits=_num(mlx, "bits") or bits,
        group_size=_int_or_none(_num(mlx, "group_size") or group),
        mode=mode,
    )
    return fmt, warnings


def _method(q: Mapping[str, Any], dtype: DtypeName) -> tuple[WeightFormat, list[str]]:
    method = str(q.get("quant_method", "")).lower().replace("_", "-")
    skip = _skipped(q)
    if method == "gptq":
        return _gptq(q, dtype), []
    if method in autoround.METHODS and autoround.gptq_packed(q):  # GPTQ tensors (specs/autoround.py)
        return _gptq(q, dtype), []
    if method == "awq":
        return _awq(q, dtype), []
    if method == "bitsandbytes":
        return _bitsandbytes(q, dtype), []
    if method == "fp8":
        block = _fp8_block(q)
        return WeightFormat(
            dtype=dtype, quant=QuantMethod.FP8, bits=8, group_size=block, modules_not_converted=skip
        ), []
    if method == "fbgemm-fp8":  # FbgemmFp8Config: one scale per output channel
        fp8 = WeightFormat(
            dtype=dtype, quant=QuantMethod.FP8, bits=8, group_size=-1, modules_not_converted=skip
        )
        return fp8, []
    if method == "mxfp4":
        fmt = WeightFormat(
            dtype=dtype,
            quant=QuantMethod.MXFP4,
            bits=4,
            group_size=MXFP4_BLOCK_SIZE,
            modules_not_converted=skip,
        )
        return fmt, []
    if method == "compressed-tensors":
        return _compressed_tensors(q, dtype), []
    if method in ("modelopt", "modelopt-fp4", "modelopt-fp8"):
        return _modelopt(q, dtype)
    shown = method or "(none)"
    return WeightFormat(dtype=dtype), [
        f"quantization_config quant_method {shown!r} is not one llmsize models; weights counted as {dtype}"
    ]


def weight_format_from_config(config: Mapping[str, Any]) -> tuple[WeightFormat, list[str]]:
    """WeightFormat from config.json: `quantization_config` (or mlx-lm's `quantization`) + the dtype."""
    dtype, warnings = dtype_from_config(config)
    q = config.get("quantization_config")
    if q is None and isinstance(config.get("text_config"), Mapping):
        q = config["text_config"].get("quantization_config")
    mlx = config.get("quantization")
    if mlx is None and isinstance(config.get("text_config"), Mapping):
        mlx = config["text_config"].get("quantization")  # a wrapper's decoder quantized on its own
    if not isinstance(mlx, Mapping) and isinstance(q, Mapping) and "quant_method" not in q and "bits" in q:
        mlx = q  # an mlx-lm config that kept only the `quantization_config` copy
    if isinstance(mlx, Mapping) and (q is None or (isinstance(q, Mapping) and "quant_method" not in q)):
        # mlx-lm writes {"group_size": 64, "bits": 4} under `quantization` AND the same object under
        # `quantization_config` ("support hf model tree #957", mlx_lm/utils.py quantize_model).
        fmt, more = _mlx(cast(Mapping[str, Any], mlx), dtype)
        return fmt, _said_for(fmt, warnings) + more
    if q is None:
        return WeightFormat(dtype=dtype), warnings
    if not isinstance(q, Mapping):
        raise ConfigError(f"config.json quantization_config must be an object, not {json_kind(q)}")
    fmt, more = _method(q, dtype)
    if fmt.quant == QuantMethod.FP8 and "fp4" in (config.get("expert_dtype"), q.get("expert_dtype")):
        # DeepSeek V4 (`expert_dtype: fp4`): the routed experts ship as e2m1 pairs in int8 with one
        # UE8M0 scale per 32 values (`experts.N.w1.weight I8 [2048, 2048]`, `w1.scale F8_E8M0
        # [2048, 128]`), the MXFP4 layout; vLLM loads them with Mxfp4MoEMethod (DeepseekV4FP8Config).
        fmt = fmt.model_copy(update={"expert_quant": QuantMethod.MXFP4})
    return fmt, _said_for(fmt, warnings) + more


# --- from a name --------------------------------------------------------------------------------

# A GGUF of an MXFP4 checkpoint keeps its MoE experts in MXFP4 whatever the file type.
# convert_hf_to_gguf.py (GptOssModel, repack_mxfp4) copies the checkpoint's `*_blocks`/`*_scales` expert
# tensors into GGML_TYPE_MXFP4 as they are, for any --outtype (a "bf16" gpt-oss-20b GGUF is 13.8 GB, not
# ~42 GB: danbev/learning-ai notes/llama.cpp/gpt-oss.md); llama-quantize then sees an already quantized
# tensor, which llama_model_quantize_impl (src/llama-quant.cpp, commit 007dbbf) refuses to requantize
# ("requantizing from type %s is disabled") unless asked, so published K-quants leave them alone:
# bartowski/openai_gpt-oss-20b-GGUF: "All quants keep the feed forward networks at mxfp4 ... the size
# differences are negligible"; unsloth/gpt-oss-120b-GGUF Q4_K_M 58.46 GiB, Q8_0 59.03 GiB, F16 60.88 GiB
# (ailocalcheck.com/model/unsloth/gpt-oss-120b-GGUF). The other tensors follow the file type's recipe.
MXFP4_EXPERT_PINS = (("expert.ffn_gate", "MXFP4"), ("expert.ffn_up", "MXFP4"), ("expert.ffn_down", "MXFP4"))



def _gguf_type(parsed: ParsedName) -> str | None:
    return parsed.gguf_type.upper() if parsed.gguf_type else None


def weight_format_from_name(parsed: ParsedName, base: WeightFormat) -> WeightFormat:
    """The format a name's quant suffix implies, on top of the checkpoint's `base` format.

    GPTQ-Int4/Int8 -> gptq 4/8-bit, group 128 (Qwen's recipe); AWQ -> awq 4-bit, group 128,
    zero point (Qwen's recipe); GGUF / .Q4_K_M.gguf / an Ollama q4_K_M tag -> gguf with that type;
    bnb-4bit or a bare 4bit -> NF4 with double quantization (QLoRA's recipe, Dettmers et al. 2023,
    arXiv:2305.14314, and the setting of unsloth's "-bnb-4bit" uploads); 8bit -> LLM.int8(),
    or mlx 8-bit (group 64) when the name says MLX; FP8 -> fp8; EXL2 -> exl2 at the stated bits.
    A float dtype and nothing else (`unsloth/DeepSeek-V3-0324-BF16`, `gpt-oss-20b-BF16`,
    `...-fp32`) is a checkpoint stored unquantized in that dtype, whatever the base repo ships
    (issue 15: a recognised word must change the estimate). A name without either keeps `base`.
    """
    method = (parsed.quant_method or "").lower().replace("_", "-")
    bits = parsed.bits
    gguf_type = _gguf_type(parsed)
    if gguf_type or method == "gguf":
        # the GGUF of an MXFP4 checkpoint, named ("unsloth/gpt-oss-20b-GGUF:Q4_K_M") as --quant gives it
        pins = MXFP4_EXPERT_PINS if base.quant == QuantMethod.MXFP4 else ()
        return WeightFormat(
            dtype=base.dtype, quant=QuantMethod.GGUF, gguf_type=gguf_type, bits=bits, gguf_tensor_types=pins
        )
    if method == "gptq" or method in autoround.METHODS:  # AutoRound's int uploads are GPTQ tensors
        return WeightFormat(
            dtype="fp16", quant=QuantMethod.GPTQ, bits=bits or 4, group_size=GPTQ_DEFAULT_GROUP_SIZE
        )
    if method == "awq":
        return WeightFormat(
            dtype="fp16",
            quant=QuantMethod.AWQ,
            bits=bits or AWQ_DEFAULT_BITS,
            group_size=AWQ_DEFAULT_GROUP_SIZE,
            sym=False,
        )
    if method == "mlx":
        return WeightFormat(
            dtype=base.dtype, quant=QuantMethod.MLX, bits=bits or 4, group_size=MLX_DEFAULT_GROUP_SIZE
        )
    if method in ("fp8", "fbgemm-fp8"):
        if base.quant == QuantMethod.FP8:  # the checkpoint's own FP8 (DeepSeek V4 keeps its FP4 experts)
            return base
        return WeightFormat(dtype=base.dtype, quant=QuantMethod.FP8, bits=8)
    if method == "mxfp4":
        return WeightFormat(dtype=base.dtype, quant=QuantMethod.MXFP4, bits=4, group_size=MXFP4_BLOCK_SIZE)
    if method == "exl2":
        return WeightFormat(dtype="fp16", quant=QuantMethod.EXL2, bits=bits)
    if method == "nvfp4":
        return WeightFormat(dtype=base.dtype, quant=QuantMethod.NVFP4, bits=4, group_size=NVFP4_BLOCK_SIZE)
    if method == "compressed-tensors":  # "-w4a16", "-quantized.w8a8"
        ct_bits = bits or 4
        group = CT_INT4_GROUP_SIZE if ct_bits < 8 else -1
        return WeightFormat(
            dtype=base.dtype, quant=QuantMethod.COMPRESSED_TENSORS, bits=ct_bits, group_size=group
        )
    if method in ("bnb", "bitsandbytes", "nf4", "fp4") or (not method and bits in (4, 8)):
        if bits == 8:
            return WeightFormat(dtype=base.dtype, quant=QuantMethod.BNB_INT8, bits=8)
        kind = QuantMethod.BNB_FP4 if method == "fp4" else QuantMethod.BNB_NF4
        return WeightFormat(dtype=base.dtype, quant=kind, bits=4, double_quant=True)
    if not method and parsed.dtype in ("fp32", "fp16", "bf16"):
        return WeightFormat(dtype=parsed.dtype)
    return base


def name_warnings(parsed: ParsedName, fmt: WeightFormat) -> list[str]:
    """What a name says that the estimate does not use, so a typo is never silently plain bf16.

    A part `parse_name` did not understand ("AWQQ", "Q4KM") and a quant method llmsize does not
    model ("hqq") are named, with the closest known spelling when there is one.
    """
    import difflib

    out: list[str] = []
    method = (parsed.quant_method or "").lower()
    if method and fmt.quant is None:
        out.append(
            f"the name says {parsed.quant_method!r}, a format llmsize does not model: weights counted as "
            f"{fmt.dtype}; pass --quant to size them in a modelled format"
        )
    for part in parsed.extra:
        squashed = part.lower().replace("_", "").replace("-", "").replace(".", "")
        close = [t for t in GGUF_FILE_TYPES if t.lower().replace("_", "") == squashed]
        if not close:
            close = difflib.get_close_matches(part.lower(), _QUANT_WORDS, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        out.append(
            f"name part {part!r} not understood{hint}: it changes nothing; weights counted as {fmt.label()}"
        )
    return out
