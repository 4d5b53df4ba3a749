"""The device memory DeepEP's communication buffer takes on each expert-parallel rank (vLLM and SGLang).

A `deep_ep.Buffer` holds two regions the engines size up front, plus a fixed workspace
(deepseek-ai/DeepEP, csrc/legacy/buffer.hpp Buffer::Buffer, the "legacy" API both engines call):

- num_nvl_bytes: the NVLink (intranode) region, cudaMalloc'd with IPC handles, plus its barrier signals;
- num_rdma_bytes: the NVSHMEM region (internode, and every low-latency buffer), nvshmem_align'd;
- a 32 MiB workspace (LEGACY_NUM_WORKSPACE_BYTES, csrc/kernels/legacy/compiled.cuh).

Size hints, from DeepEP's own code (csrc/legacy/config.hpp):

- Config::get_nvl_buffer_size_hint(hidden_bytes, ranks): per channel (num_sms / 2, Buffer.num_sms = 20),
  per NVLink peer (min(ranks, 8)), num_max_nvl_chunked_recv_tokens slots of hidden_bytes + an 8-byte
  SourceMeta + 128 int64 top-k indices + 128 fp32 weights + 128 fp32 scales, plus (2 x RDMA peers + 3)
  int counters; 128-byte aligned.
- Config::get_rdma_buffer_size_hint: 0 up to 8 ranks (one node), else per channel and RDMA peer
  (ranks / 8), twice (send and receive) num_max_rdma_chunked_recv_tokens slots of the same token record
  plus an int4, plus (8 x 2 + 2) x 2 ints.
- The chunk sizes come from Buffer.get_dispatch_config / get_combine_config (deep_ep/buffers/legacy.py),
  one table entry per rank count; DeepEP asserts on any other count.
- get_low_latency_rdma_size_hint(tokens, hidden, ranks, experts) = LowLatencyLayout.total_bytes: two
  (odd/even) send buffers of max(tokens x dispatch message, experts x tokens x combine message), two
  receive buffers of experts x tokens x the larger message, two signalling buffers of experts ints; a
  dispatch message is 16 + max(2 x hidden, hidden + hidden/128 x 4) bytes and a combine message
  hidden/128 x 4 + 2 x hidden (the per-128-channel min/max added with LogFMT combine, DeepEP c5facf5,
  2025-08, "Support 10-bit LogFMT Combine"); rounded up past a 128-byte boundary.

Checks: vllm-project/vllm#57894 tabulates num_rdma_bytes = 35.55 GiB for 2048 tokens, hidden 5120, 16
ranks, 448 experts (this layout: 35.547 GiB). DeepEP#128's tests/test_low_latency.py printed "Allocating
buffer size: 2115.111296 MB" for 128 tokens, hidden 7168, 288 experts: exactly the layout before LogFMT
(combine message 2 x hidden), 2,146.96 MB with it. NVSHMEM's own bookkeeping is not counted: DeepEP#510
saw free memory drop ~3.1 GB around a Buffer whose hint is ~2.1 GB.
"""

from __future__ import annotations

from typing import NamedTuple

MIB = 1024 * 1024
NUM_MAX_NVL_PEERS = 8  # LEGACY_NUM_MAX_NVL_PEERS, csrc/kernels/legacy/compiled.cuh
WORKSPACE_BYTES = 32 * MIB  # LEGACY_NUM_WORKSPACE_BYTES
ALIGNMENT_BYTES = 128  # LEGACY_NUM_BUFFER_ALIGNMENT_BYTES
NUM_SMS = 20  # deep_ep Buffer.num_sms default
MAX_TOPK = 128  # kNumMaxTopK in the size hints
MAX_SCALES = 128  # kNumMaxScales
SOURCE_META_BYTES = 8  # sizeof(internode::SourceMeta): two ints
TOPK_IDX_BYTES = 8  # topk_idx_t: EP_NUM_TOPK_IDX_BITS defaults to 64
INT4_BYTES = 16


class ChunkConfig(NamedTuple):
    """deep_ep Config's chunk sizes (num_sms is Buffer.num_sms)."""

    nvl_send: int
    nvl_recv: int
    rdma_send: int
    rdma_recv: int


# deep_ep/buffers/legacy.py Buffer.get_dispatch_config / get_combine_config: rank count -> chunks.
DISPATCH = {
    2: ChunkConfig(24, 256, 6, 128),
    4: ChunkConfig(6, 256, 6, 128),
    8: ChunkConfig(6, 256, 6, 128),
    16: ChunkConfig(36, 288, 20, 128),
    24: ChunkConfig(32, 288, 8, 128),
    32: ChunkConfig(32, 288, 8, 128),
    48: ChunkConfig(32, 288, 8, 128),
    64: ChunkConfig(32, 288, 8, 128),
    96: ChunkConfig(20, 480, 12, 128),
    128: ChunkConfig(20, 560, 12, 128),
    144: ChunkConfig(32, 720, 12, 128),
    160: ChunkConfig(28, 720, 12, 128),
}
COMBINE = {
    2: ChunkConfig(10, 256, 6, 128),
    4: ChunkConfig(9, 256, 6, 128),
    8: ChunkConfig(4, 256, 6, 128),
    16: ChunkConfig(4, 288, 12, 128),
    24: ChunkConfig(1, 288, 8, 128),
    32: ChunkConfig(1, 288, 8, 128),
    48: ChunkConfig(1, 288, 8, 128),
    64: ChunkConfig(1, 288, 8, 128),
    96: ChunkConfig(1, 480, 8, 128),
    128: ChunkConfig(1, 560, 8, 128),
    144: ChunkConfig(2, 720, 8, 128),
    160: ChunkConfig(2, 720, 8, 128),
}


def _align(n: int, to: int) -> int:
    return -(-n // to) * to


def _token_record_bytes(hidden_bytes: int) -> int:
    """A token's slot: hidden states, source meta, top-k indices and weights, scales."""
    return hidden_bytes + SOURCE_META_BYTES + MAX_TOPK * TOPK_IDX_BYTES + MAX_TOPK * 4 + MAX_SCALES * 4


def nvl_size_hint(cfg: ChunkConfig, hidden_bytes: int, ranks: int, num_sms: int = NUM_SMS) -> int:
    """Config::get_nvl_buffer_size_hint."""
    rdma_ranks = max(ranks // NUM_MAX_NVL_PEERS, 1)
    nvl_ranks = min(ranks, NUM_MAX_NVL_PEERS)
    lanes = num_sms // 2 * nvl_ranks
    n = lanes * (2 * rdma_ranks + 3) * 4 + lanes * cfg.nvl_recv * _token_record_bytes(hidden_bytes)
    return _align(n, ALIGNMENT_BYTES)


def rdma_size_hint(cfg: ChunkConfig, hidden_bytes: int, ranks: int, num_sms: int = NUM_SMS) -> int:
    """Config::get_rdma_buffer_size_hint (0 within one node)."""
    if ranks <= NUM_MAX_NVL_PEERS:
        return 0
    recv = _align(cfg.rdma_recv, cfg.rdma_send)  # the Config constructor rounds it up to the send chunk
    lanes = num_sms // 2 * (ranks // NUM_MAX_NVL_PEERS)
    n = lanes * (NUM_MAX_NVL_PEERS * 2 + 2) * 2 * 4
    n += lanes * recv * 2 * (_token_record_bytes(hidden_bytes) + INT4_BYTES)
    return _align(n, ALIGNMENT_BYTES)


def normal_bytes(hidden_bytes: int, ranks: int) -> tuple[int, int] | None:
    """(num_nvl_bytes, num_rdma_bytes) sized as SGLang does: the larger of the dispatch and combine
    configs' hints; None where DeepEP has no config for this many ranks."""
    if ranks not in DISPATCH:
        return None
    cfgs = (DISPATCH[ranks], COMBINE[ranks])
    return (max(nvl_size_hint(c, hidden_bytes, ranks) for c in cfgs),
            max(rdma_size_hint(c, hidden_bytes, ranks) for c in cfgs))


def low_latency_rdma_bytes(tokens: int, hidden: int, experts: int) -> int:
    """get_low_latency_rdma_size_hint (LowLatencyLayout; the rank count does not enter it)."""
    scales = hidden // 128
    dispatch_msg = INT4_BYTES + max(hidden * 2, hidden + scales * 4)
    combine_msg = scales * 4 + hidden * 2
    send = max(tokens * dispatch_msg, experts * tokens * combine_msg)
    recv = experts * tokens * max(dispatch_msg, combine_msg)
    signal = _align(experts * 4, ALIGNMENT_BYTES)
    total = 2 * (send + recv + signal)
    return (total + ALIGNMENT_BYTES) // ALIGNMENT_BYTES * ALIGNMENT_BYTES


def buffer_bytes(nvl: int, rdma: int) -> int:
    """What one Buffer takes on a GPU: its two regions and the workspace."""
    return nvl + rdma + WORKSPACE_BYTES
