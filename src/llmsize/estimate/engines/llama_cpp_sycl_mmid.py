"""llama.cpp SYCL MoE prompts before PR #23142: every expert holding tokens scans the whole routing, twice.

A prompt's routed experts run one MUL_MAT_ID per projection (gate, up, down: src/llama-graph.cpp
build_moe_ffn). ggml-sycl.cpp `ggml_sycl_mul_mat_id`, branch ne12 > 1 (read at ggml-org/llama.cpp commit
3c1bcf26), copies the ids to the host and waits on the stream, then for each of the n_as experts:
- counts on the host the (token, slot) pairs routed to it, walking all n_tokens x n_used ids
  (O(n_as x n_routed_rows), the PR's words);
- for an expert that got rows, launches `k_copy_src1_to_contiguous` over a grid of n_used x n_tokens
  workgroups (`grid_dims(1, n_ids, ids->ne[1])`), one per routed pair: each reads its id and returns unless
  it names this expert, the few that match take a device atomic and copy their row;
- then `ggml_sycl_mul_mat` on the gathered rows and `k_copy_dst_from_contiguous` back.
So a ubatch of T tokens costs, per routed projection, experts-hit x T x n_used pair visits on the GPU
(and as many comparisons on the host): quadratic in the ubatch for a model whose T tokens hit every expert.
A layer of gated experts runs three routed projections, one of non-gated experts (Nemotron-H's ReLU^2) two.
The GEMMs themselves and the FP16 conversion of the experts are priced elsewhere (llama_cpp_sycl.py).

PR #23142 (ggml-org/llama.cpp, "[SYCL] improve MoE prefill throughput (+70% with Qwen3.6-35B)", 2026-05-16,
in release b9291's notes) gives the copy kernel a precomputed per-expert slice ("no longer scans ids on the
device or uses the device atomic. That's most of the gains") and the host count a counting sort ("up to
10%"). Its description times the removal on an Arc Pro B60 (Xe2, 20 cores), Qwen3.6-35B-A3B-UD-Q4_K_S,
llama-server prompt of 27,783 tokens: 90.08 s before, 50.71 s after. With llama-server's default ubatch of
512 tokens, 40 MoE layers of 256 experts, 8 used, three routed projections, that is 39.37 s over the pair
visits below: the price of one visit, both scans together (SECONDS_PER_PAIR). Other devices scale it with
their FP32 rate (Xe cores x clock), as llama_cpp_vulkan_mmid.py scales its walk. A lower bound for a build
that also runs its other per-expert work on the host (the host sync and the submissions), which is not
timed separately and not priced. Decode (one token) never scans: it takes PR #21920's fused
mul_mat_vec_q_id path (one launch for all used experts, ids read on the device), and the per-expert
fallback loops over n_used ids, not n_as experts.
"""

from __future__ import annotations

from llmsize.estimate.engines.llama_cpp_mmid_host import PROJECTIONS, experts_hit, ubatches

# REFERENCE: release b9291's notes list "SYCL: improve MoE prefill throughput (#23142)"
# (https://sourceforge.net/projects/llama-cpp.mirror/files/b9291/): builds before it scan.
COUNTING_SORT_BUILD = 9291
# The SYCL speed profile of those builds (llama_cpp_sycl.SYCL_SCAN_SPEED).
SCAN_ENGINE = "llama.cpp-sycl-mmid-scan"

# REFERENCE: PR #23142's description (module docstring): Arc Pro B60, Qwen3.6-35B-A3B, 27,783 prompt tokens.
REF_PROMPT_TOKENS = 27_783
REF_SECONDS_BEFORE, REF_SECONDS_AFTER = 90.08, 50.71
REF_UBATCH = 512  # llama-server's default n_ubatch (common/common.h)
# Qwen3.6-35B-A3B (config.json): 40 layers, every one MoE, 256 routed experts, 8 used.
REF_MOE_LAYERS, REF_EXPERTS, REF_USED = 40, 256, 8
# Arc Pro B60: 20 Xe2 cores x 128 FP32 lanes x 2 x 2.4 GHz (gpu_specs/intel.yaml).
REF_FP32_FLOPS = 12.28e12


def scans_ids(build: int | None) -> bool:
    """Whether llama.cpp `build`'s SYCL prompt MUL_MAT_ID scans all routed pairs for every expert."""
    return build is not None and build < COUNTING_SORT_BUILD


def pair_visits(tokens: int, experts: int, used: int, moe_layers: int,
                projections: int = PROJECTIONS) -> float:
    """(expert, routed pair) visits of one ubatch of `tokens`: per routed projection and layer, each expert
    holding tokens scans the tokens x used ids."""
    if tokens <= 0 or used <= 0 or moe_layers <= 0:
        return 0.0
    return moe_layers * projections * experts_hit(tokens, experts, used) * tokens * used


def prompt_visits(tokens: int, chunk: int, shape: tuple[int, int, int, int]) -> float:
    """Pair visits of a prompt of `tokens` run in ubatches of `chunk`; `shape` is (experts, used, MoE
    layers, routed projections a layer)."""
    if tokens <= 0 or chunk <= 0:
        return 0.0
    return sum(count * pair_visits(size, *shape) for size, count in ubatches(tokens, chunk))


def _seconds_per_pair() -> float:
    shape = (REF_EXPERTS, REF_USED, REF_MOE_LAYERS, PROJECTIONS)
    visits = prompt_visits(REF_PROMPT_TOKENS, REF_UBATCH, shape)
    return (REF_SECONDS_BEFORE - REF_SECONDS_AFTER) / visits


# About 5.8 ns a visit on the B60 (both scans; see the module docstring).
SECONDS_PER_PAIR = _seconds_per_pair()


def seconds_per_pair(fp32_flops: float) -> float:
    """Seconds per pair visit on a device of `fp32_flops` (the scan runs on every Xe core)."""
    if fp32_flops <= 0:
        return SECONDS_PER_PAIR
    return SECONDS_PER_PAIR * REF_FP32_FLOPS / fp32_flops
