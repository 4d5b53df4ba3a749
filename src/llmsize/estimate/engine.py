"""Kept for importers: the engine default and the transformers version live in estimate/engines/."""

from __future__ import annotations

from llmsize.estimate.engines.registry import default_engine
from llmsize.estimate.engines.transformers import (
    TRANSFORMERS_VERSION_MODELLED,
    TRANSFORMERS_VERSION_NOTE,
)

__all__ = ["TRANSFORMERS_VERSION_MODELLED", "TRANSFORMERS_VERSION_NOTE", "default_engine"]
