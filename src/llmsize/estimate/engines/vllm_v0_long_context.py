"""vLLM 0.5.3-0.7 (the V0 engine) prefill a long-context server's prompts in 512-token chunks.

Rule. `EngineArgs.create_engine_config` (vllm/engine/arg_utils.py, read in the 0.5.3, 0.5.4 and 0.6.3
sdists; absent from 0.5.0-0.5.2) sets `use_long_context = max_model_len > 32768` and, when
`--enable-chunked-prefill` is left unset, turns chunked prefill on for such a server on a CUDA GPU
unless the model is multimodal, uses a sliding window, or runs a speculative drafter, LoRA or prompt
adapters ("Chunked prefill is enabled by default for models with max_model_len > 32K ... to avoid OOM
errors in the initial memory profiling phase"). `SchedulerConfig.__init__` (vllm/config.py) then sets
`max_num_batched_tokens = 512` when none is given ("the values that have the best balance between ITL
and TTFT on A100"), so a prompt runs as ceil(tokens / 512) scheduler steps, each an eager V0 forward of
512 tokens that reads the weights again. Without it the V0 budget is max(max_model_len, 2048): the
whole prompt in one forward. From 0.8 the V1 engine schedules every prompt in chunks of its own budget
(the speed profile's), so the rule stops there.

Effect. The prompt's forward passes are counted at 512 tokens (hardware/prefill_time.py multiplies the
per-chunk weight read and step cost by the chunk count). --max-num-batched-tokens is not read here: the
workload carries V1's default budget (vllm.py gpu_defaults), which a V0 server does not use. Nothing is
fitted. Check (bench/speed_validation.py, Qwen2.5 speed benchmark of
QwenLM/Qwen2.5 docs/source/benchmark/speed_benchmark.rst, 'Setting-64k' = max_model_len 65536 and the
131,072-token rows): the 63,488 / 129,024-token rows of 7B-72B move about one point slower.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines.server_releases import V1_FROM, release, release_order

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: vllm/engine/arg_utils.py EngineArgs.create_engine_config (0.5.3 on): use_long_context.
LONG_CONTEXT_TOKENS = 32768
# REFERENCE: vllm/config.py SchedulerConfig.__init__: max_num_batched_tokens = 512 with chunked prefill.
CHUNK_TOKENS = 512
# REFERENCE: the rule is in the 0.5.3 and 0.5.3.post1 sdists' arg_utils.py, not in 0.5.0-0.5.2.
FIRST_RELEASE = (0, 5, 3)


def multimodal(spec: ModelSpec) -> bool:
    """vLLM's `model_config.is_multimodal_model`: a checkpoint with a vision tower or one of vLLM's
    `...ForConditionalGeneration` multimodal classes (LLaVA, Qwen2-VL, Mllama)."""
    architecture = spec.architecture or ""
    return spec.vision is not None or architecture.endswith("ForConditionalGeneration")


def v0_chunks_long_prompts(version: str | None) -> bool:
    """Whether vLLM `version` is a V0-default release with the long-context rule (0.5.3 up to 0.8)."""
    if release(version, "vLLM", "0.6.3") is None or version is None:
        return False
    order = release_order(version)
    return order[:3] >= FIRST_RELEASE and order[:2] < V1_FROM


def prefill_chunk(version: str | None, context: int, spec: ModelSpec | None, speculative: bool) -> int | None:
    """512 where V0 release `version` turns chunked prefill on by itself for a `context`-token
    server; None (the speed profile's chunk) otherwise."""
    if not v0_chunks_long_prompts(version):
        return None
    if context <= LONG_CONTEXT_TOKENS or speculative:
        return None
    if spec is not None and (spec.sliding_window or multimodal(spec)):
        return None
    return CHUNK_TOKENS
