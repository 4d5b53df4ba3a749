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
from llmsize.hardware.speed_profiles import class_value, engine_profile
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
    assert class_value(table, get_gpu("RX-9070-XT"), 0.0) == 2.0  # RDNA4 is not RDNA3: the class's value
    assert class_value({}, get_gpu("RX-7900-XTX"), 3.0) == 3.0


# RDNA 3.5 (Strix Halo's Radeon 8060S, gfx1151): its own measured floor. 941 serialized one-block
# dispatches replayed as a HIP graph take 1.8069 us a dispatch (HIP direct 2.0087, Vulkan command buffer
# 0.0436): shisa-ai/hipEngine's dispatch-floor comparison, TheRock ROCm.
HIPENGINE_GFX1151 = ("https://github.com/shisa-ai/hipEngine/blob/e6edda35b94841390a0027f5a8bf56272e83d966/"
                     "benchmarks/micro/results/gfx1151/strix-halo/dispatch-floor-comparison.json")
THEROCK_5882 = "https://blog.tosukui.xyz/posts/gmktec-ryzen-ai-rocm-therock"  # llama-bench, HIP, build 5882


def test_rdna35_hip_graphs_pay_the_gfx1151_floor_and_vulkan_does_not() -> None:
    strix = get_gpu("Ryzen-AI-Max-395-128GB")
    hip = engine_profile("llama.cpp")
    assert class_value(hip.gpu_per_node_by_class, strix, 0.0) == pytest.approx(1.8069e-6, rel=1e-3), \
        HIPENGINE_GFX1151
    # The gfx1100 floor (ROCm/rocm-systems#10834: 3.865 us) stays RDNA3's; RDNA 3.5 is not RDNA3.
    assert class_value(hip.gpu_per_node_by_class, get_gpu("RX-7900-XTX"), 0.0) == pytest.approx(3.865e-6)
    # Vulkan command-buffer replay is not HIP graph replay: its profile keeps its own latency.
    vulkan = engine_profile("llama.cpp-vulkan")
    assert class_value(vulkan.gpu_per_node_by_class, strix, -1.0) == -1.0
    assert class_value(vulkan.gpu_per_layer_by_class, strix, -1.0) == -1.0


@pytest.mark.parametrize(("model", "quant", "published"), [
    ("Llama-2-7b", "Q4_0", 47.92),    # tg128
    ("Qwen3-32B", "Q4_K_M", 9.91),    # tg128
])
def test_strix_halo_hip_dense_decode_with_the_gfx1151_floor(model: str, quant: str, published: float) -> None:
    # THEROCK_5882: dense, bandwidth-bound models; the floor adds ~1 ms a token to the 7B.
    predicted = _tokens_per_s(model, quant, "Ryzen-AI-Max-395-128GB", "llama.cpp", 0)
    assert predicted == pytest.approx(published, rel=0.10), THEROCK_5882


# RDNA4 (gfx1201): 512 serialized one-workitem kernels captured into a hipGraph and replayed take 2.147 us a
# dispatch on a Radeon AI PRO R9700, under ROCm 7.14 and ROCm 10.0 alike (comment of 2026-08-27 on the
# parent issue of ROCm/rocm-systems#10834).
ROCM_6409 = "https://github.com/ROCm/legacy-rocm-build/issues/6409"
# kyuz0's R9700 llama-bench logs, ROCm 7.2.2 toolbox, build 660b1b4bd (8990), one card, -fa 1.
KYUZ0_R9700 = "https://github.com/kyuz0/amd-r9700-ai-toolboxes/tree/703c876e9fbe1e3b619b8e9168d9315c0f9f2047/benchmark/results"


def test_rdna4_hip_graphs_pay_the_gfx1201_floor() -> None:
    hip = engine_profile("llama.cpp")
    for card in ("Radeon-AI-PRO-R9700", "RX-9070-XT"):  # the same Navi 48 die
        floor = class_value(hip.gpu_per_node_by_class, get_gpu(card), 0.0)
        assert floor == pytest.approx(2.147e-6), ROCM_6409
    # The floor is RDNA4's own, not the GDDR class's CUDA-calibrated per-node time.
    assert class_value(hip.gpu_per_node_by_class, get_gpu("RTX-4090"), 0.0) != pytest.approx(2.147e-6)


@pytest.mark.parametrize(("model", "quant", "published"), [
    ("gemma-4-31B-it", "UD-Q4_K_XL", 25.55),   # gemma-4-31B-it-UD-Q4_K_XL__rocm7_2_2__fa1__single.log, tg128
    ("Llama-2-7b", "Q4_0", 118.5),             # llama-2-7b.Q4_0__rocm7_2_2__fa1__single.log, tg128
])
def test_r9700_dense_decode_with_the_gfx1201_floor(model: str, quant: str, published: float) -> None:
    # Dense models, bandwidth-bound: the floor is ~1.5 ms a token of the 7B's ~8.4 ms.
    predicted = _tokens_per_s(model, quant, "Radeon-AI-PRO-R9700", "llama.cpp", 0)
    assert predicted == pytest.approx(published, rel=0.10), KYUZ0_R9700
