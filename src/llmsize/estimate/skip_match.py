"""Does a checkpoint's list of unquantized modules cover a weight group? One home for the matching.

The lists come from four quantizers, each with its own pattern language, all matched here against
the module paths a group has in a transformers tree (text decoders, and the `language_model`
wrappers of vision-language checkpoints):

- transformers `modules_to_not_convert` (quantizers/quantizers_utils.py `should_convert_module`, 5.x):
  a key matches from the start of the module name up to a module boundary, as a regex
  ("model.layers.*.self_attn" covers every layer's attention), or as a suffix ("lm_head");
- compressed-tensors `ignore`: "re:" entries are regexes matched from the start of the name
  (compressed_tensors.utils.match: `re.match`), others exact names;
- NVIDIA ModelOpt `exclude_modules` / `ignore`: "*" wildcards over the whole layer prefix (vLLM
  model_executor/layers/quantization/modelopt.py `is_layer_excluded`: `re.fullmatch` of the pattern
  with "*" as ".*");
- vLLM `ignored_layers`: exact layer prefixes.

A list that names one module of another tower ("model.visual.blocks.0.mlp.down_proj") therefore does
not cover the text decoder's `down_proj`: only a path of the group itself can match. A list that
names each layer ("model.layers.7.self_attn") is read at the group's first layer.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Parent module spellings of each block kind across the modeling files llmsize reads
# (self_attn / linear_attn / mixer / mamba / conv; mlp / feed_forward / block_sparse_moe).
_PARENTS: dict[str, tuple[str, ...]] = {
    "attn": ("self_attn", "attn", "attention", "self_attention"),
    "mixer": ("mixer", "linear_attn", "mamba", "conv"),
    "mlp": ("mlp", "feed_forward"),
    "expert": ("mlp.experts", "mlp.experts.0", "block_sparse_moe.experts.0", "feed_forward.experts"),
    "shared_expert": ("mlp.shared_experts", "mlp.shared_expert", "feed_forward.shared_expert"),
}
_ROOTS = ("model.layers", "model.language_model.layers", "language_model.model.layers", "layers")
_TOP = ("", "model.", "model.language_model.", "language_model.", "language_model.model.")


def group_paths(name: str, kind: str, layer: int = 0) -> tuple[str, ...]:
    """The module names a group of this kind and leaf name has in transformers trees."""
    parents = _PARENTS.get(kind)
    if parents is None:
        return tuple(f"{top}{name}" for top in _TOP)
    return tuple(f"{root}.{layer}.{parent}.{name}" for root in _ROOTS for parent in parents)


def _prefixes(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


@lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern).replace(r"\*", ".*"))


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def matches(pattern: str, path: str) -> bool:
    """One skip-list entry against one module name (see the module docstring for whose rule)."""
    if pattern.startswith("re:"):
        rx = _regex(pattern[3:])
        return rx is not None and rx.match(path) is not None
    heads = _prefixes(path)
    if "*" in pattern:
        glob = _glob(pattern)
        return any(glob.fullmatch(h) for h in heads)
    return pattern in heads or path.endswith("." + pattern)


def _at_layer(pattern: str, layer: int) -> bool:
    """Entries that name a layer ("...layers.7...") are read for that layer only."""
    found = re.search(r"layers\.(\d+)\.", pattern)
    return found is None or int(found.group(1)) == layer


@lru_cache(maxsize=65_536)
def covered(skip: tuple[str, ...], name: str, kind: str, layer: int = 0) -> bool:
    """True when an entry of `skip` leaves this group unquantized (at its first layer `layer`).

    Memoized: a pure function of its (hashable) arguments, asked again for every tensor of every block
    each time llama.cpp's op-offload copy is sized (llama_cpp_op_offload._largest_tensor). `check --
    ollama run qwen3:235b-a22b` spent 7 of its 10 profiled seconds in 586,000 pattern matches here
    (issue 15 round 11: every input answered in under 2 s)."""
    if not skip:
        return False
    paths = group_paths(name, kind, layer)
    for pattern in skip:
        if pattern == name:
            return True
        if not _at_layer(pattern, layer) and kind in _PARENTS:
            continue
        if any(matches(pattern, p) for p in paths):
            return True
    return False
