"""vLLM's V0 engine (releases before 0.8): where its decode leaves CUDA graphs, and what that costs.

- Graph cap. V0 captures its decode graphs with block tables sized for `max_seq_len_to_capture`
  tokens (EngineArgs and `LLM` default 8192; ModelConfig._verify_cuda_graph clamps it to
  max_model_len), and ModelInputForGPUBuilder._use_captured_graph replays a graph only while
  max_decode_seq_len <= max_seq_len_to_capture (vllm/worker/model_runner.py, 0.6.3). A longer
  context decodes eagerly: the CPU launches every kernel of every layer each step. The V1 engine
  keeps attention outside its piecewise graphs and has no such cap.
- Eager launch cost. V0's decoder layer calls its fused kernels directly, one torch.ops._C call each
  (fused_add_rms_norm, the weight GEMM, rotary_embedding, reshape_and_cache_flash, the flash-attention
  kernel, silu_and_mul; speed_profile.FUSED_LAYER_KERNELS counts 10 a dense layer) with no modelling
  code between them, so one launch costs about one bare PyTorch op dispatch: a direct call's median
  is 3.2 us (pytorch/pytorch#189573, zou3519's benchmark, the figure transformers_wrappers also uses).
  Qwen's vLLM 0.6.3 table checks it: at max_model_len 32768 every prompt of 14,336+ tokens decodes
  eagerly under the cap, yet the steps grow smoothly from 6,144 to 14,336 tokens at every size
  (0.5B: 3.26 -> 3.38 ms, 72B-AWQ on 2 GPUs: 23.2 -> 23.9 ms), and 72B-GPTQ-Int4 on two A100s
  with --enforce-eager (21.6 ms a token) runs as fast as 72B-AWQ with graphs (22.6 ms): an eager layer
  hides under the GPU's own time for the layer (~60 us on the 0.5B). Borrowing transformers' eager
  per-kernel time instead (0.45 ms a layer) made that eager run 47% slow.
"""

from __future__ import annotations

# REFERENCE: vllm/engine/arg_utils.py EngineArgs.max_seq_len_to_capture = 8192 (0.6.3).
V0_MAX_SEQ_LEN_TO_CAPTURE = 8192
# REFERENCE: https://github.com/pytorch/pytorch/issues/189573 (direct_zero_median_us=3.232).
BARE_OP_LAUNCH_S = 3.2e-6


def eager_launch_per_layer(layer_kernels: int) -> float:
    """CPU seconds to launch one V0 decoder layer eagerly: one bare op dispatch per fused kernel."""
    return BARE_OP_LAUNCH_S * layer_kernels
