"""--output never writes through a link, never blocks on a pipe, never leaves a mixed file (issue 15)."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
import yaml

from llmsize.cli import main
from llmsize.errors import BadInputError
from llmsize.report.export import write_new_file

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes and links")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"llmsize {argv} blocked")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        main(argv)
        code = 0
    except SystemExit as ex:
        code = int(ex.code or 0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return code, capsys.readouterr().err


def test_a_pipe_as_output_is_replaced_not_written_into(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # write_text on a pipe with no reader blocked for ever.
    fifo = tmp_path / "r.yaml"
    os.mkfifo(fifo)
    assert _run(["estimate", "Qwen2.5-0.5B", "-o", str(fifo)], capsys)[0] == 2  # exists: needs --force
    assert _run(["estimate", "Qwen2.5-0.5B", "-o", str(fifo), "--force"], capsys)[0] == 0
    assert fifo.is_file() and yaml.safe_load(fifo.read_text())["model"]["name"] == "Qwen2.5-0.5B"


def test_a_dangling_symlink_is_not_written_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # exists() is False for a dangling link, so the old check let write_text create its target.
    target = tmp_path / "elsewhere" / "planted.yaml"
    target.parent.mkdir()
    link = tmp_path / "r.yaml"
    link.symlink_to(target)
    code, err = _run(["estimate", "Qwen2.5-0.5B", "-o", str(link)], capsys)
    assert code == 2 and "already exists" in err
    assert not target.exists()


def test_force_replaces_a_symlink_and_keeps_its_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "keep.yaml"
    target.write_text("mine: 1\n")
    link = tmp_path / "r.yaml"
    link.symlink_to(target)
    assert _run(["estimate", "Qwen2.5-0.5B", "-o", str(link), "--force"], capsys)[0] == 0
    assert target.read_text() == "mine: 1\n"
    assert not link.is_symlink() and "model" in yaml.safe_load(link.read_text())


def test_a_directory_is_refused_even_with_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "r.yaml"
    folder.mkdir()
    code, err = _run(["estimate", "Qwen2.5-0.5B", "-o", str(folder), "--force"], capsys)
    assert code == 2 and "directory" in err and len(err.strip().splitlines()) == 1


def test_concurrent_writers_one_wins_and_no_file_is_mixed(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    texts = [f'{{"writer": {i}, "pad": "{"x" * 200_000}"}}\n' for i in range(8)]
    results: list[str] = []

    def write(text: str, force: bool) -> None:
        try:
            write_new_file(path, text, force=force)
            results.append("ok")
        except BadInputError:
            results.append("exists")

    for force in (False, True):
        path.unlink(missing_ok=True)
        results.clear()
        threads = [threading.Thread(target=write, args=(t, force)) for t in texts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results.count("ok") == (8 if force else 1)
        assert path.read_text() in texts  # whole, from one writer
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
