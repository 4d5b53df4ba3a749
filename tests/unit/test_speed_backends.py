"""llama.cpp's kernel paths in the speed model: MMQ at the int8 rate, cuBLAS for 16-bit weights, HIP
without graphs, and the routed experts' weight stream of a MoE prefill."""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import llama_cpp_rdna35 as rdna35
from llmsize.estimate.engines.llama_cpp import HIP_LAUNCH_S, HIP_NO_GRAPHS_SPEED, SPEED
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import routed_weight_share
from llmsize.hardware.speed import SpeedInputs, decode_step, resolve_constants
from llmsize.hardware.speed_profiles import prefill_compute
from llmsize.specs.resolve import resolve

GB = 10**9


def _inputs(engine: str, kernel: str) -> SpeedInputs:
    return SpeedInputs(
        weight_bytes_per_gpu=4 * GB,
        active_weight_bytes_per_gpu=4 * GB,
        kv_bytes_per_gpu=0,
        active_params=7 * 10**9,
        attention_flops_prefill=0.0,
        attention_flops_decode=0.0,
        prompt_tokens=512,
        hidden_size=4096,
        num_layers=32,
        engine=engine,
        kernel=kernel,
    )


def test_quantized_weights_run_at_the_int8_rate_and_16bit_at_the_fp16_rate() -> None:
    gpu = get_gpu("RTX-4090")
    q = resolve_constants(_inputs("llama.cpp", "gguf"), gpu)
    f = resolve_constants(_inputs("llama.cpp", "16bit"), gpu)
    assert (q.peak_dtype, f.peak_dtype) == ("int8", "")
    assert q.compute_fraction == SPEED.prefill_compute["gddr"]
    assert f.compute_fraction == SPEED.prefill_compute_16bit["gddr"]
    # A GeForce card's int8 figure is 4x its FP16 (FP32-accumulate) one: the two paths differ by the
    # share ratio times that, not by the catalog alone.
    assert gpu.flops_for("int8") == pytest.approx(4 * gpu.flops_for("fp16"), rel=0.01)


def test_engines_without_a_quantized_path_keep_one_table() -> None:
    gpu = get_gpu("H100-SXM-80GB")
    assert prefill_compute("vllm", gpu, quantized=False) == prefill_compute("vllm", gpu, quantized=True)
    assert resolve_constants(_inputs("vllm", "int4"), gpu).peak_dtype == ""


def test_strix_halo_vulkan_has_its_own_share() -> None:
    # HIP builds from PR #17576 run WMMA MMQ at its own share (llama_cpp_rdna35.py); older ones and the
    # BF16 weights keep the Strix Halo class share that its Vulkan rows set.
    strix = get_gpu("Ryzen-AI-Max-395-128GB")
    assert prefill_compute("llama.cpp", strix) == rdna35.RDNA35_MMQ_SHARE
    older = prefill_compute("llama.cpp", strix, without=rdna35.WMMA_MMQ_KEYS)
    assert older == SPEED.prefill_compute["amd-lpddr"]


def test_hip_without_graphs_launches_every_kernel_from_the_cpu() -> None:
    gpu = get_gpu("MI300X")
    c = resolve_constants(_inputs(HIP_NO_GRAPHS_SPEED.engine, "gguf"), gpu)
    _, parts = decode_step(_inputs(HIP_NO_GRAPHS_SPEED.engine, "gguf"), gpu, c)
    assert not HIP_NO_GRAPHS_SPEED.graphs
    # 19 graph nodes a dense layer + a q8_1 quantization before each of its 7 quantized mat-vecs
    assert parts["cpu"] == pytest.approx(32 * 26 * HIP_LAUNCH_S)
    with_graphs = resolve_constants(_inputs("llama.cpp", "gguf"), gpu)
    assert with_graphs.launch_per_layer_s == 0.0


def test_routed_weight_share() -> None:
    assert routed_weight_share(resolve("Llama-2-7b")) == 0.0
    share = routed_weight_share(resolve("Qwen3-30B-A3B"))
    assert 0.85 < share < 0.99  # 128 experts of 48 layers hold nearly all of its 30.5 B parameters
