"""config.json -> ModelSpec: real configs map to the right fields and to exact parameter counts.

Fixtures are copies of published config.json files (tests/fixtures/hf_configs/SOURCES.md says
where each comes from). Expected counts are the published totals cited next to each; the last
test also checks every fixture against the parameters of the real transformers model built on
the meta device, which needs torch and transformers (skipped without them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmsize.errors import ConfigError
from llmsize.specs.formats import weight_format_from_config
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind, QuantMethod
from llmsize.specs.params import active_params, params_by_kind, total_params

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hf_configs"
PROV = Provenance(kind=ProvenanceKind.LOCAL, source="tests/fixtures/hf_configs")


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def spec(name: str) -> ModelSpec:
    return spec_from_hf_config(load(name), name=name, provenance=PROV)


# (fixture, model_type, published total, source of the total). A total that a checkpoint stores
# beyond the loaded model (falcon's duplicate lm_head) is written as published - that copy.
PUBLISHED = [
    (
        "meta-llama__Llama-3.2-1B-Instruct",
        "llama",
        1_235_814_400,
        "Hub safetensors count of meta-llama/Llama-3.2-1B-Instruct",
    ),
    # The issue's own example: model.safetensors.index.json total_size 15231233024 bytes / 2 (BF16).
    (
        "Qwen__Qwen2.5-7B-Instruct",
        "qwen2",
        7_615_616_512,
        "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/raw/main/model.safetensors.index.json",
    ),
    (
        "Qwen__Qwen3-8B",
        "qwen3",
        8_190_735_360,
        "https://huggingface.co/api/models/Qwen/Qwen3-8B safetensors.total",
    ),
    (
        "Qwen__Qwen3-30B-A3B",
        "qwen3_moe",
        30_532_122_624,
        "sum over the Qwen/Qwen3-30B-A3B safetensors shards (public conversion check)",
    ),
    ("mistralai__Mistral-7B-v0.1", "mistral", 7_241_732_096, "model_specs/mistral.yaml params_source"),
    ("mistralai__Mixtral-8x7B-v0.1", "mixtral", 46_702_792_704, "model_specs/mixtral.yaml params_source"),
    (
        "google__gemma-2-9b",
        "gemma2",
        9_241_705_984,
        "https://huggingface.co/api/models/google/gemma-2-9b-it?expand[]=safetensors",
    ),
    ("google__gemma-3-4b-it", "gemma3", 4_300_079_472, "model_specs/gemma.yaml params_source"),
    ("microsoft__phi-4", "phi3", 14_659_507_200, "model_specs/phi.yaml params_source"),
    (
        "deepseek-ai__DeepSeek-V2-Lite",
        "deepseek_v2",
        15_706_484_224,
        "model_specs/deepseek.yaml params_source",
    ),
    ("deepseek-ai__DeepSeek-V3", "deepseek_v3", 671_026_419_200, "model_specs/deepseek.yaml params_source"),
    ("openai__gpt-oss-120b", "gpt_oss", 116_829_156_672, "model_specs/gpt-oss.yaml params_source"),
    # Hub safetensors.total 7217189760 counts lm_head.weight stored beside the tied embedding
    # (65024 x 4544 = 295469056), model_specs/falcon.yaml.
    ("tiiuae__falcon-7b", "falcon", 7_217_189_760 - 295_469_056, "model_specs/falcon.yaml params_source"),
    ("tiiuae__falcon-40b", "falcon", 41_835_970_560 - 532_676_608, "model_specs/falcon.yaml params_source"),
    (
        "Qwen__Qwen2.5-VL-7B-Instruct",
        "qwen2_5_vl",
        8_292_166_656,
        "numParameters on https://huggingface.co/Qwen/Qwen2.5-VL-7B-Instruct",
    ),
    # A quantized checkpoint's spec counts the architecture's parameters: Qwen2.5-32B's.
    (
        "Qwen__Qwen2.5-32B-Instruct-GPTQ-Int4",
        "qwen2",
        32_763_876_352,
        "Hub safetensors count of Qwen/Qwen2.5-32B-Instruct",
    ),
    (
        "NousResearch__Meta-Llama-3-8B-Instruct-bnb-4bit",
        "llama",
        8_030_261_248,
        "https://huggingface.co/api/models/meta-llama/Llama-3.1-8B safetensors.total (same shapes)",
    ),
]


@pytest.mark.parametrize(
    ("fixture", "model_type", "published", "source"), PUBLISHED, ids=[p[0] for p in PUBLISHED]
)
def test_published_total(fixture: str, model_type: str, published: int, source: str) -> None:
    s = spec(fixture)
    assert s.model_type == model_type
    assert total_params(s) == published, source


def test_qwen2_biases_and_disabled_window() -> None:
    s = spec("Qwen__Qwen2.5-7B-Instruct")
    assert (s.qkv_bias, s.o_bias, s.tie_word_embeddings) == (True, False, False)
    assert s.head_dim == 3584 // 28  # no head_dim key: hidden / heads
    # sliding_window 131072 is stated, but use_sliding_window is false: every layer is global.
    assert s.layer_types is None and s.layer_window(0) is None
    assert s.weight_format.dtype == "bf16" and s.weight_format.quant is None
    assert not s.eager_attention_only and s.warnings == ()


def test_mistral_v01_slides_on_every_layer() -> None:
    s = spec("mistralai__Mistral-7B-v0.1")
    assert s.sliding_window == 4096
    assert s.layer_types == ("sliding_attention",) * 32


def test_mixtral_routes_eight_experts() -> None:
    s = spec("mistralai__Mixtral-8x7B-v0.1")
    assert (s.num_experts, s.num_experts_per_tok, s.moe_intermediate_size) == (8, 2, 14336)
    assert s.num_moe_layers == 32 and s.layer_types is None
    # a token skips 6 of the 8 experts (gate, up, down of 4096 x 14336) in each of the 32 blocks
    assert active_params(s) == 46_702_792_704 - 32 * 6 * 3 * 4096 * 14336


def test_qwen2_moe_shared_expert_and_gate() -> None:
    s = spec("Qwen__Qwen2-57B-A14B")
    assert (s.num_experts, s.num_experts_per_tok, s.moe_intermediate_size) == (64, 8, 2560)
    assert (s.num_shared_experts, s.shared_expert_intermediate_size, s.shared_expert_gate) == (1, 20480, True)
    assert s.qkv_bias and s.num_moe_layers == 28
    kinds = params_by_kind(s)
    assert kinds["shared_expert"] == 28 * 3 * 3584 * 20480
    assert kinds["router"] == 28 * (3584 * 64 + 3584)  # router + the sigmoid shared-expert gate


def test_qwen3_moe_head_norms_no_shared_expert() -> None:
    s = spec("Qwen__Qwen3-30B-A3B")
    assert s.qk_norm == "head" and s.head_dim == 128
    assert (s.num_experts, s.num_experts_per_tok, s.num_shared_experts) == (128, 8, 0)
    # a token skips 120 of the 128 experts (gate, up, down of 2048 x 768) in each of the 48 blocks
    assert active_params(s) == 30_532_122_624 - 48 * 120 * 3 * 2048 * 768


def test_gemma2_sandwich_norms_alternating_window_eager() -> None:
    s = spec("google__gemma-2-9b")
    assert s.norms_per_layer == 4 and s.tie_word_embeddings
    assert s.layer_types is not None
    assert s.layer_types[:4] == ("sliding_attention", "full_attention", "sliding_attention", "full_attention")
    assert s.sliding_window == 4096
    assert (s.attn_logit_softcapping, s.final_logit_softcapping) == (50.0, 30.0)
    assert s.eager_attention_only  # modeling_gemma2.py: _supports_sdpa = False
    assert s.weight_format.dtype == "fp32"


def test_gemma3_text_defaults_pattern_and_vision_tower() -> None:
    s = spec("google__gemma-3-4b-it")
    # text_config states no heads or vocabulary: Gemma3TextConfig's defaults apply.
    assert (s.num_attention_heads, s.num_kv_heads, s.head_dim, s.vocab_size) == (8, 4, 256, 262208)
    assert s.qk_norm == "head" and s.sliding_window == 1024
    assert s.layer_types is not None and s.layer_types.count("full_attention") == 34 // 6
    assert s.layer_types[5] == "full_attention" and s.layer_types[4] == "sliding_attention"
    # SigLIP (27 blocks of 1152, 896/14 = 64x64 patches, no pooling head) + projector 1152x2560 + norm
    assert s.extra_params == 416_866_032 + 2_950_272
    assert s.extra_params_note and "SigLIP" in s.extra_params_note
    assert not s.eager_attention_only


def test_phi3_fused_projections() -> None:
    s = spec("microsoft__phi-4")
    assert s.fused_qkv and s.fused_gate_up
    assert (s.num_attention_heads, s.num_kv_heads) == (40, 10)
    names = {g.name for g in __import__("llmsize.specs.params", fromlist=["x"]).param_inventory(s)}
    assert {"qkv_proj", "gate_up_proj"} <= names and "q_proj" not in names


def test_deepseek_v2_lite_plain_q_and_shared_experts() -> None:
    s = spec("deepseek-ai__DeepSeek-V2-Lite")
    assert s.is_mla and s.q_lora_rank == 0 and s.kv_lora_rank == 512
    assert (s.first_k_dense_layers, s.num_moe_layers) == (1, 26)
    assert s.shared_expert_intermediate_size == 2 * 1408
    assert not s.router_score_correction_bias


def test_deepseek_v3_fp8_correction_bias_and_mtp_note() -> None:
    s = spec("deepseek-ai__DeepSeek-V3")
    assert s.q_lora_rank == 1536 and s.router_score_correction_bias
    assert (s.first_k_dense_layers, s.num_moe_layers) == (3, 58)
    assert s.weight_format.quant == QuantMethod.FP8 and s.weight_format.dtype == "bf16"
    assert any("multi-token-prediction" in w for w in s.warnings)


def test_gpt_oss_sinks_biases_layer_types_mxfp4() -> None:
    s = spec("openai__gpt-oss-120b")
    assert s.attention_sinks and s.router_bias and s.expert_bias and s.qkv_bias and s.o_bias
    assert s.layer_types == ("sliding_attention", "full_attention") * 18 and s.sliding_window == 128
    assert s.eager_attention_only  # modeling_gpt_oss.py: _supports_sdpa = False
    fmt = s.weight_format
    assert (fmt.quant, fmt.bits, fmt.group_size) == (QuantMethod.MXFP4, 4, 32)
    assert "lm_head" in fmt.modules_not_converted


def test_glm4_four_norms_fused_gate_up() -> None:
    s = spec("THUDM__GLM-4-9B-0414")
    assert s.norms_per_layer == 4 and s.fused_gate_up and s.qkv_bias and not s.o_bias
    assert (s.num_kv_heads, s.head_dim) == (2, 128)


def test_chatglm_remote_code_fields() -> None:
    s = spec("THUDM__chatglm3-6b")
    assert (s.num_layers, s.num_kv_heads, s.head_dim, s.intermediate_size, s.vocab_size) == (
        28,
        2,
        128,
        13696,
        65024,
    )
    assert s.fused_qkv and s.fused_gate_up and s.qkv_bias and not s.o_bias and not s.tie_word_embeddings
    assert s.extra_params == 32  # rotary inv_freq: kv_channels / 2 rotary dims, half of them stored
    # 6,243,584,000 weights (chatglm3-6b as loaded: model_specs/glm.yaml) + the 32-value buffer
    assert total_params(s) == 6_243_584_032


def test_falcon_kv_heads_and_norms_by_variant() -> None:
    seven = spec("tiiuae__falcon-7b")
    assert (seven.num_kv_heads, seven.norms_per_layer, seven.norm_type) == (1, 1, "layernorm")
    assert seven.parallel_block and seven.tie_word_embeddings and not seven.mlp_gated
    forty = spec("tiiuae__falcon-40b")
    assert (forty.num_kv_heads, forty.norms_per_layer) == (8, 2)


def test_gptq_quantization_config() -> None:
    fmt = spec("Qwen__Qwen2.5-32B-Instruct-GPTQ-Int4").weight_format
    assert (fmt.quant, fmt.bits, fmt.group_size, fmt.desc_act, fmt.sym, fmt.dtype) == (
        QuantMethod.GPTQ,
        4,
        128,
        False,
        True,
        "fp16",
    )


def test_awq_quantization_config() -> None:
    fmt = spec("composite__Mistral-7B-AWQ").weight_format
    assert (fmt.quant, fmt.bits, fmt.group_size, fmt.sym, fmt.dtype) == (
        QuantMethod.AWQ,
        4,
        128,
        False,
        "fp16",
    )


def test_bitsandbytes_quantization_config() -> None:
    fmt = spec("NousResearch__Meta-Llama-3-8B-Instruct-bnb-4bit").weight_format
    assert (fmt.quant, fmt.bits, fmt.double_quant, fmt.dtype) == (QuantMethod.BNB_NF4, 4, True, "bf16")


@pytest.mark.parametrize(
    ("quant", "expected"),
    [
        (
            {"quant_method": "bitsandbytes", "load_in_8bit": True, "llm_int8_skip_modules": ["lm_head"]},
            (QuantMethod.BNB_INT8, 8, None, ("lm_head",)),
        ),
        (
            {"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_quant_type": "fp4"},
            (QuantMethod.BNB_FP4, 4, None, ()),
        ),
        (
            # no weight_block_size: one scale per tensor (vLLM Fp8Config, weight_block_size None)
            {"quant_method": "fp8", "activation_scheme": "dynamic", "modules_to_not_convert": ["lm_head"]},
            (QuantMethod.FP8, 8, 0, ("lm_head",)),
        ),
        (
            {"quant_method": "awq", "w_bit": 4, "q_group_size": 64, "zero_point": False},
            (QuantMethod.AWQ, 4, 64, ()),
        ),
        # llm-compressor W4A16: int4 weights in groups of 128, lm_head left out
        (
            {
                "quant_method": "compressed-tensors",
                "format": "pack-quantized",
                "ignore": ["lm_head"],
                "config_groups": {
                    "group_0": {
                        "targets": ["Linear"],
                        "weights": {
                            "num_bits": 4,
                            "type": "int",
                            "strategy": "group",
                            "group_size": 128,
                            "symmetric": True,
                        },
                    }
                },
            },
            (QuantMethod.COMPRESSED_TENSORS, 4, 128, ("lm_head",)),
        ),
        (
            {
                "quant_method": "compressed-tensors",
                "config_groups": {
                    "g": {
                        "weights": {"num_bits": 8, "type": "float", "strategy": "channel", "symmetric": True}
                    }
                },
            },
            (QuantMethod.COMPRESSED_TENSORS, 8, -1, ()),
        ),
    ],
)
def test_quantization_methods(quant: dict[str, Any], expected: tuple[Any, ...]) -> None:
    fmt, warnings = weight_format_from_config({"torch_dtype": "bfloat16", "quantization_config": quant})
    assert (fmt.quant, fmt.bits, fmt.group_size, fmt.modules_not_converted) == expected
    assert warnings == []


def test_mlx_quantization_block() -> None:
    fmt, _ = weight_format_from_config(
        {"torch_dtype": "bfloat16", "quantization": {"group_size": 64, "bits": 4}}
    )
    assert (fmt.quant, fmt.bits, fmt.group_size) == (QuantMethod.MLX, 4, 64)


def test_unknown_quant_method_warns_and_keeps_dtype() -> None:
    fmt, warnings = weight_format_from_config(
        {"dtype": "float16", "quantization_config": {"quant_method": "hqq"}}
    )
    assert fmt.quant is None and fmt.dtype == "fp16"
    assert warnings and "hqq" in warnings[0]


def test_unknown_model_type_with_standard_fields_warns() -> None:
    cfg = {k: v for k, v in load("Qwen__Qwen2.5-7B-Instruct").items() if k != "model_type"}
    cfg["model_type"] = "brand_new_arch"
    s = spec_from_hf_config(cfg, name="x", provenance=PROV)
    assert s.model_type == "brand_new_arch"
    assert any("brand_new_arch" in w for w in s.warnings)
    # read as Llama: no q/k/v bias, so 3 x 28 x (3584 + 512 + 512) fewer than Qwen2's count
    assert total_params(s) == 7_615_616_512 - 28 * (3584 + 512 + 512)


def test_unknown_model_type_without_context_assumes_llama_default() -> None:
    cfg = {
        "model_type": "x",
        "hidden_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "intermediate_size": 128,
        "vocab_size": 100,
    }
    s = spec_from_hf_config(cfg, name="x", provenance=PROV)
    assert s.max_position_embeddings == 2048
    assert any("context length" in w for w in s.warnings)


@pytest.mark.parametrize("field", ["hidden_size", "num_hidden_layers", "num_attention_heads", "vocab_size"])
def test_missing_required_field_names_it(field: str) -> None:
    cfg = load("meta-llama__Llama-3.2-1B-Instruct")
    del cfg[field]
    with pytest.raises(ConfigError, match=field):
        spec_from_hf_config(cfg, name="x", provenance=PROV)


@pytest.mark.parametrize(
    ("fixture", "change", "match"),
    [
        ("meta-llama__Llama-3.2-1B-Instruct", {"hidden_size": "2048"}, "hidden_size"),
        ("meta-llama__Llama-3.2-1B-Instruct", {"num_hidden_layers": 0}, "num_layers"),
        ("meta-llama__Llama-3.2-1B-Instruct", {"tie_word_embeddings": "yes"}, "tie_word_embeddings"),
        ("meta-llama__Llama-3.2-1B-Instruct", {"head_dim": None, "hidden_size": 2050}, "head_dim"),
        ("meta-llama__Llama-3.2-1B-Instruct", {"num_key_value_heads": 5}, "multiple"),
        ("meta-llama__Llama-3.2-1B-Instruct", {"quantization_config": "gptq"}, "quantization_config"),
        ("Qwen__Qwen2.5-7B-Instruct", {"layer_types": ["full_attention"] * 3}, "layer_types"),
        ("Qwen__Qwen2.5-7B-Instruct", {"layer_types": ["linear_attention"] * 28}, "linear_attention"),
        ("openai__gpt-oss-120b", {"sliding_window": None}, "sliding_window"),
    ],
)
def test_malformed_config_is_a_config_error(fixture: str, change: dict[str, Any], match: str) -> None:
    cfg = {**load(fixture), **change}
    with pytest.raises(ConfigError, match=match):
        spec_from_hf_config(cfg, name="x", provenance=PROV)


def test_not_an_object_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="JSON object"):
        spec_from_hf_config(["not", "a", "config"], name="x", provenance=PROV)  # type: ignore[arg-type]


def test_explicit_layer_types_win_over_the_family_rule() -> None:
    cfg = load("google__gemma-2-9b")
    cfg["layer_types"] = ["full_attention"] * 42
    s = spec_from_hf_config(cfg, name="x", provenance=PROV)
    assert s.layer_types == ("full_attention",) * 42


def test_qwen2_with_sliding_window_enabled_uses_max_window_layers() -> None:
    cfg = {
        **load("Qwen__Qwen2.5-7B-Instruct"),
        "use_sliding_window": True,
        "max_window_layers": 20,
        "sliding_window": 4096,
    }
    s = spec_from_hf_config(cfg, name="x", provenance=PROV)
    assert s.layer_types is not None
    assert s.layer_types.count("sliding_attention") == 8 and s.layer_types[20] == "sliding_attention"


def test_catalog_fields_are_passed_through() -> None:
    s = spec_from_hf_config(
        load("Qwen__Qwen2.5-7B-Instruct"),
        name="Qwen2.5-7B",
        provenance=PROV,
        family="qwen2.5",
        hf_repo="Qwen/Qwen2.5-7B-Instruct",
        published_params=7_615_616_512,
    )
    assert (s.family, s.hf_repo, s.published_params, s.architecture) == (
        "qwen2.5",
        "Qwen/Qwen2.5-7B-Instruct",
        7_615_616_512,
        "Qwen2ForCausalLM",
    )


ORACLE_FIXTURES = sorted(p.stem for p in FIXTURES.glob("*.json") if "chatglm" not in p.stem)


@pytest.mark.parametrize("fixture", ORACLE_FIXTURES)
def test_matches_the_transformers_model(fixture: str) -> None:
    """Our count == the parameters (and persistent buffers) of the real modeling code, on meta."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    cfg = {k: v for k, v in load(fixture).items() if k not in ("quantization_config", "auto_map")}
    config = transformers.AutoConfig.for_model(**cfg)
    auto = (
        transformers.AutoModelForImageTextToText
        if "vision_config" in cfg
        else transformers.AutoModelForCausalLM
    )
    with torch.device("meta"):
        model = auto.from_config(config)
    state = model.state_dict()
    buffers = sum(b.numel() for name, b in model.named_buffers() if name in state)
    assert total_params(spec(fixture)) == sum(p.numel() for p in model.parameters()) + buffers


def test_rope_scaling_is_read_in_both_transformers_spellings() -> None:
    # transformers 4 writes rope_scaling {"rope_type"/"type", "factor", ...}; 5 writes rope_parameters,
    # per layer type for Gemma 3 ({"full_attention": {...}, "sliding_attention": {...}}).
    base = load("meta-llama__Llama-3.2-1B-Instruct")
    s = spec_from_hf_config(base, name="x", provenance=PROV)
    rope = (s.rope_scaling_type, s.rope_scaling_factor, s.rope_original_max_positions)
    assert rope == ("llama3", 32.0, 8192)
    scaling = {"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}
    s = spec_from_hf_config({**base, "rope_scaling": scaling}, name="x", provenance=PROV)
    assert (s.rope_scaling_type, s.rope_scaling_factor, s.rope_original_max_positions) == ("yarn", 4.0, 32768)
    nested = {
        **base,
        "rope_scaling": None,
        "rope_parameters": {
            "full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1e6},
            "sliding_attention": {"rope_type": "default", "rope_theta": 1e4},
        },
    }
    s = spec_from_hf_config(nested, name="x", provenance=PROV)
    assert (s.rope_scaling_type, s.rope_scaling_factor) == ("linear", 8.0)
    plain = {**base, "rope_scaling": None}
    assert spec_from_hf_config(plain, name="x", provenance=PROV).rope_scaling_type is None
    gemma3 = spec("google__gemma-3-4b-it")
    assert gemma3.local_rope and gemma3.rope_scaling_type == "linear"
