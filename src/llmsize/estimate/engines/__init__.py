"""One module per serving engine behind one protocol (DESIGN.md "Layer kinds and engines")."""

from llmsize.estimate.engines.base import Budget, EngineModel, WeightPlacement
from llmsize.estimate.engines.registry import ENGINES, default_engine, engine_for, kv_bytes_per_token_layer

__all__ = [
    "ENGINES",
    "Budget",
    "EngineModel",
    "WeightPlacement",
    "default_engine",
    "engine_for",
    "kv_bytes_per_token_layer",
]
