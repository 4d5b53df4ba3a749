"""Invariant: on NVLink-joined GPUs, splitting a bandwidth-bound decode over two GPUs never slows it.

Each GPU reads half the weights and half the KV heads; the all-reduces cost a few tens of
microseconds a layer. Where a layer's weights take longer to stream than its two all-reduces
(here: 400 MB to 2 GB a layer, 7B to 72B 16-bit layers, 32B-72B int8), tensor parallelism 2 is at least as
fast as one GPU, with or without CUDA graphs (an eager step's CPU launches are per rank, and the
all-reduces run in the GPU's gaps between them)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.speed import SpeedInputs, decode_step, resolve_constants

MB = 10**6
ENGINES = st.sampled_from(["vllm", "vllm-0.6", "vllm-eager", "vllm-0.6-eager", "sglang", "sglang-0.4"])
KERNELS = st.sampled_from(["16bit", "fp8", "int8", "int4", "awq"])
# The NVLink parts of the published tensor-parallel tables (bench/speed_tables.yaml).
NVLINK_GPUS = st.sampled_from(["A100-SXM-80GB", "H100-SXM-80GB", "H20"])


def _inputs(
    tp: int, engine: str, kernel: str, layers: int, layer_bytes: int, kv_token_bytes: int, context: int
) -> SpeedInputs:
    weights = layers * layer_bytes // tp
    return SpeedInputs(
        weight_bytes_per_gpu=weights,
        active_weight_bytes_per_gpu=weights,
        kv_bytes_per_gpu=kv_token_bytes * context // tp,
        active_params=layers * layer_bytes,
        attention_flops_prefill=1e12,
        attention_flops_decode=4.0 * layers * 8192 * context,
        prompt_tokens=context,
        hidden_size=8192,
        num_layers=layers,
        tp=tp,
        engine=engine,
        kernel=kernel,
        kv_groups=8,
        context=context,
    )


@given(
    ENGINES,
    KERNELS,
    NVLINK_GPUS,
    st.integers(24, 96),
    st.integers(400, 2000),
    st.integers(32, 320),
    st.integers(1, 32768),
)
def test_tp2_on_nvlink_is_never_slower_than_one_gpu(
    engine: str, kernel: str, gpu_id: str, layers: int, layer_mb: int, kv_kb: int, context: int
) -> None:
    gpu = get_gpu(gpu_id)
    one = _inputs(1, engine, kernel, layers, layer_mb * MB, kv_kb * 1000, context)
    two = _inputs(2, engine, kernel, layers, layer_mb * MB, kv_kb * 1000, context)
    step_one = decode_step(one, gpu, resolve_constants(one, gpu))[0]
    step_two = decode_step(two, gpu, resolve_constants(two, gpu))[0]
    assert step_two <= step_one
