"""llama.cpp runs an MLA prompt in the latent (absorbed) form (estimate/engines/llama_cpp_mla.py).

PR_19057 is JohannesGaessler's table for "CUDA: re-use MLA K data for V in MMA FA": llama-bench
pp512@d32768 (512 prompt tokens after 32,768 cached ones) of deepseek2 16B Q4_0 (DeepSeek-V2-Lite) at
-ub 1..512, column b7818 (master). At that depth the latent attention is most of the work, so the rows
check its FLOP count and rate. The RTX 5090 -ub 512 row priced the rate (LATENT_ATTENTION_SHARE); the
other five are checks. Counted in the decompressed per-head form at the generic prefill share, the model
was +32..+47% on these rows; in the latent form at that share, -34..-51%.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

PR_19057 = "https://github.com/ggml-org/llama.cpp/pull/19057"
DEPTH = 32768


def _pp512_at_depth(device: str, ubatch: int) -> float:
    """t/s of 512 prompt tokens after DEPTH cached ones: the time of DEPTH + 512 minus that of DEPTH."""
    spec = resolve("DeepSeek-V2-Lite")
    wl = Workload.model_validate({
        "engine": "llama.cpp", "context": DEPTH + 513, "prompt_tokens": DEPTH + 512, "quant": "Q4_0",
        "ubatch": ubatch, "flash_attn": "on", "engine_version": "b7818"})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout())
    gpu = get_gpu(device)
    c = resolve_constants(inputs, gpu)
    after, _ = prefill_seconds(inputs, gpu, c, DEPTH + 512)
    before, _ = prefill_seconds(inputs, gpu, c, DEPTH)
    return 512 / (after - before)


@pytest.mark.parametrize(
    ("device", "ubatch", "published"),
    [
        ("RTX-5090", 512, 3603.42),  # PR_19057: the row the latent attention share was priced on
        ("RTX-5090", 256, 3196.82),  # PR_19057 (checks from here on)
        ("RTX-5090", 128, 2576.08),
        ("RTX-5090", 64, 2152.07),
        ("RTX-3090", 128, 971.13),
        ("RTX-3090", 64, 877.92),
    ],
)
def test_deepseek_v2_lite_prompt_at_32k_depth(device: str, ubatch: int, published: float) -> None:
    assert _pp512_at_depth(device, ubatch) == pytest.approx(published, rel=0.15), PR_19057

