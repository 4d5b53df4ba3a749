"""Multi-token-prediction layers against published checkpoint totals.

The decoder llmsize loads plus the MTP block it counts apart (`mtp_params`) must add up to what the
Hub's safetensors metadata reports for the whole checkpoint.
"""

from __future__ import annotations

import math
from typing import Any

from llmsize.specs import catalog
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import Provenance, ProvenanceKind
from llmsize.specs.params import mtp_params, total_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="test")


def _fp8_block_scales(out_f: int, in_f: int, block: int = 128) -> int:
    """weight_scale_inv entries of one block-quantized FP8 linear (DeepSeek-V3 README_WEIGHTS.md)."""
    return math.ceil(out_f / block) * math.ceil(in_f / block)


def test_deepseek_v3_decoder_plus_mtp_is_the_hub_total() -> None:
    # https://huggingface.co/api/models/deepseek-ai/DeepSeek-V3?expand[]=safetensors:
    # {"BF16": 3918786560, "F8_E4M3": 680571043840, "F32": 41555600}, total 684531386000. The F32
    # entries are the FP8 block scales plus the fp32 e_score_correction_bias (counted as weights).
    # README: "685B, which includes 671B of the Main Model weights and 14B of the MTP Module weights".
    entry = catalog.get("DeepSeek-V3")
    assert entry is not None
    spec = spec_from_hf_config(dict(entry.model.config), name="DeepSeek-V3", provenance=PROV)
    h, heads, inter, moe = 7168, 128, 18432, 2048
    attn = (
        _fp8_block_scales(1536, h)  # q_a_proj
        + _fp8_block_scales(heads * 192, 1536)  # q_b_proj
        + _fp8_block_scales(512 + 64, h)  # kv_a_proj_with_mqa
        + _fp8_block_scales(heads * 256, 512)  # kv_b_proj
        + _fp8_block_scales(h, heads * 128)  # o_proj
    )
    dense = 2 * _fp8_block_scales(inter, h) + _fp8_block_scales(h, inter)
    expert = 2 * _fp8_block_scales(moe, h) + _fp8_block_scales(h, moe)
    moe_layer = attn + (256 + 1) * expert
    # 61 decoder layers (3 dense, 58 MoE) and one MoE MTP layer (its eh_proj is stored in BF16).
    scales = 61 * attn + 3 * dense + 58 * (moe_layer - attn) + moe_layer
    assert total_params(spec) == 671_026_419_200  # README: "Total parameters: 671B"
    assert total_params(spec) + mtp_params(spec) + scales == 684_531_386_000


# Qwen/Qwen3-Next-80B-A3B-Instruct config.json (https://huggingface.co/Qwen/Qwen3-Next-80B-A3B-Instruct/
# blob/main/config.json), the fields the parameter count reads. The published config does not state
# its MTP layer count; the checkpoint holds one `mtp.*` layer, so it is given here.
QWEN3_NEXT: dict[str, Any] = {
    "model_type": "qwen3_next",
    "decoder_sparse_step": 1,
    "full_attention_interval": 4,
    "head_dim": 256,
    "hidden_size": 2048,
    "intermediate_size": 5120,
    "linear_conv_kernel_dim": 4,
    "linear_key_head_dim": 128,
    "linear_num_key_heads": 16,
    "linear_num_value_heads": 32,
    "linear_value_head_dim": 128,
    "max_position_embeddings": 262144,
    "mlp_only_layers": [],
    "moe_intermediate_size": 512,
    "num_attention_heads": 16,
    "num_experts": 512,
    "num_experts_per_tok": 10,
    "num_hidden_layers": 48,
    "num_key_value_heads": 2,
    "shared_expert_intermediate_size": 512,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "vocab_size": 151936,
    "layer_types": ["full_attention" if (i + 1) % 4 == 0 else "linear_attention" for i in range(48)],
    "mtp_num_hidden_layers": 1,
}


def test_qwen3_next_decoder_plus_mtp_is_the_hub_total() -> None:
    # https://huggingface.co/api/models/Qwen/Qwen3-Next-80B-A3B-Instruct?expand[]=safetensors: total
    # 81,324,862,720 (all BF16).
    spec = spec_from_hf_config(QWEN3_NEXT, name="Qwen3-Next-80B-A3B-Instruct", provenance=PROV)
    assert total_params(spec) + mtp_params(spec) == 81_324_862_720
    assert mtp_params(spec) > 0


def test_a_users_config_json_reports_the_checkpoint_total_the_card_publishes(
    tmp_path: Any, capsys: Any
) -> None:
    # A user's own config.json (no catalog entry to carry checkpoint-only tensors): the report's
    # model.checkpoint_params adds the MTP block the checkpoint stores, so it equals the Hub's
    # safetensors total quoted above (81,324,862,720), while params stays what transformers loads.
    import json

    import pytest

    from llmsize.cli import main

    (tmp_path / "config.json").write_text(json.dumps(QWEN3_NEXT))
    with pytest.raises(SystemExit) as ex:
        main(["estimate", str(tmp_path), "--format", "json"])
    assert ex.value.code in (0, None)
    model = json.loads(capsys.readouterr().out)["model"]
    assert model["checkpoint_params"] == 81_324_862_720
    assert model["params"] < model["checkpoint_params"]


def _catalog_spec(name: str) -> Any:
    entry = catalog.get(name)
    assert entry is not None
    return spec_from_hf_config(dict(entry.model.config), name=name, provenance=PROV)


def test_qwen3_next_config_as_published_counts_its_one_mtp_layer() -> None:
    # The published Qwen3-Next-80B-A3B-Instruct config.json states no MTP count (the catalog copies it as
    # published); its checkpoint stores one mtp.* layer, so the Hub total is still reached.
    config = dict(QWEN3_NEXT)
    del config["mtp_num_hidden_layers"]
    spec = spec_from_hf_config(config, name="Qwen3-Next-80B-A3B-Instruct", provenance=PROV)
    assert spec.mtp_layers == 1
    assert total_params(spec) + mtp_params(spec) == 81_324_862_720
    assert total_params(_catalog_spec("Qwen3-Next-80B-A3B-Instruct")) + mtp_params(
        _catalog_spec("Qwen3-Next-80B-A3B-Instruct")
    ) == 81_324_862_720


def test_nemotron_3_super_mtp_blocks_follow_their_pattern() -> None:
    # nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16 safetensors headers: 123,611,033,088 in all, of which the
    # MTP block (mtp.layers.*, mtp_hybrid_override_pattern "*E": an attention block, then a LatentMoE block,
    # with eh_proj, enorm, hnorm and a final norm; vLLM nemotron_h_mtp.py) holds 2,942,325,248.
    spec = _catalog_spec("NVIDIA-Nemotron-3-Super-120B-A12B-BF16")
    assert (spec.mtp_layers, spec.mtp_pattern) == (1, "*E")
    assert mtp_params(spec) == 2_942_325_248
    assert total_params(spec) + mtp_params(spec) == 123_611_033_088


def test_glm5_next_n_layer_shares_the_embedding_and_head() -> None:
    # zai-org/GLM-5.1: every tensor of the safetensors shards sums to 753,864,139,008; the next-n layer 78
    # stores one MoE decoder layer with its DSA indexer, eh_proj and three norms, no embed/head copies.
    spec = _catalog_spec("GLM-5.1")
    assert total_params(spec) + mtp_params(spec) == 753_864_139_008


def test_a_nemotron_mtp_pattern_with_an_unknown_symbol_is_refused() -> None:
    import pytest

    from llmsize.errors import ConfigError

    entry = catalog.get("NVIDIA-Nemotron-3-Super-120B-A12B-BF16")
    assert entry is not None
    config = {**entry.model.config, "mtp_hybrid_override_pattern": "*X"}
    with pytest.raises(ConfigError, match="MTP pattern"):
        spec_from_hf_config(config, name="x", provenance=PROV)
