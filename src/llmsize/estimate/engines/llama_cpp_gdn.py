"""How llama.cpp builds decoded one token through a Gated DeltaNet block, by era (Qwen3-Next, Qwen3.5).

Three eras, each a graph of its own (ggml-org/llama.cpp):
1. b7189 (PR #16095, the first qwen3next build, 2025-11-28) to PR #17996 ("Optimization: Qwen3 next
   autoregressive pass", merged 2025-12-16): every ubatch, one decode token included, ran the chunked
   delta rule (build_delta_net_chunking): the token padded to a chunk of 64, the chunk's decay mask,
   a triangular solve, then one chunk of state update. PR #17996 added the one-token path that "short
   circuits all the recurrent computations for n_seq_tokens == 1": "roughly a 40% bump in token
   generation speed".
2. PR #17996 to the fused GATED_DELTA_NET op (PR #19504 CPU/CUDA; Vulkan PR #20334): the unfused
   autoregressive path (llama_cpp.GDN_UNFUSED_SPEED: 12 element-wise nodes, 16 passes over the state).
3. The fused op (llama_cpp.SPEED: 1 node, 4 passes).

This module counts era 1, from src/models/delta-net-base.cpp build_delta_net_chunking (read at commit
156ce1c; b7189 kept the same algorithm inside src/models/qwen3next.cpp, whose text this pass could not
read, so the counts are today's function's), for the gated (non-KDA) form at n_tokens = 1, one chunk:
- nodes (views, reshapes, permutes and transposes launch nothing): scale q; pad q, k, v, g, b (5); the
  beta muls (2); cont + cumsum of g (2); repeat, sub, tri, exp of the decay mask (4); two mul_mat + two
  mul for kb, kq (4); tri kq, tri kb (2); fill + diag of the identity (2); add, neg, solve_tri, add (4);
  cont + mul_mat for v (2); exp g, cont k_b, mul, mul_mat k_cumdecay (4); cont + mul for q * g (2);
  cont, exp of g_last (2); sub, neg, exp, cont of g_diff (4); mul + cont for key_gdiff (2); cont v (1);
  and one chunk of the state loop: mul_mat, sub, mul_mat, mul_mat, add, set, mul_mat, mul, add (9).
  52 nodes where the fused op is one: 51 more than llama_cpp_nodes.NODES['linear_attention'] counts.
- f32 traffic in units of the block's recurrent state (S_v x S_v x H_v; Qwen3-Next / Qwen3.5: S = 128,
  H_v = 2 H_k, so a padded q or k [S, 64, H_k] is 1/4 of it, v [S, 64, H_v] 1/2, a 64 x 64 x H_v
  matrix 1/4): padding 1.0, beta muls 1.5, decay mask 1.75, kb and kq 3.0, the triangular solve 3.25,
  v 2.25, k_cumdecay and q * g 2.25, key_gdiff and v transposes 2.0; the chunk loop 16.0 (v' reads the
  state, attn_inter reads it, kgv writes a state-sized product, the decay mul reads and writes it, the
  add reads two and writes one, plus the activation-sized subs, adds and the output set); then the copy
  into the recurrent cache 2.0: 35 state units a step, against 16 unfused autoregressive and 4 fused.
"""

from __future__ import annotations

# REFERENCE: the tally of the module docstring (delta-net-base.cpp build_delta_net_chunking at n_tokens 1).
CHUNKED_NODES = 52
CHUNKED_EXTRA_NODES = CHUNKED_NODES - 1  # beyond the fused GATED_DELTA_NET op's one node
CHUNKED_STATE_TRAFFIC = 35.0
# The first build with PR #17996 (merged 2025-12-16): placed after b7340 (2025-12-09) at about ten builds
# a day, as llama_cpp_fusion.py places its PRs. Builds before it decode Gated DeltaNet blocks chunked.
AUTOREGRESSIVE_BUILD = 7410


def decodes_chunked(build: int | None) -> bool:
    """Whether llama.cpp `build` decodes a Gated DeltaNet token through the chunked path (None: current)."""
    return build is not None and build < AUTOREGRESSIVE_BUILD


# The first builds whose decode graph runs the fused GATED_DELTA_NET op. CPU/CUDA: PR #19504 (opened
# 2026-02-11; "not added to the qwen3next graph in the PR") and the graph that calls it, in place by the
# "llama.cpp master of 2026-03" runs PR #20334 compares with; Vulkan: PR #20334 (2026-03), before which
# that master ran the unfused path on Vulkan. Placed at about ten builds a day after b8121 (2026-02-20,
# PR #19754's release) and before b8400 (2026-03-18, the winget release bot): approximate, as
# llama_cpp_fusion.py places its PRs.
FUSED_BUILD = 8300
VULKAN_FUSED_BUILD = 8330


def decode_era(build: int | None, vulkan: bool) -> str | None:
    """How llama.cpp `build` decodes a Gated DeltaNet token on CUDA/Metal or Vulkan: 'chunked' (before
    PR #17996), 'unfused' (before the fused op reached the backend) or None (the fused op; None build:
    the current one)."""
    if build is None:
        return None
    if decodes_chunked(build):
        return "chunked"
    return "unfused" if build < (VULKAN_FUSED_BUILD if vulkan else FUSED_BUILD) else None
