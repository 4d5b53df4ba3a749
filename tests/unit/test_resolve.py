"""resolve(): which source answers for each kind of MODEL, the fallbacks, and every bad-input path."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from hub_server import TINY_LLAMA_CONFIG, TINY_LLAMA_PARAMS, llama_tensors, safetensors_bytes
from llmsize.errors import BadInputError, ConfigError, ExitCode, HubError, LlmsizeError, ModelNotFoundError
from llmsize.specs import cache, hub
from llmsize.specs.cache import HubSnapshot
from llmsize.specs.models import ProvenanceKind, QuantMethod
from llmsize.specs.params import total_params
from llmsize.specs.resolve import resolve


def _model_dir(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(TINY_LLAMA_CONFIG))
    (folder / "model.safetensors").write_bytes(safetensors_bytes(llama_tensors(TINY_LLAMA_CONFIG)))
    return folder


def _one_line(err: LlmsizeError) -> None:
    assert err.exit_code == ExitCode.BAD_INPUT
    assert "\n" not in str(err)


# --------------------------------------------------------------------------------------- local paths


def test_folder(tmp_path: Path) -> None:
    spec = resolve(str(_model_dir(tmp_path / "tiny")))
    assert spec.provenance.kind == ProvenanceKind.LOCAL
    assert spec.checkpoint is not None and spec.checkpoint.total_params == TINY_LLAMA_PARAMS


def test_config_json_path(tmp_path: Path) -> None:
    spec = resolve(str(_model_dir(tmp_path / "tiny") / "config.json"))
    assert spec.provenance.kind == ProvenanceKind.LOCAL
    assert total_params(spec) == TINY_LLAMA_PARAMS


def test_shard_index_path_stands_for_its_folder(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path / "tiny")
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"weight_map": dict.fromkeys(llama_tensors(TINY_LLAMA_CONFIG), "model.safetensors")})
    )
    spec = resolve(str(folder / "model.safetensors.index.json"))
    assert spec.checkpoint is not None and spec.checkpoint.total_params == TINY_LLAMA_PARAMS


def test_existing_folder_wins_over_a_repo_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _model_dir(tmp_path / "acme" / "tiny")
    assert resolve("acme/tiny").provenance.kind == ProvenanceKind.LOCAL


def test_gguf_file_without_the_suffix_is_recognised(tmp_path: Path) -> None:
    import gguf
    import numpy as np

    path = tmp_path / "model.bin.part"
    w = gguf.GGUFWriter(str(path), "llama")
    for add, value in ((w.add_block_count, 1), (w.add_embedding_length, 32), (w.add_feed_forward_length, 64),
                       (w.add_head_count, 2), (w.add_context_length, 16)):
        add(value)
    w.add_tensor("token_embd.weight", np.zeros((8, 32), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    assert resolve(str(path)).provenance.kind == ProvenanceKind.GGUF


# --------------------------------------------------------------------------------------- names


def test_catalog_name_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_hub(*args: object, **kwargs: object) -> None:
        pytest.fail("a catalog name must not reach for the Hub")

    monkeypatch.setattr(hub, "fetch", no_hub)
    spec = resolve("Qwen2.5-7B-Instruct")
    assert spec.provenance.kind == ProvenanceKind.CATALOG
    assert not spec.approximate


def test_quant_suffix_sets_the_weight_format() -> None:
    spec = resolve("Qwen2.5-7B-Instruct-GPTQ-Int4")
    assert spec.weight_format.quant == QuantMethod.GPTQ
    assert spec.weight_format.bits == 4


def test_unknown_name_with_a_size_is_approximated() -> None:
    spec = resolve("Foo-7B-Instruct")
    assert spec.approximate
    assert spec.provenance.kind == ProvenanceKind.APPROXIMATE


# --------------------------------------------------------------------------------------- repo ids


def test_repo_id_with_the_hub_unreachable_uses_the_catalog() -> None:
    spec = resolve("Qwen/Qwen2.5-7B")  # conftest: HF_ENDPOINT points at a dead port
    assert spec.provenance.kind == ProvenanceKind.CATALOG
    assert any(w.startswith("Hub unreachable") and "bundled catalog" in w for w in spec.warnings)


def test_repo_id_offline_uses_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    spec = resolve("Qwen/Qwen2.5-7B")
    assert spec.provenance.kind == ProvenanceKind.CATALOG
    assert any("HF_HUB_OFFLINE" in w and "bundled catalog" in w for w in spec.warnings)


def _cache_tiny(repo: str, revision: str = "main", age_s: float = 0.0) -> None:
    cache.store(HubSnapshot(repo_id=repo, revision=revision, commit="a" * 40, config=dict(TINY_LLAMA_CONFIG),
                            fetched_at=time.time() - age_s))


def test_cache_comes_before_the_catalog_and_reports_its_age() -> None:
    _cache_tiny("acme/tiny", age_s=7200)
    spec = resolve("acme/tiny", offline=True)
    assert spec.provenance.kind == ProvenanceKind.CACHE
    assert spec.provenance.cache_age_s == pytest.approx(7200, abs=60)
    assert "cached 2.0 h ago" in spec.provenance.describe()
    assert spec.provenance.revision == "a" * 40
    assert total_params(spec) == TINY_LLAMA_PARAMS


def test_revision_after_at_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    _cache_tiny("acme/tiny", revision="v1.0")
    assert resolve("acme/tiny@v1.0", offline=True).provenance.kind == ProvenanceKind.CACHE
    with pytest.raises(HubError):
        resolve("acme/tiny@v2.0", offline=True)


def test_cache_is_per_revision_and_case_insensitive_in_the_repo() -> None:
    _cache_tiny("Acme/Tiny")
    assert resolve("acme/tiny", offline=True).provenance.kind == ProvenanceKind.CACHE


def test_corrupt_cache_entry_is_a_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    _cache_tiny("acme/tiny")
    entry = next((Path(cache.cache_dir()) / "hub").glob("*.json"))
    entry.write_text('{"cache_version": 1, "repo_id": "acme/ti')
    assert cache.load("acme/tiny") is None
    with pytest.raises(HubError):
        resolve("acme/tiny", offline=True)


def test_cache_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_CACHE_DIR", str(tmp_path / "c"))
    assert cache.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("LLMSIZE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache.cache_dir() == tmp_path / "xdg" / "llmsize"
        monkeypatch.delenv("XDG_CACHE_HOME")
        assert cache.cache_dir() == Path.home() / ".cache" / "llmsize"


# --------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_name(text: str) -> None:
    with pytest.raises(BadInputError, match="no model given") as err:
        resolve(text)
    _one_line(err.value)


@pytest.mark.parametrize("text", ["zzqx-blorp", "!!!", "qwertyuiop"])
def test_garbage_name(text: str) -> None:
    with pytest.raises(ModelNotFoundError, match="unknown model") as err:
        resolve(text)
    assert "repo id" in str(err.value) and "config.json" in str(err.value)
    assert isinstance(err.value.suggestions, list)
    _one_line(err.value)


def test_misspelt_name_gets_suggestions() -> None:
    with pytest.raises(ModelNotFoundError) as err:
        resolve("Qwen2.5-Instrcut")
    assert any("qwen2.5" in s.lower() for s in err.value.suggestions)


@pytest.mark.parametrize("text", ["./missing/config.json", "/no/such/model.gguf", "a/b/c", "~/nope.gguf"])
def test_path_that_does_not_exist(text: str) -> None:
    with pytest.raises(ModelNotFoundError, match="does not exist") as err:
        resolve(text)
    _one_line(err.value)


def test_folder_without_config_json(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hello")
    with pytest.raises(ConfigError, match=r"has no config\.json") as err:
        resolve(str(tmp_path))
    _one_line(err.value)


def test_folder_with_only_a_gguf_points_at_it(tmp_path: Path) -> None:
    (tmp_path / "model.Q4_K_M.gguf").write_bytes(b"GGUF")
    with pytest.raises(ConfigError, match=r"model\.Q4_K_M\.gguf"):
        resolve(str(tmp_path))


def test_truncated_config_json(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(TINY_LLAMA_CONFIG)[:40])
    with pytest.raises(ConfigError, match="not valid JSON") as err:
        resolve(str(path))
    _one_line(err.value)


def test_file_that_is_not_gguf(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"PK\x03\x04 this is a zip file, not a model" * 4)
    with pytest.raises(ConfigError, match="not a GGUF file") as err:
        resolve(str(path))
    _one_line(err.value)


def test_weights_shard_instead_of_its_folder(tmp_path: Path) -> None:
    path = _model_dir(tmp_path / "m") / "model.safetensors"
    with pytest.raises(ConfigError, match="weights shard"):
        resolve(str(path))


def test_unrelated_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a model")
    with pytest.raises(ConfigError, match=r"neither a config\.json nor a GGUF file"):
        resolve(str(path))


def test_offline_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubError, match="neither cached nor in the bundled catalog") as err:
        resolve("acme/not-a-catalog-model")
    _one_line(err.value)
