"""Ollama's automatic partial offload: the layers it puts on the GPU by itself when a model does not fit.

Unlike llama.cpp run by hand (where -ngl is the user's choice and a model that does not fit fails to
load), Ollama never refuses a model that fits in host RAM: with num_gpu unset it places as many
layers on the GPU as its memory check allows and runs the rest on the CPU (`ollama ps` then prints
"42%/58% CPU/GPU"). Those CPU layers decode at the host's memory bandwidth, so a 70B on a 24 GB card
runs at a few tokens/s instead of failing.

Who decides, by release (ollama/ollama):
- v0.30 and later: Ollama passes no `-ngl` when num_gpu is unset (llm/llama_server.go buildArgs:
  "NumGPU == -1 (default): don't pass -ngl, let llama-server auto-detect"), so llama-server's fitter
  places the layers (llama.cpp common/fit: `--fit on` by default, leaving `fit_params_target`, 1024 MiB
  by default in common/common.h, free on each device).
- v0.12.0-v0.29, models on Ollama's Go engine (runner/ollamarunner): llm/server.go `ollamaServer.Load`
  lays the layers out with what the runner measured at the layout it tried (`buildLayout`: each GPU's
  free memory less MinimumMemory, OLLAMA_GPU_OVERHEAD and the graph it reported), reloading
  (LoadOperationFit) until the layout repeats: the graph of the split itself, op-offload copies and
  all (`fits_by_allocation`; v0.11.5-v0.11.x only with OLLAMA_NEW_ESTIMATES=1).
- before v0.30 otherwise (the llama runner, and every model before v0.12): llm/memory.go
  EstimateGPULayers (from v0.12 the llama runner's `llamaServer.Load`, on the same GraphSize
  estimates) fills each GPU's free memory with whole layers (weights + their KV) after the graph
  (max(graphPartialOffload, graphFullOffload)) and `MinimumMemory` (discover/gpu.go: 457 MiB on CUDA
  and ROCm, 512 MiB on Metal), which stands for the runtime's own context; llmsize's estimate already
  counts that context (its `overhead`), so no further margin is taken there.
The measured paths take the largest count whose split's own estimate fits (need_at,
llama_cpp_placement.largest_fitting): its compute buffer is the partial-offload one, which holds the
op-offload copies of host weights (llama_cpp_op_offload.py), not the full-offload one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.units import GIB, MIB

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: llama.cpp common/common.h `fit_params_target` (1024 MiB per device: the memory --fit
# leaves free); Ollama v0.30+ sets LLAMA_ARG_FIT_TARGET itself only to reserve a vision projector
# (llm/llama_server.go extraEnvsForStart).
FIT_TARGET_BYTES = 1024 * MIB
# REFERENCE: ollama/ollama commit 9db4bdbad (v0.30.0) "runner: Remove CGO engines, use llama-server
# exclusively": the first release whose layers llama-server's fitter places.
FITTER_RELEASE = (0, 30, 0)


# REFERENCE: ollama llm/llama_server.go `mmprojOffloadHeadroom = 1 << 30`; extraEnvsForStart sets
# LLAMA_ARG_FIT_TARGET to the projector's tensor bytes (mmprojMemoryRequirement) + that headroom in place of
# llama.cpp's 1024 MiB when the vision projector goes to the GPU, so the fitter leaves room for it.
MMPROJ_HEADROOM_BYTES = 1 * GIB
# Ollama keeps the vision tower and projector in 16 bits: gemma3:27b's 423 M 'extra' parameters are the
# "795.9 MiB projector" its log prints (ollama/ollama#9818: projector.weights="795.9 MiB").
PROJECTOR_BYTES_PER_PARAM = 2


def projector_bytes(spec: ModelSpec) -> int:
    """Bytes of the vision tower and projector Ollama loads with the model (specs/params.py 'extra')."""
    from llmsize.specs.params import param_inventory

    return PROJECTOR_BYTES_PER_PARAM * sum(g.numel for g in param_inventory(spec) if g.name == "extra")


# REFERENCE: ollama discover/gpu.go cudaMinimumMemory = rocmMinimumMemory = 457 MiB (gpu_darwin.go
# metalMinimumMemory 512 MiB): what llm/memory.go EstimateGPULayers keeps free on a GPU before any layer.
MINIMUM_MEMORY_BYTES = 457 * MIB


def own_estimator_graph_bytes(hidden: int, vocab: int, batch: int) -> int:
    """The compute graph llm/memory.go reserves for a partial offload (before v0.30).

    REFERENCE: ollama fs/ggml/ggml.go (llm/ggml.go before v0.6) GGML.GraphSize, partialOffload: its
    output-layer branch, 4 x batch x (embedding + vocab) + embedding x vocab x 105/128 (the output matrix at
    Q6_K's 6.56 bits), is the larger one for the llama, qwen2, gemma/gemma2/gemma3 and command-r cases at
    today's vocabularies (gemma3:27b: 1.59 GiB, where ollama/ollama#9818 logs memory.graph.partial="1.6 GiB").
    """
    return 4 * batch * (hidden + vocab) + hidden * vocab * 105 // 128


def own_estimator_gptoss_graph_bytes(release: tuple[int, int, int], context: int, parallel: int,
                                    kv_total: int, heads: int, kv_heads: int) -> int:
    """The graph llm/memory.go reserves for gpt-oss (v0.11.x): max(partialOffload, fullOffload) of
    fs/ggml/ggml.go GraphSize's own `case "gptoss"` (not the llama output-layer branch), by release:
    - v0.11.0-v0.11.2 (fa7776fd2): full = 4 x heads / kv_heads x kvTotal / 6, partial = 2 x full;
    - v0.11.3-v0.11.4 (fcec04bf4 "gptoss: fix memory calc"): partial = full;
    - v0.11.5-v0.11.7 (1a19df1f3): partial = 2 x heads / kv_heads x kvTotal / 6, full left 0 (llm/memory.go
      then takes the partial one for both);
    - v0.11.8 on (85ccf7354 "gptoss: enable flash attention by default"): GGML.FlashAttention lists
      gptoss, so EstimateGPULayers turns flash attention on wherever discover's FlashAttentionSupported
      holds (every CUDA/ROCm/Metal GPU in v0.11.8's discover/types.go), and partial =
      (4 x numParallel + (num_ctx x numParallel) >> 10 + 110) MiB.
    kvTotal is the f16 cache of every layer at the whole context x numParallel (the sliding layers' smaller
    caches are computed after it): `kv_total`. gpt-oss-120b at num_ctx 8192: 122 MiB from v0.11.8, 3 GiB
    in v0.11.4, far below what an 80 GB card has left after its 59.7 GiB of weights.
    """
    ratio = heads // max(1, kv_heads)
    if release < (0, 11, 3):
        return 2 * (4 * ratio * kv_total // 6)
    if release < (0, 11, 5):
        return 4 * ratio * kv_total // 6
    if release < (0, 11, 8):
        return 2 * ratio * kv_total // 6
    return (4 * parallel + ((context * parallel) >> 10) + 110) * MIB


# REFERENCE: ollama/ollama v0.12.0 llm/server.go NewLlamaServer returns `&ollamaServer{...}` (the
# allocation-based layout) for a model the Go engine runs; v0.11.5-v0.11.x did so only under
# OLLAMA_NEW_ESTIMATES (envconfig/config.go NewMemoryEstimates), which llmsize takes as unset.
ALLOCATION_FIT_RELEASE = (0, 12, 0)


def fits_by_allocation(release: tuple[int, int, int] | None, model_type: str) -> bool:
    """Whether this release picks the layer count from the memory its engine measured at the split it
    tried (llama-server's --fit from v0.30; the Go engine's layout loop v0.12-v0.29) rather than from
    llm/memory.go's GraphSize estimates."""
    from llmsize.estimate.engines.ollama_sampling import runs_go_engine

    if release is None or release >= FITTER_RELEASE:
        return True
    return release >= ALLOCATION_FIT_RELEASE and runs_go_engine(release, model_type)


def fit_margin_bytes(release: tuple[int, int, int] | None) -> int:
    """Device memory Ollama's layer placement leaves free beyond llmsize's own estimate."""
    if release is not None and release < FITTER_RELEASE:
        return 0  # llm/memory.go: MinimumMemory stands for the runtime context llmsize already counts
    return FIT_TARGET_BYTES


def auto_layers(fitting_layers: int | None, num_layers: int) -> int | None:
    """The layers Ollama runs on the GPU when the whole model does not fit (None: it would not run).

    `fitting_layers` is what the device holds after Ollama's margin (the engine's offload_layers);
    Ollama then runs the rest on the CPU, down to 0 layers (CPU only, llm/memory.go layerCount 0).
    """
    if fitting_layers is None:
        return None
    return max(0, min(num_layers - 1, fitting_layers))
