"""Decode speed under Ollama's own default window is quoted at the request's length, not the window's.

Ollama picks NumCtx by VRAM (32,768 tokens on a 24 GB card, server/routes.go), but llama.cpp's decode
attends over the cache cells in use (llama_kv_cache::get_n_kv: the used cells padded to 256), so a
4,096-token request on qwen3:8b reads ~0.6 GB of KV a token, not the ~4.8 GB the full window would hold.
Published: Ollama's llama3.1:8b on an RTX 4090 with a short question decodes at 148.09 tokens/s
(geerlingguy/ai-benchmarks PR 11, row ollamaworst-geer8b-001 of bench/speed_tables.yaml); qwen3:8b (a
larger vocabulary and KV) was quoted at 81 with the whole 32,768-token window cached, ~135 now.
"""

from __future__ import annotations

import json

import pytest

import llmsize.cli


def _doc(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    with pytest.raises(SystemExit) as ex:
        llmsize.cli.main(["estimate", "qwen3:8b", "--gpu", "RTX-4090", *args, "--format", "json"])
    assert ex.value.code == 0
    doc: dict[str, object] = json.loads(capsys.readouterr().out)
    return doc


def _decode(doc: dict[str, object]) -> float:
    gpus = doc["gpus"]
    assert isinstance(gpus, list)
    return float(gpus[0]["decode_tokens_per_s"])


def test_default_window_decodes_at_the_request_length(capsys: pytest.CaptureFixture[str]) -> None:
    default = _doc([], capsys)
    workload = default["workload"]
    assert isinstance(workload, dict)
    assert (workload["context"], workload["request_context"]) == (32768, 4096)  # memory: the window
    short = _doc(["--context", "4096"], capsys)
    full = _doc(["--context", "32768"], capsys)
    # speed: as a 4,096-token request, which a fuller cache (--context 32768) decodes slower than
    assert _decode(default) == pytest.approx(_decode(short), rel=1e-9)
    assert _decode(full) < 0.8 * _decode(default)


def test_a_given_context_is_the_request(capsys: pytest.CaptureFixture[str]) -> None:
    workload = _doc(["--context", "32768"], capsys)["workload"]
    assert isinstance(workload, dict) and workload["request_context"] is None
