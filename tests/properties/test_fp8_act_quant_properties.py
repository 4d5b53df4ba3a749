"""Invariants of SGLang's block-FP8 input-quantize kernel count (estimate/engines/sglang_fp8_act_quant.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.engines import sglang_fp8_act_quant as aq
from llmsize.specs.models import QuantMethod, WeightFormat

PARTS = st.dictionaries(
    st.sampled_from(["block", "attention", "mla", "linear_attention", "mamba", "dense_ffn", "moe_ffn",
                     "shared_expert", "qk_norm", "dsa_indexer"]),
    st.integers(min_value=0, max_value=200))
FP8 = WeightFormat(quant=QuantMethod.FP8)


@given(PARTS)
def test_count_is_the_weighted_sum_of_quantized_parts(parts: dict[str, int]) -> None:
    assert aq.act_quant_kernels(parts, FP8) == sum(aq.QUANT_KERNELS.get(p, 0) * n for p, n in parts.items())


@given(PARTS, st.sampled_from([QuantMethod.NVFP4, QuantMethod.MXFP4]))
def test_other_expert_formats_never_add_kernels(parts: dict[str, int], experts: QuantMethod) -> None:
    mixed = WeightFormat(quant=QuantMethod.FP8, expert_quant=experts)
    assert aq.act_quant_kernels(parts, mixed) == (
        aq.act_quant_kernels(parts, FP8) - 2 * parts.get("moe_ffn", 0))


@given(PARTS, st.integers(min_value=1, max_value=1000))
def test_more_blocks_never_fewer_kernels(parts: dict[str, int], extra: int) -> None:
    more = {**parts, "attention": parts.get("attention", 0) + extra}
    assert aq.act_quant_kernels(more, FP8) > aq.act_quant_kernels(parts, FP8)
    assert aq.act_quant_kernels(more, WeightFormat()) == 0
