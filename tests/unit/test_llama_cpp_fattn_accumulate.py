"""llama.cpp CUDA prompt attention: P·V accumulates in FP16 (engines/llama_cpp_fattn_accumulate.py)."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_fattn_accumulate as acc
from llmsize.estimate.workload import Workload
from llmsize.hardware.forward_costs import attention_rate
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import resolve_constants
from llmsize.specs.resolve import resolve


def _rate(gpu: str, backend: str | None = None, model: str = "Llama-3.1-8B") -> tuple[float, float]:
    """(attention FLOP/s, the 16-bit figure x the profile's share) of a llama.cpp Q4_0 prompt on `gpu`."""
    data = {"engine": "llama.cpp", "context": 4097, "prompt_tokens": 4096, "quant": "Q4_0",
            "flash_attn": "on"}
    if backend:
        data["backend"] = backend
    spec, wl = resolve(model), Workload.model_validate(data)
    inputs, device = speed_inputs(spec, wl, estimate(spec, wl), Layout()), get_gpu(gpu)
    c = resolve_constants(inputs, device)
    return attention_rate(inputs, device, c), device.flops_for("bf16") * c.compute_fraction


def test_geforce_pv_half_runs_at_the_fp16_accumulate_rate() -> None:
    # RTX 3090 (GA102 whitepaper): 71 TFLOPS FP16 with FP32 accumulate, 142 with FP16 accumulate (284 INT8).
    rate, fp32_acc = _rate("RTX-3090")
    assert rate == pytest.approx(1 / (0.5 / fp32_acc + 0.5 / (2 * fp32_acc)))
    assert rate / fp32_acc == pytest.approx(4 / 3)


def test_data_center_and_spark_figures_are_already_the_fp16_accumulate_rate() -> None:
    for gpu in ("H100-SXM-80GB", "A100-SXM-80GB", "DGX-Spark"):
        rate, fp32_acc = _rate(gpu)
        assert rate == pytest.approx(fp32_acc), gpu


def test_not_on_amd_nor_on_ggml_vulkan() -> None:
    rate, figure = _rate("RX-7900-XTX")
    assert rate == pytest.approx(figure)
    vulkan, figure = _rate("RTX-3090", backend="vulkan")
    assert vulkan == pytest.approx(figure)


def test_the_rule() -> None:
    assert acc.fp16_accumulate_flops("nvidia", "ampere", 284e12, 71e12) == 142e12
    assert acc.fp16_accumulate_flops("nvidia", "pascal", 40e12, 0.2e12) == 0.0
    assert acc.fp16_accumulate_flops("amd", "rdna3", 123e12, 61e12) == 0.0
    # never below the FP32-accumulate figure (a card whose INT8 is cut, e.g. Blackwell Ultra)
    assert acc.fp16_accumulate_flops("nvidia", "blackwell-ultra", 10e12, 2000e12) == 2000e12
    assert acc.mixed_rate(1.0, 2.0) == pytest.approx(4 / 3)
    assert acc.mixed_rate(1.0, 0.0) == 1.0
