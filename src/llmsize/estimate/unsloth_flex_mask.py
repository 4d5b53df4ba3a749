"""Unsloth's attention-sink FlexAttention before September 2025: a dense mask behind each block mask.

unsloth_zoo flex_attention (attention_sink.py `flex_attention_with_sink` and utils.py
`create_block_mask_cached`, read at commit 8a39efc of 2025-08-28, the code of Unsloth's
"Long context gpt-oss fine-tuning" runs) trains gpt-oss with FlexAttention and builds each layer
type's `BlockMask` with `torch.nn.attention.flex_attention.create_block_mask(mask_mod, None, None,
Q, KV + 1, device="cuda")`, without `_compile=True`. Uncompiled, torch evaluates the mask_mod on the
whole grid (`create_mask`: the mask_mod vmapped over every query and key index) and only then
reduces it to 128 x 128 blocks, so each operation of the mask_mod that mixes the query and the key
index allocates a dense [Q, KV + 1] tensor:

- the sliding-window layers' mask_mod (`generate_sliding_window_with_sink`) holds the causal test
  `(q_idx + 1) >= kv_idx` (bool) while computing `(q_idx + 1) - kv_idx` (int64) and comparing it
  with the window (bool): 1 + 8 + 1 bytes per query-key pair at once;
- the full layers' `causal_mask_with_sink` holds the causal test and its `|` with the sink column:
  2 bytes per pair.

B and H are None, so the mask is built once for the whole batch, at the first forward of each
layer type (the block mask is `functools.lru_cache`d by mask_mod and length, so backward's
recomputation and later steps reuse it). The transient therefore sits on top of the weights and
the forward's first blocks, and at long context it dwarfs everything else: at 81K tokens the
int64 difference alone is 52 GB. unsloth-zoo dc8308b ("Compiled mask creation", 2025-09-25) builds
the block mask with `_compile=True`, block by block, and the dense grid is gone.

`--flex-dense-mask` says the run used the older code; the rule applies to models whose attention
has sink logits (gpt-oss), the only ones `flex_attention_with_sink` serves.
"""

from __future__ import annotations

from typing import Any

from llmsize.specs.models import ModelSpec

Num = Any  # an int, or a numpy array over a sweep

# bytes per query-key pair live at once while each mask_mod runs on the dense grid
SLIDING_MASK_BYTES = 1 + 8 + 1  # causal (bool), (q + 1) - kv (int64), its window test (bool)
FULL_MASK_BYTES = 1 + 1  # causal (bool), its union with the sink column (bool)


def applies(spec: ModelSpec, flex_dense_mask: bool) -> bool:
    """The older unsloth_zoo path is in use: the option is set and the model has attention sinks."""
    return flex_dense_mask and spec.attention_sinks


def ignored_warning(spec: ModelSpec) -> str:
    """Why --flex-dense-mask changed nothing: Unsloth builds FlexAttention masks for attention sinks only."""
    return (
        f"--flex-dense-mask ignored: {spec.name} has no attention sinks, and Unsloth's dense FlexAttention "
        "mask build is gpt-oss's (attention-sink) path"
    )


def dense_mask_bytes(spec: ModelSpec, q_tokens: Num) -> Num:
    """The largest transient of building the block masks for `q_tokens` query tokens (keys: the same
    tokens plus the sink column)."""
    per_pair = SLIDING_MASK_BYTES if "sliding_attention" in (spec.layer_types or ()) else FULL_MASK_BYTES
    return per_pair * q_tokens * (q_tokens + 1)


def note(spec: ModelSpec, q_tokens: int) -> str:
    return (
        "FlexAttention block masks built from a dense query x key grid (unsloth_zoo before dc8308b, "
        f"torch create_block_mask without _compile): {dense_mask_bytes(spec, q_tokens):,} B at the first "
        "forward"
    )
