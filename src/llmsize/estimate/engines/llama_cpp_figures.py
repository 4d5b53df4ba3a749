"""What llama.cpp reports at start: its buffers and cells as EngineFigures, and the log lines it prints.

The lines follow llama.cpp's own logging: `llama_kv_cache` (src/llama-kv-cache.cpp) and
`llama_kv_cache_iswa` (src/llama-kv-cache-iswa.cpp) print their cells and sizes,
`llama_memory_recurrent` its state cells, ggml-backend each buffer ("CUDA0 compute buffer size"),
tools/mtmd clip.cpp the mmproj ("load_hparams: model size") and llama-server the draft context
("[spec] estimated memory usage"). Each function takes the engine, whose buffer rules it reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmsize.estimate.engines import llama_cpp_dsv4
from llmsize.estimate.engines.llama_cpp_layer_facts import LayerFacts, layer_facts
from llmsize.units import MIB

if TYPE_CHECKING:
    from llmsize.estimate.engines.base import WeightPlacement
    from llmsize.estimate.engines.llama_cpp import LlamaCpp
    from llmsize.estimate.phases import Peak
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import EngineFigures
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec


# DeepSeek V4 (arch deepseek4) needs a build with src/llama-kv-cache-dsv4.cpp (ggml-org/llama.cpp#24162).
DSV4_RELEASE = "builds with llama-kv-cache-dsv4.cpp (PR #24162, June 2026)"


def figures(
    eng: LlamaCpp, spec: ModelSpec, wl: Workload, weights: WeightPlacement, peak: Peak, rs: Resolved
) -> EngineFigures:
    """The buffers, cells and weights llama.cpp holds for this run, split device / host, and the log
    lines it prints for them (the target's cells are peak.kv_cache less the recurrent state and the
    draft context's cells)."""
    from llmsize.estimate.result import EngineFigures

    head = rs.stages[-1].head
    _, host, out = eng.buffers(spec, head)
    device = eng.device_buffer(spec, rs.stages, draft_context=False)
    draft_compute = eng.draft_compute_bytes(spec)
    draft_context = eng.draft_context_bytes(spec, rs.kv_dtype)
    cells = eng.n_ctx()
    kv_dtype = rs.kv_dtype
    facts = layer_facts(spec, rs.stages)  # the blocks' kinds, once per placement (issue 15)
    state_layers = facts.state_layers
    # one sequence's R and S, f32, times the copies the engine reserves (Ollama's Go engine: checkpoints)
    state_slot = state_layers * eng.state_bytes(spec, 4, 1) * eng.state_copies(spec)
    state = wl.batch * state_slot
    # peak.kv_cache is the busiest GPU's; llama.cpp prints one llama_kv_cache line for every device's
    # cells (llama_kv_cache ctor: the size summed over its layers' buffers), so a layer split sums stages.
    kv_cells, total_cells = _attention_cells(eng, spec, wl, rs, peak.kv_cache, facts)  # busiest GPU's, all
    kv_mib = total_cells / MIB
    recurrent = (
        (
            f"llama_memory_recurrent: size = {state / MIB:7.2f} MiB ({wl.batch:6d} cells, "
            f"{state_layers:3d} layers, {wl.batch:2d} seqs), R (f32) and S (f32)",
        )
        if state
        else ()
    )
    # llama-kv-cache.cpp counts the layers it allocates: attention layers below
    # n_layer_kv_from_start (Gemma 3n / Gemma 4's KV-shared layers have none, spec.has_kv)
    kv_layers = facts.kv_layers
    kv_lines: tuple[str, ...] = (
        f"llama_kv_cache: size = {kv_mib:8.2f} MiB ({cells:6d} cells, {kv_layers:3d} "
        f"layers, {wl.batch}/{wl.batch} seqs), K ({_ggml(kv_dtype)}) and V ({_ggml(kv_dtype)})",
    )
    kv_lines = iswa_lines(eng, spec, wl, kv_dtype, facts, total_cells) or kv_lines
    if spec.compressed is not None:
        kv_lines = llama_cpp_dsv4.lines(
            spec, facts.on_gpu, eng.kv_element_bytes(kv_dtype), _ggml(kv_dtype),
            cells // wl.batch, wl.batch, eng.ubatch(),
        )
    # clip.cpp loads the mmproj into its own GPU buffer, not the text model's (tools/mtmd)
    mmproj = min(weights.device_bytes, eng.mmproj_bytes(spec, wl, rs.weights.format))
    mmproj_lines = (f"load_hparams: model size: {mmproj / MIB:.2f} MiB",) if mmproj else ()
    draft_lines: tuple[str, ...] = ()
    if draft_context:
        what = "draft model" if str(wl.speculative).startswith("draft") else "MTP context"
        draft_lines = (f"[spec] estimated memory usage of {what} is {draft_context / MIB:.2f} MiB",)
    gpu_buffer, host_buffer = buffer_names(str(wl.backend))
    lines = (
        *draft_lines,
        *kv_lines,
        *recurrent,
        f"{gpu_buffer} compute buffer size = {device / MIB:8.2f} MiB",
        f"{host_buffer} compute buffer size = {host / MIB:8.2f} MiB",
        f"CPU output buffer size = {out / MIB:8.2f} MiB",
        *mmproj_lines,
        f"{gpu_buffer} model buffer size = {(weights.device_bytes - mmproj) / MIB:8.2f} MiB",
        f"CPU_Mapped model buffer size = {weights.host_bytes / MIB:8.2f} MiB",
    )
    host_kv = eng.host_kv_bytes(spec, wl, rs)
    return EngineFigures(
        engine=str(eng.engine),
        version=eng.version if spec.compressed is None else f"{eng.version}; V4: {DSV4_RELEASE}",
        device_weights_bytes=weights.device_bytes,
        host_bytes=weights.host_bytes + host + out + host_kv,
        host_weights_bytes=weights.host_bytes,
        duplicated_weights_bytes=weights.duplicated_bytes,
        host_kv_bytes=host_kv,
        host_buffer_bytes=host + out,
        compute_buffer_bytes=device,
        output_buffer_bytes=out,
        draft_compute_bytes=draft_compute,
        draft_context_bytes=draft_context,
        kv_page_bytes=0,
        block_tokens=1,
        state_slot_bytes=state_slot,
        state_slots_per_request=1,
        kv_cells_bytes=kv_cells,
        swa_cells=swa_cells(eng, spec, wl, facts),
        mmproj_bytes=mmproj,
        lines=lines,
    )


def iswa_lines(
    eng: LlamaCpp, spec: ModelSpec, wl: Workload, kv_dtype: str, facts: LayerFacts, kv_cells: int
) -> tuple[str, ...]:
    """The two caches of a model mixing full and sliding-window layers, as llama.cpp prints them:
    src/llama-kv-cache-iswa.cpp `llama_kv_cache_iswa` builds a non-SWA cache of n_ctx cells for
    the full-attention layers and a SWA cache of min(n_ctx, GGML_PAD(n_swa x n_seq_max + n_ubatch,
    256)) cells for the others, and each `llama_kv_cache` logs its own size line (ggml-org/
    llama.cpp#21730: "size = 2048.00 MiB (131072 cells, 4 layers, 1/1 seqs)" for Gemma 4 E4B's full
    layers). Empty when the model has one kind only."""
    from llmsize.estimate.kv_cache import kv_cache_bytes

    full, swa = facts.full, facts.swa  # on the GPUs, caching K/V: over the whole context, in a window
    if not full or not swa or spec.compressed is not None:  # one kind only
        return ()
    full_bytes = int(kv_cache_bytes(spec, wl, kv_dtype, list(full)))
    n_swa = swa_cells(eng, spec, wl, facts)
    t = _ggml(kv_dtype)
    seqs = f"{wl.batch}/{wl.batch} seqs"
    return (
        f"llama_kv_cache_iswa: creating non-SWA KV cache, size = {eng.n_ctx()} cells",
        f"llama_kv_cache: size = {full_bytes / MIB:8.2f} MiB ({eng.n_ctx():6d} cells, {len(full):3d} "
        f"layers, {seqs}), K ({t}) and V ({t})",
        f"llama_kv_cache_iswa: creating     SWA KV cache, size = {n_swa} cells",
        f"llama_kv_cache: size = {(kv_cells - full_bytes) / MIB:8.2f} MiB ({n_swa:6d} cells, "
        f"{len(swa):3d} layers, {seqs}), K ({t}) and V ({t})",
    )


def swa_cells(eng: LlamaCpp, spec: ModelSpec, wl: Workload, facts: LayerFacts) -> int | None:
    """The cells llama.cpp logs in "creating     SWA KV cache, size = N cells"; None without sliding layers.

    src/llama-kv-cache-iswa.cpp `llama_kv_cache_iswa::llama_kv_cache_iswa`: size_swa =
    GGML_PAD(min(kv_size, n_swa x (unified ? n_seq_max : 1) + n_ubatch), 256), kv_size with --swa-full
    (not modelled: preflight/unmodelled.py). So the window cache follows -ub, not only the model:
    DeepSeek V4's n_swa of 128 gives 768 cells at the default n_ubatch of 512 and 4,352 at -ub 4096.
    DeepSeek V4's raw cache is that cache over all its layers with one stream per sequence
    (src/llama-kv-cache-dsv4.cpp `llama_kv_cache_dsv4::llama_kv_cache_dsv4`: unified_raw = false,
    n_ubatch passed through; llama_cpp_dsv4.raw_cells); other models take the engine's tokens_held."""
    if spec.compressed is not None:
        window = spec.sliding_window or 0
        return llama_cpp_dsv4.raw_cells(eng.n_ctx() // wl.batch, window, eng.ubatch()) if window else None
    if facts.widest_window is None:
        return None
    return int(eng.tokens_held(facts.widest_window, wl.context, 0, wl.batch))


def _ggml(kv_dtype: str) -> str:
    return {"fp16": "f16", "fp32": "f32", "bf16": "bf16"}.get(kv_dtype, kv_dtype)


def _attention_cells(
    eng: LlamaCpp, spec: ModelSpec, wl: Workload, rs: Resolved, busiest_kv: int, facts: LayerFacts
) -> tuple[int, int]:
    """(the busiest GPU's attention cells, every stage's together): a cache less its recurrent state and
    the draft context's cells.

    One stage: itself and busiest_kv less its state and draft cells. With a layer split each stage's
    cache is laid out again (estimate/kv_cache.py) and the busiest is the one whose bytes are peak.kv_cache
    (core.plan picks the stage by its static bytes, which the cache is part of)."""
    state_layer = eng.state_bytes(spec, 4, 1) * eng.state_copies(spec)
    states = dict(zip(rs.stages, facts.stage_states, strict=True))  # blocks with a state, per stage

    def cells(stage: Any, kv: int) -> int:
        state = wl.batch * states[stage] * state_layer
        return kv - state - (eng.draft_kv_bytes(spec, rs.kv_dtype) if stage.head else 0)

    if len(rs.stages) == 1:
        only = cells(rs.stages[0], busiest_kv)
        return only, only
    from llmsize.estimate import kv_cache, speculative

    per_stage = []
    for stage in rs.stages:
        terms = kv_cache.kv_terms(spec, wl, rs.kv_dtype, stage.layers, rs.compute)
        drafter = speculative.drafter(spec, wl) if stage.head else None
        if drafter is not None:
            terms = (*terms, *speculative.kv_terms(drafter, wl, rs.kv_dtype))
        per_stage.append((stage, int(kv_cache.kv_bytes(terms, eng, wl.context, wl.prefill_tokens, wl.batch))))
    busy = next((st for st, kv in per_stage if kv == busiest_kv), max(per_stage, key=lambda p: p[1])[0])
    return cells(busy, busiest_kv), sum(cells(st, kv) for st, kv in per_stage)


def buffer_names(backend: str) -> tuple[str, str]:
    """The device and pinned-host buffer names ggml-backend prints for the backend a run uses: ggml-vulkan's
    buffer types are "Vulkan0" / "Vulkan_Host" (ggml-vulkan.cpp ggml_backend_vk_buffer_type,
    ggml_backend_vk_host_buffer_type; the published logs in tests/golden/engine_logs.yaml show "Vulkan0"),
    ggml-sycl's "SYCL0" / "SYCL_Host" (ggml-sycl.cpp, GGML_SYCL_NAME); else ggml-cuda's (a ROCm build
    prints "ROCm0", whose bytes are the same)."""
    if backend == "vulkan":
        return "Vulkan0", "Vulkan_Host"
    if backend == "sycl":
        return "SYCL0", "SYCL_Host"
    return "CUDA0", "CUDA_Host"
