"""vLLM 0.4's CUDA graphs cover contexts up to max_context_len_to_capture; longer ones decode eagerly.

vLLM 0.4 captured its decode graphs with block tables sized for `max_context_len_to_capture` tokens
(EngineArgs default 8192), and its model runner replayed them only while every sequence fit
(vllm/worker/model_runner.py `ModelRunner._prepare_decode`, v0.4.2: `use_captured_graph = not
enforce_eager and batch_size <= _BATCH_SIZES_TO_CAPTURE[-1] and max_context_len <=
self.max_context_len_to_capture`). A step whose context is longer runs the model's Python forward,
the CPU launching each layer's kernels, exactly as `--enforce-eager` does for the whole run
(speed_eager.py), so it costs that profile's launch time per layer; shorter steps keep the graph
replay. The profile is 0.6.3's V0 step (vllm.SPEED_V0) with that cap; nothing is fitted here.
0.6.3 keeps the cap (vllm_v0_graphs.py) but its eager layer costs only a bare op dispatch per fused
kernel, which hides under the GPU's time: Qwen's 0.6.3 table shows no step past 8,192 tokens. Qwen2's
0.4.2 table does (a 0.5B at 14,336 tokens decodes at a third of its graph speed), so 0.4's eager layer
keeps the borrowed transformers launch time here; the bare-op figure predicts those rows 2.5x fast.
0.4's decode attention is PagedAttention's, one thread block per query head, so a GQA model reads
each KV head n_rep times through the L2 (vllm_paged_gqa.py). An eager layer launches its own kernels:
a routed FFN (router, topk_softmax, moe_align_block_size, two fused_moe GEMMs, silu_and_mul, the sum)
with Qwen2-MoE's shared expert and gate runs 18 where a dense layer runs 10 (speed_profile
FUSED_LAYER_KERNELS), so hardware/decode_time.decode_step counts eager layers in dense-layer equivalents of
kernels. AWQ checkpoints decode through llm-awq's split-K GEMM, not Marlin (vllm_awq_gemm.py).
"""

from __future__ import annotations

from llmsize.estimate.engines.speed_eager import dense_layer_kernels, launch_per_kernel_s
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile
from llmsize.estimate.engines.transformers import LEGACY_SPEED as TRANSFORMERS_LEGACY
from llmsize.estimate.engines.vllm_awq_gemm import AWQ_GEMM_BANDWIDTH
from llmsize.estimate.engines.vllm_speed import SPEED_V0

# REFERENCE: vllm/engine/arg_utils.py (v0.4.2) EngineArgs.max_context_len_to_capture = 8192.
MAX_CONTEXT_LEN_TO_CAPTURE_V04 = 8192


def capped_graph_profile(
    graph: EngineSpeedProfile, eager_reference: EngineSpeedProfile, max_context: int
) -> EngineSpeedProfile:
    """`graph`'s engine whose decode graphs cover `max_context` tokens; longer steps launch eagerly."""
    return graph.model_copy(
        update={
            "engine": "vllm-0.4",
            "version": f"0.4 (V0 engine; CUDA graphs up to {max_context} tokens of context, eager beyond)",
            "graph_max_context": max_context,
            "eager_launch_per_layer_s": launch_per_kernel_s(eager_reference) * dense_layer_kernels(graph),
            # Decode attention is paged_attention_v1/v2, one block per query head (vllm_paged_gqa.py).
            "kv_per_query_head": True,
            # AWQ decodes through llm-awq's split-K GEMM, not Marlin (vllm_awq_gemm.py).
            "kernel_bandwidth": {**graph.kernel_bandwidth, **AWQ_GEMM_BANDWIDTH},
            "sources": (
                *graph.sources,
                "https://github.com/vllm-project/vllm/blob/v0.4.2/vllm/worker/model_runner.py",
                "https://github.com/vllm-project/vllm/blob/v0.4.2/vllm/model_executor/layers/quantization/awq.py",
            ),
        }
    )


SPEED_V04 = capped_graph_profile(
    SPEED_V0, TRANSFORMERS_LEGACY["transformers-4"], MAX_CONTEXT_LEN_TO_CAPTURE_V04
)
CAPPED_SPEED: dict[str, EngineSpeedProfile] = {SPEED_V04.engine: SPEED_V04}
