"""llama.cpp SYCL with BF16 weights before PR #21580 (estimate/engines/llama_cpp_sycl_bf16.py): every mat-mul
converts its weights to FP32 and runs an FP32 GEMM, decode included.

The GEMM's share comes from PR #21580's pp512 after the PR; the other figures below never fed it.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_sycl_bf16 as bf16
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, estimate_speed, prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

PR_21580 = "https://github.com/ggml-org/llama.cpp/pull/21580"
KYUZ0 = ("https://github.com/kyuz0/intel-b70-ai-toolboxes/blob/8892644b6a924e7606ab59679b5d03f7b56ffedf/"
         "benchmark/llamacpp-bench-b70/")


def _run(model: str, version: str | None, quant: str = "BF16", prompt: int = 512) -> tuple[float, float]:
    data = {"engine": "llama.cpp", "context": prompt + 1, "prompt_tokens": prompt, "quant": quant,
            "backend": "sycl", "flash_attn": "on"}
    if version:
        data["engine_version"] = version
    spec, wl = resolve(model), Workload.model_validate(data)
    inputs, device = speed_inputs(spec, wl, estimate(spec, wl), Layout()), get_gpu("Arc-Pro-B70")
    c = resolve_constants(inputs, device)
    seconds, _ = prefill_seconds(inputs, device, c, prompt)
    step, _ = decode_step(inputs, device, c, 64)
    return prompt / seconds, 1 / step


def test_the_share_is_pr_21580s_pp512_after_the_pr() -> None:
    # 1.31 B block weights converted (6 bytes each) and the tied head streamed once at 0.85 of 608 GB/s;
    # 2 x 1.31 B + attention FLOPs a token, 512 tokens in 512 / 4,887 s; FP32 peak 22.94 TFLOPS.
    blocks, head = 1_543_714_304 - 151_936 * 1_536, 151_936 * 1_536
    stream = 608e9 * 0.85
    gemm_s = 512 / 4887 - blocks * 6 / stream - head * 2 / stream
    flop = 512 * (2 * blocks + 4 * 256.5 * 12 * 128 * 28)
    share = bf16.SGEMM_SHARE
    assert share == pytest.approx(flop / gemm_s / 22.94e12, abs=1e-3), PR_21580


def test_b70_qwen2_5_1_5b_bf16_tg128_before_pr_21580() -> None:
    # PR #21580's table: "BF16 | 2.88 GiB | 2580 | 4887 | 29.7 | 123.9 | 4.2x" (before: April 2026 master).
    _, tg = _run("Qwen2.5-1.5B", "b8700")
    assert tg == pytest.approx(29.7, rel=0.15), PR_21580


def test_b70_qwen3_5_9b_bf16_b9039() -> None:
    # kyuz0 Qwen3.5-9B-BF16__sycl__fa1.log (not a table row): "qwen35 9B BF16 | 16.68 GiB | 8.95 B | SYCL |
    # 99 | 1 | 0 | pp512 | 910.98" and "tg128 | 5.42", build 74d6248f7 (9039).
    pp, tg = _run("Qwen3.5-9B", "b9039")
    assert pp == pytest.approx(910.98, rel=0.15), KYUZ0 + "Qwen3.5-9B-BF16__sycl__fa1.log"
    assert tg == pytest.approx(5.42, rel=0.15), KYUZ0 + "Qwen3.5-9B-BF16__sycl__fa1.log"


def test_b70_ministral_3_14b_bf16_b9039() -> None:
    # kyuz0 Ministral-3-14B-Instruct-2512-BF16__sycl__fa1.log (not a table row): "mistral3 14B BF16 |
    # 25.16 GiB | 13.51 B | SYCL | ... | pp512 | 568.07" and "tg128 | 3.37", build 9039.
    pp, tg = _run("Ministral-3-14B-Instruct-2512", "b9039")
    log = KYUZ0 + "Ministral-3-14B-Instruct-2512-BF16__sycl__fa1.log"
    assert pp == pytest.approx(568.07, rel=0.15), log
    assert tg == pytest.approx(3.37, rel=0.15), log


def test_pr_21580_speeds_bf16_decode_up_about_fourfold() -> None:
    # PR #21580: tg128 29.7 -> 123.9 t/s (4.2x); from b9291 (merged 2026-05-22) the fallback is gone.
    _, before = _run("Qwen2.5-1.5B", "b8700")
    _, after = _run("Qwen2.5-1.5B", "b9300")
    assert after / before == pytest.approx(123.9 / 29.7, rel=0.25), PR_21580


def test_quantized_weights_do_not_take_the_fallback() -> None:
    old_pp, old_tg = _run("Qwen3.6-27B", "b9039", quant="UD-Q4_K_XL")
    new_pp, new_tg = _run("Qwen3.6-27B", "b9300", quant="UD-Q4_K_XL")
    assert old_pp == pytest.approx(new_pp) and old_tg == pytest.approx(new_tg)
    assert not bf16.runs_fp32_gemm(True, False) and not bf16.runs_fp32_gemm(False, True)


def test_the_speed_report_says_which_path_ran() -> None:
    def notes(version: str) -> tuple[str, ...]:
        data = {"engine": "llama.cpp", "context": 513, "prompt_tokens": 512, "quant": "BF16",
                "backend": "sycl", "engine_version": version}
        spec, wl = resolve("Qwen2.5-1.5B"), Workload.model_validate(data)
        inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout())
        return estimate_speed(inputs, get_gpu("Arc-Pro-B70")).notes

    assert bf16.NOTE in notes("b9039")
    assert bf16.NOTE not in notes("b9300")
