"""The tracer itself: a hand-computed peak, the fused SDPA model, and a published GPU measurement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import spec_of
from llmsize.measure.tracer import trace

GIB = 2**30

TINY_LLAMA = {
    "model_type": "llama",
    "hidden_size": 256,
    "intermediate_size": 512,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 1000,
    "max_position_embeddings": 4096,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
}


def test_tiny_llama_prefill_peak_matches_the_hand_count() -> None:
    # The peak of a 128-token prefill is the last block's MLP at `act(gate) * up` (modeling_llama.py):
    weights = 2 * (
        2 * 1000 * 256  # embed_tokens + untied lm_head
        + 2 * (256 * 256 + 2 * 256 * 128 + 256 * 256 + 3 * 256 * 512 + 2 * 256)  # 2 blocks
        + 256  # final norm
    )
    rotary_buffers = 2 * 32 * 4  # inv_freq and original_inv_freq, fp32, head_dim / 2 each
    ids = 128 * 8  # input_ids, int64
    positions = 128 * 8  # position_ids = arange(128), int64 (not per batch)
    cos_sin = 2 * 128 * 64 * 2  # (1, 128, head_dim) each, bf16
    kv = 2 * 2 * (2 * 128 * 64 * 2)  # 2 blocks x (K, V) x (kv_heads x tokens x head_dim), bf16
    hidden = 4 * 128 * 256 * 2  # embeddings (held by the model forward), block input, residual, normed input
    intermediate = 3 * 128 * 512 * 2  # act(gate), up, act(gate) * up
    expected = weights + rotary_buffers + ids + positions + cos_sin + kv + hidden + intermediate
    assert expected == 4_207_360

    r = trace(TINY_LLAMA, Workload(context=128, batch=1))
    assert r.params_bytes == weights
    assert r.kv_prefill_bytes == kv
    assert r.peak_phase == "prefill"
    assert r.peak_bytes == expected


def test_fused_sdpa_allocates_output_and_logsumexp_only() -> None:
    import torch
    from torch._subclasses.fake_tensor import FakeTensorMode
    from torch.distributed._tools.mem_tracker import MemTracker

    from llmsize.measure.fused_sdpa import fused_sdpa_patched

    b, h, kvh, s, d = 2, 8, 2, 4096, 64
    with FakeTensorMode(), fused_sdpa_patched():
        q = torch.empty(b, h, s, d, dtype=torch.bfloat16, requires_grad=True)
        k = torch.empty(b, kvh, s, d, dtype=torch.bfloat16, requires_grad=True)
        v = torch.empty(b, kvh, s, d, dtype=torch.bfloat16, requires_grad=True)
        mt = MemTracker()
        mt.track_external(q, k, v)
        with mt:
            out = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
            dq, dk, dv = torch.autograd.grad(out, (q, k, v), torch.ones_like(out))
        peak = sum(snap["Total"] for snap in mt.get_tracker_snapshot("peak").values())
    inputs = (b * h * s * d + 2 * b * kvh * s * d) * 2
    output, lse = b * h * s * d * 2, b * h * s * 4
    assert (dq.shape, dk.shape, dv.shape) == (q.shape, k.shape, v.shape)
    # forward: output + log-sum-exp; backward: the incoming gradient, then dq, dk, dv.
    assert peak == inputs + output + lse + output + inputs
    scores = b * h * s * s * 4
    assert peak < scores  # the math kernel would materialise 1 GiB of fp32 scores here


def test_fused_sdpa_turns_a_boolean_mask_into_an_additive_one() -> None:
    import torch
    from torch._subclasses.fake_tensor import FakeTensorMode
    from torch.distributed._tools.mem_tracker import MemTracker

    from llmsize.measure.fused_sdpa import fused_sdpa_patched

    b, h, s, d = 2, 4, 1000, 64  # 1000 columns: padded to 1008 for the memory-efficient kernel
    with FakeTensorMode(), fused_sdpa_patched():
        q, k, v = (torch.empty(b, h, s, d, dtype=torch.bfloat16) for _ in range(3))
        mask = torch.ones(1, 1, s, s, dtype=torch.bool).expand(b, 1, s, s)
        mt = MemTracker()
        mt.track_external(q, k, v, mask)
        with mt:
            out = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        peak = sum(snap["Total"] for snap in mt.get_tracker_snapshot("peak").values())
    base = 3 * b * h * s * d * 2 + s * s
    additive, padded = b * s * s * 2, b * s * 1008 * 2  # convert_boolean_attn_mask, then pad_bias
    assert out.shape == (b, h, s, d)
    assert peak == base + additive + padded + 2  # + the 0-dim zero handed to torch.where


def test_qwen25_7b_30k_prompt_matches_the_published_a100_measurement(
    catalog_config: Callable[[str], tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    # Qwen2.5 speed benchmark, Qwen2.5-7B-Instruct, BF16, input 30720 tokens + 2048 generated,
    # batch 1, A100 80GB, transformers 4.46 + flash-attention 2: 19.97 GB, measured as
    # torch.cuda.max_memory_allocated / 1024**3 (examples/speed-benchmark/speed_benchmark_transformers.py).
    # https://qwen.readthedocs.io/en/latest/benchmark/speed_benchmark.html
    # (QwenLM/Qwen2.5 docs/source/benchmark/speed_benchmark.rst)
    published = 19.97 * GIB
    config, _ = catalog_config("Qwen2.5-7B")  # Qwen2.5-7B-Instruct shares this architecture
    wl = Workload(context=30720 + 2048, prompt_tokens=30720, batch=1, dtype="bf16", attention="flash")
    traced = trace(config, wl)
    assert traced.peak_phase == "prefill"
    assert abs(traced.peak_bytes / published - 1) < 0.003
    est = estimate(spec_of(config, "Qwen2.5-7B"), wl)
    assert abs((est.total_bytes - est.overhead_bytes) / published - 1) < 0.003
