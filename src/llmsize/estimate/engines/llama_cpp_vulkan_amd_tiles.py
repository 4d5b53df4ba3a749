"""llama.cpp Vulkan on AMD cooperative matrices: the large mat-mul tile that PR #18749 turned on (dense only).

REFERENCE: ggml-org/llama.cpp ggml/src/ggml-vulkan/ggml-vulkan.cpp `ggml_vk_get_device`, the loop that
"disable[s] matmul tile sizes early": before PR #18749 ("Vulkan: Optimize Matmul parameters for AMD GPUs
with Coopmat support", 0cc4m, opened 2026-01-11, tuned on a Radeon 8060S) the AMD case set
`mul_mat_l[i] = false` for every type, so `ggml_vk_guess_matmul_pipeline` never picked the large warptile
on AMD; since it, `mul_mat_l[i] = coopmat_support && driver_id != eAmdProprietary` (RADV with
KHR_cooperative_matrix: RDNA3, RDNA 3.5, RDNA4; PR #18763 keeps the proprietary driver off it) and
retuned tiles. `mul_mat_id_l[i]` stays false: MUL_MAT_ID (a prompt's routed experts) keeps the medium
tile (0cc4m on issue #23106, 2026-05-17: "it was regressing on MUL_MAT_ID in my tests, back when I added
the large tile"). So on those devices a prompt's dense weight mat-muls (MUL_MAT) run faster from that
build on, its routed-expert GEMMs do not; attention is its own shader and is not touched.

Priced on a published before/after pair that is no table row: kyuz0/amd-strix-halo-toolboxes' Radeon
8060S Vulkan RADV llama-bench logs of Llama-2-7B Q4_0, -fa 1, pp512, same machine and toolbox series:
build 9c142e3a2 (7670), results of 2026-01-09: 1126.16 t/s; build e0c93af2a (7938), 2026-02-04: 1355.55
(benchmark/results/09-01-2026/ and 04-02-2026/llama-2-7b.Q4_0__vulkan_radv__fa1.log). The factor below is
the dense mat-mul speed-up at which this model's pp512 prediction for that run rises by 1355.55 / 1126.16
= 1.204: 1.207 (the weight mat-muls are nearly all of that prompt's time). Same pair, other dense models:
gemma-3 12B Q8_0 548.18 -> 687.05 (1.25), Llama-3.3-70B Q8_0 87.66 -> 99.39 (1.13), Devstral-2-123B Q4_K
47.53 -> 54.76 (1.15); the MoE models of that pair (MUL_MAT_ID, no large tile) moved 0.91-1.02. PR
#18749's own 8060S table (Llama 8B pp512: Q4_0 644.84 -> 875.24, Q4_K_S 529.50 -> 793.51, Q8_0 422.37 ->
742.46) starts from a slower machine state than kyuz0's (its 'before' is 0.65x kyuz0's build-7423 rate
for the same class of model), so its 1.36-1.76x gains bound this one from above and are not used.
"""

from __future__ import annotations

# REFERENCE: the first build with PR #18749 (merged mid-January 2026): after kyuz0's build 7670 (2026-01-09,
# no step) and before build 7938 (2026-02-04, the step), placed at about ten builds a day from 7670 as
# llama_cpp_vulkan_mmid.py places PR #18352. Approximate.
LARGE_TILE_BUILD = 7700
# kyuz0's Strix Halo Llama-2-7B Q4_0 pp512 (-fa 1) on Vulkan RADV before and after the PR (module docstring).
KYUZ0_B7670_LLAMA2_7B_Q4_0_PP512_TPS = 1126.16
KYUZ0_B7938_LLAMA2_7B_Q4_0_PP512_TPS = 1355.55
# Dense (MUL_MAT) prompt mat-muls' rate over the pre-PR share, solved from that pair (module docstring).
LARGE_TILE_SPEEDUP = 1.207
# Vulkan share keys (estimate/engines/llama_cpp_vulkan.py prefill_compute) fitted on AMD coopmat rows of
# builds before the PR: their share is the medium-tile one, which the large tile multiplies from
# LARGE_TILE_BUILD on. 'coopmat-amd-gddr' was fitted on a b9174 row (after the PR): it holds the large
# tile already and is not multiplied.
PRE_LARGE_TILE_KEYS = frozenset({"coopmat-amd-lpddr"})


def runs_large_tile(build: int | None) -> bool:
    """Whether llama.cpp `build` (None: the current one) runs AMD coopmat MUL_MAT on the large tile."""
    return build is None or build >= LARGE_TILE_BUILD


def dense_speedup(share_key: str | None, before_large_tile: bool) -> float:
    """The dense prompt mat-muls' speed-up over the share `share_key` names (1 where it does not apply)."""
    if before_large_tile or share_key not in PRE_LARGE_TILE_KEYS:
        return 1.0
    return LARGE_TILE_SPEEDUP
