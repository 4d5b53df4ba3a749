"""Shell completion of model names and GPU ids from the bundled catalogs (`llmsize --install-completion`)."""

from __future__ import annotations

# Enough to choose from; a shell lists hundreds badly.
MAX_CANDIDATES = 200


def _matches(names: list[str], incomplete: str, typed: str | None = None) -> list[str]:
    """The names that start with `incomplete` in any case, each spelled from what was `typed` on.

    typer 0.29 drops every candidate that does not start with the typed word as typed (core.py
    compat_autocompletion: `use_completion.value.startswith(incomplete)`), so "h1" completed to
    nothing and a full-width "Ｑｗｅｎ３" too (issue 15, round 5). Names and GPU ids are read in
    any case and folded (names.fold_name), so the typed start plus the rest of the name is the same
    input.
    """
    typed = incomplete if typed is None else typed
    low = incomplete.lower()
    found = sorted({n for n in names if n.lower().startswith(low)}, key=str.lower)[:MAX_CANDIDATES]
    return [typed + n[len(incomplete) :] for n in found]


def complete_model(incomplete: str) -> list[str]:
    """Catalog names and aliases (and repo ids once an org is typed) that start with `incomplete`."""
    from llmsize.names import fold_name
    from llmsize.specs import catalog

    folded = fold_name(incomplete)  # 'ｑｗｅｎ' completes as 'qwen' does, as estimate reads it
    names = [n for e in catalog.entries() for n in e.names]
    names += [e.model.hf_repo for e in catalog.entries() if e.model.hf_repo and "/" in folded]
    return _matches(names, folded, incomplete)


def complete_gpu(incomplete: str) -> list[str]:
    """GPU catalog ids; after a comma (--gpus H100,A1) the ids that complete the last item."""
    from llmsize.hardware.gpus import load_catalog

    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    return [prefix + gpu_id for gpu_id in _matches(list(load_catalog(()).ids), last)]
