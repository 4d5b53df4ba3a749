"""KV cache: GQA, MLA latent, sliding windows per engine, KV dtypes, numpy grids."""

from __future__ import annotations

import numpy as np
import pytest

from llmsize.errors import BadInputError
from llmsize.estimate import kv_cache as kv
from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Engine, Workload
from llmsize.specs.models import ModelSpec, Provenance
from llmsize.specs.resolve import resolve
from spec_factories import llama3_8b

PROV = Provenance(kind="catalog", source="test")


_llama8b = llama3_8b


def _all(spec: ModelSpec) -> range:
    return range(spec.num_layers)


def test_gqa_cache_is_128_kib_per_token_for_llama_3_8b() -> None:
    spec = _llama8b()
    # 2 (K, V) x 32 layers x 8 KV heads x 128 head_dim x 2 bytes = 131,072 B per token
    assert kv.kv_cache_bytes(spec, Workload(context=1), "bf16", _all(spec)) == 131_072
    assert kv.kv_cache_bytes(spec, Workload(context=8192, batch=4), "bf16", _all(spec)) == 131_072 * 8192 * 4
    assert kv.kv_cache_bytes(spec, Workload(context=1000), "fp8", _all(spec)) == 65_536 * 1000


def test_mla_caches_the_latent_once() -> None:
    spec = resolve("DeepSeek-V2-Lite")
    # kv_lora_rank 512 + qk_rope_head_dim 64 per layer and token (DeepSeek-V2-Lite config.json), 27 layers
    assert spec.kv_lora_rank == 512 and spec.qk_rope_head_dim == 64 and spec.num_layers == 27
    assert kv.kv_cache_bytes(spec, Workload(context=10), "bf16", _all(spec)) == 27 * 576 * 2 * 10
    # tensor parallelism replicates the latent on every rank
    wl = Workload(context=10, tp=2, num_gpus=2, engine="vllm")
    assert kv.kv_cache_bytes(spec, wl, "bf16", _all(spec)) == 27 * 576 * 2 * 16  # one 16-token page


def test_transformers_sliding_window_keeps_the_prompt_until_decoding() -> None:
    spec = resolve("Mistral-7B-v0.1")  # sliding_window 4096 on all 32 layers
    per_token = 2 * 32 * 8 * 128 * 2
    layers = _all(spec)
    prefill_only = Workload(context=10_000)
    assert kv.kv_cache_bytes(spec, prefill_only, "bf16", layers) == per_token * 10_000
    decoding = Workload(context=10_000, prompt_tokens=9_000)
    assert kv.kv_cache_bytes(spec, decoding, "bf16", layers) == per_token * 4096
    short = Workload(context=2000, prompt_tokens=1000)
    assert kv.kv_cache_bytes(spec, short, "bf16", layers) == per_token * 2000


def test_interleaved_windows_count_each_kind() -> None:
    spec = resolve("gemma-2-9b")  # 42 layers alternating sliding (4096) and global
    assert spec.layer_types is not None
    n_sliding = spec.layer_types.count("sliding_attention")
    per_layer = 2 * spec.num_kv_heads * spec.head_dim * 2
    wl = Workload(context=8192, prompt_tokens=100, engine="vllm")
    # vLLM reserves a sliding layer's window - 1 + one step's batched tokens (capped at the context), in
    # 16-token blocks, + 1 block the window straddles (kv_cache_interface.py SlidingWindowSpec
    # max_memory_usage_bytes); global layers hold the context.
    batched = engine_for(wl).batched_tokens()
    sliding = (-(-min(4096 - 1 + batched, 8192) // 16) + 1) * 16
    expected = per_layer * (n_sliding * sliding + (42 - n_sliding) * 8192)
    assert kv.kv_cache_bytes(spec, wl, "bf16", _all(spec)) == expected


def test_vllm_pages_and_llama_cpp_cells() -> None:
    spec = _llama8b()
    assert kv.kv_cache_bytes(spec, Workload(context=17, engine="vllm"), "bf16", _all(spec)) == 131_072 * 32
    # llama.cpp allocates the whole context of every sequence up front, padded to 256 cells
    wl = Workload(context=1000, batch=2, engine="llama.cpp")
    assert kv.kv_cache_bytes(spec, wl, "fp16", _all(spec)) == 131_072 * 2048
    q8 = kv.kv_cache_bytes(spec, Workload(context=1024, engine="llama.cpp"), "q8_0", _all(spec))
    assert q8 == 2 * 32 * 8 * (128 // 32 * 34) * 1024  # block_q8_0: 34 bytes per 32 values


def test_llama_cpp_swa_cache_size() -> None:
    spec = resolve("gemma-2-9b")
    assert spec.layer_types is not None
    n_sliding = spec.layer_types.count("sliding_attention")
    per_layer = 2 * spec.num_kv_heads * spec.head_dim * 2
    wl = Workload(context=32768, engine="llama.cpp")
    swa_cells = 4096 + 512  # n_swa x sequences + n_ubatch, padded to 256 (llama-kv-cache-iswa.cpp)
    expected = per_layer * (n_sliding * swa_cells + (42 - n_sliding) * 32768)
    assert kv.kv_cache_bytes(spec, wl, "fp16", _all(spec)) == expected


def test_tp_splits_kv_heads() -> None:
    spec = _llama8b()
    wl = Workload(context=100, tp=4, num_gpus=4)
    assert kv.kv_cache_bytes(spec, wl, "bf16", _all(spec)) == 131_072 * 100 // 4


def test_kv_dtype_must_suit_the_engine() -> None:
    spec = _llama8b()
    with pytest.raises(BadInputError, match="not available with --engine vllm"):
        kv.kv_cache_bytes(spec, Workload(engine="vllm"), "int4", _all(spec))
    with pytest.raises(BadInputError, match=r"llama\.cpp"):
        kv.kv_cache_bytes(spec, Workload(engine="llama.cpp"), "fp8", _all(spec))
    with pytest.raises(BadInputError, match="transformers"):
        kv.kv_cache_bytes(spec, Workload(), "q4_0", _all(spec))


def test_transformers_quantized_cache_adds_group_metadata() -> None:
    spec = _llama8b()
    int4 = kv.kv_cache_bytes(spec, Workload(context=1024), "int4", _all(spec))
    # 4 bits per value + a fp16 scale and zero point per 64 values (quanto/HQQ, q_group_size 64)
    assert int4 == 2 * 32 * 8 * 128 * 1024 * (0.5 + 4 / 64)


def test_training_has_no_cache() -> None:
    assert kv.kv_cache_bytes(_llama8b(), Workload(mode="full"), "bf16", range(32)) == 0


def test_numpy_grids_match_scalars() -> None:
    spec = resolve("gemma-2-9b")
    contexts = np.array([128, 4096, 5000, 32768])
    batches = np.array([1, 2, 8])
    c, b = np.meshgrid(contexts, batches)
    for engine in Engine:
        dtype = "fp16"
        wl = Workload(engine=engine)
        grid = kv.kv_cache_bytes(spec, wl, dtype, _all(spec), tokens=c, batch=b)
        for (i, j), value in np.ndenumerate(grid):
            single = Workload(context=int(c[i, j]), batch=int(b[i, j]), engine=engine)
            assert value == kv.kv_cache_bytes(spec, single, dtype, _all(spec))


def test_transformers_storage_rule_matches_dynamic_sliding_window_layer() -> None:
    """The rule above, checked against transformers' own cache layer (storage, not the view)."""
    torch = pytest.importorskip("torch")
    cache_utils = pytest.importorskip("transformers.cache_utils")
    window, prompt = 8, 20
    layer = cache_utils.DynamicSlidingWindowLayer(sliding_window=window)
    layer.update(torch.zeros(1, 1, prompt, 4), torch.zeros(1, 1, prompt, 4))
    per_token = 4 * 4  # head_dim 4, fp32

    def stored() -> int:
        return int(layer.keys.untyped_storage().nbytes() // per_token)

    assert stored() == kv.tokens_held(window, prompt, prompt, Engine.TRANSFORMERS) == prompt
    for total in range(prompt + 1, prompt + 4):
        layer.update(torch.zeros(1, 1, 1, 4), torch.zeros(1, 1, 1, 4))
        assert stored() == kv.tokens_held(window, total, prompt, Engine.TRANSFORMERS) == window


def test_falcon_40b_caches_kv_broadcast_to_every_query_head_in_transformers_only() -> None:
    # falcon-40b config.json (model_specs/falcon.yaml): 60 layers, 128 heads of 64, num_kv_heads 8,
    # new_decoder_architecture. transformers' FalconAttention broadcasts K/V to the 128 query heads
    # before layer_past.update (modeling_falcon.py, torch.broadcast_to(key, query.shape)).
    spec = resolve("falcon-40b")
    hf = Workload(context=1000, batch=1, kv_dtype="bf16")
    assert kv.kv_cache_bytes(spec, hf, "bf16", _all(spec)) == 2 * 60 * 128 * 64 * 2 * 1000
    vllm = Workload(context=1008, batch=1, kv_dtype="bf16", engine=Engine.VLLM)
    assert kv.kv_cache_bytes(spec, vllm, "bf16", _all(spec)) == 2 * 60 * 8 * 64 * 2 * 1008


def test_falcon_7b_multi_query_caches_its_single_kv_head() -> None:
    # falcon-7b config.json (model_specs/falcon.yaml): 32 layers, 71 heads of 64, multi_query (1 K/V head)
    spec = resolve("falcon-7b")
    wl = Workload(context=1000, batch=1, kv_dtype="bf16")
    assert kv.kv_cache_bytes(spec, wl, "bf16", _all(spec)) == 2 * 32 * 1 * 64 * 2 * 1000
