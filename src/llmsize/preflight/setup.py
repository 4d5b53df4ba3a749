"""Setup: what a launch command or a training config says, normalised to llmsize's own terms.

Every value keeps where it came from (the flag the user wrote, or the tool's default at the
version modelled), so the report can show `parsed` the way the issue's contract asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Parsed:
    """One understood setting: llmsize's name for it, its value, and where that value came from."""

    key: str
    value: Any
    source: str  # "flag --max-model-len", "env OLLAMA_CONTEXT_LENGTH", "default (vLLM 0.11 ...)"

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "source": self.source}


@dataclass
class Setup:
    """The workload a command or config describes, plus how to write it back out."""

    tool: str  # vllm | sglang | llama.cpp | ollama | llamafactory | axolotl | trl
    engine: str  # the llmsize --engine it maps to (training configs: transformers)
    engine_version: str  # the tool version whose names and defaults were read
    model: str
    values: dict[str, Parsed] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # understood as flags but not modelled
    unknown: list[str] = field(default_factory=list)  # not recognised at all
    argv: list[str] = field(default_factory=list)  # the command as given (serving tools)
    config: dict[str, Any] | None = None  # the training config as given
    config_kind: str | None = None

    def set(self, key: str, value: Any, source: str) -> None:
        self.values[key] = Parsed(key, value, source)

    def get(self, key: str, default: Any = None) -> Any:
        parsed = self.values.get(key)
        return parsed.value if parsed is not None else default

    def default(self, key: str, value: Any, why: str) -> None:
        """Set `key` to the tool's default unless the user gave it."""
        if key not in self.values:
            self.values[key] = Parsed(key, value, f"default ({why})")

    def parsed_list(self) -> list[dict[str, Any]]:
        return [p.as_dict() for p in self.values.values()]
