"""llmsize: what hardware does this LLM need, for this job?

The library is the product; the CLI only parses options and renders. Names resolve lazily
(PEP 562), so `import llmsize` stays cheap and never imports torch or huggingface_hub.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # typing itself is not imported at run time (issue 15: `--version` needs none of it)
if TYPE_CHECKING:
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
        version = _version()
        globals()["__version__"] = version  # looked up once per process
        return version
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'llmsize' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def _version() -> str:
    """The installed version, looked up only when asked.

    Every report carries it, and importlib.metadata costs about a tenth of a cold `llmsize estimate`
    (issue 15), so the `Version:` line of llmsize's own .dist-info/METADATA is read directly, found on
    sys.path the way importlib.metadata finds it; importlib.metadata answers anything else.
    """
    import os
    import sys

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("llmsize-") and name.endswith(".dist-info"):
                version = _metadata_version(os.path.join(entry or ".", name, "METADATA"))
                if version is not None:
                    return version
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as metadata_version

    try:
        return metadata_version("llmsize")
    except PackageNotFoundError:  # running from a source tree without install
        return "0.0.0+unknown"


def _metadata_version(path: str) -> str | None:
    """The Version header of a METADATA file (core metadata: headers end at the first blank line)."""
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    return None
                key, _, value = line.partition(":")
                if key.strip().lower() == "version":
                    return value.strip()
    except OSError:
        return None
    return None


def __dir__() -> list[str]:
    return __all__
