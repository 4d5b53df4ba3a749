"""What vLLM's chunked Gated DeltaNet prefill moves through GPU memory, per prompt token and layer.

A prompt's Gated DeltaNet layers do not run as one kernel: vLLM hands the prompt to the Triton
kernels it vendors from flash-linear-attention, each reading its inputs from HBM and writing its
result back for the next one. Counted in the vLLM 0.17.0 sdist, per token of the prompt, with Hg
key heads and H value heads on the GPU (TP splits both), key / value head dims K / V, e bytes per
element of the model dtype and the chunk BT = 64:

- vllm/model_executor/layers/fla/ops/chunk.py `ChunkGatedDeltaRuleFunction.forward`: `l2norm_fwd`
  of q and of k (qwen3_next.py passes use_qk_l2norm_in_kernel=True): read and write both (4 Hg K e).
- chunk.py `chunk_gated_delta_rule_fwd`, in order: `chunk_local_cumsum` (g, fp32: read and write);
  `chunk_scaled_dot_kkt_fwd` (reads k, g, beta; writes A = beta K K^T, fp32 [T, H, BT]);
  `solve_tril` (reads A, writes its inverse in the model dtype); `recompute_w_u_fwd` (reads k, v, A,
  g, beta; writes w [T, H, K] and u [T, H, V]); `chunk_gated_delta_rule_fwd_h` (reads k, w, u, g;
  writes h, the state at every chunk start [NT, H, V, K], and v_new [T, H, V]); `chunk_fwd_o` (reads
  q, k, v_new, h, g; writes o [T, H, V]). Every value here is its own HBM round trip: ROCm/vllm PR
  #1075 ("four Triton kernels that communicate through HBM ... h ... 32 MiB stored and loaded back
  per layer at 2048 tokens" at the Qwen3.5 35B-A3B shape, 32 value heads of 128 x 128).
- vllm/model_executor/models/qwen3_next.py `Qwen3NextGatedDeltaNet._forward_core`'s prefill branch
  runs eagerly inside the `gdn_attention_core` custom op (outside the compiled graph):
  `causal_conv1d_fn` reads and writes the conv channels, `rearrange_mixed_qkv`'s three `.contiguous()`
  copy them again (strided splits of a prompt's rows), and `core_attn_out[:num_actual_tokens] = ...`
  copies the output (read and write H V e).

The kernels are memory-bound (about 6 MFLOP a token against ~240 KB at the 4B shape, 25 FLOP per
byte, under any GPU's ridge point), so the prompt pays these bytes at the 16-bit stream rate, after
the mat-muls, not beside them. Per-sequence terms (the initial and final state) are left out.
"""

from __future__ import annotations

from llmsize.specs.models import RecurrentSpec

# REFERENCE: vllm/model_executor/layers/fla/ops/chunk.py chunk_gated_delta_rule_fwd (chunk_size=64).
CHUNK_TOKENS = 64
FP32_BYTES = 4


def state_snapshot_bytes_per_token(rec: RecurrentSpec, element_bytes: int, tp: int = 1) -> int:
    """Bytes of h, the delta-rule state written at every chunk start, per prompt token and layer (one way):
    `chunk_gated_delta_rule_fwd_h`'s `k.new_empty(B, NT, H, V, K)`, one V x K state a value head a chunk."""
    if rec.kind != "gated_deltanet" or not rec.num_heads:
        return 0
    return max(1, rec.num_heads // tp) * rec.value_head_dim * rec.key_head_dim * element_bytes // CHUNK_TOKENS


def chunk_bytes_per_token(rec: RecurrentSpec, element_bytes: int, tp: int = 1) -> int:
    """HBM bytes one prompt token costs one Gated DeltaNet layer on one GPU (0: another mixer kind)."""
    if rec.kind != "gated_deltanet" or not rec.num_heads:
        return 0
    h = max(1, rec.num_heads // tp)
    hg = max(1, rec.num_key_heads // tp)
    k, v, e = rec.key_head_dim, rec.value_head_dim, element_bytes
    key = hg * k * e  # one read (or write) of q or k
    value = h * v * e  # one read (or write) of v, u, v_new or o
    l2norm = 4 * key
    cumsum = 2 * FP32_BYTES * h
    kkt = key + 2 * FP32_BYTES * h + CHUNK_TOKENS * h * FP32_BYTES  # k, g, beta in; A (fp32) out
    tril = CHUNK_TOKENS * h * (FP32_BYTES + e)
    wy = key + value + CHUNK_TOKENS * h * e + 2 * FP32_BYTES * h + h * k * e + value  # ... w, u out
    states = state_snapshot_bytes_per_token(rec, e, tp)  # h: one state per chunk of 64 tokens
    fwd_h = key + h * k * e + value + FP32_BYTES * h + states + value  # k, w, u, g in; h, v_new out
    fwd_o = 2 * key + value + states + FP32_BYTES * h + value  # q, k, v_new, h, g in; o out
    channels = (2 * hg * k + h * v) * e
    core = 2 * channels + 2 * channels + 2 * value  # conv in/out, q/k/v copies, the output copy
    return l2norm + cumsum + kkt + tril + wy + fwd_h + fwd_o + core
