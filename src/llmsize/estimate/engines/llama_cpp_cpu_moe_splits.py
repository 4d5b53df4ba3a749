"""The per-layer GPU <-> CPU hand-off of llama.cpp's --n-cpu-moe / -ot exps=CPU decode.

With the experts of a layer left in host RAM (common/arg.cpp --n-cpu-moe adds the tensor override
``blk\\.N\\.ffn_(up|down|gate)_exps=CPU`` for the first N layers), ggml's scheduler assigns that layer's
MUL_MAT_ID ops to the CPU backend, because their weights live in a CPU buffer
(ggml/src/ggml-backend.cpp ``ggml_backend_sched_backend_id_from_cur``: an op goes where its weight is),
while attention, the router and its top-k stay on the GPU. Each such layer therefore cuts the decode
graph twice: GPU -> CPU before the routed experts, CPU -> GPU after them.

At each cut ``ggml_backend_sched_compute_splits`` copies the split's inputs from the other backend. The
CPU backend has no asynchronous cross-device copy, so for every input of a CPU split the scheduler waits
for the GPU stream (``ggml_backend_synchronize(input_backend)``) and copies the tensor with
``ggml_backend_tensor_copy`` -> ``ggml_backend_tensor_get``, a device-to-host copy followed by a stream
synchronisation (ggml-cuda.cu ``ggml_backend_cuda_buffer_get_tensor``). Which ops sit in the CPU split
follows ``ggml_backend_sched_split_graph``: pass 2 expands the GPU's assignment up and down through ops
without weights but stops at CPU ops, so of src/llama-graph.cpp ``llm_graph_context::build_moe_ffn`` only
the expert ops (``ggml_mul_mat_id`` up / gate / down with their activation and, for gpt-oss, their
``ADD_ID`` biases, which --n-cpu-moe's regex also moves) run on the CPU, while the router, its top-k, the
gate-weight multiply and the sum over experts stay on the GPU. The CPU split reads two GPU tensors (the
normalised hidden state and the picked expert ids); the next GPU split reads the k expert outputs back,
and ggml-cuda's ``cpy_tensor_async`` accepts only CUDA-to-CUDA copies, so that copy is a blocking
host-to-device ``ggml_backend_tensor_set``. Three host round trips a host-expert layer, in series with both
devices' work: neither the GPU nor the CPU runs ahead across a cut. The CPU side of these copies is
pinned memory (src/llama-context.cpp gives the CPU backend's compute buffer the first GPU's host buffer
type "for faster transfer of the intermediate state").

Each round trip is priced at the published pinned D2H + cudaStreamSynchronize figure the speed model
already holds (llama_cpp_mmid_host.ROUND_TRIP_SECONDS, kekzl/imp#1654); the bytes crossing the link
(a few hidden-state vectors) are counted too. Nothing here is fitted to a table.
"""

from __future__ import annotations

from llmsize.specs.models import ModelSpec

# Inputs of a host-expert layer's CPU split (hidden state, expert ids), each fetched with a blocking
# device-to-host copy, plus the k expert outputs the next GPU split fetches back (see above).
CPU_SPLIT_INPUTS = 2
ROUND_TRIPS_PER_LAYER = CPU_SPLIT_INPUTS + 1
F32_BYTES = 4
ID_BYTES = 4


def host_expert_layers(spec: ModelSpec, n_cpu_moe: int | None, gpu_layers: int | None = None) -> int:
    """MoE layers among the first --n-cpu-moe blocks whose attention is on the GPU: the layers cut twice.

    Blocks below --gpu-layers run whole on the CPU (llama.cpp keeps the first n_layer - ngl there), with no
    hand-off inside them."""
    if not n_cpu_moe or not spec.num_experts:
        return 0
    start = spec.num_layers - min(gpu_layers, spec.num_layers) if gpu_layers is not None else 0
    flags = spec.moe_layers
    return sum(1 for i in range(start, min(n_cpu_moe, spec.num_layers)) if flags[i])


def decode_splits(spec: ModelSpec, n_cpu_moe: int | None, batch: int,
                  gpu_layers: int | None = None) -> tuple[int, int, int]:
    """(host round trips, bytes over the link, bytes the CPU moves beyond the experts) of one decode step.

    The experts' own reads are priced elsewhere (host_weight_bytes); only the hand-off is counted here."""
    layers = host_expert_layers(spec, n_cpu_moe, gpu_layers)
    if not layers:
        return (0, 0, 0)
    k = max(1, spec.num_experts_per_tok or 1)
    # D2H: hidden state (F32) + k ids per sequence; H2D: the k experts' outputs (F32).
    per_layer = batch * ((1 + k) * spec.hidden_size * F32_BYTES + k * ID_BYTES)
    return (layers * ROUND_TRIPS_PER_LAYER, layers * per_layer, 0)
