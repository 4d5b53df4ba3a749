"""Where the model's blocks live: one `Stage` per GPU position (pipeline stage or offload split)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Stage:
    """What one GPU of the pipeline holds: its blocks, and whether it holds the ends of the model."""

    index: int
    layers: tuple[int, ...]
    embedding: bool  # token embeddings (and learned positions, and the vision tower)
    head: bool  # final norm + lm_head (or, tied, the embedding matrix serving as the head)

    @cached_property
    def _hash(self) -> int:
        return hash((self.index, self.layers, self.embedding, self.head))

    def __hash__(self) -> int:
        """Hashed once: a stage keys the per-stage caches (estimate/memo.py), and hashing a stage of
        65,536 blocks on every look-up was a fifth of a deep model's layout search (issue 15)."""
        return self._hash


def split_layers(layers: list[int], n_parts: int) -> list[list[int]]:
    """Contiguous parts; the extra blocks of an uneven split go to the last parts."""
    base, extra = divmod(len(layers), n_parts)
    sizes = [base + (1 if i >= n_parts - extra else 0) for i in range(n_parts)]
    out, start = [], 0
    for size in sizes:
        out.append(layers[start : start + size])
        start += size
    return out
