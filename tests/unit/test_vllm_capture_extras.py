"""What vLLM 0.19's capture_model adds beyond the pool's tensors and the fused kernel count
(vllm_capture_extras.py), checked against the code's own counts and vLLM's logged capture."""

from __future__ import annotations

from llmsize.estimate.engines.vllm import Vllm
from llmsize.estimate.engines.vllm_capture_extras import capture_workspace_bytes, extra_layer_kernels
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve
from llmsize.units import MIB


def test_the_capture_stream_allocates_one_hopper_cublas_workspace() -> None:
    # CublasHandlePool.cpp: 4096 x 8 KiB on compute capability 9.0, keyed by (handle, stream); vLLM's
    # graph_capture opens a new stream. Llama has no linear bias, so no cuBLASLt workspace.
    assert capture_workspace_bytes(resolve("Llama-3.1-8B"), "hopper", has_bias=False) == 32 * MIB
    # Elsewhere the default ":4096:2:16:8" workspace, 8,519,680 bytes.
    assert capture_workspace_bytes(resolve("Llama-3.1-8B"), "ampere", has_bias=False) == 8_519_680


def test_shared_experts_add_the_aux_stream_workspace() -> None:
    # default_moe_runner.py runs shared experts on aux_stream() below 256 tokens: a second workspace.
    dense = capture_workspace_bytes(resolve("Llama-3.1-8B"), "hopper", has_bias=False)
    shared = capture_workspace_bytes(resolve("DeepSeek-V2-Lite"), "hopper", has_bias=False)
    routed_only = capture_workspace_bytes(resolve("Mixtral-8x7B"), "hopper", has_bias=False)
    assert shared == 2 * dense
    assert routed_only == dense


def test_extra_kernels_are_the_gate_and_the_triton_routing() -> None:
    # qwen2_moe.py Qwen2MoeMLP.forward: gate GEMM, sigmoid, mul in each of the 24 MoE layers.
    assert extra_layer_kernels(resolve("Qwen1.5-MoE-A2.7B"), triton_mxfp4_moe=False) == 3 * 24
    # gpt-oss's 24 MoE layers through triton_kernels: 10 launches against fused_moe's 7.
    assert extra_layer_kernels(resolve("gpt-oss-20b"), triton_mxfp4_moe=True) == 3 * 24
    assert extra_layer_kernels(resolve("gpt-oss-20b"), triton_mxfp4_moe=False) == 0
    # No gate, no triton_kernels: nothing beyond the fused count.
    assert extra_layer_kernels(resolve("DeepSeek-V2-Lite"), triton_mxfp4_moe=False) == 0
    assert extra_layer_kernels(resolve("Llama-3.1-8B"), triton_mxfp4_moe=False) == 0


def test_gpt_oss_pool_on_hopper_counts_the_triton_routing() -> None:
    # The MXFP4 experts take triton_kernels only on Hopper ("Using 'TRITON' Mxfp4 MoE backend" in the
    # llm-d-planner PR #205 log); with Marlin the routing is fused_moe's, so fewer nodes.
    spec = resolve("gpt-oss-20b")

    def pool(backend: str) -> int:
        wl = Workload(engine="vllm", max_num_seqs=1024, max_num_batched_tokens=8192,
                      gpu_architecture="hopper", mxfp4_moe_backend=backend)
        return Vllm(wl).cuda_graph_bytes(spec, 2)

    triton, marlin = pool("triton"), pool("marlin")
    assert triton > marlin


def test_gpt_oss_tp1_pool_matches_the_published_capture() -> None:
    # llm-d-planner PR #205, openai-gpt-oss-20b tp1 log (vLLM 0.19.0, H100): "Graph capturing finished in
    # 40 secs, took 1.84 GiB". Before the capture-stream workspace and the triton_kernels routing were
    # counted llmsize gave 1.64 GiB (-10.9%).
    spec = resolve("gpt-oss-20b")
    wl = Workload(engine="vllm", max_num_seqs=1024, max_num_batched_tokens=8192, gpu_architecture="hopper",
                  mxfp4_moe_backend="triton")
    published = 1.84 * 2**30
    assert abs(Vllm(wl).cuda_graph_bytes(spec, 2) / published - 1) < 0.05
