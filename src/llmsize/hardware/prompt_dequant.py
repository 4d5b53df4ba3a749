"""The FP16 weight conversions a prompt pays on llama.cpp CUDA builds before MMQ was the default.

The engine's rule lives in estimate/engines/llama_cpp_cublas_prefill.py; this module only feeds it the
speed model's inputs (hardware types may not be imported by the estimate layer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines.llama_cpp_cublas_prefill import dequant_pass_seconds

if TYPE_CHECKING:
    from llmsize.hardware.gpus import GpuSpec
    from llmsize.hardware.speed import SpeedConstants, SpeedInputs


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
