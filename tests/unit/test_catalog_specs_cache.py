"""`fit --all`'s built catalog specs kept as JSON (cli/catalog_specs_cache.py, issue 15), and the
catalog's bare Ollama names kept beside the catalogs' JSON copies (specs/catalog._bare_ollama_names).

The shortcut must not move an answer: `fit --all` rows planned from the specs read back from the
file are compared with the rows of the one-model path (`resolve` builds the spec from the catalog
as `llmsize fit MODEL` does), for dense, MoE, MLA, sliding-window, hybrid and vision models, on the
default engine and on vLLM, llama.cpp (GGUF), Ollama and LoRA training; and the whole catalog's
`fit --all --format json` is compared byte for byte with the files cold and kept.
"""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import llmsize.cli
import llmsize.cli.catalog_specs_cache as csc
import llmsize.specs.catalog as catalog
from llmsize.cli.workload_options import workload_for, workloads_for
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.model_fit import fit_catalog, fit_model
from llmsize.specs.resolve import resolve

# dense, MoE, MLA, sliding window, hybrid state, vision tower, names an Ollama library also has
MODELS = ["Qwen2.5-7B", "Qwen3-30B-A3B", "Mixtral-8x7B-v0.1", "DeepSeek-V2-Lite", "gemma-3-4b",
          "Falcon-H1-1.5B-Base", "Qwen2.5-VL-7B-Instruct", "DeepSeek-R1", "GLM-4.7-Flash", "SmolLM2-135M"]
SETTINGS: list[tuple[str, dict[str, Any]]] = [
    ("RTX-4090", {}),
    ("H100-SXM-80GB", {"engine": "vllm", "context": "8k"}),
    ("RTX-4090", {"engine": "llama.cpp", "quant": "Q4_K_M"}),
    ("RTX-4090", {"engine": "ollama"}),
    ("A100-SXM-80GB", {"mode": "lora"}),
]


def _options(asked: dict[str, Any]) -> dict[str, Any]:
    """workload_for's option values for `asked` (the engine as the CLI passes it)."""
    from llmsize.estimate.workload import Engine

    return {**asked, **({"engine": Engine(asked["engine"])} if "engine" in asked else {})}


def test_second_ask_reads_the_file_and_equals_the_built_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    built = catalog.specs()
    first = csc.catalog_specs()
    assert first == built
    path = csc._path()
    assert path is not None and json.loads(path.read_bytes())["format"] == csc.FORMAT

    def refuse() -> Any:
        raise AssertionError("built again")

    monkeypatch.setattr(catalog, "specs", refuse)
    kept = csc.catalog_specs()
    assert kept == built and [s.name for s in kept] == [s.name for s in built]
    assert [s.model_dump(mode="json") for s in kept] == [s.model_dump(mode="json") for s in built]


@pytest.mark.parametrize("content", [b"", b"{not json", b"\x80\x04\x95 binary", b"[1, 2]",
                                     b'{"format": "catalog-specs/0", "specs": []}'])
def test_a_corrupt_or_foreign_file_is_ignored_and_rewritten(content: bytes) -> None:
    path = csc._path()
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    assert csc.catalog_specs() == catalog.specs()
    assert json.loads(path.read_bytes())["format"] == csc.FORMAT  # written again, whole


def test_a_spec_that_does_not_validate_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    csc.catalog_specs()
    path = csc._path()
    assert path is not None
    doc = json.loads(path.read_bytes())
    doc["specs"][0]["num_layers"] = -1  # a ModelSpec needs at least one layer
    path.write_text(json.dumps(doc))
    calls = []
    real = catalog.specs
    monkeypatch.setattr(catalog, "specs", lambda: calls.append(1) or real())
    assert csc.catalog_specs() == real() and calls == [1]


def test_nothing_in_a_file_is_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[Any, tuple[str, str]]:
            return (Path.write_text, (str(marker), "ran"))  # type: ignore[return-value]

    path = csc._path()
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    for blob in (pickle.dumps(Payload()), f"open({str(marker)!r}, 'w').write('ran')".encode()):
        path.write_bytes(blob)
        assert csc.catalog_specs() == catalog.specs()
        assert not marker.exists()


def test_the_module_reads_with_json_only() -> None:
    tree = ast.parse(Path(csc.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"pickle", "marshal", "shelve", "dill", "importlib", "runpy", "yaml"}
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__"}


def test_bare_ollama_names_read_back_equal_the_catalog_aliases() -> None:
    from llmsize.resources import user_cache_dir
    from llmsize.specs import ollama

    direct = frozenset(a for e in catalog.entries() for a in e.model.aliases
                       if ":" not in a and a == a.lower() and ollama.library(a) is not None)
    assert "codellama" in direct  # the catalog's CodeLlama entries name Ollama's library
    catalog._bare_ollama_names.cache_clear()
    assert catalog._bare_ollama_names() == direct  # computed, then written
    written = list((user_cache_dir() / "ollama-bare-names").glob("*.json"))
    head, _, blob = written[0].read_bytes().partition(b"\n")  # the SHA-256 of the JSON, then the JSON
    assert len(written) == 1 and frozenset(json.loads(blob)) == direct and len(head) == 64
    catalog._bare_ollama_names.cache_clear()
    assert catalog._bare_ollama_names() == direct  # read back


@pytest.mark.parametrize(("gpu_id", "asked"), SETTINGS, ids=[f"{g}-{a}" for g, a in SETTINGS])
def test_fit_all_rows_from_kept_specs_equal_the_one_model_path(gpu_id: str, asked: dict[str, Any]) -> None:
    """`fit --all` from the specs file (second run: read back) against each model's spec built
    by `resolve`, planned one by one as `fit_catalog` plans it: the same JSON rows."""
    gpu = get_gpu(gpu_id)
    options = _options(asked)
    csc.catalog_specs()  # writes the file
    kept = {s.name: s for s in csc.catalog_specs()}  # reads it
    fast = fit_catalog([kept[name] for name in MODELS], workloads_for(options, 1), gpu, 1)
    reference = []
    for name in MODELS:
        spec = resolve(name)
        reference.append(fit_model(spec, workload_for(spec, options, 1), gpu, 1,
                                   batch_limit=False, stop_at_first=True))
    assert any(f.best is not None for f in fast)  # rows planned in full, not only refusals
    assert [f.model_dump(mode="json") for f in fast] == [r.model_dump(mode="json") for r in reference]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(args)
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def test_fit_all_json_is_the_same_with_the_specs_built_or_read_back(
        capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from llmsize.resources import user_cache_dir

    args = ["fit", "--all", "--gpu", "RTX-4090", "--format", "json"]
    cold = _run(args, capsys)  # builds the specs and writes both files
    assert cold[0] == 0 and len(json.loads(cold[1])["models"]) > 200
    assert csc._path() is not None and csc._path().is_file()  # type: ignore[union-attr]
    shutil.rmtree(user_cache_dir() / "fit-all")  # the rows planned again, from the kept specs
    assert _run(args, capsys) == cold
