"""What vLLM allocates after its KV pool, outside --gpu-memory-utilization, and the start that runs out there.

vLLM sizes its KV pool before it captures CUDA graphs (the graphs need the pool's addresses), so what
the capture takes comes out of memory the budget did not count. Per release (vllm-project/vllm):
- 0.8-0.19, V1 engine: `vllm/v1/worker/gpu_worker.py` `determine_available_memory` gives the pool
  requested - (weights + profile-run torch peak + non-torch increase); `compile_or_warm_up_model` then
  runs `capture_model` (unless --enforce-eager) and, last, `_dummy_run(max_num_reqs)` +
  `_dummy_sampler_run` ("Warm up sampler ... called after capture_model on purpose"). From PR #30515
  (0.14) `profile_cudagraph_memory` estimates the graphs during profiling, but only
  VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1 takes the estimate off the pool (vllm/envs.py default "0";
  0.19.0 logs "Available KV cache memory: 58.47 GiB" = 75.23 - 13.64 - 2.87 - 0.25 with the
  "Estimated CUDA graph memory: 1.30 GiB" left out, llm-d-incubation/llm-d-planner PR #205). The sampler
  warm-up repeats the profile run's sampler, whose share the budget kept (the profile's torch peak), so
  the graph pool is what must fit outside the budget: total x (1 - utilization) less what was on the GPU
  before vLLM's initial snapshot (`init_device`: the CUDA context, and at tp x pp > 1 the NCCL
  communicators `init_worker_distributed_environment` builds first).
- 0.20 and later: the estimate is on by default ("CUDA graph memory profiling is enabled (default since
  v0.21.0). The current --gpu-memory-utilization=0.8200 is equivalent to --gpu-memory-utilization=0.8048
  without CUDA graph memory profiling", gpustack/runner PR #251, vLLM 0.27.1; the 0.20.0 release prints
  it already, GRAPHS_IN_BUDGET_FROM): the pool is taken off the
  KV budget and nothing is checked outside it here. vllm-project/vllm#57475 (0.29.1rc1, 0.98 fails and
  0.97 boots on a 24 GB RTX 5090 Laptop) shows the estimate can still fall short: not modelled.
- V0 (before 0.8): the graphs were captured after the blocks as well, outside the budget
  (vllm-project/vllm#11251, 0.6.4.post1: the capture "occupies the memory total_gpu_memory*(1-
  gpu_memory_utilization)"); the V1 rule is applied.

Checked on the llm-d-planner vLLM 0.19.0 H100 logs (accuracy/results/v0.19.0/logs at d3121e0, `worker init
memory snapshot`, `Free memory on device ... CUDAGraph memory`): each of the 59 starts that came up (58
at 0.95, one at 0.9) has more room outside the budget, less the pre-snapshot memory, than its measured
graph pool (0.58 GiB to spare at least: Llama-3.3-70B w8a8 at TP 2, 2.43 GiB outside, graphs 1.85 GiB),
while the share outside is smaller than graphs + the sampler warm-up for many of them (gemma-2-9b: 2.36
GiB left after the graphs, 2.93 GiB of fp32 sampler tensors), so the warm-up is not counted outside. Two
starts that ran out in the sampler warm-up (gpt-oss-20b at TP 1 and TP 2, 0.95) had room for their graph
pools too (1.61 and 0.40 GiB): what ran them out is not in this rule (tests/golden/
test_vllm_post_kv_published.py). llmsize's own graph pool (vllm.py `cuda_graph_bytes`, 0.3-0.6 GiB on
those models) is 2-6x under the measured 0.9-1.85 GiB, so at 0.95 on an H100 the rule does not fire.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from llmsize.estimate.engines import server_releases
from llmsize.estimate.engines.nccl import device_buffers
from llmsize.units import GIB, format_gib

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload

# REFERENCE: VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS is on in the 0.20.0 release already, although the
# log line it prints says "default since v0.21.0": a published vLLM 0.20.0 start (banner "version
# 0.20.0", RedHatAI/Qwen3.6-35B-A3B-NVFP4 on a DGX Spark, 2026-05-03; the index does not name its
# repository) logs "Estimated CUDA graph memory: 0.43 GiB total" and "The current
# --gpu-memory-utilization=0.9000 is equivalent to --gpu-memory-utilization=0.8964 without CUDA graph
# memory profiling" (0.0036 x 119.7 GiB = 0.43 GiB); and Qwen3.6-27B text-only on an A100 under the
# 0.20.1 release (genn888/MASS_delivery doc/qwen36_hpc_vllm_setup.md: 262,872 tokens, 8.02x at 32,768)
# is within 5% only with the estimate off the pool (+4.4%; +15.5% without). 0.19.0 has it off (above).
GRAPHS_IN_BUDGET_FROM = (0, 20)
# REFERENCE: llm-d-planner vLLM 0.19.0 logs on H100 80GB, "worker init memory snapshot: ...
# cuda_memory=0.51GiB" for Llama-3.1-8B at TP 1 and "cuda_memory=1.53GiB" at TP 2 and TP 4 (1.43 GiB at
# PP 2): the NCCL communicators and custom all-reduce buffers set up before the snapshot, 1.02 GiB, on
# switched GPUs only (on PCIe NCCL's buffers are host memory: nccl.py).
PRE_SNAPSHOT_PARALLEL_BYTES = int(1.02 * GIB)


def graphs_in_budget(version: str | None) -> bool:
    """Whether the release takes its CUDA graph estimate off the KV budget (0.20 and later); the
    release modelled (0.19) when none is given does not."""
    found = server_releases.release(version, "vLLM", "0.6.3")
    return found is not None and found >= GRAPHS_IN_BUDGET_FROM


def pre_snapshot_bytes(wl: Workload, context_bytes: int) -> int:
    """What is on the GPU before vLLM's initial memory snapshot: the CUDA context, and NCCL when the
    ranks talk over a switched link."""
    parallel = wl.tp * wl.pp > 1 and device_buffers(wl.gpu_link)
    return context_bytes + (PRE_SNAPSHOT_PARALLEL_BYTES if parallel else 0)


def outside_bytes(total_bytes: int, wl: Workload, context_bytes: int) -> int:
    """The card's share outside --gpu-memory-utilization, less what was on it before the snapshot."""
    return total_bytes - int(total_bytes * wl.gpu_memory_utilization) - pre_snapshot_bytes(wl, context_bytes)


def largest_utilization(total_bytes: int, graph_bytes: int, before_bytes: int) -> float:
    """The largest --gpu-memory-utilization (2 decimals) that leaves the graph pool its room."""
    return math.floor((total_bytes - before_bytes - graph_bytes) / total_bytes * 100) / 100


def refusal(total_bytes: int, wl: Workload, graph_bytes: int, context_bytes: int) -> str | None:
    """The out-of-memory after the KV pool when the graph pool does not fit outside the budget; None
    when it fits, with --enforce-eager (no graphs), --kv-cache-memory (no utilization budget) or a
    release that takes the graphs off the budget."""
    if graph_bytes <= 0 or wl.kv_cache_memory is not None or graphs_in_budget(wl.engine_version):
        return None
    room = outside_bytes(total_bytes, wl, context_bytes)
    if graph_bytes <= room:
        return None
    before = pre_snapshot_bytes(wl, context_bytes)
    lower = largest_utilization(total_bytes, graph_bytes, before)
    lower_text = f"--gpu-memory-utilization {lower:.2f} or less" if lower > 0 else "a larger GPU"
    what = "the CUDA context and NCCL" if before > context_bytes else "the CUDA context"
    return (
        f"vLLM would run out of memory after allocating its KV cache: its CUDA graphs "
        f"(~{format_gib(graph_bytes)}) are captured outside the --gpu-memory-utilization "
        f"{wl.gpu_memory_utilization:g} budget, where {format_gib(max(room, 0))} is left after {what}; "
        f"use {lower_text}, a lower --max-num-seqs, or --enforce-eager"
    )
