"""Which Ollama releases rebuild the decode graph every token (and what that costs the CPU per layer), and
which ran their norms unfused on CUDA.

A llama.cpp decode step builds its ggml graph (the model's build function, one node per op) and has
the backend scheduler split and allocate it before the GPU can start; llama-bench's builds since graph
reuse (ggml-org/llama.cpp PR #14482, July 2025: src/llama-context.cpp process_ubatch keeps the previous
step's graph when `res->can_reuse(gparams)`) skip both for a step shaped like the last. The work grows
with the layers (a block's nodes) and runs on the CPU between the sampled token and the next launch, so
it adds to every token like sampling does (hardware/decode_time.decode_step). Which Ollama runners paid it:
- the llama runner (llama/runner, later runner/llamarunner: cgo `llama_decode` on the llama.cpp Ollama
  vendored) until that copy had graph reuse: v0.11.5 vendored llama.cpp e54d41be (ollama/ollama commit
  1a19df1f3, #11823), whose llama-context.cpp reuses graphs with set_rows on by default; v0.11.4 and
  earlier (e.g. v0.5.7's base 46e3556e, llama/vendoring) rebuilt every token;
- Ollama's own Go engine (runner/ollamarunner, v0.6 to v0.29, for the architectures
  fs/ggml/ggml.go `KV.OllamaEngineRequired` lists: ollama_sampling.GO_ENGINE_MODEL_TYPES): every step
  runs the model's Go Forward, which creates each op through cgo, and ml/backend/ggml computes the new
  graph with ggml_backend_sched; it never reused one;
- llama-server (v0.30 on) reuses graphs like llama-bench: nothing added.

Price: ikawrakow/ik_llama.cpp PR #94 (Oct 2024, RTX 4080 with a Ryzen 9 7950X) kept the graph between
tokens: tg128 of llama 3B Q4_0 (28 layers) went from 237.40 to 244.19 t/s, 0.117 ms a token, 4.2 us a
layer (llama 1B: 519.27 -> 538.75, 16 layers, 4.4 us; llama 8B: 123.55 -> 125.60, 32 layers, 4.1 us).
Mainline's own reuse measured the same order: llama 7B Q5_K_M tg1 122.50 -> 124.71 t/s on CUDA
(PR #14482, am17an's table, 2025-07-07), 4.5 us a layer. The Go engine's rebuild is priced the same
(a lower bound: its cgo calls per op come on top). No constant fitted.

The same vendoring update (v0.11.5) brought the CUDA backend's first fusion: before it, Ollama's
ggml-cuda.cu (llama/ggml-cuda/ggml-cuda.cu in v0.5.7, ml/backend/ggml/ggml/src/ggml-cuda/ggml-cuda.cu to
v0.11.4) has no ggml_cuda_can_fuse, so every weighted RMS norm runs as rms_norm then mul: two kernels
where the builds llama.cpp's CUDA constants were calibrated on (llama-bench of mid-2025 on, after
ggml-org/llama.cpp PR #14800, estimate/engines/llama_cpp_fusion.py) run one. A dense block has two such
norms: 2 more kernels a layer, each at the calibrated per-node time (llama_cpp_nodes.GPU_PER_NODE_S;
#14800's own RTX 3090 figure, llama 7B tg1 113.82 -> 120.39 t/s, is 7.5 us a fused pair, so this is
the lower price). Counted for all runners before v0.11.5; the Q/K norms of qwen3-style blocks are not.
"""

from __future__ import annotations

# REFERENCE: ikawrakow/ik_llama.cpp PR #94: llama 3B Q4_0 tg128 237.40 -> 244.19 t/s with the graph kept.
LLAMA_3B_LAYERS = 28
GRAPH_REBUILD_PER_LAYER_S = (1 / 237.40 - 1 / 244.19) / LLAMA_3B_LAYERS
# REFERENCE: ollama/ollama 1a19df1f3 (#11823, first in v0.11.5): vendored llama.cpp with graph reuse.
LLAMA_RUNNER_REUSE_RELEASE = (0, 11, 5)
# REFERENCE: the same update: the vendored ggml-cuda.cu's first fusion (rms_norm + mul, llama.cpp PR #14800).
FUSED_NORM_RELEASE = (0, 11, 5)
# REFERENCE: src/llama-graph.cpp build_norm: attn_norm and ffn_norm, each rms_norm + mul when unfused.
UNFUSED_NORM_KERNELS_PER_LAYER = 2


def rebuilds_graph(release: tuple[int, int, int] | None, go_engine: bool) -> bool:
    """Whether this Ollama release (None: the one modelled, llama-server) rebuilds the graph every token;
    `go_engine`: the release ran this model on Ollama's own Go engine."""
    if release is None:
        return False
    if go_engine:
        return True
    return release < LLAMA_RUNNER_REUSE_RELEASE


def norms_unfused(release: tuple[int, int, int] | None) -> bool:
    """Whether this Ollama release's vendored ggml ran each weighted RMS norm as two CUDA kernels."""
    return release is not None and release < FUSED_NORM_RELEASE
