"""Invariants of the memory model (hypothesis): sums, linearity, monotonicity in bits, LoRA, ZeRO."""

from __future__ import annotations

from functools import cache

from hypothesis import assume, given
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.kv_cache import kv_cache_bytes
from llmsize.estimate.result import Estimate
from llmsize.estimate.weights import weight_bytes
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec
from llmsize.specs.resolve import resolve

MODELS = (
    "Qwen2.5-0.5B",
    "Llama-3.1-8B",
    "Mistral-7B-v0.1",
    "Mixtral-8x7B-v0.1",
    "gemma-2-9b",
    "DeepSeek-V2-Lite",
    "Qwen3-30B-A3B",
    "Phi-3-mini-4k-instruct",
)
FULL_ATTENTION = ("Qwen2.5-0.5B", "Llama-3.1-8B", "Mixtral-8x7B-v0.1", "DeepSeek-V2-Lite", "Qwen3-30B-A3B")


@cache
def _spec(name: str) -> ModelSpec:
    return resolve(name)


# Training settings belong to the training modes (Workload refuses them with --mode inference).
workloads = st.one_of(
    st.builds(Workload, mode=st.just("inference"), context=st.integers(1, 65536), batch=st.integers(1, 16)),
    st.builds(
        Workload,
        mode=st.sampled_from(["full", "lora", "qlora"]),
        context=st.integers(1, 65536),
        batch=st.integers(1, 16),
        optimizer=st.sampled_from(["adamw", "adamw-8bit", "sgd", "adafactor"]),
        gradient_checkpointing=st.booleans(),
    ),
)


@given(st.sampled_from(MODELS), workloads)
def test_components_are_non_negative_and_sum_to_total(model: str, wl: Workload) -> None:
    est = estimate(_spec(model), wl)
    memory = est.memory_dict()
    parts = [v for k, v in memory.items() if k != "total"]
    assert all(v >= 0 for v in parts)
    assert sum(parts) == memory["total"] == est.total_bytes


@given(st.sampled_from(FULL_ATTENTION), st.integers(1, 100_000), st.integers(1, 64), st.integers(2, 5))
def test_kv_is_linear_in_context_and_batch(model: str, context: int, batch: int, k: int) -> None:
    spec = _spec(model)
    layers = range(spec.num_layers)

    def kv(c: int, b: int) -> int:
        return int(kv_cache_bytes(spec, Workload(context=c, batch=b), "bf16", layers))

    assert kv(context * k, batch) == k * kv(context, batch)
    assert kv(context, batch * k) == k * kv(context, batch)


@given(
    st.sampled_from(("Mistral-7B-v0.1", "gemma-2-9b", "Phi-3-mini-4k-instruct")),
    st.integers(1, 50_000),
    st.integers(1, 50_000),
    st.sampled_from(["transformers", "vllm", "llama.cpp"]),
)
def test_windowed_kv_grows_with_context_but_never_faster_than_linear(
    model: str, a: int, b: int, engine: str
) -> None:
    spec = _spec(model)
    small, large = sorted((a, b))
    layers = range(spec.num_layers)
    dtype = "fp16"

    def kv(c: int) -> int:
        return int(kv_cache_bytes(spec, Workload(context=c, prompt_tokens=1, engine=engine), dtype, layers))

    assert kv(small) <= kv(large)
    if engine == "transformers":
        assert kv(large) * small <= kv(small) * large + kv(small)  # up to the window: at most proportional


@given(st.sampled_from(MODELS))
def test_fewer_bits_never_more_weight_bytes(model: str) -> None:
    spec = _spec(model)
    ladder = ["none", "bnb-int8", "gptq-int8", "fp8", "gptq", "awq", "bnb-nf4", "gptq-int3", "gptq-int2"]
    sizes = [weight_bytes(spec, Workload(quant=q, dtype="bf16")) for q in ladder]
    assert sizes[0] >= max(sizes[1:])
    for more_bits, fewer_bits in zip(sizes[1:3], sizes[4:], strict=False):
        assert fewer_bits <= more_bits
    gguf = [
        weight_bytes(spec, Workload(quant=t, engine="llama.cpp"))
        for t in ("F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K")
    ]
    assert gguf == sorted(gguf, reverse=True)


@given(
    st.sampled_from(MODELS), st.sampled_from(["gptq", "awq", "bnb-nf4", "bnb-int8", "fp8", "Q4_K_M", "Q8_0"])
)
def test_quantized_never_larger_than_its_source(model: str, quant: str) -> None:
    spec = _spec(model)
    source = weight_bytes(spec, Workload(dtype="bf16", quant="none"))
    assert weight_bytes(spec, Workload(quant=quant, dtype="bf16")) <= source


@given(st.sampled_from(MODELS), st.integers(64, 8192), st.integers(1, 4), st.sampled_from([8, 16, 64]))
def test_lora_never_needs_more_than_full_fine_tuning(model: str, context: int, batch: int, rank: int) -> None:
    """PEFT's default targets: the whole peak. all-linear: the state LoRA trains (weights, gradients,
    optimizer, adapters). Its activations can exceed full fine-tuning's on a small model with a long
    batch: every wrapped layer keeps an fp32 dropout copy of its input for lora_A, where full
    fine-tuning keeps the bf16 input once."""
    spec = _spec(model)
    full = estimate(spec, Workload(mode="full", context=context, batch=batch))
    default = estimate(spec, Workload(mode="lora", context=context, batch=batch, lora_rank=rank))
    assert default.total_bytes <= full.total_bytes
    every = estimate(
        spec,
        Workload(mode="lora", context=context, batch=batch, lora_rank=rank, lora_targets=("all-linear",)),
    )

    def state(e: Estimate) -> int:
        return e.weights_bytes + e.gradients_bytes + e.optimizer_bytes + e.adapters_bytes

    assert state(every) <= state(full)


@given(
    st.sampled_from(MODELS),
    st.sampled_from([2, 4, 8, 16]),
    st.sampled_from(["full", "lora"]),
    st.sampled_from(["adamw", "adamw-8bit", "adafactor"]),
)
def test_higher_zero_stage_never_needs_more_per_gpu(model: str, gpus: int, mode: str, optimizer: str) -> None:
    spec = _spec(model)
    totals = []
    for stage in (0, 1, 2, 3):
        # the same precision recipe at every stage (DeepSpeed adds an fp32 master copy by default)
        wl = Workload(
            mode=mode, zero=stage, num_gpus=gpus, optimizer=optimizer, context=512, master_weights=True
        )
        try:
            totals.append(estimate(spec, wl).total_bytes)
        except BadInputError:
            assume(False)
    assert totals == sorted(totals, reverse=True)
