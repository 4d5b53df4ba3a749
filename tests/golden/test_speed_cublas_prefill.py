"""llama.cpp CUDA builds before PR #8075: a quantized prompt converts its weights to FP16 each ubatch.

Published numbers, each cited where used: ggml-org/llama.cpp PR #4766 (Jan 2024, RTX 4090, codellama-7b,
llama-bench pp512: F16 11,048.22 t/s, Q8_0 7,664.00, Q4_0 7,979.85) and XiongjieDai/GPU-Benchmarks-on-LLM-
Inference (May 2024, builds 2796-2843, Llama-3-8B Q4_K_M vs F16 pp512 on an RTX 4090: 7,138.99 vs
9,382.00). The mechanism is in estimate/engines/llama_cpp_cublas_prefill.py.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp import fusion_engine
from llmsize.estimate.engines.llama_cpp_cublas_prefill import MMQ_DEFAULT_BUILD, dequantizes_prompt
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

PR4766 = "https://github.com/ggml-org/llama.cpp/pull/4766"
XD = ("https://github.com/XiongjieDai/GPU-Benchmarks-on-LLM-Inference/blob/"
      "aa72e0ec86c356c41f8281c9733e9a13c3675800/README.md")


def _pp(model: str, quant: str, gpu: str, build: int | None, prompt: int = 512) -> float:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": prompt + 1, "prompt_tokens": prompt,
                                  "quant": quant})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=fusion_engine(build))
    device = get_gpu(gpu)
    seconds, _ = prefill_seconds(inputs, device, resolve_constants(inputs, device))
    return prompt / seconds


def test_builds_before_pr8075_convert_and_later_ones_do_not() -> None:
    assert dequantizes_prompt(2824)
    assert not dequantizes_prompt(MMQ_DEFAULT_BUILD)
    assert not dequantizes_prompt(None)  # a build not named is the current one


@pytest.mark.parametrize(("quant", "published"), [("Q4_0", 7979.85), ("Q8_0", 7664.00)])
def test_quantized_prompt_on_the_cublas_build_runs_at_its_published_share_of_f16(quant: str,
                                                                                  published: float) -> None:
    # PR4766: on the same RTX 4090 build, F16 pp512 11,048.22 t/s; the quantized models were slower, not
    # faster: their conversion pass is the difference. Compare ratios (the F16 GEMM rate cancels).
    f16 = _pp("codellama-7b", "F16", "RTX-4090", 1800)
    quantized = _pp("codellama-7b", quant, "RTX-4090", 1800)
    # Priced at the element-wise share of the bandwidth, not the card's full 1,008 GB/s: Q8_0 lands -11%.
    assert quantized / f16 == pytest.approx(published / 11048.22, rel=0.15), PR4766


def test_the_conversion_is_what_the_may_2024_rows_lost() -> None:
    # XD: Llama-3-8B pp512 on an RTX 4090, Q4_K_M 7,138.99 vs F16 9,382.00 t/s: the quantized model was the
    # slower one. Without the conversion the model gave both the same rate (+41% on the Q4_K_M row).
    q4 = _pp("Meta-Llama-3-8B", "Q4_K_M", "RTX-4090", 2824)
    assert q4 < _pp("Meta-Llama-3-8B", "F16", "RTX-4090", 2824)
    assert q4 == pytest.approx(7138.99, rel=0.20), XD
    # The current build's MMQ path has no conversion: the same prompt is faster there.
    assert _pp("Meta-Llama-3-8B", "Q4_K_M", "RTX-4090", None) > q4


def test_a_ubatch_within_mmq_max_batch_size_keeps_mmq() -> None:
    # ggml_cuda_mul_mat of those builds left MMQ only above MMQ_MAX_BATCH_SIZE (32) columns: a 32-token
    # prompt pays no conversion, so its rate matches the current profile's quantized rate shape.
    old = _pp("Meta-Llama-3-8B", "Q4_K_M", "RTX-4090", 2824, prompt=32)
    f16 = _pp("Meta-Llama-3-8B", "F16", "RTX-4090", 2824, prompt=32)
    assert old > f16  # quantized weights are fewer bytes to read at 32 tokens, with no conversion pass


def test_apple_rows_of_the_same_build_are_untouched() -> None:
    # The conversion is ggml-cuda's; Metal builds of May 2024 multiplied quantized blocks directly.
    assert _pp("Meta-Llama-3-8B", "Q4_K_M", "M2-Ultra-192GB", 2796) == pytest.approx(
        _pp("Meta-Llama-3-8B", "Q4_K_M", "M2-Ultra-192GB", 3300), rel=0.01)
