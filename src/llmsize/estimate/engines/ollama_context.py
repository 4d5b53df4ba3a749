"""The context Ollama allocates when NumCtx asks for more than the model was trained on.

From v0.9.3 Ollama lowers the per-sequence NumCtx to the GGUF's `<arch>.context_length` before it starts
the runner, so the KV cache, the compute graph and the layer split are sized for the trained context,
not for the one asked:

- v0.9.3 (commit 10a8e04a8, "avoid context overflow", ollama/ollama#11175), llm/server.go
  `NewLlamaServer`: `if opts.NumCtx/numParallel > int(trainCtx) && trainCtx > 0 { slog.Warn("requested
  context size too large for model", ...); opts.NumCtx = int(trainCtx) * numParallel }`, before
  `EstimateGPULayers` and the runner's `--ctx-size`;
- the llama-server runner (2026, llm/server.go `NewLlamaServer` at HEAD): the same test on the
  per-sequence NumCtx, `opts.NumCtx = int(trainCtx)`, and server/sched.go `effectiveContext` caps the
  scheduler's fit the same way.

Earlier releases passed the asked NumCtx through and llama.cpp only warned ("n_ctx_per_seq > n_ctx_train
-- possible training context overflow"), so they allocate the context asked. llmsize's --context is
the per-sequence NumCtx and --batch is OLLAMA_NUM_PARALLEL, so the cap applies to --context alone.
The JSON `workload` keeps the context asked; a warning names the one sized.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec

# REFERENCE: first tag containing commit 10a8e04a8 (`git tag --contains`): v0.9.3.
CONTEXT_CAP_RELEASE = (0, 9, 3)


def caps_context(release: tuple[int, int, int] | None) -> bool:
    """Whether the release lowers NumCtx to the trained context (None: the release modelled, which does)."""
    return release is None or release >= CONTEXT_CAP_RELEASE


def served_workload(spec: ModelSpec, wl: Workload, release: tuple[int, int, int] | None) -> Workload:
    """`wl` with the context Ollama allocates: the trained context where the asked one is longer."""
    trained = spec.max_position_embeddings
    if not caps_context(release) or trained <= 0 or wl.context <= trained:
        return wl
    update: dict[str, object] = {"context": trained}
    # a prompt longer than NumCtx is truncated to it by the runner; keep the workload self-consistent
    if wl.prompt_tokens is not None and wl.prompt_tokens > trained:
        update["prompt_tokens"] = trained
    if wl.request_context is not None and wl.request_context > trained:
        update["request_context"] = trained
    return wl.model_copy(update=update)


def cap_warning(asked: int, trained: int) -> str:
    """What the estimate says when it sized the trained context instead of the one asked."""
    return (
        f"context {asked:,} is above the model's trained context ({trained:,}): Ollama lowers NumCtx to "
        f"{trained:,} before loading and logs \"requested context size too large for model\" "
        f"(llm/server.go NewLlamaServer), so this estimate is sized for the {trained:,} it allocates"
    )
