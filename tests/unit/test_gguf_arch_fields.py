"""GGUF files of Hunyuan (hunyuan-dense, hunyuan-moe), ERNIE 4.5 (ernie4_5, ernie4_5-moe) and Gemma 3n
(gemma3n), written here from the catalog's config.json the way llama.cpp's converter writes them, read back
by llmsize (specs/gguf_arch_fields.py).

Converter rules restated (ggml-org/llama.cpp conversion/hunyuan.py HunYuanModel / HunYuanMoEModel,
conversion/ernie.py Ernie4_5Model / Ernie4_5MoeModel, conversion/gemma.py Gemma3NModel .set_gguf_parameters,
over TextModel's common keys): the MoE keys per family, Hunyuan's context_length 262144 for its dynamic
(alpha) RoPE, Gemma 3n's per-layer feed_forward_length, sliding-window pattern and activation sparsity
scale (the normal quantile of the pattern value), and its per_layer_token_embd padded to vocab_size rows.
Before these readers the first four were read as "a Llama-like decoder" with a warning and gemma3n as
Gemma3nConfig's defaults (7.8 billion parameters whatever the file held).
"""

from __future__ import annotations

from pathlib import Path
from statistics import NormalDist
from typing import Any

import gguf
import pytest

from gguf_headers import llama_cpp_cache, spec_of_header, write_header_only
from llmsize.errors import ConfigError
from llmsize.specs import catalog
from llmsize.specs.gguf_reader import hf_config_from_header, read_header
from llmsize.specs.local import spec_from_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.params import active_params, total_params


def _uniform(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


def _write(path: Path, arch: str, cfg: dict[str, Any], keys: dict[str, Any],
           records: list[tuple[str, tuple[int, ...]]]) -> Path:
    """TextModel.set_gguf_parameters' common keys, then the family's `keys`; tensors as (name, torch
    shape)."""
    w = gguf.GGUFWriter(str(path), arch)
    w.add_context_length(keys.pop("context_length", cfg["max_position_embeddings"]))
    w.add_embedding_length(cfg["hidden_size"])
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_head_count(cfg["num_attention_heads"])
    w.add_head_count_kv(cfg["num_key_value_heads"])
    if cfg.get("head_dim"):
        w.add_key_length(cfg["head_dim"])
        w.add_value_length(cfg["head_dim"])
    for key, value in keys.items():
        if isinstance(value, list):
            w.add_array(f"{arch}.{key}", value)
        elif isinstance(value, float):
            w.add_float32(f"{arch}.{key}", value)
        else:
            w.add_uint32(f"{arch}.{key}", value)
    h, vocab = cfg["hidden_size"], cfg["vocab_size"]
    records = [("token_embd.weight", (vocab, h)), ("output_norm.weight", (h,)), *records]
    if not cfg.get("tie_word_embeddings", False):
        records.append(("output.weight", (vocab, h)))
    write_header_only(w, records)
    return path


def write_hunyuan(path: Path, cfg: dict[str, Any]) -> Path:
    """HunYuanModel / HunYuanMoEModel: feed_forward_length = intermediate_size; the MoE adds its four keys;
    dynamic (alpha) RoPE writes context_length 256 x 1024."""
    keys: dict[str, Any] = {"feed_forward_length": cfg["intermediate_size"], "context_length": 256 * 1024}
    arch = "hunyuan-dense"
    if cfg["model_type"] == "hunyuan_v1_moe":
        arch = "hunyuan-moe"
        keys |= {"expert_count": cfg["num_experts"], "expert_used_count": _uniform(cfg["moe_topk"]),
                 "expert_feed_forward_length": _uniform(cfg["moe_intermediate_size"]),
                 "expert_shared_feed_forward_length": cfg["intermediate_size"],
                 "expert_shared_count": _uniform(cfg["num_shared_expert"])}
    return _write(path, arch, cfg, keys, [])


def write_ernie(path: Path, cfg: dict[str, Any]) -> Path:
    """Ernie4_5Model / Ernie4_5MoeModel; the shared MLP's tensors are its one MLP of count x expert width."""
    keys: dict[str, Any] = {"feed_forward_length": cfg["intermediate_size"]}
    records: list[tuple[str, tuple[int, ...]]] = []
    h = cfg["hidden_size"]
    if cfg.get("use_bias"):
        records.append(("blk.0.attn_q.bias", (h,)))
    if cfg["model_type"] == "ernie4_5":
        return _write(path, "ernie4_5", cfg, keys, records)
    shared = cfg.get("moe_num_shared_experts") or 0
    keys |= {"expert_count": cfg["moe_num_experts"], "expert_used_count": cfg["moe_k"],
             "interleave_moe_layer_step": cfg["moe_layer_interval"],
             "leading_dense_block_count": cfg["moe_layer_start_index"],
             "expert_feed_forward_length": cfg["moe_intermediate_size"], "expert_shared_count": shared}
    if shared:
        width = cfg["intermediate_size"] // cfg["num_key_value_heads"]  # the converter's n_ff_shexp
        keys["expert_shared_feed_forward_length"] = width
        first = cfg["moe_layer_start_index"]
        records.append((f"blk.{first}.ffn_up_shexp.weight", (shared * cfg["moe_intermediate_size"], h)))
    return _write(path, "ernie4_5-moe", cfg, keys, records)


def write_gemma3n(path: Path, text: dict[str, Any]) -> Path:
    """Gemma3NModel.set_gguf_parameters over Gemma3Model's; tensors the reader reads widths from."""
    keys: dict[str, Any] = {
        "feed_forward_length": text["intermediate_size"],
        "attention.sliding_window": text["sliding_window"],
        "final_logit_softcapping": text["final_logit_softcapping"],
        "altup.active_idx": text["altup_active_idx"], "altup.num_inputs": text["altup_num_inputs"],
        "embedding_length_per_layer_input": text["hidden_size_per_layer_input"],
        "attention.shared_kv_layers": text["num_kv_shared_layers"],
        "activation_sparsity_scale": [NormalDist().inv_cdf(s) if s > 0 else float("-inf")
                                      for s in text["activation_sparsity_pattern"]],
        "attention.sliding_window_pattern": [t == "sliding_attention" for t in text["layer_types"]],
    }
    h, per_layer, layers = text["hidden_size"], text["hidden_size_per_layer_input"], text["num_hidden_layers"]
    records = [("blk.0.laurel_l.weight", (text["laurel_rank"], h)),
               # modify_tensors pads embed_tokens_per_layer from vocab_size_per_layer_input to vocab_size rows
               ("per_layer_token_embd.weight", (text["vocab_size"], layers * per_layer))]
    return _write(path, "gemma3n", {**text, "tie_word_embeddings": True}, keys, records)




def _reference(name: str) -> tuple[catalog.CatalogEntry, ModelSpec]:
    entry = catalog.get(name)
    assert entry is not None
    return entry, catalog.spec_for(entry)


@pytest.mark.parametrize("name", ["ERNIE-4.5-21B-A3B-PT", "ERNIE-4.5-300B-A47B-PT", "ERNIE-4.5-0.3B-PT"])
def test_ernie_header_sizes_like_the_safetensors_spec(tmp_path: Path, name: str) -> None:
    entry, reference = _reference(name)
    spec = spec_of_header(write_ernie(tmp_path / "m.gguf", dict(entry.model.config)))
    assert spec.model_type == reference.model_type
    assert not any("not one llmsize knows" in w for w in spec.warnings)
    assert total_params(spec) == total_params(reference)
    assert active_params(spec) == active_params(reference)
    assert spec.ffn_types == reference.ffn_types
    assert llama_cpp_cache(spec) == llama_cpp_cache(reference)


def test_ernie_21b_gguf_is_its_published_total(tmp_path: Path) -> None:
    """baidu/ERNIE-4.5-21B-A3B's Hub safetensors total 21,825,437,888 (model_specs/ernie.yaml): one dense
    block, 27 MoE blocks of 64 experts and two shared experts (one MLP of 2 x 1536), from a GGUF whose
    interleave_moe_layer_step / leading_dense_block_count say which blocks route."""
    entry, _ = _reference("ERNIE-4.5-21B-A3B-PT")
    spec = spec_of_header(write_ernie(tmp_path / "m.gguf", dict(entry.model.config)))
    assert spec.ffn_types is not None and spec.ffn_types.count("dense") == 1
    assert spec.shared_expert_intermediate_size == 3072
    assert total_params(spec) == 21_825_437_888 - entry.model.checkpoint_only_params


def test_hunyuan_moe_header_sizes_like_the_safetensors_spec(tmp_path: Path) -> None:
    entry, reference = _reference("Hunyuan-A13B-Instruct")
    spec = spec_of_header(write_hunyuan(tmp_path / "m.gguf", dict(entry.model.config)))
    assert spec.model_type == "hunyuan_v1_moe"
    assert (spec.num_experts, spec.num_experts_per_tok, spec.num_shared_experts) == (64, 8, 1)
    assert total_params(spec) == total_params(reference)
    assert active_params(spec) == active_params(reference)
    assert llama_cpp_cache(spec) == llama_cpp_cache(reference)
    assert spec.max_position_embeddings == 262144  # the converter's 256K for the alpha RoPE


def test_hunyuan_dense_is_read_as_its_own_block(tmp_path: Path) -> None:
    """Hunyuan-7B's widths (32 layers, 4096 wide, 32 / 8 heads of 128, MLP 14336, 128167 tokens, tied): the
    per-head q/k norms the HF class always builds count, and nothing says "Llama-like"."""
    cfg = {"model_type": "hunyuan_v1_dense", "hidden_size": 4096, "num_hidden_layers": 32,
           "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 14336,
           "vocab_size": 128167, "tie_word_embeddings": True, "max_position_embeddings": 32768,
           "torch_dtype": "bfloat16"}
    spec = spec_of_header(write_hunyuan(tmp_path / "m.gguf", cfg))
    hf = spec_from_config(cfg, name="hf", provenance=Provenance(kind=ProvenanceKind.LOCAL, source="t"),
                          where="t", trust_remote_code=True)
    assert spec.model_type == "hunyuan_v1_dense" and spec.qk_norm == "head"
    assert not any("Llama-like" in w for w in spec.warnings)
    assert total_params(spec) == total_params(hf)
    # embeddings + 32 x (attention 4096 x (4096 + 2 x 1024) x 2, q/k norms 2 x 128, MLP 3 x 4096 x 14336,
    # two norms 2 x 4096) + final norm
    per_layer = 2 * 4096 * (4096 + 1024) + 2 * 128 + 3 * 4096 * 14336 + 2 * 4096
    assert total_params(spec) == 128167 * 4096 + 32 * per_layer + 4096


@pytest.mark.parametrize("name", ["gemma-3n-E2B-it", "gemma-3n-E4B-it"])
def test_gemma3n_header_sizes_like_the_text_model(tmp_path: Path, name: str) -> None:
    """The GGUF holds the text decoder alone (towers go to the mmproj) with its per-layer table padded from
    262144 to 262400 rows: the catalog's decoder plus 256 x layers x 256."""
    entry, reference = _reference(name)
    text = dict(entry.model.config["text_config"])
    spec = spec_of_header(write_gemma3n(tmp_path / "m.gguf", text))
    layers = text["num_hidden_layers"]
    assert spec.model_type == "gemma3n_text" and spec.num_layers == layers
    assert (spec.altup_inputs, spec.laurel_rank, spec.per_layer_input_size) == (4, 64, 256)
    assert spec.kv_shared_layers == text["num_kv_shared_layers"]
    assert spec.layer_types == reference.layer_types
    assert spec.activation_sparse_layers == tuple(range(10))
    assert spec.per_layer_vocab_size == 262400
    decoder = total_params(reference) - reference.extra_params
    assert total_params(spec) == decoder + (262400 - 262144) * layers * 256
    assert llama_cpp_cache(spec) == llama_cpp_cache(reference)


def test_gemma3n_without_altup_keys_is_refused(tmp_path: Path) -> None:
    entry, _ = _reference("gemma-3n-E2B-it")
    text = dict(entry.model.config["text_config"])
    path = tmp_path / "m.gguf"
    w = gguf.GGUFWriter(str(path), "gemma3n")
    w.add_embedding_length(text["hidden_size"])
    w.add_block_count(text["num_hidden_layers"])
    w.add_head_count(8)
    write_header_only(w, [("token_embd.weight", (1000, text["hidden_size"]))])
    with pytest.raises(ConfigError, match="gemma3n GGUF lacks"):
        hf_config_from_header(read_header(path))


def _gemma3n_tensors(h: int, layers: int, kv: int, head: int, heads: int, ff: int, vocab: int, ple: int,
                     altup: int, rank: int) -> list[tuple[str, tuple[int, ...]]]:
    """Every tensor llama_model_gemma3n::load_arch_tensors creates (src/models/gemma3n.cpp), torch order."""
    out: list[tuple[str, tuple[int, ...]]] = [
        ("token_embd.weight", (vocab, h)), ("altup_proj.weight", (altup - 1, h, h)),
        ("altup_unembd_proj.weight", (altup - 1, h, h)),
        ("per_layer_token_embd.weight", (vocab, ple * layers)),
        ("per_layer_model_proj.weight", (ple * layers, h)), ("per_layer_proj_norm.weight", (ple,)),
        ("output_norm.weight", (h,)),
    ]
    for i in range(layers):  # k/v and k norm on every block, the KV-shared ones too
        b = f"blk.{i}."
        out += [(b + n, shape) for n, shape in (
            ("attn_norm.weight", (h,)), ("attn_q.weight", (heads * head, h)),
            ("attn_k.weight", (kv * head, h)), ("attn_v.weight", (kv * head, h)),
            ("attn_output.weight", (h, heads * head)), ("attn_q_norm.weight", (head,)),
            ("attn_k_norm.weight", (head,)), ("post_attention_norm.weight", (h,)),
            ("ffn_norm.weight", (h,)), ("ffn_gate.weight", (ff, h)), ("ffn_up.weight", (ff, h)),
            ("ffn_down.weight", (h, ff)), ("post_ffw_norm.weight", (h,)),
            ("inp_gate.weight", (ple, h)), ("proj.weight", (h, ple)), ("post_norm.weight", (h,)),
            ("altup_correct_coef.weight", (altup, altup)), ("altup_correct_scale.weight", (h,)),
            ("altup_predict_coef.weight", (altup * altup, altup)), ("altup_router.weight", (altup, h)),
            ("altup_router_norm.weight", (h,)), ("laurel_l.weight", (rank, h)),
            ("laurel_r.weight", (h, rank)), ("laurel_post_norm.weight", (h,)),
        )]
    return out


def test_gemma3n_file_with_every_loader_tensor_has_no_unexplained_parameters(tmp_path: Path) -> None:
    """A small gemma3n GGUF holding every tensor llama.cpp's loader requires (data included): the count
    from its metadata plus the KV-shared blocks' stored k/v/k-norm is the file's, so no mismatch warning."""
    import numpy as np

    from llmsize.specs.gguf_reader import spec_from_gguf

    h, layers, kv, head, heads, ff, vocab, ple, altup, rank, shared = 64, 6, 1, 32, 2, 128, 300, 16, 4, 8, 2
    path = tmp_path / "tiny-gemma3n.gguf"
    w = gguf.GGUFWriter(str(path), "gemma3n")
    w.add_context_length(4096)
    w.add_embedding_length(h)
    w.add_block_count(layers)
    w.add_head_count(heads)
    w.add_head_count_kv(kv)
    w.add_key_length(head)
    w.add_value_length(head)
    w.add_array("gemma3n.feed_forward_length", [ff] * layers)
    w.add_uint32("gemma3n.attention.sliding_window", 64)
    w.add_uint32("gemma3n.altup.active_idx", 0)
    w.add_uint32("gemma3n.altup.num_inputs", altup)
    w.add_uint32("gemma3n.embedding_length_per_layer_input", ple)
    w.add_uint32("gemma3n.attention.shared_kv_layers", shared)
    w.add_array("gemma3n.activation_sparsity_scale", [1.6448536] + [float("-inf")] * (layers - 1))
    w.add_array("gemma3n.attention.sliding_window_pattern", [True, True, False, True, True, False])
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    for name, shape in _gemma3n_tensors(h, layers, kv, head, heads, ff, vocab, ple, altup, rank):
        w.add_tensor(name, np.zeros(shape, dtype=np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    spec = spec_from_gguf(path)
    assert spec.checkpoint is not None
    stored_unused = shared * (2 * h * kv * head + head)  # wk, wv, attn_k_norm of blocks 4 and 5
    assert total_params(spec) + stored_unused == spec.checkpoint.total_params
    assert not any("accounts for" in w for w in spec.warnings)
    assert spec.activation_sparse_layers == (0,)
    assert spec.layer_types is not None and spec.layer_types[-1] == "full_attention"
