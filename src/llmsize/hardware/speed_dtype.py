"""The weight format and the matmul dtype the speed model and the dtype warnings read of a workload.

In a module of their own (they were in speed_inputs.py) so that the dtype warnings every plan gives do
not import the speed model: `fit --all`'s sizes-only rows never run it (issue 15: imports not needed on
that path).
"""

from __future__ import annotations

from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec, QuantMethod


def _weight_format(spec: ModelSpec, wl: Workload) -> tuple[str, QuantMethod | None]:
    try:
        from llmsize.estimate.weights import effective_format
    except ImportError:  # pragma: no cover - the memory model ships it
        return spec.weight_format.dtype, spec.weight_format.quant
    fmt, _ = effective_format(spec, wl)
    return fmt.dtype, fmt.quant


def speed_dtype(spec: ModelSpec, wl: Workload) -> str:
    """The dtype the matmuls run in: fp8 for FP8 weights, else the activation dtype."""
    from llmsize.estimate.weights import effective_format

    fmt, _ = effective_format(spec, wl)
    if fmt.quant == QuantMethod.FP8 or (wl.dtype is not None and str(wl.dtype) == "fp8"):
        return "fp8"
    if wl.dtype is not None and str(wl.dtype) in ("fp32", "fp16", "bf16"):
        return str(wl.dtype)
    if fmt.quant in (QuantMethod.GPTQ, QuantMethod.AWQ, QuantMethod.GGUF):
        return "fp16"
    default = fmt.dtype if fmt.dtype in ("fp32", "fp16", "bf16") else "bf16"
    # an engine with its own compute type (llama.cpp and Ollama run a converted checkpoint in f16:
    # engines/llama_cpp.py `compute_dtype`), as the memory model and the dtype warnings read it
    return engine_for(wl).compute_dtype(fmt, default)
