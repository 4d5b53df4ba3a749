"""The catalog's specs kept between runs (specs/catalog_cache.py, issue 15): a run that finds them
gets what building them gives, and any change to the catalog files or the spec code is a new key."""

from __future__ import annotations

import os
from pathlib import Path

from llmsize.resources import user_cache_dir
from llmsize.specs.catalog import build_error, entries, spec_for, specs
from llmsize.specs.catalog_cache import cached_specs, key_parts
from llmsize.specs.params import param_inventory, total_params

SOME = ("Qwen2.5-7B-Instruct", "Mixtral-8x7B-v0.1", "gemma-3-4b", "Qwen3.5-9B", "DeepSeek-V3")


def _build() -> tuple:
    chosen = [e for e in entries() if e.name in SOME and build_error(e) is None]
    return tuple(spec_for(e) for e in chosen)


def test_a_later_run_reads_the_same_specs_and_inventories() -> None:
    calls = []

    def build() -> tuple:
        calls.append(1)
        return _build()

    first = cached_specs(build)
    assert calls == [1]
    assert list((user_cache_dir() / "catalog-specs").glob("*.pickle"))
    again = cached_specs(build)  # as a new process would: from the pickle, no build
    assert calls == [1]
    assert again == first and all(a is not b for a, b in zip(again, first, strict=True))
    for spec, built in zip(again, _build(), strict=True):
        assert param_inventory(spec) == param_inventory(built)
        assert total_params(spec) == total_params(built)


def test_a_damaged_copy_is_built_again() -> None:
    cached_specs(_build)
    (copy,) = (user_cache_dir() / "catalog-specs").glob("*.pickle")
    copy.write_bytes(b"not a pickle")
    calls = []

    def build() -> tuple:
        calls.append(1)
        return _build()

    assert cached_specs(build) == _build()
    assert calls == [1]


def _package(root: Path) -> Path:
    package = root / "llmsize"
    (package / "specs" / "hf_config").mkdir(parents=True)
    for name in (
        "names.py",
        "units.py",
        "records.py",
        "errors.py",
        "resources.py",
        "specs/models.py",
        "specs/hf_config/build.py",
    ):
        (package / name).write_text("x = 1\n")
    return package


def test_every_spec_source_file_is_in_the_key(tmp_path: Path) -> None:
    package = _package(tmp_path)
    before = key_parts(package)
    assert before is not None
    for name in ("specs/hf_config/build.py", "records.py", "names.py"):
        path = package / name
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        after = key_parts(package)
        assert after != before, name
        before = after
    (package / "specs" / "new_module.py").write_text("y = 2\n")
    with_new = key_parts(package)
    assert with_new != before
    (package / "specs" / "__pycache__").mkdir()
    (package / "specs" / "__pycache__" / "models.cpython-311.pyc").write_bytes(b"")
    assert key_parts(package) == with_new  # bytecode is no source


def test_the_catalog_listing_is_every_entry_that_builds() -> None:
    listed = specs()
    assert listed == [spec_for(e) for e in entries() if build_error(e) is None]
    assert listed == specs()  # a second listing in the same run: the same specs
