"""llama.cpp's SYCL prompt path (estimate/engines/llama_cpp_sycl.py): FP16 conversion + oneDNN GEMM.

The share was priced on ggml-org/llama.cpp PR #13826's Battlemage gemma2 2B Q4_K_M pp512 (5,713.46 t/s);
the figures below never fed it.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

PR_13826 = "https://github.com/ggml-org/llama.cpp/pull/13826"


def _pp512(model: str, quant: str, gpu: str, backend: str) -> tuple[str, float]:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 513, "prompt_tokens": 512,
                                  "quant": quant, "backend": backend})
    inputs, device = speed_inputs(spec, wl, estimate(spec, wl), Layout()), get_gpu(gpu)
    seconds, _ = prefill_seconds(inputs, device, resolve_constants(inputs, device), 512)
    return inputs.engine, 512 / seconds


def test_backend_sycl_selects_the_sycl_profile() -> None:
    assert _pp512("Qwen2-1.5B", "Q4_0", "Arc-B580", "sycl")[0] == "llama.cpp-sycl"
    assert _pp512("Qwen2-1.5B", "Q4_0", "Arc-B580", "auto")[0] != "llama.cpp-sycl"


def test_arc_b580_qwen2_1_5b_q4_0_pp512() -> None:
    # PR #13826, Battlemage, master f9cd6839: "qwen2 1.5B Q4_0 ... pp512 | 7454.58 ± 27.22".
    assert _pp512("Qwen2-1.5B", "Q4_0", "Arc-B580", "sycl")[1] == pytest.approx(7454.58, rel=0.25), PR_13826


def test_sycl_prompt_is_slower_than_cuda_int8_pricing() -> None:
    # No int8 MMQ on SYCL (ggml_sycl_supports_mmq is false): the FP16 XMX rate and a conversion pass.
    sycl = _pp512("Llama-2-7b", "Q4_0", "Arc-Pro-B70", "sycl")[1]
    cuda_priced = _pp512("Llama-2-7b", "Q4_0", "Arc-Pro-B70", "auto")[1]
    assert sycl < 0.6 * cuda_priced


def test_ollama_has_no_sycl_backend() -> None:
    result = CliRunner().invoke(app, ["fit", "Qwen2-1.5B", "--gpu", "Arc-B580", "--engine", "ollama",
                                     "--backend", "sycl"])
    # The entry point prints BadInputError as one line and exits 2 (llmsize.cli main).
    assert isinstance(result.exception, BadInputError)
    assert "SYCL" in str(result.exception)


def test_the_report_says_which_backend_prices_an_intel_gpu() -> None:
    args = ["fit", "Qwen2-1.5B", "--gpu", "Arc-B580", "--engine", "llama.cpp", "--quant", "Q4_0"]
    auto = CliRunner().invoke(app, args)
    sycl = CliRunner().invoke(app, [*args, "--backend", "sycl"])
    assert auto.exit_code == 0 and sycl.exit_code == 0, sycl.output
    # auto on an Intel GPU is ggml's Vulkan backend (llama_cpp_intel_backend.py), not ggml-cuda's MMQ.
    assert "Vulkan backend" in auto.output and "--backend sycl" in auto.output
    assert "ggml-cuda" not in auto.output
    assert "SYCL backend" in sycl.output and "ggml-cuda" not in sycl.output
