"""vLLM before awq_marlin decodes AWQ checkpoints with llm-awq's split-K GEMM, which streams slowly on HBM.

Rule. vLLM 0.4.x runs an AWQ linear layer through `AWQLinearMethod.apply_weights`
(vllm/model_executor/layers/quantization/awq.py, v0.4.2): with fewer than 256 tokens in the batch
(`FP16_MATMUL_HEURISTIC_CONDITION = x.shape[:-1].numel() >= 256` is false, i.e. every decode step) it
calls `ops.awq_gemm(x, qweight, scales, qzeros, pack_factor)`, llm-awq's gemm_forward_4bit_cuda kernel
with split_k_iters = 8; only prompts of 256+ tokens dequantize and run torch.matmul. The Marlin path for
AWQ checkpoints (awq_marlin) arrived with vllm-project/vllm PR #6612 (July 2024, 0.5.4), so the 0.6.3
profile's AWQ rows run Marlin and keep the shared int4 share; 0.4's profile gets this kernel's own.

Price. AutoAWQ runs the same kernel at decode (awq/modules/linear/gemm.py WQLinear_GEMM.forward:
`awq_ext.gemm_forward_cuda(x, qweight, scales, qzeros, 8)`), and its benchmark script publishes
batch-1 decode speeds of whole models, from which the kernel's achieved bandwidth follows once the
weights' bytes are counted (`achieved_share`, below):
  * HBM: Llama-2-13B AWQ GEMM on an A800-SXM4-40GB (1,555 GB/s), batch 1, 32-token prompt:
    71.37 decode tokens/s (casper-hansen/AutoAWQ#645, AutoAWQ 0.2.6) -> 0.31 of the datasheet;
  * GDDR: Llama-2-13B AWQ GEMM on an RTX 4090 (1,008 GB/s), batch 1, 64-token prompt: 96.74 decode
    tokens/s (AutoAWQ README, v0.1.6 benchmark table) -> 0.66.
The same card class streams GPTQ through Marlin at 0.68 of HBM (speed_profiles.KERNEL_BANDWIDTH), so on
an A100 the AWQ GEMM decode reads its weights at about half of Marlin's rate; on GDDR the two are close,
as AutoAWQ's RTX 4090 figures and the shared int4 share (0.75) say. Each figure is a whole decode step
(norms, attention and the harness's own time included), so the shares are lower bounds of the kernel's.
None of them is a row of bench/speed_tables.yaml.
"""

from __future__ import annotations

# REFERENCE: meta-llama/Llama-2-13b-hf config.json: 40 layers, hidden 5120, intermediate 13824,
# vocab 32000 (untied head, kept in fp16 by AWQ).
LLAMA2_13B_LAYERS = 40
LLAMA2_13B_HIDDEN = 5120
LLAMA2_13B_INTERMEDIATE = 13824
LLAMA2_13B_VOCAB = 32000
AWQ_GROUP = 128  # q_group_size 128: one fp16 scale and one 4-bit zero per 128 weights of a column
# 16-bit head's share of the datasheet on each class (speed_profiles.KERNEL_BANDWIDTH, '16bit').
HEAD_SHARE = {"hbm": 0.73, "gddr": 0.85}

# REFERENCE: https://github.com/casper-hansen/AutoAWQ/issues/645 (A800-SXM4-40GB, llama2-13b-chat GEMM,
# batch 1, prefill 32: decode 71.37 tokens/s); NVIDIA A800 40GB: 1,555 GB/s.
A800_DECODE_TPS = 71.37
A800_BANDWIDTH = 1555e9
# REFERENCE: https://github.com/casper-hansen/AutoAWQ/blob/main/README.md (RTX 4090, Llama 2 13B GEMM,
# batch 1, prefill 64: decode 96.74 tokens/s); RTX 4090: 1,008 GB/s.
RTX4090_DECODE_TPS = 96.74
RTX4090_BANDWIDTH = 1008e9


def llama2_13b_awq_bytes() -> tuple[float, float]:
    """(AWQ-packed linear bytes, fp16 head bytes) one Llama-2-13B decode step reads."""
    per_layer = 4 * LLAMA2_13B_HIDDEN**2 + 3 * LLAMA2_13B_HIDDEN * LLAMA2_13B_INTERMEDIATE
    params = LLAMA2_13B_LAYERS * per_layer
    packed = params * 0.5 + params / AWQ_GROUP * (2 + 0.5)  # int4 weights, fp16 scales, int4 zeros
    return packed, LLAMA2_13B_VOCAB * LLAMA2_13B_HIDDEN * 2.0


def achieved_share(decode_tps: float, bandwidth: float, device_class: str) -> float:
    """Achieved / datasheet bandwidth of the AWQ GEMM: the packed weights over the step's time, less
    the fp16 head's read at the 16-bit share."""
    packed, head = llama2_13b_awq_bytes()
    seconds = 1 / decode_tps - head / (bandwidth * HEAD_SHARE[device_class])
    return packed / seconds / bandwidth


# Profile entries (EngineSpeedProfile.kernel_bandwidth) for releases that decode AWQ with awq_gemm.
AWQ_GEMM_BANDWIDTH: dict[str, float] = {
    "awq-hbm": round(achieved_share(A800_DECODE_TPS, A800_BANDWIDTH, "hbm"), 3),
    "awq-gddr": round(achieved_share(RTX4090_DECODE_TPS, RTX4090_BANDWIDTH, "gddr"), 3),
}
