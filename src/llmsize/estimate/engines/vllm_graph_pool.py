"""vLLM 0.19's CUDA-graph pool: the largest capture's buffers plus what each captured graph keeps.

"Graph capturing finished in N secs, took X GiB" is the drop in free device memory over
`GPUModelRunner.capture_model` (vllm/v1/worker/gpu_model_runner.py). Under the default
CUDAGraphMode.FULL_AND_PIECEWISE, `_capture_cudagraphs` runs every size of `cudagraph_capture_sizes`
twice, largest first, into one shared graph pool:
- PIECEWISE: the Inductor-compiled forward split at each attention op (vllm/compilation/backends.py
  `split_graph`), one CUDAGraphWrapper graph per piece between splits: every kernel of a layer but the
  attention op's own (reshape_and_cache and the attention kernel);
- FULL: one graph of the whole decode forward, attention included.
Sizes (vllm/config/vllm.py `_set_cudagraph_sizes`): 1, 2, 4, then every 8 up to 256, then every 16 up
to max_cudagraph_capture_size (min(2 x max_num_seqs, 512)): 51 sizes at 512, 83 at 1024, the size
GptOssForCausalLMConfig.verify_and_update_config (vllm/model_executor/models/config.py) sets for gpt-oss.

Because the largest size is captured first and smaller ones reuse its blocks (capture_model: "Capture
the large shapes first so that the smaller shapes can reuse the memory pool"), the pool's tensors are
those of the largest capture (Vllm.cuda_graph_bytes): its activations twice, since
`_warmup_and_capture` runs an eager `_dummy_run` before each capture and the caching allocator keeps
that run's blocks until the `empty_cache` after capture_model has read the free memory, and
FlashAttention-3's split accumulators of the largest FULL capture (vllm_fa_splits.py). No logits:
`_dummy_run` returns hidden states and the sampler warm-up runs after capture_model. What grows with
the number of graphs is the driver's per-node state of each instantiated graph (cudaGraphInstantiate
keeps kernel parameters and launch descriptors in device memory): the graph's kernel nodes, counted here from
speed_profile.FUSED_LAYER_KERNELS (the kernels a compiled decode step replays per block part).

Bytes a kernel node: NVIDIA/cccl PR #3768 ("CUDA graph consumes around 10KB per kernel node") gives
the order; the value used, 18.75 KB, is the one measured constant, read from a single row: Llama-3.1-8B
at TP 1 on an H100 (llm-d-planner PR #205 log, "Graph capturing finished in 3 secs, took 0.91 GiB")
after its two activation sets, its split accumulators and the capture stream's 32 MiB cuBLAS
workspace (vllm_capture_extras.py; 20 KB before that workspace was counted, 22 KB when the pool was
priced with fp32 logits, which vLLM does not capture). The 14 other rows of tests/golden/engine_logs.yaml
(`vllm-*-graph-pool`) are held out. The tensor-parallel all-reduce adds no node the data shows
(Llama-3.1-8B at TP 1/2/4 keep ~0.38 MiB a layer a size), so none is counted.
"""

from __future__ import annotations

from llmsize.estimate.engines.speed_profile import FUSED_LAYER_KERNELS
from llmsize.estimate.layer_parts import layer_parts
from llmsize.specs.models import ModelSpec

# REFERENCE: NVIDIA/cccl PR #3768 (~10 KB a kernel node, order of magnitude); fitted on the
# llm-d-planner PR #205 Llama-3.1-8B TP 1 H100 row only (0.91 GiB), see the module docstring.
NODE_BYTES = 19_200
# REFERENCE: vllm/compilation/backends.py split_graph: the attention op (unified_attention_with_output,
# and the MLA backend's forward, whose W_UK / W_UV absorption bmm's run inside it) stays outside the
# PIECEWISE graphs: reshape_and_cache (concat_and_cache_mla) + the attention kernel, plus MLA's 2 bmm's.
ATTENTION_OP_KERNELS = {"attention": 2, "mla": 4}
# Outside the layers: the embedding gather and the final norm, in both modes.
HEAD_KERNELS = 2
# REFERENCE: vllm/model_executor/models/config.py GptOssForCausalLMConfig.verify_and_update_config
# ("Overriding max cuda graph capture size to 1024 for performance").
GPT_OSS_MAX_CAPTURE = 1024
GPT_OSS_ARCHITECTURE = "GptOssForCausalLM"


def capture_sizes(max_size: int) -> list[int]:
    """`_set_cudagraph_sizes`' default list: 1, 2, 4, every 8 to 256, every 16 beyond, up to max_size."""
    sizes = [1, 2, 4, *range(8, 257, 8), *range(272, max(max_size, 256) + 1, 16)]
    return [s for s in sizes if s <= max_size]


def max_capture(spec: ModelSpec, default: int) -> int:
    """The largest capture size: gpt-oss raises vLLM's default to 1024 when none is given."""
    return GPT_OSS_MAX_CAPTURE if spec.architecture == GPT_OSS_ARCHITECTURE else default


def graph_nodes(spec: ModelSpec, layers_on_rank: int, extra: int = 0) -> tuple[int, int]:
    """Kernel nodes of one size's (FULL, PIECEWISE) graphs on a rank holding `layers_on_rank` layers;
    `extra`: kernels over all layers both graphs replay beyond the fused count (vllm_capture_extras.py)."""
    parts = layer_parts(spec)
    k = FUSED_LAYER_KERNELS
    per_expert = max(0, spec.num_experts_per_tok - 1) * k["moe_per_expert"]
    full = sum(k.get(p, 0) * n for p, n in parts.items()) + per_expert * parts.get("moe_ffn", 0) + extra
    outside = sum(ATTENTION_OP_KERNELS.get(p, 0) * n for p, n in parts.items())
    share = layers_on_rank / max(1, spec.num_layers)
    return round(full * share) + HEAD_KERNELS, round((full - outside) * share) + HEAD_KERNELS


def nodes_per_size(spec: ModelSpec, layers_on_rank: int, extra: int = 0) -> int:
    """Kernel nodes of the FULL and the PIECEWISE graphs of one capture size on one rank."""
    return sum(graph_nodes(spec, layers_on_rank, extra))


def graph_node_bytes(spec: ModelSpec, layers_on_rank: int, max_size: int, decode_tokens: int | None = None,
                     query: int = 1, modes: tuple[bool, bool] = (True, True), extra: int = 0) -> int:
    """The driver memory the instantiated FULL and PIECEWISE graphs of every capture size keep.

    PIECEWISE graphs are captured at every size; FULL decode graphs only at sizes from `query` (1 +
    speculative tokens) up to `decode_tokens` = max_num_seqs x query (vllm/v1/cudagraph_dispatcher.py
    filters the uniform-decode sizes so). `modes` = (FULL, PIECEWISE) captured (vllm_cudagraph_mode.py).
    """
    sizes = capture_sizes(max_size)
    top = max_size if decode_tokens is None else decode_tokens
    full_sizes = sum(1 for s in sizes if query <= s <= top) if modes[0] else 0
    full, piecewise = graph_nodes(spec, layers_on_rank, extra)
    return (full_sizes * full + (len(sizes) if modes[1] else 0) * piecewise) * NODE_BYTES
