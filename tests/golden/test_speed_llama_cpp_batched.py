"""llama-batched-bench on a DGX Spark (llama.cpp build 6918): decode of 4-32 sequences at once.

Published: https://github.com/ggml-org/llama.cpp/blob/4c7e9893c4ca8eec35d032726d14b74fae76cff8/benches/dgx-spark.md
(S_TG t/s, PP 512, TG 32, -fa 1, -ub 2048). The rows compared here are held out of the calibration
(bench/speed_tables.yaml `use: holdout`); before estimate/engines/llama_cpp_batch.py the model put them
at +34% (Qwen2.5-Coder-7B, B = 32) and +65% (gemma-3-4b, B = 16).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp import fusion_engine
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve

BUILD = 6918  # "build: 2f68ce7cf (6918)" in benches/dgx-spark.md


def _s_tg(model: str, quant: str, batch: int, prompt: int = 512, gen: int = 32) -> float:
    """Total tokens/s of `batch` sequences decoding `gen` tokens after `prompt` (batched-bench S_TG)."""
    spec = resolve(model)
    wl = Workload.model_validate(
        {
            "engine": "llama.cpp",
            "quant": quant,
            "batch": batch,
            "ubatch": 2048,
            "context": prompt + gen,
            "prompt_tokens": prompt,
        }
    )
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(1, 1), engine=fusion_engine(BUILD))
    gpu = get_gpu("DGX-Spark")
    c = resolve_constants(inputs, gpu)
    step, _ = decode_step(inputs, gpu, c, prompt + gen // 2)
    return batch / step


@pytest.mark.parametrize(
    ("model", "quant", "batch", "published"),
    [
        ("Qwen2.5-Coder-7B", "Q8_0", 4, 104.33),
        ("Qwen2.5-Coder-7B", "Q8_0", 32, 593.27),
        pytest.param("gemma-3-4b-it", "Q4_0", 16, 550.47, marks=pytest.mark.xfail(strict=True, reason=(
            "priced 19% slow since a 16-sequence step runs MMQ's whole 16-wide tiles at the prefill's rate "
            "(estimate/engines/llama_cpp_mmq_decode.py): this gemma's pp2048 on the same Spark is already "
            "priced 13.5% slow (dgx-spark-045), and the tile's weight-side share comes from PR #26977's "
            "Q4_K A/B, where Q4_0's load_tiles unpacks less; refitting llama_cpp_batch's two constants on "
            "the fit rows leaves it at -17%"))),
    ],
)
def test_batched_decode_matches_dgx_spark(model: str, quant: str, batch: int, published: float) -> None:
    assert _s_tg(model, quant, batch) == pytest.approx(published, rel=0.12)


def test_one_sequence_is_unchanged_by_the_batch_costs() -> None:
    # B = 1 replays the CUDA graph: S_TG 29.24 t/s for Qwen2.5-Coder-7B Q8_0 (same table).
    assert _s_tg("Qwen2.5-Coder-7B", "Q8_0", 1) == pytest.approx(29.24, rel=0.08)


def test_a_build_with_graphs_at_every_batch_is_faster_batched() -> None:
    # PR #19645 keeps CUDA graphs on at batch > 1: the same run on the current build loses the eager launches.
    spec = resolve("gemma-3-4b-it")
    wl = Workload.model_validate(
        {"engine": "llama.cpp", "quant": "Q4_0", "batch": 4, "context": 544, "prompt_tokens": 512}
    )
    gpu = get_gpu("DGX-Spark")
    steps = []
    for name in (fusion_engine(BUILD), "llama.cpp"):
        inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(1, 1), engine=name)
        steps.append(decode_step(inputs, gpu, resolve_constants(inputs, gpu), 528)[0])
    assert steps[1] < steps[0]
