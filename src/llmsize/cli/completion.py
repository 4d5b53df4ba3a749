"""Shell completion of model names and GPU ids from the bundled catalogs (`llmsize --install-completion`)."""

from __future__ import annotations

# Enough to choose from; a shell lists hundreds badly.
MAX_CANDIDATES = 200


def _matches(names: list[str], incomplete: str) -> list[str]:
    low = incomplete.lower()
    return sorted({n for n in names if n.lower().startswith(low)}, key=str.lower)[:MAX_CANDIDATES]


def complete_model(incomplete: str) -> list[str]:
    """Catalog names and aliases (and repo ids once an org is typed) that start with `incomplete`."""
    from llmsize.names import fold_name
    from llmsize.specs import catalog

    incomplete = fold_name(incomplete)  # 'ｑｗｅｎ' completes as 'qwen' does, as estimate reads it
    names = [n for e in catalog.entries() for n in e.names]
    names += [e.model.hf_repo for e in catalog.entries() if e.model.hf_repo and "/" in incomplete]
    return _matches(names, incomplete)


def complete_gpu(incomplete: str) -> list[str]:
    """GPU catalog ids; after a comma (--gpus H100,A1) the ids that complete the last item."""
    from llmsize.hardware.gpus import load_catalog

    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    return [prefix + gpu_id for gpu_id in _matches(list(load_catalog(()).ids), last)]
