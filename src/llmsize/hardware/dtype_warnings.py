"""Warnings (not errors) for precisions a GPU cannot run natively, with the engines' fallback."""

from __future__ import annotations

from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.speed_dtype import _weight_format, speed_dtype
from llmsize.specs.models import ModelSpec, QuantMethod

# REFERENCE: vLLM runs FP8 checkpoints on GPUs without FP8 tensor cores (compute capability < 8.9)
# as weight-only FP8 through the FP8 Marlin kernel, activations in 16 bit
# (https://docs.vllm.ai/en/latest/features/quantization/fp8.html); transformers' fine-grained FP8
# integration needs FP8 hardware and otherwise dequantizes the weights to bf16 on load.
FP8_FALLBACK = ("{gpu} has no FP8 tensor cores: vLLM runs these FP8 weights weight-only through its "
                "FP8 Marlin kernel (weights stay 8-bit, matmuls in 16-bit, no FP8 speed-up); "
                "transformers upcasts them to bf16 on load, doubling the weight memory")
# REFERENCE: vLLM refuses bfloat16 below compute capability 8.0 ("Bfloat16 is only supported on GPUs
# with compute capability of at least 8.0 ... use float16 instead", vllm/platforms/cuda.py).
BF16_FALLBACK = ("{gpu} has no native bf16: vLLM refuses it and PyTorch emulates it slowly; "
                 "use --dtype fp16 (engines pick float16 on this GPU)")
# Other vendors' stacks (ROCm, Metal/MLX, llama.cpp) convert on load; say so without CUDA specifics.
FP8_FALLBACK_OTHER = ("{gpu} has no FP8 tensor cores: engines keep FP8 weights only as storage and "
                      "compute in 16-bit, or convert them to 16-bit on load (doubling the weight memory)")
BF16_FALLBACK_OTHER = ("{gpu} lists no native bf16 arithmetic: engines compute in fp16 or convert the "
                       "weights on load; --dtype fp16 describes that run")


def dtype_warnings(spec: ModelSpec, wl: Workload, gpu: GpuSpec) -> list[str]:
    """Warnings (not errors) for precisions the GPU cannot run natively, with the engines' fallback."""
    out = []
    dtype, quant = _weight_format(spec, wl)
    asked_fp8 = wl.dtype is not None and str(wl.dtype) == "fp8"
    wants_fp8 = quant == QuantMethod.FP8 or dtype == "fp8" or asked_fp8
    nvidia = gpu.vendor == "nvidia"
    if wants_fp8 and not gpu.supports("fp8"):
        out.append((FP8_FALLBACK if nvidia else FP8_FALLBACK_OTHER).format(gpu=gpu.id))
    compute = speed_dtype(spec, wl)
    if compute == "bf16" and not gpu.supports("bf16") and _engine_compute(wl, dtype) == "bf16":
        out.append((BF16_FALLBACK if nvidia else BF16_FALLBACK_OTHER).format(gpu=gpu.id))
    from llmsize.hardware.bnb_apple import bnb_apple_warning

    bnb = bnb_apple_warning(quant, gpu)
    if bnb is not None:
        out.append(bnb)
    if gpu.memory.unified and gpu.memory.gpu_share:
        out.append(f"{gpu.id}: unified memory, of which the GPU may use {gpu.memory.gpu_share:.0%} "
                   "(gpu_share in its GPU file)")
    elif gpu.memory.unified and gpu.memory.limit_rule is not None:
        from llmsize.hardware.unified import rule_note

        out.append(f"{gpu.id}: {rule_note(gpu.memory.limit_rule)}")
    return out


def _engine_compute(wl: Workload, dtype: str) -> str:
    """The dtype the engine computes a bf16 model in: llama.cpp and Ollama run their graphs in f16/f32
    whatever the checkpoint's float dtype (engines/llama_cpp.py `compute_dtype`), so "no native bf16 ...
    use --dtype fp16" was advice about a run that never computes in bf16 (issue 15, round 8: gpt-oss-20b
    on an M3 Max with Ollama)."""
    from llmsize.estimate.engines import engine_for
    from llmsize.specs.models import WeightFormat

    return engine_for(wl).compute_dtype(WeightFormat(dtype=dtype or "bf16"), "bf16")
