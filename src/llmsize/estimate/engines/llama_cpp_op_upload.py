"""What a prompt ubatch copies to the GPU of the MoE experts kept in host RAM, by llama.cpp build.

Under op offload (llama_cpp_op_offload.py) a ubatch of 32 tokens or more runs a host-resident weight's
op on the GPU, and ggml's scheduler copies that weight over first, every ubatch
(ggml/src/ggml-backend.cpp `ggml_backend_sched_compute_splits`, the split inputs' copy loop). For a
MUL_MAT_ID weight (a block's stacked experts, ffn_{gate,up,down}_exps) what it copies changed:
- before ggml-org/llama.cpp#15346 ("sched : copy only the used experts when offloading prompt
  processing", merged 2025-08-20): the whole tensor, every expert, whichever the tokens picked;
- from it on: it reads the ubatch's routing ids (the op's src[2]) back to the host, marks the experts
  any token picked in a bitset and copies only those (contiguous runs together). Under uniform routing
  an expert is left out with probability (1 - k/E)^tokens (hardware/read_share.py expert_read_fraction):
  about every expert for a 512-token ubatch, fewer for a small one (the PR's gpt-oss-20b table with
  `-ot exps=CPU`: ub 128 pp2048 124.24 -> 202.92 t/s, ub 512 502.73 -> 685.31 t/s). Real prompts route
  less evenly (the PR's llama-cli trace of gpt-oss-120b: 72-95 of 128 experts used in a 512-token
  ubatch); that skew is not modelled, so the copy is an upper bound there.
Decode (one token, below the 32-token threshold) never copies: the CPU reads the picked experts.
"""

from __future__ import annotations

# REFERENCE: ggml-org/llama.cpp#15346, merged 2025-08-20: placed between b5920 (PR #14800, 2025-07-21)
# and b6260 (PR #15525, 2025-08-23, llama_cpp_mmid_host.DEVICE_HELPER_BUILD) by date, about ten builds
# a day, as llama_cpp_fusion.py places its PRs. Approximate.
USED_EXPERTS_COPY_BUILD = 6230


def copies_used_experts_only(build: int | None) -> bool:
    """Whether this build copies only the experts a ubatch picked (None: the build modelled, which does)."""
    return build is None or build >= USED_EXPERTS_COPY_BUILD
