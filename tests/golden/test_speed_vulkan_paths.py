"""llama.cpp's Vulkan backend: which mat-mul path a device runs, that path's peak, and the speeds it gives.

Peaks are checked against the vendors' whitepapers; speeds against published llama-bench runs, each cited
where it is used (bench/speed_tables.yaml keeps them as rows, docs/validation-speed.md the whole table).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp_vulkan import VULKAN_ENGINE, vulkan_engine
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import GpuSpec, get_gpu, load_catalog
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, prefill_seconds, resolve_constants
from llmsize.hardware.vulkan_paths import vulkan_matmul_peak, vulkan_path
from llmsize.specs.resolve import resolve

TFLOPS = 1e12
PR_13506 = "https://github.com/ggml-org/llama.cpp/pull/13506"  # RTX 3090, coopmat2 / coopmat1, May 2025
PR_17186 = "https://github.com/ggml-org/llama.cpp/pull/17186"  # RTX 5090, KHR_coopmat, Nov 2025
GEERLING_4090 = "https://github.com/geerlingguy/ai-benchmarks/issues/43"  # RTX 4090, build 7340
VULKAN_10879 = "https://github.com/ggml-org/llama.cpp/discussions/10879"  # RX 7900 XTX, RADV
VULKANFORGE = "https://github.com/maeddesg/vulkanforge/wiki/Benchmarks"  # RX 9070 XT, llama.cpp b9174


def test_each_device_gets_the_shader_family_ggml_vulkan_builds_for_it() -> None:
    assert vulkan_path(get_gpu("RTX-3090")) == "coopmat2"  # Ampere: NV_cooperative_matrix2
    assert vulkan_path(get_gpu("RTX-5090")) == "coopmat2"
    assert vulkan_path(get_gpu("RTX-2080-Ti")) == "coopmat"  # Turing: KHR only (PR #19290)
    assert vulkan_path(get_gpu("RX-7900-XTX")) == "coopmat"  # RDNA3 WMMA
    assert vulkan_path(get_gpu("Arc-Pro-B60")) == "coopmat"  # Xe2 XMX
    assert vulkan_path(get_gpu("GTX-1660")) == "scalar"  # no tensor cores
    # A run's log decides: "matrix cores: KHR_coopmat" / "none".
    assert vulkan_path(get_gpu("RTX-3090"), "coopmat") == "coopmat"
    assert vulkan_path(get_gpu("RTX-3090"), "scalar") == "scalar"


@pytest.mark.parametrize(
    ("gpu", "fp16_accumulate_tflops"),
    [
        ("RTX-2080-Ti", 107.6),  # Turing whitepaper: FP16 tensor with FP16 accumulate
        ("RTX-3090", 142.0),  # Ampere GA102 whitepaper
        ("RTX-4090", 330.3),  # Ada AD102 whitepaper
        ("RX-7900-XTX", 122.8),  # AMD: peak half precision (WMMA)
    ],
)
def test_matrix_path_peak_is_the_fp16_accumulate_rate(gpu: str, fp16_accumulate_tflops: float) -> None:
    device = get_gpu(gpu)
    assert vulkan_matmul_peak(device, vulkan_path(device)) == pytest.approx(
        fp16_accumulate_tflops * TFLOPS, rel=0.01
    )


def test_scalar_shaders_run_packed_fp16_only_where_the_alus_pack_it() -> None:
    # AMD RX 7900 XTX: 61.4 TFLOPS FP32 (AMD's product page), dual issue counted: 96 CUs x 64 lanes x 2 x 2
    # x 2.5 GHz. Single-issued packed FP16 (two halves a lane) reaches that same rate, not twice it; its
    # 122.8 FP16 is the WMMA rate (96 x 512 x 2.5 GHz). The Radeon 8060S follows the same rule: 40 CUs x
    # 256 x 2.9 GHz = 29.7, what its BF16 Vulkan rows were priced at (2 x the 14.8 it was listed at).
    assert vulkan_matmul_peak(get_gpu("RX-7900-XTX"), "scalar") == pytest.approx(61.4 * TFLOPS, rel=0.01)
    strix_halo = get_gpu("Ryzen-AI-Max-395-128GB")
    assert vulkan_matmul_peak(strix_halo, "scalar") == pytest.approx(29.7 * TFLOPS, rel=0.01)
    # RDNA2 has no dual issue: packed FP16 is twice its FP32 (RX 6950 XT: 23.65 / 47.3, AMD's page).
    assert vulkan_matmul_peak(get_gpu("RX-6950-XT"), "scalar") == pytest.approx(47.3 * TFLOPS, rel=0.01)
    # Apple and NVIDIA shader ALUs run FP16 at the FP32 rate.
    for gpu in ("M2-Ultra-192GB", "RTX-3090"):
        device = get_gpu(gpu)
        assert vulkan_matmul_peak(device, "scalar") == device.fp32_flops


@given(st.sampled_from(sorted(load_catalog(), key=lambda g: g.id)))
def test_matrix_units_are_never_slower_than_the_scalar_shaders(gpu: GpuSpec) -> None:
    scalar = vulkan_matmul_peak(gpu, "scalar")
    assert scalar > 0
    assert vulkan_matmul_peak(gpu, vulkan_path(gpu)) >= scalar


def test_only_llama_cpp_and_ollama_have_a_vulkan_profile() -> None:
    assert vulkan_engine("llama.cpp", "vulkan") == VULKAN_ENGINE
    assert vulkan_engine("ollama", "vulkan") == VULKAN_ENGINE
    assert vulkan_engine("vllm", "vulkan") == "vllm"
    assert vulkan_engine("llama.cpp", "auto") == "llama.cpp"


def _rate(
    model: str,
    quant: str,
    gpu: str,
    prompt: int,
    flash_attn: str,
    backend: str = "vulkan",
    engine: str | None = None,
) -> tuple[float, float]:
    """(prompt tokens/s at `prompt`, one decode step's tokens/s at 64 cached tokens, as in a tg128)."""
    spec = resolve(model)
    wl = Workload.model_validate(
        {
            "engine": "llama.cpp",
            "context": prompt + 1,
            "prompt_tokens": prompt,
            "quant": quant,
            "flash_attn": flash_attn,
            "backend": backend,
        }
    )
    inputs, device = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine), get_gpu(gpu)
    c = resolve_constants(inputs, device)
    pp, _ = prefill_seconds(inputs, device, c, prompt)
    step, _ = decode_step(inputs, device, c, 64)
    return prompt / pp, 1 / step


def test_rtx4090_llama32_3b_pp512_on_vulkan() -> None:
    # geerlingguy, build 7340 (Vulkan, -fa off by default): Llama-3.2-3B-Instruct Q4_K_M pp512 20,323.29 t/s.
    pp, _ = _rate("Llama-3.2-3B-Instruct", "Q4_K_M", "RTX-4090", 512, "off")
    assert pp == pytest.approx(20323.29, rel=0.2), GEERLING_4090


def test_rtx3090_coopmat2_flash_attention_pp512() -> None:
    # 0cc4m, RTX 3090 NV_coopmat2, Llama-3.1-8B Q4_0, llama-bench -fa 1: pp512 4,569.20 t/s.
    pp, _ = _rate("Llama-3.1-8B", "Q4_0", "RTX-3090", 512, "on")
    assert pp == pytest.approx(4569.20, rel=0.2), PR_13506


def test_rtx5090_khr_coopmat_qwen14b_pp2048_and_tg128() -> None:
    # jeffbolznv, RTX 5090 "matrix cores: KHR_coopmat", qwen2 14B Q4_K_M -fa 1: pp2048 3,236.64 t/s,
    # tg128 115.69 t/s (DeepSeek-R1-Distill-Qwen-14B in the author's model list).
    pp, tg = _rate(
        "DeepSeek-R1-Distill-Qwen-14B", "Q4_K_M", "RTX-5090", 2048, "on", engine="llama.cpp-vulkan-coopmat1"
    )
    assert pp == pytest.approx(3236.64, rel=0.2), PR_17186
    assert tg == pytest.approx(115.69, rel=0.25), PR_17186


def test_discrete_rdna_prompts_at_their_wmma_share() -> None:
    # RX 7900 XTX, Vulkan RADV, Llama 2 7B Q4_0, no flash attention: pp512 3,727 t/s (as quoted from the
    # scoreboard discussion).
    pp, _ = _rate("Llama-2-7b", "Q4_0", "RX-7900-XTX", 512, "off")
    assert pp == pytest.approx(3727, rel=0.2), VULKAN_10879
    # RX 9070 XT, llama.cpp b9174 KHR_coopmat, -fa 1: Qwen3-8B Q4_K_M at ~512 tokens 4,472 t/s.
    pp, _ = _rate("Qwen3-8B", "Q4_K_M", "RX-9070-XT", 512, "on")
    assert pp == pytest.approx(4472, rel=0.2), VULKANFORGE


def test_vulkan_prompts_run_below_cuda_mmq_on_geforce() -> None:
    # CUDA's MMQ peaks at the int8 rate, Vulkan's coopmat2 at the FP16-accumulate rate (half of it).
    vulkan, _ = _rate("Llama-3.1-8B", "Q4_0", "RTX-3090", 512, "on")
    cuda, _ = _rate("Llama-3.1-8B", "Q4_0", "RTX-3090", 512, "on", backend="auto")
    assert vulkan < cuda


def test_cli_backend_vulkan_changes_speed_not_memory() -> None:
    args = [
        "estimate",
        "Llama-3.1-8B",
        "--quant",
        "Q4_K_M",
        "--engine",
        "llama.cpp",
        "--gpu",
        "RTX-3090",
        "--format",
        "json",
    ]
    cuda = CliRunner().invoke(app, args)
    vulkan = CliRunner().invoke(app, [*args, "--backend", "vulkan"])
    assert cuda.exit_code == 0 and vulkan.exit_code == 0, vulkan.output
    a, b = json.loads(cuda.stdout), json.loads(vulkan.stdout)
    assert b["workload"]["backend"] == "vulkan"
    assert a["memory"] == b["memory"]
    assert b["gpus"][0]["ttft_s"] != a["gpus"][0]["ttft_s"]
    # No CUDA graphs: each dependent dispatch waits on a pipeline barrier (a larger per-layer latency).
    assert b["gpus"][0]["decode_tokens_per_s"] < a["gpus"][0]["decode_tokens_per_s"]
    bad = CliRunner().invoke(app, [*args, "--backend", "opencl"])
    assert bad.exit_code == 2
