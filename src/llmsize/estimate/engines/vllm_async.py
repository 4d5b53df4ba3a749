"""vLLM's async scheduling, on by default from 0.14.0: the host's step runs beside the GPU's.

A V1 decode step has a fixed host part: the scheduler, building the step's inputs, reading the sampled
tokens back and turning them into outputs (vllm/v1/engine/core.py `EngineCore.step`). With synchronous
scheduling that part sits between two GPU steps, so a step costs host + GPU (`step_fixed_s` + the graph's
replay: the V1 profile's step, fitted on vLLM 0.10 rows).

vLLM 0.14.0 turned async scheduling on by default (release notes: "Async scheduling is now enabled by
default", PR #27614; `vllm/config/scheduler.py` `async_scheduling: bool | None = None`, which
`VllmConfig.__post_init__` sets True unless pipeline parallelism, a non-EAGLE/MTP drafter or an executor
without support rules it out). The executor then reports `max_concurrent_batches = 2`
(`vllm/v1/executor/uniproc_executor.py`), so `EngineCore` runs `step_with_batch_queue`: it schedules step
N+1 and queues it while step N is still on the GPU, and the `AsyncScheduler`
(`vllm/v1/core/sched/async_scheduler.py`) counts the not-yet-sampled token as a placeholder; the model
runner leaves the sampled ids on the GPU for the next step's input and copies them to the host
asynchronously (`vllm/v1/worker/gpu_model_runner.py` `AsyncGPUModelRunnerOutput`). "The primary goal is to
minimize scheduler overhead by overlapping scheduling with model execution" (PR #19970, which added the
AsyncScheduler in 0.10 behind `--async-scheduling`).

So from 0.14 a decode step costs the longer of the host part and the GPU's step, not their sum
(`EngineSpeedProfile.step_overlapped`). Nothing is fitted here: the host part is the V1 profile's
`step_fixed_s`, calibrated on synchronous 0.10 rows; releases 0.8-0.13 keep the serial step as profile
'vllm-0.13'. SGLang's overlap scheduler does the same (`--disable-overlap-schedule` off by default), but
its step constants were fitted on its own overlapped runs, so its profile keeps them as fitted.
"""

from __future__ import annotations

from llmsize.estimate.engines.speed_profile import EngineSpeedProfile

ASYNC_DEFAULT_FROM = (0, 14)  # REFERENCE: vLLM v0.14.0 release notes (Jan 2026), PR #27614.
SYNC_V1_ENGINE = "vllm-0.13"  # the V1 engine's releases before it: 0.8-0.13, synchronous scheduling
SOURCES = (
    "https://github.com/vllm-project/vllm/releases/tag/v0.14.0",
    "https://github.com/vllm-project/vllm/pull/27614",
    "https://github.com/vllm-project/vllm/pull/19970",
)


def overlapped(sync: EngineSpeedProfile, engine: str, version: str) -> EngineSpeedProfile:
    """`sync`'s profile with async scheduling: its fixed host step runs beside the GPU step."""
    return sync.model_copy(update={"engine": engine, "version": version, "step_overlapped": True,
                                   "sources": (*sync.sources, *SOURCES)})

