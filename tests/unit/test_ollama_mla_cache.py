"""Ollama's glm4moelite cache before MLA absorption (estimate/engines/ollama_mla_cache.py).

Published: ollama/ollama#13789, v0.14.3-rc2, glm-4.7-flash at num_ctx 8192 logged kv cache CUDA0
"800.0 MiB" + CPU "6.6 GiB" (5 + 42 layers of 160 MiB: every head's K and V cached).
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.estimate.engines.ollama_mla_cache import ABSORBED_RELEASE, caches_expanded_heads

MIB = 2**20


def _kv(release: str) -> int:
    args = ["estimate", "GLM-4.7-Flash", "--engine", "ollama", "--engine-version", release]
    args += ["--context", "8192"]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return int(json.loads(result.output)["memory"]["kv_cache"])


def test_v0_14_3_caches_every_head_as_its_log_printed() -> None:
    published = 800 * MIB + 6.6 * 1024 * MIB  # CUDA0 + CPU lines of #13789
    assert abs(_kv("0.14.3") - published) <= 0.05 * 1024 * MIB  # the CPU part has one decimal in GiB


def test_v0_15_0_caches_the_latent() -> None:
    # 47 layers x 8,192 tokens x (512 latent + 64 rope) x 2 B, a twentieth of the expanded heads' cache
    assert _kv("0.15.0") == 47 * 8192 * 576 * 2
    assert _kv("0.15.0") * 17 < _kv("0.14.3")


def test_only_the_releases_before_absorption_and_only_glm4moelite() -> None:
    assert caches_expanded_heads((0, 14, 3), "glm4_moe_lite")
    assert not caches_expanded_heads(ABSORBED_RELEASE, "glm4_moe_lite")
    assert not caches_expanded_heads(None, "glm4_moe_lite")
    assert not caches_expanded_heads((0, 14, 3), "deepseek_v3")
