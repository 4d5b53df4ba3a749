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
