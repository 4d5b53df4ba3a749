"""Collectives a q/k norm over all heads adds to each attention block under tensor parallelism.

A norm whose statistic spans every head (MiniMax-M2's per-layer RMSNorm over the whole q and k
projections, OLMo 2's over the whole width) cannot be computed on one rank once TP splits the heads,
so the engines add a collective to every attention block, beside the two all-reduces of Megatron's
layout (o_proj and the MLP / experts output):
- MiniMax-M2: one all-reduce of the q and k sums of squares (SGLang 0.5 srt/models/minimax_m2.py
  MiniMaxM2QKRMSNorm._forward_naive: rms_sumsq_serial, attn_tp_all_reduce, rms_apply_serial; the
  fused Lamport kernel is taken only on CUDA with SGLANG_USE_FUSED_PARALLEL_QKNORM set, so ROCm always
  runs this path; vLLM model_executor/layers/mamba/linear_attn.py MiniMaxText01RMSNormTP.forward_qk:
  one tensor_model_parallel_all_reduce of the concatenated variances);
- OLMo 2: two all-gathers, of q and of k (vLLM and SGLang models/olmo2.py Olmo2Attention._apply_qk_norm).
The count is the model's (ModelSpec.qk_norm_tp_collectives, set where its config is read). Each call is
priced at the engine's all-reduce latency only: the messages are one or two floats a token (MiniMax)
or the q and k slices (OLMo 2), no larger than the hidden-state all-reduce whose latency sets a decode
step's collective; at a long prompt an all-gather's bytes would add to it (a lower bound there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # speed.py imports this module
    from llmsize.hardware.speed_records import SpeedInputs


def qk_norm_collective_calls(inputs: SpeedInputs) -> int:
    """Collectives one forward adds for the model's all-head q/k norm: per attention block, under TP."""
    if inputs.tp <= 1 or not inputs.qk_norm_tp_collectives:
        return 0
    return inputs.qk_norm_tp_collectives * inputs.layer_parts.get("attention", 0)
