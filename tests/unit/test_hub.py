"""Repo ids through real huggingface_hub code, against a local stand-in for the Hub (tests/hub_server.py)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from hub_server import (
    TINY_LLAMA_CONFIG,
    TINY_LLAMA_PARAMS,
    VALID_TOKEN,
    HubServer,
    llama_tensors,
    safetensors_bytes,
    serve_hub,
)
from llmsize.errors import ConfigError, ExitCode, GatedRepoError, HubError, LlmsizeError, ModelNotFoundError
from llmsize.specs import cache, hub
from llmsize.specs.models import ProvenanceKind
from llmsize.specs.params import total_params
from llmsize.specs.resolve import resolve

TINY_CHECKPOINT = safetensors_bytes(llama_tensors(TINY_LLAMA_CONFIG), {"format": "pt"})


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    with serve_hub(monkeypatch) as srv:
        model = {"config.json": TINY_LLAMA_CONFIG, "model.safetensors": TINY_CHECKPOINT}
        srv.add_repo("acme/tiny-llama", model)
        srv.add_repo("acme/gated-llama", model, gated=True)
        srv.add_repo("acme/broken", {"config.json": '{"model_type": "llama", "hidden_size": 6'})
        srv.add_repo("acme/no-weights", {"config.json": TINY_LLAMA_CONFIG})
        srv.add_repo("acme/only-gguf", {"tiny.Q4_K_M.gguf": b"GGUF"})
        yield srv


def _sharded_repo(srv: HubServer) -> None:
    """Three shards whose first header is longer than the 100 kB huggingface_hub reads in one go."""
    tensors = llama_tensors(TINY_LLAMA_CONFIG)
    padding = {f"model.extra.{i}.{'x' * 60}": ("BF16", [1]) for i in range(1500)}
    names = list(tensors)
    shards = {
        "model-00001-of-00003.safetensors": {n: tensors[n] for n in names[0::3]} | padding,
        "model-00002-of-00003.safetensors": {n: tensors[n] for n in names[1::3]},
        "model-00003-of-00003.safetensors": {n: tensors[n] for n in names[2::3]},
    }
    files: dict[str, bytes | str | dict[str, object]] = {"config.json": TINY_LLAMA_CONFIG}
    weight_map: dict[str, str] = {}
    for shard, content in shards.items():
        files[shard] = safetensors_bytes(content)
        weight_map |= dict.fromkeys(content, shard)
    files["model.safetensors.index.json"] = {"metadata": {"total_size": 0}, "weight_map": weight_map}
    assert len(files["model-00001-of-00003.safetensors"]) > 100_000  # type: ignore[arg-type]
    srv.add_repo("acme/sharded", files)


def test_repo_resolves_from_the_hub_with_exact_counts(server: HubServer) -> None:
    spec = resolve("acme/tiny-llama")
    repo = server.repos["acme/tiny-llama"]
    assert spec.provenance.kind == ProvenanceKind.HUB
    assert spec.provenance.source == "acme/tiny-llama"
    assert spec.provenance.revision == repo.commit  # the resolved commit, not "main"
    assert spec.hf_repo == "acme/tiny-llama"
    assert spec.checkpoint is not None
    assert spec.checkpoint.params_by_dtype == {"BF16": TINY_LLAMA_PARAMS}
    assert spec.checkpoint.total_bytes == 2 * TINY_LLAMA_PARAMS
    assert total_params(spec) == TINY_LLAMA_PARAMS
    assert not spec.warnings


def test_no_weights_are_downloaded(server: HubServer) -> None:
    resolve("acme/tiny-llama")
    weight_gets = [r for r in server.requests if r.method == "GET" and r.path.endswith(".safetensors")]
    assert weight_gets, "the safetensors header was never read"
    assert all(r.range is not None for r in weight_gets)  # only byte ranges of the header


def test_sharded_repo_with_a_long_header(server: HubServer) -> None:
    _sharded_repo(server)
    spec = resolve("acme/sharded")
    assert spec.checkpoint is not None
    assert spec.checkpoint.total_params == TINY_LLAMA_PARAMS + 1500
    assert any("accounts for" in w for w in spec.warnings)  # the padding tensors are not in the architecture
    first = "model-00001-of-00003.safetensors"
    ranges = {r.range for r in server.requests if r.path.endswith(first) and r.range}
    assert len(ranges) == 2  # the first 100 kB, then the rest of the header


def test_result_is_cached_with_its_commit(server: HubServer) -> None:
    resolve("acme/tiny-llama")
    entry = cache.load("acme/tiny-llama")
    assert entry is not None
    assert entry.snapshot.commit == server.repos["acme/tiny-llama"].commit
    assert entry.snapshot.config["hidden_size"] == 64
    assert entry.age_s < 60


def test_pinned_commit_is_answered_from_the_cache(server: HubServer) -> None:
    sha = server.repos["acme/tiny-llama"].commit
    first = resolve("acme/tiny-llama", revision=sha)
    assert first.provenance.kind == ProvenanceKind.HUB
    n = len(server.requests)
    second = resolve(f"acme/tiny-llama@{sha}")
    assert len(server.requests) == n  # a commit never changes: no request
    assert second.provenance.kind == ProvenanceKind.CACHE
    assert second.summary() == first.summary()


def test_online_and_offline_agree_and_say_which_they_are(
    server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    online = resolve("acme/tiny-llama")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    n = len(server.requests)
    offline = resolve("acme/tiny-llama")
    assert len(server.requests) == n  # offline means no request at all
    assert offline.summary() == online.summary()
    assert offline.checkpoint == online.checkpoint
    assert total_params(offline) == total_params(online)
    assert (online.provenance.kind, offline.provenance.kind) == (ProvenanceKind.HUB, ProvenanceKind.CACHE)
    assert offline.provenance.cache_age_s is not None
    assert "Hugging Face Hub" in online.provenance.describe()
    assert "cached" in offline.provenance.describe()
    assert any("HF_HUB_OFFLINE" in w and "cached" in w for w in offline.warnings)


def test_unreachable_hub_falls_back_to_the_cache(server: HubServer) -> None:
    resolve("acme/tiny-llama")
    server.stop()
    spec = resolve("acme/tiny-llama")
    assert spec.provenance.kind == ProvenanceKind.CACHE
    assert any(w.startswith("Hub unreachable") for w in spec.warnings)


def test_offline_argument_overrides_the_environment(server: HubServer) -> None:
    resolve("acme/tiny-llama")
    assert resolve("acme/tiny-llama", offline=True).provenance.kind == ProvenanceKind.CACHE


def test_repo_without_safetensors_still_resolves(server: HubServer) -> None:
    spec = resolve("acme/no-weights")
    assert spec.checkpoint is None
    assert any("no safetensors" in w for w in spec.warnings)
    assert total_params(spec) == TINY_LLAMA_PARAMS


def test_gated_repo_with_a_token(server: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", VALID_TOKEN)
    spec = resolve("acme/gated-llama")
    assert spec.checkpoint is not None
    assert all(r.authorized for r in server.requests if "gated" in r.path)


def test_resolve_never_prints(server: HubServer, capsys: pytest.CaptureFixture[str]) -> None:
    _sharded_repo(server)
    resolve("acme/sharded")
    resolve("acme/tiny-llama")
    out = capsys.readouterr()
    assert (out.out, out.err) == ("", "")


def test_hub_endpoint_is_read_when_called(server: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    assert hub.endpoint() == server.url
    monkeypatch.setenv("HF_ENDPOINT", server.url + "/")
    assert hub.endpoint() == server.url


# --------------------------------------------------------------------------------------- bad input


def _one_line(err: LlmsizeError) -> None:
    assert err.exit_code == ExitCode.BAD_INPUT
    assert "\n" not in str(err)


def test_gated_repo_without_a_token(server: HubServer) -> None:
    with pytest.raises(GatedRepoError) as err:
        resolve("acme/gated-llama")
    assert "gated" in str(err.value)
    assert "HF_TOKEN" in str(err.value) and "hf auth login" in str(err.value)
    _one_line(err.value)


def test_gated_repo_the_catalog_knows_points_at_it(server: HubServer) -> None:
    server.add_repo("meta-llama/Llama-3.1-8B", {"config.json": TINY_LLAMA_CONFIG}, gated=True)
    with pytest.raises(GatedRepoError, match="bundled catalog") as err:
        resolve("meta-llama/Llama-3.1-8B")
    assert "HF_TOKEN" in str(err.value)
    _one_line(err.value)


def test_gated_repo_with_a_token_that_has_no_access(
    server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_not_granted")
    with pytest.raises(GatedRepoError, match="not been granted access"):
        resolve("acme/gated-llama")


def test_missing_repo(server: HubServer) -> None:
    with pytest.raises(ModelNotFoundError, match="not found on the Hub") as err:
        resolve("acme/Qwen2.5-7B-Instructt")
    assert isinstance(err.value.suggestions, list)
    _one_line(err.value)


def test_missing_revision(server: HubServer) -> None:
    with pytest.raises(ModelNotFoundError, match="revision 'v9' of acme/tiny-llama does not exist"):
        resolve("acme/tiny-llama", revision="v9")


def test_malformed_config_json(server: HubServer) -> None:
    with pytest.raises(ConfigError, match="not valid JSON") as err:
        resolve("acme/broken")
    _one_line(err.value)


def test_repo_without_config_json(server: HubServer) -> None:
    with pytest.raises(ConfigError, match=r"has no config\.json") as err:
        resolve("acme/only-gguf")
    _one_line(err.value)


def test_offline_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubError, match="neither cached nor in the bundled catalog") as err:
        resolve("acme/never-seen-model")
    assert "HF_HUB_OFFLINE" in str(err.value)
    _one_line(err.value)


def test_unreachable_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    # conftest points HF_ENDPOINT at a port nothing listens on
    with pytest.raises(HubError, match="Hub unreachable"):
        resolve("acme/never-seen-model")


def test_silent_hub_times_out_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    """A host that accepts connections but never answers must not hang the CLI."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes handshakes; nobody ever reads or writes
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setenv("LLMSIZE_HUB_TIMEOUT", "0.5")
        start = time.monotonic()
        with pytest.raises(HubError, match="Hub unreachable"):
            resolve("acme/never-seen-model")
        assert time.monotonic() - start < 5


def test_a_modelopt_repo_is_read_with_its_hf_quant_config(server: HubServer) -> None:
    """An older ModelOpt export on the Hub: config.json without quantization_config, the format in
    hf_quant_config.json (vLLM modelopt.py ModelOptQuantConfigBase.get_config_filenames); read like a
    local folder's, so it is sized as NVFP4 and not as the bf16 config.json implies."""
    sidecar = {
        "producer": {"name": "modelopt", "version": "0.35.0"},
        "quantization": {"quant_algo": "NVFP4", "group_size": 16, "exclude_modules": ["lm_head"]},
    }
    server.add_repo(
        "acme/tiny-llama-nvfp4", {"config.json": TINY_LLAMA_CONFIG, "hf_quant_config.json": sidecar}
    )
    spec = resolve("acme/tiny-llama-nvfp4")
    assert spec.weight_format.label() == "nvfp4 4-bit"
    assert cache.load("acme/tiny-llama-nvfp4").snapshot.config["quantization_config"]["quant_algo"] == "NVFP4"  # type: ignore[union-attr]
    plain = resolve("acme/tiny-llama")  # no sidecar: a 404 that changes nothing
    assert plain.weight_format.quant is None
    assert not plain.warnings
