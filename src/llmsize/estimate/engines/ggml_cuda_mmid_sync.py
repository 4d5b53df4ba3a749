"""What one host round trip of ggml-cuda's MUL_MAT_ID expert grouping costs, from the PR that removed it.

The grouping (mmq.cu ggml_cuda_mul_mat_q's ids branch before ggml-org/llama.cpp PR #15525, and
ggml-cuda.cu ggml_cuda_mul_mat_id's fallback in every build) copies the ids to the host,
cudaStreamSynchronize, scans them (llama_cpp_mmid_host.scanned_ids), copies the grouped ids back and
synchronises again: two round trips a call, while the GPU waits.

Priced from PR #15525's own table (https://github.com/ggml-org/llama.cpp/pull/15525, RTX 3090,
deepseek2 16B Q4_0, pp512): at -ub 2, 158.03 t/s on master (host grouping) against 180.94 t/s with the
helper in device code. A two-token ubatch is the row where the PR changed nothing else that costs: its
experts hold one token or two, so their tiles (16 columns before, 8 after) are one each either way, and
the scan reads 738 ids a call. 512 tokens in ubatches of 2 make 256 ubatches of DeepSeek-V2-Lite's 26
MoE layers x 3 MUL_MAT_IDs: 19,968 calls, saving 20.5 us each; less the scan (0.36 us at the host pass
llama_cpp_mmid_host prices it with), 10.1 us a round trip. The PR adds its device helper kernel in their
place, which is not subtracted (no timing), so the figure is a lower bound, like the rest of this path.

It sits at the low end of the isolated figure that was used before, kekzl/imp#1654 (RTX 5090, a pinned
4-byte D2H + cudaStreamSynchronize, 2000 iterations): median 31.35 us, min 9.19 us. That median also
priced this path, and at -ub 2 charged 63 us a call where the PR measured 20.5 us saved. The
isolated figure stays the price of the other single round trips (host_split.py, the SYCL SSM hand-off);
this one prices the grouping, which is what PR #15525's rows measure. Nothing fitted: the speed rows of
that table (-ub 64-512) are held out and are not used here.
"""

from __future__ import annotations

from llmsize.estimate.engines.ollama_sampling import TOP_K_PASS_S

# REFERENCE: https://github.com/ggml-org/llama.cpp/pull/15525 table: '| RTX 3090 | deepseek2 16B Q4_0 |
# 2 | pp512 | 158.03 | 180.94 | 1.14 |' (GPU, model, microbatch size, test, t/s master, t/s PR, speedup).
PR_15525_UB2_TPS = (158.03, 180.94)
PR_15525_TOKENS, PR_15525_UBATCH = 512, 2
# DeepSeek-V2-Lite (model_specs: 27 layers, first_k_dense_replace 1; 64 routed experts, 6 a token); three
# routed MUL_MAT_IDs a MoE layer (llama-graph.cpp build_moe_ffn: gate, up, down).
DEEPSEEK2_MOE_LAYERS, DEEPSEEK2_EXPERTS, DEEPSEEK2_USED, CALLS_PER_LAYER = 26, 64, 6, 3
SYNCS_PER_CALL = 2


def _scanned_ids(tokens: int, experts: int, used: int) -> int:
    """The host scan's reads for one call (the count llama_cpp_mmid_host.scanned_ids gives)."""
    return tokens * (experts * used - used * (used - 1) // 2)


def saved_per_call_s(tps: tuple[float, float] = PR_15525_UB2_TPS) -> float:
    """Seconds the device helper saved per MUL_MAT_ID in PR #15525's -ub 2 row."""
    master, pr = tps
    calls = (PR_15525_TOKENS // PR_15525_UBATCH) * DEEPSEEK2_MOE_LAYERS * CALLS_PER_LAYER
    return (PR_15525_TOKENS / master - PR_15525_TOKENS / pr) / calls


def grouping_round_trip_s(tps: tuple[float, float] = PR_15525_UB2_TPS) -> float:
    """One host round trip of the grouping: the saving per call, less its scan, over the two syncs."""
    scan_s = _scanned_ids(PR_15525_UBATCH, DEEPSEEK2_EXPERTS, DEEPSEEK2_USED) * TOP_K_PASS_S
    return (saved_per_call_s(tps) - scan_s) / SYNCS_PER_CALL


GROUPING_ROUND_TRIP_S = grouping_round_trip_s()
