"""A GGUF stage of blocks a..b-1 sized from running totals (estimate/gguf_stage_sums.py) equals the
group-by-group sum it replaces (issue 15: `fit --all --engine llama.cpp`'s --gpu-layers search).

The reference below is the slow path spelled out: every parameter group the stage holds
(weights._stage_shards), sized by weights.shard_bytes, plus the MTP layers on the head's stage.
Models cover the cases the totals must keep apart: a dense model whose Q4_K_M ffn_down / attn_v
types change by block (llama-quant.cpp `use_more_bits`), MoE models with a dense first block
(DeepSeek-V2-Lite) or MXFP4 experts and pinned tensors (gpt-oss), a hybrid with per-layer Ollama pins
and MTP layers (qwen3.5:9b), and a vision-language model whose tower is a separate mmproj (Gemma 3).
"""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize import resolve
from llmsize.estimate.placement import Stage
from llmsize.estimate.weights import (
    _mtp_bytes,
    _stage_shards,
    effective_format,
    shard_bytes,
    stage_weight_bytes,
)
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec, WeightFormat

MODELS = ("Qwen/Qwen3-0.6B", "DeepSeek-V2-Lite", "gpt-oss-20b", "qwen3.5:9b", "gemma-3-4b-it")
QUANTS = (None, "Q4_K_M", "Q8_0", "Q3_K_S", "Q6_K", "IQ4_XS")
ENGINES = ("llama.cpp", "ollama")


@cache
def _spec(name: str) -> ModelSpec:
    return resolve(name)


def _slow(spec: ModelSpec, fmt: WeightFormat, stage: Stage) -> int:
    body = sum(shard_bytes(spec, s, fmt) for s in _stage_shards(spec, 1, stage))
    if spec.mtp_in_weights and spec.mtp_layers and stage.head:
        body += _mtp_bytes(spec, 1, fmt)
    return body


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(MODELS),
    quant=st.sampled_from(QUANTS),
    engine=st.sampled_from(ENGINES),
    start=st.floats(0, 1),
    width=st.floats(0, 1),
    ends=st.sampled_from([(False, False), (False, True), (True, False), (True, True)]),
)
def test_a_run_of_blocks_equals_the_sum_of_its_groups(
    name: str, quant: str | None, engine: str, start: float, width: float, ends: tuple[bool, bool]
) -> None:
    spec = _spec(name)
    wl = Workload(engine=engine, quant=quant)
    fmt = effective_format(spec, wl)[0]
    n = spec.num_layers
    first = min(n - 1, int(start * n))
    last = first + max(1, int(width * (n - first)))  # blocks first..last-1, at least one
    stage = Stage(0, tuple(range(first, last)), *ends)
    assert stage_weight_bytes(spec, wl, fmt, stage) == _slow(spec, fmt, stage)


def test_every_split_of_a_search_matches_and_formats_do_not_share_totals() -> None:
    """Each -ngl split llama.cpp places (the last k blocks on the GPU, engines/llama_cpp_placement.py),
    for two formats of one model asked in turn: the totals are kept per format, never served across."""
    spec = _spec("Qwen/Qwen3-0.6B")
    n = spec.num_layers
    sizes = {}
    for quant in ("Q4_K_M", "Q8_0"):
        wl = Workload(engine="llama.cpp", quant=quant)
        fmt = effective_format(spec, wl)[0]
        for k in range(1, n):
            stage = Stage(0, tuple(range(n - k, n)), False, False)
            assert stage_weight_bytes(spec, wl, fmt, stage) == _slow(spec, fmt, stage)
        sizes[quant] = stage_weight_bytes(spec, wl, fmt, Stage(0, tuple(range(1, n)), False, False))
    assert sizes["Q8_0"] > sizes["Q4_K_M"]  # 8.5 against ~4.8 bits per weight (ggml-common.h blocks)
