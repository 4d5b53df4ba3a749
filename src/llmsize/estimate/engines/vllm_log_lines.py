"""The start-up lines vLLM logs about its memory, worded and rounded as vLLM prints them.

They let a user hold the estimate against a real server log line by line (tests/golden/engine_logs.yaml).
Used by vllm.py `Vllm.figures` and vllm_budget.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.units import GIB

if TYPE_CHECKING:
    from llmsize.estimate.result import EngineFigures, Estimate


def model_loading_line(device_bytes: int) -> str:
    """vllm/v1/worker/gpu_model_runner.py `load_model`: "Model loading took X GiB memory" (4 decimals)."""
    return f"Model loading took {device_bytes / GIB:.4f} GiB memory"


def profiling_lines(f: EngineFigures, est: Estimate, non_kv: int) -> tuple[str, ...]:
    """The memory profile's summary; none when --kv-cache-memory skips the profile's budget."""
    # REFERENCE: vllm/utils/mem_utils.py MemoryProfilingResult.__repr__ (format_gib: 2 decimals)
    if f.kv_memory_bytes is not None:
        return ()
    return (
        f"Memory profiling: Total non KV cache memory: {gib(non_kv)}GiB; torch peak memory "
        f"increase: {gib(est.activations_bytes)}GiB; non-torch forward increase memory: "
        f"{gib(f.non_torch_bytes)}GiB; weights memory: {gib(est.weights_bytes)}GiB.",
    )


def pool_lines(available: int, tokens: int, concurrency: float, context: int) -> tuple[str, ...]:
    """vllm/v1/worker/gpu_worker.py "Available KV cache memory" and vllm/v1/core/kv_cache_utils.py
    `_report_kv_cache_config`: the pool's tokens and the requests of max_model_len it holds at once."""
    return (
        f"Available KV cache memory: {available / GIB:.2f} GiB",
        f"GPU KV cache size: {tokens:,} tokens",
        f"Maximum concurrency for {context:,} tokens per request: {concurrency:.2f}x",
    )


def later_release_lines(f: EngineFigures, tokens: int, concurrency: float, context: int) -> tuple[str, ...]:
    """What vLLM >= 0.20.1 prints as the pool's size, when it differs from the modelled release's line."""
    # REFERENCE: vllm/v1/core/kv_cache_utils.py `_report_kv_cache_config` after 0.20
    # (vllm-project/vllm#40694): "GPU KV cache size" became int(max_concurrency x max_model_len),
    # which differs from num_blocks // groups x block_size only for hybrid models (vllm#43308:
    # ~55k -> ~525k tokens for Gemma 4 31B). The concurrency line is computed alike in both.
    later = int(concurrency * context)
    if not f.concurrency_tokens and abs(later - tokens) > 0.01 * max(tokens, 1):
        return (f"(vLLM >= 0.20.1 prints: GPU KV cache size: {later:,} tokens)",)
    return ()


def gib(size: int) -> str:
    """vLLM's `format_gib`: GiB rounded to 2 decimals, printed as Python prints the float."""
    return f"{round(size / GIB, 2)}"


# What vLLM prints when it refuses to start: the lines up to the error it raises, not a pool of 0 tokens
# and a 0.00x concurrency it never logs (issue 15, newcomer round 10). REFERENCE: vllm/v1/core/
# kv_cache_utils.py `_check_enough_kv_cache_memory` raises before `_report_kv_cache_config` logs the
# pool; gpu_worker.py logs "Available KV cache memory" first, negative too (a published log: "Available KV
# cache memory: -0.3 GiB / ValueError: No available memory for the cache blocks", vLLM on 4x Arc B70).
NO_BLOCKS = ("ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` "
             "when initializing the engine.")
LOAD_OOM = "torch.OutOfMemoryError: CUDA out of memory (loading the weights; no 'Model loading took' line)"


def one_request_short(context: int, needed: int, available: int, largest: int) -> str:
    """The ValueError when one request of max_model_len needs more KV cache than the pool holds."""
    estimated = (f" Based on the available memory, the estimated maximum model length is {largest}."
                 if largest > 0 else "")
    return (f"ValueError: To serve at least one request with the model's max seq len ({context}), "
            f"({gib(needed)} GiB KV cache is needed, which is larger than the available KV cache memory "
            f"({gib(available)} GiB).{estimated}")
