"""llama.cpp SYCL before PR #22149 (estimate/engines/llama_cpp_sycl_ssm_host.py): Mamba-2 scans on the CPU.

ggml-sycl's supports_op had no GGML_OP_SSM_SCAN until PR #22149 (merged 2026-05-07), so every Mamba-2 layer
of a decode step is a CPU split between two SYCL ones. The published figure below (kyuz0's B70 run of build
9039) never fed the pricing: the mechanism is a lower bound and may not overshoot it.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_sycl_ssm_host as ssm_host
from llmsize.estimate.workload import Workload
from llmsize.hardware import host_split
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve

NEMOTRON = "NVIDIA-Nemotron-3-Nano-30B-A3B"
KYUZ0_LOG = ("https://github.com/kyuz0/intel-b70-ai-toolboxes/blob/8892644b6a924e7606ab59679b5d03f7b56ffedf/"
             "benchmark/llamacpp-bench-b70/Nemotron-3-Nano-30B-A3B-UD-Q4_K_XL__sycl__fa1.log")


def _decode(model: str, version: str | None, backend: str = "sycl", gpu: str = "Arc-Pro-B70",
            quant: str = "UD-Q4_K_XL") -> tuple[float, tuple[int, int, int]]:
    data = {"engine": "llama.cpp", "context": 129, "prompt_tokens": 1, "quant": quant, "backend": backend}
    if version:
        data["engine_version"] = version
    spec, wl = resolve(model), Workload.model_validate(data)
    inputs, device = speed_inputs(spec, wl, estimate(spec, wl), Layout()), get_gpu(gpu)
    step, _ = decode_step(inputs, device, resolve_constants(inputs, device), 64)
    return step, inputs.decode_host_splits


def test_nemotron_3_nano_state_crosses_the_link_each_way() -> None:
    # NVIDIA-Nemotron-3-Nano-30B-A3B config.json: mamba_num_heads 64, mamba_head_dim 64, ssm_state_size 128,
    # n_groups 8, expand 2 x hidden 2688 -> d_inner 4096; hybrid_override_pattern has 23 'M' (Mamba-2) blocks.
    spec = resolve(NEMOTRON)
    assert ssm_host.mamba2_layers(spec) == 23
    state = 64 * 64 * 128 * 4  # FP32 SSM state of one layer: 2 MiB
    operands = (4096 + 2 * 64 + 2 * 8 * 128) * 4  # x, dt, A, B, C
    result = 4096 * 4 + state  # y, then the new state
    splits = ssm_host.decode_splits(spec, 1)
    assert splits == (46, 23 * (state + operands + result), 23 * (state + 3 * result))


def test_only_sycl_builds_before_the_port_split() -> None:
    assert ssm_host.scans_on_host(9039) and not ssm_host.scans_on_host(ssm_host.SSM_SCAN_BUILD)
    assert not ssm_host.scans_on_host(None)  # no --engine-version: the current build
    assert _decode(NEMOTRON, "b9039")[1][0] == 46
    assert _decode(NEMOTRON, "b9400")[1] == (0, 0, 0)
    assert _decode(NEMOTRON, "b9039", backend="vulkan")[1] == (0, 0, 0)  # ggml-vulkan runs ssm_scan
    # Gated DeltaNet was supported on SYCL at b9039 (GGML_OP_GATED_DELTA_NET: return true): no split.
    assert _decode("Qwen3.6-35B-A3B", "b9039")[1] == (0, 0, 0)


def test_arc_pro_b70_nemotron_3_nano_tg128_on_build_9039() -> None:
    # kyuz0 (KYUZ0_LOG): "| nemotron_h_moe 31B.A3.5B Q4_K - Medium | 21.26 GiB | 31.58 B | SYCL | 99 | 1 | 0
    # | tg128 | 30.20 ± 0.01 |", "build: 74d6248f7 (9039)".
    published_s = 1 / 30.20
    before, _ = _decode(NEMOTRON, "b9039")
    after, _ = _decode(NEMOTRON, "b9400")
    # 23 layers x (2 round trips at kekzl/imp#1654's 31.35 us, ~4 MiB over one direction of the B70's
    # PCIe 5.0 x16 (64 GB/s at 0.8), ~8 MiB through dual-channel DDR5-5600 (89.6 GB/s at 0.8)).
    mib = 2**20
    expected = 46 * 31.35e-6 + 23 * 4.05 * mib / 51.2e9 + 23 * 8.05 * mib / 71.68e9
    assert before - after == pytest.approx(expected, rel=0.02)
    # A lower bound (Level Zero waits, the staging malloc and the lost CPU/GPU overlap are not priced):
    # the build's token stays faster than the published one.
    assert before < published_s


def test_unified_memory_moves_nothing_over_a_link() -> None:
    splits = (46, 97_000_000, 194_000_000)
    discrete, unified = get_gpu("Arc-Pro-B70"), get_gpu("DGX-Spark")
    assert unified.memory.unified and not discrete.memory.unified
    # Same round trips and host passes; only the discrete card pays PCIe (64 GB/s one way at 0.8).
    gap = host_split.decode_seconds(splits, discrete) - host_split.decode_seconds(splits, unified)
    assert gap == pytest.approx(97_000_000 / 51.2e9)
    assert host_split.decode_seconds((0, 0, 0), discrete) == 0.0
