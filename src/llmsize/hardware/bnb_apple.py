"""A warning for bitsandbytes weights (QLoRA, --quant bnb-*) on Apple GPUs: which release runs them.

REFERENCE: bitsandbytes runs on Apple GPUs through its MPS backend (bitsandbytes/backends/mps/ops.py,
github.com/bitsandbytes-foundation/bitsandbytes): it registers only the 4-bit ops (quantize_4bit,
dequantize_4bit, gemv_4bit, gemm_4bit; NF4 and FP4) and loads their Metal kernels at first use from
the Kernels Hub (`kernels.get_kernel("kernels-community/bitsandbytes-mps")`), so the `kernels` package
must be installed. Its installation guide lists Apple Silicon among the supported platforms from v0.50.0
(https://huggingface.co/docs/bitsandbytes/v0.50.0/installation: "We provide official support for NVIDIA
GPUs, AMD GPUs, Intel XPUs, Apple Silicon, and Intel Gaudi"); v0.42.0's said "only supported on CUDA GPU
hardwares, support for ... M1 chips (MacOS) is coming soon" (…/v0.42.0/installation). The memory is the
same as on CUDA (same packed layout), so the estimate stands; the warning says what the run needs.
"""

from __future__ import annotations

from llmsize.hardware.gpus import GpuSpec
from llmsize.specs.models import QuantMethod

_BNB = (QuantMethod.BNB_NF4, QuantMethod.BNB_FP4, QuantMethod.BNB_INT8)

BNB_APPLE = ("{gpu}: bitsandbytes runs on Apple GPUs from v0.50 only, through its MPS backend "
             "(bitsandbytes/backends/mps/ops.py), whose Metal kernels (4-bit NF4/FP4) need the `kernels` "
             "package{int8}; earlier releases are CUDA-only")


def bnb_apple_warning(quant: QuantMethod | None, gpu: GpuSpec) -> str | None:
    """The warning for bitsandbytes weights on an Apple GPU, or None."""
    if gpu.vendor != "apple" or quant not in _BNB:
        return None
    int8 = " (no Metal kernel for 8-bit: LLM.int8 falls back to generic PyTorch ops)" \
        if quant == QuantMethod.BNB_INT8 else ""
    return BNB_APPLE.format(gpu=gpu.id, int8=int8)
