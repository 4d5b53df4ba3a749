"""Ollama's own estimator graph for gpt-oss, reported as engine.estimate_graph_bytes (before v0.30).

fs/ggml/ggml.go GraphSize has its own gptoss case (ollama_offload.own_estimator_gptoss_graph_bytes);
its reserve is printed as memory.graph.partial. Published checks (ollama/ollama issues):
- #11982, v0.11.5, gpt-oss:120b at num_ctx 75000: memory.graph.partial="13.7 GiB" (full alike);
- #11711, v0.11.0-0.11.2, gpt-oss:20b at num_ctx 8192: memory.graph.partial="4.0 GiB", full 2.0 GiB.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from llmsize.cli import app

GIB = 2**30


def _graph(model: str, context: int, release: str) -> int | None:
    args = ["estimate", model, "--engine", "ollama", "--context", str(context), "--engine-version", release]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    value = json.loads(result.output)["engine"]["estimate_graph_bytes"]
    return None if value is None else int(value)


@pytest.mark.parametrize(
    ("model", "context", "release", "printed_gib"),
    [("gpt-oss-120b", 75000, "0.11.5", 13.7), ("gpt-oss-20b", 8192, "0.11.2", 4.0)],
)
def test_the_gptoss_graph_matches_the_logged_partial_graph(
    model: str, context: int, release: str, printed_gib: float
) -> None:
    graph = _graph(model, context, release)
    assert graph is not None
    assert abs(graph / GIB - printed_gib) <= 0.05  # Ollama prints one decimal in GiB


def test_from_v0_30_llama_server_reserves_the_graph_itself() -> None:
    assert _graph("gpt-oss-20b", 8192, "0.30.2") is None
