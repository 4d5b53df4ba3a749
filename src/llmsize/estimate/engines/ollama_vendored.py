"""The CUDA kernels a decode step of Ollama's own runners launched: those of the llama.cpp it vendored.

Before v0.30 Ollama ran its runners (the llama runner and the Go engine) on a copy of ggml it vendored
(Makefile.sync FETCH_HEAD, synced into llama/llama.cpp and ml/backend/ggml/ggml). The CUDA backend of that
copy fused only what its own date had (estimate/engines/llama_cpp_fusion.py, one PR per fusion), so a
routed FFN launched the kernels of that build, not of the current one the llama.cpp profile prices.

Dated here: v0.11.5 vendored llama.cpp e54d41be (ollama/ollama 1a19df1f3, #11823), the copy v0.12.0 to
v0.12.3 still pin (their Makefile.sync FETCH_HEAD; v0.12.4 moves to 364a7a6d). It holds PR #14800 (the
fused rms_norm + mul that ollama_graph.FUSED_NORM_RELEASE dates to the same update) and no later CUDA
fusion: v0.11.5 was running by 2025-08-22 (the server log in ollama/ollama#11982, "ollama 0.11.5:
gpt-oss120b ...", lines of "Aug 22 10:07:07"), before PR #15631 (fused adds, opened 2025-08-28), #16130
(top-k MoE), #16715 (GEMV gate + up + GLU) and #16884 (rope + set_rows). A Qwen3-30B-A3B block then
launched the routed FFN's 12 + (k - 1) kernels where the current build launches 5: 14 more a layer at
top-8.

Decode attention without flash attention (Ollama's default on this copy for every architecture but
gpt-oss, ollama_flash.py): both runners build a one-token KQ = mul_mat(K, q), soft_max_ext and
KQV = mul_mat(V^T, KQ) over the cache (llama runner: the copy's src/llama-graph.cpp build_attn_mha; Go
engine: ml/backend/ggml/ggml.go Tensor.ScaledDotProductAttention's non-flash branch, KQ by
MulmatFullPrec). In this copy's ggml-cuda.cu ggml_cuda_mul_mat the F16 K view (head_dim x n_kv x n_head_kv)
takes mmf.cu ggml_cuda_mul_mat_f (ggml_cuda_should_use_mmf: head_dim a multiple of 64, n_kv of 32 and one
column, on Turing or newer); where mmf declines, mmvf.cu (ggml_cuda_should_use_mmvf) or, past 512 cells on
cards with tensor cores, ggml_cuda_mul_mat_batched_cublas (cublasGemmBatchedEx, one GEMM per query head
since r2 = n_head / n_head_kv > 1). The thin V^T view (n_kv x head_dim x n_head_kv) takes mmvf. Every one
of them grids over the *query* heads and reads KV head channel_dst / channel_ratio (mmf.cu mul_mat_f,
mmvf.cu mul_mat_vec_f: blockIdx.y = channel_dst; k_compute_batched_ptrs: i12 / r2), and Metal's
kernel_mul_mv_f16_f32 likewise reads head i12 / r2 (ggml-metal.metal): n_rep reads of the cache a step,
the traffic estimate/engines/llama_cpp_unfused_decode.py prices for llama.cpp's 2024 builds. Read at the
v0.11.8 tag (ml/backend/ggml/ggml/src/ggml-cuda/{ggml-cuda.cu,mmf.cu,mmvf.cu}); later copies not read.

Not dated (left on the current build's counts): releases after v0.12.3 up to v0.29, whose copies were
updated more than once (ec98e2002 in v0.17.7 and v0.20-v0.24, per their Makefile.sync) without a build
number found here; releases before v0.11.5 (their unfused norms are ollama_graph's).
"""

from __future__ import annotations

from llmsize.estimate.engines import llama_cpp_fusion

# REFERENCE: ollama/ollama 1a19df1f3 (#11823, first in v0.11.5) vendored llama.cpp e54d41be; Makefile.sync
# still pins it (FETCH_HEAD=e54d41be...) at the v0.12.0, v0.12.1, v0.12.2 and v0.12.3 tags, and v0.12.4 moves
# to 364a7a6d (`git show v0.12.N:Makefile.sync` in ollama/ollama).
E54_FIRST_RELEASE = (0, 11, 5)
E54_LAST_RELEASE = (0, 12, 3)
# REFERENCE: ggml-org/llama.cpp PR #15631 (opened 2025-08-28), the first CUDA fusion after the copy.
FIRST_MISSING_FUSION = 15631


# REFERENCE: e54d41be's mmf.cu mul_mat_f / mmvf.cu mul_mat_vec_f (channel_x = channel_dst / channel_ratio)
# and ggml-cuda.cu ggml_cuda_mul_mat_batched_cublas (one GEMM per query head): each query head reads its KV
# head, so the unfused decode reads the cache n_rep times (llama_cpp_unfused_decode.query_head_read_factor).
UNFUSED_DECODE_PER_QUERY_HEAD = True


def vendors_e54(release: tuple[int, int, int] | None) -> bool:
    """Whether this Ollama release ran the llama.cpp copy e54d41be (v0.11.5 to v0.12.3)."""
    return release is not None and E54_FIRST_RELEASE <= release <= E54_LAST_RELEASE


def e54_kernels() -> dict[str, int]:
    """Kernels per block part of a CUDA decode step on that copy: every fusion before PR #15631."""
    first = next(f.first_build for f in llama_cpp_fusion.FUSIONS if f.pr == FIRST_MISSING_FUSION)
    return llama_cpp_fusion.kernels_at(first - 1)
