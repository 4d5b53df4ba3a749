"""Quantized and repackaged checkpoints of this year's models, read the way users hand them over.

A repack (Qwen's -FP8, NVIDIA's -NVFP4, RedHatAI's -quantized.w4a16, mlx-community's -4bit) keeps the
published architecture and adds a quantization block. Each case below is a catalog entry's published
config.json (model_specs/*.yaml cite it, with the published parameter total) plus a block from
tests/fixtures/real_configs/quant_blocks.json, placed where the repack puts it (top level, also for
the vision-language wrappers). The checks:

- the config gives a spec and the parameter total does not move (a format changes bytes, not
  parameters), equal to the published total where the catalog has one;
- the weight bytes follow the format's own layout, recomputed here from the parameter inventory:
  NVFP4 4.5 bits (e2m1 + an fp8 scale per 16), FP8 1 byte per weight + an fp32 scale per 128x128
  block, MXFP4 4.25 bits on the experts, int4 W4A16 4 bits + a bf16 scale per 128, mlx 4-bit 4 bits +
  a bf16 scale and bias per 64 (embedding and lm_head included), mlx mxfp4 / nvfp4 4 bits + one byte per 32 /
  16 without a bias, and every module the block lists as
  not converted at the checkpoint dtype.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.weights import model_weight_bytes
from llmsize.specs import catalog
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.params import param_inventory, total_params

BLOCKS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "real_configs" / "quant_blocks.json").read_text()
)["blocks"]
PROV = Provenance(kind=ProvenanceKind.LOCAL, source="tests/fixtures/real_configs")

# The models of issue 10 that people download as quantized repacks (catalog names).
BASES = (
    "Qwen3.5-27B",
    "Qwen3.5-35B-A3B",
    "Qwen3-Next-80B-A3B-Instruct",
    "Qwen3-VL-30B-A3B-Instruct",
    "GLM-4.5-Air",
    "GLM-4.6",
    "MiniMax-M2.7",
    "Llama-4-Scout-17B-16E",
    "Mistral-Small-3.2-24B-Instruct-2506",
    "NVIDIA-Nemotron-3-Super-120B-A12B-BF16",
    "granite-4.0-h-small",
    "Kimi-K2-Instruct",
    "DeepSeek-V3",
    "gpt-oss-120b",
)

LINEAR_KINDS = frozenset({"attn", "mixer", "mlp", "expert", "shared_expert"})
# Bytes per quantized weight of each block, from the format definitions (see the module docstring);
# the kinds the block's skip list leaves at the checkpoint dtype; whether lm_head/embeddings are quantized.
RATES: dict[str, tuple[float, frozenset[str], bool]] = {
    "fp8_block_qwen": (1.0, frozenset(), False),
    "nvfp4_modelopt_config": ((4 + 8 / 16) / 8, frozenset({"attn"}), False),
    "nvfp4_modelopt_legacy": ((4 + 8 / 16) / 8, frozenset({"attn"}), False),
    "modelopt_fp8": (1.0, frozenset(), False),
    "ct_w4a16": ((4 + 16 / 128) / 8, frozenset(), False),
    "mlx_4bit": ((4 + 2 * 16 / 64) / 8, frozenset(), True),
    # mlx mxfp4 / nvfp4: 4 bits + one 1-byte scale (E8M0 / E4M3) per 32 / 16, no bias (mx.quantize)
    "mlx_mxfp4": ((4 + 8 / 32) / 8, frozenset(), True),
    "mlx_nvfp4": ((4 + 8 / 16) / 8, frozenset(), True),
}


def _entry(name: str) -> catalog.CatalogEntry:
    entry = catalog.get(name)
    assert entry is not None, name
    return entry


def _repack(name: str, block: str) -> dict[str, Any]:
    config = copy.deepcopy(_entry(name).model.config)
    config.pop("quantization_config", None)
    if isinstance(config.get("text_config"), dict):
        config["text_config"].pop("quantization_config", None)
    for key in ("quantization", "quantization_config"):
        if key in BLOCKS[block]:
            config[key] = copy.deepcopy(BLOCKS[block][key])
    return config


def _spec(name: str, config: dict[str, Any]) -> ModelSpec:
    m = _entry(name).model
    return spec_from_hf_config(config, name=name, provenance=PROV, extra_params=m.extra_params)


def _expected_bytes(spec: ModelSpec, block: str) -> float:
    """The block's layout applied to the inventory: quantized linears at the block's rate, the rest bf16."""
    rate, kept, embeddings_too = RATES[block]
    total = 0.0
    for g in param_inventory(spec):
        quantized = g.is_linear and g.kind in LINEAR_KINDS and g.kind not in kept
        if embeddings_too and (g.kind == "lm_head" or g.name == "embed_tokens"):
            quantized = True
        if quantized:
            total += g.weight_numel * rate + g.bias_numel * 2
        else:
            total += g.numel * (4 if g.name in spec.fp32_params else 2)
    return total  # model_weight_bytes is the decoder; a vision tower is sized by its own model


def _per_kind_bytes(spec: ModelSpec, rates: dict[str, float]) -> float:
    """Linears of the kinds in `rates` at that many bytes per weight (bf16 biases); the rest bf16/fp32."""
    total = 0.0
    for g in param_inventory(spec):
        rate = rates.get(g.kind) if g.is_linear else None
        if rate is None:
            total += g.numel * (4 if g.name in spec.fp32_params else 2)
        else:
            total += g.weight_numel * rate + g.bias_numel * 2
    return total


@pytest.mark.parametrize("name", BASES)
@pytest.mark.parametrize("block", sorted(BLOCKS))
def test_repacked_config_reads_with_the_published_total(name: str, block: str) -> None:
    spec = _spec(name, _repack(name, block))
    assert not [w for w in spec.warnings if "not one llmsize models" in w]
    assert spec.weight_format.quant is not None
    base = total_params(catalog.spec_for(_entry(name)))
    assert total_params(spec) == base
    published = _entry(name).model.published_params
    m = _entry(name).model
    if published is not None and not (m.checkpoint_only_params or m.loaded_only_params):
        assert total_params(spec) == published


@pytest.mark.parametrize("name", BASES)
@pytest.mark.parametrize("block", sorted(BLOCKS))
def test_weight_bytes_follow_the_format_layout(name: str, block: str) -> None:
    spec = _spec(name, _repack(name, block))
    got = model_weight_bytes(spec, spec.weight_format)
    # scales per 128x128 block, per-tensor global scales and packing round-ups stay under 0.5%
    assert got == pytest.approx(_expected_bytes(spec, block), rel=5e-3)


def test_a_vision_module_in_the_skip_list_leaves_the_text_decoder_quantized() -> None:
    """Qwen's FP8 VL repacks list vision-tower modules ("model.visual.blocks.0.mlp.down_proj"): the
    text decoder's down_proj is still FP8 (transformers should_convert_module matches from the start of
    the module name or as a suffix of it; the text layer's name is model.layers.N.mlp.down_proj)."""
    name = "Qwen3.5-27B"
    with_vision = _spec(name, _repack(name, "fp8_block_qwen"))
    config = _repack(name, "fp8_block_qwen")
    config["quantization_config"]["modules_to_not_convert"] = ["lm_head"]
    without = _spec(name, config)
    assert model_weight_bytes(with_vision, with_vision.weight_format) == model_weight_bytes(
        without, without.weight_format
    )


def test_gpt_oss_mxfp4_experts_and_bf16_rest() -> None:
    """openai/gpt-oss-120b config.json: quant_method mxfp4, modules_to_not_convert self_attn / router /
    embed_tokens / lm_head: the experts are 4.25 bits (e2m1 + an e8m0 scale per 32), the rest bf16."""
    spec = catalog.spec_for(_entry("gpt-oss-120b"))
    expected = 0.0
    for g in param_inventory(spec):
        if g.kind == "expert" and g.is_linear:
            expected += g.weight_numel * 4.25 / 8 + g.bias_numel * 2
        else:
            expected += g.numel * 2
    assert model_weight_bytes(spec, spec.weight_format) == pytest.approx(expected, rel=1e-4)


def test_mlx_config_mirrored_into_quantization_config_is_mlx() -> None:
    """Before: mlx-lm's mirrored `quantization_config` (no quant_method) made every -4bit repack bf16."""
    spec = _spec("Qwen3.5-27B", _repack("Qwen3.5-27B", "mlx_4bit"))
    assert (spec.weight_format.label(), spec.weight_format.group_size) == ("mlx 4-bit", 64)


def test_modelopt_mixed_precision_per_layer_kind() -> None:
    """ModelOpt MIXED_PRECISION gives each module its own quant_algo (`quantized_layers`). The shape of
    nvidia/Qwen3.6-27B-NVFP4 (V1) as an SGLang test reproduces it: MLP weight-only NVFP4, attention and
    the gated-delta-net projections FP8. Each kind is sized in its own layout: NVFP4 4.5 bits, ModelOpt
    FP8 1 byte + one fp32 scale per tensor."""
    config = copy.deepcopy(_entry("Qwen3.5-27B").model.config)
    layers: dict[str, dict[str, Any]] = {}
    for i in range(config["text_config"]["num_hidden_layers"]):
        prefix = f"model.language_model.layers.{i}"
        for proj in ("gate_proj", "up_proj", "down_proj"):
            layers[f"{prefix}.mlp.{proj}"] = {"quant_algo": "W4A16_NVFP4", "group_size": 16}
        layers[f"{prefix}.self_attn.q_proj"] = {"quant_algo": "FP8"}
        layers[f"{prefix}.linear_attn.in_proj_qkv"] = {"quant_algo": "FP8"}
    config["quantization_config"] = {
        "quant_method": "modelopt",
        "quant_algo": "MIXED_PRECISION",
        "kv_cache_quant_algo": "FP8",
        "quantized_layers": layers,
    }
    spec = _spec("Qwen3.5-27B", config)
    assert spec.weight_format.quant is not None and not spec.warnings
    rates = {"mlp": 4.5 / 8, "attn": 1.0, "mixer": 1.0}
    expected = _per_kind_bytes(spec, rates)
    assert model_weight_bytes(spec, spec.weight_format) == pytest.approx(expected, rel=5e-3)


@pytest.mark.parametrize(
    ("block", "group"),
    [([128, 128], 128), (None, 0), ([64, 64], 64)],
)
def test_fp8_block_size_is_read(block: list[int] | None, group: int) -> None:
    """weight_block_size [n, n] -> one fp32 scale per n x n tile; absent/null -> one per tensor
    (vLLM Fp8Config with weight_block_size None; Mistral's Devstral/Ministral FP8 say null)."""
    config = copy.deepcopy(_entry("Qwen3.5-27B").model.config)
    config["quantization_config"] = {"quant_method": "fp8", "weight_block_size": block}
    assert _spec("Qwen3.5-27B", config).weight_format.group_size == group


def test_a_modelopt_folder_is_read_with_its_hf_quant_config(tmp_path: Path) -> None:
    """An older ModelOpt export: config.json without quantization_config, the format in
    hf_quant_config.json beside it (vLLM reads that file for modelopt); exclude_modules keeps lm_head bf16."""
    from llmsize.specs.local import spec_from_directory

    config = copy.deepcopy(_entry("GLM-4.5-Air").model.config)
    (tmp_path / "config.json").write_text(json.dumps(config))
    sidecar = {
        "producer": {"name": "modelopt", "version": "0.35.0"},
        "quantization": {
            "quant_algo": "NVFP4",
            "kv_cache_quant_algo": None,
            "group_size": 16,
            "exclude_modules": ["lm_head", "model.layers.*.self_attn*"],
        },
    }
    (tmp_path / "hf_quant_config.json").write_text(json.dumps(sidecar))
    spec = spec_from_directory(tmp_path)
    assert spec.weight_format.label() == "nvfp4 4-bit"
    got = model_weight_bytes(spec, spec.weight_format)
    assert got == pytest.approx(_expected_bytes(spec, "nvfp4_modelopt_legacy"), rel=5e-3)


_PATTERNS = (
    "lm_head",
    "model.layers.*.self_attn*",
    "re:.*linear_attn.*",
    "model.language_model.layers.0.mlp.experts",
    "model.layers.*.mlp.shared_expert",
    "model.visual.blocks.0.mlp.down_proj",
    "*mlp.gate",
    "down_proj",
)


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(_PATTERNS)), st.sets(st.sampled_from(_PATTERNS)))
def test_listing_more_modules_never_shrinks_the_weights(fewer: set[str], extra: set[str]) -> None:
    """A skip list keeps modules in bf16, which is never smaller than NVFP4: a longer list, more bytes."""
    config = _repack("Qwen3.5-35B-A3B", "nvfp4_modelopt_config")

    def weight_bytes(skip: set[str]) -> int:
        config["quantization_config"]["ignore"] = sorted(skip)
        spec = _spec("Qwen3.5-35B-A3B", config)
        return model_weight_bytes(spec, spec.weight_format)

    assert weight_bytes(fewer | extra) >= weight_bytes(fewer)


def test_hf_quant_config_copied_whole_into_config_json() -> None:
    """Repackers that paste hf_quant_config.json as it is ({"producer", "quantization": {...}}) under
    quantization_config: vLLM modelopt.py from_config reads the nested `quantization` section."""
    config = copy.deepcopy(_entry("GLM-4.5-Air").model.config)
    legacy = BLOCKS["nvfp4_modelopt_legacy"]["quantization_config"]
    section = {k: v for k, v in legacy.items() if k != "quant_method"}
    config["quantization_config"] = {
        "quant_method": "modelopt",
        "producer": {"name": "modelopt"},
        "quantization": section,
    }
    spec = _spec("GLM-4.5-Air", config)
    got = model_weight_bytes(spec, spec.weight_format)
    assert got == pytest.approx(_expected_bytes(spec, "nvfp4_modelopt_legacy"), rel=5e-3)


def test_compressed_tensors_groups_per_layer_kind() -> None:
    """Two config_groups, as llm-compressor writes a recipe with two schemes: int4 W4A16 on the routed
    experts (`re:.*mlp.experts.*`), FP8 on attention (`re:.*self_attn.*`); what no group targets (the
    dense first layer's MLP, the shared expert, lm_head) stays bf16."""
    config = copy.deepcopy(_entry("GLM-4.5-Air").model.config)
    w4 = BLOCKS["ct_w4a16"]["quantization_config"]["config_groups"]["group_0"]["weights"]
    fp8 = {"num_bits": 8, "type": "float", "strategy": "channel", "symmetric": True, "dynamic": False}
    config["quantization_config"] = {
        "quant_method": "compressed-tensors",
        "format": "mixed-precision",
        "ignore": ["lm_head"],
        "config_groups": {
            "group_0": {"targets": ["re:.*mlp.experts.*"], "weights": w4},
            "group_1": {"targets": ["re:.*self_attn.*"], "weights": fp8},
        },
    }
    spec = _spec("GLM-4.5-Air", config)
    rates = {"expert": (4 + 16 / 128) / 8, "attn": 1.0}
    expected = _per_kind_bytes(spec, rates)
    assert model_weight_bytes(spec, spec.weight_format) == pytest.approx(expected, rel=5e-3)


def test_an_mlx_block_inside_text_config_is_read_like_a_top_level_one() -> None:
    """A vision-language wrapper whose decoder alone carries mlx's `quantization` (nvfp4 here) is sized
    in that format, not as the bf16 its dtype says."""
    name = "Qwen3.5-27B"
    top = _repack(name, "mlx_nvfp4")
    nested = _repack(name, "mlx_nvfp4")
    nested["text_config"]["quantization"] = nested.pop("quantization")
    a, b = _spec(name, top), _spec(name, nested)
    assert b.weight_format == a.weight_format
    assert model_weight_bytes(b, b.weight_format) == pytest.approx(_expected_bytes(b, "mlx_nvfp4"), rel=5e-3)
