"""llama.cpp CUDA on Volta: a quantized prompt ubatch of 64+ tokens dequantizes and runs cuBLAS FP16.

The rule is ggml-cuda's (mmq.cu ggml_cuda_should_use_mmq: no Turing int8 MMA, FP16 tensor cores, so MMQ
only below MMQ_DP4A_MAX_BATCH_SIZE = 64 columns); it lives in estimate/engines/llama_cpp_volta_prefill.py.
These tests check the behaviour it implies, not a fitted number.
"""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp_volta_prefill import DEQUANT_ABOVE_TOKENS
from llmsize.estimate.engines.llama_cpp_vulkan import VULKAN_ENGINE
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.prompt_dequant import prompt_dequant_seconds
from llmsize.hardware.speed import SpeedConstants, SpeedInputs, prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

MODEL = "Qwen2.5-0.5B-Instruct"


def _setup(quant: str, gpu: str, engine: str = "llama.cpp",
           prompt: int = 512) -> tuple[SpeedInputs, SpeedConstants]:
    spec = resolve(MODEL)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": prompt + 1, "prompt_tokens": prompt,
                                  "quant": quant})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine)
    return inputs, resolve_constants(inputs, get_gpu(gpu))


def _pp(quant: str, gpu: str, prompt: int = 512) -> float:
    inputs, c = _setup(quant, gpu, prompt=prompt)
    seconds, _ = prefill_seconds(inputs, get_gpu(gpu), c, prompt)
    return prompt / seconds


def test_volta_quantized_prompt_takes_the_f16_gemm_plus_a_conversion() -> None:
    # Same cublasGemmEx as F16 weights, plus the FP16 conversion each ubatch: a little slower than F16
    # (without the rule both ran at one rate, as if Q8_0 took an MMQ kernel with no conversion).
    ratio = _pp("Q8_0", "V100-PCIe-16GB") / _pp("F16", "V100-PCIe-16GB")
    assert 0.7 < ratio < 1.0


def test_volta_ubatches_below_64_tokens_keep_mmq() -> None:
    inputs, c = _setup("Q8_0", "V100-PCIe-16GB")
    assert c.prefill_dequant_above_tokens == DEQUANT_ABOVE_TOKENS == 63
    v100 = get_gpu("V100-PCIe-16GB")
    assert prompt_dequant_seconds(inputs, v100, c, 63, 63) == 0.0
    assert prompt_dequant_seconds(inputs, v100, c, 64, 64) > 0.0


def test_turing_and_vulkan_do_not_convert() -> None:
    # Turing has int8 MMA: MMQ at every batch size. ggml-vulkan has no such fallback.
    _, turing = _setup("Q8_0", "RTX-2080-Ti")
    _, vulkan = _setup("Q8_0", "V100-PCIe-16GB", engine=VULKAN_ENGINE)
    assert turing.prefill_dequant_above_tokens == 0
    assert vulkan.prefill_dequant_above_tokens == 0
