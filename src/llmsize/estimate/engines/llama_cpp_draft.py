"""llama-server's speculative draft context (--model-draft, --spec-type draft-mtp, EAGLE-3 heads).

The drafter runs in a second llama context built from the target's parameters: its own cells for the
drafter's layers and its own compute buffer, reserved like the target's for one ubatch against all
cells (tools/server/server-context.cpp `load_model`). Each function takes the engine, whose settings
the draft context shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.engines.llama_cpp import LlamaCpp
    from llmsize.specs.models import ModelSpec


def draft_graph(eng: LlamaCpp, spec: ModelSpec) -> ModelSpec | None:
    """The model the draft context runs: the draft model itself (--model-draft), or for MTP and
    EAGLE-3 one decoder block (src/models/qwen35.cpp `graph_mtp`: eh_proj, one full-attention block
    and the shared head; the nextn block of the other MTP architectures likewise)."""
    from llmsize.estimate import speculative
    from llmsize.specs.params import mtp_block_spec

    d = speculative.drafter(spec, eng.wl)
    if d is None:
        return None
    return d.layer_spec if d.method == "draft" else mtp_block_spec(spec)


def draft_compute_bytes(eng: LlamaCpp, spec: ModelSpec) -> int:
    """The draft context's compute buffer, reserved like the target's for one ubatch against all cells.

    REFERENCE: tools/server/server-context.cpp `load_model` builds the draft / MTP context from the
    target's parameters (`common_context_params_to_llama(params_base)`: the same n_ctx, n_batch and
    n_ubatch) with `n_outputs_max = n_parallel`; src/llama-context.cpp `sched_reserve` reserves the
    prompt graph for n_ubatch tokens with `min(n_tokens, n_outputs_max)` outputs
    (ggml-org/llama.cpp#23988: "Draft context always has n_parallel outputs"). So the drafter's
    logits are a few rows and its feed-forward decides the buffer.
    """
    graph = eng.draft_graph(spec)
    if graph is None:
        return 0
    return eng.buffers(graph, True, outputs=eng.wl.batch, offload=False)[0]  # its blocks: all on the GPU


def draft_kv_bytes(eng: LlamaCpp, spec: ModelSpec, kv_dtype: str) -> int:
    """The draft context's own cells (the drafter's layers for n_ctx cells, speculative.kv_terms)."""
    from llmsize.estimate import speculative
    from llmsize.estimate.kv_cache import kv_bytes

    d = speculative.drafter(spec, eng.wl)
    if d is None:
        return 0
    wl = eng.wl
    return int(kv_bytes(speculative.kv_terms(d, wl, kv_dtype), eng, wl.context, wl.context, wl.batch))


def draft_context_bytes(eng: LlamaCpp, spec: ModelSpec, kv_dtype: str) -> int:
    """What llama-server logs as "[spec] estimated memory usage of MTP context / draft model": the
    context's KV and compute buffer (`common_get_device_memory_data`: mb.context + mb.compute), plus
    the draft model's weights when it is a separate model (measure_model_bytes)."""
    from llmsize.estimate import speculative

    d = speculative.drafter(spec, eng.wl)
    if d is None:
        return 0
    kv = eng.draft_kv_bytes(spec, kv_dtype)
    weights = 0
    if d.method == "draft":
        from llmsize.estimate.weights import model_weight_bytes

        weights = model_weight_bytes(d.layer_spec, d.layer_spec.weight_format)
    return kv + eng.draft_compute_bytes(spec) + weights
