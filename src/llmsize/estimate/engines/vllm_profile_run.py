"""The torch peak increase of vLLM's profile run: one flat batch through the model, then the sampler.

REFERENCE: vllm/v1/worker/gpu_model_runner.py `profile_run` -> `_dummy_run(max_num_tokens)`: one batch of
max_num_batched_tokens tokens with flash-attention kernels (no score matrix), then `_dummy_sampler_run`
over min(max_num_seqs, max_num_batched_tokens) requests (vllm_sampler.py); the cuBLAS workspace of the
first GEMM stays allocated through both. Used by vllm.py `Vllm.profile_bytes` (and SGLang's chunk
estimate, sglang_figures.py `peak`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import vllm_dsv4
from llmsize.estimate.engines.vllm_sampler import blas_workspace_bytes, sampler_peak, sorts_every_row

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec


def profile_run_bytes(
    spec: ModelSpec, e: int, wl: Workload, batched_tokens: int, max_seqs: int
) -> tuple[int, int, int]:
    """(torch peak increase, forward part, sampler part) of the profile run on one rank, for a batch of
    `batched_tokens` tokens and `max_seqs` sequences in `e`-byte activations."""
    tp = wl.tp
    t = batched_tokens
    s = min(max_seqs, t)
    h = spec.hidden_size
    hd = spec.head_dim
    q = max(1, spec.num_attention_heads // tp) * hd
    kv = max(1, spec.num_kv_heads // tp) * hd
    if spec.is_mla:
        q = max(1, spec.num_attention_heads // tp) * (spec.qk_nope_head_dim + spec.qk_rope_head_dim)
        kv = spec.kv_lora_rank + spec.qk_rope_head_dim
    attn = t * e * (2 * h + q + 2 * kv + q)
    dense = (
        t * e * (2 * h + 3 * (spec.max_mlp_width // tp))
        if spec.num_layers > spec.num_moe_layers
        else 0
    )
    moe = 0
    if spec.is_moe:
        inter = spec.moe_intermediate_size // tp
        k = spec.num_experts_per_tok
        # fused_moe: router logits in fp32, then per (token, expert) gate_up, activation and down
        moe = t * (2 * h * e + spec.num_experts * 4 + k * e * (3 * inter + h))
    forward = max(attn, dense, moe) + stream_extra(spec, t, e)
    forward += vllm_dsv4.prefill_workspace_bytes(spec, wl.context, t)
    if wl.speculative is not None:
        forward += t * h * e * 3  # the drafter's dummy_run: the target's hidden states + its [h, h] input
    largest = t * e * max(h, 2 * (spec.max_mlp_width // tp), q + 2 * kv)
    if spec.is_moe:
        largest = max(largest, t * spec.num_experts_per_tok * e * 2 * (spec.moe_intermediate_size // tp))
    sampler = sampler_peak(
        s, spec.vocab_size, h, e, wl.gpu_compute_units, largest, wl.speculative is not None,
        sorts_every_row(wl.engine_version),
    ).total
    # the cuBLAS (and cuBLASLt) workspaces of the first GEMMs stay allocated through both phases
    blas = blas_workspace_bytes(wl.gpu_architecture, has_linear_bias(spec))
    return max(forward, t * h * e + sampler) + blas, forward, sampler


def stream_extra(spec: ModelSpec, t: int, e: int) -> int:
    """What Gemma 3n / Gemma 4 E-models keep live beside a plain block during the profile run.

    REFERENCE: vllm/model_executor/models/gemma3n.py Gemma3nTextModel.forward (per_layer_inputs,
    [tokens, layers, p], live for the whole forward) and Gemma3nDecoderLayer.forward (AltUp's
    [n, tokens, hidden] input, predictions and corrected predictions); gemma4.py keeps the same
    per-layer inputs.
    """
    extra = spec.num_layers * spec.per_layer_input_size
    if spec.altup_inputs > 1:
        extra += 3 * spec.altup_inputs * spec.hidden_size
    return t * e * extra


def has_linear_bias(spec: ModelSpec) -> bool:
    """Whether a dense linear layer carries a bias: its GEMM is an `addmm` through cuBLASLt
    (vllm_sampler.blas_workspace_bytes)."""
    return spec.qkv_bias or spec.o_bias or spec.mlp_bias or spec.lm_head_bias
