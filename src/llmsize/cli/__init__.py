"""Command-line interface: parse options, call the library, render. Nothing else lives here."""

from __future__ import annotations

from llmsize.cli.app import app, main

# Each command registers itself on `app` when its module is imported.
from llmsize.cli import cmd_parse  # noqa: F401  isort: skip
from llmsize.cli import cmd_estimate  # noqa: F401  isort: skip
from llmsize.cli import cmd_explain  # noqa: F401  isort: skip
from llmsize.cli import cmd_gpus  # noqa: F401  isort: skip
from llmsize.cli import cmd_fit  # noqa: F401  isort: skip
from llmsize.cli import cmd_compare  # noqa: F401  isort: skip
from llmsize.cli import cmd_models  # noqa: F401  isort: skip
from llmsize.cli import cmd_measure  # noqa: F401  isort: skip
from llmsize.cli import cmd_report  # noqa: F401  isort: skip
from llmsize.cli import cmd_check  # noqa: F401  isort: skip
from llmsize.cli import cmd_plan  # noqa: F401  isort: skip

__all__ = ["app", "main"]
