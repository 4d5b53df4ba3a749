"""vLLM and SGLang serving runs of 2025-2026 models vs the speed model (held-out rows, issue 11).

Every number is a published mean time per output token of a serving benchmark; the rows, with their
setups, are in bench/speed_tables.yaml (servespeed-* tables) and docs/validation-speed.md. None of
these rows fed a fit. Tolerance 20%: the held-out median of these tables is ~10%.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, prefill_seconds, resolve_constants
from llmsize.hardware.speed_serving import serving_tpot_s
from llmsize.specs.resolve import resolve

COOKBOOK = "https://github.com/sgl-project/sglang/pull/32323"  # qwen3.5-benchmarks.jsx, high-throughput cells
INFERENCEX_DSR1 = "https://github.com/SemiAnalysisAI/InferenceX/issues/870"
INFERENCEX_MI300X = "https://github.com/SemiAnalysisAI/InferenceX/pull/1092"


def _tpot_ms(
    model: str,
    gpu_id: str,
    engine: str,
    tp: int,
    prompt: int,
    gen: int,
    batch: int = 1,
    quant: str | None = None,
    profile: str | None = None,
) -> float:
    """Mean TPOT of a closed loop at `batch` requests: mid-generation decode plus the others' prefills."""
    data: dict[str, object] = {
        "engine": engine,
        "context": prompt + gen,
        "prompt_tokens": prompt,
        "batch": batch,
        "num_gpus": tp,
        "tp": tp,
    }
    if quant:
        data["quant"] = quant
    wl = Workload.model_validate(data)
    spec = resolve(model)
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=tp), engine=profile or engine)
    gpu = get_gpu(gpu_id)
    c = resolve_constants(inputs, gpu)
    step, _ = decode_step(inputs, gpu, c, prompt + gen // 2)
    wave, _ = prefill_seconds(inputs, gpu, c, prompt)
    return 1000 * (serving_tpot_s(step, wave, batch, gen) or 0.0)


@pytest.mark.parametrize(
    ("model", "gpu", "tp", "quant", "published"),
    [
        (
            "Qwen3.5-35B-A3B",
            "H200-SXM-141GB",
            1,
            None,
            4.16,
        ),  # SGLang 0.5.15.post1, random 8192/1024 (mean 4096/512)
        ("Qwen3.5-27B", "B300", 1, None, 10.20),
        ("Qwen3.5-122B-A10B", "B300", 1, "fp8", 4.67),
    ],
)
def test_sglang_cookbook_single_stream(
    model: str, gpu: str, tp: int, quant: str | None, published: float
) -> None:
    assert _tpot_ms(model, gpu, "sglang", tp, 4096, 512, quant=quant) == pytest.approx(published, rel=0.20), (
        COOKBOOK
    )


def test_deepseek_r1_fp8_tp8_h200_sglang_concurrency_16() -> None:
    # InferenceX: DeepSeek-R1-0528 FP8, SGLang v0.5.7, TP 8, 1k/1k (ratio 0.8: mean 922), conc 16: 17.2 ms.
    tpot = _tpot_ms("DeepSeek-R1", "H200-SXM-141GB", "sglang", 8, 922, 922, batch=16)
    assert tpot == pytest.approx(17.2, rel=0.20), INFERENCEX_DSR1


# vLLM 0.14+ overlaps its host step with the GPU's (estimate/engines/vllm_async.py). Every single-GPU row of
# such a release moved toward its figure (Llama-3.1-8B on an H100 +33% -> +10%, Qwen3.5-4B on an A100 and
# an RTX 5090 +33/+39% -> +14/+16%, Qwen3-4B FP8 on an RTX 4090 -12% -> +8%), but gpt-oss-120b at TP 8 falls
# 24-29% short: the serial 1.48 ms had stood in for some of its step. What it is (its TP-8 Marlin MXFP4
# experts at a few tokens, the sink attention, a per-step TP cost) has no measurement here; the rows stay.
GPT_OSS_TP8_ASYNC = pytest.mark.xfail(
    strict=True, reason="with async scheduling the modelled gpt-oss-120b TP-8 step is 24-29% short of the "
    "published TPOT (v0.15.1 H100, v0.17.0 MI300X); the synchronous host step had covered the gap")


@GPT_OSS_TP8_ASYNC
def test_gpt_oss_120b_tp8_mi300x_vllm_single_stream() -> None:
    # InferenceX PR #1092: vLLM v0.17.0 (ROCm), TP 8, 1k/1k, conc 1: ~249 tokens/s per user = 4.02 ms a token.
    tpot = _tpot_ms("gpt-oss-120b", "MI300X", "vllm", 8, 922, 922)
    assert tpot == pytest.approx(1000 / 249, rel=0.20), INFERENCEX_MI300X


INFERENCEX_H100 = "https://github.com/SemiAnalysisAI/InferenceX/issues/828"
TT_143 = "https://github.com/tenstorrent/tt-inference-server/issues/143"


@GPT_OSS_TP8_ASYNC
def test_gpt_oss_120b_tp8_h100_vllm_concurrency_4() -> None:
    # InferenceX: vLLM v0.15.1, TP 8 on H100 SXM, 1k/1k (ratio 0.8: mean 922), conc 4: mean TPOT 3.72 ms.
    # With the fitted 15 us a call the 72 all-reduces of a step alone cost 1.09 ms (+29%); the custom
    # kernel's measured 7.8 us at TP 8 (hardware/allreduce.py) brings the row within 20%.
    tpot = _tpot_ms("gpt-oss-120b", "H100-SXM-80GB", "vllm", 8, 922, 922, batch=4)
    assert tpot == pytest.approx(3.72, rel=0.20), INFERENCEX_H100


def test_qwen25_72b_tp2_h100_vllm_single_stream() -> None:
    # tenstorrent GPU reference run: Qwen2.5-72B-Instruct BF16 on 2 x H100, ISL 1024 / OSL 128, TPOT 31.0 ms.
    # Apr 2025: the V1 engine before async scheduling (profile 'vllm-0.13').
    tpot = _tpot_ms("Qwen2.5-72B", "H100-SXM-80GB", "vllm", 2, 1024, 128, profile="vllm-0.13")
    assert tpot == pytest.approx(31.0, rel=0.20), TT_143
