"""A GGUF stage's block weights as a difference of running totals over the blocks (issue 15).

llama.cpp places whole blocks (-ngl keeps the last n on the GPU: engines/llama_cpp_placement.py
`stages`), and the planner's --gpu-layers search (hardware/planner.py `split_need`) sizes a new run of
blocks for each count it tries: `fit --all --gpu T4 --engine llama.cpp` sized ~2,700 such stages, each
summing every group over its blocks again. A GGUF group's bytes on a run of blocks are the sum of its
bytes in each block (weights.py `_gguf_shard_bytes`: per_layer x the block's tensor bytes, plus the
block's F32 biases; the block-independent sizes are linear in the instances too), which is what
weights.py `block_bytes` returns block by block. So per model, TP degree and format the blocks are
sized once, summed over the groups per block and kept as running totals; a stage of blocks a..b-1 is
then totals[b] - totals[a], plus what it holds outside the blocks (embeddings, head, MTP layers),
sized the usual way from the stage without blocks. tests/unit/test_gguf_stage_sums.py checks it
against the group-by-group sum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.memo import memo

if TYPE_CHECKING:
    from llmsize.estimate.placement import Stage
    from llmsize.specs.models import ModelSpec, WeightFormat


def block_run_bytes(spec: ModelSpec, tp: int, fmt: WeightFormat, stage: Stage, enc_tp: int) -> int | None:
    """Bytes of the block groups of `stage` (a GGUF format, blocks a run a, a+1, ... short of every
    block) from the running totals; None where they do not apply (then the groups are summed one by one)."""
    from llmsize.estimate.weights import _in_order

    if not stage.layers or len(stage.layers) == spec.num_layers or not _in_order(spec, stage):
        return None  # every block: summed once per format, where a table would cost more
    totals = _running_totals(spec, tp, fmt, enc_tp)
    if totals is None:
        return None
    first = stage.layers[0]
    return totals[first + len(stage.layers)] - totals[first]


def _running_totals(spec: ModelSpec, tp: int, fmt: WeightFormat, enc_tp: int) -> tuple[int, ...] | None:
    """totals[k]: bytes of every block group in blocks 0..k-1 (k = 0..n_layer), once per spec object
    (estimate/memo.py), TP degree, vision-tower TP degree and format: all the sizes read."""
    return memo(spec, ("gguf block running totals", tp, fmt, enc_tp),
                lambda: _totals(spec, tp, fmt, enc_tp))  # fmt: skip


def _totals(spec: ModelSpec, tp: int, fmt: WeightFormat, enc_tp: int) -> tuple[int, ...] | None:
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.weights import _stage_shards_or_cached, block_bytes

    n = spec.num_layers
    per_block = [0] * n
    every = Stage(0, tuple(range(n)), False, False)  # every block, no embeddings nor head
    for shard in _stage_shards_or_cached(spec, tp, every, enc_tp):
        if not shard.layers:
            continue  # held by the ends of the model, not by blocks: sized with the stage's ends
        for layer, size in zip(shard.layers, block_bytes(spec, shard, fmt), strict=True):
            if not 0 <= layer < n:
                return None  # a group listing a block the model does not have: summed group by group
            per_block[layer] += size
    totals, running = [0], 0
    for size in per_block:
        running += size
        totals.append(running)
    return tuple(totals)
