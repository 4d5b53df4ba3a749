"""llama.cpp's CUDA fusions by build: how many kernels each part of a block launches after them.

The CUDA backend walks the decode graph and, where consecutive nodes match a pattern, runs them as
one kernel (ggml/src/ggml-cuda/ggml-cuda.cu `ggml_cuda_try_fuse`, read at commit 00108827 of
late 2026). Each node it folds away no longer pays its launch and drain, which is what the per-node
time (llama_cpp_nodes.GPU_PER_NODE_S) prices: so the nodes a decode step pays for depend on the
build. A routed FFN of a 2025-07 build launched 12 + (k - 1) kernels; the current one launches 5
(router mat-vec, topk-moe, gate+up+GLU mat-vec, down mat-vec, the weighted expert reduction).

Each fusion below names its PR (ggml-org/llama.cpp) and what it folds, per part of
llama_cpp_nodes.NODES. The first build is approximate: the PR's date placed between builds of known
date (b6341 on 2025-09-01, #15715; b7340 on 2025-12-09, geerlingguy/ai-benchmarks#43; b9079 on
2026-05-08; b10741 on 2026-09-01, #28196), about 10 builds a day in 2025 and 14 in 2026.

Not counted (the PR or the matching graph order is not known here): the fused sigmoid/softplus + mul
of attention output gates and shared-expert gates, the ssm_conv + SiLU fusion of linear-attention and
Mamba blocks (#22478 added its biased form; Qwen3-Next tg128 unchanged), the multi-mul fusion of #21665
(Gemma 4's expert scale; +1% tg). A routed FFN picking one expert has no adds to sum, so builds between
#15631 and #25952 count it one kernel high.
Also not modelled: stream concurrency (#16991, opt-in with GGML_CUDA_GRAPH_OPT=1: gpt-oss-20b on an
RTX PRO 6000 tg128 407.8 t/s with it, against 391.2 in the same thread without).
"""

from __future__ import annotations

from typing import NamedTuple

from llmsize.estimate.engines.llama_cpp_nodes import NODES


class Fusion(NamedTuple):
    """One CUDA fusion: the PR, its approximate first build and the kernels it removes per part."""

    pr: int
    opened: str
    first_build: int
    removes: dict[str, int]


# REFERENCE: ggml-org/llama.cpp PRs (numbers and tg figures in each PR's description).
FUSIONS: tuple[Fusion, ...] = (
    # #14800 "CUDA: add fused rms norm": rms_norm + mul -> 1 (every norm with a weight); RTX 3090 llama 7B
    # Q5_K_M tg1 113.82 -> 120.39.
    Fusion(14800, "2025-07-21", 5920, {"block": 1, "qk_norm": 2, "extra_norm": 1}),
    # #15631 "CUDA: fuse adds, fuse add with rms norm": a chain of adds -> 1, so the k - 1 adds summing
    # the selected experts run as one kernel.
    Fusion(15631, "2025-08-28", 6310, {"moe_per_expert": 1, "moe_ffn": -1}),
    # #16130 "CUDA: add a fused top-K MoE kernel": soft_max, argsort, get_rows and the weight norm
    # (sum_rows, clamp, div) -> 1; qwen3moe 30B.A3B Q4_K_M tg128 194.63 -> 207.75. gpt-oss (soft_max after
    # the top-k) got it from #16649 (2025-10-18; RTX 4090 tg128 167.01 -> 173.33).
    Fusion(16130, "2025-09-20", 6580, {"moe_ffn": 5}),
    # #16715 "CUDA: General GEMV fusion" (after #16630): gate + up + GLU -> one mat-vec (dense and
    # MUL_MAT_ID), and a bias add (add, add_id) into its mat-vec; RTX 4090 gpt-oss 20B tg128 167.58 ->
    # 175.59, qwen3moe 30B.A3B Q4_0 tg32 154.72 -> 162.06.
    Fusion(
        16715,
        "2025-10-22",
        6850,
        {
            "dense_ffn": 2,
            "moe_ffn": 2,
            "shared_expert": 2,
            "proj_bias": 1,
            "expert_bias": 3,
            "router_bias": 1,
        },
    ),
    # #16884 "CUDA: fuse rope + set_rows": K's rope writes straight into the cache; RTX 4090 llama 8B
    # Q4_K_M tg128 130.54 -> 131.87.
    Fusion(16884, "2025-10-31", 6950, {"attention": 1}),
    # #23940 "Remove redundant CUDA copies after gated_delta_net": the GATED_DELTA_NET kernel writes the new
    # recurrent state into the cache itself, so the ggml_cpy after it is skipped.
    Fusion(23940, "2026-07-02", 9870, {"linear_attention": 1}),
    # #25952 "cuda: fuse MoE weighted expert reduction": the weights' mul and the add chain (two kernels
    # since #15631) -> 1.
    Fusion(25952, "2026-07-21", 10150, {"moe_ffn": 1}),
    # #26767 "CUDA: fuse rms_norm + mul + rope (+ view + set_rows)": a Q/K norm runs inside its rope;
    # RTX 5090 Qwen3-30B-A3B Q4_K_M tg128 365.82 -> 370.01.
    Fusion(26767, "2026-08-08", 10400, {"qk_norm": 2}),
)


def kernels_at(build: int | None) -> dict[str, int]:
    """Kernels per block part that a CUDA decode step of `build` launches (None: the current build)."""
    counts = dict(NODES)
    for fusion in FUSIONS:
        if build is None or build >= fusion.first_build:
            for part, n in fusion.removes.items():
                counts[part] -= n
    return counts


def era(build: int | None) -> int | None:
    """The last fusion PR in `build` (None: every fusion listed, the current build)."""
    if build is None:
        return None
    done = [f.pr for f in FUSIONS if build >= f.first_build]
    return done[-1] if done else 0
