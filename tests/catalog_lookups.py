"""One check for the catalog-entry tests: a name resolves to the named bundled entry, not an approximation.

Shared by the test files that add catalog entries (tests/unit/test_catalog_archcat*.py,
test_catalog_late2025.py), which each carried the same four lines."""

from __future__ import annotations

from llmsize.specs import catalog


def assert_lands_on_entry(name: str, entry: str) -> None:
    """`name` finds the catalog entry `entry`, and its spec is that entry's config, not an approximation."""
    found = catalog.find(name)
    assert found is not None and found[0].name == entry, (name, found[0].name if found else None)
    spec = catalog.lookup(name)
    assert spec is not None and not spec.approximate
