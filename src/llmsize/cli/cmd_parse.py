"""`llmsize parse NAME`: show what a model name says."""

from __future__ import annotations

from typing import Annotated

from llmsize.cli.declare import Argument, command
from llmsize.cli.options import FormatOpt, OutputFormat


@command("parse")
def parse_cmd(
    name: Annotated[str, Argument(help="Model name, repo id, Ollama tag or GGUF file name.")],
    fmt: FormatOpt = OutputFormat.HUMAN,
) -> None:
    """Split a model name into series, version, size, training type, quant method and precision.

    Examples:

      llmsize parse Qwen2.5-7B-Instruct-GPTQ-Int4

      llmsize parse deepseek-r1:14b --format json
    """
    from llmsize.names import parse_name
    from llmsize.report.render_names import render_parsed

    render_parsed(parse_name(name), fmt.value)
