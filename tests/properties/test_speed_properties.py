"""Invariants of the speed model: more context or more concurrency never makes one sequence faster."""

from __future__ import annotations

import math

from hypothesis import assume, given
from hypothesis import strategies as st

from llmsize.estimate.engines.llama_cpp_mmq_tiles import mmq_x_for, padded_columns
from llmsize.estimate.engines.llama_cpp_mmvq_columns import MMVQ_MAX_BATCH_SIZE
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.speed import SpeedInputs, decode_step, estimate_speed, resolve_constants
from llmsize.hardware.speed_profiles import expert_gemm_rate

GB = 10**9
ENGINES = st.sampled_from(["vllm", "sglang", "transformers", "llama.cpp"])
KERNELS = st.sampled_from(["16bit", "fp8", "int8", "int4", "awq", "gguf"])
GPUS = st.sampled_from(["A100-SXM-80GB", "H20", "RTX-4090", "M2-Ultra-192GB", "Jetson-AGX-Orin-64GB"])


def _inputs(engine: str, kernel: str, batch: int, kv_per_seq: int) -> SpeedInputs:
    return SpeedInputs(weight_bytes_per_gpu=8 * GB, active_weight_bytes_per_gpu=8 * GB,
                       kv_bytes_per_gpu=batch * kv_per_seq, active_params=8 * 10**9,
                       attention_flops_prefill=1e12, attention_flops_decode=1e9, prompt_tokens=2048,
                       batch=batch, hidden_size=4096, num_layers=32, engine=engine, kernel=kernel,
                       kv_groups=4, context=2048)


@given(ENGINES, KERNELS, GPUS, st.integers(1, 100_000), st.integers(1, 100_000))
def test_longer_context_is_never_faster(engine: str, kernel: str, gpu: str, a: int, b: int) -> None:
    spec = get_gpu(gpu)
    inputs = _inputs(engine, kernel, 1, GB // 4)
    c = resolve_constants(inputs, spec)
    lo, hi = sorted((a, b))
    assert decode_step(inputs, spec, c, lo)[0] <= decode_step(inputs, spec, c, hi)[0]


@given(ENGINES, KERNELS, GPUS, st.integers(1, 256), st.integers(1, 256))
def test_concurrency_trades_per_sequence_speed_for_throughput(engine: str, kernel: str, gpu: str,
                                                              a: int, b: int) -> None:
    spec = get_gpu(gpu)
    lo, hi = sorted((a, b))
    if engine == "llama.cpp":
        # llama.cpp CUDA runs more than 8 columns as whole MMQ tiles (mmq.cuh mul_mat_q_case: the fewest
        # tiles, then the narrowest): 129 sequences compute two 72-wide tiles where 128 compute one, so
        # aggregate throughput dips where the tile count steps up, as the kernel's does. Throughput grows
        # between levels the same tiling covers.
        assume(_mmq_tiles(lo) == _mmq_tiles(hi))
    small = estimate_speed(_inputs(engine, kernel, lo, GB // 8), spec)
    big = estimate_speed(_inputs(engine, kernel, hi, GB // 8), spec)
    assert big.decode_tokens_per_s <= small.decode_tokens_per_s * (1 + 1e-9)
    assert big.aggregate_tokens_per_s >= small.aggregate_tokens_per_s * (1 - 1e-9)


def _mmq_tiles(columns: int) -> int:
    """MMQ column tiles a dense mat-mul of `columns` sequences runs (0: the mat-vec kernel, up to 8)."""
    if columns <= MMVQ_MAX_BATCH_SIZE:
        return 0
    mmq_x = mmq_x_for(columns)
    return padded_columns(columns, mmq_x) // mmq_x


@given(chunk=st.integers(1, 16384), share=st.floats(0.001, 1.0), half=st.floats(0.0, 1024.0),
       more=st.integers(1, 16384))
def test_expert_gemm_rate_is_a_share_that_grows_with_tokens_per_expert(chunk: int, share: float, half: float,
                                                                      more: int) -> None:
    """Routed-expert GEMMs never beat dense ones of a chunk; more tokens per expert never slow them."""
    rate = expert_gemm_rate(chunk, share, half)
    assert 0 < rate <= 1
    assert math.isclose(expert_gemm_rate(chunk, 1.0, half), 1.0)
    # the expert GEMM's own rate (relative to a full tile) rises with the tokens it gets
    bigger = expert_gemm_rate(chunk + more, share, half) * (chunk + more) / (chunk + more + half)
    assert bigger >= rate * chunk / (chunk + half) - 1e-12


_KIND_INPUTS: dict[tuple[str, str], SpeedInputs] = {}


def _kind_inputs(model: str, engine: str) -> SpeedInputs:
    """Speed inputs of a real spec of each layer kind (sliding window, GDN/Mamba hybrid, MLA, MoE)."""
    if (model, engine) not in _KIND_INPUTS:
        from llmsize.estimate.core import estimate
        from llmsize.estimate.workload import Workload
        from llmsize.hardware.plan import speed_inputs
        from llmsize.specs.resolve import resolve

        spec = resolve(model)
        wl = Workload.model_validate({"engine": engine, "context": 16384, "batch": 4})
        _KIND_INPUTS[model, engine] = speed_inputs(spec, wl, estimate(spec, wl), engine=engine)
    return _KIND_INPUTS[model, engine]


@given(st.sampled_from(["gemma-3-4b-it", "gpt-oss-20b", "Qwen3.5-35B-A3B", "NVIDIA-Nemotron-3-Nano-30B-A3B",
                        "Qwen3-30B-A3B"]),
       st.sampled_from(["vllm", "llama.cpp"]), st.integers(0, 200_000), st.integers(0, 200_000))
def test_per_kind_reads_never_shrink_with_the_context(model: str, engine: str, a: int, b: int) -> None:
    inputs = _kind_inputs(model, engine)
    gpu = get_gpu("H100-SXM-80GB")
    c = resolve_constants(inputs, gpu)
    lo, hi = sorted((a, b))
    assert decode_step(inputs, gpu, c, lo)[0] <= decode_step(inputs, gpu, c, hi)[0] + 1e-12


ROUTING = st.sampled_from([(4, 32), (8, 128), (2, 8)])


@given(GPUS, KERNELS, st.integers(16, 4096), st.floats(0.0, 0.95), ROUTING)
def test_expert_weight_stream_never_speeds_a_moe_prefill(gpu: str, kernel: str, prompt: int, share: float,
                                                         routing: tuple[int, int]) -> None:
    # The routed experts' weight stream (llama.cpp, few tokens per expert) only ever adds to a prefill.
    from llmsize.hardware.speed import prefill_seconds

    k, experts = routing
    base = SpeedInputs(weight_bytes_per_gpu=12 * GB, active_weight_bytes_per_gpu=3 * GB,
                       kv_bytes_per_gpu=GB, active_params=4 * 10**9, attention_flops_prefill=1e12,
                       attention_flops_decode=1e9, prompt_tokens=prompt, hidden_size=2880, num_layers=24,
                       engine="llama.cpp", kernel=kernel, routed_active_params=2 * 10**9,
                       expert_pick_share=k / experts, experts_per_token=k)
    streamed = base.model_copy(update={"routed_weight_bytes_per_gpu": int(share * 12 * GB)})
    spec = get_gpu(gpu)
    plain, _ = prefill_seconds(base, spec, resolve_constants(base, spec))
    with_stream, _ = prefill_seconds(streamed, spec, resolve_constants(streamed, spec))
    assert with_stream >= plain * (1 - 1e-9)
