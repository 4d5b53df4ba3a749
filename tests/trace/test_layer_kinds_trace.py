"""Weights and cache of every new layer kind, estimator vs the real transformers model, to the byte.

Each config is the model type's own transformers 5.23 default (`configuration_<type>.py`, which
describes the flagship checkpoint: Qwen3-Next-80B-A3B's widths, Nemotron-H's Mamba-2 sizes, ...),
cut to the fewest layers that still hold every kind of block it has. The cache is read from the
object `generate` returns: K/V, DSA indexer keys, and the conv and recurrent states of linear
attention, Mamba and short-conv layers (`cache_utils.LinearAttentionLayer`), after the prompt and
at the full context.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare, spec_of

# (model_type, layers, overrides the default config needs to be a real one)
KINDS: list[tuple[str, int, dict[str, Any]]] = [
    ("qwen3_next", 4, {}),  # gated delta-net + gated attention, MoE with gated shared expert
    ("qwen3_5", 4, {}),  # split delta-net projections, Qwen3-VL vision tower
    ("nemotron_h", 4, {}),  # Mamba-2 / attention / MLP / MoE blocks, fp32 SSM state
    # Nemotron 3 Super's LatentMoE: experts in a 1024-wide latent between fc1/fc2 projections
    ("nemotron_h", 4, {"moe_latent_size": 1024}),
    ("falcon_h1", 2, {}),  # attention and Mamba-2 side by side
    ("jamba", 8, {}),  # Mamba-1 + attention every 8th block, MoE every 2nd
    ("lfm2", 4, {}),  # short convolutions
    ("kimi_linear", 5, {}),  # Kimi delta attention + MLA
    ("deepseek_v32", 4, {}),  # MLA + DSA indexer cache
    ("olmo3", 4, {}),  # post-norms, sliding windows
    ("glm4_moe", 2, {"head_dim": 128}),  # GLM-4.5's head_dim (the default leaves it to hidden/heads)
    ("olmo_hybrid", 4, {}),  # gated delta-net (separate q/k/v/a/b/g projections) + Olmo 3 attention
    ("afmoe", 4, {}),  # gated attention with q/k norm, sliding windows, MoE with expert_bias
    # MiMo-V2-Flash: sliding blocks with twice the KV heads and sinks, V heads narrower than K (192 / 128)
    ("mimo_v2_flash", 6, {}),
    ("solar_open", 2, {}),  # GLM-4.5 MoE in every block, Llama attention
    ("hunyuan_v1_dense", 2, {"head_dim": 128}),  # per-head q/k norms (Hunyuan-7B's head_dim)
    ("nanochat", 2, {}),  # weightless RMSNorms, ReLU^2 MLP
    ("starcoder2", 2, {"sliding_window": 16}),  # LayerNorm with bias, a window on every layer
    ("phi", 2, {"qk_layernorm": True}),  # per-head q/k LayerNorms with bias
    ("gpt_neox", 2, {}),  # fused biased qkv, parallel residual
    ("cohere2", 4, {"sliding_window": 16}),  # 3 sliding + 1 full, parallel block
    ("stablelm", 2, {"qk_layernorm": True, "use_parallel_residual": True}),  # per-head q/k LayerNorms
    # Ministral-8B-2410: interleaved sliding / full layers from layer_types
    (
        "ministral",
        4,
        {"head_dim": 128, "layer_types": ["sliding_attention", "full_attention"] * 2, "sliding_window": 16},
    ),
]


@pytest.mark.parametrize(
    ("model_type", "layers", "over"),
    KINDS,
    ids=[k[0] + ("-latent" if k[2].get("moe_latent_size") else "") for k in KINDS],
)
def test_new_kinds_weights_and_cache_equal_the_model(
    model_type: str, layers: int, over: dict[str, Any]
) -> None:
    from transformers import AutoConfig

    config = AutoConfig.for_model(model_type).to_dict()
    config.update(over, dtype="bfloat16")
    c = compare(config, Workload(context=40, prompt_tokens=24, batch=2), name=model_type, num_layers=layers)
    assert c.est_weights == c.trace_params, (
        f"weights: estimated {c.est_weights:,} B, model {c.trace_params:,} B"
    )
    assert c.est_kv_prefill == c.trace_kv_prefill, (
        f"cache after the prompt: estimated {c.est_kv_prefill:,} B, model {c.trace_kv_prefill:,} B"
    )
    assert c.est_kv_full == c.trace_kv_full, (
        f"cache at the full context: estimated {c.est_kv_full:,} B, model {c.trace_kv_full:,} B"
    )


# Inference peaks of the new token mixers against the traced modeling code (the torch fallbacks of
# fla / causal-conv1d / mamba-ssm, which is what transformers runs without those kernels): each
# config's own transformers default at a layer count that keeps its pattern, a prefill-bound row
# (the whole context as the prompt, with a length that is no multiple of the scan chunk) and a
# decode-bound row. Jamba's Mamba-1 scan loops over tokens in python, so it is traced short.
PEAK_TOLERANCE = 0.03
PEAKS: list[tuple[str, int, dict[str, Any], int, int | None, int]] = [
    ("qwen3_next", 4, {}, 1000, None, 1),  # gated delta-net chunks of 64, gated attention, MoE
    ("qwen3_next", 4, {}, 2048, 100, 2),
    ("qwen3_5", 4, {}, 1500, None, 1),  # split delta-net projections
    ("nemotron_h", 4, {}, 1000, None, 2),  # Mamba-2 chunks of 128, MLP-only and MoE-only blocks
    ("nemotron_h", 4, {}, 2048, 100, 1),
    ("nemotron_h", 4, {"moe_latent_size": 1024}, 1000, None, 2),  # LatentMoE (Nemotron 3 Super)
    # MoE-bound: relu² experts (relu, then its square) peak in the routed experts, plain and latent
    ("nemotron_h", 4, {"layers_block_type": ["moe", "attention", "moe", "moe"]}, 2000, None, 1),
    (
        "nemotron_h",
        4,
        {"layers_block_type": ["moe", "attention", "moe", "moe"], "moe_latent_size": 1024},
        2000,
        None,
        1,
    ),
    ("falcon_h1", 2, {}, 1000, None, 1),  # attention and Mamba-2 in one block, muP multipliers
    ("granitemoehybrid", 4, {"layer_types": ["mamba", "attention", "mamba", "mamba"]}, 1000, None, 1),
    ("kimi_linear", 5, {}, 500, None, 1),  # per-channel decay: the [tokens, heads, 64, dk] mask
    ("lfm2", 4, {"layer_types": ["conv", "full_attention", "conv", "conv"]}, 2000, None, 2),
    ("lfm2", 4, {"layer_types": ["conv", "full_attention", "conv", "conv"]}, 2048, 64, 1),
    ("jamba", 5, {}, 64, None, 1),  # Mamba-1 materialises [tokens, d_inner, d_state] in fp32
    # MiMo-V2-Flash: eager attention (sinks; _supports_sdpa = False) over K 192 / V 128 heads
    ("mimo_v2_flash", 6, {}, 1000, None, 1),
    ("mimo_v2_flash", 6, {}, 2048, 100, 2),
]


@pytest.mark.parametrize(
    ("model_type", "layers", "over", "context", "prompt", "batch"),
    PEAKS,
    ids=[
        f"{p[0]}{'-latent' if p[2].get('moe_latent_size') else ''}"
        f"{'-moe' if 'layers_block_type' in p[2] else ''}-ctx{p[3]}-p{p[4] or p[3]}-b{p[5]}"
        for p in PEAKS
    ],
)
def test_new_kinds_inference_peak_within_3_percent(
    model_type: str, layers: int, over: dict[str, Any], context: int, prompt: int | None, batch: int
) -> None:
    from transformers import AutoConfig

    config = AutoConfig.for_model(model_type).to_dict()
    config.update(over, dtype="bfloat16")
    wl = Workload(context=context, prompt_tokens=prompt, batch=batch)
    c = compare(config, wl, name=model_type, num_layers=layers)
    assert c.est_phase == c.trace_phase
    assert abs(c.peak_error) <= PEAK_TOLERANCE, (
        f"estimated {c.est_peak:,} B, traced {c.trace_peak:,} B ({100 * c.peak_error:+.2f}%) at {c.where}"
    )
    for phase in c.trace_phases:
        assert abs(c.phase_error(phase)) <= PEAK_TOLERANCE, f"{phase}: {100 * c.phase_error(phase):+.2f}%"
    if prompt is None:
        # The weights dominate these totals; the transient plus the cache alone must hold too.
        est, traced = c.est_peak - c.est_weights, c.trace_peak - c.trace_params
        assert abs(est / traced - 1) <= PEAK_TOLERANCE, f"transient: estimated {est:,} B, traced {traced:,} B"


@pytest.mark.parametrize("model_type", ["llama4", "mistral3", "kimi_k25"])
def test_vision_tower_and_projector_equal_the_model(model_type: str) -> None:
    """extra_params is the vision tower plus the projector of transformers' own model (built on the
    meta device from the model type's default config, the flagship's widths)."""
    import torch
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.for_model(model_type)
    config.text_config.num_hidden_layers = 1  # the decoder is not what is counted here
    if getattr(config.text_config, "layer_types", None):
        config.text_config.layer_types = config.text_config.layer_types[:1]
    with torch.device("meta"):
        model = AutoModel.from_config(config)
    decoder = model.language_model if hasattr(model, "language_model") else model.model.language_model
    outside = sum(p.numel() for p in model.parameters()) - sum(p.numel() for p in decoder.parameters())
    spec = spec_of(AutoConfig.for_model(model_type).to_dict(), model_type)
    assert spec.extra_params == outside


# Training through the same torch fallbacks (autograd keeps what the chunked scans multiply): pure
# bf16 AdamW for full fine-tuning, peft rank 16 on all linear layers for LoRA (on Nemotron-H all
# but the Mamba out_proj, which peft 0.21 refuses to wrap); Nemotron-H's logits are fp32.
TRAIN_TOLERANCE = 0.05
# Jamba at small widths: its Mamba-1 scan loops over the tokens in python (slow to trace), and
# autograd keeps every step's state, so a short sequence already exercises what it saves. Attention
# every 4th block at offset 2 (the default: every 8th at 4) keeps, in 4 layers instead of 8, the
# three blocks the default's first 8 hold: Mamba + MLP, Mamba + MoE and attention + MLP.
JAMBA_SMALL: dict[str, Any] = {
    "hidden_size": 512,
    "intermediate_size": 1408,
    "num_attention_heads": 8,
    "num_key_value_heads": 2,
    "num_experts": 4,
    "num_experts_per_tok": 2,
    "vocab_size": 4096,
    "mamba_d_state": 16,
    "mamba_expand": 2,
    "mamba_dt_rank": 32,
    "attn_layer_period": 4,
    "attn_layer_offset": 2,
}
TRAINING: list[tuple[str, int, dict[str, Any], str, int]] = [
    ("jamba", 4, JAMBA_SMALL, "full", 64),
    ("nemotron_h", 4, {}, "full", 256),
    ("nemotron_h", 4, {}, "lora", 512),
    ("lfm2", 4, {"layer_types": ["conv", "full_attention", "conv", "conv"]}, "lora", 512),
    ("mimo_v2_flash", 6, {}, "lora", 512),  # peft over q/k/v of two widths, sinks, fp32-routed experts
]


@pytest.mark.parametrize(
    ("model_type", "layers", "over", "mode", "context"),
    TRAINING,
    ids=[f"{t[0]}-{t[3]}-ctx{t[4]}" for t in TRAINING],
)
def test_new_kinds_training_peak_within_5_percent(
    model_type: str, layers: int, over: dict[str, Any], mode: str, context: int
) -> None:
    from transformers import AutoConfig

    config = AutoConfig.for_model(model_type).to_dict()
    config.update(over, dtype="bfloat16")
    extra: dict[str, Any] = {"master_weights": False} if mode == "full" else {"lora_targets": ("all-linear",)}
    wl = Workload(mode=mode, context=context, **extra)
    c = compare(config, wl, name=model_type, num_layers=layers)
    assert abs(c.peak_error) <= TRAIN_TOLERANCE, f"{100 * c.peak_error:+.2f}% at {c.where}"
    for phase in ("forward", "backward", "optimizer"):
        assert abs(c.phase_error(phase)) <= TRAIN_TOLERANCE, f"{phase}: {100 * c.phase_error(phase):+.2f}%"
