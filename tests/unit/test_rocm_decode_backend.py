"""vLLM's and SGLang's decode-attention choice on CDNA3 (estimate/engines/rocm_decode_backend.py), rule by
rule against the engines' code: vllm/platforms/rocm.py use_rocm_custom_paged_attention (0.19: head 64/128,
no sliding window, GQA 1-16, max_seq_len <= 128 * 1024, no sinks), v1/attention/backends/rocm_attn.py
get_supported_head_sizes (32-256); SGLang server_args._get_default_attn_backend ('aiter' on HIP)."""

from __future__ import annotations

from llmsize.estimate.engines.rocm_decode_backend import sglang_decode, speed_profile, vllm_decode
from llmsize.specs.resolve import resolve


def test_rocm_attn_falls_back_to_triton_outside_the_hip_kernels_shapes() -> None:
    phi = resolve("Phi-3.5-mini-instruct")  # head 96: ROCM_ATTN takes it, the HIP kernel does not
    assert phi.head_dim == 96
    choice = vllm_decode(phi, "cdna3", None, None, 4096)
    assert choice is not None and choice.backend == "ROCM_ATTN" and choice.triton
    llama = resolve("Llama-3.1-8B-Instruct")
    assert not vllm_decode(llama, "cdna3", None, None, 128 * 1024).triton  # type: ignore[union-attr]
    assert vllm_decode(llama, "cdna3", None, None, 128 * 1024 + 1).triton  # type: ignore[union-attr]


def test_named_backends_win_and_other_gpus_are_left_alone() -> None:
    llama = resolve("Llama-3.1-8B-Instruct")
    assert vllm_decode(llama, "cdna3", None, "triton_attn", 4096).triton  # type: ignore[union-attr]
    assert vllm_decode(llama, "hopper", None, "TRITON_ATTN", 4096) is None
    assert sglang_decode(llama, "cdna3", None).backend == "aiter"  # type: ignore[union-attr]
    assert sglang_decode(llama, "ampere", "triton") is None
    assert vllm_decode(resolve("DeepSeek-V3"), "cdna3", None, None, 4096) is None  # MLA: not priced


def test_only_releases_with_a_triton_twin_switch_profile() -> None:
    choice = vllm_decode(resolve("gpt-oss-120b"), "cdna3", (0, 12), None, 4096)
    assert choice is not None and choice.triton
    assert speed_profile("vllm-0.13", choice) == "vllm-0.13-triton-attention"
    assert speed_profile("vllm-moe-untuned", choice) == "vllm-moe-untuned"
    assert speed_profile("vllm", None) == "vllm"


def test_decode_graphs_captured_at_a_long_max_model_len_take_the_triton_kernel() -> None:
    """vLLM 0.11+ replays decode steps as full CUDA graphs captured with max_seq_len = max_model_len
    (v1/worker/gpu_model_runner.py _build_attention_metadata, for_cudagraph_capture; read in 0.17.0 and
    0.20.0), so use_rocm_custom_paged_attention's 'max_seq_len <= 128 * 1024' is checked against the window:
    Ministral 3's derived 262,144 tokens bake the Triton paged_attention_2d into every decode graph, even for
    2,048-token requests (vllm-project/recipes PR #443: Ministral-3-8B-Reasoning-2512 on one MI300X, TPOT
    11.88 ms at concurrency 32, where Qwen3-8B of the same shape (max 40,960) reads 9.42 ms, PR #431)."""
    ministral = resolve("Ministral-3-8B-Reasoning-2512")
    choice = vllm_decode(ministral, "cdna3", None, None, 2048, 262_144)
    assert choice is not None and choice.backend == "ROCM_ATTN" and choice.triton
    assert "max_model_len 262,144" in choice.why
    assert not vllm_decode(ministral, "cdna3", None, None, 2048, 32_768).triton  # type: ignore[union-attr]
    # 0.10's default cudagraph_mode is PIECEWISE: attention runs outside the graphs, at the batch's length
    assert not vllm_decode(ministral, "cdna3", (0, 10), "ROCM_ATTN", 2048, 262_144).triton  # type: ignore[union-attr]
    llama = resolve("Llama-3.1-8B-Instruct")  # derived 131,072 = 128 x 1024: still the HIP kernel
    assert not vllm_decode(llama, "cdna3", None, None, 2048, 131_072).triton  # type: ignore[union-attr]
