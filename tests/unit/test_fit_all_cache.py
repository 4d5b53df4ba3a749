"""fit --all's rows kept between runs (cli/fit_all_cache.py, issue 15): JSON only, keyed by everything
they are made from, a stale key or a bad file planned again, nothing in a file ever run."""

from __future__ import annotations

import ast
import json
import os
import pickle
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

import llmsize.cli
import llmsize.cli.fit_all_cache as fac
from llmsize.cli.workload_options import workload_for
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.gpus import get_gpu
from llmsize.specs.resolve import resolve

GPU = get_gpu("RTX-4090")
OPTIONS: dict[str, Any] = {"context": "4096", "batch": 1}


@pytest.fixture(scope="module")
def result() -> fac.Result:
    """A real result: two small catalog models planned on an RTX-4090 (one fits, one does not)."""
    from llmsize.hardware.model_fit import fit_catalog

    specs = [resolve("SmolLM2-135M"), resolve("Llama-3.1-70B")]
    wl = workload_for(None, {}, 1)
    return wl, fit_catalog(specs, lambda spec: workload_for(spec, {}, 1), GPU, 1)


def _key(**changed: Any) -> str | None:
    args: dict[str, Any] = {"gpu": GPU, "options": OPTIONS, "count": 1, "eff": Efficiency(),
                            "context_given": True, **changed}
    return fac.cache_key(args["gpu"], args["options"], args["count"], args["eff"], args["context_given"])


class Counting:
    """compute() that counts its calls and returns `value`."""

    def __init__(self, value: fac.Result) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> fac.Result:
        self.calls += 1
        return self.value


def test_second_ask_reads_the_file_and_equals_the_planned_result(result: fac.Result) -> None:
    key = _key()
    planned = Counting(result)
    assert fac.cached_fits(key, planned) == result and planned.calls == 1
    again = Counting(result)
    kept = fac.cached_fits(key, again)
    assert again.calls == 0  # read back, not planned
    assert kept == result
    assert kept[1][0].options[0].row.max_context == result[1][0].options[0].row.max_context
    assert [f.best for f in kept[1]] == [0, None]  # SmolLM2 fits, the 70B does not (a result all the same)


def test_a_stale_key_is_planned_again(result: fac.Result) -> None:
    fac.cached_fits(_key(), Counting(result))
    for other in (_key(gpu=get_gpu("L4")), _key(count=2), _key(count=None), _key(context_given=False),
                  _key(options={**OPTIONS, "context": "8192"}), _key(eff=Efficiency(compute=0.5))):
        assert other is not None and other != _key()
        planned = Counting(result)
        fac.cached_fits(other, planned)
        assert planned.calls == 1


def test_option_values_are_told_apart_by_type() -> None:
    class Word(Enum):
        ONE = "1"

    keys = {_key(options={"batch": v}) for v in (1, 1.0, "1", True, Word.ONE, (1,), [1], None)}
    assert len(keys) == 8


def test_an_option_without_an_exact_spelling_is_never_cached(result: fac.Result) -> None:
    key = _key(options={**OPTIONS, "odd": object()})
    assert key is None
    for _ in range(2):
        planned = Counting(result)
        fac.cached_fits(key, planned)
        assert planned.calls == 1


def test_the_digest_covers_every_file_by_path_and_content(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "sub" / "b.py").write_text("y = 2\n")
    roots = [("llmsize", tmp_path / "pkg", ".py")]
    first = fac.tree_digest(roots)
    assert fac.tree_digest(roots) == first
    (tmp_path / "pkg" / "sub" / "b.py").write_text("y = 3\n")  # same size, other content
    second = fac.tree_digest(roots)
    assert second != first
    (tmp_path / "pkg" / "sub" / "b.py").rename(tmp_path / "pkg" / "sub" / "c.py")
    assert fac.tree_digest(roots) not in (first, second)
    with pytest.raises(TypeError):  # not a folder (a zipped install): no key, so no cache
        fac.tree_digest([("llmsize", tmp_path / "missing", ".py")])


def test_the_real_digest_covers_the_code_and_both_catalogs() -> None:
    from llmsize.resources import data_dir

    digest = fac.code_and_catalog_digest()
    assert len(digest) == 64
    roots = [("llmsize", Path(fac.__file__).resolve().parents[1], ".py")]
    roots += [(n, Path(str(data_dir(n))), "") for n in ("model_specs", "gpu_specs")]
    assert fac.tree_digest(roots) == digest
    assert fac.tree_digest(roots[:1]) != digest  # the catalogs are part of it


@pytest.mark.parametrize("content", [
    b"",
    b"{not json",
    b"\x80\x04\x95 binary",
    b'{"format": "fit-all-rows/0", "workload": {}, "models": []}',
    b'[1, 2, 3]',
])
def test_a_corrupt_or_foreign_file_is_ignored_and_rewritten(result: fac.Result, content: bytes) -> None:
    key = _key()
    assert key is not None
    path = fac._path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    planned = Counting(result)
    assert fac.cached_fits(key, planned) == result and planned.calls == 1
    assert json.loads(path.read_bytes())["format"] == fac.FORMAT  # written again, whole
    again = Counting(result)
    assert fac.cached_fits(key, again) == result and again.calls == 0


def test_a_file_too_large_or_a_named_pipe_is_not_read(result: fac.Result,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    key = _key()
    assert key is not None
    fac.cached_fits(key, Counting(result))
    path = fac._path(key)
    limit = fac.MAX_FILE_BYTES
    monkeypatch.setattr(fac, "MAX_FILE_BYTES", path.stat().st_size - 1)
    planned = Counting(result)
    assert fac.cached_fits(key, planned) == result and planned.calls == 1
    monkeypatch.setattr(fac, "MAX_FILE_BYTES", limit)
    again = Counting(result)
    assert fac.cached_fits(key, again) == result and again.calls == 0
    if hasattr(os, "mkfifo"):  # no writer: reading would block forever
        path.unlink()
        os.mkfifo(path)
        planned = Counting(result)
        assert fac.cached_fits(key, planned) == result and planned.calls == 1
        assert path.is_file()  # replaced by the rows


def test_a_row_that_does_not_validate_is_ignored(result: fac.Result) -> None:
    key = _key()
    assert key is not None
    fac.cached_fits(key, Counting(result))
    path = fac._path(key)
    doc = json.loads(path.read_bytes())
    doc["models"][0]["options"][0]["row"]["count"] = -1  # FitRow.count must be > 0
    path.write_text(json.dumps(doc))
    planned = Counting(result)
    assert fac.cached_fits(key, planned) == result and planned.calls == 1


def test_nothing_in_a_file_is_run(result: fac.Result, tmp_path: Path) -> None:
    """A pickle whose loading would write a marker, and Python source, where the rows should be."""
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[Any, tuple[str, str]]:
            return (Path.write_text, (str(marker), "ran"))  # type: ignore[return-value]

    key = _key()
    assert key is not None
    path = fac._path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    for blob in (pickle.dumps(Payload()), f"open({str(marker)!r}, 'w').write('ran')".encode()):
        path.write_bytes(blob)
        planned = Counting(result)
        assert fac.cached_fits(key, planned) == result and planned.calls == 1
        assert not marker.exists()


def test_the_module_reads_with_json_only() -> None:
    """No pickle/marshal/shelve, no eval/exec/compile/__import__ in the module that reads the file."""
    tree = ast.parse(Path(fac.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"pickle", "marshal", "shelve", "dill", "importlib", "runpy", "yaml"}
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__"}


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(args)
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def test_fit_all_prints_the_same_bytes_from_the_kept_rows(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import llmsize.hardware.model_fit as model_fit

    args = ["fit", "--all", "--gpu", "RTX-4090", "--engine", "vllm", "--context", "8k"]
    human = _run(args, capsys)
    as_json = _run([*args, "--format", "json"], capsys)
    assert human[0] == 0 and len(json.loads(as_json[1])["models"]) > 200

    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("planned again")

    monkeypatch.setattr(model_fit, "fit_catalog", refuse)
    assert _run(args, capsys) == human
    assert _run([*args, "--format", "json"], capsys) == as_json
    code, _, err = _run(["fit", "--all", "--gpu", "L4", "--engine", "vllm", "--context", "8k"], capsys)
    assert code == 1 and "planned again" in err  # another GPU: not in the cache, so planned
