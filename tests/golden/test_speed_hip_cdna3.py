"""llama.cpp's HIP prompt path on CDNA3 (MI300X): MFMA MMQ at its measured kernel rate.

Published numbers: ggml-org/llama.cpp PR #14624 (MI300X test-backend-ops MUL_MAT q4_0 m=4096 n=512
k=14336: 223.52 TFLOPS with MFMA) and discussion #15021 (MI300X Llama-2-7b Q4_0 llama-bench pp512
11,476 t/s). The share is the kernel's rate over the peak: estimate/engines/llama_cpp_hip.py.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp_hip import CDNA3_MMQ_SHARE
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.hardware.speed_profiles import prefill_compute
from llmsize.specs.resolve import resolve

MFMA_PR = "https://github.com/ggml-org/llama.cpp/pull/14624"
ROCM_TABLE = "https://github.com/ggml-org/llama.cpp/discussions/15021"


def _pp512(gpu: str, engine: str) -> float:
    spec = resolve("Llama-2-7b")
    wl = Workload.model_validate(
        {"engine": "llama.cpp", "context": 513, "prompt_tokens": 512, "quant": "Q4_0", "flash_attn": "off"}
    )
    inputs, spec_gpu = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine), get_gpu(gpu)
    seconds, _ = prefill_seconds(inputs, spec_gpu, resolve_constants(inputs, spec_gpu))
    return 512 / seconds


def test_cdna3_share_is_the_mfma_kernel_rate_over_the_int8_peak() -> None:
    # MFMA_PR: 223.52 TFLOPS on an MI300X whose int8 peak the catalog holds.
    mi300x = get_gpu("MI300X")
    rate = prefill_compute("llama.cpp", mi300x) * mi300x.flops_for("int8")
    assert rate == pytest.approx(223.52e12, rel=0.01), MFMA_PR
    assert prefill_compute("llama.cpp", get_gpu("A100-SXM-80GB")) > CDNA3_MMQ_SHARE


def test_other_hbm_and_amd_cards_keep_their_shares() -> None:
    # The key is CDNA3's own: NVIDIA HBM cards keep the fitted 0.109 (0.115 before the head was counted
    # on the logit rows only: hardware/head_params.py); RDNA cards their class's share.
    assert prefill_compute("llama.cpp", get_gpu("A100-SXM-80GB")) == pytest.approx(0.109)
    rdna3 = prefill_compute("llama.cpp", get_gpu("RX-7900-XTX"))
    assert rdna3 == prefill_compute("llama.cpp", get_gpu("RTX-4090"))


def test_mi300x_llama2_pp512_near_the_published_rate() -> None:
    # ROCM_TABLE: 11,476.4 t/s (no flash attention). The CUDA HBM share predicted +59%.
    assert _pp512("MI300X", "llama.cpp-hip-nographs") == pytest.approx(11476.4, rel=0.30), ROCM_TABLE
