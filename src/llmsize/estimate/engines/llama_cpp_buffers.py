"""The buffers llama.cpp reserves at start for its worst-case graph: compute (device and host) and output.

REFERENCE: src/llama-context.cpp `llama_context::graph_reserve` + ggml/src/ggml-alloc.c
`ggml_gallocr_reserve`: the worst-case graph is one ubatch of min(n_ctx, n_ubatch) tokens against all
n_ctx cells with min(n_tokens, n_outputs_max) outputs (`logit_rows`); the allocator reuses the memory
of tensors past their last use, so the buffer is the largest live set of one stage: attention (the KQ
mask, and without flash attention the f32 K*Q scores), the feed-forward, or the output layer (f32
logits). `llama_context::output_reserve(n_seq_max)`: n_vocab x n_seq_max f32 logits in host memory.
With several GPUs and the output layer offloaded, the scheduler keeps SCHED_COPIES copies of every
graph input (`pipeline_copies_bytes`). Each function takes the engine, whose settings (n_ctx, ubatch,
flash attention, build, cells held) Ollama overrides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import llama_cpp_op_offload
from llmsize.estimate.engines.base import pad

if TYPE_CHECKING:
    from llmsize.estimate.engines.llama_cpp import LlamaCpp
    from llmsize.estimate.placement import Stage
    from llmsize.specs.models import ModelSpec

MASK_PAD = 64  # REFERENCE: ggml.h GGML_KQ_MASK_PAD 64: the mask's token rows are padded to 64
# REFERENCE: ggml-org/llama.cpp#23764 ("llama: use f16 mask for FA to save VRAM", merged 2026-05-27):
# before it, src/llama-graph.cpp `build_attn_inp_kv` reserved the KQ mask in f32 and cast it to f16 for
# flash attention (`self_kq_mask_cnv = cparams.flash_attn ? ggml_cast(..., F16) : ...`), both in the
# compute buffer. b9452 (Ollama v0.30.0's pin) is the first build known here to have it (its
# gpt-oss-120b buffer is the logits alone, ollama/ollama#16416); b8571 still reserved both.
F16_MASK_BUILD = 9452
# REFERENCE: ggml-org/llama.cpp#23861 / #23988 (first in b9464): llama-server reserves n_parallel rows
# of logits; older builds a row for every ubatch token (LlamaCpp.logit_rows).
OUTPUT_CAP_BUILD = 9464
F32 = 4
# REFERENCE: ggml/src/ggml-backend.cpp GGML_SCHED_MAX_COPIES 4: the graph copies of pipeline parallelism.
SCHED_COPIES = 4
# REFERENCE: ggml/src/ggml-cuda/ggml-cuda.cu `ggml_backend_cuda_device_supports_op` (CUDA and HIP share
# it) lists no GGML_UNARY_OP_XIELU in b6700-b7108 although `ggml_cuda_compute_forward` runs it (read in
# ollama/ollama's vendored copies: 544b6739d = b6840, 0cf7794b1 = b7108; listed from ec98e2002, Dec
# 2025): the scheduler puts Apertus' xIELU on the CPU, a GPU -> CPU -> GPU round trip in every block.
CPU_ONLY_ACTIVATIONS = frozenset({"xielu"})


def logit_rows(eng: LlamaCpp, spec: ModelSpec) -> int | None:
    """The rows of logits llama-server reserves its prompt graph for; None: every ubatch token.

    REFERENCE: ggml-org/llama.cpp#23861 ("llama: limit max outputs of llama_context") and #23988
    (both merged 2026-06-01, first in b9464). tools/server/server-context.cpp `load_model` sets
    n_outputs_max from `server_output_limits`: common/speculative.cpp
    `common_speculative_get_output_limits(n_batch, n_parallel, common_speculative_n_max)`, i.e.
    min(n_batch, n_parallel x (1 + draft tokens)), the draft tokens 0 without speculation; and
    src/llama-context.cpp `sched_reserve` reserves the prompt graph with min(n_tokens,
    n_outputs_max) outputs. A context whose caller leaves n_outputs_max at 0 gets n_batch
    (`llama_context::llama_context`), so every token keeps its row: the C API default
    (llama-bench, llama-perplexity, llama-cpp-python) and every llama-server before b9464.
    `--logits all` asks for that.
    """
    build = eng.build()
    if eng.wl.logits == "all" or (build is not None and build < OUTPUT_CAP_BUILD):
        return None
    from llmsize.estimate import speculative

    d = speculative.drafter(spec, eng.wl)
    return eng.wl.batch * (1 + (d.tokens if d is not None else 0))


def buffers(
    eng: LlamaCpp,
    spec: ModelSpec,
    head_on_device: bool,
    pipeline: bool = False,
    outputs: int | None = None,
    offload: bool = True,
) -> tuple[int, int, int]:
    """(device compute buffer, host compute buffer, output buffer) in bytes; with `pipeline` the
    masks are left out of the live stages (they are held in `pipeline_copies_bytes`); `outputs`:
    the rows of logits the graph is reserved for (default: `logit_rows`); `offload`: this GPU is the
    one the scheduler offloads host weights' ops to (the first, llama_cpp_op_offload.py)."""
    n_ctx = eng.n_ctx()
    n_ub = min(n_ctx, eng.ubatch())
    rows = eng.logit_rows(spec) if outputs is None else outputs
    n_out = n_ub if rows is None else min(n_ub, rows)
    fa = eng.flash_attention()
    h, hd = spec.hidden_size, spec.head_dim
    heads = spec.num_attention_heads
    q_width = heads * (spec.qk_nope_head_dim + spec.qk_rope_head_dim if spec.is_mla else hd)
    windows = kv_windows(spec)
    masks = eng.mask_bytes(spec)
    n_kv_max = (
        n_ctx
        if None in windows
        else max(int(eng.tokens_held(w, eng.wl.context, 0, eng.wl.batch)) for w in windows)
    ) // eng.kv_streams()
    scores = 0 if fa else n_kv_max * n_ub * heads * F32
    # Attention: the residual stream, the normed input, Q and the heads' output, besides the
    # masks and (without flash attention) the scores. The new K and V are copied into the
    # cache (llama-kv-cache.cpp cpy_k/cpy_v) and die there; the scores read the cache views.
    live_masks = 0 if pipeline else masks
    attn = live_masks + F32 * n_ub * (2 * h + q_width + heads * (spec.v_head_dim or hd)) + scores
    ffn = 0
    if spec.num_layers > spec.num_moe_layers:
        # A gated FFN's up and gate results and their GLU product (ggml_swiglu_split / geglu_split,
        # GGML_OP_GLU, which ggml-alloc.c `ggml_op_can_inplace` does not list, so it gets its own
        # tensor) live with the residual stream; the masks stay live until the last attention.
        width = spec.max_mlp_width
        dense = h + 3 * width if spec.mlp_gated else 3 * h + 2 * width
        ffn = (live_masks if spec.num_layers > 1 else 0) + F32 * n_ub * dense
    if spec.is_moe:
        k = spec.num_experts_per_tok
        shared = 2 * spec.shared_expert_intermediate_size
        moe = (
            F32
            * n_ub
            * (3 * h + 2 * spec.num_experts + k * (2 * spec.moe_intermediate_size + h) + shared)
        )
        ffn = max(ffn, live_masks + moe)
    # The output layer: the final norm's result (its input, the residual stream, is dead once
    # normed) and the f32 logits, both for the n_out rows the graph keeps: the last block
    # gathers them (`inp_out_ids`, ggml_get_rows) before its feed-forward.
    logits = F32 * n_out * (h + spec.vocab_size)
    # Op offload (llama_cpp_op_offload.py): a host block's weighted ops run on the GPU at this batch,
    # each with a copy of its weight live beside its stage; so does a host output layer's matmul.
    attn_copy, ffn_copy = llama_cpp_op_offload.stage_copies(eng, spec, n_ub) if offload else (0, 0)
    head_moved = not head_on_device and llama_cpp_op_offload.head_offloaded(eng, n_out)
    if head_on_device:
        output = logits
    elif head_moved and offload:
        output = logits + llama_cpp_op_offload.head_copy_bytes(spec, eng)
    else:
        output = 0
    # An offloaded op of a host block runs past the first block, when only the masks every block reads
    # are still live (persistent_mask_bytes).
    kept = live_masks - llama_cpp_op_offload.persistent_mask_bytes(eng, live_masks)
    stages = (
        attn,
        ffn,
        output,
        attn - kept + attn_copy if attn_copy else 0,
        ffn - kept + ffn_copy if ffn and ffn_copy else 0,
    )
    device = max(stages) + _block_stream_extra(spec, n_ub)
    # The graph inputs are built on the CPU: the token-embedding rows (token_embd lives in host
    # memory) and the KQ masks, copied to the GPU by the scheduler (ggml-backend.c splits).
    host = F32 * n_ub * h + masks
    if not head_on_device and not head_moved:
        host = max(host, logits)
    out_buf = spec.vocab_size * eng.wl.batch * F32
    return int(device), int(host), int(out_buf)


def mask_element_bytes(eng: LlamaCpp) -> int:
    """Bytes per KQ-mask cell: f32 without flash attention; with it f16, and before
    ggml-org/llama.cpp#23764 (builds below F16_MASK_BUILD) the f32 mask it was cast from as well."""
    if not eng.flash_attention():
        return F32
    build = eng.build()
    return 2 + (F32 if build is not None and build < F16_MASK_BUILD else 0)


def kv_windows(spec: ModelSpec) -> frozenset[int | None]:
    """The distinct attention windows of the blocks that hold KV (None: full attention), once per spec:
    a walk over every block each time a buffer is sized was 1.8 million has_kv calls in one
    `plan deepseek-r1:671b --gpu RTX-3060 --engine ollama` (issue 15 round 11: under 2 s per input)."""
    from llmsize.estimate.memo import memo

    def walk() -> frozenset[int | None]:
        return frozenset({spec.layer_window(i) for i in range(spec.num_layers) if spec.has_kv(i)} or {None})

    return memo(spec, ("llama.cpp kv windows",), walk)


def mask_bytes(eng: LlamaCpp, spec: ModelSpec) -> int:
    """The KQ masks of one ubatch: one per distinct window (mask_element_bytes per cell)."""
    n_ctx = eng.n_ctx()
    rows = pad(min(n_ctx, eng.ubatch()), MASK_PAD)
    elem = eng.mask_element_bytes()
    windows = kv_windows(spec)
    total = 0
    for w in windows:
        n_kv = n_ctx if w is None else int(eng.tokens_held(w, eng.wl.context, 0, eng.wl.batch))
        total += n_kv // eng.kv_streams() * rows * elem
    return total


def pipeline_parallel(eng: LlamaCpp, spec: ModelSpec) -> bool:
    """Whether llama.cpp runs its scheduler with SCHED_COPIES graph copies.

    REFERENCE: src/llama-context.cpp `llama_context::llama_context` (b6700-b6840): pipeline
    parallelism when the model has more than one device, n_gpu_layers > n_layer (the output layer
    offloaded too), split mode layer, offload_kqv, no tensor overrides (--n-cpu-moe is one) and
    every GPU backend supports async compute and events (CUDA and HIP do).
    """
    wl = eng.wl
    whole = wl.gpu_layers is None or wl.gpu_layers > spec.num_layers
    return wl.num_gpus > 1 and whole and wl.n_cpu_moe is None


def pipeline_copies_bytes(eng: LlamaCpp, spec: ModelSpec, stage: Stage) -> int:
    """What one GPU holds for the whole graph when the scheduler keeps SCHED_COPIES copies.

    REFERENCE: ggml/src/ggml-backend.cpp `ggml_backend_sched_split_graph` (b6700-b6840): with
    n_copies > 1 every graph input and every split input a backend copies in from another one is
    duplicated n_copies times, flagged input+output "to prevent ggml-alloc from overwriting" it,
    and added to the graph as leafs "so that they are allocated first": the copies stay allocated
    for the whole graph. Into a GPU come the KQ masks and positions (graph inputs, built on the CPU),
    the residual stream from the CPU (token embeddings, first GPU) or from the previous GPU, and in
    every block the output of any op the GPU backend does not support, computed on the CPU (see
    CPU_ONLY_ACTIVATIONS). Check: Apertus-70B IQ4_XS on 2 x RX 7900 XTX, -c 20480 -fa on, printed
    "allocating 14136.04 MiB on device 0" for its compute buffer (ggml-org/llama.cpp#16725).
    """
    if not eng.pipeline_parallel(spec):
        return 0
    n_ub = min(eng.n_ctx(), eng.ubatch())
    inputs = eng.mask_bytes(spec) + F32 * n_ub * spec.hidden_size + 4 * n_ub  # masks, residual, pos
    if spec.mlp_activation in CPU_ONLY_ACTIVATIONS:
        inputs += len(stage.layers) * F32 * n_ub * spec.max_mlp_width
    return SCHED_COPIES * inputs


def device_buffer(
    eng: LlamaCpp, spec: ModelSpec, stages: tuple[Stage, ...], draft_context: bool = True
) -> int:
    """The largest GPU compute buffer over the pipeline's GPUs; with `draft_context`, the speculative
    draft context's buffer counts on the GPU of the output layer. Host weights' ops are offloaded to
    the first GPU only: the scheduler takes the first backend whose offload_op accepts the op
    (ggml-backend.cpp `ggml_backend_sched_backend_id_from_cur`; ollama/ollama#12403: CUDA0 933.00 MiB,
    CUDA1 and CUDA2 166.51 MiB)."""
    pipeline = eng.pipeline_parallel(spec)
    draft = eng.draft_compute_bytes(spec) if draft_context else 0
    return max(
        eng.buffers(spec, st.head, pipeline, offload=st.index == 0)[0]
        + eng.pipeline_copies_bytes(spec, st)
        + (draft if st.head else 0)
        for st in stages
    )


def _block_stream_extra(spec: ModelSpec, n_ub: int) -> int:
    """f32 tensors Gemma 3n / Gemma 4 E-model graphs keep beside a plain block for every block.

    REFERENCE: llama.cpp src/models/gemma3n-iswa.cpp: `inp_per_layer` ([p, n_tokens, n_layer], made
    contiguous once and sliced by every block) and AltUp's n-wide stream: the block input `inpL`,
    `predictions` and `corrected`, each [n_embd, n_tokens, n_altup], live together at the FFN.
    """
    extra = spec.num_layers * spec.per_layer_input_size
    if spec.altup_inputs > 1:
        extra += 3 * spec.altup_inputs * spec.hidden_size - 2 * spec.hidden_size  # 2h already counted
    return F32 * n_ub * extra
