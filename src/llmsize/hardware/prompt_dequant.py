"""The weight conversions a prompt pays: FP16 on llama.cpp CUDA builds before MMQ was the default, FP32 for
BF16 weights on llama.cpp SYCL builds that fall back to an FP32 GEMM.

The engine's rule lives in estimate/engines/llama_cpp_cublas_prefill.py; this module only feeds it the
speed model's inputs (hardware types may not be imported by the estimate layer).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from llmsize.estimate.engines.llama_cpp_cublas_prefill import converted_share, dequant_pass_seconds
from llmsize.estimate.engines.llama_cpp_sycl_bf16 import CONVERSION_TRAFFIC

if TYPE_CHECKING:
    from llmsize.hardware.gpus import GpuSpec
    from llmsize.hardware.speed_records import SpeedConstants, SpeedInputs


def prompt_dequant_seconds(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants, tokens: int,
                           chunk: int) -> float:
    """The conversions of a prompt of `tokens` run in ubatches of `chunk` (0 unless the profile converts).

    The weights' count comes from their bytes per weight as a decode step reads them: the multiplied
    weights and the head, not the embedding tables (outside_params: token and per-layer tables, a row
    gather whose bytes read_share skips). Those tables are never converted; the head is, where the engine
    multiplies it on more rows than MMQ keeps (every prompt token: llama_cpp_logits.py). Tables and head
    are spread over the GPUs in the model's proportion (exact on one GPU)."""
    if not c.prefill_dequant_above_tokens:
        return 0.0
    read_params = max(1, inputs.active_params - inputs.outside_params + inputs.head_params)
    bytes_per_param = inputs.active_weight_bytes_per_gpu * inputs.tp * inputs.pp / read_params
    params = inputs.weight_bytes_per_gpu / max(bytes_per_param, 1e-9)
    head_rows = min(chunk, tokens) if inputs.prefill_logits_every_token else 1
    converted_head = inputs.head_params if head_rows > c.prefill_dequant_above_tokens else 0
    gathered = max(0, inputs.outside_params - converted_head) / (inputs.tp * inputs.pp)
    full, rest = divmod(tokens, chunk)
    return dequant_pass_seconds(
        gpu.vendor, gpu.bandwidth_bytes_per_s, c.prefill_dequant_above_tokens, inputs.weight_bytes_per_gpu,
        params, [chunk] * full + ([rest] if rest else []), c.kv_bandwidth_fraction, gathered)


def bf16_fp32_conversion_seconds(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants, tokens: int,
                                 chunk: int) -> float:
    """ggml-sycl's BF16 -> FP32 conversion of every multiplied weight, once per ubatch of `chunk` tokens
    (0 unless the run takes that fallback: estimate/engines/llama_cpp_sycl_bf16.py). Every mat-mul
    converts, the head's one logit row included; the gathered tables do not."""
    if not c.bf16_fp32_gemm or tokens <= 0:
        return 0.0
    read_params = max(1, inputs.active_params - inputs.outside_params + inputs.head_params)
    gathered = max(0, inputs.outside_params - inputs.head_params)
    share = converted_share(read_params + gathered, gathered)
    ubatches = math.ceil(tokens / max(1, chunk))
    bandwidth = gpu.bandwidth_bytes_per_s * c.kv_bandwidth_fraction
    return ubatches * share * inputs.weight_bytes_per_gpu * CONVERSION_TRAFFIC / bandwidth
