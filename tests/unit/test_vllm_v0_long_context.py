"""estimate/engines/vllm_v0_long_context.py: vLLM 0.5.3-0.7 turn chunked prefill on by themselves for a
server of more than 32,768 tokens and then prefill 512 tokens a step (vllm/engine/arg_utils.py
EngineArgs.create_engine_config use_long_context; vllm/config.py SchedulerConfig max_num_batched_tokens)."""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.engines.vllm_v0_long_context import v0_chunks_long_prompts
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.prefill_time import prefill_seconds
from llmsize.hardware.speed import resolve_constants
from llmsize.specs.resolve import resolve


def _workload(version: str | None, context: int) -> Workload:
    data: dict[str, object] = {"engine": "vllm", "context": context, "prompt_tokens": context - 2048}
    if version is not None:
        data["engine_version"] = version
    return Workload.model_validate(data)


def _chunk(model: str, version: str | None, context: int) -> int | None:
    return engine_for(_workload(version, context)).prefill_chunk(resolve(model))


def test_releases_with_the_rule() -> None:
    # 0.5.3 (and its post1) first carry use_long_context; 0.5.0-0.5.2 do not; 0.8 is the V1 engine.
    assert not v0_chunks_long_prompts("0.5.2")
    assert v0_chunks_long_prompts("0.5.3")
    assert v0_chunks_long_prompts("0.5.3.post1")
    assert v0_chunks_long_prompts("0.6.3.post1")
    assert v0_chunks_long_prompts("0.7.3")
    assert not v0_chunks_long_prompts("0.8.0")
    assert not v0_chunks_long_prompts("0.4.2")
    assert not v0_chunks_long_prompts(None)


def test_a_long_context_v0_server_prefills_512_tokens_a_step() -> None:
    # Qwen2.5 speed benchmark 'Setting-64k': max_model_len 65536 on vLLM 0.6.3.
    assert _chunk("Qwen2.5-7B-Instruct", "0.6.3", 65536) == 512
    # max_model_len 32768 is not '> 32768': the whole prompt in one forward, the profile's chunk stands.
    assert _chunk("Qwen2.5-7B-Instruct", "0.6.3", 32768) is None
    # No release asked (the V1 engine) or a V1 release: its own budget, not this rule.
    assert _chunk("Qwen2.5-7B-Instruct", None, 65536) is None
    assert _chunk("Qwen2.5-7B-Instruct", "0.8.5", 65536) is None


def test_sliding_window_and_multimodal_models_keep_whole_prompts() -> None:
    # arg_utils.py leaves chunked prefill off for a sliding-window or multimodal model.
    assert _chunk("Mistral-7B-Instruct-v0.1", "0.6.3", 65536) is None
    assert _chunk("Llama-3.2-90B-Vision-Instruct", "0.6.3", 65536) is None


def test_the_chunks_reach_the_prefill_time() -> None:
    spec, gpu = resolve("Qwen2.5-72B-Instruct-GPTQ-Int4"), get_gpu("A100-SXM-80GB")

    def seconds(version: str) -> tuple[int | None, float]:
        wl = _workload(version, 65536).model_copy(update={"num_gpus": 2, "tp": 2})
        inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=2), engine="vllm-0.6")
        return inputs.prefill_chunk_tokens, prefill_seconds(inputs, gpu, resolve_constants(inputs, gpu),
                                                            63488)[0]

    chunked, whole = seconds("0.6.3"), seconds("0.5.2")
    assert chunked[0] == 512 and whole[0] is None
    # 124 forward passes, each reading the weights again and paying the step's fixed cost.
    assert chunked[1] > whole[1]
