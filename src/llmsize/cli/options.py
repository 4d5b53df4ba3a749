"""Option aliases shared by commands, so names, help and choices stay identical (DESIGN.md)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from llmsize.cli.declare import Option


class OutputFormat(StrEnum):
    HUMAN = "human"
    JSON = "json"
    YAML = "yaml"
    CSV = "csv"


FormatOpt = Annotated[OutputFormat, Option("--format", "-f", help="Output format.")]


class PageFormat(StrEnum):
    """The formats of commands that can also draw an HTML page (estimate, compare)."""

    HUMAN = "human"
    JSON = "json"
    YAML = "yaml"
    CSV = "csv"
    HTML = "html"


PageFormatOpt = Annotated[
    PageFormat, Option("--format", "-f", help="Output format; html is one self-contained page.")
]
# Two helps: "(.yaml/.yml/.json; .html too for some)" was on every command, and `gpus`, `fit`, `explain`,
# `plan`, `check` and `measure` refuse .html (issue 15, newcomer round 20); estimate and compare write a page.
OutputOpt = Annotated[
    Path | None,
    Option(
        "--output", "-o",
        help="Write the report to this file (.yaml/.yml/.json) and say where; add --format to print it as "
        "well.",
    ),
]
PageOutputOpt = Annotated[
    Path | None,
    Option(
        "--output", "-o",
        help="Write the report to this file (.yaml/.yml/.json, or .html for a page to open in a browser) and "
        "say where; add --format to print it as well.",
    ),
]
ForceOpt = Annotated[bool, Option("--force", help="Overwrite an existing --output file.")]
RevisionOpt = Annotated[str | None, Option("--revision", help="Hub revision (branch, tag or commit).")]
