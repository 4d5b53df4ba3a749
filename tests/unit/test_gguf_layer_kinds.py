"""GGUF files of LFM2 / LFM2-MoE (lfm2, lfm2moe) and Nemotron-H / Nemotron 3 (nemotron_h, nemotron_h_moe),
written here from the catalog's config.json the way llama.cpp's converter writes them, read back by llmsize.

Converter rules restated (ggml-org/llama.cpp conversion/lfm2.py LFM2Model / LFM2MoeModel and
conversion/nemotron.py NemotronHModel.set_gguf_parameters, over granite.py GraniteHybridModel's): the
per-layer head_count_kv array is 0 off the attention layers, Nemotron-H's per-layer feed_forward_length is
0 off the MLP / MoE layers, LFM2's feed_forward_length is the width after block_auto_adjust_ff_dim, and
Nemotron 3 Super's MTP block is appended as one attention + MoE block with nextn_predict_layers.
The published totals compared with are the catalog's (cited in model_specs/lfm2.yaml and nemotron.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gguf
import pytest

from gguf_headers import llama_cpp_cache, spec_of_header, write_header_only
from llmsize.errors import ConfigError
from llmsize.specs import catalog
from llmsize.specs.gguf_reader import hf_config_from_header, read_header
from llmsize.specs.models import ModelSpec
from llmsize.specs.params import mtp_params, total_params


def _lfm2_ff(cfg: dict[str, Any]) -> int:
    """LFM2Model._add_feed_forward_length."""
    ff = cfg.get("block_ff_dim") or cfg["intermediate_size"]
    if cfg.get("block_auto_adjust_ff_dim"):
        ff = int(2 * ff / 3)
        if cfg.get("block_ffn_dim_multiplier") is not None:
            ff = int(cfg["block_ffn_dim_multiplier"] * ff)
        multiple = cfg["block_multiple_of"]
        ff = multiple * ((ff + multiple - 1) // multiple)
    return ff


def _write(path: Path, arch: str, cfg: dict[str, Any], records: list[tuple[str, tuple[int, ...]]],
           keys: dict[str, Any]) -> Path:
    w = gguf.GGUFWriter(str(path), arch)
    w.add_context_length(cfg.get("max_position_embeddings", 4096))
    w.add_embedding_length(cfg["hidden_size"])
    w.add_head_count(cfg["num_attention_heads"])
    for key, value in keys.items():
        if isinstance(value, list):
            w.add_array(f"{arch}.{key}", value)
        else:
            w.add_uint32(f"{arch}.{key}", value)
    h, vocab = cfg["hidden_size"], cfg["vocab_size"]
    records = [("token_embd.weight", (vocab, h)), ("output_norm.weight", (h,)), *records]
    if not cfg.get("tie_word_embeddings", arch.startswith("lfm2")):
        records.append(("output.weight", (vocab, h)))
    write_header_only(w, records)
    return path


def write_lfm2(path: Path, cfg: dict[str, Any], layer_types: tuple[str, ...]) -> Path:
    """LFM2Model / LFM2MoeModel.set_gguf_parameters (TextModel's common keys first)."""
    moe = cfg["model_type"] == "lfm2_moe"
    keys: dict[str, Any] = {
        "block_count": len(layer_types),
        "attention.head_count_kv": [cfg["num_key_value_heads"] if t == "full_attention" else 0
                                    for t in layer_types],
        "vocab_size": cfg["vocab_size"],
        "shortconv.l_cache": cfg["conv_L_cache"],
        "feed_forward_length": cfg["intermediate_size"] if moe else _lfm2_ff(cfg),
    }
    records: list[tuple[str, tuple[int, ...]]] = []
    if moe:
        keys |= {"expert_count": cfg["num_experts"], "expert_used_count": cfg["num_experts_per_tok"],
                 "expert_feed_forward_length": cfg["moe_intermediate_size"],
                 "leading_dense_block_count": cfg["num_dense_layers"]}
        if cfg.get("use_expert_bias", True):
            records.append((f"blk.{cfg['num_dense_layers']}.exp_probs_b.bias", (cfg["num_experts"],)))
    if cfg.get("conv_bias"):
        records.append(("blk.0.shortconv.in_proj.bias", (3 * cfg["hidden_size"],)))
    return _write(path, "lfm2moe" if moe else "lfm2", cfg, records, keys)


def write_nemotron_h(path: Path, cfg: dict[str, Any]) -> Path:
    """NemotronHModel.set_gguf_parameters: per-layer KV heads and feed-forward widths from the pattern."""
    moe = "num_experts_per_tok" in cfg
    pattern = cfg["hybrid_override_pattern"]
    mtp = cfg.get("num_nextn_predict_layers", 0) if moe else 0
    attn = [i for i, c in enumerate(pattern) if c == "*"] + list(range(len(pattern), len(pattern) + mtp))
    mlp = [i for i, c in enumerate(pattern) if c == ("E" if moe else "-")] + attn[len(attn) - mtp :]
    blocks = len(pattern) + mtp
    width = cfg["moe_intermediate_size"] if moe else cfg["intermediate_size"]
    heads, head_dim = cfg["mamba_num_heads"], cfg["mamba_head_dim"]
    keys: dict[str, Any] = {
        "block_count": blocks,
        "attention.head_count_kv": [cfg["num_key_value_heads"] if i in attn else 0 for i in range(blocks)],
        "feed_forward_length": [width if i in mlp else 0 for i in range(blocks)],
        "attention.key_length": cfg.get("head_dim") or cfg["attention_head_dim"],
        "attention.value_length": cfg.get("head_dim") or cfg["attention_head_dim"],
        "ssm.conv_kernel": cfg["conv_kernel"], "ssm.state_size": cfg["ssm_state_size"],
        "ssm.group_count": cfg["n_groups"], "ssm.inner_size": heads * head_dim, "ssm.time_step_rank": heads,
    }
    if moe:
        keys |= {"expert_used_count": cfg["num_experts_per_tok"],
                 "expert_feed_forward_length": cfg["moe_intermediate_size"],
                 "expert_shared_feed_forward_length": cfg["moe_shared_expert_intermediate_size"],
                 "expert_count": cfg["n_routed_experts"], "expert_shared_count": cfg["n_shared_experts"]}
        if cfg.get("moe_latent_size") is not None:
            keys["moe_latent_size"] = cfg["moe_latent_size"]
        if mtp:
            keys["nextn_predict_layers"] = mtp
    records: list[tuple[str, tuple[int, ...]]] = []
    first_mamba = pattern.index("M")
    if cfg.get("use_conv_bias", True):
        records.append((f"blk.{first_mamba}.ssm_conv1d.bias", (heads * head_dim,)))
    return _write(path, "nemotron_h_moe" if moe else "nemotron_h", cfg, records, keys)




def _same_as_catalog(spec: ModelSpec, entry: catalog.CatalogEntry) -> None:
    reference = catalog.spec_for(entry)
    assert total_params(spec) == total_params(reference)
    assert spec.layer_types == reference.layer_types
    assert spec.ffn_types == reference.ffn_types
    # the GGUF states no Mamba chunk size (a vLLM/SGLang kernel setting llama.cpp has none of)
    assert spec.recurrent is not None and reference.recurrent is not None
    chunk = {"chunk_size": reference.recurrent.chunk_size}
    assert spec.recurrent.model_copy(update=chunk) == reference.recurrent
    assert spec.intermediate_size == reference.intermediate_size
    assert llama_cpp_cache(spec) == llama_cpp_cache(reference)
    assert (spec.mtp_layers, spec.mtp_pattern) == (reference.mtp_layers, reference.mtp_pattern)
    assert mtp_params(spec) == mtp_params(reference)


LFM2 = ["LFM2-350M", "LFM2-700M", "LFM2-1.2B", "LFM2-2.6B", "LFM2-8B-A1B"]


@pytest.mark.parametrize("name", LFM2)
def test_lfm2_header_sizes_like_the_safetensors_spec(tmp_path: Path, name: str) -> None:
    entry = catalog.get(name)
    assert entry is not None
    reference = catalog.spec_for(entry)
    assert reference.layer_types is not None
    spec = spec_of_header(write_lfm2(tmp_path / "m.gguf", entry.model.config, reference.layer_types))
    _same_as_catalog(spec, entry)
    assert spec.recurrent is not None and spec.recurrent.kind == "short_conv"
    if entry.model.published_params:  # the Hub's safetensors totals (model_specs/lfm2.yaml)
        assert total_params(spec) == entry.model.published_params - entry.model.checkpoint_only_params


def test_lfm2_350m_is_its_published_total(tmp_path: Path) -> None:
    """LiquidAI/LFM2-350M's Hub safetensors total, 354,483,968 (model_specs/lfm2.yaml), from a GGUF whose
    feed_forward_length the converter already rounded (6656 -> 4608): rounding it again loses weights."""
    entry = catalog.get("LFM2-350M")
    assert entry is not None
    layer_types = catalog.spec_for(entry).layer_types or ()
    spec = spec_of_header(write_lfm2(tmp_path / "m.gguf", entry.model.config, layer_types))
    assert total_params(spec) == 354_483_968
    assert spec.intermediate_size == 4608
    assert spec.layer_types is not None and spec.layer_types.count("full_attention") == 6


NEMOTRON = [
    "Nemotron-H-8B-Base-8K", "Nemotron-H-47B-Base-8K", "NVIDIA-Nemotron-3-Nano-30B-A3B",
    "NVIDIA-Nemotron-3-Super-120B-A12B-BF16", "NVIDIA-Nemotron-Nano-9B-v2", "NVIDIA-Nemotron-3-Nano-4B-BF16",
]


@pytest.mark.parametrize("name", NEMOTRON)
def test_nemotron_h_header_sizes_like_the_safetensors_spec(tmp_path: Path, name: str) -> None:
    entry = catalog.get(name)
    assert entry is not None
    spec = spec_of_header(write_nemotron_h(tmp_path / "m.gguf", entry.model.config))
    _same_as_catalog(spec, entry)
    if entry.model.published_params:  # decoder + the MTP block the GGUF holds = the Hub's total
        assert total_params(spec) + mtp_params(spec) == entry.model.published_params


def test_nemotron_3_super_mtp_block_is_the_published_total(tmp_path: Path) -> None:
    """nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16's Hub total 123,611,033,088 counts its MTP block
    (checkpoint_only_params 2,942,325,248, model_specs/nemotron.yaml); the converter appends it as
    block 88."""
    entry = catalog.get("NVIDIA-Nemotron-3-Super-120B-A12B-BF16")
    assert entry is not None
    spec = spec_of_header(write_nemotron_h(tmp_path / "m.gguf", entry.model.config))
    assert spec.num_layers == 88
    assert (spec.mtp_layers, spec.mtp_pattern) == (1, "*E")
    assert mtp_params(spec) == 2_942_325_248
    assert total_params(spec) + mtp_params(spec) == 123_611_033_088


def test_per_layer_array_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    entry = catalog.get("LFM2-350M")
    assert entry is not None
    layer_types = catalog.spec_for(entry).layer_types or ()
    path = write_lfm2(tmp_path / "m.gguf", {**entry.model.config}, layer_types[:-1])
    header = read_header(path)
    header.metadata["lfm2.block_count"] = len(layer_types)
    with pytest.raises(ConfigError, match="head_count_kv holds 15 entries for 16 blocks"):
        hf_config_from_header(header)


def test_nemotron_block_with_heads_and_ffn_is_refused(tmp_path: Path) -> None:
    entry = catalog.get("Nemotron-H-8B-Base-8K")
    assert entry is not None
    header = read_header(write_nemotron_h(tmp_path / "m.gguf", entry.model.config))
    ff = header.metadata["nemotron_h.feed_forward_length"]
    kv = header.metadata["nemotron_h.attention.head_count_kv"]
    attn = kv.items.index(max(kv.items))
    header.metadata["nemotron_h.feed_forward_length"] = type(ff)(
        ff.count, tuple(21504 if i == attn else v for i, v in enumerate(ff.items))
    )
    with pytest.raises(ConfigError, match="both KV heads and a feed-forward width"):
        hf_config_from_header(header)


def write_granite_hybrid(path: Path, cfg: dict[str, Any]) -> Path:
    """GraniteHybridModel.set_gguf_parameters over GraniteMoeModel's (conversion/granite.py)."""
    kinds = cfg["layer_types"]
    keys: dict[str, Any] = {
        "block_count": len(kinds),
        "feed_forward_length": cfg["intermediate_size"],
        "expert_shared_feed_forward_length": cfg["shared_intermediate_size"],
        "ssm.conv_kernel": cfg["mamba_d_conv"], "ssm.state_size": cfg["mamba_d_state"],
        "ssm.group_count": cfg["mamba_n_groups"],
        "ssm.inner_size": cfg["mamba_expand"] * cfg["hidden_size"],
        "ssm.time_step_rank": cfg["mamba_n_heads"],
        "attention.head_count_kv": [cfg["num_key_value_heads"] if k == "attention" else 0 for k in kinds],
    }
    if cfg.get("num_local_experts"):
        keys |= {"expert_count": cfg["num_local_experts"], "expert_used_count": cfg["num_experts_per_tok"]}
    records: list[tuple[str, tuple[int, ...]]] = []
    if cfg.get("mamba_conv_bias", True):
        inner = cfg["mamba_expand"] * cfg["hidden_size"]
        records.append((f"blk.{kinds.index('mamba')}.ssm_conv1d.bias", (inner,)))
    return _write(path, "granitehybrid", cfg, records, keys)


@pytest.mark.parametrize("name", ["granite-4.0-h-small", "granite-4.0-h-tiny"])
def test_granite_hybrid_header_sizes_like_the_safetensors_spec(tmp_path: Path, name: str) -> None:
    """granite-4.0-h-small's Hub total 32,207,337,984 (model_specs/granite.yaml) from its GGUF header."""
    entry = catalog.get(name)
    assert entry is not None
    spec = spec_of_header(write_granite_hybrid(tmp_path / "g.gguf", entry.model.config))
    _same_as_catalog(spec, entry)
    if entry.model.published_params:
        assert total_params(spec) == entry.model.published_params


def write_kimi_linear(path: Path, cfg: dict[str, Any]) -> Path:
    """KimiLinearModel.set_gguf_parameters (conversion/kimi_linear.py), TextModel's keys first."""
    lin = cfg["linear_attn_config"]
    layers, rope, kv_lora = cfg["num_hidden_layers"], cfg["qk_rope_head_dim"], cfg["kv_lora_rank"]
    keys: dict[str, Any] = {
        "block_count": layers,
        "feed_forward_length": cfg["intermediate_size"],
        "vocab_size": cfg["vocab_size"],
        "attention.head_count_kv": [1 if i + 1 in lin["full_attn_layers"] else 0 for i in range(layers)],
        "ssm.conv_kernel": lin["short_conv_kernel_size"],
        "kda.head_dim": lin["head_dim"],
        "attention.kv_lora_rank": kv_lora,
        "rope.dimension_count": rope,
        "attention.key_length": kv_lora + rope,
        "attention.key_length_mla": cfg["qk_nope_head_dim"] + rope,
        "attention.value_length_mla": cfg["v_head_dim"],
        "expert_count": cfg["num_experts"], "expert_used_count": cfg["num_experts_per_token"],
        "expert_feed_forward_length": cfg["moe_intermediate_size"],
        "expert_shared_count": cfg["num_shared_experts"],
        "leading_dense_block_count": cfg["first_k_dense_replace"],
    }
    records = [(f"blk.{cfg['first_k_dense_replace']}.exp_probs_b.bias", (cfg["num_experts"],))]
    return _write(path, "kimi-linear", cfg, records, keys)


def test_kimi_linear_header_is_the_published_total(tmp_path: Path) -> None:
    """moonshotai/Kimi-Linear-48B-A3B-Instruct's Hub total 49,122,681,728 (model_specs/kimi-linear.yaml)."""
    entry = catalog.get("Kimi-Linear-48B-A3B-Instruct")
    assert entry is not None
    spec = spec_of_header(write_kimi_linear(tmp_path / "k.gguf", entry.model.config))
    _same_as_catalog(spec, entry)
    assert total_params(spec) == 49_122_681_728
    assert spec.layer_types is not None and spec.layer_types.count("full_attention") == 7


def _tiny_granite_hybrid(path: Path, rope: bool, context: int) -> Path:
    """A small granitehybrid file with data (so spec_from_gguf reads it): GraniteHybridModel's keys, with
    rope.scaling.finetuned = use_rope and, without RoPE, context_length replaced by 2**20."""
    import numpy as np

    w = gguf.GGUFWriter(str(path), "granitehybrid")
    w.add_context_length(context)
    w.add_embedding_length(64)
    w.add_block_count(2)
    w.add_head_count(4)
    w.add_array("granitehybrid.attention.head_count_kv", [0, 2])
    w.add_feed_forward_length(128)
    w.add_expert_shared_feed_forward_length(128)
    w.add_ssm_conv_kernel(4)
    w.add_ssm_state_size(16)
    w.add_ssm_group_count(1)
    w.add_ssm_inner_size(128)
    w.add_ssm_time_step_rank(4)
    w.add_rope_scaling_finetuned(rope)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    for name, shape in (("token_embd.weight", (256, 64)), ("output_norm.weight", (64,))):
        w.add_tensor(name, np.zeros(shape, dtype=np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_granite_h_nope_context_placeholder_is_said_to_be_one(tmp_path: Path) -> None:
    """conversion/granite.py GraniteHybridModel.set_gguf_parameters writes context_length 2**20 for a
    Granite 4.0-H (no RoPE): llama.cpp's n_ctx_train, but no trained length (the configs state 131,072)."""
    from llmsize.specs.gguf_reader import spec_from_gguf

    spec = spec_from_gguf(_tiny_granite_hybrid(tmp_path / "h.gguf", rope=False, context=2**20))
    assert spec.max_position_embeddings == 2**20  # what llama.cpp runs with -c 0
    assert any("1,048,576" in w and "not a trained length" in w for w in spec.warnings)
    # a file with RoPE (Bamba, or all-attention) states its own length and gets no such note
    spec = spec_from_gguf(_tiny_granite_hybrid(tmp_path / "r.gguf", rope=True, context=2**20))
    assert not any("not a trained length" in w for w in spec.warnings)
