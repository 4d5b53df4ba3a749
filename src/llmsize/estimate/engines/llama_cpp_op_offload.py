"""Op offload: the GPU compute buffer holds a copy of a host-resident weight while its op runs there.

Under partial offload (-ngl below the block count, --n-cpu-moe / -ot exps=CPU, Ollama's automatic
split) ggml's scheduler runs the weighted ops of host-resident weights on the GPU when the batch is
large, and the graph reserved at start is one ubatch of min(n_ctx, n_ubatch) tokens:

- ggml/src/ggml-backend.cpp `ggml_backend_sched_backend_id_from_cur` (read in ollama/ollama's vendored
  copy at v0.20.5, ml/backend/ggml/ggml/src; the same test upstream): an op whose weight source lies
  in a host buffer of the last (CPU) backend goes to the first backend whose `offload_op` accepts it
  (cause "1.off"), when the scheduler was built with op_offload (llama.cpp: on unless
  --no-op-offload, src/llama-context.cpp `ggml_backend_sched_new(..., cparams.op_offload)`; Ollama's
  Go engine: ml/backend/ggml/ggml.go `ggml_backend_sched_new_ext(..., true, ...)`).
  The hook came with ggml-org/llama.cpp#6083 ("backend : offload large batches to GPU", March 2024;
  ggml-org/llama.cpp#11120, January 2025: only from host buffers); older builds ran a host block's ops
  on the CPU (`build_offloads_ops`: builds up to b2356).
- ggml/src/ggml-cuda/ggml-cuda.cu `ggml_backend_cuda_device_offload_op`: accept when
  `get_op_batch_size(op) >= 32` (GGML_OP_OFFLOAD_MIN_BATCH's default): MUL_MAT's ne[1] (the rows it
  multiplies), MUL_MAT_ID's ne[2] (the tokens), other ops their rows; GET_ROWS never (token_embd
  stays on the CPU).
- `ggml_backend_sched_split_graph` pass 5: a source on a backend whose buffer the split's backend
  cannot use is copied into that backend with `ggml_dup_tensor_layout` (the whole tensor, in its own
  ggml type: all experts of a MUL_MAT_ID weight), and an op whose weight is elsewhere starts a split of
  its own ("the memory of the previously offloaded weights can be reused"); the copies are graph nodes
  allocated at their split's start in the device's compute buffer and freed by ggml-alloc.c
  `ggml_gallocr_alloc_graph_impl` after their last consumer. So one weight copy is live at a time,
  beside the activations of its stage: the stage's live set grows by the largest such copy.

Checks: ollama/ollama#12403 (Ollama 0.12 llama runner, GLM-4.5-Air Q8_0, 20 of 47 blocks on three GPUs,
output layer on the CPU, 512 rows of logits): CUDA0 933.00 MiB = the Q8_0 output matrix (629.0 MiB) +
512 x (151,552 + 4,096) f32, CUDA1/CUDA2 166.51 MiB; ggml-org/llama.cpp#23527 (Qwen3.6-35B-A3B, every
expert on the CPU, ubatch 4096, one row of logits): 1982 MiB, llmsize 1,886 MiB with the 210 MiB Q6_K
ffn_down_exps copy (1,676 MiB without it).

Not modelled (stated, not guessed): the holes ggml-alloc.c's best fit leaves when copies of different
sizes follow each other (a Q6_K ffn_down_exps copy after Q4_K gate/up copies lands past them), and the
copies of a host layer's K/V cache views the attention reads on the GPU. --no-op-offload
(Workload.op_offload False) keeps every host op on the CPU: no copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.engines.llama_cpp import LlamaCpp
    from llmsize.specs.models import ModelSpec, WeightFormat

# REFERENCE: ggml-org/llama.cpp#6083 ("backend : offload large batches to GPU", March 2024) added the
# backends' `offload_op`; its llama-bench table already has the n_ubatch column of #6017 (pipeline
# parallelism, merged 2024-03-13), and ollama/ollama's commit "Import server.cpp as of b2356" is of
# 2024-03-12: every build up to b2356 ran a host block's ops on the CPU (the scheduler of #4766 assigns
# an op to the backend of its weight). ggml-org/llama.cpp#4957 (2024-01-17, Mixtral Q8_0, 10 of 33 layers
# offloaded, 512 tokens) prints a CUDA0 compute buffer of 108.03 MiB, no copy of a host expert tensor.
LAST_BUILD_WITHOUT_OP_OFFLOAD = 2356
# REFERENCE: ggml/src/ggml-cuda/ggml-cuda.cu `ggml_backend_cuda_device_offload_op`: min_batch_size 32
# (later builds read it from GGML_OP_OFFLOAD_MIN_BATCH, default 32).
OFFLOAD_MIN_BATCH = 32
# The kinds whose ops run in llama_cpp_buffers' feed-forward stage; every other block weight belongs to
# the attention / mixer stage.
FFN_KINDS = frozenset({"mlp", "expert", "shared_expert", "router"})


def build_offloads_ops(build: int | None) -> bool:
    """Whether this llama.cpp build has the scheduler's op offload (None: the build modelled, which has)."""
    return build is None or build > LAST_BUILD_WITHOUT_OP_OFFLOAD


def host_block_layers(eng: LlamaCpp, spec: ModelSpec) -> tuple[int, ...]:
    """The blocks llama.cpp leaves in host memory: the first n_layer - ngl (llama_cpp_placement.stages)."""
    n = spec.num_layers
    ngl = eng.wl.gpu_layers
    return tuple(range(n - min(ngl, n))) if ngl is not None else ()


def _largest_tensor(eng: LlamaCpp, spec: ModelSpec, fmt: WeightFormat, layers: tuple[int, ...],
                    column: int) -> int:  # fmt: skip
    """The largest one ggml tensor among `layers`' groups of one kind class (`column`: ATTN, FFN or
    EXPERTS, see _block_rows): the largest over the blocks of each block's largest. `layers` ascend
    (both callers take them from a range); blocks 0..k-1, the host blocks of a --gpu-layers split, read
    the running maximum instead of walking k blocks again for each split a search tries."""
    rows, running = _block_rows(eng, spec, fmt)
    if layers and layers[0] == 0 and layers[-1] == len(layers) - 1:
        return running[len(layers) - 1][column]
    return max((rows[layer][column] for layer in layers), default=0)


ATTN, FFN, EXPERTS = 0, 1, 2  # _block_rows' columns


Rows = tuple[tuple[int, int, int], ...]


def _block_rows(eng: LlamaCpp, spec: ModelSpec, fmt: WeightFormat) -> tuple[Rows, Rows]:
    """Per block, and as a running maximum from block 0, its largest one ggml tensor (one group of
    one block; a MoE block's experts are one stacked tensor, ffn_{gate,up,down}_exps) of the attention
    / mixer stage (ATTN), of the feed-forward stage (FFN: FFN_KINDS) and among its stacked experts
    (EXPERTS); 0 where it has none.

    A tensor's bytes depend on its block and the format alone, not on which other blocks are on the
    host, so every block is sized once per model, TP degree and format (estimate/memo.py), one group at
    a time (weights.block_bytes), and every split a search tries takes the maximum over its host blocks
    (issue 15: `fit --all --engine ollama` sized every host block's tensors again for each of ~3,400
    splits; `--engine llama.cpp` on a T4 sized them block by block for each format it tried).
    """
    from llmsize.estimate.memo import memo
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.weights import _encoder_tp, stage_shards

    def compute() -> tuple[Rows, Rows]:
        from llmsize.estimate.weights import Shard, block_bytes

        every = Stage(0, tuple(range(spec.num_layers)), False, False)
        rows = [[0, 0, 0] for _ in range(spec.num_layers)]
        for shard in stage_shards(spec, eng.wl, every):
            if not shard.layers:
                continue
            kind = shard.group.kind
            columns = (FFN, EXPERTS) if kind == "expert" else (FFN,) if kind in FFN_KINDS else (ATTN,)
            # convert_hf_to_gguf.py writes an HF-fused gate_up_proj as ffn_gate(_exps) + ffn_up(_exps),
            # two tensors (a GGUF may fuse them again as ffn_gate_up_exps, which newer builds also read:
            # the smaller copy is taken). A bias is a ggml tensor of its own (ffn_*_exps_b, attn_*.bias).
            out = shard.out_features // 2 if shard.group.name == "gate_up_proj" else shard.out_features
            one = Shard(shard.group, shard.in_features, out, shard.numel_each,
                        0, shard.layers, shard.per_layer, shard.per_layer)  # fmt: skip
            for layer, size in zip(shard.layers, block_bytes(spec, one, fmt), strict=True):
                row = rows[layer]
                for c in columns:  # a comparison, not max(): ~600k of them in `fit --all` (issue 15)
                    if size > row[c]:
                        row[c] = size
        running, a, f, e = [], 0, 0, 0
        for r in rows:
            a, f, e = (r[0] if r[0] > a else a), (r[1] if r[1] > f else f), (r[2] if r[2] > e else e)
            running.append((a, f, e))
        return tuple((r[0], r[1], r[2]) for r in rows), tuple(running)

    key = ("op offload largest tensors", eng.wl.tp, _encoder_tp(spec, eng.wl), fmt)
    return memo(spec, key, compute)


def stage_copies(eng: LlamaCpp, spec: ModelSpec, n_ub: int) -> tuple[int, int]:
    """(attention-stage copy, feed-forward-stage copy): the largest host weight one offloaded op of
    each stage copies into the GPU compute buffer; (0, 0) below the offload batch or with every
    block's weights on the GPU."""
    if n_ub < OFFLOAD_MIN_BATCH or not eng.wl.op_offload or not build_offloads_ops(eng.build()):
        return 0, 0
    host = host_block_layers(eng, spec)
    moe = tuple(i for i in range(min(eng.wl.n_cpu_moe or 0, spec.num_layers)) if i not in host)
    if not host and not moe:
        return 0, 0
    from llmsize.estimate.weights import effective_format

    fmt = effective_format(spec, eng.wl)[0]
    attn = _largest_tensor(eng, spec, fmt, host, ATTN) if host else 0
    ffn = _largest_tensor(eng, spec, fmt, host, FFN) if host else 0
    if moe:  # --n-cpu-moe: only the stacked experts of those blocks stay in host memory
        ffn = max(ffn, _largest_tensor(eng, spec, fmt, moe, EXPERTS))
    return attn, ffn


def head_offloaded(eng: LlamaCpp, n_out: int) -> bool:
    """Whether a host-resident output layer's matmul runs on the GPU: its batch is the n_out rows of
    logits the graph keeps (llama-graph.cpp `inp_out_ids` gathers them before the head)."""
    return eng.wl.op_offload and n_out >= OFFLOAD_MIN_BATCH and build_offloads_ops(eng.build())


def head_copy_bytes(spec: ModelSpec, eng: LlamaCpp) -> int:
    """The output matrix (output.weight, or token_embd for a tied model) copied for that matmul."""
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.weights import effective_format, shard_bytes, stage_shards

    fmt = effective_format(spec, eng.wl)[0]
    shards = stage_shards(spec, eng.wl, Stage(0, (), False, True))
    heads = [s for s in shards if s.group.kind == "lm_head"]
    if not heads:  # tied: the head is token_embd's matrix
        heads = [s for s in shards if s.group.kind == "embedding" and s.group.name == "embed_tokens"]
    return max((shard_bytes(spec, s, fmt) for s in heads), default=0)


def persistent_mask_bytes(eng: LlamaCpp, masks: int) -> int:
    """Of the KQ masks llama_cpp_buffers counts live in the first block, what stays live in the later
    ones: with flash attention before ggml-org/llama.cpp#23764 the f32 mask is cast to f16 once
    (src/llama-graph.cpp `build_attn_inp_kv`, `self_kq_mask_cnv`) and ggml-alloc frees the f32 copy
    after that cast, its only consumer; the f16 one is read by every block."""
    elem = eng.mask_element_bytes()
    kept = 2 if eng.flash_attention() else elem
    return masks * kept // elem
