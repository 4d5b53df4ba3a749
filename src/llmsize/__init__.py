"""llmsize: what hardware does this LLM need, for this job?"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("llmsize")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"
