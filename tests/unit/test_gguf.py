"""GGUF headers: architecture metadata and exact per-tensor bytes, from small real files written here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import gguf
import numpy as np
import pytest

from llmsize.errors import ConfigError, ExitCode
from llmsize.specs.gguf_reader import hf_config_from_header, read_header, spec_from_gguf
from llmsize.specs.models import ProvenanceKind, QuantMethod
from llmsize.specs.params import total_params

Q = gguf.GGMLQuantizationType
H, HEADS, KV, HEAD_DIM, FFN, LAYERS, VOCAB, CTX = 256, 4, 2, 64, 512, 2, 320, 128


def _add(w: gguf.GGUFWriter, name: str, rows: int, cols: int, qtype: Q) -> None:
    """One weight of torch shape (rows, cols) stored as `qtype` (zeros: only the layout matters)."""
    if qtype == Q.F32:
        w.add_tensor(name, np.zeros((rows, cols) if rows > 1 else (cols,), dtype=np.float32))
    elif qtype == Q.F16:
        w.add_tensor(name, np.zeros((rows, cols), dtype=np.float16))
    elif qtype == Q.Q8_0:
        blocks = gguf.quants.quantize(np.zeros((rows, cols), dtype=np.float32), Q.Q8_0)
        w.add_tensor(name, blocks, raw_dtype=Q.Q8_0)
    else:  # K-quants: gguf-py cannot quantize them, so write their raw blocks
        block, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
        w.add_tensor(name, np.zeros((rows, cols // block * block_bytes), dtype=np.uint8), raw_dtype=qtype)


def write_llama_gguf(path: Path, *, tied: bool = False, file_type: gguf.LlamaFileType | None = None,
                     n_tokens: int = VOCAB, arch: str = "llama",
                     extra: Callable[[gguf.GGUFWriter], None] | None = None, split: int = 0) -> Path:
    """A tiny Llama as llama.cpp's converter lays it out, quantized like a Q4_K_M file.

    `split` > 0 writes gguf-split parts of at most that many tensors (<stem>-00001-of-0000N.gguf).
    """
    w = gguf.GGUFWriter(str(path), arch, split_max_tensors=split)
    w.add_block_count(LAYERS)
    w.add_embedding_length(H)
    w.add_feed_forward_length(FFN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV)
    w.add_context_length(CTX)
    if file_type is not None:
        w.add_file_type(file_type)
    w.add_tokenizer_model("llama")
    w.add_token_list([f"tok{i}" for i in range(n_tokens)])
    if extra:
        extra(w)
    _add(w, "token_embd.weight", VOCAB, H, Q.F16)
    _add(w, "output_norm.weight", 1, H, Q.F32)
    if not tied:
        _add(w, "output.weight", VOCAB, H, Q.Q8_0)
    for i in range(LAYERS):
        _add(w, f"blk.{i}.attn_norm.weight", 1, H, Q.F32)
        _add(w, f"blk.{i}.attn_q.weight", HEADS * HEAD_DIM, H, Q.Q8_0)
        _add(w, f"blk.{i}.attn_k.weight", KV * HEAD_DIM, H, Q.Q8_0)
        _add(w, f"blk.{i}.attn_v.weight", KV * HEAD_DIM, H, Q.Q8_0)
        _add(w, f"blk.{i}.attn_output.weight", H, HEADS * HEAD_DIM, Q.Q8_0)
        _add(w, f"blk.{i}.ffn_norm.weight", 1, H, Q.F32)
        _add(w, f"blk.{i}.ffn_gate.weight", FFN, H, Q.Q4_K)
        _add(w, f"blk.{i}.ffn_up.weight", FFN, H, Q.Q4_K)
        _add(w, f"blk.{i}.ffn_down.weight", H, FFN, Q.Q6_K)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


# Expected bytes from ggml's block layouts (ggml/src/ggml-common.h, https://github.com/ggml-org/ggml):
# block_q8_0 = 34 bytes per 32 values, block_q4_K = 144 bytes per 256, block_q6_K = 210 bytes per 256;
# F16 2 bytes and F32 4 bytes per value.
Q8_0_BYTES = {(r, c): r * c // 32 * 34 for r, c in ((256, 256), (128, 256), (320, 256))}
LAYER_BYTES = (
    2 * 256 * 4                      # attn_norm, ffn_norm (F32)
    + 2 * Q8_0_BYTES[(256, 256)]     # attn_q, attn_output
    + 2 * Q8_0_BYTES[(128, 256)]     # attn_k, attn_v
    + 2 * 512 * 256 // 256 * 144     # ffn_gate, ffn_up (Q4_K)
    + 256 * 512 // 256 * 210         # ffn_down (Q6_K)
)
EMBED_BYTES = 320 * 256 * 2          # token_embd (F16)
OUTPUT_BYTES = Q8_0_BYTES[(320, 256)]
TOTAL_BYTES = EMBED_BYTES + 256 * 4 + OUTPUT_BYTES + 2 * LAYER_BYTES
# Parameters: the same count the HF Llama layout gives for these dims (embed + head + norm + 2 blocks).
LAYER_PARAMS = 2 * 256 + 2 * 256 * 256 + 2 * 128 * 256 + 3 * 512 * 256
TOTAL_PARAMS = 2 * 320 * 256 + 256 + 2 * LAYER_PARAMS


def test_architecture_and_exact_bytes(tmp_path: Path) -> None:
    path = write_llama_gguf(tmp_path / "tiny-llama.Q4_K_M.gguf", file_type=gguf.LlamaFileType.MOSTLY_Q4_K_M)
    spec = spec_from_gguf(path)
    assert spec.model_type == "llama"
    assert (spec.num_layers, spec.hidden_size, spec.num_attention_heads, spec.num_kv_heads) == (2, 256, 4, 2)
    assert (spec.head_dim, spec.intermediate_size, spec.vocab_size, spec.max_position_embeddings) == (
        64, 512, 320, 128)
    assert spec.tie_word_embeddings is False
    ckpt = spec.checkpoint
    assert ckpt is not None and ckpt.format == "gguf"
    assert ckpt.total_bytes == TOTAL_BYTES == 1_183_744
    assert ckpt.total_params == TOTAL_PARAMS == total_params(spec)
    assert ckpt.params_by_dtype == {
        "F16": 320 * 256, "F32": 5 * 256, "Q4_K": 4 * 512 * 256, "Q6_K": 2 * 256 * 512,
        "Q8_0": 320 * 256 + 2 * (2 * 256 * 256 + 2 * 128 * 256),
    }
    by_name = {t.name: t for t in ckpt.tensors}
    assert by_name["blk.0.ffn_down.weight"].shape == (256, 512)  # PyTorch order (out, in)
    assert by_name["blk.0.ffn_down.weight"].dtype == "Q6_K"
    assert by_name["blk.1.attn_k.weight"].n_bytes == 128 * 256 // 32 * 34
    assert spec.weight_format.quant == QuantMethod.GGUF
    assert spec.weight_format.gguf_type == "Q4_K_M"
    assert spec.weight_format.bits == round(8 * TOTAL_BYTES / TOTAL_PARAMS, 2)
    assert spec.provenance.kind == ProvenanceKind.GGUF
    assert spec.provenance.source == str(path.resolve())
    assert "GGUF header" in spec.provenance.describe()
    assert not spec.warnings


def test_agrees_with_gguf_reader(tmp_path: Path) -> None:
    """The fast header walk and gguf-py's GGUFReader see the same tensors and metadata."""
    path = write_llama_gguf(tmp_path / "m.gguf", file_type=gguf.LlamaFileType.MOSTLY_Q4_K_M)
    ours = read_header(path)
    theirs = gguf.GGUFReader(path)
    assert [(t.name, Q(t.ggml_type).name, t.shape) for t in ours.tensors] == [
        (t.name, t.tensor_type.name, tuple(int(d) for d in t.shape)) for t in theirs.tensors
    ]
    assert [t.offset for t in ours.tensors] == [t.data_offset - theirs.data_offset for t in theirs.tensors]
    assert ours.data_start == theirs.data_offset
    ckpt = spec_from_gguf(path).checkpoint
    assert ckpt is not None
    assert [t.n_bytes for t in ckpt.tensors] == [int(t.n_bytes) for t in theirs.tensors]
    for key, field in theirs.fields.items():
        if key.startswith("GGUF.") or field.types[0] == gguf.GGUFValueType.ARRAY:
            continue
        assert ours.metadata[key] == field.contents(), key
    assert ours.metadata["tokenizer.ggml.tokens"].count == VOCAB


def test_tied_embeddings_when_there_is_no_output_tensor(tmp_path: Path) -> None:
    spec = spec_from_gguf(write_llama_gguf(tmp_path / "m.gguf", tied=True))
    assert spec.tie_word_embeddings is True
    assert spec.checkpoint is not None
    assert spec.checkpoint.total_params == TOTAL_PARAMS - 320 * 256 == total_params(spec)


def test_file_type_is_guessed_from_the_tensors_when_absent(tmp_path: Path) -> None:
    spec = spec_from_gguf(write_llama_gguf(tmp_path / "m.gguf"))
    # Q4_K holds the most parameters (4 x 512 x 256); llama-quantize names that file type Q4_K_M
    # ("Q4_K: alias for Q4_K_M", tools/quantize/quantize.cpp QUANT_OPTIONS)
    assert spec.weight_format.gguf_type == "Q4_K_M"


def test_long_token_list_is_skipped_and_vocab_comes_from_the_embedding(tmp_path: Path) -> None:
    spec = spec_from_gguf(write_llama_gguf(tmp_path / "m.gguf", n_tokens=5000))
    assert spec.vocab_size == VOCAB  # token_embd rows, the weights that exist
    header = read_header(tmp_path / "m.gguf")
    assert header.metadata["tokenizer.ggml.tokens"].count == 5000
    assert header.metadata["tokenizer.ggml.tokens"].items is None


def test_split_model_counts_every_part_from_any_part(tmp_path: Path) -> None:
    write_llama_gguf(tmp_path / "tiny.gguf", file_type=gguf.LlamaFileType.MOSTLY_Q4_K_M, split=8)
    parts = sorted(tmp_path.glob("tiny-*-of-*.gguf"))
    assert [p.name for p in parts] == ["tiny-00001-of-00003.gguf", "tiny-00002-of-00003.gguf",
                                       "tiny-00003-of-00003.gguf"]
    for part in (parts[0], parts[2]):
        spec = spec_from_gguf(part)
        assert spec.name == "tiny"
        assert spec.checkpoint is not None
        assert spec.checkpoint.total_bytes == TOTAL_BYTES
        assert spec.checkpoint.total_params == TOTAL_PARAMS == total_params(spec)
        assert spec.weight_format.gguf_type == "Q4_K_M"
        assert not spec.warnings


def test_split_model_with_a_missing_part(tmp_path: Path) -> None:
    write_llama_gguf(tmp_path / "tiny.gguf", split=8)
    (tmp_path / "tiny-00003-of-00003.gguf").unlink()
    spec = spec_from_gguf(tmp_path / "tiny-00001-of-00003.gguf")
    assert spec.checkpoint is not None and spec.checkpoint.total_bytes < TOTAL_BYTES
    assert any("1 of 3 parts" in w for w in spec.warnings)
    (tmp_path / "tiny-00001-of-00003.gguf").unlink()
    _bad(tmp_path / "tiny-00002-of-00003.gguf", "first part tiny-00001-of-00003.gguf is missing")


def test_moe_metadata_maps_to_hf_fields(tmp_path: Path) -> None:
    def moe(w: gguf.GGUFWriter) -> None:
        w.add_expert_count(8)
        w.add_expert_used_count(2)
        w.add_expert_feed_forward_length(128)

    header = read_header(write_llama_gguf(tmp_path / "m.gguf", arch="qwen3moe", extra=moe))
    config = hf_config_from_header(header)
    assert config["model_type"] == "qwen3_moe"
    assert config["num_experts"] == 8
    assert (config["num_experts_per_tok"], config["moe_intermediate_size"]) == (2, 128)
    header = read_header(write_llama_gguf(tmp_path / "x.gguf", extra=moe))
    assert hf_config_from_header(header)["model_type"] == "mixtral"  # llama.cpp files Mixtral as llama


def test_mla_metadata_maps_to_hf_fields(tmp_path: Path) -> None:
    # DeepSeek-V3 dims (https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/config.json) as the
    # current converter writes them: absorbed key/value lengths plus the HF dims under *_mla.
    def mla(w: gguf.GGUFWriter) -> None:
        w.add_q_lora_rank(1536)
        w.add_kv_lora_rank(512)
        w.add_rope_dimension_count(64)
        w.add_key_length(512 + 64)
        w.add_value_length(512)
        w.add_key_length_mla(192)
        w.add_value_length_mla(128)
        w.add_expert_count(256)
        w.add_expert_used_count(8)
        w.add_expert_gating_func(gguf.ExpertGatingFuncType.SIGMOID)

    path = write_llama_gguf(tmp_path / "m.gguf", arch="deepseek2", extra=mla)
    config = hf_config_from_header(read_header(path))
    assert config["model_type"] == "deepseek_v3"
    assert (config["q_lora_rank"], config["kv_lora_rank"]) == (1536, 512)
    assert (config["qk_rope_head_dim"], config["qk_nope_head_dim"], config["v_head_dim"]) == (64, 128, 128)
    assert "head_dim" not in config


def test_bias_tensors_set_attention_bias(tmp_path: Path) -> None:
    def bias(w: gguf.GGUFWriter) -> None:
        w.add_tensor("blk.0.attn_q.bias", np.zeros(256, dtype=np.float32))

    path = write_llama_gguf(tmp_path / "m.gguf", arch="qwen2", extra=bias)
    config = hf_config_from_header(read_header(path))
    assert config["model_type"] == "qwen2"
    assert config["attention_bias"] is True


# --------------------------------------------------------------------------------------- bad input


def _bad(path: Path, match: str) -> None:
    with pytest.raises(ConfigError, match=match) as err:
        spec_from_gguf(path)
    assert err.value.exit_code == ExitCode.BAD_INPUT
    assert "\n" not in str(err.value)


def test_text_file_named_gguf(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_text("this is not a gguf file, just some text that is long enough")
    _bad(path, "not a GGUF file")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"")
    _bad(path, "not a GGUF file")


def test_truncated_tensor_data(tmp_path: Path) -> None:
    path = write_llama_gguf(tmp_path / "m.gguf")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) - 1000])
    _bad(path, "truncated")


def test_truncated_header(tmp_path: Path) -> None:
    path = write_llama_gguf(tmp_path / "m.gguf")
    path.write_bytes(path.read_bytes()[:200])
    _bad(path, "truncated")


def test_unsupported_version(tmp_path: Path) -> None:
    path = write_llama_gguf(tmp_path / "m.gguf")
    raw = bytearray(path.read_bytes())
    raw[4:8] = (7).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    _bad(path, "version 7")


def test_metadata_without_architecture(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_tensor("token_embd.weight", np.zeros((4, 32), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    _bad(path, "lacks")
