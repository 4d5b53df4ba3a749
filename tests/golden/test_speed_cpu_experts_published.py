"""Prompt speed with every routed expert in host RAM (llama.cpp -ot exps=CPU / --n-cpu-moe), published.

https://github.com/ggml-org/llama.cpp/pull/15346 (slaren, 2025-08-15), `llama-bench -m gpt-oss-20b-mxfp4.gguf
-ot "exps=CPU" -fa 1 -n 0 -p 2048 -ub "128-2048*2"`, column "t/s master" (the build before the PR, which
copies each host expert tensor whole to the GPU every ubatch): ub 128 pp2048 124.24, ub 512 502.73,
ub 2048 1629.92 t/s. The PR does not name its GPU or PCIe link, so the absolute speed is not compared:
what the mechanism fixes is how it scales with the ubatch. Each ubatch uploads the same whole tensors,
so the prompt speeds up nearly in proportion to the ubatch (llama_cpp_op_upload.py); counting only one
token's 4 of 32 experts as the upload (before this rule) made it compute-bound sooner: 1,861 / 5,885 /
13,317 t/s on an RTX 4090, ratios 3.16 and 2.26.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.specs.resolve import resolve


def _prefill(ubatch: int) -> float:
    wl = Workload.model_validate({
        "engine": "llama.cpp", "engine_version": "b6100", "n_cpu_moe": 24, "prompt_tokens": 2048,
        "ubatch": ubatch, "flash_attn": "on", "context": 4096})
    row = Planner(resolve("gpt-oss-20b"), wl).plan(get_gpu("RTX-4090"), 1, limits=False)
    assert row.prefill_tokens_per_s is not None
    return row.prefill_tokens_per_s


def test_whole_expert_upload_scales_the_prompt_with_the_ubatch() -> None:
    ub128, ub512, ub2048 = _prefill(128), _prefill(512), _prefill(2048)
    assert ub512 / ub128 == pytest.approx(502.73 / 124.24, rel=0.15)
    assert ub2048 / ub512 == pytest.approx(1629.92 / 502.73, rel=0.15)
