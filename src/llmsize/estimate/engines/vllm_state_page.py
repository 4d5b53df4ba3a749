"""A hybrid model's state pages in vLLM's pool: the per-request Mamba / linear-attention state, and the
attention block grown until its page holds one.

REFERENCE: vllm/platforms/interface.py `_align_hybrid_block_size` (before 0.20
vllm/model_executor/models/config.py HybridAttentionMambaModelConfig): pages must be one size, so the
attention block becomes a multiple of the kernel block large enough for a state page. Used by vllm.py
`Vllm.block_tokens` / `Vllm.state_bytes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import vllm_state_dtype
from llmsize.estimate.engines.base import ceil_div
from llmsize.estimate.mixer_tp import replicated_groups

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: vllm/platforms/interface.py `_align_hybrid_block_size`: the attention block of a hybrid
# attention + Mamba model is a multiple of the backend's smallest kernel block (16 for FlashAttention
# and FlashInfer on CUDA).
KERNEL_BLOCK_ALIGNMENT = 16
# REFERENCE: vllm-project/vllm#24486 ("Decouple Kernel Block Size from KV Page Size", October 2025),
# vllm/model_executor/models/config.py HybridAttentionMambaModelConfig.verify_and_update_config: "MLA
# requires larger alignment: CUTLASS_MLA backend: 128 ... Other MLA backends: 64" (FlashMLA's 64-token
# kernel block). An MLA + linear-attention hybrid (Kimi Linear) aligns its block to 64 with the default
# backend; --attention-backend CUTLASS_MLA (not modelled) would take 128.
MLA_KERNEL_BLOCK_ALIGNMENT = 64


def hybrid_state(spec: ModelSpec) -> bool:
    """Whether the model mixes attention layers with fixed-state (linear-attention / Mamba) ones."""
    layers = range(spec.num_layers)
    if spec.recurrent is None:
        return False
    return any(map(spec.has_state, layers)) and any(map(spec.has_kv, layers))


def aligned_block_tokens(base: int, state: int, attn_token_bytes: int, mla: bool = False) -> int:
    """The attention block once one attention page (block x `attn_token_bytes`) holds a `state`-byte
    state page: a multiple of the kernel block (64 under MLA), never below `base`."""
    align = MLA_KERNEL_BLOCK_ALIGNMENT if mla else KERNEL_BLOCK_ALIGNMENT
    return max(base, align * ceil_div(state, align * attn_token_bytes))


def state_bytes(spec: ModelSpec, compute_bytes: int, tp: int, speculative: int) -> int:
    """MambaSpec's shapes (`vllm/model_executor/layers/mamba/mamba_utils.py`
    MambaStateShapeCalculator): the conv state keeps kernel - 1 positions in the model dtype, the
    SSM / delta state is in mamba_ssm_cache_dtype (the model's state dtype); split over TP ranks,
    Mamba-2's conv channels after its B/C groups are replicated up to a multiple of tp.
    With speculative decoding (`speculative` = num_speculative_tokens) the gated delta-net and Mamba-2
    conv state keeps that many more positions (`gated_delta_net_state_shape` / `mamba2_state_shape`:
    conv_kernel - 1 + num_spec).
    Check: Qwen3.6-27B at TP 2 with MTP n=3 and an fp8 cache logs "Setting attention block size to 1600
    tokens" and "Padding mamba page size by 0.25%" (noonghunna/club-3090#356): 5,120 x 6 x 2 +
    24 x 128 x 128 x 4 = 1,634,304 B against 1,600 x 1,024."""
    rec = spec.recurrent
    if rec is None:
        return 0
    extra = speculative if rec.kind in ("gated_deltanet", "mamba2") else 0
    channels = rec.conv_channels
    if rec.kind == "mamba2":  # mamba2_state_shape: B/C groups replicated up to a multiple of tp
        channels += 2 * (replicated_groups(rec.n_groups, tp) - rec.n_groups) * rec.state_size
    conv = channels // tp * max(0, rec.conv_kernel - 1 + extra) * compute_bytes
    ssm_bytes = vllm_state_dtype.ssm_state_element_bytes(spec, compute_bytes)  # the model hooks
    return conv + rec.recurrent_state_elements // tp * ssm_bytes
