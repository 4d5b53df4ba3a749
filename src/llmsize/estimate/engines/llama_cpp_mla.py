"""llama.cpp runs an MLA prompt in the absorbed (latent) form, the form other engines keep for decode.

REFERENCE: src/models/deepseek2.cpp llm_build_deepseek2 (ggml-org/llama.cpp; the MLA split of PR #12801,
2025-04): when the GGUF carries the split wk_b / wv_b tensors (hparams.is_mla()), every ubatch, prompt or
decode, maps the query's no-rope part into the latent with wk_b (q_nope_absorbed), scores it against the
cached kv_lora_rank + rope key as one KV head (Kcur = concat(kv_cmpr, k_pe): "MLA with the absorption
optimization converts into MQA"), sums latent values (Vcur = kv_cmpr) and decompresses the result per head
with wv_b (src/llama-graph.cpp build_attn_mha: `kqv = ggml_mul_mat(ctx0, v_mla, kqv)`). So each query-key
pair costs 2·heads·(kv_lora_rank + rope + kv_lora_rank) FLOPs, DeepSeek-V2-Lite's 16 heads x 1,088 against
the 16 x 320 of the decompressed form that vLLM's and SGLang's MLA backends run for a prompt. The wk_b /
wv_b mat-muls cost per token what kv_b_proj's decompression costs, already in the active parameters.

The latent form is one KV head for all query heads (MQA): ggml-cuda's MMA flash attention for it
(fattn-mma-f16.cuh with DKQ 576 / DV 512, PR #13306, #13435) packs the query heads of a token into the
tile's columns, so each K/V tile it loads serves every head, and PR #19057 reuses the K tile as V. Its
FLOP rate is priced on one published timing, not on a bench row: ggml-org/llama.cpp PR #19057's table,
'| RTX 5090 | deepseek2 16B Q4_0 | 512 | pp512@d32768 | 3603.42 |' (build b7818), where the latent
attention is ~85% of the modelled work; LATENT_ATTENTION_SHARE below is the share of the FP16 figure that
reproduces it. The same table's other rows then check it (tests/golden/test_llama_cpp_mla_golden.py):
RTX 5090 at -ub 64 / 128 / 256 and RTX 3090 at -ub 64 / 128, all at that depth. NVIDIA CUDA on GDDR
Ampere and Blackwell cards only (those measured); other devices and backends keep the prefill share.

Not for GGUFs converted before PR #12801 (no wk_b / wv_b: the decompressed MHA path runs) and not for
Ollama's library models of that era (estimate/engines/ollama.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec


# REFERENCE: ggml-org/llama.cpp PR #19057 (RTX 5090, deepseek2 16B Q4_0, -ub 512, pp512@d32768: 3,603.42
# t/s at b7818): the share of the catalog's FP16 rate that reproduces it with the latent form's FLOPs.
LATENT_ATTENTION_SHARE = 0.643
# The architecture and memory class of the cards that table measured (RTX 5090: Blackwell, RTX 3090:
# Ampere, both GDDR cards whose FP16 figure is the FP32-accumulate rate); data-center parts keep the share.
LATENT_ATTENTION_BY_ARCH = {"ampere-gddr": LATENT_ATTENTION_SHARE, "blackwell-gddr": LATENT_ATTENTION_SHARE}


def prompt_runs_absorbed(spec: ModelSpec) -> bool:
    """Whether llama.cpp's graph for `spec` scores a prompt in the latent (absorbed MLA) form."""
    return bool(spec.is_mla and spec.kv_lora_rank)
