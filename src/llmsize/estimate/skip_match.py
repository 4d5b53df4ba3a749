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

import contextlib
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


class _Skip:
    """A skip list split once by kind of entry: exact entries (most of a real list: one name per layer's
    module) are looked up in a dict, so a check costs the same for 20 entries as for 200,000; wildcard
    and regex entries are matched as one regex per layer they name. Repeated entries count once.
    Before this, each entry was matched against every path of the group with fresh prefix lists: a
    config.json whose modules_to_not_convert held 200,000 names took 23 s to estimate (issue 15, round 18)."""

    def __init__(self, skip: tuple[str, ...]) -> None:
        self.entries = frozenset(skip)
        self.plain: dict[str, list[int | None]] = {}  # entry -> the layers it names (None: every layer)
        patterns: dict[int | None, list[str]] = {}  # layer -> its wildcard / regex entries
        for pattern in dict.fromkeys(skip):
            layer = _layer_of(pattern)
            if pattern.startswith("re:") or "*" in pattern:
                patterns.setdefault(layer, []).append(pattern)
            else:
                self.plain.setdefault(pattern, []).append(layer)
        self.other = {layer: _one_regex(found) for layer, found in patterns.items()}

    def other_match(self, paths: tuple[str, ...], layer: int, per_layer: bool) -> bool:
        """A wildcard or regex entry (of this layer, or of any layer) covers one of the paths."""
        for at, (glob, regexes) in self.other.items():
            if per_layer and at is not None and at != layer:
                continue
            for path in paths:
                if glob is not None and any(glob.fullmatch(h) for h in _prefixes(path)):
                    return True
                if any(rx.match(path) for rx in regexes):
                    return True
        return False


def _one_regex(patterns: list[str]) -> tuple[re.Pattern[str] | None, list[re.Pattern[str]]]:
    """The wildcard entries as one alternation (compiled once: 20,000 of them took 40 s one by one), and
    the valid `re:` entries, also as one alternation where they combine (a named group twice does not)."""
    globs = [re.escape(p).replace(r"\*", ".*") for p in patterns if not p.startswith("re:")]
    glob = re.compile("(?:" + "|".join(globs) + ")") if globs else None
    regexes = [rx for p in patterns if p.startswith("re:") and (rx := _regex(p[3:])) is not None]
    # a back-reference counts groups from the start of the whole regex: such an entry stays on its own
    alone = [rx for rx in regexes if _BACKREF.search(rx.pattern)]
    joined = [rx for rx in regexes if not _BACKREF.search(rx.pattern)]
    if len(joined) > 1:
        with contextlib.suppress(re.error):  # a named group twice, a flag not at the start
            joined = [re.compile("|".join(f"(?:{rx.pattern})" for rx in joined))]
    return glob, [*joined, *alone]


_BACKREF = re.compile(r"\\[1-9]|\(\?P=")


@lru_cache(maxsize=64)
def _skip(skip: tuple[str, ...]) -> _Skip:
    return _Skip(skip)


def _layer_of(pattern: str) -> int | None:
    """The layer an entry names ("...layers.7..."), or None for an entry read at every layer."""
    found = re.search(r"layers\.(\d+)\.", pattern)
    return None if found is None else int(found.group(1))


def _names(path: str) -> list[str]:
    """What an exact entry may be to match `path` (see `matches`): a head of it up to a module boundary, or
    a tail of it after one (`path.endswith("." + entry)`)."""
    parts = path.split(".")
    return [*_prefixes(path), *(".".join(parts[i:]) for i in range(1, len(parts)))]


@lru_cache(maxsize=65_536)
def covered(skip: tuple[str, ...], name: str, kind: str, layer: int = 0) -> bool:
    """True when an entry of `skip` leaves this group unquantized (at its first layer `layer`).

    Memoized: a pure function of its (hashable) arguments, asked again for every tensor of every block
    each time llama.cpp's op-offload copy is sized (llama_cpp_op_offload._largest_tensor). `check --
    ollama run qwen3:235b-a22b` spent 7 of its 10 profiled seconds in 586,000 pattern matches here
    (issue 15 round 11: every input answered in under 2 s)."""
    if not skip:
        return False
    lists = _skip(skip)
    if name in lists.entries:
        return True
    per_layer = kind in _PARENTS  # entries naming another layer do not apply to this one

    def here(at: int | None) -> bool:
        return not per_layer or at is None or at == layer

    paths, names = _paths_and_names(name, kind, layer)
    for candidate in names:
        at_layers = lists.plain.get(candidate)
        if at_layers and any(here(at) for at in at_layers):
            return True
    return lists.other_match(paths, layer, per_layer)


@lru_cache(maxsize=4096)
def _paths_and_names(name: str, kind: str, layer: int) -> tuple[tuple[str, ...], frozenset[str]]:
    """group_paths and every exact entry that may match one of them (`_names`): the same for every skip
    list, so built once per group, not once per quantized checkpoint's list (issue 15: two thirds of
    `covered` in a cold `fit --all`, 2,335 name lists for 217 groups)."""
    paths = group_paths(name, kind, layer)
    return paths, frozenset(n for p in paths for n in _names(p))
