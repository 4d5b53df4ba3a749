"""Which engine a workload runs on when the user did not say."""

from __future__ import annotations

from llmsize.estimate.quant_formats import GGUF_FILE_TYPES
from llmsize.estimate.workload import Engine
from llmsize.specs.models import ModelSpec, QuantMethod


def default_engine(spec: ModelSpec, engine: Engine | None, quant: str | None) -> Engine:
    """--engine, else llama.cpp for GGUF weights (the checkpoint's or --quant's), else transformers.

    GGUF files are what llama.cpp runs; transformers would dequantize them on load, which is
    rarely what someone sizing a GGUF model means.
    """
    if engine is not None:
        return engine
    normalized = quant.upper().removeprefix("GGUF:").replace("-", "_") if quant else None
    wants_gguf = normalized in GGUF_FILE_TYPES
    from_gguf = spec.weight_format.quant == QuantMethod.GGUF and (quant is None or wants_gguf)
    return Engine.LLAMA_CPP if wants_gguf or from_gguf else Engine.TRANSFORMERS
