"""The recurrent-state checkpoints Ollama's Go engine reserves before v0.30
(estimate/engines/ollama_recurrent.py)."""

from __future__ import annotations

import contextlib
import io
import json

from llmsize.cli import main
from llmsize.estimate.engines.ollama_recurrent import state_copies

MIB = 2**20


def test_copies_follow_the_release_and_the_go_model() -> None:
    # ollama/ollama v0.15.5-v0.17.0 model/models/qwen3next/checkpoints.go: checkpointCountDefault = 32
    assert state_copies((0, 16, 0), "qwen3_next") == 33
    # v0.17.1-v0.29 kvcache/recurrent.go: DefaultCheckpointCount = 24, for lfm2, nemotronh and
    # qwen3next / qwen35
    assert state_copies((0, 17, 1), "qwen3_next") == 25
    assert state_copies((0, 20, 5), "qwen3_5_moe") == 25
    assert state_copies((0, 24, 0), "nemotron_h") == 25
    # lfm2 ran on the Go engine from v0.14.3 but its own cache kept no checkpoints until v0.17.1
    assert state_copies((0, 16, 0), "lfm2") == 1
    # nemotron_h ran on the vendored llama.cpp runner before v0.17.1; from v0.30 llama-server keeps one state
    assert state_copies((0, 17, 0), "nemotron_h") == 1
    assert state_copies((0, 30, 0), "qwen3_next") == 1
    assert state_copies(None, "qwen3_next") == 1
    assert state_copies((0, 20, 5), "qwen3") == 1  # no recurrent layers to copy


def _kv_cache(version: str, kv: str) -> float:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main([
        "estimate", "qwen3-coder-next", "--engine", "ollama", "--engine-version", version,
        "--context", "32768", "--n-batch", "1024", "--ubatch", "1024", "--flash-attn", "on",
        "--kv-dtype", kv, "--gpu-layers", "20", "--gpu", "RTX-3090", "--format", "json",
        ])  # fmt: skip
    return float(json.loads(out.getvalue())["memory"]["kv_cache"])


def test_qwen3_next_gpu_cache_on_v0_20() -> None:
    # Published (an Ollama v0.20 benchmark note, 2026-04-09, qwen3-coder-next, num_ctx 32768,
    # BatchSize 1024, 20 layers (28..47) on CUDA0): msg="kv cache" device=CUDA0 size="955.2 MiB" with
    # OLLAMA_KV_CACHE_TYPE=q8_0 and "875.2 MiB" with q4_0. Five attention layers (2 KV heads x 256)
    # hold 170 / 90 MiB of cells; the fifteen delta-net layers 25 f32 states of 3 x 8,192 + 32 x 128 x 128
    # values each: 785.2 MiB in both (docs/validation-engines.md, left-out lines: the note's repository is
    # not named by the index).
    assert abs(_kv_cache("0.20.5", "q8_0") / MIB - 955.2) < 0.05
    assert abs(_kv_cache("0.20.5", "q4_0") / MIB - 875.2) < 0.05
    # llama-server (v0.30+) keeps one state a sequence: the same cells and 15 x 2.09 MiB.
    assert abs(_kv_cache("0.33", "q8_0") / MIB - (170 + 15 * 2.09375)) < 0.05
