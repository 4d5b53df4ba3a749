"""Invariants of attention's rate: 8- and 4-bit weights never speed attention up, prompts never shrink."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.hardware.gpus import GpuSpec, bundled_gpus
from llmsize.hardware.speed import SpeedInputs, attention_rate, prefill_seconds, resolve_constants

GB = 10**9
GPUS = st.sampled_from([g for g in bundled_gpus() if g.flops_for("bf16") > 0])
ENGINES = st.sampled_from(["vllm", "vllm-0.6", "sglang", "transformers", "llama.cpp"])
DTYPES = st.sampled_from(["bf16", "fp16", "fp8", "int8"])


def _inputs(engine: str, dtype: str, prompt: int) -> SpeedInputs:
    return SpeedInputs(
        weight_bytes_per_gpu=8 * GB,
        active_weight_bytes_per_gpu=8 * GB,
        kv_bytes_per_gpu=GB,
        active_params=8 * 10**9,
        attention_flops_prefill=4.0 * 36 * 32 * 256 * prompt**2 / 2,
        attention_flops_decode=1e9,
        prompt_tokens=prompt,
        hidden_size=4096,
        num_layers=36,
        engine=engine,
        kernel="16bit" if dtype in ("bf16", "fp16") else dtype,
        compute_dtype=dtype,
    )


@given(GPUS, ENGINES, DTYPES)
def test_low_precision_weights_leave_attention_at_the_16bit_rate(
    gpu: GpuSpec, engine: str, dtype: str
) -> None:
    inputs = _inputs(engine, dtype, 4096)
    c = resolve_constants(inputs, gpu)
    share = c.attention_fraction or c.compute_fraction
    # llama.cpp's CUDA flash attention accumulates P·V in FP16 (llama_cpp_fattn_accumulate.py), at that
    # MMA mode's rate where the card has one above its 16-bit figure (GeForce); no other path is faster
    fastest = max(gpu.flops_for("bf16"), gpu.flops_for(dtype), c.attention_fp16_acc_flops or 0.0)
    assert attention_rate(inputs, gpu, c) <= fastest * share * 1.000001
    if dtype in ("fp8", "int8"):
        # the weights' precision leaves attention where 16-bit weights put it
        assert attention_rate(inputs, gpu, c) == attention_rate(_inputs(engine, "bf16", 4096), gpu, c)
        if not c.attention_fp16_acc_flops:
            assert attention_rate(inputs, gpu, c) == gpu.flops_for("bf16") * share


@given(GPUS, ENGINES, DTYPES, st.integers(1, 200_000), st.integers(1, 200_000))
def test_a_longer_prompt_never_prefills_faster_in_total(
    gpu: GpuSpec, engine: str, dtype: str, a: int, b: int
) -> None:
    lo, hi = sorted((a, b))
    inputs = _inputs(engine, dtype, 4096)
    c = resolve_constants(inputs, gpu)
    assert prefill_seconds(inputs, gpu, c, lo)[0] <= prefill_seconds(inputs, gpu, c, hi)[0] * 1.000001
