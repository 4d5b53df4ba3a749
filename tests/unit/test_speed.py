"""Roofline speed model: decode memory-bound, prefill compute-bound, classes, efficiency factors."""

from __future__ import annotations

import pytest

from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.speed import (
    Efficiency,
    SpeedInputs,
    attention_pair_count,
    estimate_speed,
    speed_class,
)

GB = 10**9


def _inputs(**update: object) -> SpeedInputs:
    base: dict[str, object] = {
        "weight_bytes_per_gpu": 14 * GB, "active_weight_bytes_per_gpu": 14 * GB, "kv_bytes_per_gpu": 0,
        "active_params": 7 * 10**9, "attention_flops_prefill": 0.0, "attention_flops_decode": 0.0,
        "prompt_tokens": 1000, "batch": 1, "hidden_size": 4096, "num_layers": 32,
    }
    base.update(update)
    return SpeedInputs.model_validate(base)


@pytest.mark.parametrize(
    ("tps", "label"),
    [(0.5, "too slow to read along"), (9.99, "too slow to read along"), (10, "slow"), (19.9, "slow"),
     (20, "comfortable"), (29.9, "comfortable"), (30, "fluent"), (49.9, "fluent"), (50, "fast"),
     (99.9, "fast"), (100, "instant"), (2000, "instant")],
)
def test_speed_classes(tps: float, label: str) -> None:
    assert speed_class(tps) == label


def test_decode_is_overhead_plus_bandwidth_over_bytes_read() -> None:
    h100 = get_gpu("h100")
    eff = Efficiency(bandwidth=0.7)
    # vLLM 0.8-0.13 (synchronous scheduling): the host step, then the GPU's.
    speed = estimate_speed(_inputs(engine="vllm-0.13"), h100, eff)
    c = speed.constants
    assert c is not None and c.bandwidth_fraction == 0.7 and not c.step_overlapped
    # 14 GB of bf16 weights read once per token at 70% of 3.35 TB/s, plus vLLM's step overhead.
    expected = c.step_fixed_s + 32 * c.gpu_per_layer_s + 14e9 / (3350e9 * 0.7)
    assert speed.decode_bound == "memory"
    assert speed.tpot_s == pytest.approx(expected)
    assert speed.tpot_s == pytest.approx(1 / speed.decode_tokens_per_s)
    assert speed.speed_class == "instant"


def test_step_overhead_override_is_used() -> None:
    h100 = get_gpu("h100")
    base = estimate_speed(_inputs(engine="vllm-0.13"), h100, Efficiency(step_overhead_s=0.0))
    slower = estimate_speed(_inputs(engine="vllm-0.13"), h100, Efficiency(step_overhead_s=0.01))
    assert slower.tpot_s == pytest.approx(base.tpot_s + 0.01)


def test_async_scheduling_hides_the_host_step_behind_the_gpu() -> None:
    """vLLM 0.14+ schedules step N+1 while the GPU runs step N (estimate/engines/vllm_async.py): the host
    step costs nothing while it is shorter than the GPU's, and bounds the step once it is longer."""
    h100 = get_gpu("h100")
    gpu_only = estimate_speed(_inputs(engine="vllm-0.13"), h100, Efficiency(step_overhead_s=0.0)).tpot_s
    short_host = estimate_speed(_inputs(), h100, Efficiency(step_overhead_s=0.5 * gpu_only)).tpot_s
    long_host = estimate_speed(_inputs(), h100, Efficiency(step_overhead_s=3 * gpu_only)).tpot_s
    sync = _inputs(engine="vllm-0.13")
    sync_long = estimate_speed(sync, h100, Efficiency(step_overhead_s=3 * gpu_only)).tpot_s
    assert short_host == pytest.approx(gpu_only)
    assert long_host == pytest.approx(3 * gpu_only)
    assert sync_long == pytest.approx(4 * gpu_only)


def test_kv_cache_of_the_batch_is_read_every_step() -> None:
    h100 = get_gpu("h100")
    eff = Efficiency(step_overhead_s=0.0)
    alone = estimate_speed(_inputs(), h100, eff)
    with_kv = estimate_speed(_inputs(kv_bytes_per_gpu=14 * GB, batch=8), h100, eff)
    layers = 32 * alone.constants.gpu_per_layer_s if alone.constants else 0.0
    assert with_kv.tpot_s - layers == pytest.approx(2 * (alone.tpot_s - layers))
    assert with_kv.aggregate_tokens_per_s == pytest.approx(8 * with_kv.decode_tokens_per_s)


def test_efficiency_factor_scales_memory_time() -> None:
    gpu = get_gpu("rtx4090")
    slow = estimate_speed(_inputs(), gpu, Efficiency(bandwidth=0.4))
    fast = estimate_speed(_inputs(), gpu, Efficiency(bandwidth=0.8))
    assert slow.memory_s == pytest.approx(2 * fast.memory_s)
    assert fast.decode_tokens_per_s > slow.decode_tokens_per_s
    assert fast.efficiency.bandwidth == 0.8


def test_large_batches_become_compute_bound() -> None:
    speed = estimate_speed(_inputs(batch=4096), get_gpu("t4"))
    assert speed.decode_bound == "compute"


def test_prefill_is_two_flops_per_parameter_and_token() -> None:
    a100 = get_gpu("a100")
    eff = Efficiency(compute=0.5, step_overhead_s=0.0)
    speed = estimate_speed(_inputs(prompt_tokens=4000), a100, eff)
    assert speed.prefill_bound == "compute"
    chunk_overhead = 32 * speed.constants.gpu_per_layer_s if speed.constants else 0.0
    assert speed.ttft_s == pytest.approx(2 * 7e9 * 4000 / (312e12 * 0.5) + chunk_overhead)
    assert speed.prefill_tokens_per_s == pytest.approx(4000 / speed.ttft_s)


def test_fp8_on_a100_uses_the_16bit_rate_and_says_so() -> None:
    speed = estimate_speed(_inputs(compute_dtype="fp8", prompt_tokens=4000), get_gpu("a100"))
    assert speed.compute_flops == pytest.approx(312e12)
    assert any("no native fp8" in n for n in speed.notes)


def test_tensor_parallel_splits_reads_and_adds_communication() -> None:
    h100 = get_gpu("h100")
    one = estimate_speed(_inputs(), h100)
    two = estimate_speed(_inputs(weight_bytes_per_gpu=7 * GB, active_weight_bytes_per_gpu=7 * GB, tp=2), h100)
    assert one.decode_tokens_per_s < two.decode_tokens_per_s < 2 * one.decode_tokens_per_s


def test_pipeline_stages_do_not_speed_up_one_sequence() -> None:
    h100 = get_gpu("h100")
    one = estimate_speed(_inputs(), h100)
    two = estimate_speed(_inputs(weight_bytes_per_gpu=7 * GB, active_weight_bytes_per_gpu=7 * GB, pp=2), h100)
    assert two.decode_tokens_per_s == pytest.approx(one.decode_tokens_per_s)


@pytest.mark.parametrize(("tokens", "window"), [(1, None), (10, None), (10, 4), (10, 10), (10, 20), (7, 1)])
def test_attention_pairs_match_brute_force(tokens: int, window: int | None) -> None:
    brute = sum(min(i, window) if window else i for i in range(1, tokens + 1))
    assert attention_pair_count(tokens, window) == brute


def test_small_allreduce_on_a_switchless_mesh_runs_at_one_peer_link() -> None:
    """8 x MI300X: each GPU reaches a peer over its own xGMI link, a seventh of the aggregate figure."""
    from llmsize.hardware.gpus import get_gpu
    from llmsize.hardware.speed import SpeedInputs, decode_step, resolve_constants

    mesh = get_gpu("MI300X")
    assert mesh.peer_link_bytes_per_s == pytest.approx(mesh.interconnect_bytes_per_s / 7)
    assert mesh.interconnect is not None
    link = mesh.interconnect.model_copy(update={"peer_links": None})
    switched = mesh.model_copy(update={"interconnect": link})
    inputs = SpeedInputs(weight_bytes_per_gpu=10**10, active_weight_bytes_per_gpu=10**10, kv_bytes_per_gpu=0,
                         active_params=7 * 10**10, attention_flops_prefill=0, attention_flops_decode=0,
                         prompt_tokens=128, batch=128, hidden_size=8192, num_layers=80, tp=8)
    comm = {}
    for name, gpu in (("mesh", mesh), ("switched", switched)):
        _, parts = decode_step(inputs, gpu, resolve_constants(inputs, gpu))
        comm[name] = parts["comm"]
    assert comm["mesh"] > 3 * comm["switched"]
