"""The `--attention-backend` names vLLM and SGLang accept at launch: a name that is not one of them makes
the engine refuse to start, so llmsize refuses it too (exit 2) instead of sizing a run that never starts.

vLLM: vllm/config/attention.py AttentionConfig.validate_backend_before turns the string into
`AttentionBackendEnum[value.upper()]` ('auto' is None: the engine's own pick), and the enum's metaclass
(vllm/v1/attention/backends/registry.py _AttentionBackendEnumMeta.__getitem__) raises
"Unknown attention backend: '...'. Valid options are: ..." for any other name. The names below are that
enum's members, plus those of the earlier `_Backend` enum (vllm/platforms/interface.py, vllm/attention/
selector.py, 0.4-0.10) so that a run pinned to an older release is not refused for its own names.
Case does not matter (value.upper()).

SGLang: python/sglang/srt/server_args.py declares `--attention-backend` with
`choices=ATTENTION_BACKEND_CHOICES`, so argparse exits 2 on any other name; argparse compares exactly,
so the names are lower case as SGLang spells them (case-sensitive).
"""

from __future__ import annotations

VLLM_NAMES = frozenset({
    # vllm/v1/attention/backends/registry.py AttentionBackendEnum
    "FLASH_ATTN", "FLASH_ATTN_DIFFKV", "TRITON_ATTN", "ROCM_ATTN", "ROCM_AITER_MLA", "ROCM_AITER_TRITON_MLA",
    "ROCM_AITER_FA", "ROCM_AITER_MLA_SPARSE", "XPU_MLA_SPARSE", "TORCH_SDPA", "FLASHINFER", "FLASHINFER_MLA",
    "FLASHINFER_MLA_SPARSE", "TRITON_MLA", "TRITON_MLA_SPARSE", "CUTLASS_MLA", "FLASHMLA", "FLASHMLA_SPARSE",
    "FLASH_ATTN_MLA", "NO_ATTENTION", "FLEX_ATTENTION", "TREE_ATTN", "ROCM_AITER_UNIFIED_ATTN", "CPU_ATTN",
    "TURBOQUANT", "CUSTOM",
    # the earlier _Backend enum (vllm/platforms/interface.py, vllm/attention/backends/registry.py)
    "FLASH_ATTN_VLLM_V1", "TRITON_ATTN_VLLM_V1", "XFORMERS", "ROCM_FLASH", "ROCM_AITER_MLA_VLLM_V1",
    "OPENVINO", "HPU_ATTN", "PALLAS", "PALLAS_VLLM_V1", "IPEX", "BLOCK_SPARSE_FLASH_ATTN",
    "DUAL_CHUNK_FLASH_ATTN", "DIFFERENTIAL_FLASH_ATTN",
    "AUTO",  # validate_backend_before: 'auto' is the engine's own pick
})

SGLANG_NAMES = frozenset({
    # python/sglang/srt/server_args.py ATTENTION_BACKEND_CHOICES (union over releases)
    "triton", "torch_native", "flex_attention", "dsa", "nsa", "dsv4", "compressed", "cutlass_mla", "fa3",
    "fa4", "flashinfer", "flashmla", "trtllm_mla", "cutedsl_mla", "tokenspeed_mla", "trtllm_mha",
    "dual_chunk_flash_attn", "hpc_ops", "minicpm_flashattn", "minicpm_flashinfer", "aiter", "wave",
    "intel_amx", "ascend", "intel_xpu", "mlu",
})


def _shown(name: str) -> str:
    return repr(name if len(name) <= 40 else name[:40] + "...")


def vllm_problem(name: str | None) -> str | None:
    """Why vLLM would refuse this --attention-backend at startup (None: it takes it)."""
    if name is None or name.upper() in VLLM_NAMES:
        return None
    return (f"--attention-backend {_shown(name)} is not a vLLM attention backend: vLLM refuses it at startup "
            f"(Unknown attention backend; e.g. FLASH_ATTN, FLASHINFER, TRITON_ATTN, ROCM_ATTN, "
            f"ROCM_AITER_FA)")


def sglang_problem(name: str | None) -> str | None:
    """Why SGLang's argparse would refuse this --attention-backend (None: it takes it)."""
    if name is None or name in SGLANG_NAMES:
        return None
    return (f"--attention-backend {_shown(name)} is not an SGLang attention backend: its argparse "
            f"choices refuse it (e.g. flashinfer, fa3, triton, aiter, torch_native)")
