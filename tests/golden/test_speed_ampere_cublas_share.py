"""llama.cpp CUDA builds before PR #8075: the cuBLAS FP16 prompt GEMM's share on Ampere data-center cards.

Fit table (bench/speed_tables.yaml, llama.cpp-a100-cublas-6017): ggerganov's single A100 80GB PCIe run in
ggml-org/llama.cpp PR #6017 (2024-03, LLAMA_CUBLAS, GGML_CUDA_FORCE_MMQ no), codellama-7b pp512: F16
8,668.24 t/s, Q8_0 6,914.08 t/s. Held-out check (never fitted): XiongjieDai/GPU-Benchmarks-on-LLM-Inference
(May 2024, builds 2824-2843), A100 PCIe 80GB Llama-3-8B Q4_K_M pp512 5,981.04 t/s. The share is
estimate/engines/llama_cpp_cublas_prefill.AMPERE_HBM_FP16_SHARE.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp import fusion_engine
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.hardware.speed_profiles import prefill_compute
from llmsize.specs.resolve import resolve

PR6017 = "https://github.com/ggml-org/llama.cpp/pull/6017"
XD = ("https://github.com/XiongjieDai/GPU-Benchmarks-on-LLM-Inference/blob/"
      "aa72e0ec86c356c41f8281c9733e9a13c3675800/README.md")
# A build of March 2024 (PR #6017's branch), before MMQ became the default (PR #8075, about b3216).
MARCH_2024 = 2400


def _pp(model: str, quant: str, gpu: str, build: int | None, prompt: int = 512) -> float:
    spec = resolve(model)
    # -fa 0: these builds had no flash attention (PR #6017) or ran without it (XD's defaults).
    wl = Workload.model_validate({"engine": "llama.cpp", "context": prompt + 1, "prompt_tokens": prompt,
                                  "quant": quant, "flash_attn": "off"})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=fusion_engine(build))
    device = get_gpu(gpu)
    seconds, _ = prefill_seconds(inputs, device, resolve_constants(inputs, device))
    return prompt / seconds


@pytest.mark.parametrize(("quant", "published"), [("F16", 8668.24), ("Q8_0", 6914.08)])
def test_a100_cublas_prompt_matches_pr6017(quant: str, published: float) -> None:
    # PR6017: "found 1 CUDA devices: NVIDIA A100 80GB PCIe", llama 7B F16 / Q8_0 "pp 512". Before this share
    # the 'hbm' one (set on Hopper rows) put both ~40% slow.
    predicted = _pp("codellama-7b", quant, "A100-PCIe-80GB", MARCH_2024)
    assert predicted == pytest.approx(published, rel=0.05), PR6017


def test_held_out_a100_q4_k_m_prompt_of_may_2024() -> None:
    # XD: 'A100 PCIe 80GB' / '8B Q4_K_M', 'pp 512': 5,981.04 t/s (held out; -37% with the Hopper share).
    assert _pp("Meta-Llama-3-8B", "Q4_K_M", "A100-PCIe-80GB", 2824) == pytest.approx(5981.04, rel=0.15), XD


@pytest.mark.parametrize("gpu", ["H100-PCIe-80GB", "RTX-3090"])
def test_the_share_is_ampere_hbm_only(gpu: str) -> None:
    # Hopper keeps the class share; a GeForce Ampere (GDDR) card keeps the GDDR one: the key is
    # vendor-architecture-class, not vendor-architecture.
    device = get_gpu(gpu)
    old = fusion_engine(MARCH_2024)
    current = fusion_engine(None)
    assert prefill_compute(old, device, quantized=False) == prefill_compute(current, device, quantized=False)
    assert prefill_compute(old, device) == prefill_compute(current, device)


def test_the_current_build_on_an_a100_is_untouched() -> None:
    # MMQ builds (from PR #8075) run int8 MMQ, not cuBLAS: their A100 share stays the class one.
    a100 = get_gpu("A100-PCIe-80GB")
    assert prefill_compute(fusion_engine(None), a100) == prefill_compute(fusion_engine(None), get_gpu(
        "H100-PCIe-80GB"))
    assert prefill_compute(fusion_engine(MARCH_2024), a100) > prefill_compute(fusion_engine(None), a100)
