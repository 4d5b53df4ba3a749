"""The KV-cache traffic of one transformers `generate` decode step, and how fast its copies stream.

Each step `DynamicCache.update` concatenates the new token's K and V onto the whole cache
(cache_utils.py: torch.cat reads and writes every cached byte: 2); transformers 4.46-4.51's
attention first expands the GQA heads (modeling_qwen2.py / sdpa_attention.py `repeat_kv`: expand then
reshape, a read and n_rep writes), which the attention kernel then reads (n_rep): 3 + 2 n_rep bytes
per cached byte. 5.x reads the KV heads in place (enable_gqa or the packed query): 3.
A model without GQA (n_rep 1: Qwen1.5's and Llama-2-7B's multi-head attention) makes no copy there:
`repeat_kv` returns its input unchanged when n_rep == 1 (4.38.2 models/qwen2/modeling_qwen2.py and
4.51.3 models/qwen3_moe/modeling_qwen3_moe.py `repeat_kv`: `if n_rep == 1: return hidden_states`),
so such a step moves 3 bytes per cached byte in 4.x too: the concat's 2 and attention's 1.

The two copies move 2-byte elements, and PyTorch before 2.8 copied those without vector loads:
- torch.cat took its wide-load kernel only for 4- and 8-byte types (pytorch/pytorch#102815, 2023);
  2-byte types got 8-byte vector loads in PR #150233 (2025-04, PyTorch 2.8), whose own benchmark times
  the same bf16 cat at 0.1406 ms before and 0.0849 ms after: the scalar copy streams at 0.60 of the
  vectorized one;
- repeat_kv's reshape of an expanded (stride-0) tensor is a TensorIterator copy with a broadcast
  input, which takes the unvectorized element-wise path (aten/src/ATen/native/cuda/CUDALoops.cuh
  gpu_kernel_impl vectorizes only contiguous operands), the same 2-byte accesses.
Attention's read (flash-attn, SDPA) loads 16 bytes a thread and keeps the 16-bit kernels' share.
Qwen's transformers 4.46 table (PyTorch 2.3.1, A100) checks the result: from 1 to 30,720 prompt tokens
each step grows by 12-13 ms per GB of cache at 7B-32B in every weight format, ~1.4x what full-speed
copies explain (docs/validation-speed.md); 0.60 gives 1.39-1.41x for n_rep 5-8.
"""

from __future__ import annotations

# REFERENCE: https://github.com/pytorch/pytorch/pull/150233 (bf16 torch.cat, B=1000: 0.140608 ms before,
# 0.084858 ms after 8-byte vector loads).
SCALAR_COPY_SHARE = 0.084858 / 0.140608


def cache_step_traffic(kv_groups: int, gqa_copies: bool, copy_share: float = 1.0) -> float:
    """Cached bytes' worth of 16-bit streaming one decode step costs per byte of KV cache: the concat's
    read and write and repeat_kv's read and n_rep writes at `copy_share` of the stream rate, then
    attention's read of the n_rep (or, reading heads in place, the one) copies at the full rate."""
    expands = gqa_copies and kv_groups > 1  # repeat_kv returns its input when n_rep == 1
    copies = 2.0 + (1.0 + kv_groups if expands else 0.0)
    reads = float(kv_groups) if expands else 1.0
    return copies / copy_share + reads
