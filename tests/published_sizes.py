"""Checks of catalog entries against the rounded parameter totals their publishers state."""

from __future__ import annotations

from llmsize.specs import catalog
from llmsize.specs.models import ModelSpec
from llmsize.specs.params import active_params, total_params


def catalog_spec(name: str) -> ModelSpec:
    """The bundled catalog's spec of `name` (the test fails when the name is not an entry)."""
    entry = catalog.get(name)
    assert entry is not None, name
    return catalog.spec_for(entry)


def half_digit(billions: float) -> float:
    """Half a unit of the last digit a published size states (16.26 -> 0.005, 8.5 -> 0.05, 309 -> 0.5)."""
    text = f"{billions:g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0**-decimals


def assert_published_totals(name: str, total_b: float, active_b: float) -> None:
    """Total and active parameters within the rounding of the publisher's stated digits."""
    spec = catalog_spec(name)
    assert abs(total_params(spec) / 1e9 - total_b) <= half_digit(total_b), total_params(spec)
    assert abs(active_params(spec) / 1e9 - active_b) <= half_digit(active_b), active_params(spec)
