"""llama.cpp's decode step as ggml graph nodes: how many each part of a block adds, and their cost.

A one-token step of llama.cpp is one ggml graph. Its weight mat-vecs are bound by the bytes they
stream; every node also pays a fixed GPU time (kernel launch and drain, a memory round trip for
its small inputs) that replaying the step as a CUDA graph does not remove: the nodes depend on
each other, so they run one after another. A routed-expert FFN or a Gated DeltaNet mixer adds many
small nodes per block (router, top-k, gathers, normalisation, the per-expert sum, gates, state
updates) for few bytes, which is why MoE and hybrid models decode well below their bandwidth
bound on fast GPUs while dense models do not.

Counted from the graph builders (ggml-org/llama.cpp, read at b9464; views, reshapes, permutes and
transposes allocate nothing and launch nothing, so they are not nodes here):
- src/llama-graph.cpp `build_norm` (LLM_NORM_RMS with a weight): rms_norm + mul = 2; a residual
  ggml_add = 1: 'block' = 3 per sub-block (norm, mixer or FFN, residual).
- attention, the model builders (e.g. src/models/llama.cpp) + `build_attn` + src/llama-kv-cache.cpp
  `cpy_k` / `cpy_v`: q, k, v mul_mat (3), rope of q and k (2), set_rows into the K and V cache (2),
  flash_attn_ext (1), the wo mul_mat (1): 9.
- 'qk_norm': build_norm on Q and on K (src/models/qwen3.cpp, gemma3.cpp, gemma4.cpp): 4.
- 'proj_bias': one ggml_add per biased projection (build_lora_mm with a bias, e.g. qwen2.cpp).
- 'output_gate': gated attention, sigmoid + mul of the output (src/models/qwen3next.cpp,
  qwen35.cpp build_layer_attn): 2.
- 'extra_norm': every hidden-size norm beyond the block's two (Gemma's post-attention and
  post-FFN norms, Gemma 4's pre_norm_2 / post_norm_1 / post_norm_2 around its MoE): 2 each.
- 'dense_ffn', `build_ffn` with a gated activation: up and gate mul_mat, the fused glu op
  (ggml_swiglu_split / ggml_geglu_split), down: 4.
- 'moe_ffn', `build_moe_ffn`: router mul_mat, soft_max, top_k, get_rows of the weights, the
  weight normalisation (sum_rows, clamp, div), mul_mat_id for up and gate, glu, mul_mat_id for down,
  the mul by the weights: 12; 'moe_per_expert': the sum over the k selected experts is k - 1 adds.
- 'shared_expert': build_ffn + its add: 5; 'shared_expert_gate' (Qwen's sigmoid-gated shared
  expert, src/models/qwen3next.cpp / qwen35moe.cpp): mul_mat + sigmoid + mul = 3.
- 'router_norm' (Gemma 4's router input, src/models/gemma4.cpp): rms_norm + scale + mul = 3.
- 'layer_scalar' (Gemma 4's out_scale): mul = 1.
- 'expert_bias' (gpt-oss, src/models/openai-moe-iswa.cpp): add_id after up, gate and down = 3;
  'router_bias': the router's add = 1.
- 'linear_attention' (qwen3next.cpp build_layer_attn_linear with delta-net-base.cpp's fused
  GATED_DELTA_NET), 'mamba' (graph-context-mamba.cpp build_mamba2_layer) and 'conv' (LFM2's short
  conv): 26, 17 and 6, as counted before this module (estimate/engines/llama_cpp.py).
A dense Llama block is therefore 2 x 3 + 9 + 4 = 19 nodes; a Qwen3-MoE block (q/k norms, 8 of 128
experts) 3 x 2 + 9 + 4 + 12 + 7 = 38; a Gemma 4 26B-A4B block (5 extra norms, a dense MLP beside
8 of 128 experts, the router norm and out_scale) 57.

CUDA fuses some neighbours at run time (ggml-cuda.cu ggml_cuda_can_fuse: rms_norm + mul, add
chains, the top-k MoE router), so a node is an average cost, calibrated (as GPU_PER_NODE_S) on the
`fit` rows of bench/speed_tables.yaml with `python bench/speed_validation.py --fit`. On CUDA the
nodes priced are the kernels a build launches after those fusions (llama_cpp_fusion.py).
"""

from __future__ import annotations

# REFERENCE: the counts of the module docstring (ggml-org/llama.cpp src/llama-graph.cpp and src/models/*.cpp).
NODES: dict[str, int] = {
    "block": 3,
    "attention": 9,
    "qk_norm": 4,
    "proj_bias": 1,
    "output_gate": 2,
    "extra_norm": 2,
    "dense_ffn": 4,
    "moe_ffn": 12,
    "moe_per_expert": 1,
    "shared_expert": 5,
    "shared_expert_gate": 3,
    "router_norm": 3,
    "layer_scalar": 1,
    "expert_bias": 3,
    "router_bias": 1,
    "linear_attention": 26,
    "mamba": 17,
    "conv": 6,
}

# Nodes of the dense attention block the per-layer latency of the speed model is calibrated on:
# hardware/speed_constants._extra_nodes prices only the nodes a model runs beyond one such block per layer.
DENSE_LAYER_NODES = 2 * NODES["block"] + NODES["attention"] + NODES["dense_ffn"]

# GPU seconds per graph node beyond a dense block's (CUDA, graphs replayed). Calibrated on the fit rows.
GPU_PER_NODE_S = 3.3e-6
# Device classes whose constants were calibrated on rows that include MoE and hybrid models, so the
# extra nodes' time already sits in them: Apple's Metal per-layer latency (llama_cpp.SPEED
# gpu_per_layer_by_class) and the LPDDR bandwidth share (DGX Spark, Strix Halo rows). The per-node time
# is identified on discrete GDDR cards only; these classes keep their own calibration.
PER_NODE_BY_CLASS: dict[str, float] = {"apple": 0.0, "lpddr": 0.0}

# The kernel counts per block part the Vulkan backend's per-layer latency (llama_cpp_vulkan.py) was
# calibrated with before these node counts: a dense layer 23 (q/k norms or biases inside attention's
# 13), a routed FFN 11 + 1 per further expert, a shared expert 5. Kept for that profile only.
LEGACY_KERNELS: dict[str, int] = {
    "block": 3,
    "attention": 13,
    "linear_attention": 26,
    "mamba": 17,
    "conv": 6,
    "dense_ffn": 4,
    "moe_ffn": 11,
    "moe_per_expert": 1,
    "shared_expert": 5,
}
