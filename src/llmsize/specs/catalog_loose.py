"""Catalog matches for names that spell a model differently from its entry: a size added to a family whose
Hub names state none, or a named variant with its size left out.

People type "GLM-5-744B", "DeepSeek-V3.2-685B", "Kimi-K2-1T" or "MiniMax-M2-230B" (the sizes the model cards
headline) for checkpoints whose Hub names carry no size, and "llama-4-scout" or "qwen3-next-80b" for entries
named Llama-4-Scout-17B-16E and Qwen3-Next-80B-A3B. The exact signature lookup (catalog._match_parsed) finds
none of them, and every one fell to the approximation from the name's size: a dense Llama of 744B, its KV
cache and speed those of no real model (issue 15, round 3). Here such a name finds the entry the same name
without its size finds, when the size it states is that entry's parameter count; and a named variant
("scout", "next", "air") with no size finds the one entry of that variant. Anything else stays unmatched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.names import ParsedName
    from llmsize.specs.catalog import CatalogEntry

# How far a stated size may sit from the entry's count: names round (Kimi K2 "1T" is 1.026T, "Llama-4-Scout
# 109B" is 108.6B, "qwen3-next-80b" 79.7B); 5% keeps a different size of the family ("Qwen3.5-30B") out.
SIZE_TOLERANCE = 0.05
# The active size names round more coarsely and often leave out the embeddings ("GLM-4.6-355B-A32B": 33.6B
# active by its config; "MiniMax-M2-230B-A10B": 11.0B).
ACTIVE_TOLERANCE = 0.20


def _counts(entry: CatalogEntry) -> tuple[tuple[int, ...], int | None]:
    """The entry's totals (as loaded, and the Hub's checkpoint total with MTP layers) and active count."""
    from llmsize.specs.catalog import _base_spec, build_error
    from llmsize.specs.params import active_params, total_params

    if build_error(entry) is not None:
        published = entry.model.published_params
        return ((published,) if published else ()), None
    spec = _base_spec(entry)
    totals = tuple(n for n in (total_params(spec), entry.model.published_params) if n)
    return totals, active_params(spec)


def _near(stated: int, counts: tuple[int, ...], tolerance: float) -> bool:
    return any(abs(stated - n) <= tolerance * n for n in counts)


def sized_as_count(p: ParsedName) -> CatalogEntry | None:
    """The entry the name without its size finds, when the stated total (and active) size is its count."""
    from llmsize.specs.catalog import _match_parsed

    if not isinstance(p.params, int) or p.experts is not None or p.series is None:
        return None
    sizeless = p.model_copy(update={"params": None, "active_params": None, "size_label": None})
    entry = _match_parsed(sizeless)
    if entry is None:
        return None
    totals, active = _counts(entry)
    if not _near(p.params, totals, SIZE_TOLERANCE):
        return None
    stated = p.active_params
    if stated is not None and (active is None or not _near(stated, (active,), ACTIVE_TOLERANCE)):
        return None
    return entry


def moe_of_total(p: ParsedName) -> CatalogEntry | None:
    """The one MoE entry of the stated total when the name leaves out its active size ("ernie-4.5-21b").

    ERNIE 4.5 has one 21B, ERNIE-4.5-21B-A3B-PT, a mixture of experts; "ernie-4.5-21b" matched no signature
    (the entry's states its 3B active) and was approximated as a dense 21B Llama (issue 15, round 4).
    Two MoE entries of that total ("Qwen3-235B-A22B" Instruct and Thinking) are told apart as before.
    """
    from llmsize.specs.catalog import _same_release, _signature, _signatures

    sig = _signature(p)
    if not isinstance(p.params, int) or p.active_params is not None or p.experts is not None or p.extra:
        return None
    found = {
        e.name: e
        for s, es in _signatures().items()
        if (*s[:5], *s[6:]) == (*sig[:5], *sig[6:]) and s[5] is not None
        for e in es
        if _same_release(s, e, p.date)
    }
    return next(iter(found.values())) if len(found) == 1 else None


def variant_read_as_size(p: ParsedName) -> CatalogEntry | None:
    """The one entry of a variant the parser read as a size word ("mistral-small-3.2": "small").

    "Small" is Granite 4.0's size ("granite-4.0-h-small") and Mistral's variant ("Mistral-Small-3.2-24B");
    without a parameter count the parser takes it for the size, and the name matched nothing (issue 15,
    round 4). Read as the variant, it is the one entry of that variant, as one_of_variant finds it.
    """
    if p.params is not None or p.size_label is None or p.variant is not None:
        return None
    return one_of_variant(p.model_copy(update={"variant": p.size_label.lower(), "size_label": None}))


def one_of_variant(p: ParsedName) -> CatalogEntry | None:
    """The one entry of a named variant ("llama-4-scout", "qwen3-next") when the name states no size.

    Only a name that states a variant and nothing the parser left over; two entries of it is no answer.
    """
    from llmsize.specs.catalog import _same_release, _signature, _signatures

    sig = _signature(p)
    if p.variant is None or sig[4] is not None or p.extra or p.base_model is not None:
        return None
    found = {
        e.name: e
        for s, es in _signatures().items()
        if s[:4] == sig[:4] and s[4] is not None
        for e in es
        if _same_release(s, e, p.date)
    }
    return next(iter(found.values())) if len(found) == 1 else None


def one_version_of(p: ParsedName) -> CatalogEntry | None:
    """The one entry of a named variant and size when the name leaves out the version ("nemotron-nano-9b").

    NVIDIA publishes one Nemotron Nano of 9B, NVIDIA-Nemotron-Nano-9B-v2 (huggingface.co/nvidia/NVIDIA-
    Nemotron-Nano-9B-v2, "9-billion-parameter"; the v1 Nanos are Llama-3.1-Nemotron-Nano-8B-v1 and -4B-v1.1),
    and "nemotron-nano-9b" was approximated as a dense 9B Llama (issue 15, round 5), where the model is a
    Mamba-2 hybrid with four attention layers. Only a name with a variant, a size and nothing left over;
    two versions of that variant and size (Qwen2 and Qwen2.5 "Coder-7B") is no answer. `version_note` says
    which model was taken.
    """
    from llmsize.specs.catalog import _same_release, _signature, _signatures

    sig = _signature(p)
    if p.version is not None or p.variant is None or sig[4] is None or p.extra or p.base_model is not None:
        return None
    found = {
        e.name: e
        for s, es in _signatures().items()
        if s[0] == sig[0] and s[1] is not None and s[2:] == sig[2:]
        for e in es
        if _same_release(s, e, p.date)
    }
    return next(iter(found.values())) if len(found) == 1 else None


def version_note(raw: str, p: ParsedName, entry: CatalogEntry) -> str | None:
    """What a name without a version was taken as, when `one_version_of` chose the entry."""
    from llmsize.specs.catalog import _signature, _signatures

    if p.version is not None or entry in _signatures().get(_signature(p), ()) or one_version_of(p) != entry:
        return None
    return f"{raw} states no version: taken as {entry.name}, the catalog's one model of that name and size"


# How alike (difflib's ratio of the folded names) a typed name and a catalog name must be to call the
# typed one a typo: "gtp-oss-20b" / "gpt-oss-20b" 0.91, "qwen35-27b" / "Qwen3.5-27B" 0.95, while a new
# model of a known family ("Qwen3.5-72B" / "Qwen2.5-72B", 0.91) is not asked about: its series and
# version are known, so it is no typo.
TYPO_RATIO = 0.85
SERIES_RATIO = 0.8


def typo_of(text: str, p: ParsedName) -> str | None:
    """The catalog model a name that matched nothing most likely misspells, else None.

    A mistyped family ("gtp-oss-20b", "Qwn3-8B", "lama-3.1-8b", "Mistrall-7B") or version ("qwen35-27b")
    was approximated from its size without a word about the bundled model it meant: gtp-oss-20b came out a
    dense 20B Llama of 39.5 GiB where gpt-oss-20b is 13.8 GB of MXFP4 weights (issue 15, round 3).
    """
    import difflib

    from llmsize.specs.catalog import _key, _parse_catalog_name, entries, find, suggest

    if p.series is None:
        return None
    parses = [_parse_catalog_name(n) for e in entries() for n in e.names]
    known = {(q.series, q.version) for q in parses}
    if (p.series, p.version) in known:
        return None
    series = sorted({s for s, _ in known if s})
    if p.series not in series:
        close = difflib.get_close_matches(p.series, series, n=1, cutoff=SERIES_RATIO)
        at = text.lower().find(p.series)
        if close and at >= 0:
            fixed = text[:at] + close[0] + text[at + len(p.series):]
            found = find(fixed)
            if found is not None:
                return found[0].name
    for name in suggest(text, 3):
        same_size = _parse_catalog_name(name).params == p.params
        if same_size and difflib.SequenceMatcher(None, _key(text), _key(name)).ratio() >= TYPO_RATIO:
            return name
    return None
