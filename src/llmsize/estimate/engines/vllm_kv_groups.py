"""vLLM's KV cache groups: which layers share a block table, and how many blocks one request holds.

REFERENCE: vllm/v1/core/kv_cache_utils.py (0.19). Layers of one kind (full attention, one sliding
window, chunked local attention, a fixed-size Mamba / linear-attention state, a drafter's layers of
another size) are split into groups of the smallest kind's size (`_get_kv_cache_groups_uniform_page_size`);
all groups share one page size (`unify_kv_cache_spec_page_size`) and one pool of block ids. Each spec's
`max_memory_usage_bytes` (vllm/v1/kv_cache_interface.py) gives the blocks one request needs. Used by
vllm.py `Vllm.groups` / `Vllm.figures`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from llmsize.estimate.engines.base import ceil_div

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

KV_TERM_RULE = {True: "blocks", False: "window_blocks"}  # kv_cache.KvTerm rules of a full / window group


@dataclass(frozen=True)
class KvGroup:
    """One KV cache group: `layers` layers of one kind sharing a block table."""

    layers: int
    window: int | None
    state: bool = False  # linear-attention / Mamba layers: one fixed-size state per request
    token_bytes: Fraction = Fraction(0)  # one layer's K/V per token (0: the model's common size)
    chunked: bool = False  # Llama 4's chunked local attention: ChunkedLocalAttentionSpec, not a window


def kv_groups(
    spec: ModelSpec,
    layers: Iterable[int],
    token_bytes: Callable[[int], Fraction],
    paged_state: bool,
    draft: tuple[Fraction, int] = (Fraction(0), 0),
) -> list[KvGroup]:
    """KV cache groups: each kind's layers split into groups of the smallest kind's size; a drafter's
    layers (`draft`: bytes per token, layers) count in the full-attention kind of their size.
    `token_bytes(layer)` is one attention layer's K/V per token (0: the common size); state layers join
    the pool only when `paged_state` (beside attention layers)."""
    kinds: dict[tuple[bool, int | None, Fraction, bool], int] = {}
    if draft[1]:
        kinds[(False, None, draft[0], False)] = draft[1]
    types = spec.layer_types
    if spec.every_block_full_attention:  # one kind: full attention of one size (attention_view is one)
        layers = tuple(layers)
        if layers:
            one = (False, None, token_bytes(layers[0]), False)
            kinds[one] = kinds.get(one, 0) + len(layers)
        layers = ()
    for layer in layers:
        if spec.has_kv(layer):
            chunked = types is not None and types[layer] == "chunked_attention"
            key: tuple[bool, int | None, Fraction, bool] = (
                False, spec.layer_window(layer), token_bytes(layer), chunked
            )
        elif paged_state and spec.has_state(layer):
            key = (True, None, Fraction(0), False)  # a state page per request, unified with attention
        else:
            continue
        kinds[key] = kinds.get(key, 0) + 1
    if not kinds:
        return []
    if len(kinds) == 1:
        (((state, w, tb, ch), n),) = kinds.items()
        return [KvGroup(n, w, state, tb, ch)]
    size = min(kinds.values())
    # REFERENCE: kv_cache_utils._get_kv_cache_groups_uniform_page_size (0.19): when the largest kind
    # is under 1.5x the smallest, one group size = the largest avoids a mostly empty group ("gpt-oss-20b
    # + eagle, with 12 sw + 13 full ... (13 sw, 13 full)").
    if max(kinds.values()) < 1.5 * size:
        size = max(kinds.values())
    out = []
    for (state, w, tb, ch), n in kinds.items():
        out += [KvGroup(size, w, state, tb, ch)] * math.ceil(n / size)
    return out


def group_block(g: KvGroup, block: int, page_token_bytes: Fraction) -> int:
    """A group's tokens per block once page sizes are one: a kind whose layer caches less per
    token gets proportionally longer blocks (`kv_cache_utils.unify_kv_cache_spec_page_size`:
    block_size x max page / own page)."""
    if g.state or not g.token_bytes or g.token_bytes >= page_token_bytes:
        return block
    return int(block * page_token_bytes // g.token_bytes)


def group_blocks(
    g: KvGroup, context: int, block: int, batched_tokens: int, prefix_caching: bool, speculative: int = 0
) -> int:
    """Blocks one request of `context` tokens holds in group `g` (the spec's `max_memory_usage_bytes`
    over its page)."""
    if g.state:
        # REFERENCE: vllm/v1/kv_cache_interface.py MambaSpec.max_memory_usage_bytes: one state page
        # per request (mamba_cache_mode "none"), two in "align" mode, which vLLM selects for hybrid
        # models when prefix caching is on (MambaModelConfig.verify_and_update_config). Check:
        # Qwen3.6-35B-A3B, 5.98 GiB pool, 131,072 tokens: 4.33x (noonghunna/club-3090#612) = 299
        # blocks / (63 attention + 3 x 2 state blocks); one state block each would give 4.53x.
        # With speculative decoding num_speculative_blocks = num_speculative_tokens more
        # (model_executor/layers/mamba/abstract.py get_kv_cache_spec).
        return (2 if prefix_caching else 1) + speculative
    if g.window is None:
        return ceil_div(context, block)
    if g.chunked:
        # REFERENCE: vllm/v1/kv_cache_interface.py ChunkedLocalAttentionSpec.max_memory_usage_bytes:
        # cdiv(min(chunk + max_num_batched_tokens, max_model_len), block) pages, no unaligned-start
        # block. Check: Llama-4-Scout TP 4, 16.75 GiB: 365,968 tokens, 44.68x at 8,192 (vLLM 0.19,
        # llm-d-planner#205): 2,048 blocks per request (4 groups x 512), not 2,051.
        return ceil_div(min(g.window + batched_tokens, context), block)
    return ceil_div(min(g.window - 1 + batched_tokens, context), block) + 1
