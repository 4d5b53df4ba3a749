"""Bytes of distinct storages: the weights, the runtime buffers and the KV cache a model holds.

Split out of tracer.py; the trace and the real cpu/cuda runs (real_run.py) count the same tensors
the same way, views and tied weights once. torch is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def storage_bytes(tensors: Iterator[Any]) -> int:
    """Bytes of the distinct storages behind `tensors` (views and tied weights counted once)."""
    seen: dict[int, int] = {}
    for t in tensors:
        if t is None:
            continue
        st = t.untyped_storage()
        seen[id(st)] = st.nbytes()
    return sum(seen.values())


def weight_and_buffer_bytes(model: Any) -> tuple[int, int]:
    """(parameters + persistent buffers, the other buffers): what a checkpoint holds vs. runtime tables.

    Persistent buffers are model state (DeepSeek-V3's e_score_correction_bias); non-persistent ones
    are recomputed tables (rotary inv_freq).
    """
    persistent: list[Any] = []
    scratch: list[Any] = []
    for module in model.modules():
        transient: set[str] = getattr(module, "_non_persistent_buffers_set", set())
        for name, buf in module.named_buffers(recurse=False):
            (scratch if name in transient else persistent).append(buf)
    weights = storage_bytes(iter([*model.parameters(), *persistent]))
    return weights, storage_bytes(iter(scratch))


def cache_tensors(cache: Any) -> list[Any]:
    """The key and value tensors held by a transformers Cache object (every layer class).

    Bookkeeping tensors a layer may also hold (a sliding layer's window length) are not KV.
    """
    import torch

    out: list[Any] = []
    layers = getattr(cache, "layers", None)
    holders = list(layers) if layers is not None else [cache]
    for holder in holders:
        # keys/values of attention layers, the DSA indexer keys (DynamicIndexedLayer), and the
        # conv/recurrent state dicts of linear-attention and Mamba layers (LinearAttentionLayer).
        for name in ("keys", "values", "indexer_keys"):
            value = getattr(holder, name, None)
            if isinstance(value, torch.Tensor):
                out.append(value)
        # DeepSeek V4 (DeepseekV4HCACache / DeepseekV4CSACache): pooled entries, the projections of a
        # window not yet pooled, and CSA's overlap state, each a dict by compressor name.
        for name in (
            "conv_states",
            "recurrent_states",
            "compressed_kv",
            "buffer_kv",
            "buffer_gate",
            "overlap_kv",
            "overlap_gate",
        ):
            states = getattr(holder, name, None)
            if isinstance(states, dict):
                out.extend(v for v in states.values() if isinstance(v, torch.Tensor))
    return out


def cache_bytes(cache: Any) -> int:
    """KV-cache bytes read from the returned cache object."""
    return storage_bytes(iter(cache_tensors(cache)))
