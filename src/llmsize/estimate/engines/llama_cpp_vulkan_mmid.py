"""llama.cpp Vulkan MoE prompts before PR #18352: every expert GEMM workgroup scans the whole routing.

A prompt's routed experts run one MUL_MAT_ID per projection (gate, up, down). ggml-vulkan dispatches its
mul_mm shader over ceil(M / BM) row tiles x ceil(n_tokens / BN) column tiles x n_as experts
(ggml-vulkan.cpp `ggml_vk_matmul_id`: the grid is {m, nei1, n_as} over the pipeline's {BM, BN, 1}), and
each workgroup first collects the tokens routed to its expert: `load_row_ids` (vulkan-shaders/mul_mm.comp,
read at commit 011afcc) walks the ids tensor (n_tokens x k entries) a workgroup-wide chunk at a time,
with two barriers per chunk, and only then returns when it got no rows ("Workgroup has no work"). It stops
early only after (ic + 1) x BN matches, which an expert holding a handful of a ubatch's tokens never
reaches, so every workgroup of every expert, used or not, walks all the ids.

PR #18352 (ggml-org/llama.cpp, "vulkan: preprocess mul_mat_id experts and discard workgroups more quickly",
2025-12-24) counts each expert's tokens first (count_experts.comp) so that workgroups without work exit at
once; a later one (#26686) hoists the row ids. So builds before #18352 pay, per ubatch of T tokens and per
projection, n_as x ceil(M / BM) x ceil(T / BN) workgroups x T x k ids read: quadratic in the ubatch, and
four times larger for Qwen3-Next's 512 experts than for a 128-expert model at the same k.

The price of one id read by one workgroup is measured, not fitted: PR #28501 (2026-09) times the same
walk on a Strix Halo (Radeon 8060S, RADV; hoisting off above 256 experts, so every workgroup with work
rescans the ids) at 512 experts, 10 used, 2048 tokens: 12,537 -> 9,483 us (iq3_s 640 x 2560), 14,033 ->
7,508 (iq4_nl 2560 x 640) and 13,904 -> 7,902 (q8_0 2560 x 640) per op once the walk was hoisted. With
the count-experts pass of that build, the walking workgroups are 512 experts x ceil(M / 128) row tiles x
one column tile (40 tokens an expert), 20,480 ids each: 5.8e-11, 3.1e-11 and 2.9e-11 s per workgroup-id;
their mean is used. The tile is the large one (BM = BN = 128): ggml_vk_guess_matmul_id_pipeline picks
the tile from the whole batch's token count (PR #29182: "selected its matmul tile with total token
count"), large above 64 tokens. Other devices scale the walk with their FP32 rate (shader cores x clock).
Decode (one token) runs mul_mat_vec_id and never walks.
"""

from __future__ import annotations

import math

# REFERENCE: the first build with PR #18352 (merged 2025-12-24..26: placed after b7340 of 2025-12-09 at
# about ten builds a day, as llama_cpp_fusion.py places its PRs). Approximate.
PREPROCESS_BUILD = 7500
# The Vulkan speed profile of those builds (llama_cpp_vulkan.VULKAN_MMID_WALK_SPEED).
WALK_ENGINE = "llama.cpp-vulkan-mmid-walk"
# REFERENCE: the large mul_mm tile (BM = BN = 128) that a ubatch of more than 64 tokens selects.
TILE = 128
# REFERENCE: PR #28501's Strix Halo timings (module docstring): mean of 5.8e-11, 3.1e-11, 2.9e-11.
SECONDS_PER_WORKGROUP_ID = 3.9e-11
# The FP32 rate of the device those timings came from: Radeon 8060S, 40 CUs at 2.9 GHz, dual issue counted as
# for every RDNA3 entry (gpu_specs/amd.yaml, gpu_specs/README.md).
REFERENCE_FP32_FLOPS = 29.7e12


def walks_ids(build: int | None) -> bool:
    """Whether llama.cpp `build`'s Vulkan MUL_MAT_ID walks the whole ids tensor in every workgroup."""
    return build is not None and build < PREPROCESS_BUILD


def workgroup_id_reads(
    tokens: int, experts: int, used: int, hidden: int, expert_ffn: int, moe_layers: int, projections: int = 3
) -> float:
    """Ids read by all MUL_MAT_ID workgroups of one ubatch of `tokens`: gate and up, or up alone for
    ungated experts (`projections` 2: M = expert_ffn rows each) and down (M = hidden rows) per routed
    layer, each n_as x row tiles x column tiles workgroups walking tokens x used ids."""
    if tokens <= 0 or experts <= 0 or used <= 0 or moe_layers <= 0:
        return 0.0
    row_tiles = (projections - 1) * math.ceil(expert_ffn / TILE) + math.ceil(hidden / TILE)
    workgroups = experts * row_tiles * math.ceil(tokens / TILE)
    return float(moe_layers * workgroups * tokens * used)


def seconds_per_read(fp32_flops: float) -> float:
    """Seconds per workgroup-id read on a device of `fp32_flops` (the walk runs on every shader core)."""
    if fp32_flops <= 0:
        return SECONDS_PER_WORKGROUP_ID
    return SECONDS_PER_WORKGROUP_ID * REFERENCE_FP32_FLOPS / fp32_flops
