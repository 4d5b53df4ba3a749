"""vLLM's prefill attention on heads wider than FlashAttention's 256: a kernel of its own, at its own rate.

Why: FlashAttention's kernels stop at head dim 256 (vLLM's FlashAttentionBackend supported head sizes;
FlashInfer's fa2/fa3 prefill likewise). Gemma 4's ten full_attention blocks (of 60 in the 31B) use
global_head_dim 512 (transformers configuration_gemma4.py), so vLLM cannot run them on FLASH_ATTN:
from v0.19 `Gemma4Config` in vllm/model_executor/models/config.py forces TRITON_ATTN for the whole model
(its log line, config.py:101: "Gemma4 model has heterogeneous head dimensions (head_dim=256,
global_head_dim=512). Forcing TRITON_ATTN backend to prevent mixed-backend numerical divergence.";
vllm-project/vllm#38887 / #38891), and the wide blocks run triton_attn's kernel_unified_attention. At head
dim 512 that kernel is latency-bound on Hopper: 255 registers a thread, occupancy 6-13% (ncu figures of
vllm-project/vllm PR #43257, 2026-05, which tunes it). The sliding blocks' keys stop at the 1,024-token
window, so a long prompt's context-squared FLOPs are almost all in the wide blocks.

Price: pegainfer-project/pegainfer#1051 (2026-09) timed head-dim-512 prefill on one GH200 at Gemma 4's
own shapes (8,192-query chunks against the whole prefix, 32 query / 4 KV heads, bf16, causal) against a
sustained bf16 GEMM of 686 TFLOP/s measured in the same process: "FlashAttention 4 holds 44-49% of that
roofline across the range", FlashInfer's FA2 path 19-28%. The faster kernel is the bound a Hopper
reaches at that width; 0.465 x 686 / 989.5 (H100/GH200 dense BF16 peak) = 0.32 of the 16-bit peak, where
vLLM's attention_compute for Hopper at head dims <= 256 is 0.82 (FlashAttention 3,
Dao-AILab/flash-attention#1075). No figure for other architectures: they keep the narrow-head share.
No row of bench/speed_tables.yaml fed this number.
"""

from __future__ import annotations

# REFERENCE: FlashAttention's largest head dim (vllm/v1/attention/backends/flash_attn.py
# get_supported_head_sizes ends at 256); wider blocks run another kernel.
FLASH_ATTENTION_MAX_HEAD_DIM = 256

# REFERENCE: pegainfer-project/pegainfer#1051: head-dim-512 prefill at 44-49% (mid 0.465) of a 686 TFLOP/s
# sustained GEMM on a GH200, whose dense BF16 peak is 989.5 TFLOP/s (NVIDIA H100 datasheet, SXM).
HOPPER_WIDE_HEAD_SHARE = round(0.465 * 686 / 989.5, 3)

# Achieved / 16-bit peak FLOP/s of vLLM's prefill attention on blocks wider than
# FLASH_ATTENTION_MAX_HEAD_DIM, per GPU architecture (EngineSpeedProfile.wide_head_attention_compute).
WIDE_HEAD_ATTENTION_COMPUTE: dict[str, float] = {"hopper": HOPPER_WIDE_HEAD_SHARE}


def wide_head_note(share: float) -> str:
    """One line for the report where a prompt's attention runs on heads wider than FlashAttention's."""
    return (f"attention heads wider than {FLASH_ATTENTION_MAX_HEAD_DIM} run outside FlashAttention (vLLM "
            f"forces TRITON_ATTN for Gemma 4): their prompt attention at {share:.0%} of the 16-bit peak")
