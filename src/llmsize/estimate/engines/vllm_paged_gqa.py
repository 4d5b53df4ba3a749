"""vLLM 0.4's decode attention reads each KV head once per query head: GQA's repeats come from the L2.

In vLLM 0.4.2 the FLASH_ATTN backend runs flash-attention for prompts only; a decode token goes to
`PagedAttention.forward_decode` (vllm/attention/backends/flash_attn.py, vllm/attention/ops/paged_attn.py
at v0.4.2), i.e. the paged_attention_v1 / v2 CUDA kernels (v2 with 512-token partitions past 8,192 tokens
or when a head-partition grid is worth it). Their grid is (num_heads, num_seqs, partitions): one thread
block per *query* head, which reads the K and V of its KV head, `head_idx / num_queries_per_kv`
(csrc/attention/attention_kernels.cu, paged_attention_v1/v2 launchers). With grouped-query attention
each KV head is therefore read n_rep = query heads / KV heads times. The blocks of one group have
consecutive block indices and run side by side, so HBM delivers each KV byte about once and the L2
serves the repeats: the kernel streams n_rep x the cache through the L2, or the cache once from HBM,
whichever is slower. Later releases decode with flash-attention's paged kernel, which packs a group's
query heads into one tile and reads the cache once (vllm-flash-attn `flash_attn_with_kvcache`, the
0.6.3 profile's case).

REFERENCE: NVIDIA A100 Tensor Core GPU Architecture whitepaper (2020): L2 read bandwidth 5,120 bytes
per clock, i.e. 7.22 TB/s at the 1,410 MHz boost clock, 3.54 x the A100 SXM 80GB's 2,039 GB/s of HBM.
The ratio is taken for every GPU (llmsize's catalog has no L2 figures); both streams are counted at the
KV stream's achieved share. Nothing here is fitted.
"""

from __future__ import annotations

# REFERENCE: A100 whitepaper, 5120 B/clk x 1.41 GHz = 7.22e12 B/s over 2.039e12 B/s of HBM2e.
L2_OVER_HBM_BANDWIDTH = 5120 * 1.41e9 / 2.039e12


def paged_kv_read_factor(kv_groups: int) -> float:
    """Seconds of a paged decode-attention step over reading the cache once: n_rep reads through the L2."""
    return max(1.0, kv_groups / L2_OVER_HBM_BANDWIDTH)
