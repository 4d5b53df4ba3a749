"""Offload and occupancy in the speed model: llama.cpp layers in host RAM, SM-bounded batch-1 bandwidth."""

from __future__ import annotations

import pytest

from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.hardware.speed import Efficiency, SpeedEstimate
from llmsize.hardware.speed_profiles import (
    KERNEL_BANDWIDTH,
    SM_STREAM_BYTES_PER_S,
    device_class,
    kernel_bandwidth,
)
from llmsize.specs.resolve import resolve


def _llama_cpp_speed(
    model: str,
    gpu: str,
    gpu_layers: int | None,
    eff: Efficiency | None = None,
    quant: str | None = None,
    context: int = 512,
) -> SpeedEstimate:
    spec = resolve(model)
    data: dict[str, object] = {"engine": "llama.cpp", "context": context, "gpu_layers": gpu_layers}
    if quant:
        data["quant"] = quant
    planner = Planner(spec, Workload.model_validate(data), efficiency=eff or Efficiency())
    row = planner.plan(get_gpu(gpu), 1, limits=False)
    assert row.fits, row.reason
    layout = planner.choose_layout(get_gpu(gpu), 1)[0]
    wl = planner.workload(layout)
    return planner.speed(get_gpu(gpu), layout, planner.estimate(wl), wl)


def test_h20_batch1_bandwidth_is_bounded_by_its_sms() -> None:
    """78 SMs cannot keep 4.0 TB/s of HBM3 busy with one sequence's GEMVs (Little's law)."""
    h20, h100, a100 = get_gpu("H20"), get_gpu("H100-SXM-80GB"), get_gpu("A100-SXM-80GB")
    assert h20.compute_units == 78
    achieved_h20 = kernel_bandwidth("16bit", h20) * h20.bandwidth_bytes_per_s
    assert achieved_h20 == pytest.approx(78 * SM_STREAM_BYTES_PER_S)
    # The H20's datasheet bandwidth is higher than the H100's, yet batch-1 decode reads slower.
    assert h20.bandwidth_bytes_per_s > h100.bandwidth_bytes_per_s
    assert achieved_h20 < kernel_bandwidth("16bit", h100) * h100.bandwidth_bytes_per_s
    # Parts with SMs to spare keep their kernel's own share.
    for gpu in (h100, a100):
        assert kernel_bandwidth("16bit", gpu) == KERNEL_BANDWIDTH[("16bit", device_class(gpu))]


def test_layers_in_host_ram_slow_decode_monotonically() -> None:
    speeds = [
        _llama_cpp_speed("Llama-3.1-8B-Instruct-GGUF-Q4_K_M", "RTX-4090", n).decode_tokens_per_s
        for n in (None, 28, 16, 0)
    ]
    assert speeds == sorted(speeds, reverse=True)
    assert speeds[0] > 3 * speeds[-1]  # ~1 TB/s of GDDR6X against ~72 GB/s of DDR5


def test_offloaded_decode_is_host_bound_and_scales_with_host_bandwidth() -> None:
    slow = _llama_cpp_speed(
        "Llama-3.1-8B-Instruct-GGUF-Q4_K_M", "RTX-4090", 0, Efficiency(host_bandwidth_gb_s=51.2)
    )
    fast = _llama_cpp_speed(
        "Llama-3.1-8B-Instruct-GGUF-Q4_K_M", "RTX-4090", 0, Efficiency(host_bandwidth_gb_s=102.4)
    )
    assert slow.decode_bound == "host memory"
    assert slow.host_s == pytest.approx(2 * fast.host_s)
    assert fast.decode_tokens_per_s > 1.7 * slow.decode_tokens_per_s
    assert any("51.2 GB/s" in n for n in slow.notes)


def test_all_layers_on_the_gpu_read_nothing_from_the_host() -> None:
    full = _llama_cpp_speed("Llama-3.1-8B-Instruct-GGUF-Q4_K_M", "RTX-4090", None)
    assert full.host_s == 0
    assert full.constants is not None and full.constants.host_bandwidth_bytes_per_s == 0


def test_prompt_uploads_host_weights_over_pcie_per_ubatch() -> None:
    """ggml offloads matmuls of >= 32-token batches to the GPU, copying host-resident weights each ubatch."""
    part = _llama_cpp_speed("Llama-3.1-8B-Instruct-GGUF-Q4_K_M", "RTX-4090", 16, context=4096)
    full = _llama_cpp_speed("Llama-3.1-8B-Instruct-GGUF-Q4_K_M", "RTX-4090", None, context=4096)
    c = part.constants
    assert c is not None and c.upload_bytes_per_s > 0
    assert part.ttft_s > full.ttft_s


def test_cpu_decode_matches_llama_cpp_issue_4716() -> None:
    """Mixtral-8x7B Q8_0 on the CPU with dual-channel 3600 MT/s memory (57.6 GB/s): 3.37 t/s on a
    Ryzen 7950X, 3.58 t/s on a 5900X (https://github.com/ggml-org/llama.cpp/issues/4716). These two
    rows set HOST_BANDWIDTH_FRACTION, so this pins the calibration rather than validating it."""
    speed = _llama_cpp_speed(
        "Mixtral-8x7B-v0.1", "RTX-4090", 0, Efficiency(host_bandwidth_gb_s=57.6), quant="gguf:Q8_0"
    )
    assert 3.37 * 0.85 <= speed.decode_tokens_per_s <= 3.58 * 1.15


def test_unified_memory_offload_reads_at_the_device_bandwidth() -> None:
    mac = "M2-Ultra-192GB"
    part = _llama_cpp_speed("Llama-3.1-8B-Instruct-GGUF-Q4_K_M", mac, 16)
    c = part.constants
    assert c is not None and c.upload_bytes_per_s == 0
    assert c.host_bandwidth_bytes_per_s == pytest.approx(
        get_gpu(mac).bandwidth_bytes_per_s * c.bandwidth_fraction
    )


def test_cpu_experts_are_read_only_when_picked() -> None:
    """With experts in host RAM (--n-cpu-moe), one token reads k of E of them; a batch reads more."""
    from llmsize.hardware.plan import expert_read_fraction

    spec = resolve("Qwen3-30B-A3B")
    assert spec.num_experts and spec.num_experts_per_tok
    one = expert_read_fraction(spec, 1)
    assert one == pytest.approx(spec.num_experts_per_tok / spec.num_experts)
    shares = [expert_read_fraction(spec, b) for b in (1, 4, 16, 64, 256)]
    assert shares == sorted(shares) and shares[-1] <= 1.0
    assert expert_read_fraction(resolve("Llama-3.1-8B-Instruct"), 8) == 1.0


def test_n_cpu_moe_reads_only_the_picked_experts_from_host_ram() -> None:
    """--n-cpu-moe keeps experts in RAM (a token reads k of E of them) and the rest on the GPU."""
    spec = resolve("Qwen3-30B-A3B")
    gpu = get_gpu("RTX-4090")

    def speed(**update: object) -> SpeedEstimate:
        data: dict[str, object] = {"engine": "llama.cpp", "context": 512, "quant": "Q4_K_M", **update}
        planner = Planner(spec, Workload.model_validate(data))
        layout = planner.choose_layout(gpu, 1)[0]
        wl = planner.workload(layout)
        return planner.speed(gpu, layout, planner.estimate(wl), wl)

    experts = speed(n_cpu_moe=spec.num_layers)
    layers = speed(gpu_layers=0)
    assert experts.host_s > 0 and experts.decode_bound == "host memory"
    # Attention, norms and the head stay on the GPU: less from RAM than with every layer there.
    assert experts.host_s < layers.host_s
    assert experts.decode_tokens_per_s > layers.decode_tokens_per_s
