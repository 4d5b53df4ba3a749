"""llmsize: what hardware does this LLM need, for this job?

The library is the product; the CLI only parses options and renders. Names resolve lazily
(PEP 562), so `import llmsize` stays cheap and never imports torch or huggingface_hub.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS: dict[str, str] = {
    "Estimate": "llmsize.estimate.result",
    "FitRow": "llmsize.hardware.fit_models",
    "LlmsizeError": "llmsize.errors",
    "Mode": "llmsize.estimate.workload",
    "ModelSpec": "llmsize.specs.models",
    "ParsedName": "llmsize.names",
    "Workload": "llmsize.estimate.workload",
    "estimate": "llmsize.estimate.core",
    "parse_name": "llmsize.names",
    "resolve": "llmsize.specs.resolve",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'llmsize' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def _version() -> str:
    """The installed version, looked up only when asked (importlib.metadata costs ~50 ms)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("llmsize")
    except PackageNotFoundError:  # running from a source tree without install
        return "0.0.0+unknown"


def __dir__() -> list[str]:
    return __all__
