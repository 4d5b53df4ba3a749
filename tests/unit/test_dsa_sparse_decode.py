"""DeepSeek Sparse Attention decode on vLLM / SGLang: every index key, the latent of top-k tokens only.

The per-token rows are the engines' own (estimate/engines/dsa_cache.py): 656 B fp8_ds_mla latent +
132 B index key a layer, as SGLang's "KV size: 43.67 GB" for 975,424 tokens x 61 layers prints
(sgl-project/sglang#11309).
"""

from __future__ import annotations

from fractions import Fraction

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import dsa_cache
from llmsize.estimate.workload import Workload
from llmsize.hardware.plan import speed_inputs
from llmsize.specs.resolve import resolve


def _curve(engine: str, context: int, kv: str | None = None) -> dict[int, float]:
    spec = resolve("DeepSeek-V3.2")
    data: dict[str, object] = {"engine": engine, "context": context, "batch": 1}
    if kv:
        data["kv_dtype"] = kv
    wl = Workload.model_validate(data)
    return dict(speed_inputs(spec, wl, estimate(spec, wl), engine=engine).kv_read_curve)


def test_fp8_step_reads_every_index_key_and_topk_latent_rows() -> None:
    spec = resolve("DeepSeek-V3.2")
    # 43.67 GiB / (975,424 tokens x 61 layers) = 788 B = 656 latent + 132 index key (sglang#11309)
    assert dsa_cache.layer_bytes(spec, Fraction(1)) == 788
    assert dsa_cache.decode_read_bytes(spec, Fraction(1), 131072, 2048) == 132 * 131072 + 656 * 2048
    assert dsa_cache.decode_read_bytes(spec, Fraction(1), 1000, 2048) == 788 * 1000  # below top-k: all


def test_serving_engines_read_a_bounded_latent_at_long_context() -> None:
    for engine in ("vllm", "sglang"):
        curve = _curve(engine, 131072)
        long, short = curve[131072], curve[2048]
        # 64x the tokens: the index keys (132 B) grow 64x, the latent rows (656 B fp8 / 1152 B bf16)
        # stay at 2048 tokens: 7.5x (bf16) to 11.6x (fp8) where a dense read would grow 64x
        assert 7 < long / short < 12, engine


def test_dense_engines_still_read_the_whole_latent() -> None:
    curve = _curve("transformers", 131072)
    assert curve[131072] / curve[2048] > 60



def _prompt_flops(engine: str, prompt: int) -> float:
    spec = resolve("DeepSeek-V3.2")
    wl = Workload.model_validate({"engine": engine, "context": prompt + 128, "prompt_tokens": prompt})
    return speed_inputs(spec, wl, estimate(spec, wl), engine=engine).attention_flops_prefill


def test_long_prompts_score_topk_keys_a_query_plus_the_indexer() -> None:
    # past 2048 tokens the latent attention grows linearly and only the fp8 indexer quadratically:
    # doubling a 64k prompt costs well under the 4x a dense causal prompt would
    for engine in ("vllm", "sglang"):
        assert 2.0 < _prompt_flops(engine, 131072) / _prompt_flops(engine, 65536) < 3.5, engine
    assert _prompt_flops("transformers", 131072) / _prompt_flops("transformers", 65536) > 3.9


def test_sglang_prefills_short_dsa_prompts_densely_and_vllm_sparsely() -> None:
    # SGLang: MHA_ONE_SHOT up to SGLANG_NSA_PREFILL_DENSE_ATTN_KV_LEN_THRESHOLD = index_topk (2048);
    # vLLM runs even short prompts through the absorbed sparse kernel (vllm-project/vllm#31473)
    assert _prompt_flops("sglang", 1024) == _prompt_flops("transformers", 1024)
    assert _prompt_flops("vllm", 1024) > 2 * _prompt_flops("sglang", 1024)


def test_dsa_layers_count_the_indexer_kernels_on_serving_engines_only() -> None:
    from llmsize.estimate.layer_parts import layer_parts

    assert layer_parts(resolve("DeepSeek-V3.2"))["dsa_indexer"] == 61
    assert "dsa_indexer" not in layer_parts(resolve("DeepSeek-R1"))
