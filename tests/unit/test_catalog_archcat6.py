"""Catalog entries of round 6 of "the newest models must not be silently treated as dense Llamas".

Each name lands on its own architecture, and the count is checked against a published figure: a Hub
safetensors census, or a card's rounded size. The shared-expert fields of the MoE readers are read by one
helper (reader.shared_experts); its two forms are pinned here too.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from catalog_lookups import assert_lands_on_entry
from llmsize.estimate import kv_cache
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.models import ModelSpec
from llmsize.specs.params import active_params, total_params
from published_sizes import catalog_spec, half_digit

LOOKUPS = [
    ("Ling-flash-2.0", "Ling-flash-2.0"),
    ("inclusionAI/Ling-flash-2.0", "Ling-flash-2.0"),
    ("Ling-flash-base-2.0", "Ling-flash-2.0"),
    ("GLM-4.6V", "GLM-4.6V"),
    ("zai-org/GLM-4.6V", "GLM-4.6V"),
    ("GLM-4.6V-FP8", "GLM-4.6V"),
    ("ERNIE-4.5-0.3B", "ERNIE-4.5-0.3B-PT"),
    ("baidu/ERNIE-4.5-0.3B-PT", "ERNIE-4.5-0.3B-PT"),
    ("ERNIE-4.5-0.3B-Base-PT", "ERNIE-4.5-0.3B-PT"),
    ("Step-3", "Step-3"),
    ("stepfun-ai/step3", "Step-3"),
    ("step3-fp8", "Step-3"),
    ("deepseek-vl2", "deepseek-vl2"),
    ("deepseek-ai/deepseek-vl2", "deepseek-vl2"),
    ("Janus-Pro-7B", "Janus-Pro-7B"),
    ("deepseek-ai/Janus-Pro-7B", "Janus-Pro-7B"),
    ("gpt-oss-120b-MOE", "gpt-oss-120b"),
    ("gpt-oss-20b-MoE", "gpt-oss-20b"),
]


@pytest.mark.parametrize(("name", "entry"), LOOKUPS, ids=[n for n, _ in LOOKUPS])
def test_a_new_name_lands_on_its_entry_not_an_approximation(name: str, entry: str) -> None:
    assert_lands_on_entry(name, entry)


def test_ling_flash_2_0_is_the_hub_census_to_the_parameter() -> None:
    """Hub API record of inclusionAI/Ling-flash-2.0 (saved in daniel-p-green/alain-ai-learning-platform,
    out/research-inclusionai-ling-flash-2-0/sources/huggingface/model.json): "safetensors":{"parameters":
    {"BF16":102889697280,"F32":7936},"total":102889705216}. The F32 tensors are the routers' expert_bias
    buffers (BailingMoeV2Gate), one per expert of every MoE block; the card: "100B total parameters and
    6.1B activated parameters (4.8B non-embedding)", both figures cut after their digit (6.15B, 4.86B
    without the embedding and the untied head)."""
    spec = catalog_spec("Ling-flash-2.0")
    assert total_params(spec) == 102_889_705_216
    assert (spec.num_layers - spec.first_k_dense_layers) * spec.num_experts == 7936
    active, embeddings = active_params(spec), 2 * spec.vocab_size * spec.hidden_size
    assert (int(active / 1e8), int((active - embeddings) / 1e8)) == (61, 48)
    assert spec.num_shared_experts == 1 and spec.shared_expert_intermediate_size == spec.moe_intermediate_size


def test_a_bailing_moe_config_listing_the_v2_class_is_read_as_ling_2() -> None:
    """The published Ling-flash-2.0 config.json says model_type "bailing_moe" (Ling 1.x's) beside
    architectures [BailingMoeV2ForCausalLM]; vLLM loads the class its architectures name. A Ling 1.x config
    (BailingMoeForCausalLM, not modelled) is still refused, never read as a dense Llama."""
    from llmsize.errors import ConfigError
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    entry = catalog.get("Ling-flash-2.0")
    assert entry is not None
    config = dict(entry.model.config)
    assert config["model_type"] == "bailing_moe"
    provenance = Provenance(kind=ProvenanceKind.LOCAL, source="config.json")
    spec = spec_from_hf_config(config, name="x", provenance=provenance)
    assert spec.model_type == "bailing_moe_v2" and spec.qk_norm == "head" and not spec.approximate
    v1 = {**config, "architectures": ["BailingMoeForCausalLM"]}
    with pytest.raises(ConfigError, match="bailing_moe"):
        spec_from_hf_config(v1, name="x", provenance=provenance)


def _fp8_row_scales(name: str) -> int:
    """One scale per output row of every decoder Linear an FP8 checkpoint quantizes: q/k/v/o, the MoE
    blocks' routed and shared experts (gate, up, down), the dense blocks' MLP."""
    s = catalog_spec(name)
    attention = s.num_attention_heads * s.head_dim + 2 * s.num_kv_heads * s.head_dim + s.hidden_size
    moe_blocks = s.num_layers - s.first_k_dense_layers
    expert = 2 * s.moe_intermediate_size + s.hidden_size
    shared = 2 * s.shared_expert_intermediate_size + s.hidden_size
    dense = 2 * s.intermediate_size + s.hidden_size
    return (
        s.num_layers * attention
        + moe_blocks * (s.num_experts * expert + shared)
        + s.first_k_dense_layers * dense
    )


def test_glm_4_6v_is_glm_4_5v_s_shape_with_its_own_context_and_the_fp8_hub_total() -> None:
    """zai-org/GLM-4.6V-FP8's Hub total, 107,751,931,136 (llmfit snapshot 5bdc9df, hf_models.json), is the
    entry's parameters plus one scale per output row of its quantized decoder Linears; vLLM's recipe:
    "a 128K context length (vs 64K for GLM-4.5V)"."""
    v46, v45 = catalog_spec("GLM-4.6V"), catalog_spec("GLM-4.5V")
    assert total_params(v46) == total_params(v45)
    assert total_params(v46) + _fp8_row_scales("GLM-4.6V") == 107_751_931_136
    assert (v46.max_position_embeddings, v45.max_position_embeddings) == (131072, 65536)
    assert v46.is_moe and v46.num_experts == 128 and v46.num_shared_experts == 1


def test_step_3_is_the_hub_total_with_its_eva_clip_e_tower() -> None:
    """stepfun-ai/step3: Hub safetensors total 320,969,912,832 (llmfit snapshot 5bdc9df, hf_models.json);
    the card: "321B total parameters and 38B active". The 63 x 1792 vision tower's MLP is 15360 wide (the
    EVA2-CLIP-E shape); the config class's default 3072 would leave 63 x (2 x 1792 + 1) x 12288 parameters
    out. Per token the decoder reads its dense blocks, 3 of 48 experts and the shared expert: 38B once the
    vision tower and the embedding row (a lookup) are set aside."""
    spec = catalog_spec("Step-3")
    assert total_params(spec) == 320_969_912_832
    assert 63 * (2 * 1792 + 1) * (15360 - 3072) == 2_775_306_240
    assert abs(total_params(spec) / 1e9 - 321) <= half_digit(321)
    text_active = active_params(spec) - spec.extra_params - spec.vocab_size * spec.hidden_size
    assert abs(text_active / 1e9 - 38) <= half_digit(38)
    assert spec.num_kv_heads == 1 and spec.num_experts == 48 and spec.num_experts_per_tok == 3


def _vl2_spec(config: dict[str, object]) -> ModelSpec:
    """The spec of a config the way a downloaded config.json is read."""
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    return spec_from_hf_config(config, name="x", provenance=Provenance(kind=ProvenanceKind.LOCAL, source="x"))


def test_deepseek_vl2_matches_its_readme_and_the_small_variant_s_hub_total() -> None:
    """deepseek-ai/DeepSeek-VL2 README: "vl27.5-MoE in total". The tower and projector are checked to the
    parameter on deepseek-vl2-small, whose Hub safetensors total (llmfit snapshot 5bdc9df) is 16,148,349,504:
    its language model is DeepSeek-V2-Lite's 16B DeepSeekMoE (the bundled entry), its projector 2048 wide."""
    spec = catalog_spec("deepseek-vl2")
    assert abs(total_params(spec) / 1e9 - 27.5) <= half_digit(27.5)
    assert spec.is_moe and spec.kv_lora_rank == 512 and spec.num_layers == 30  # DeepseekV2Config defaults
    assert spec.router_score_correction_bias  # MoEGate builds it for topk_method noaux_tc
    entry, lite = catalog.get("deepseek-vl2"), catalog.get("DeepSeek-V2-Lite")
    assert entry is not None and lite is not None
    small = {**entry.model.config, "language_config": dict(lite.model.config)}
    small["projector_config"] = {"n_embed": 2048}
    assert total_params(_vl2_spec(small)) == 16_148_349_504


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"language_config": {"use_mla": False}}, "use_mla"),
        ({"vision_config": {"mlp_ratio": "wide"}}, "mlp_ratio"),
        ({"projector_config": {"projector_type": "identity"}}, "downsample_mlp_gelu"),
        ({"tile_tag": "1D"}, "tile_tag"),
        ({"vision_config": 3}, "must be an object"),
    ],
)
def test_a_deepseek_vl2_config_it_does_not_model_is_one_clear_error(
    change: dict[str, object], message: str
) -> None:
    from llmsize.errors import ConfigError

    entry = catalog.get("deepseek-vl2")
    assert entry is not None
    config = dict(entry.model.config)
    for key, value in change.items():
        config[key] = {**config[key], **value} if isinstance(value, dict) else value  # type: ignore[dict-item]
    with pytest.raises(ConfigError, match=message):
        _vl2_spec(config)


def test_janus_pro_7b_is_the_hub_s_file_size() -> None:
    """deepseek-ai/Janus-Pro-7B's files (Hub tree): pytorch_model-00001-of-00002.bin 9.99 GB + -00002 4.85 GB;
    the model the remote code builds, two bytes a value, is that 14.84 GB to the digit shown."""
    from llmsize.estimate.core import estimate
    from llmsize.estimate.workload import Workload as W
    from llmsize.specs.resolve import resolve

    spec = catalog_spec("Janus-Pro-7B")
    assert abs(2 * total_params(spec) / 1e9 - (9.99 + 4.85)) <= 0.01
    assert spec.num_layers == 30 and spec.hidden_size == 4096 and spec.vocab_size == 102400
    assert spec.extra_params > 0 and not spec.approximate
    assert estimate(resolve("Janus-Pro-7B"), W()).weights_bytes == 2 * total_params(spec)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"aligner_config": {"params": {"projector_type": "linear"}}}, "mlp_gelu"),
        ({"gen_vision_config": {"cls": "VQ-32"}}, "VQ-16"),
        ({"vision_config": {"params": {"model_name": "sam_b"}}}, "sam_b"),
        ({"language_config": None}, "language_config"),
        ({"gen_head_config": "vision_head"}, "gen_head_config.params"),
        ({"gen_vision_config": None}, "VQ-16"),
    ],
)
def test_a_janus_config_it_does_not_model_is_one_clear_error(change: dict[str, object], message: str) -> None:
    import copy

    from llmsize.errors import ConfigError

    entry = catalog.get("Janus-Pro-7B")
    assert entry is not None
    config = copy.deepcopy(dict(entry.model.config))
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            section = config[key]
            for k, v in value.items():
                section[k] = {**section[k], **v} if isinstance(v, dict) else v
        else:
            config[key] = value
    with pytest.raises(ConfigError, match=message):
        _vl2_spec(config)


def test_ernie_4_5_0_3b_is_the_dense_360m_model() -> None:
    """apxml.com (models/ernie-45-03b-base): "featuring 360 million parameters", 18 layers, 16 query / 2 KV
    heads of 128, FFN 3,072, vocab 103,424; tied embeddings (the -PT config.json)."""
    spec = catalog_spec("ERNIE-4.5-0.3B-PT")
    assert abs(total_params(spec) / 1e9 - 0.36) <= half_digit(0.36)
    assert not spec.is_moe and spec.tie_word_embeddings and spec.num_layers == 18
    terms = kv_cache.kv_terms(spec, Workload(), "bf16", range(spec.num_layers))
    assert [(t.layers, t.bytes_per_token, t.window) for t in terms] == [(18, Fraction(2 * 2 * 128 * 2), None)]


def test_moe_in_a_name_finds_only_an_moe_entry() -> None:
    """"-MOE" says the architecture mixes experts, not which release: gpt-oss-120b-MOE is gpt-oss-120b
    (it used to be a dense Llama-3.1-70B shape of 120B); a dense entry is never the model of an "-MoE"
    name."""
    from llmsize.specs.resolve import resolve

    spec = resolve("gpt-oss-120b-MOE")
    assert not spec.approximate and spec.is_moe
    assert total_params(spec) == total_params(catalog_spec("gpt-oss-120b"))
    assert catalog.find("Llama-3.1-8B-MoE") is None


@pytest.mark.parametrize(
    ("cfg", "args", "kwargs", "expected"),
    [
        ({"n_shared_experts": 2}, ("n_shared_experts", 1408), {}, (1, 2816)),
        ({}, ("num_shared_experts", 512), {"default": 1}, (1, 512)),
        ({"num_shared_experts": 0}, ("num_shared_experts", 512), {"default": 2}, (0, 0)),
        ({"shared_expert_intermediate_size": 5120}, (None,), {"width_key": "shared_expert_intermediate_size"},
         (1, 5120)),
        ({}, (None,), {"width_key": "shared_expert_intermediate_size"}, (0, 0)),
        (
            {"n_shared_experts": 1, "moe_shared_expert_intermediate_size": 3712},
            ("n_shared_experts",),
            {"width_key": "moe_shared_expert_intermediate_size"},
            (1, 3712),
        ),
    ],
)
def test_shared_experts_fold_into_one_mlp(
    cfg: dict[str, int], args: tuple[object, ...], kwargs: dict[str, object], expected: tuple[int, int]
) -> None:
    """DeepseekV3MoE builds n_shared_experts as one MLP of moe_intermediate_size x n_shared_experts;
    Qwen2MoeSparseMoeBlock / NemotronHMoE state the shared MLP's own width."""
    from llmsize.specs.hf_config.reader import Reader, shared_experts

    got = shared_experts(Reader(cfg, "test"), *args, **kwargs)  # type: ignore[arg-type]
    assert (got["num_shared_experts"], got["shared_expert_intermediate_size"]) == expected


@pytest.mark.parametrize("name", ["Apriel-Nemotron-15b-Thinker", "Apriel-1.5-15b-Thinker"])
def test_apriel_is_approximated_in_its_mistral_family_not_as_llama(name: str) -> None:
    """No Apriel config.json was found; the 15B is a Mistral decoder (a fine-tune of it is listed under model
    type "mistral" on the Hub), so the size-only approximation takes Mistral-Nemo's 5120 width and 131,072
    vocabulary, and says it is an approximation."""
    from llmsize.specs.resolve import resolve

    spec = resolve(name)
    assert spec.approximate and (spec.hidden_size, spec.vocab_size) == (5120, 131072)
    assert any("Mistral-Nemo-Base-2407" in w for w in spec.warnings)
