"""Ollama before v0.20.4: flash attention of a head size its vendored CUDA kernels lack runs on the CPU.

REFERENCE: ollama/ollama v0.20.3 ml/backend/ggml/ggml/src/ggml-cuda/fattn.cu
`ggml_cuda_get_best_fattn_kernel`: a Q head size outside 40/64/72/80/96/112/128/256/576 returns
BEST_FATTN_KERNEL_NONE, so `ggml_backend_cuda_device_supports_op` refuses that GGML_OP_FLASH_ATTN_EXT and
ggml-backend.cpp's scheduler gives the op to the CPU. Gemma 4's full-attention blocks use head size 512
(`case 512` first appears in the vendored fattn.cu of v0.20.4, the release of e823bff87 "gemma4: enable
flash attention", ollama/ollama#15378, merged 2026-04-07, backporting ggml-org/llama.cpp#20998 as the
earlier ollama/ollama#15332 proposed: "When FA is enabled, these ops silently fall back to CPU").
The op's operands then live in the CPU compute buffer, one block
at a time (ggml-alloc.c reuses them for the next global block): the K and V views of the block's whole
cache, copied from the GPU; the f16 KQ mask (kvcache/causal.go builds it on the host and casts it); the
f32 queries copied in; and the f32 result.

Check: gemma4:26b Q4_K_M on an L40, v0.20.x of 2026-04-07, KvSize 32768, BatchSize 512, flash attention
on, printed "required.CPU.Graph=201326592" (ollama/ollama#15388): 2 x 32,768 cells x 2 KV heads x 512 x
2 B (K, V) + 32,768 x 512 x 2 B (mask) + 2 x 512 x 16 heads x 512 x 4 B (Q, out) = 192 MiB exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines.base import pad

if TYPE_CHECKING:
    from llmsize.estimate.engines.ollama import Ollama
    from llmsize.specs.models import ModelSpec

# REFERENCE: ollama/ollama v0.20.4 (e823bff87, #15378): the vendored fattn.cu gains `case 512`.
D512_RELEASE = (0, 20, 4)
# REFERENCE: v0.20.3 fattn.cu `ggml_cuda_get_best_fattn_kernel`: the Q head sizes it has kernels for.
CUDA_FA_HEAD_DIMS = frozenset({40, 64, 72, 80, 96, 112, 128, 256, 576})
MASK_PAD = 64  # REFERENCE: ggml.h GGML_KQ_MASK_PAD: the mask's token rows padded to 64
F16, F32 = 2, 4


def host_fattn_bytes(eng: Ollama, spec: ModelSpec) -> int:
    """The CPU compute buffer one full-attention block's CPU-run flash attention needs; 0 where the
    release's CUDA kernels cover the head size (or flash attention is off, or the release is v0.20.4+)."""
    release = eng.release()
    hd = spec.global_head_dim
    if release is None or release >= D512_RELEASE or hd is None or hd in CUDA_FA_HEAD_DIMS:
        return 0
    if not eng.flash_attention():
        return 0
    n_ctx = eng.n_ctx()
    n_ub = min(n_ctx, eng.ubatch())
    kv_heads = spec.global_num_kv_heads or spec.num_kv_heads
    heads = spec.global_num_attention_heads or spec.num_attention_heads
    kv_dtype = str(eng.wl.kv_dtype) if eng.wl.kv_dtype is not None else eng.default_kv_dtype("f16")
    elem = eng.kv_element_bytes(kv_dtype)
    kv = 2 * int(n_ctx * kv_heads * hd * elem)
    mask = n_ctx * pad(n_ub, MASK_PAD) * F16
    q_and_out = 2 * n_ub * heads * hd * F32
    return int(kv + mask + q_and_out)
