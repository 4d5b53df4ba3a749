"""vLLM's KV budget: what is left of --gpu-memory-utilization for blocks, how many requests they hold,
and why a start-up fails.

REFERENCE: vllm/v1/worker/gpu_worker.py `determine_available_memory` (requested = utilization x total;
available = requested - weights - profile-run torch peak - non-torch increase; --kv-cache-memory
replaces it), vllm/v1/core/kv_cache_utils.py `get_num_blocks` / `_report_kv_cache_config` (blocks,
tokens, concurrency) and `check_enough_kv_cache_memory` / `estimate_max_model_len` (the refusal and the
largest max_model_len that fits); what is allocated after the pool, outside the budget, is
vllm_post_kv.py's. Used by vllm.py `Vllm.budget`.

For a hybrid model the pool's token figure and the lengths it admits differ, and both are vLLM's own
arithmetic (issue 15, newcomer audit): up to 0.20.0 `_report_kv_cache_config` prints
num_blocks // len(kv_cache_groups) x min block_size as "GPU KV cache size", as if each group had its own
share, while the groups share one pool and a state group takes one block a request
(MambaSpec.max_memory_usage_bytes, kv_cache_interface.py), so `_estimate_max_model_len_from_groups` and
`get_max_concurrency_for_kv_cache_config` count the shared blocks. Qwen3.5-27B on 0.19: "GPU KV cache
size: 290,864 tokens" beside "Maximum concurrency for 32,768 tokens per request: 33.04x", i.e. 1,082,654
tokens of requests (vllm-project/vllm#40691, fixed in 0.20.1 by #40694). `tokens_note` says so beside
the figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import vllm_dsv4, vllm_post_kv
from llmsize.estimate.engines import vllm_log_lines as log_lines
from llmsize.estimate.engines.base import Budget, ceil_div
from llmsize.estimate.engines.vllm_log_lines import later_release_lines, pool_lines, profiling_lines
from llmsize.units import GIB, MIB, format_gib

if TYPE_CHECKING:
    from llmsize.estimate.result import EngineFigures, Estimate
    from llmsize.estimate.workload import Workload

# REFERENCE: the CUDA context and the NCCL communicator exist before vLLM's initial memory snapshot
# (gpu_worker.py init_device takes it after init_worker_distributed_environment), so they are not
# in its budget: they come out of the (1 - utilization) share. pytorch/pytorch#109888: ~400 MB.
CUDA_CONTEXT_BYTES = 400 * MIB


def kv_budget(
    est: Estimate, total_bytes: int, wl: Workload, engine_context: int, batched_tokens: int
) -> Budget:
    """The budget of one GPU of `total_bytes` for `wl`; `engine_context` is the engine's own
    max_model_len (the sliding groups' blocks in the largest-context search stay at it) and
    `batched_tokens` its max_num_batched_tokens."""
    f = est.engine_figures
    requested = int(total_bytes * wl.gpu_memory_utilization)
    if f is None or f.kv_page_bytes == 0:
        need = est.total_bytes
        return Budget(usable_bytes=requested, need_bytes=need)
    non_kv = est.weights_bytes + est.activations_bytes + f.non_torch_bytes
    if vllm_post_kv.graphs_in_budget(wl.engine_version):
        non_kv += f.cuda_graph_bytes  # 0.21+: the graph estimate comes off the pool (vllm_post_kv.py)
    available = f.kv_memory_bytes if f.kv_memory_bytes is not None else requested - non_kv
    blocks = max(0, available // f.kv_page_bytes)
    tokens = blocks // f.kv_groups * f.block_tokens * f.dcp_world_size  # vllm_dcp.py
    need_blocks = max(1, f.blocks_per_request)
    concurrency = blocks / need_blocks
    if f.concurrency_tokens:  # the releases that run the model print the later formula
        tokens = int(concurrency * wl.context)
    started = (*f.lines, *profiling_lines(f, est, non_kv))
    lines = (
        *started,
        *pool_lines(available, tokens, concurrency, wl.context),
        *later_release_lines(f, tokens, concurrency, wl.context),
    )
    kv_need = wl.batch * need_blocks * f.kv_page_bytes
    need = non_kv + kv_need if f.kv_memory_bytes is None else non_kv + f.kv_memory_bytes
    usable = requested if f.kv_memory_bytes is None else total_bytes - CUDA_CONTEXT_BYTES
    reason = None
    largest = largest_context(blocks, f, engine_context, batched_tokens)
    if f.kv_memory_bytes is None and est.weights_bytes > total_bytes:
        # Loading fails before any profiling: the weights alone are more than the card holds, so
        # --gpu-memory-utilization cannot help; only sharding or a smaller format can.
        reason = (
            f"the weights alone ({format_gib(est.weights_bytes)} a GPU) are more than the card's "
            f"{format_gib(total_bytes)}: vLLM would run out of memory loading them; shard them over "
            "more GPUs (--num-gpus auto) or use a smaller format (--quant)"
        )
        lines = (log_lines.LOAD_OOM,)
    elif available <= 0:
        reason = (
            f"vLLM would refuse to start: no memory left for KV cache blocks ({available / GIB:.2f} GiB "
            "available); raise --gpu-memory-utilization or lower --max-num-seqs / "
            "--max-num-batched-tokens"
        )
        lines = (*started, pool_lines(available, 0, 0, wl.context)[0], log_lines.NO_BLOCKS)
    elif blocks < need_blocks:
        reason = (
            f"vLLM would refuse to start: one request of max_model_len {wl.context:,} needs "
            f"{format_gib(need_blocks * f.kv_page_bytes)} of KV cache, more than the "
            f"{format_gib(available)} available; the estimated maximum model length is {largest:,}"
        )
        short = log_lines.one_request_short(wl.context, need_blocks * f.kv_page_bytes, available, largest)
        lines = (*started, pool_lines(available, 0, 0, wl.context)[0], short)
    elif concurrency < wl.batch:
        reason = (
            f"vLLM holds {concurrency:.2f} requests of {wl.context:,} tokens at once, "
            f"fewer than --batch {wl.batch} (the rest wait in the queue)"
        )
    # A start that fails before the pool exists prints no "GPU KV cache size" and serves nothing: no token
    # figure and no concurrency, but what refused it (`check` listed "kv_cache_tokens: 37488" under
    # "vLLM would refuse to start"; issue 15, newcomer round 18). kv_cache_utils.check_enough_kv_cache_memory
    # raises before _report_kv_cache_config logs the size.
    refused = blocks < need_blocks  # the three refusals above: the weights, no blocks, one request short
    note = REFUSED_NOTE if refused else tokens_note(f, blocks, tokens, concurrency, wl.context)
    margin = None
    if reason is None and f.kv_memory_bytes is None:
        reason = vllm_post_kv.refusal(total_bytes, wl, f.cuda_graph_bytes, CUDA_CONTEXT_BYTES)
        if reason is not None:  # the graphs miss what the utilization share leaves: that is the margin
            margin = vllm_post_kv.outside_bytes(total_bytes, wl, CUDA_CONTEXT_BYTES) - f.cuda_graph_bytes
    return Budget(
        refused_headroom_bytes=margin,
        usable_bytes=usable,
        need_bytes=need,
        reason=reason,
        kv_pool_bytes=max(0, available),
        kv_tokens=None if refused else tokens,
        kv_tokens_note=note,
        kv_blocks=blocks,
        max_concurrency=None if refused else round(concurrency, 2),
        max_context=largest,
        lines=lines,
    )


REFUSED_NOTE = "vLLM stops before it allocates the KV cache; see why"


def tokens_note(f: EngineFigures, blocks: int, tokens: int, concurrency: float, context: int) -> str | None:
    """One clause on why vLLM's "GPU KV cache size" (`tokens`) is less than the requests its shared
    pool admits (`concurrency` of `context`); None where the figure is not the per-group share (one group,
    the 0.20.1+ formula). Only for a start that allocates the pool (a refused one has REFUSED_NOTE)."""
    if f.kv_groups < 2 or f.concurrency_tokens:
        return None
    held = int(concurrency * context)
    if held <= tokens:
        return None
    dcp = f" x {f.dcp_world_size} DCP ranks" if f.dcp_world_size > 1 else ""
    share = (f"vLLM's figure: {blocks:,} blocks // {f.kv_groups} KV cache groups x {f.block_tokens:,}"
             f"{dcp}; the groups share the blocks")
    return f"{share}, so {concurrency:.2f} requests of {context:,} tokens fit, {held:,} in all"


def largest_context(blocks: int, f: EngineFigures, context: int, batched_tokens: int) -> int:
    """Largest max_model_len one request of which fits `blocks`: the full-attention groups grow
    with it, the sliding groups' blocks stay as they are at the asked `context`."""
    if f.window_groups:
        return largest_windowed_context(blocks, f, batched_tokens)
    full = f.full_groups
    if full == 0:
        return context if blocks >= f.blocks_per_request else 0
    full_block = f.full_block_tokens or f.block_tokens
    sliding = f.blocks_per_request - full * ceil_div(context, full_block)
    return max(0, (blocks - sliding) // full * full_block)


def largest_windowed_context(blocks: int, f: EngineFigures, batched_tokens: int) -> int:
    """vLLM's `estimate_max_model_len`: the largest max_model_len whose request fits `blocks`,
    by binary search (a window group's blocks shrink with a context under window + a step)."""
    t = batched_tokens
    groups = [vllm_dsv4.Group(f.full_block_tokens or f.block_tokens, None)] * f.full_groups
    groups += [vllm_dsv4.Group(b, w) for b, w in f.window_groups]

    def need(context: int) -> int:
        return sum(g.blocks(context, t) for g in groups)

    if need(1) > blocks:
        return 0
    lo, hi = 1, 1 << 26
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if need(mid) <= blocks else (lo, mid - 1)
    return lo
