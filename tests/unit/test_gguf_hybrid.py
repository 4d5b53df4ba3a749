"""GGUF files of the 2026 hybrids (qwen3next, qwen35, qwen35moe) and of GLM-4.5 (glm4moe), written here
from the catalog's config.json the way llama.cpp's converter writes them, read back by llmsize.

Converter rules restated (ggml-org/llama.cpp conversion/qwen.py Qwen2MoeModel / Qwen3NextModel
set_gguf_parameters, the Qwen3.5 MTP export, conversion/glm.py Glm4MoeModel): the ssm.* keys carry the
delta-net geometry, block_count includes the next-n (MTP) blocks and nextn_predict_layers names them.
The parameter counts compared with are the catalog's published Hub totals (cited in model_specs/*.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gguf
import numpy as np
import pytest

from gguf_headers import write_header_only
from llmsize.errors import ConfigError
from llmsize.estimate.kv_cache import kv_terms
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.gguf_hybrid import nextn_layout
from llmsize.specs.gguf_reader import hf_config_from_header, read_header
from llmsize.specs.local import spec_from_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.params import mtp_params, total_params


def _text_config(entry: catalog.CatalogEntry) -> dict[str, Any]:
    cfg = entry.model.config
    return {**cfg.get("text_config", cfg)}


def write_converted(path: Path, arch: str, cfg: dict[str, Any], *, mtp: int = 0,
                    metadata: dict[str, Any] | None = None, nextn_copies: bool = False) -> Path:
    """A header-only GGUF (metadata and tensor records, no data) as convert_hf_to_gguf.py writes `cfg`."""
    w = gguf.GGUFWriter(str(path), arch)
    h, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    head_dim = cfg.get("head_dim") or h // heads
    w.add_block_count(cfg["num_hidden_layers"] + mtp)
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(h)
    if cfg.get("intermediate_size"):
        w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(heads)
    w.add_head_count_kv(cfg["num_key_value_heads"])
    if "head_dim" in cfg:
        w.add_key_length(head_dim)
        w.add_value_length(head_dim)
    experts = cfg.get("num_experts") or cfg.get("n_routed_experts")
    if experts:
        w.add_expert_count(experts)
        w.add_expert_used_count(cfg["num_experts_per_tok"])
        w.add_expert_feed_forward_length(cfg["moe_intermediate_size"])
    if cfg.get("shared_expert_intermediate_size"):
        w.add_expert_shared_feed_forward_length(cfg["shared_expert_intermediate_size"])
    if "linear_num_key_heads" in cfg:  # Qwen3NextModel.set_gguf_parameters
        w.add_ssm_conv_kernel(cfg["linear_conv_kernel_dim"])
        w.add_ssm_state_size(cfg["linear_key_head_dim"])
        w.add_ssm_group_count(cfg["linear_num_key_heads"])
        w.add_ssm_time_step_rank(cfg["linear_num_value_heads"])
        w.add_ssm_inner_size(cfg["linear_value_head_dim"] * cfg["linear_num_value_heads"])
        w.add_full_attention_interval(cfg.get("full_attention_interval", 4))
        w.add_rope_dimension_count(int(head_dim * cfg.get("partial_rotary_factor", 0.25)))
    if arch == "glm4moe":  # Glm4MoeModel.set_gguf_parameters
        w.add_rope_dimension_count(int(head_dim * cfg.get("partial_rotary_factor", 0.5)))
        w.add_expert_shared_count(cfg["n_shared_experts"])
        w.add_leading_dense_block_count(cfg["first_k_dense_replace"])
        w.add_expert_gating_func(gguf.ExpertGatingFuncType.SIGMOID)
    if mtp:
        w.add_nextn_predict_layers(mtp)
    for key, value in (metadata or {}).items():
        w.add_uint32(key, value)
    vocab = cfg["vocab_size"]
    records = [("token_embd.weight", (vocab, h)), ("output_norm.weight", (h,))]
    if not cfg.get("tie_word_embeddings", False):
        records.append(("output.weight", (vocab, h)))
    if cfg.get("attention_bias"):
        records.append(("blk.0.attn_q.bias", (heads * head_dim,)))
    if cfg.get("use_qk_norm"):
        records.append(("blk.0.attn_q_norm.weight", (head_dim,)))
    if nextn_copies:  # the checkpoint's layers.N.embed_tokens / shared_head.head (Glm4MoeModel maps them)
        for i in range(cfg["num_hidden_layers"], cfg["num_hidden_layers"] + mtp):
            records += [(f"blk.{i}.nextn.embed_tokens.weight", (vocab, h)),
                        (f"blk.{i}.nextn.shared_head_head.weight", (vocab, h))]
    write_header_only(w, records)
    return path


def _spec(path: Path) -> ModelSpec:
    header = read_header(path)
    config = hf_config_from_header(header) | {"torch_dtype": "bfloat16"}
    spec = spec_from_config(config, name=path.stem, provenance=Provenance(kind=ProvenanceKind.GGUF,
                            source=str(path)), where=str(path), trust_remote_code=True)
    return nextn_layout(spec, {t.name for t in header.tensors})  # as spec_from_gguf does


def _text_spec(entry: catalog.CatalogEntry) -> ModelSpec:
    """The catalog entry without its vision tower (counted there as extra_params): a GGUF is the language
    model, the tower goes to an mmproj file."""
    plain = {"vision": None, "extra_params": 0, "extra_params_note": None}
    return catalog.spec_for(entry).model_copy(update=plain)


def _cache(spec: ModelSpec) -> Any:
    wl = Workload(engine="llama.cpp", context=32768)
    return kv_terms(spec, wl, "fp16", range(spec.num_layers), "bf16")


# (catalog entry, llama.cpp arch, MTP blocks written, next-n embedding/head copies written). Published
# totals (model_specs/*.yaml, the Hub's safetensors.total) count the MTP block; `checkpoint_only_params`
# there is that block. GLM-4.5's next-n layer stores its own embed_tokens / shared_head.head, GLM-4.6's
# does not (vLLM PR 27597), so neither does its GGUF.
CASES = [
    ("Qwen3-Next-80B-A3B-Instruct", "qwen3next", 0, False),  # Qwen3NextModel.filter_tensors drops mtp.*
    ("Qwen3.5-35B-A3B", "qwen35moe", 1, False),
    ("Qwen3.5-397B-A17B", "qwen35moe", 1, False),
    ("Qwen3.5-27B", "qwen35", 1, False),
    ("Qwen3.5-0.8B", "qwen35", 0, False),
    ("GLM-4.5-Air", "glm4moe", 1, True),
    ("GLM-4.5", "glm4moe", 1, True),
    ("GLM-4.6", "glm4moe", 1, False),
]


@pytest.mark.parametrize(("name", "arch", "mtp", "copies"), CASES)
def test_converted_header_sizes_like_the_safetensors_spec(
    tmp_path: Path, name: str, arch: str, mtp: int, copies: bool
) -> None:
    entry = catalog.get(name)
    assert entry is not None
    path = write_converted(tmp_path / f"{arch}.gguf", arch, _text_config(entry), mtp=mtp, nextn_copies=copies)
    spec = _spec(path)
    reference = _text_spec(entry)
    assert total_params(spec) == total_params(reference)
    assert spec.mtp_layers == mtp
    if mtp:
        assert mtp_params(spec) == entry.model.checkpoint_only_params
    # decoder + vision tower (the mmproj's) + MTP block = the Hub's published safetensors total
    tower = catalog.spec_for(entry).extra_params
    assert total_params(spec) + tower + entry.model.checkpoint_only_params == entry.model.published_params
    assert spec.layer_types == reference.layer_types
    assert spec.recurrent == reference.recurrent
    assert _cache(spec) == _cache(reference)


def test_qwen3_next_without_mtp_is_the_coder_next_total(tmp_path: Path) -> None:
    """Qwen3-Coder-Next's Hub safetensors.total, 79,674,391,296 (model_specs/qwen3.yaml): the decoder alone,
    which is what a qwen3next GGUF holds."""
    entry = catalog.get("Qwen3-Next-80B-A3B-Instruct")
    assert entry is not None
    spec = _spec(write_converted(tmp_path / "q.gguf", "qwen3next", _text_config(entry)))
    assert total_params(spec) == 79_674_391_296
    assert spec.mtp_layers == 0
    assert spec.layer_types.count("full_attention") == 12  # every 4th of 48 (full_attention_interval 4)
    assert spec.recurrent is not None and spec.recurrent.kind == "gated_deltanet"


def test_glm46_next_n_layer_without_copies_is_the_published_total(tmp_path: Path) -> None:
    """zai-org/GLM-4.6's Hub safetensors total, 356,785,898,816 (model_specs/glm.yaml), is GLM-4.5's
    358,337,791,296 less the next-n layer's embed_tokens and shared_head.head (2 x 151552 x 5120): a
    GGUF converted from it holds no blk.92.nextn.embed_tokens / shared_head_head (gpustack issue 2957)."""
    entry = catalog.get("GLM-4.6")
    assert entry is not None
    spec = _spec(write_converted(tmp_path / "g.gguf", "glm4moe", _text_config(entry), mtp=1))
    assert total_params(spec) + mtp_params(spec) == 356_785_898_816
    assert mtp_params(spec) == 3_988_069_792
    with_copies = _spec(write_converted(tmp_path / "c.gguf", "glm4moe", _text_config(entry), mtp=1,
                                        nextn_copies=True))
    assert total_params(with_copies) + mtp_params(with_copies) == 358_337_791_296  # GLM-4.5 / 4.7's total
    catalog_spec = catalog.spec_for(entry)
    assert total_params(catalog_spec) + mtp_params(catalog_spec) == 356_785_898_816


def test_nextn_layers_beyond_the_blocks_are_refused(tmp_path: Path) -> None:
    entry = catalog.get("GLM-4.5-Air")
    assert entry is not None
    cfg = _text_config(entry)
    path = write_converted(tmp_path / "g.gguf", "glm4moe", {**cfg, "num_hidden_layers": 0}, mtp=1)
    with pytest.raises(ConfigError, match="nextn_predict_layers"):
        hf_config_from_header(read_header(path))


def test_inner_size_not_a_multiple_of_the_value_heads_is_refused(tmp_path: Path) -> None:
    entry = catalog.get("Qwen3.5-27B")
    assert entry is not None
    path = write_converted(tmp_path / "q.gguf", "qwen35", {**_text_config(entry), "linear_value_head_dim": 0})
    header = read_header(path)
    header.metadata["qwen35.ssm.inner_size"] = 6001
    with pytest.raises(ConfigError, match=r"ssm\.inner_size"):
        hf_config_from_header(header)


# A tiny Qwen3.5-MoE-shaped file with real (zero) tensor data: the whole `llmsize estimate x.gguf` path.
TINY = {
    "hidden_size": 64, "num_hidden_layers": 4, "num_attention_heads": 2, "num_key_value_heads": 1,
    "head_dim": 32, "max_position_embeddings": 4096, "vocab_size": 128, "num_experts": 4,
    "num_experts_per_tok": 2, "moe_intermediate_size": 32, "shared_expert_intermediate_size": 32,
    "linear_conv_kernel_dim": 4, "linear_key_head_dim": 16, "linear_value_head_dim": 16,
    "linear_num_key_heads": 2, "linear_num_value_heads": 4, "full_attention_interval": 4,
}


def _tiny_file(path: Path) -> Path:
    write_converted(path.with_suffix(".hdr"), "qwen35moe", TINY)  # the same metadata writes, checked above
    header = read_header(path.with_suffix(".hdr"))
    w = gguf.GGUFWriter(str(path), "qwen35moe")
    for key, value in header.metadata.items():
        if key.startswith("qwen35moe."):
            w.add_uint32(key, value) if isinstance(value, int) else w.add_float32(key, value)
    h, e, ff, v = TINY["hidden_size"], TINY["num_experts"], TINY["moe_intermediate_size"], TINY["vocab_size"]
    w.add_tensor("token_embd.weight", np.zeros((v, h), dtype=np.float16))
    w.add_tensor("output.weight", np.zeros((v, h), dtype=np.float16))
    for i in range(TINY["num_hidden_layers"]):
        for part in ("gate", "up"):
            w.add_tensor(f"blk.{i}.ffn_{part}_exps.weight", np.zeros((e, ff, h), dtype=np.float16))
        w.add_tensor(f"blk.{i}.ffn_down_exps.weight", np.zeros((e, h, ff), dtype=np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_estimate_reads_a_qwen35moe_gguf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was exit 2: "model_type 'qwen35moe' is not one llmsize knows"."""
    import llmsize.cli
    from llmsize.specs.gguf_reader import spec_from_gguf

    path = _tiny_file(tmp_path / "tiny-qwen35moe.gguf")
    spec = spec_from_gguf(path)
    assert spec.model_type == "qwen3_5_moe_text"
    assert spec.layer_types == ("linear_attention",) * 3 + ("full_attention",)
    assert spec.recurrent is not None
    assert (spec.recurrent.num_heads, spec.recurrent.value_head_dim) == (4, 16)
    try:
        llmsize.cli.main(["estimate", str(path), "--engine", "llama.cpp"])
    except SystemExit as exc:
        assert exc.code in (0, None), capsys.readouterr().err
    assert "Traceback" not in capsys.readouterr().err


def write_deepseek2(path: Path, cfg: dict[str, Any], *, mtp: int = 0, nextn_copies: bool = False) -> Path:
    """DeepseekV2Model.set_gguf_parameters (conversion/deepseek.py; Glm4MoeLiteModel inherits it): MLA as
    MQA (head_count_kv 1, key_length kv_lora + rope, *_mla the HF head dims), the expert keys; the router's
    e_score_correction_bias becomes blk.N.exp_probs_b.bias. `mtp` appends next-n blocks the way the
    deepseek2 loader reads them (nextn_predict_layers; llama_model_deepseek2::load_arch_hparams)."""
    w = gguf.GGUFWriter(str(path), "deepseek2")
    h, layers, vocab = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["vocab_size"]
    kv_lora, rope = cfg["kv_lora_rank"], cfg["qk_rope_head_dim"]
    w.add_block_count(layers + mtp)
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(h)
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(cfg["num_attention_heads"])
    w.add_head_count_kv(1)
    w.add_vocab_size(vocab)
    w.add_leading_dense_block_count(cfg["first_k_dense_replace"])
    if cfg.get("q_lora_rank"):
        w.add_q_lora_rank(cfg["q_lora_rank"])
    w.add_kv_lora_rank(kv_lora)
    w.add_key_length(kv_lora + rope)
    w.add_value_length(kv_lora)
    w.add_key_length_mla(cfg["qk_nope_head_dim"] + rope)
    w.add_value_length_mla(cfg["v_head_dim"])
    w.add_expert_feed_forward_length(cfg["moe_intermediate_size"])
    w.add_expert_count(cfg["n_routed_experts"])
    w.add_expert_used_count(cfg["num_experts_per_tok"])
    w.add_expert_shared_count(cfg["n_shared_experts"])
    w.add_rope_dimension_count(rope)
    if mtp:
        w.add_nextn_predict_layers(mtp)
    records = [("token_embd.weight", (vocab, h)), ("output_norm.weight", (h,)), ("output.weight", (vocab, h))]
    if cfg.get("topk_method") == "noaux_tc":
        records.append((f"blk.{cfg['first_k_dense_replace']}.exp_probs_b.bias", (cfg["n_routed_experts"],)))
    if nextn_copies:
        for i in range(layers, layers + mtp):
            records += [(f"blk.{i}.nextn.embed_tokens.weight", (vocab, h)),
                        (f"blk.{i}.nextn.shared_head_head.weight", (vocab, h))]
    write_header_only(w, records)
    return path


def test_deepseek_v3_gguf_is_the_published_decoder_total(tmp_path: Path) -> None:
    """DeepSeek-V3 without its MTP layer (DeepseekV2Model.skip_mtp): 671,026,419,200, the Hub total of
    microsoft/MAI-DS-R1, the same config exported without layer 61 (model_specs/deepseek.yaml). The
    router's correction bias comes from the exp_probs_b tensors (was missing: 58 x 256 short)."""
    entry = catalog.get("DeepSeek-V3")
    assert entry is not None
    spec = _spec(write_deepseek2(tmp_path / "d.gguf", entry.model.config))
    assert spec.router_score_correction_bias
    assert total_params(spec) == 671_026_419_200
    assert spec.mtp_layers == 0
    assert _cache(spec) == _cache(catalog.spec_for(entry))


def test_glm47_flash_deepseek2_gguf_with_its_next_n_block(tmp_path: Path) -> None:
    """GLM-4.7-Flash converts to deepseek2 (Glm4MoeLiteModel); with its next-n block (own embed_tokens and
    shared_head.head, model_specs/glm-flash.yaml) decoder + block = the Hub total 31,221,488,576."""
    entry = catalog.get("GLM-4.7-Flash")
    assert entry is not None
    spec = _spec(write_deepseek2(tmp_path / "g.gguf", entry.model.config, mtp=1, nextn_copies=True))
    reference = catalog.spec_for(entry)
    assert spec.num_layers == 47
    assert total_params(spec) == total_params(reference)
    assert mtp_params(spec) == 1_278_094_656
    assert total_params(spec) + mtp_params(spec) == 31_221_488_576
    assert _cache(spec) == _cache(reference)


@pytest.mark.parametrize("name", ["gpt-oss-20b", "gpt-oss-120b"])
def test_gpt_oss_gguf_is_the_published_total(tmp_path: Path, name: str) -> None:
    """GptOssModel.set_gguf_parameters (conversion/gpt_oss.py): TextModel's keys, sliding_window,
    expert_feed_forward_length = intermediate_size, expert_count / expert_used_count; biased q/k/v/o
    (blk.N.attn_q.bias). Decoder = the Hub totals 20,914,757,184 / 116,829,156,672
    (model_specs/gpt-oss.yaml)."""
    entry = catalog.get(name)
    assert entry is not None
    cfg = entry.model.config
    w = gguf.GGUFWriter(str(tmp_path / "o.gguf"), "gpt-oss")
    h, heads, head_dim = cfg["hidden_size"], cfg["num_attention_heads"], cfg["head_dim"]
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(h)
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(heads)
    w.add_head_count_kv(cfg["num_key_value_heads"])
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_sliding_window(cfg["sliding_window"])
    w.add_expert_feed_forward_length(cfg["intermediate_size"])
    w.add_expert_count(cfg["num_local_experts"])
    w.add_expert_used_count(cfg["num_experts_per_tok"])
    vocab = cfg["vocab_size"]
    for tname, shape in [("token_embd.weight", (vocab, h)), ("output.weight", (vocab, h)),
                         ("blk.0.attn_q.bias", (heads * head_dim,))]:
        w.add_tensor_info(tname, shape, np.dtype(np.float16), 2 * int(np.prod(shape)))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    w.close()
    spec = _spec(tmp_path / "o.gguf")
    reference = catalog.spec_for(entry)
    assert total_params(spec) == entry.model.published_params
    assert spec.layer_types == reference.layer_types
    assert _cache(spec) == _cache(reference)


# Architectures whose llama.cpp name is their Hugging Face model_type and whose converter writes only
# TextModel's common keys (conversion/base.py TextModel.set_gguf_parameters): read as they stand.
# Seed-OSS-36B's Hub total 36,151,104,512 (model_specs/seed-oss.yaml).
SAME_NAME = [("Seed-OSS-36B-Instruct", "seed_oss"), ("Apertus-8B-2509", "apertus"),
             ("ERNIE-4.5-0.3B-PT", "ernie4_5")]


@pytest.mark.parametrize(("name", "arch"), SAME_NAME)
def test_same_name_archs_read_like_the_safetensors_spec(tmp_path: Path, name: str, arch: str) -> None:
    entry = catalog.get(name)
    assert entry is not None
    spec = _spec(write_converted(tmp_path / "m.gguf", arch, _text_config(entry)))
    reference = catalog.spec_for(entry)
    assert spec.model_type == reference.model_type
    assert total_params(spec) == total_params(reference)
    assert _cache(spec) == _cache(reference)
    if name == "Seed-OSS-36B-Instruct":
        assert total_params(spec) == 36_151_104_512
