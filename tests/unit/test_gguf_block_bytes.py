"""A GGUF block tensor's bytes, sized once per block (weights.block_bytes; issue 15's `fit --all
--engine llama.cpp`): the same bytes per block as the shard cut to that block, and a stage's bytes the
sum of its blocks' whatever other blocks were asked before.

llama-quant.cpp `llama_tensor_get_type_impl` gives a Q4_K_M file's ffn_down Q6_K in the blocks
`use_more_bits(i, n)` picks (i < n/8, i >= 7n/8, or (i - n/8) % 3 == 2) and Q4_K elsewhere; ggml-common.h:
block_q6_K holds 256 values in 210 B, block_q4_K 256 values in 144 B. Expected sizes are worked out
here from those, not read from llmsize.
"""

from __future__ import annotations

from llmsize import resolve
from llmsize.estimate.placement import Stage
from llmsize.estimate.weights import block_bytes, effective_format, shard_bytes, stage_shards
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec, WeightFormat


def _ffn_down(spec: ModelSpec, wl: Workload, layers: tuple[int, ...]):  # type: ignore[no-untyped-def]
    shards = stage_shards(spec, wl, Stage(0, layers, False, False))
    return next(s for s in shards if s.group.name == "down_proj")


def _q4_k_m(spec: ModelSpec) -> tuple[Workload, WeightFormat]:
    wl = Workload(engine="llama.cpp", quant="Q4_K_M")
    return wl, effective_format(spec, wl)[0]


def _expected(spec: ModelSpec) -> tuple[int, ...]:
    """Each block's Q4_K_M ffn_down, from the quantizer's rule and the ggml block sizes."""
    n = spec.num_layers
    numel = spec.intermediate_size * spec.hidden_size
    q6_k, q4_k = numel * 210 // 256, numel * 144 // 256
    return tuple(q6_k if i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2 else q4_k for i in range(n))


def test_ffn_down_blocks_take_the_quantizer_type_of_their_index() -> None:
    spec = resolve("Qwen/Qwen3-0.6B")  # 28 blocks, ffn_down 3,072 -> 1,024
    wl, fmt = _q4_k_m(spec)
    shard = _ffn_down(spec, wl, tuple(range(spec.num_layers)))
    assert block_bytes(spec, shard, fmt) == _expected(spec)
    assert len(set(_expected(spec))) == 2  # the blocks do differ


def test_a_stage_is_the_sum_of_its_blocks_in_any_order_asked() -> None:
    spec = resolve("Qwen/Qwen3-0.6B")
    wl, fmt = _q4_k_m(spec)
    every = _expected(spec)
    # a split's host blocks first, then the GPU's blocks 5-27, then the whole model
    for layers in ((0, 1, 2, 3, 4), tuple(range(5, spec.num_layers)), tuple(range(spec.num_layers))):
        shard = _ffn_down(spec, wl, layers)
        assert shard_bytes(spec, shard, fmt) == sum(every[i] for i in layers)
        assert block_bytes(spec, shard, fmt) == tuple(every[i] for i in layers)
