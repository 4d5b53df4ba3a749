"""vLLM decode context parallelism (`--decode-context-parallel-size`): a request's KV split by token.

With DCP the ranks of one TP group each keep every dcp-th token of a request instead of a copy of all
of them (MLA's single latent head, or GQA heads TP has replicated), so one rank's pool serves dcp times
the tokens:
- `vllm/v1/kv_cache_interface.py` FullAttentionSpec.max_memory_usage_bytes (MLAAttentionSpec inherits
  it): a request needs cdiv(cdiv(max_model_len, dcp_world_size), block_size) pages a rank ("each dcp
  rank only need save (max_model_len//dcp_world_size) tokens locally");
- `vllm/v1/core/kv_cache_utils.py` _report_kv_cache_config: "Multiplying the GPU KV cache size by the
  dcp_world_size", num_blocks // groups x block_size x dcp.
Check: Kimi-K2-Thinking on 8 H200s, 46.80 GiB a rank (vllm-project/recipes PR #115): 715,072 tokens at TP
8 and 5,721,088 = 8 x 715,072 at TP 8 + DCP 8. `ParallelConfig` requires tp % dcp == 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.errors import BadInputError

if TYPE_CHECKING:
    from llmsize.estimate.engines.vllm_kv_groups import KvGroup


def problem(dcp: int, tp: int) -> str | None:
    """Why vLLM refuses `dcp` at TP `tp` (None: it starts); a layout search skips such TP degrees, so
    `fit --num-gpus auto -dcp 4` plans TP 4 and up instead of refusing the TP 1 it tried first."""
    if dcp > 1 and tp % dcp:
        return (f"vLLM cannot start: --decode-context-parallel-size {dcp} does not divide TP {tp}; "
                "its KV is split over ranks of the TP group")
    return None


def check(dcp: int, tp: int) -> None:
    """vLLM's own refusal (config/parallel.py: the DCP ranks come out of the TP group)."""
    if dcp > 1 and tp % dcp:
        raise BadInputError(
            f"--decode-context-parallel-size {dcp} does not divide --tp {tp}",
            hint="vLLM splits a request's KV over ranks of its TP group: use a divisor of --tp",
        )


def local_context(context: int, dcp: int) -> int:
    """Tokens of a `context`-token request one rank keeps (cdiv, as max_memory_usage_bytes does)."""
    return -(-context // dcp)


def context_of(g: KvGroup, context: int, dcp: int) -> int:
    """The tokens group `g` pages for one request on a rank: full attention (and MLA) split by DCP;
    sliding windows and recurrent state keep their own max_memory_usage_bytes."""
    return local_context(context, dcp) if g.window is None and not g.state else context
