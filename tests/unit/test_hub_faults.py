"""A broken Hub or proxy (tests/hub_server.py faults): fall back or say one line, within a bounded time."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from hub_server import TINY_LLAMA_CONFIG, HubServer, serve_hub
from llmsize.errors import GatedRepoError, HubError
from llmsize.specs import hub
from llmsize.specs.models import ProvenanceKind
from llmsize.specs.resolve import resolve


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    with serve_hub(monkeypatch) as srv:
        yield srv


def test_redirect_loop_falls_back_to_the_catalog(server: HubServer) -> None:
    server.add_repo("Qwen/Qwen2.5-0.5B", {"config.json": TINY_LLAMA_CONFIG}, fault="redirect-loop")
    spec = resolve("Qwen/Qwen2.5-0.5B")
    assert spec.provenance.kind is ProvenanceKind.CATALOG
    assert any("unreachable" in w.lower() or "cannot reach" in w.lower() for w in spec.warnings), (
        spec.warnings
    )


def test_redirect_loop_without_a_fallback_is_one_line(server: HubServer) -> None:
    server.add_repo("acme/loop", {"config.json": TINY_LLAMA_CONFIG}, fault="redirect-loop")
    with pytest.raises(HubError) as err:
        resolve("acme/loop")
    assert "\n" not in str(err.value)


def test_trickling_server_is_bounded_in_total(server: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each byte arrives inside the per-read timeout; only a total deadline stops it."""
    monkeypatch.setenv("LLMSIZE_HUB_TIMEOUT", "0.5")
    server.add_repo("acme/slow", {"config.json": TINY_LLAMA_CONFIG}, fault="trickle")
    start = time.monotonic()
    with pytest.raises(HubError):
        resolve("acme/slow")
    assert time.monotonic() - start < hub.TOTAL_TIMEOUTS * 0.5 + 3  # not the minutes a trickle can last


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "soon", "1e9"])
def test_nonsense_timeouts_keep_the_default(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LLMSIZE_HUB_TIMEOUT", value)
    assert hub.timeout_s() == hub.DEFAULT_TIMEOUT_S


def test_401_without_a_token_does_not_blame_a_token(
    server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", "/nonexistent/token")
    server.add_repo("acme/private", {"config.json": TINY_LLAMA_CONFIG}, fault="401")
    with pytest.raises(GatedRepoError) as err:
        resolve("acme/private")
    assert "rejected the token" not in str(err.value)
    assert "HF_TOKEN" in str(err.value)
