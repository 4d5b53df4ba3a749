"""DeepSeek Sparse Attention pages in vLLM and SGLang (engines/dsa_cache.py).

Expected bytes are written out from the engines' own layouts: SGLang NSATokenToKVPool (fp8 row of
512 fp8 + 4 fp32 scales + 64 bf16 RoPE values; uint8 indexer keys of 128 fp8 + one fp32 scale) and
vLLM's fp8_ds_mla / DeepseekV32IndexerCache, which use the same two rows.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines.registry import kv_bytes_per_token_layer
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

INDEXER = 128 + 4  # index_head_dim fp8 values + one fp32 scale per 128


@pytest.mark.parametrize("engine", ["sglang", "vllm"])
def test_fp8_cache_keeps_the_flashmla_row_and_uint8_indexer_keys(engine: str) -> None:
    spec = resolve("DeepSeek-V3.2")
    wl = Workload(engine=engine, kv_dtype="fp8", tp=8, num_gpus=8)
    assert kv_bytes_per_token_layer(spec, wl, "fp8") == 512 + 4 * 4 + 64 * 2 + INDEXER == 788


@pytest.mark.parametrize("engine", ["sglang", "vllm"])
def test_bf16_cache_keeps_the_latent_in_bf16_but_the_indexer_in_fp8(engine: str) -> None:
    spec = resolve("DeepSeek-V3.2")
    wl = Workload(engine=engine, tp=8, num_gpus=8)
    assert kv_bytes_per_token_layer(spec, wl, "bf16") == (512 + 64) * 2 + INDEXER


def test_transformers_keeps_the_indexer_key_in_the_compute_dtype() -> None:
    # cache_utils.DynamicIndexedLayer keeps indexer_keys as activations, unquantized.
    spec = resolve("DeepSeek-V3.2")
    eng = engine_for(Workload())
    assert eng.layer_kv_bytes(spec, Fraction(2), 1) == (512 + 64 + 128) * 2


def test_plain_mla_is_unchanged_by_the_dsa_rows() -> None:
    # DeepSeek-V3 (no indexer) keeps SGLang's MLATokenToKVPool row: 576 values of the cache dtype.
    spec = resolve("DeepSeek-V3")
    wl = Workload(engine="sglang", kv_dtype="fp8", tp=8, num_gpus=8)
    assert kv_bytes_per_token_layer(spec, wl, "fp8") == 576
