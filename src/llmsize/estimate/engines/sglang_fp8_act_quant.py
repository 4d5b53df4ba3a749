"""SGLang's block-FP8 mat-muls quantize their input in a kernel of their own: one more kernel each.

A decode step's small-kernel latency is counted per kernel (hardware/speed_constants._latency_layers: each
kernel of a block pays the engine's per-layer latency spread over a dense layer's kernels). A 16-bit linear
layer is one GEMM. A linear layer of a block-FP8 checkpoint (DeepSeek-V3/R1, Qwen3 / Qwen3.5 -FP8: 8-bit
weights with one fp32 scale per 128 x 128 tile) is two kernels in SGLang: every backend
`dispatch_w8a8_block_fp8_linear` picks first quantizes the activation per 1 x 128 group
(`sglang_per_token_group_quant_fp8`), then runs the grouped-scale GEMM (python/sglang/srt/layers/
quantization/fp8_utils.py: `flashinfer_gemm_w8a8_block_fp8_linear`, `cutlass_w8a8_block_fp8_linear_
with_fallback`, `deepgemm_w8a8_block_fp8_linear_with_fallback`, `triton_w8a8_block_fp8_linear`). The
Triton fused MoE does the same before each of its two expert GEMMs (layers/moe/fused_moe_triton/
fused_moe.py `invoke_fused_moe_kernel`, use_fp8_w8a8 with a block_shape). So per block part:

- attention: the fused qkv_proj and o_proj (2); MLA: fused_qkv_a_proj_with_mqa, q_b_proj, o_proj (3;
  the absorbed W_UK / W_UV bmm's are not counted: their FP8 path depends on DeepGEMM, deepseek_v2.py
  `forward_absorb_prepare`);
- a Gated DeltaNet mixer: in_proj_qkvz and out_proj (2; in_proj_ba is left out, small and not always
  quantized);
- a dense FFN or a shared expert: gate_up_proj and down_proj (2 each);
- a routed FFN: the fused MoE's two input quantizations (2);
- DSA's lightning indexer (V3.2, GLM-5): wq_b and wk (2; sglang_dsa_kernels.py).

The quantize kernels carry a few KiB of activations: they cost latency, not bytes. Routers and the
LM head stay 16-bit. Per-tensor and per-channel FP8 (group -1 or none) quantize per tensor or token
inside the GEMM's own path and are not counted here. A checkpoint whose routed experts are another
format (NVFP4 / MXFP4 experts, `WeightFormat.expert_quant`) counts only its FP8 layers.

Checked against published rows that are not held out: SGLang 0.5 cookbook cells on B200 / B300
(sgl-project/sglang PR #32323, concurrency 1) priced FP8 Qwen3.5-397B steps 5% fast where its BF16
cells were priced 1-8% slow, and InferenceX's SGLang v0.5.7 DeepSeek-R1 FP8 TPOT on 8 x H200
(SemiAnalysisAI/InferenceX#870, the fit rows at concurrency 8 / 32) 13-14% fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate import quant_formats as qf
from llmsize.estimate.engines import sglang_dsa_kernels
from llmsize.estimate.engines.speed_profile import SERVING_LAYER_KERNELS
from llmsize.estimate.layer_parts import layer_parts
from llmsize.estimate.weights import effective_format
from llmsize.specs.models import QuantMethod

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat

PART = "fp8_act_quant"  # the layer part SGLang's kernel table charges one kernel for
# Quantize kernels per block part of a block-FP8 checkpoint (module docstring).
QUANT_KERNELS: dict[str, int] = {
    "attention": 2, "mla": 3, "linear_attention": 2, "dense_ffn": 2, "shared_expert": 2, "moe_ffn": 2,
    "dsa_indexer": sglang_dsa_kernels.FP8_LINEARS}
EXPERT_PARTS = frozenset({"moe_ffn"})


def block_fp8(fmt: WeightFormat | None) -> bool:
    """Whether a format is FP8 with per-block scales (the default 128 x 128 tile; group -1 is per channel)."""
    if fmt is None or fmt.quant != QuantMethod.FP8:
        return False
    group = qf.default_group(fmt)
    return group is not None and group > 0


def act_quant_kernels(parts: dict[str, int], fmt: WeightFormat) -> int:
    """Input-quantize kernels one decode step of a model with these block parts runs in SGLang."""
    if not block_fp8(fmt):
        return 0
    experts_fp8 = fmt.expert_quant is None or fmt.expert_quant == QuantMethod.FP8
    return sum(QUANT_KERNELS.get(part, 0) * n for part, n in parts.items()
               if part not in EXPERT_PARTS or experts_fp8)


# SGLang 0.5's kernel table: the serving counts, its own lightning indexer's (sglang_dsa_kernels.py),
# plus one kernel per input quantization.
LAYER_KERNELS: dict[str, int] = {
    **SERVING_LAYER_KERNELS, "dsa_indexer": sglang_dsa_kernels.DECODE_KERNELS, PART: 1}


def extra_parts(spec: ModelSpec, wl: Workload) -> dict[str, int]:
    """The input-quantize kernels of this run's weights as a layer part ({} for other formats)."""
    fmt, _ = effective_format(spec, wl)
    kernels = act_quant_kernels(layer_parts(spec), fmt)
    return {PART: kernels} if kernels else {}
