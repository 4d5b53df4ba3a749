"""Llama-Nemotron NAS (model_type nemotron-nas): per-block attention and MLP from `block_configs`.

transformers has no DeciLM modeling code (the Hub's is remote code), so the rules are checked against
hand counts of the tensors vLLM's DeciLMDecoderLayer builds (model_executor/models/nemotron_nas.py):
q/k/v/o only where attention is kept, a gated MLP of _ffn_mult_to_intermediate_size(ffn_mult) only
where the FFN is kept, and one RMSNorm before each kept sublayer.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize import Workload, estimate, resolve
from llmsize.errors import ConfigError
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.hf_config.nemotron_nas import ffn_width
from llmsize.specs.models import Provenance, ProvenanceKind
from llmsize.specs.params import total_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="test")
H, HEADS, VOCAB = 256, 8, 1000


def _config(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "architectures": ["DeciLMForCausalLM"],
        "model_type": "nemotron-nas",
        "hidden_size": H,
        "num_attention_heads": HEADS,
        "num_hidden_layers": len(blocks),
        "vocab_size": VOCAB,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
        "block_configs": blocks,
    }


FULL = {"attention": {"n_heads_in_group": 4}, "ffn": {"ffn_mult": 2.0}}
FFN_ONLY = {"attention": {"no_op": True}, "ffn": {"ffn_mult": 1.0}}
EMPTY = {"attention": {"no_op": True}, "ffn": {"no_op": True}}


def test_ffn_mult_rounds_two_thirds_of_the_width_up_to_256() -> None:
    # Llama 3.3 70B's MLP: ffn_mult 5.25 at hidden 8192 is 28672; Super 49B's narrow blocks 1.3125 -> 7168
    assert ffn_width(5.25, 8192) == 28672
    assert ffn_width(1.3125, 8192) == 7168
    assert ffn_width(1.0, 256) == 256  # int(170.67) = 170 -> next multiple of 256


def test_each_block_holds_only_what_it_keeps() -> None:
    spec = spec_from_hf_config(_config([FULL, FFN_ONLY, EMPTY]), name="t", provenance=PROV)
    assert spec.num_layers == 2  # the empty block holds nothing and is left out
    assert spec.layer_types == ("full_attention", "none")
    assert spec.num_kv_heads == HEADS // 4
    head_dim = H // HEADS
    attention = H * HEADS * head_dim + 2 * H * (HEADS // 4) * head_dim + HEADS * head_dim * H
    mlps = 3 * H * ffn_width(2.0, H) + 3 * H * ffn_width(1.0, H)
    norms = 3 * H + H  # input + post-attention norms of block 0, post-attention of block 1; final norm
    assert total_params(spec) == 2 * VOCAB * H + attention + mlps + norms


def test_only_attention_blocks_cache_keys_and_values() -> None:
    spec = spec_from_hf_config(_config([FULL, FFN_ONLY, FULL, EMPTY]), name="t", provenance=PROV)
    wl = Workload(context=1000)
    per_token = 2 * (HEADS // 4) * (H // HEADS) * 2  # K and V, bf16
    assert estimate(spec, wl).kv_cache_bytes == 2 * per_token * 1000


def test_super_49b_caches_49_of_its_80_blocks() -> None:
    # NVIDIA's config (NeMo llama_nemotron_config.py): 31 of the 80 blocks have attention no_op;
    # the others keep 64 query / 8 KV heads of 128
    spec = resolve("Llama-3.3-Nemotron-Super-49B-v1")
    assert spec.num_layers == 80
    assert sum(spec.has_kv(i) for i in range(80)) == 49
    wl = Workload(context=32768)
    assert estimate(spec, wl).kv_cache_bytes == 49 * 2 * 8 * 128 * 2 * 32768


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"attention": {"replace_with_linear": True}, "ffn": {"ffn_mult": 1.0}}, "replace_with_linear"),
        ({"attention": {"n_heads_in_group": 3}, "ffn": {"ffn_mult": 1.0}}, "n_heads_in_group"),
        ({"attention": {"no_op": True}, "ffn": {}}, "ffn_mult"),
        ({"ffn": {"ffn_mult": 1.0}}, "'attention'"),
    ],
)
def test_a_block_llmsize_cannot_read_is_refused_with_its_index(block: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        spec_from_hf_config(_config([FULL, block]), name="t", provenance=PROV)


def test_blocks_with_different_kv_heads_are_refused_not_averaged() -> None:
    other = {"attention": {"n_heads_in_group": 2}, "ffn": {"ffn_mult": 1.0}}
    with pytest.raises(ConfigError, match="KV heads"):
        spec_from_hf_config(_config([FULL, other]), name="t", provenance=PROV)


def test_only_empty_blocks_is_refused() -> None:
    with pytest.raises(ConfigError, match="only empty"):
        spec_from_hf_config(_config([EMPTY]), name="t", provenance=PROV)
