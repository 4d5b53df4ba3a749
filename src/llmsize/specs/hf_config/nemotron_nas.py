"""NVIDIA Llama-Nemotron NAS models (model_type "nemotron-nas", DeciLMForCausalLM): per-block shapes.

Neural architecture search cut Llama 3.3 70B / 3.1 405B block by block, and `block_configs` says
what each block kept (remote code modeling_decilm.py; vLLM's model_executor/models/nemotron_nas.py
DeciLMDecoderLayer, the reading restated here):
- `attention.no_op`: the block has no attention, no input_layernorm and no KV cache;
- otherwise `num_attention_heads // attention.n_heads_in_group` KV heads (GQA);
- `ffn.no_op`: no MLP and no post_attention_layernorm; otherwise a Llama gated MLP of
  `_find_multiple(int(2 * ffn_mult * hidden / 3), 256)` (`_ffn_mult_to_intermediate_size`),
  or `ffn.intermediate_size` when the block states it.
A block with neither is the identity: it holds no tensor, no cache and no compute, so it is left out
(Llama-3.1-Nemotron-Ultra-253B-v1 has 81 of its 162 blocks so). `replace_with_linear` (a hidden x
hidden linear in place of the sublayer) is refused: vLLM does not load it either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.reader import Fields, Reader, trunk


def ffn_width(ffn_mult: float, hidden: int) -> int:
    """DeciLM's MLP width for `ffn_mult`: 2/3 of mult x hidden, rounded up to a multiple of 256."""
    width = int(2 * ffn_mult * hidden / 3)
    return width if width % 256 == 0 else width + 256 - width % 256


def _part(block: Any, key: str, index: int) -> Mapping[str, Any]:
    part = block.get(key) if isinstance(block, Mapping) else None
    if not isinstance(part, Mapping):
        raise ConfigError(f"config.json (nemotron-nas) block_configs[{index}] has no {key!r} object")
    if part.get("replace_with_linear"):
        raise ConfigError(
            f"config.json (nemotron-nas) block_configs[{index}].{key} is replace_with_linear, "
            "which llmsize does not model (vLLM's DeciLMDecoderLayer does not load it either)"
        )
    return part


def _block(block: Any, index: int, heads: int, hidden: int) -> tuple[int | None, int | None]:
    """(KV heads or None without attention, MLP width or None without MLP) of one block."""
    attn, ffn = _part(block, "attention", index), _part(block, "ffn", index)
    kv: int | None = None
    if not _no_op(attn, index, "attention"):
        group = attn.get("n_heads_in_group")
        if isinstance(group, bool) or not isinstance(group, int) or group < 1 or heads % group:
            raise ConfigError(
                f"config.json (nemotron-nas) block_configs[{index}].attention.n_heads_in_group must "
                f"divide num_attention_heads ({heads}), not {group!r}"
            )
        kv = heads // group
    width: int | None = None
    if not _no_op(ffn, index, "ffn"):
        size, mult = ffn.get("intermediate_size"), ffn.get("ffn_mult")
        if size is not None:
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise ConfigError(
                    f"config.json (nemotron-nas) block_configs[{index}].ffn.intermediate_size must be a "
                    f"positive integer, not {size!r}"
                )
            width = size
        elif not isinstance(mult, bool) and isinstance(mult, (int, float)) and mult > 0:
            width = ffn_width(float(mult), hidden)
        else:
            raise ConfigError(f"config.json (nemotron-nas) block_configs[{index}].ffn states no ffn_mult")
    return kv, width


def _no_op(part: Mapping[str, Any], index: int, key: str) -> bool:
    """The block's `no_op` flag, a JSON boolean: a string such as "false" is truthy in Python, and an
    MLP width of -5 subtracted parameters (issue 15, round 7), so neither is read as something else."""
    flag = part.get("no_op", False)
    if not isinstance(flag, bool):
        raise ConfigError(
            f"config.json (nemotron-nas) block_configs[{index}].{key}.no_op must be true or false, "
            f"not {flag!r}"
        )
    return flag


def nemotron_nas(r: Reader) -> Fields:
    """The blocks of `block_configs` that hold anything, each with its own attention and MLP."""
    blocks = r.get("block_configs")
    if not isinstance(blocks, list) or not blocks:
        raise ConfigError("config.json (nemotron-nas) field 'block_configs' must be a non-empty list")
    heads, hidden = r.req("num_attention_heads"), r.req("hidden_size")
    kept = [b for b in (_block(b, i, heads, hidden) for i, b in enumerate(blocks)) if b != (None, None)]
    if not kept:
        raise ConfigError("config.json (nemotron-nas) block_configs has only empty blocks")
    kv_heads = {kv for kv, _ in kept if kv is not None}
    if len(kv_heads) > 1:
        raise ConfigError(
            f"config.json (nemotron-nas) blocks differ in KV heads ({sorted(kv_heads)}), which llmsize "
            "does not model yet"
        )
    widths = tuple(w or 0 for _, w in kept)
    cfg = {
        **r.cfg,
        "num_hidden_layers": len(kept),
        "num_key_value_heads": next(iter(kv_heads), heads),
        "intermediate_size": max(widths),
    }
    f = trunk(Reader(cfg, "llama"))
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=r.flag("mlp_bias"),
        layer_types=tuple("full_attention" if kv else "none" for kv, _ in kept),
        ffn_types=tuple("dense" if w else "none" for _, w in kept),
        intermediate_sizes=widths,
        sublayer_norms=True,
    )
    return f
