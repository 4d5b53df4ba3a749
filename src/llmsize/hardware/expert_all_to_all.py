"""MoE dispatch and combine as an all-to-all (DeepEP), priced by the bytes each rank sends.

With an all-to-all backend (SGLang --moe-a2a-backend deepep, vLLM's deepep_low_latency /
deepep_high_throughput VLLM_ALL2ALL_BACKEND) each MoE layer sends every token's hidden state only to
the ranks of the experts it picked (dispatch) and brings the weighted expert outputs back (combine),
instead of gathering every rank's tokens on every rank (hardware/expert_parallel.py, the default path).
SGLang picks the kernel family per step (`srt/layers/moe/utils.py` DeepEPMode.resolve: --deepep-mode
auto runs the normal kernels when a prompt is in the batch and the low-latency ones in decode;
`srt/layers/moe/token_dispatcher/deepep.py` DeepEPDispatcher), through DeepEP's V1 `Buffer` API.

Bytes, from DeepEP's kernels (deepseek-ai/DeepEP `csrc/kernels/legacy/internode_ll.cu` dispatch:
num_bytes_per_msg = sizeof(int4) + hidden + hidden / 128 * sizeof(float) with FP8 dispatch, one fp32
scale per 128 channels; combine sends BF16): the low-latency kernels send one message per (token,
picked expert) pair, the normal kernels one per (token, destination rank) pair; both count the local
rank's share in the rate they report ("logical bandwidth", DeepEP README).

Rates, NVLink inside one node, as published (none of them a table row of bench/speed_tables.yaml):
- DeepEP docs/legacy.md, V1 normal kernels on H800 (4096 tokens, hidden 7168, top-8, FP8 dispatch,
  BF16 combine): dispatch 153 GB/s and combine 158 GB/s at EP 8. The catalog's H800 NVLink is
  400 GB/s both ways, 200 one way, so the kernels move 0.765 / 0.79 of one direction: the shares
  used here for every NVLink GPU.
- Checks of those shares (tests/golden/test_speed_expert_all_to_all.py): DeepEP README, V2 on SM100
  at EP 8, 726 / 740 GB/s (NVLink, 64 SMs) of a B200's 900 one way (0.81 / 0.82); deepseek-ai/DeepEP#138,
  tests/test_intranode.py on H20 (900 GB/s both ways), 'Best dispatch (FP8) ... 326.56 GB/s (NVL)',
  'Best combine ... 332.57 GB/s (NVL)' (0.73 / 0.74).
- The low-latency kernels' published figures (legacy.md: EP 8, 128 tokens a rank, 77 us dispatch at
  98 GB/s, 114 us combine at 127 GB/s) are RDMA runs; their bytes / time is this module's message
  size (the golden test checks it), so the kernels are bandwidth-bound there too. DeepEP has no
  NVLink-only low-latency kernel (deepseek-ai/DeepEP#22, #25: the low-latency path treats every peer
  as an RDMA peer; `deep_ep/buffers/legacy.py` Buffer(allow_nvlink_for_low_latency_mode=True) lets
  NVSHMEM reach intranode peers over NVLink, NVSHMEM_DISABLE_P2P=0), and no NVLink low-latency timing is
  published: the normal kernels' shares are used for them, with the engine's per-collective latency
  as each call's floor.
Applied where the MoE layer serves several attention groups or engine cores (expert_parallel.py
dispatch_combine_seconds); a DeepEP run with TP attention keeps the TP all-reduces' price.
Not modelled: two-batch overlap (--enable-two-batch-overlap hides a micro-batch's all-to-all behind
the other's compute), EPLB's redundant experts, RDMA (several nodes), and the SMs the kernels hold.
"""

from __future__ import annotations

import math

# One fp32 scale per 128 channels of an FP8 token (internode_ll.cu kNumPerChannels).
SCALE_CHANNELS = 128
SCALE_BYTES = 4
# Each low-latency message starts with an int4 of token metadata (internode_ll.cu sizeof(int4)).
MESSAGE_HEADER_BYTES = 16
COMBINE_BYTES_PER_ELEMENT = 2  # BF16
# DeepEP V1 normal kernels, H800, EP 8 (docs/legacy.md): GB/s over the catalog's 200 GB/s one way.
DISPATCH_LINK_SHARE = 153 / 200
COMBINE_LINK_SHARE = 158 / 200


def dispatch_message_bytes(hidden: int, header: bool = True) -> int:
    """Bytes one token's FP8 hidden state takes on the wire: the values, their per-128-channel fp32
    scales and (low-latency kernels) the message header."""
    scales = math.ceil(hidden / SCALE_CHANNELS) * SCALE_BYTES
    return hidden + scales + (MESSAGE_HEADER_BYTES if header else 0)


def combine_message_bytes(hidden: int) -> int:
    """Bytes one expert output of one token takes on the way back (BF16)."""
    return hidden * COMBINE_BYTES_PER_ELEMENT


def ranks_reached(num_experts: int, experts_per_token: int, ranks: int) -> float:
    """Expected distinct ranks one token's top-k experts sit on, E / ranks experts a rank, routing
    uniform: ranks x (1 - C(E - L, k) / C(E, k)), the chance a rank holds none of the k picked."""
    if ranks <= 1 or num_experts <= 0 or experts_per_token <= 0:
        return float(max(1, ranks)) if experts_per_token > 0 else 0.0
    local = num_experts // ranks
    k = min(experts_per_token, num_experts)
    missed = math.comb(num_experts - local, k) / math.comb(num_experts, k)  # comb is 0 when k > E - L
    return ranks * (1 - missed)


def layer_bytes(tokens: int, hidden: int, num_experts: int, experts_per_token: int, ranks: int,
                low_latency: bool) -> tuple[float, float]:
    """(dispatch, combine) bytes one rank sends in one MoE layer for its `tokens` tokens."""
    # Low-latency kernels: one message per picked expert; normal kernels: one per destination rank.
    copies = float(experts_per_token) if low_latency else ranks_reached(num_experts, experts_per_token, ranks)
    return (tokens * copies * dispatch_message_bytes(hidden, header=low_latency),
            tokens * copies * combine_message_bytes(hidden))


def call_seconds(message_bytes: float, link_bytes_per_s: float | None, share: float,
                 latency_s: float) -> float:
    """Seconds of one dispatch or combine moving `message_bytes` from a rank: DeepEP's `share` of one
    direction of the NVLink figure (`link_bytes_per_s`, both directions), never under `latency_s`."""
    if not link_bytes_per_s:
        return latency_s
    return max(latency_s, message_bytes / (link_bytes_per_s / 2 * share))


def layer_seconds(tokens: int, hidden: int, num_experts: int, experts_per_token: int, ranks: int,
                  link_bytes_per_s: float | None, latency_s: float, low_latency: bool) -> float:
    """Seconds of one MoE layer's dispatch and combine of a rank's `tokens` tokens over `ranks` ranks."""
    if ranks <= 1 or tokens <= 0:
        return 0.0
    dispatch, combine = layer_bytes(tokens, hidden, num_experts, experts_per_token, ranks, low_latency)
    return (call_seconds(dispatch, link_bytes_per_s, DISPATCH_LINK_SHARE, latency_s)
            + call_seconds(combine, link_bytes_per_s, COMBINE_LINK_SHARE, latency_s))
