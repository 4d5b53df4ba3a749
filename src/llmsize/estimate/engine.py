"""Which engine a workload runs on when the user did not say."""

from __future__ import annotations

from llmsize.estimate.quant_formats import GGUF_FILE_TYPES
from llmsize.estimate.workload import Engine
from llmsize.specs.models import ModelSpec, QuantMethod

# The transformers release whose loading and caching the estimator follows (issue 8). What differs
# in other releases is listed in docs/versions.md; constraints.txt pins it for the trace tests and
# bench/drift.py reports what the newest release changes.
TRANSFORMERS_VERSION_MODELLED = "5.23.0"
TRANSFORMERS_VERSION_NOTE = (
    f"transformers {TRANSFORMERS_VERSION_MODELLED} behaviour (other releases differ: 5.25 keeps "
    "DeepSeek's MoE router weight in fp32 and caches Falcon-40B's real K/V heads; docs/versions.md)"
)


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
