"""FP4 KV caches: vLLM's NVFP4 (E2M1 + one E4M3 scale per 16) and SGLang's fp4_e2m1 (one E8M0 per 16).

Sources: vllm/config/cache.py CacheDType lists "nvfp4" and "nvfp4_4over6" (the same layout, another
choice of scale); vllm-project/vllm PR #40177 wires the cache through FlashInfer's trtllm-gen kernels;
PR #37192 gives the page arithmetic: a 16-token block of 8 KV heads x 128 is 65,536 bytes in bf16
and 18,432 bytes in NVFP4, i.e. head_size/2 bytes of values + head_size/16 bytes of scales per head.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate import kv_cache as kv
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import load_catalog
from llmsize.preflight.check import run_check
from llmsize.preflight.launch import parse_launch
from llmsize.specs.resolve import resolve
from llmsize.units import BYTES_PER_ELEMENT
from spec_factories import llama3_8b


def _page_bytes(element: Fraction, tokens: int = 16, heads: int = 8, head_size: int = 128) -> Fraction:
    return 2 * tokens * heads * head_size * element  # K and V


def test_page_matches_the_published_nvfp4_page() -> None:
    # PR #37192: 65,536 bytes per bf16 page, 18,432 per NVFP4 page (16 tokens, 8 heads, head 128).
    assert _page_bytes(BYTES_PER_ELEMENT["bf16"]) == 65_536
    assert _page_bytes(BYTES_PER_ELEMENT["nvfp4"]) == 18_432
    # head_size/2 + head_size/16 bytes per head (FlexKV PR #204's description of vLLM's packed row)
    assert BYTES_PER_ELEMENT["nvfp4"] * 128 == 128 // 2 + 128 // 16


def test_vllm_cache_is_9_32_of_bf16() -> None:
    spec = llama3_8b()
    layers = range(spec.num_layers)
    wl = Workload(context=32768, engine="vllm", kv_dtype="nvfp4")
    nvfp4 = kv.kv_cache_bytes(spec, wl, "nvfp4", layers)
    bf16 = kv.kv_cache_bytes(spec, wl.model_copy(update={"kv_dtype": None}), "bf16", layers)
    assert Fraction(nvfp4, bf16) == Fraction(9, 32)
    # 32 layers x 2 x 8 heads x (64 + 8) bytes = 36,864 bytes a token
    assert nvfp4 == 32 * 2 * 8 * 72 * 32768


def test_other_engines_and_mla_refuse_it() -> None:
    spec = llama3_8b()
    with pytest.raises(BadInputError, match="not available with --engine transformers"):
        kv.kv_cache_bytes(spec, Workload(context=16, kv_dtype="nvfp4"), "nvfp4", range(spec.num_layers))
    mla = resolve("DeepSeek-V2-Lite")
    with pytest.raises(BadInputError, match="nvfp4_ds_mla"):
        kv.kv_cache_bytes(
            mla, Workload(context=16, engine="vllm", kv_dtype="nvfp4"), "nvfp4", range(mla.num_layers)
        )


@pytest.mark.parametrize("flag", ["nvfp4", "nvfp4_4over6"])
def test_launch_flag_is_read(flag: str) -> None:
    gpu = load_catalog().get("B200")
    command = f"vllm serve meta-llama/Llama-3.1-8B-Instruct --kv-cache-dtype {flag} --max-model-len 32768"
    result = run_check(parse_launch(command), gpu)
    assert result.fits
    assert str(result.workload.kv_dtype) == "nvfp4"


def test_sglang_fp4_pool_is_nibbles_plus_one_scale_byte_per_16() -> None:
    # SGLang memory_pool.py MHATokenToKVPoolFP4: k_buffer (tokens, heads, head_dim // 2) uint8 and
    # k_scale_buffer (tokens, heads * head_dim // 16) uint8, the same again for V.
    heads, head_dim = 8, 128
    per_token_layer = 2 * (heads * head_dim // 2 + heads * head_dim // 16)
    assert BYTES_PER_ELEMENT["fp4_e2m1"] * 2 * heads * head_dim == per_token_layer
    spec = llama3_8b()
    wl = Workload(context=4096, engine="sglang", kv_dtype="fp4_e2m1")
    assert kv.kv_cache_bytes(spec, wl, "fp4_e2m1", range(spec.num_layers)) == 32 * per_token_layer * 4096
    with pytest.raises(BadInputError, match="not available with --engine vllm"):
        kv.kv_cache_bytes(spec, Workload(context=16, engine="vllm"), "fp4_e2m1", range(spec.num_layers))
    # and DeepSeek-V2-Lite's MLA latent (MLATokenToKVPoolFP4): (512 + 64) / 2 + 576 / 16 bytes a layer
    mla = resolve("DeepSeek-V2-Lite")
    got = kv.kv_cache_bytes(mla, Workload(context=10, engine="sglang"), "fp4_e2m1", range(mla.num_layers))
    assert got == 27 * (576 // 2 + 576 // 16) * 10


def test_sglang_0523_fp4_recipes() -> None:
    # SGLang 0.5.23 (arg_groups/fields/model.py) names the block-16 recipe fp4_mx_block16 and adds
    # nvfp4; fp4_kv_cache_quant_method.py compute_cell_size: heads x head_dim / 2 data bytes + one
    # scale byte per 16 values, for K and V.
    gpu = load_catalog().get("B200")
    command = (
        "python -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct "
        "--kv-cache-dtype fp4_mx_block16 --context-length 32768"
    )
    assert str(run_check(parse_launch(command), gpu).workload.kv_dtype) == "fp4_e2m1"
    spec = llama3_8b()
    wl = Workload(context=4096, engine="sglang", kv_dtype="nvfp4")
    per_token_layer = 2 * (8 * 128 // 2 + 8 * 128 // 16)
    assert kv.kv_cache_bytes(spec, wl, "nvfp4", range(spec.num_layers)) == 32 * per_token_layer * 4096
