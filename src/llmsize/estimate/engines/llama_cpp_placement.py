"""Where llama.cpp puts a model's weights and the cache of the blocks it leaves on the CPU.

src/llama-model.cpp `llama_model::load_tensors`: token embeddings stay in host memory; -ngl offloads
the last n blocks, split over the GPUs in proportion (and the output layer when n > n_layer); a
tied model's output layer is a second copy of token_embd (tied_output_bytes); --n-cpu-moe N keeps
the experts of the first N layers on the CPU (a tensor override); a loaded mmproj lies on the first
GPU (llama_cpp_mmproj.py). Each function takes the engine, whose settings Ollama overrides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import llama_cpp_host
from llmsize.estimate.engines.base import WeightPlacement
from llmsize.estimate.engines.llama_cpp_mmproj import tower_in_model_bytes
from llmsize.monotone_search import largest_within

if TYPE_CHECKING:
    from collections.abc import Callable

    from llmsize.estimate.engines.llama_cpp import LlamaCpp
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.resolved import Resolved
    from llmsize.estimate.result import Estimate
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat


def stages(spec: ModelSpec, wl: Workload) -> tuple[Stage, ...]:
    """Token embeddings on the CPU; the last `gpu_layers` blocks split over the GPUs the way
    llama.cpp splits them; the output layer on the last GPU only when every block is offloaded.

    REFERENCE: src/llama-model.cpp `llama_model::load_tensors` (b6700): with equal GPUs (the
    default split follows free memory, -ts 1,1 states it) the split points are i/n, the output
    layer counts as one more layer when offloaded (act_gpu_layers = min(n_gpu_layers, n_layer + 1)),
    and layer il goes to `upper_bound(splits, (il - i_gpu_start) / act_gpu_layers)`, i.e. GPU
    floor(j x n / act). Check: 80 blocks + output on 2 GPUs give the first 41 blocks (ROCm0 KV
    buffer 3280 MiB = 41 x 80 MiB, ggml-org/llama.cpp#16725).
    """
    from llmsize.estimate.memo import memo

    # the same split is asked by every estimate of a --gpu-layers search (issue 15): kept per spec
    return memo(spec, ("llama.cpp stages", wl.gpu_layers, wl.num_gpus),
                lambda: _split(spec.num_layers, wl.gpu_layers, wl.num_gpus))  # fmt: skip


def _split(n: int, gpu_layers: int | None, num_gpus: int) -> tuple[Stage, ...]:
    from llmsize.estimate.placement import Stage

    offloaded = n if gpu_layers is None else min(gpu_layers, n)
    head = gpu_layers is None or gpu_layers > n
    act = offloaded + (1 if head else 0)
    # GPUs past the last block hold none of it (each GPU gets whole blocks), so they are not listed:
    # the busiest GPU is the same, and 4,096 GPUs do not mean 4,096 stages to walk (issue 15).
    gpus = max(1, min(num_gpus, offloaded))
    parts: list[list[int]] = [[] for _ in range(gpus)]
    start = n - offloaded
    for layer in range(start, n):
        parts[min(gpus - 1, (layer - start) * gpus // act)].append(layer)
    parts = [p for p in parts if p] or [[]]  # -ngl 0: one GPU holding no block
    return tuple(Stage(i, tuple(p), False, head and i == len(parts) - 1) for i, p in enumerate(parts))


def placement_key(spec: ModelSpec, wl: Workload) -> tuple[object, ...]:
    """All that llama.cpp's estimate and budget read of a layout (tp, pp, num_gpus): layouts with equal
    keys need the same, so the planner estimates one of them (issue 15: `plan deepseek-r1:671b --gpu
    RTX-4090 --engine ollama` estimated all 106 layouts of 19 GPU counts, 16 stages or 2 x 8 alike).

    Where each degree is read, for this engine (inference only: LlamaCpp.validate refuses training):
    - num_gpus: `stages` above, min(num_gpus, blocks) GPUs (past the last block a GPU holds none), and
      llama_cpp_buffers.pipeline_parallel, more than one device (src/llama-context.cpp: the scheduler's
      graph copies); the "N GPUs: tp, pp, dp" assumption line is text, read by no budget;
    - pp: nowhere but the check that it is at most the layer count (weights.validate_parallelism,
      the planner's pp_problem first): --split-mode layer places blocks by free memory, not by stages
      (src/llama-model.cpp `load_tensors`), so a pipeline degree is only how the plan is described;
    - dp (num_gpus / (tp x pp)): the ZeRO/FSDP shards of training only (core.py, weights.py, phases.py);
      replicas are separate servers holding the same;
    - tp: above 1 refused (LlamaCpp.validate), kept in the key all the same.
    """
    return stages(spec, wl), wl.tp, wl.num_gpus > 1


def cpu_expert_bytes(eng: LlamaCpp, spec: ModelSpec, fmt: WeightFormat, stage: Stage) -> int:
    """Experts of the first --n-cpu-moe layers on this stage: they stay on the CPU."""
    if not eng.wl.n_cpu_moe:
        return 0
    from llmsize.estimate.weights import shard_bytes, stage_shards

    cpu_layers = set(range(min(eng.wl.n_cpu_moe, spec.num_layers)))
    total = 0
    for shard in stage_shards(spec, eng.wl, stage):
        if shard.group.kind != "expert":
            continue
        mine = tuple(i for i in shard.layers if i in cpu_layers)
        if mine:
            part = shard.__class__(
                shard.group,
                shard.in_features,
                shard.out_features,
                shard.numel_each,
                shard.bias_each,
                mine,
                shard.per_layer,
                shard.per_layer * len(mine),
            )
            total += shard_bytes(spec, part, fmt)
    return total


def output_offloaded(spec: ModelSpec, wl: Workload) -> bool:
    """The output layer goes to the last GPU only when -ngl covers every block and one more
    (`stages`: act_gpu_layers = min(n_gpu_layers, n_layer + 1))."""
    return wl.gpu_layers is None or wl.gpu_layers > spec.num_layers


def tied_output_bytes(spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> int:
    """The GPU copy of token_embd that a tied model (no output.weight in the GGUF) uses as its output
    layer; 0 when the model has its own output tensor or the output layer stays on the CPU.

    REFERENCE: src/llama-model.cpp `load_tensors`: a missing `output` is created from token_embd with
    TENSOR_DUPLICATED, and `create_tensor` then looks the buffer type up as LLM_TENSOR_OUTPUT's (the
    output layer's: the last GPU under a full -ngl), while token_embd itself keeps the input layer's,
    the CPU. The two are separate ggml tensors in separate buffers: the file's one tensor is read twice,
    mmapped in "CPU_Mapped" and copied into "CUDA0 model buffer". With the output layer on the CPU
    both lie in the one mmapped range, once. Ollama's Go engine does the same (ml/backend/ggml/ggml.go
    `New`: token_embd on the input (CPU) buffer types and, with no "output" tensor in the file, a second
    tensor targeted "output.weight" from the same source on the output layer's).
    """
    if not (spec.tie_word_embeddings and output_offloaded(spec, wl)):
        return 0
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.weights import shard_bytes, stage_shards

    head = Stage(0, (), False, True)
    return sum(shard_bytes(spec, s, fmt) for s in stage_shards(spec, wl, head)
               if s.group.kind == "embedding" and s.group.name == "embed_tokens")


def place_weights(
    eng: LlamaCpp,
    spec: ModelSpec,
    wl: Workload,
    fmt: WeightFormat,
    stage: Stage,
    device: int,
    all_stages: int,
) -> WeightPlacement:
    """The busiest GPU's blocks (minus CPU experts); everything no GPU holds is host RAM, and so is
    token_embd when a tied model's GPU holds its copy as the output layer (tied_output_bytes). A
    loaded mmproj lies on the first GPU (clip.cpp picks the first GPU backend), not in host RAM."""
    from llmsize.estimate.weights import model_weight_bytes

    cpu_experts = eng.cpu_expert_bytes(spec, fmt, stage)
    mmproj = eng.mmproj_bytes(spec, wl, fmt)
    whole = model_weight_bytes(spec, fmt) - (tower_in_model_bytes(spec, fmt) if mmproj else 0)
    projector = mmproj if stage.index == 0 else 0
    tied = tied_output_bytes(spec, wl, fmt)
    host = max(0, whole - all_stages + cpu_experts) + tied
    copy = tied if stage.head else 0  # the busiest GPU holds the copy only when it is the last
    detail = llama_cpp_host.placement_detail(device, cpu_experts, projector, host, copy)
    return WeightPlacement(device - cpu_experts + projector, host, detail, copy)


def host_kv_bytes(spec: ModelSpec, wl: Workload, rs: Resolved) -> int:
    """The cache of the blocks left on the CPU (-ngl below the block count): llama.cpp keeps
    each layer's K/V with the layer (llama-kv-cache.cpp, offload_kqv)."""
    from llmsize.estimate.kv_cache import kv_cache_bytes

    on_gpu = {layer for st in rs.stages for layer in st.layers}
    cpu = [layer for layer in range(spec.num_layers) if layer not in on_gpu]
    return int(kv_cache_bytes(spec, wl, rs.kv_dtype, cpu)) if cpu else 0


def offload_layers(est: Estimate, usable: int, num_layers: int) -> int | None:
    """Layers that fit the GPU (-ngl): weights and cache spread evenly over the blocks; the
    compute buffer and the CUDA context stay whatever the split (a rough split: real blocks
    differ slightly)."""
    f = est.engine_figures
    device_weights = f.device_weights_bytes if f is not None else est.weights_bytes
    buffers = f.compute_buffer_bytes + f.draft_compute_bytes if f is not None else est.activations_bytes
    fixed = buffers + est.overhead_bytes
    per_layer = (device_weights + est.kv_cache_bytes) / num_layers
    if per_layer <= 0:
        return num_layers
    return max(0, min(num_layers, int((usable - fixed) // per_layer)))


def largest_fitting(room: int, need_at: Callable[[int], int], top: int, guess: int | None = None) -> int:
    """The most blocks, at most `top`, whose split's own device bytes (`need_at(n)`: weights, cache and
    the compute buffer of that split) stay within `room`; 0 when none do.

    Why not `offload_layers` alone: it spreads the full-offload figures over the blocks, but a split
    with blocks in host memory reserves another graph: the scheduler copies a host weight into the
    first GPU's compute buffer for each op it offloads (llama_cpp_op_offload.py; GLM-4.5-Air Q8_0 at
    20 of 47 blocks: 933.00 MiB where the full offload reserves 157.75 MiB, ollama/ollama#12403), so
    the count it gives can overfill the GPU. The engines that pick the count measure the split they
    try: llama.cpp common/fit.cpp `common_get_device_memory_data` (a no_alloc model and context of the
    candidate placement, read back with `llama_get_memory_breakdown`, model + context + compute per
    device) under `llama_params_fit_impl`; Ollama's Go engine (llm/server.go `ollamaServer.Load`)
    reloads with LoadOperationFit and lays out again with the graph each device reported
    (`buildLayout`: free - MinimumMemory - GpuOverhead - memory.GPUs[j].Graph) until the layout repeats.
    The device bytes grow with the blocks (each adds its weights and cache; the graph of a partial
    split does not depend on how many), so the count is the one a plain scan finds: the shared search
    (llmsize/monotone_search.py `largest_within`, the planner's too) probes `guess` (offload_layers'
    count) and the block after it first, which settles most splits in two estimates.
    """
    top = max(0, top)
    if top == 0:
        return 0  # no block to place: no split to estimate
    return largest_within(need_at, room, 0, top, guess=guess) or 0
