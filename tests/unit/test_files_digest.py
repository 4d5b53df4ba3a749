"""files_digest: the contents' SHA-256, kept under the files' states, never stale (files_digest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llmsize import files_digest as fd
from llmsize.resources import user_cache_dir


def _files(tmp_path: Path) -> list[tuple[str, str]]:
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.yaml").write_text("name: y\n")
    return [("pkg/a.py", str(tmp_path / "a.py")), ("pkg/b.yaml", str(tmp_path / "b.yaml"))]


def _kept() -> list[Path]:
    return sorted((user_cache_dir() / fd.KIND).glob("*.json"))


def test_the_digest_is_the_contents_digest_and_is_kept_once_settled(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    named = _files(tmp_path)
    expected = fd.contents_digest(named)
    assert fd.files_digest(named) == expected
    assert _kept() == []  # just written: racy, hashed from the bytes and not kept
    monkeypatch.setattr(fd, "RACY_NS", 0)
    assert fd.files_digest(named) == expected
    assert len(_kept()) == 1
    monkeypatch.setattr(fd, "contents_digest", lambda named: pytest.fail("read again"))
    assert fd.files_digest(named) == expected  # the kept digest: the files are not read


def test_a_rewrite_with_the_same_size_and_modification_time_is_another_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fd, "RACY_NS", 0)
    named = _files(tmp_path)
    first = fd.files_digest(named)
    path = tmp_path / "a.py"
    before = os.stat(path)
    path.write_text("x = 2\n")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the modification time put back
    assert os.stat(path).st_size == before.st_size
    second = fd.files_digest(named)
    assert second != first  # the change time moved: the state is another key
    assert second == fd.contents_digest(named)


def test_a_renamed_file_and_the_order_of_the_names_count(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fd, "RACY_NS", 0)
    named = _files(tmp_path)
    first = fd.files_digest(named)
    assert fd.files_digest([("pkg/c.py", named[0][1]), named[1]]) != first
    assert fd.files_digest(named[::-1]) != first


def test_a_kept_value_that_is_not_a_digest_is_not_trusted(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fd, "RACY_NS", 0)
    named = _files(tmp_path)
    import llmsize.resources

    for bad in (None, 5, "0" * 63, "Z" * 64, ["a"]):
        monkeypatch.setattr(llmsize.resources, "cached_json", lambda kind, parts, compute, bad=bad: bad)
        assert fd.files_digest(named) == fd.contents_digest(named)


def test_a_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        fd.files_digest([("gone", str(tmp_path / "gone.py"))])
