"""llama.cpp's HIP graph replay on RDNA3 (estimate/engines/llama_cpp_hip_graphs.py) against published runs.

Each decode kernel of a replayed HIP graph costs RDNA3's measured dispatch floor (ROCm/rocm-systems#10834:
3.865 us on gfx1100); builds that replay no graph keep the CPU-launch profile. The figures are llama-bench
results of other people (sources next to them); tolerances are the held-out llama.cpp class's.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.hardware.speed_profiles import class_value
from llmsize.specs.resolve import resolve

PR_26284 = "https://github.com/ggml-org/llama.cpp/pull/26284"  # RX 7900 XTX, ROCm master of 2026-07
DISCUSSION_15021 = "https://github.com/ggml-org/llama.cpp/discussions/15021"  # RX 7900 XTX, graphs off


def _tokens_per_s(model: str, quant: str, gpu: str, engine: str, context: int) -> float:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": context + 64,
                                  "prompt_tokens": max(context, 1), "quant": quant})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine)
    card = get_gpu(gpu)
    step, _ = decode_step(inputs, card, resolve_constants(inputs, card), max(context, 1) + 32)
    return 1 / step


@pytest.mark.parametrize(("model", "quant", "context", "published"), [
    ("Llama-3.1-8B", "Q4_K_M", 0, 105.75),      # tg64, 't/s master'
    ("Llama-3.1-8B", "Q4_K_M", 4096, 98.67),    # tg64@d4096
    ("LFM2-8B-A1B", "Q4_K_M", 0, 259.71),       # tg64, a 1.5B-active MoE: latency-bound
])
def test_rdna3_decode_pays_the_hip_graph_dispatch_floor(model: str, quant: str, context: int,
                                                        published: float) -> None:
    predicted = _tokens_per_s(model, quant, "RX-7900-XTX", "llama.cpp", context)
    # Without the floor these were +43% (Llama) and +94% (LFM2): the CUDA per-kernel latency.
    assert predicted == pytest.approx(published, rel=0.20), PR_26284


def test_builds_without_hip_graphs_keep_the_cpu_launch_profile() -> None:
    predicted = _tokens_per_s("Llama-2-7b", "Q4_0", "RX-7900-XTX", "llama.cpp-hip-nographs", 0)
    assert predicted == pytest.approx(167.11, rel=0.15), DISCUSSION_15021  # tg128


def test_an_architecture_key_wins_over_the_device_class() -> None:
    table = {"amd-rdna3": 1.0, "gddr": 2.0}
    assert class_value(table, get_gpu("RX-7900-XTX"), 0.0) == 1.0
    assert class_value(table, get_gpu("RTX-4090"), 0.0) == 2.0
    assert class_value(table, get_gpu("RX-9070-XT"), 0.0) == 2.0  # RDNA4: not measured, the class's value
    assert class_value({}, get_gpu("RX-7900-XTX"), 3.0) == 3.0
