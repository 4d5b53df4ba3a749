"""The catalog's specs read from their JSON copy (specs/catalog.py `_all_specs`, issue 15: `fit --all`)
are the specs built from the entries, and the copy is keyed by what they are built from."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmsize.resources import user_cache_dir
from llmsize.specs import catalog


def _built() -> list:
    return [catalog._base_spec(e) for e in catalog.entries() if catalog.build_error(e) is None]


def _copies() -> list[Path]:
    folder = user_cache_dir() / "specs"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_specs_from_the_copy_equal_the_built_ones() -> None:
    catalog._all_specs.cache_clear()
    first = catalog.specs()  # builds, writes the copy
    assert len(_copies()) == 1
    catalog._all_specs.cache_clear()
    again = catalog.specs()  # reads the copy
    built = _built()
    assert [s.name for s in again] == [s.name for s in built]
    assert again == built == first
    assert all(
        type(a) is type(b) and list(a.__dict__) == list(b.__dict__) for a, b in zip(again, built, strict=True)
    )
    assert again[0] is not built[0]  # really read back, not the built objects


def test_a_change_of_the_building_code_is_a_new_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog._all_specs.cache_clear()
    catalog.specs()
    real = catalog._spec_sources()
    assert real is not None
    monkeypatch.setattr(catalog, "_spec_sources", lambda: [*real, b"specs/models.py\0# edited"])
    catalog._all_specs.cache_clear()
    catalog.specs()
    assert len(_copies()) == 2
    catalog._all_specs.cache_clear()


def test_specs_that_do_not_read_back_are_built_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    real_validate = catalog.ModelSpec.model_validate

    def lossy(data: object) -> object:
        spec = real_validate(data)
        return spec.model_copy(update={"name": spec.name + "?"})

    catalog._all_specs.cache_clear()
    with monkeypatch.context() as patched:
        patched.setattr(catalog.ModelSpec, "model_validate", staticmethod(lossy))
        built = catalog.specs()
    assert [s.name for s in built] == [s.name for s in _built()]  # the built ones, not the lossy copy
    (copy,) = _copies()
    assert copy.read_text() == "null"
    catalog._all_specs.cache_clear()
    assert catalog.specs() == _built()
    catalog._all_specs.cache_clear()
