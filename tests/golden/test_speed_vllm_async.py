"""vLLM 0.14+ async scheduling (estimate/engines/vllm_async.py) against published single-GPU serving TPOTs
(held-out rows of bench/speed_tables.yaml). No test is timed."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve

INFERENCEBENCH_H100 = "https://yobitelcomm.github.io/bench/recipes/concurrency-sweep/"
PEGAINFER_A100 = (
    "https://github.com/pegainfer-project/pegainfer/blob/0e72b4bc17e779de499fff6325d38d772d5d63a7/"
    "docs/benchmarks/qwen35-4b-serving-a100-vllm027.md"
)
PEGAINFER_5090 = "https://github.com/pegainfer-project/pegainfer/pull/386"


def _tpot_ms(model: str, gpu_id: str, version: str, prompt: int, gen: int) -> float:
    """Mean time per output token of one stream, as the `--engine-version` release decodes it."""
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "vllm", "context": prompt + gen, "prompt_tokens": prompt,
                                  "batch": 1, "engine_version": version})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout())
    gpu = get_gpu(gpu_id)
    c = resolve_constants(inputs, gpu)
    return 1000 * sum(decode_step(inputs, gpu, c, prompt + int((k + 0.5) * gen / 8))[0] for k in range(8)) / 8


@pytest.mark.parametrize(
    ("model", "gpu", "version", "prompt", "gen", "published", "source"),
    [
        # vLLM 0.21.0, fp16, concurrency 1: TPOT p50 6.48 ms (short chat prompts, 256/256 assumed).
        ("Llama-3.1-8B", "H100-SXM-80GB", "0.21.0", 256, 256, 6.48, INFERENCEBENCH_H100),
        # vLLM 0.27.0, BF16, 1024 in / 256 out, bs1: mean TPOT 8.21 ms.
        ("Qwen3.5-4B", "A100-SXM-40GB", "0.27.0", 1024, 256, 8.21, PEGAINFER_A100),
        # vLLM 0.23.0, BF16, 1024 in / 256 out, max concurrency 1: TPOT p50 6.32 ms.
        ("Qwen3.5-4B", "RTX-5090", "0.23.0", 1024, 256, 6.32, PEGAINFER_5090),
    ],
)
def test_async_release_overlaps_its_host_step(
    model: str, gpu: str, version: str, prompt: int, gen: int, published: float, source: str
) -> None:
    overlapped = _tpot_ms(model, gpu, version, prompt, gen)
    serial = _tpot_ms(model, gpu, "0.13.0", prompt, gen)  # the same step, host and GPU in turn
    assert overlapped == pytest.approx(published, rel=0.20), source
    # Without the overlap every one of these is more than 25% too slow.
    assert serial > 1.25 * published, source
