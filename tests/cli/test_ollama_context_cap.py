"""A --context above the trained length under Ollama: the server lowers NumCtx to it.

ollama/ollama#11175 (commit 10a8e04a8, first tagged in v0.9.3) added to llm/server.go NewLlamaServer:
"Verify the requested context size is <= the model training size", logging "requested context size too
large for model" and setting NumCtx to the GGUF's context_length. qwen3:8b's trained context is
40,960 tokens (Qwen/Qwen3-8B config.json max_position_embeddings 40960).
"""

from __future__ import annotations

import json

import pytest

import llmsize.cli


def _warnings(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    with pytest.raises(SystemExit) as ex:
        llmsize.cli.main(["estimate", "qwen3:8b", "--engine", "ollama", *args, "--format", "json"])
    assert ex.value.code == 0
    doc = json.loads(capsys.readouterr().out)
    return [str(w) for w in doc["warnings"]]


def test_a_context_above_the_trained_length_says_ollama_lowers_it(capsys: pytest.CaptureFixture[str]) -> None:
    said = [w for w in _warnings(["--context", "65536"], capsys) if "trained context" in w]
    assert said and "40,960" in said[0] and "requested context size too large for model" in said[0]


def test_releases_before_the_cap_run_the_positions(capsys: pytest.CaptureFixture[str]) -> None:
    warnings = _warnings(["--context", "65536", "--engine-version", "0.9.2"], capsys)
    assert not any("lowers NumCtx" in w for w in warnings)
    assert any("rope scaling" in w for w in warnings)


def test_a_context_within_the_trained_length_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert not any("trained context" in w for w in _warnings(["--context", "32768"], capsys))


def _kv(args: list[str], capsys: pytest.CaptureFixture[str]) -> int:
    with pytest.raises(SystemExit) as ex:
        llmsize.cli.main(["estimate", "qwen3:8b", "--engine", "ollama", *args, "--format", "json"])
    assert ex.value.code == 0
    return int(json.loads(capsys.readouterr().out)["memory"]["kv_cache"])


def test_the_cache_is_sized_for_the_context_ollama_allocates(capsys: pytest.CaptureFixture[str]) -> None:
    # From v0.9.3 NewLlamaServer sets NumCtx to the trained 40,960 before the runner sizes its cache:
    # asking 65,536 allocates what 40,960 does, and the JSON workload still says what was asked.
    assert _kv(["--context", "65536"], capsys) == _kv(["--context", "40960"], capsys)


def test_releases_before_the_cap_allocate_the_context_asked(capsys: pytest.CaptureFixture[str]) -> None:
    # v0.9.2 passed NumCtx through (llama.cpp only warned): 65,536 cells cost 65,536/40,960 of 40,960's
    # (qwen3:8b caches every layer in full; cells padded to 256 by llama.cpp, both multiples of it).
    before = ["--engine-version", "0.9.2"]
    longer = _kv(["--context", "65536", *before], capsys)
    trained = _kv(["--context", "40960", *before], capsys)
    assert longer * 40960 == trained * 65536
