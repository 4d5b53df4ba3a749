"""The context an engine picks by itself on a GPU, for every command that plans on one GPU kind.

Ollama sizes NumCtx by total VRAM (estimate/engines/ollama.py `default_context`); `estimate --gpu`
and `check` used it while `fit` and `compare` kept 4,096 for the same model and GPU, so the three
commands gave different memory and speed for one question (issue 15). One rule here: without
--context, a workload planned on one GPU kind takes the engine's own default for that GPU.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.hardware.gpus import GpuSpec
    from llmsize.specs.models import ModelSpec


def engine_default_context(spec: ModelSpec, workload: Workload, gpu: GpuSpec, count: int | None) -> Workload:
    """`workload` with the context its engine would choose on `count` (default: the workload's) `gpu`s."""
    from llmsize.estimate.engines.registry import engine_for
    from llmsize.hardware.gpus import driver_reported_bytes

    context = engine_for(workload).default_context(
        driver_reported_bytes(gpu) * int(count or workload.num_gpus or 1), spec
    )
    return _with_engine_context(workload, context)


def _with_engine_context(workload: Workload, context: int | None) -> Workload:
    """`workload` sized at the engine's own `context` (None: the workload's stands)."""
    from llmsize.estimate.workload import Workload

    if context is None or context == workload.context:
        return workload
    # The engine's context is the window it allocates (Ollama: llama-server -c NumCtx), not the prompt a
    # user sends: the prompt stays what it was, --prompt-tokens or the default context. Prompt = window
    # made the time to first token of qwen3:8b on an RTX-4090 9.6 s (a 32,768-token prefill), not 0.5 s.
    prompt = min(workload.prompt_tokens or workload.context, context)
    # Likewise decode: llama.cpp attends over the cells in use (llama_kv_cache::get_n_kv: the used cells
    # padded to 256), not the whole window, so a request of the asked context decodes at its own length
    # (qwen3:8b on an RTX-4090 was quoted at 81 tokens/s, its speed with 32,768 tokens cached, not ~135).
    request = workload.context if context > workload.context else None
    return Workload.model_validate({**workload.model_dump(), "context": context, "prompt_tokens": prompt,
                                    "request_context": request})


def engine_default_context_off_gpu(spec: ModelSpec, workload: Workload) -> Workload:
    """`workload` with the context its engine would choose where no one GPU kind is planned (no --gpu, or
    several kinds): vLLM's and SGLang's derived length does not depend on the card, so `estimate falcon-7b
    --engine vllm` sized 4,096 tokens and warned that vLLM refuses them, while `--gpu L4` sized the 2,048
    vLLM starts with (issue 15, newcomer round 16). Ollama's NumCtx follows VRAM: with none given it keeps
    the tier of no VRAM (4,096, at most the model's), as before."""
    from llmsize.estimate.engines.registry import engine_for

    return _with_engine_context(workload, engine_for(workload).default_context(0, spec))


def context_given(ctx: object) -> bool:
    """Whether the command line gave --context (typer's Context, or the fast path's stand-in)."""
    source = ctx.get_parameter_source("context")  # type: ignore[attr-defined]
    return getattr(source, "name", "") != "DEFAULT"
