"""GGUF metadata of Tencent Hunyuan (hunyuan-dense, hunyuan-moe), Baidu ERNIE 4.5 (ernie4_5, ernie4_5-moe)
and Google Gemma 3n (gemma3n), as the Hugging Face config fields llmsize's readers read
(hf_config/extra_types.py hunyuan_v1_dense / ernie4_5, moe.py hunyuan_v1_moe / ernie4_5_moe,
gemma3n.py gemma3n_text). Before, these architectures fell through to "a Llama-like decoder" (Hunyuan,
ERNIE) or to Gemma3nConfig's defaults (gemma3n: 7.8 billion parameters for any file).

How llama.cpp writes them (ggml-org/llama.cpp conversion/*.py, set_gguf_parameters over TextModel's
common keys: block_count, context_length, embedding_length, feed_forward_length, head_count(_kv),
key_length, expert_count, expert_used_count):
- conversion/hunyuan.py HunYuanModel (hunyuan-dense): the common keys; q/k norms are per-head tensors
  (attn_q_norm / attn_k_norm, which HunYuanDenseV1Attention always builds); a tied head leaves no
  output.weight. HunYuanMoEModel (hunyuan-moe) adds expert_shared_feed_forward_length =
  intermediate_size, expert_feed_forward_length = moe_intermediate_size[0], expert_used_count =
  moe_topk[0], expert_shared_count = num_shared_expert[0] (each asserted uniform over layers). Both
  fold the NTK alpha into rope.freq_base and write context_length 262144 for dynamic RoPE.
- conversion/ernie.py Ernie4_5Model (ernie4_5): the common keys, biases as tensors (use_bias);
  Ernie4_5MoeModel (ernie4_5-moe) adds expert_count = moe_num_experts, expert_used_count = moe_k,
  interleave_moe_layer_step = moe_layer_interval, leading_dense_block_count = moe_layer_start_index,
  expert_feed_forward_length = moe_intermediate_size and expert_shared_count; the MTP block is dropped.
  llama.cpp's graph (src/models/ernie4-5-moe.cpp) routes block il when il >= n_layer_dense_lead and
  (il + 1) % n_moe_layer_step == 0, the rule Ernie4_5_MoeModel applies from moe_layer_start_index.
- conversion/gemma.py Gemma3NModel (gemma3n), over Gemma3Model's keys: altup.active_idx,
  altup.num_inputs, embedding_length_per_layer_input, attention.shared_kv_layers,
  activation_sparsity_scale (the normal quantile of each layer's activation_sparsity_pattern value:
  -inf where it is 0), attention.sliding_window_pattern (true on the sliding layers) and
  feed_forward_length as given (a per-layer list). LAuReL's rank is no key: it is the width of
  blk.N.laurel_l. The converter pads per_layer_token_embd to vocab_size rows (262400, vision and
  audio token slots, where the checkpoint holds vocab_size_per_layer_input = 262144), so the file's
  per-layer table is read from its tensor; the vision and audio towers go to the mmproj file.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.models import ModelSpec

MODEL_TYPES = {
    "hunyuan-dense": "hunyuan_v1_dense", "hunyuan-moe": "hunyuan_v1_moe",
    "ernie4_5": "ernie4_5", "ernie4_5-moe": "ernie4_5_moe", "gemma3n": "gemma3n_text",
}

Getter = Callable[[str], Any]
Shapes = dict[str, tuple[int, ...]]  # tensor name -> ggml shape (ne[0], the contiguous one, first)

_CORRUPT = "the header is corrupt; download or convert the file again"


def arch_fields(config: dict[str, Any], arch: str, raw: Getter, shapes: Shapes) -> None:
    """Fill `config` for the architectures of MODEL_TYPES; `raw` reads `{arch}.key` with arrays kept."""
    if arch.startswith("ernie4_5"):
        config["use_bias"] = "blk.0.attn_q.bias" in shapes
        if arch == "ernie4_5-moe":
            _ernie_moe(config, raw, shapes)
    elif arch == "hunyuan-moe":
        config["moe_topk"] = config.get("num_experts_per_tok")
    elif arch == "gemma3n":
        _gemma3n(config, raw, shapes)


def _ernie_moe(config: dict[str, Any], raw: Getter, shapes: Shapes) -> None:
    start = _int(raw("leading_dense_block_count")) or 0
    config.update(
        moe_num_experts=config.get("num_experts"),
        moe_k=config.get("num_experts_per_tok"),
        moe_layer_start_index=start,
        moe_layer_interval=_int(raw("interleave_moe_layer_step")) or 1,
        moe_num_shared_experts=_int(raw("expert_shared_count")) or 0,
    )
    config.pop("first_k_dense_replace", None)  # ernie reads moe_layer_start_index
    # Ernie4_5_MoeSparseMoeBlock builds its shared experts as ONE MLP of count x moe_intermediate_size;
    # the file's shared tensors are that MLP (the converter writes n_ff_shexp = intermediate_size //
    # num_key_value_heads, the same width for the published sizes), so their width is what is read.
    shexp = next((s for n, s in shapes.items() if n.endswith(".ffn_up_shexp.weight")), None)
    per_expert = config.get("moe_intermediate_size") or 0
    if shexp is not None and len(shexp) == 2 and per_expert:
        if shexp[1] % per_expert:
            raise ConfigError(
                f"the GGUF's shared expert is {shexp[1]} wide, not a multiple of the experts' {per_expert}",
                hint=_CORRUPT,
            )
        config["moe_num_shared_experts"] = shexp[1] // per_expert


def _gemma3n(config: dict[str, Any], raw: Getter, shapes: Shapes) -> None:
    blocks = config.get("num_hidden_layers")
    if not isinstance(blocks, int) or blocks <= 0:
        return  # left for the required-field check
    config.update(
        altup_num_inputs=_int(raw("altup.num_inputs")),
        altup_active_idx=_int(raw("altup.active_idx")) or 0,
        hidden_size_per_layer_input=_int(raw("embedding_length_per_layer_input")),
        num_kv_shared_layers=_int(raw("attention.shared_kv_layers")) or 0,
    )
    ff = raw("feed_forward_length")
    if _items(ff) is not None:
        config["intermediate_size"] = _per_layer(ff, blocks, "feed_forward_length")
    pattern = raw("attention.sliding_window_pattern")
    if pattern is not None:
        config["layer_types"] = [
            "sliding_attention" if s else "full_attention"
            for s in _per_layer(pattern, blocks, "attention.sliding_window_pattern")
        ]
    scales = raw("activation_sparsity_scale")
    if scales is not None:
        config["activation_sparsity_pattern"] = [
            _normal_cdf(s) for s in _per_layer(scales, blocks, "activation_sparsity_scale")
        ]
    laurel = shapes.get("blk.0.laurel_l.weight")
    if laurel is not None and len(laurel) == 2:
        config["laurel_rank"] = laurel[1]
    per_layer = shapes.get("per_layer_token_embd.weight")
    if per_layer is not None and len(per_layer) == 2:
        config["vocab_size_per_layer_input"] = per_layer[1]
    missing = [k for k in ("altup_num_inputs", "hidden_size_per_layer_input", "laurel_rank",
                           "vocab_size_per_layer_input") if not config.get(k)]
    if missing:
        raise ConfigError(f"the gemma3n GGUF lacks {', '.join(missing)}", hint=_CORRUPT)


def _normal_cdf(scale: Any) -> float:
    """The sparsity fraction whose standard-normal quantile the converter wrote (0 where it wrote -inf)."""
    if not isinstance(scale, int | float) or isinstance(scale, bool) or math.isnan(scale):
        raise ConfigError("the GGUF's activation_sparsity_scale holds a value that is not a number",
                          hint=_CORRUPT)
    return 0.5 * (1.0 + math.erf(scale / math.sqrt(2.0)))  # erf(-inf) = -1: a dense layer's 0


def _items(value: Any) -> tuple[Any, ...] | None:
    items = getattr(value, "items", None)
    return items if isinstance(items, tuple) else None


def _per_layer(value: Any, blocks: int, key: str) -> list[Any]:
    """A per-layer array of exactly `blocks` entries, or a scalar repeated."""
    items = _items(value)
    if items is None:
        if value is None:
            raise ConfigError(f"the GGUF metadata lacks {key}", hint=_CORRUPT)
        return [value] * blocks
    if len(items) != blocks:
        raise ConfigError(f"the GGUF's {key} lists {len(items)} layers, not the {blocks} blocks",
                          hint=_CORRUPT)
    return list(items)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def file_only_params(spec: ModelSpec) -> int:
    """Parameters a llama.cpp file holds beyond the loaded Hugging Face model: Gemma 3n's KV-shared blocks
    keep their k/v projections and k norm in the GGUF (llama_model_gemma3n::load_arch_tensors creates
    wk, wv and attn_k_norm on every block, required, and the converter copies the checkpoint's), where
    transformers drops them on load (Gemma3nTextModel._keys_to_ignore_on_load_unexpected)."""
    if spec.model_type != "gemma3n_text" or not spec.kv_shared_layers:
        return 0
    kv_width = spec.num_kv_heads * spec.head_dim
    bias = 2 * kv_width if spec.qkv_bias else 0
    return spec.kv_shared_layers * (2 * spec.hidden_size * kv_width + bias + spec.head_dim)
