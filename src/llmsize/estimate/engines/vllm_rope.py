"""The RoPE cos/sin tables vLLM builds with the model (counted in "Model loading took").

Used by vllm.py `Vllm.place_weights`; SGLang's model construction builds the same tables
(sglang_figures.py `rope_bytes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec


def rope_cache_bytes(spec: ModelSpec, wl: Workload) -> int:
    """The RoPE cos/sin tables vLLM builds when it constructs the model, on every rank and stage.

    vllm/model_executor/layers/rotary_embedding/base.py `RotaryEmbedding.__init__` registers a
    `cos_sin_cache` buffer of (positions x rotary_dim) in the model dtype, one per distinct RoPE
    (`get_rope` caches instances), so it is counted in "Model loading took". Positions are
    max_position_embeddings, times the factor for linear scaling (linear_scaling_rope.py: "the
    maximum length after applying the rope scaling is max_position_embeddings * scaling_factor")
    and dynamic NTK (dynamic_ntk_scaling_rope.py), original_max_position_embeddings x factor for
    YaRN (yarn_scaling_rope.py, deepseek_scaling_rope.py). Gemma 3's sliding layers build a second,
    unscaled table (vllm/model_executor/models/gemma3.py Gemma3Attention: rope_local_base_freq).
    Check: gemma-3-12b-it loads 23.31 GiB on vLLM 0.19 (llm-d-planner#205) against 22.70 GiB of
    parameters: 1,048,576 x 256 x 2 bytes + 131,072 x 256 x 2 = 0.56 GiB.
    A partial RoPE spans head_dim x partial_rotary_factor (get_rope's rotary_dim: Qwen3.5's 64 of 256).
    LongRoPE (Phi-3 128k, Phi-3.5, Phi-4-mini): phi3_long_rope_scaled_rope.py
    `Phi3LongRoPEScaledRotaryEmbedding.__init__` concatenates a short table of
    original_max_position_embeddings rows and a long one of max_position_embeddings rows into the
    one `long_short_cos_sin_cache` buffer.
    """
    element = 4 if wl.dtype is not None and str(wl.dtype) == "fp32" else 2
    return rope_positions(spec) * rotary_dim(spec) * element


def rotary_dim(spec: ModelSpec) -> int:
    """The width of one cos/sin row: the MLA rope dims, else head_dim x partial_rotary_factor (0 when the
    model has no RoPE)."""
    if spec.position_embedding_params or not spec.num_attention_heads:
        return 0
    if spec.is_mla and spec.qk_rope_head_dim:
        return spec.qk_rope_head_dim
    return int(spec.head_dim * spec.rotary_fraction)


def rope_positions(spec: ModelSpec) -> int:
    """Rows of the cos/sin tables the model builds (rope_cache_bytes: scaled positions, Gemma 3's local
    table)."""
    base = spec.max_position_embeddings
    kind, factor = spec.rope_scaling_type, spec.rope_scaling_factor
    if kind in ("linear", "dynamic"):
        positions = int(base * factor)
    elif kind in ("yarn", "deepseek_yarn"):
        positions = int((spec.rope_original_max_positions or base) * factor)
    elif kind in ("longrope", "su"):
        positions = base + (spec.rope_original_max_positions or 0)
    else:
        positions = base
    return positions + (base if spec.local_rope else 0)
