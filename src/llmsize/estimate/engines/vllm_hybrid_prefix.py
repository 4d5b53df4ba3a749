"""Whether an older vLLM keeps prefix caching on for a hybrid model (state layers beside attention).

REFERENCE: vllm/model_executor/models/config.py MambaModelConfig.verify_and_update_config (0.11.2): a
hybrid model whose class does not declare mamba prefix caching logs "Hybrid or mamba-based model detected
without support for prefix caching: disabling." and turns enable_prefix_caching off, so each state group
holds one block a request (vllm_kv_groups.group_blocks). Mamba2 (vllm-project/vllm PR #25752, 0.11) and
Mamba1 (PR #26377) had their own prefix caching then; gated delta-net, KDA, lightning and short-conv
layers did not. The "align" mode that caches every kind's state on the block grid came with PR #30877
(merged after 0.13), after which the two-block rule applies.
Check: Kimi-Linear-48B-A3B AWQ at TP 2, --enable_prefix_caching, V1 of November 2025 (about 0.11):
"Available KV cache memory: 2.30 GiB", "GPU KV cache size: 75,840 tokens", "Maximum concurrency for
120,000 tokens per request: 2.48x" (vllm-project/vllm#28228): 319 blocks of 960 tokens over 4 groups
(7 MLA layers, 20 KDA layers + 1 padding in 3), 319 / (125 + 3 x 1) = 2.49x; with prefix caching kept
(two state blocks a group) it would be 2.44x.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import server_releases

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: vllm-project/vllm PR #30877 "[V1][Hybrid] Mamba Prefix Caching with align mode" (after 0.13).
ALIGN_MODE_FROM = (0, 14)
OWN_PREFIX_CACHING_KINDS = frozenset({"mamba", "mamba2"})  # REFERENCE: PRs #25752, #26377 (0.11)


def keeps_prefix_caching(asked: bool, spec: ModelSpec, engine_version: str | None) -> bool:
    """--enable-prefix-caching as the release runs it: off for a hybrid model whose state kind had no
    prefix caching before the align mode; the release modelled (none given) keeps it."""
    if not asked or spec.recurrent is None or spec.recurrent.kind in OWN_PREFIX_CACHING_KINDS:
        return asked
    found = server_releases.release(engine_version, "vLLM", "0.6.3")
    return found is None or found >= ALIGN_MODE_FROM
