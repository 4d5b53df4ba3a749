"""What vLLM 0.19's capture_model adds that the largest capture's tensors and the fused kernel count miss.

"Graph capturing finished in N secs, took X GiB" is the drop in free memory over capture_model
(vllm_graph_pool.py). Besides the pool's tensors and the driver memory of each graph's kernel nodes, it
holds:

1. The capture stream's cuBLAS workspace. `graph_capture` (vllm/distributed/parallel_state.py
   GroupCoordinator.graph_capture) opens a new `torch.cuda.Stream()` for the capture, and PyTorch keys
   its cuBLAS workspace by (handle, stream) (aten/src/ATen/cuda/CublasHandlePool.cpp
   `getCurrentCUDABlasHandle`, `cublas_handle_stream_to_workspace`): the first GEMM of the first
   warm-up on that stream allocates a fresh one through the caching allocator, 32 MiB on compute
   capability 9.0, plus the cuBLASLt one where a linear layer has a bias (vllm_sampler.blas_workspace_bytes).
   vLLM's own per-mode estimate in the same logs shows it: the PIECEWISE first capture of a dense model is
   its largest capture's activations twice plus ~32 MiB plus one graph set (Llama-3.1-8B 138 MiB =
   100 + 32 + 6; Phi-4 156; Granite-3.1-8B 124; Llama-3.1-8B at TP 2 96 = 58 + 32 + 6).
2. The shared-expert stream's cuBLAS workspace. A MoE layer with shared experts runs them on a second
   stream (fused_moe/runner/default_moe_runner.py: `aux_stream()`), but only for batches of at most
   VLLM_SHARED_EXPERTS_STREAM_TOKEN_THRESHOLD = 256 tokens (`forward_impl`, vllm/envs.py). The profile
   run (8,192 tokens) and vLLM's graph-memory profile (the 512 and 496 captures) never go below it, and
   no warm-up size is left to run before capture_model (gpu_worker.compile_or_warm_up_model: every
   compile range holds a capture size), so the 256 capture's warm-up allocates that stream's workspace.
3. Kernels the fused layer count (speed_profile.FUSED_LAYER_KERNELS) does not list, run inside the MoE
   custom op (`moe_forward_shared` / `moe_forward`, opaque to Inductor), so captured in both the FULL and
   the PIECEWISE graphs:
   - Qwen2-MoE's shared-expert gate (vllm/model_executor/models/qwen2_moe.py Qwen2MoeMLP.forward:
     `F.sigmoid(self.expert_gate(x)[0]) * out`): the gate's GEMM, the sigmoid and the product, 3;
   - MXFP4 experts through triton_kernels on Hopper (fused_moe/gpt_oss_triton_kernels_moe.py
     `triton_kernel_moe_forward`, the "TRITON" backend the gpt-oss logs print): the routing is not one
     topk_softmax + moe_align_block_size pair but `topk` (_topk_forward), the bitmatrix metadata
     (triton_kernels tensor.py `make_bitmatrix_metadata`: _sum_bitmatrix_rows and two metadata stages),
     `make_ragged_tensor_metadata` and the gate-scale gather, then the two matmul_ogs (SwiGLU fused
     into the first): 3 launches a layer beyond the fused_moe sequence's 7.
Every count is read from code; no byte figure is fitted here (the node bytes are vllm_graph_pool.py's).
"""

from __future__ import annotations

from llmsize.estimate.engines.vllm_profile_run import has_linear_bias
from llmsize.estimate.engines.vllm_sampler import blas_workspace_bytes
from llmsize.estimate.layer_parts import layer_parts
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec, QuantMethod

# REFERENCE: vllm/model_executor/models/qwen2_moe.py Qwen2MoeMLP.forward: expert_gate GEMM, sigmoid, mul.
SHARED_EXPERT_GATE_KERNELS = 3
# REFERENCE: vllm fused_moe/gpt_oss_triton_kernels_moe.py + triton_kernels (topk.py, tensor.py,
# matmul_ogs.py): router GEMM, _topk_forward, _sum_bitmatrix_rows, two bitmatrix metadata stages, the
# ragged-tensor metadata, the gate-scale gather, two matmul_ogs = 10 against fused_moe's 7.
TRITON_MXFP4_MOE_EXTRA_KERNELS = 3


def capture_workspace_bytes(spec: ModelSpec, architecture: str | None, has_bias: bool) -> int:
    """cuBLAS workspaces capture_model's streams allocate: the capture stream's, and the shared-expert
    stream's in a MoE model with shared experts (first used below 256 tokens)."""
    streams = 1 + (1 if spec.num_experts and spec.num_shared_experts else 0)
    return streams * blas_workspace_bytes(architecture, has_bias)


def extra_layer_kernels(spec: ModelSpec, triton_mxfp4_moe: bool) -> int:
    """Kernels, over all layers, each FULL and each PIECEWISE graph replays beyond the fused count."""
    parts = layer_parts(spec)
    gated = parts.get("shared_expert_gate", 0)
    triton = parts.get("moe_ffn", 0) if triton_mxfp4_moe else 0
    return SHARED_EXPERT_GATE_KERNELS * gated + TRITON_MXFP4_MOE_EXTRA_KERNELS * triton


def capture_extras(spec: ModelSpec, wl: Workload) -> tuple[int, int]:
    """(cuBLAS workspace bytes, extra kernels over all layers) of vLLM's capture on this workload: the
    MXFP4 experts go through triton_kernels where vllm_mxfp4.py picks the "triton" backend (Hopper)."""
    triton = spec.weight_format.quant == QuantMethod.MXFP4 and wl.mxfp4_moe_backend == "triton"
    workspaces = capture_workspace_bytes(spec, wl.gpu_architecture, has_linear_bias(spec))
    return workspaces, extra_layer_kernels(spec, triton)
