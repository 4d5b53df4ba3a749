"""The kernels SGLang's lightning indexer launches in one decode step of a DSA layer (V3.2, GLM-5).

The shared serving count (speed_profile.SERVING_LAYER_KERNELS 'dsa_indexer': 10) follows vLLM's
indexer, which fuses the key's quantization with its cache store and has no Hadamard rotation.
SGLang's decode path runs more, each paying the per-kernel latency of a graph replay
(hardware/speed_constants._latency_layers). Read from sgl-project/sglang
`python/sglang/srt/layers/attention/nsa/nsa_indexer.py` (stored commit 005e8bf8), Indexer.forward_cuda
on a decode batch under CUDA graphs (enable_dual_stream: capture mode and at most
DUAL_STREAM_TOKEN_THRESHOLD tokens), the longer of its two streams:

- the alternate stream, `_get_q_k_bf16`: the wq_b and wk GEMMs (ReplicatedLinear, their block-FP8 input
  quantizations counted by sglang_fp8_act_quant), k_norm (LayerNorm), the rotary embedding, the two
  write-backs of the rotated slices (`query[..., :rope_head_dim] = q_rope`, the same for the key), the
  Hadamard rotation of query and key (`rotate_activation`, sgl_kernel hadamard_transform, two calls),
  then `act_quant` of query and key (two calls): 10;
- the main stream meanwhile runs `_project_and_scale_head_gates` (weights_proj and its scale), shorter;
- after the join: the gate times q_scale and softmax_scale (`weights.unsqueeze(-1) * q_scale *
  self.softmax_scale`, two element-wise kernels), the index-key store (`set_index_k_scale_buffer`),
  DeepGEMM's `fp8_paged_mqa_logits` over the paged index cache, and the top-k (the backend's
  `topk_transform`, `fast_topk_transform_fused`): 5.
The paged-MQA schedule (`get_paged_mqa_logits_metadata`) is computed once a step outside the graph
(nsa_backend.py init_forward_metadata_replay_cuda_graph), not per layer. On ROCm the dual stream is off
(DUAL_STREAM_TOKEN_THRESHOLD is 0 there) and the gate runs unfused (`_get_logits_head_gate` is not
torch.compile'd on HIP), so the count is a lower bound for it.
"""

from __future__ import annotations

# 10 on the alternate stream + 5 after the join (module docstring), the GEMMs' input quantizations apart.
DECODE_KERNELS = 15
# The indexer's block-FP8 linears (wq_b, wk: ReplicatedLinear built with the checkpoint's quant_config);
# weights_proj is built in bf16 whatever the checkpoint (params_dtype=torch.bfloat16 on CUDA).
FP8_LINEARS = 2
