"""Which of ggml-cuda's MUL_MAT_ID host paths each Ollama release's vendored llama.cpp copy had.

Before v0.30 Ollama ran both its runners (the llama runner and the Go engine) on the ggml it vendored
(Makefile.sync FETCH_HEAD, synced into ml/backend/ggml/ggml); from v0.30 it launches llama-server, whose
build is LlamaCpp.build's. The three paths llama_cpp_mmid_host.py prices for llama.cpp builds, read here
in each copy (ollama/ollama tags, ml/backend/ggml/ggml/src/ggml-cuda/):

- host helper (grouped MMQ kernel sorting the tokens by expert on the host): mmq.cu ggml_cuda_mul_mat_q's
  ids branch has its cudaMemcpyAsync + cudaStreamSynchronize pair from copy e1e8e0991 (v0.6.8, the first
  with MMQ for MUL_MAT_ID) through e54d41bef (v0.11.5-v0.12.3); copy 364a7a6d4 (v0.12.4) and later have no
  cudaStreamSynchronize in mmq.cu (PR #15525's device-side helper). Copies before v0.6.8 (46e3556e0 ..
  2016f07bd) had no MMQ for MUL_MAT_ID: their ggml_cuda_mul_mat_id is the older per-expert loop, a
  different path not modelled here. Its round trips are priced by ollama_mmid_sync.py (every multi-token
  MUL_MAT_ID of those copies syncs twice, grouped or looped: its fallback copies the ids to the host too).
- RDNA quantized loop (no grouped MMQ on RDNA3 at 64 tokens or more): mmq.cu ggml_cuda_should_use_mmq
  ends `(!GGML_CUDA_CC_IS_RDNA4(cc) && !GGML_CUDA_CC_IS_RDNA3(cc) && !GGML_CUDA_CC_IS_CDNA(cc)) || ne11 <
  MMQ_DP4A_MAX_BATCH_SIZE` in copies e1e8e0991 to 7f8ef50cc (v0.13.2, where RDNA4 already returns true
  under amd_wmma_available); copy 17f7f4baa (v0.13.3) returns true for every amd_wmma_available GPU,
  RDNA3 included (PR #17576).
- BF16 expert loop: ggml_cuda_mul_mat_id (ggml-cuda.cu) asks ggml_cuda_should_use_mmf(..., mul_mat_id)
  from copy 364a7a6d4 (v0.12.4); before it mmf.cu asserts `!ids && "mul_mat_id not implemented"`, so
  every multi-token BF16 MUL_MAT_ID took the fallback loop. Copies 364a7a6d4 and 7049736b2 (v0.12.4 to
  v0.12.10) refuse BF16 above 64 tokens whatever the rows; from 3cfa9c3f1 (v0.12.11) the rows / tokens
  limits llama_cpp_mmid_host.mmf_takes prices. Those older limits are not priced separately: on CUDA
  the fallback's cost there is its round trips, which the helper era prices for every call already.
"""

from __future__ import annotations

# REFERENCE: ollama/ollama v0.6.8 Makefile.sync FETCH_HEAD e1e8e0991 (first copy whose mmq.cu
# ggml_cuda_mul_mat_q has the ids branch) .. v0.12.3 (e54d41bef); v0.12.4 vendors 364a7a6d4.
HELPER_FIRST_RELEASE = (0, 6, 8)
HELPER_LAST_RELEASE = (0, 12, 3)
# REFERENCE: ollama/ollama v0.13.2 vendors 7f8ef50cc (RDNA3 still refused in ggml_cuda_should_use_mmq);
# v0.13.3 vendors 17f7f4baa (amd_wmma_available -> MMQ).
RDNA_LOOP_LAST_RELEASE = (0, 13, 2)


def helper_on_host(release: tuple[int, int, int] | None) -> bool:
    """Whether this release's copy grouped each multi-token MUL_MAT_ID's tokens on the host (two syncs)."""
    return release is not None and HELPER_FIRST_RELEASE <= release <= HELPER_LAST_RELEASE


def rdna_loops_quantized(release: tuple[int, int, int] | None) -> bool:
    """Whether this release's copy ran quantized experts expert by expert on RDNA at 64 tokens or more."""
    return release is not None and HELPER_FIRST_RELEASE <= release <= RDNA_LOOP_LAST_RELEASE
