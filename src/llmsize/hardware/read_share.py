"""How much of the weights one decode step reads, by parameter count: lookups and unpicked experts skip.

hardware/read_bytes.py weighs the same groups by their bytes where an MoE stores them in different types.
"""

from __future__ import annotations

from llmsize.specs.models import ModelSpec
from llmsize.specs.params import param_inventory


def routed_active_params(spec: ModelSpec) -> int:
    """Routed-expert parameters one token runs: top-k of E experts' share of the expert weights."""
    if not spec.num_experts:
        return 0
    experts = sum(g.numel for g in param_inventory(spec) if g.kind == "expert")
    return int(experts * spec.num_experts_per_tok / spec.num_experts)


def routed_weight_share(spec: ModelSpec) -> float:
    """Share of the parameters that are routed-expert weights (0 for a dense model)."""
    if not spec.num_experts:
        return 0.0
    groups = param_inventory(spec)
    total = sum(g.numel for g in groups)
    return sum(g.numel for g in groups if g.kind == "expert") / total if total else 0.0


def read_fraction(spec: ModelSpec, batch: int, towers_loaded: bool = False) -> float:
    """Share of the weight parameters one decode step reads.

    `towers_loaded`: the weights counted hold the checkpoint's vision / audio tower (a safetensors
    checkpoint an engine loads whole), which a text token never runs; a GGUF text file has none (the
    tower is the separate mmproj), so its share leaves them in.

    The embedding table is a lookup (only `batch` rows are read) unless it doubles as the head (the
    per-layer embedding table of Gemma 3n / Gemma 4 E-models never does);
    routed experts are read only when some token of the batch picks them: with uniform routing of
    k of E experts, a layer's expert is untouched with probability (1 - k/E)^batch.
    """
    groups = param_inventory(spec)
    total = sum(g.numel for g in groups)
    if total == 0:
        return 1.0
    skipped = 0.0
    for g in groups:
        # Gemma 3n / Gemma 4's per-layer table (embed_tokens_per_layer) is a lookup whatever the head.
        lookup = not spec.tie_word_embeddings or g.name == "embed_tokens_per_layer"
        # The vision / audio tower and its projector (specs/params.py 'extra') run on media inputs, not
        # per text token, as read_bytes counts them for MoE models.
        if (g.kind == "embedding" and lookup) or (towers_loaded and g.name == "extra"):
            skipped += g.numel
        elif g.kind == "expert" and spec.num_experts:
            untouched = (1 - spec.num_experts_per_tok / spec.num_experts) ** batch
            skipped += g.numel * untouched
    return max(0.0, 1 - skipped / total)


def expert_read_fraction(spec: ModelSpec, batch: int) -> float:
    """Share of one layer's routed experts a decode step of `batch` tokens reads (uniform routing)."""
    if not spec.num_experts:
        return 1.0
    return 1 - (1 - spec.num_experts_per_tok / spec.num_experts) ** batch
