"""vLLM's "GPU KV cache size" line by release (kv_cache_utils._report_kv_cache_config).

Up to 0.20.0 the line is num_blocks // kv_cache_groups x block_size; from the 0.20.1 release
(vllm-project/vllm#40694) it is int(max_concurrency x max_model_len): the release is read from published
logs (server_releases.CONCURRENCY_TOKENS_FROM): 0.20.1rc1.dev16 old (noonghunna/club-3090#46), 0.20.1
and 0.20.2rc1.dev9 new (genn888/MASS_delivery doc/qwen36_hpc_vllm_setup.md, club-3090#74).
The two differ for hybrid models, whose state groups
share the block pool. Expected values are the two formulas written out for Qwen3.6-35B-A3B at a
given pool: 10 attention layers and 30 gated delta-net layers in 4 groups of 10, an attention block
of 2,096 tokens, and with prefix caching 2 state pages per state group (MambaSpec in align mode).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

import llmsize.cli
from llmsize.errors import BadInputError
from llmsize.estimate.engines.server_releases import vllm_prints_concurrency_tokens

CONTEXT = 131072
ARGS = [
    "estimate", "Qwen3.6-35B-A3B", "--engine", "vllm", "--gpu", "RTX-5090", "--context", str(CONTEXT),
    "--kv-dtype", "fp8", "--max-num-seqs", "1", "--max-num-batched-tokens", "8192",
    "--kv-cache-memory", "6421051965", "--quant", "nvfp4", "--enable-prefix-caching",
]  # fmt: skip
BLOCK = 2096
PER_REQUEST = math.ceil(CONTEXT / BLOCK) + 3 * 2  # 63 attention blocks + 2 pages in each of 3 state groups


RELEASES = [(None, False), ("0.19.0", False), ("0.20.0", False), ("0.20.1rc1.dev16+g7a1eb8ac2", False),
            ("0.20.1", True), ("0.20.1+cu129", True), ("0.20.2rc1.dev9", True), ("0.21.0", True),
            ("v0.24.0", True)]  # fmt: skip


@pytest.mark.parametrize(("release", "later"), RELEASES)
def test_the_release_picks_the_formula(release: str | None, later: bool) -> None:
    assert vllm_prints_concurrency_tokens(release) is later


def test_a_bad_release_is_refused() -> None:
    with pytest.raises(BadInputError):
        vllm_prints_concurrency_tokens("latest")


def _fit_row(release: str, capsys: pytest.CaptureFixture[str]) -> Any:
    with pytest.raises(SystemExit) as ex:
        llmsize.cli.main([*ARGS, "--engine-version", release, "--format", "json"])
    assert ex.value.code in (0, None)
    return json.loads(capsys.readouterr().out)["gpus"][0]


def test_hybrid_token_line_before_and_after_0_21(capsys: pytest.CaptureFixture[str]) -> None:
    old = _fit_row("0.19.0", capsys)
    new = _fit_row("0.24.0", capsys)
    blocks = old["kv_blocks"]
    assert new["kv_blocks"] == blocks and new["max_concurrency"] == old["max_concurrency"]
    assert old["kv_tokens"] == blocks // 4 * BLOCK
    assert new["kv_tokens"] == int(blocks / PER_REQUEST * CONTEXT)
