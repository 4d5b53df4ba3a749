"""Where the model's blocks live: one `Stage` per GPU position (pipeline stage or offload split)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    """What one GPU of the pipeline holds: its blocks, and whether it holds the ends of the model."""

    index: int
    layers: tuple[int, ...]
    embedding: bool  # token embeddings (and learned positions, and the vision tower)
    head: bool  # final norm + lm_head (or, tied, the embedding matrix serving as the head)


def split_layers(layers: list[int], n_parts: int) -> list[list[int]]:
    """Contiguous parts; the extra blocks of an uneven split go to the last parts."""
    base, extra = divmod(len(layers), n_parts)
    sizes = [base + (1 if i >= n_parts - extra else 0) for i in range(n_parts)]
    out, start = [], 0
    for size in sizes:
        out.append(layers[start : start + size])
        start += size
    return out
