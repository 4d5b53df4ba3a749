"""Routed experts of a prefill chunk at the fused-MoE call's measured FLOP rate, where one is published.

The prefill prices its mat-muls at the engine's fitted share of the peak (speed_profiles.prefill_compute),
which a dense GEMM of the chunk reaches. A fused-MoE call splits the chunk's tokens over the experts
(tokens x top-k / experts rows each) and, for block-scaled FP8, rescales every weight block in its loop,
so it runs far below that share. Where the engine's kernel is timed on the architecture over the tokens of
a call (AITER's block-FP8 fused MoE on gfx942: estimate/engines/rocm_aiter_moe.py), the routed FLOPs take
that rate at the chunk's token count: log-linear between the timed counts, the end values outside them
(hardware/attention_stream.rate_at), and never faster than the dense share.
"""

from __future__ import annotations

from llmsize.hardware.attention_stream import rate_at


def routed_prefill_flops(routed_flops: float, call_tokens: int, curve: tuple[tuple[int, float], ...],
                         dense_flops_per_s: float) -> float:
    """`routed_flops` as FLOPs at the dense rate `dense_flops_per_s`: the same seconds the fused-MoE call
    takes at its measured rate for `call_tokens` tokens (`curve`: (tokens, FLOP/s) per GPU)."""
    if not curve or routed_flops <= 0 or dense_flops_per_s <= 0:
        return routed_flops
    rate = min(dense_flops_per_s, rate_at(curve, max(1, call_tokens)))
    return routed_flops * dense_flops_per_s / rate
