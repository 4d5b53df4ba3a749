"""`llmsize report show FILE` and `llmsize report diff A B`: read saved reports back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmsize.cli.app import Typer, app
from llmsize.cli.options import FormatOpt, OutputFormat
from llmsize.errors import BadInputError

report_app = Typer(
    name="report",
    help="Show or compare reports saved with `llmsize estimate/measure --output`.",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")

ReportFileArg = Annotated[Path, typer.Argument(help="A report written with --output (.yaml, .yml or .json).")]


@report_app.command("show")
def show_cmd(file: ReportFileArg, fmt: FormatOpt = OutputFormat.HUMAN) -> None:
    """Render a saved report as its table again (or re-emit it as JSON, YAML or CSV).

    Examples:

      llmsize report show estimate.yaml

      llmsize report show measured.yaml --format json
    """
    from llmsize.report.load import load_report
    from llmsize.report.render_estimate import render_estimate
    from llmsize.report.render_measure import render_measure

    loaded = load_report(file)
    if loaded.measurement is not None:
        if fmt is OutputFormat.CSV:
            raise BadInputError(
                "a measurement report prints as human, json or yaml", hint="drop --format csv"
            )
        render_measure(loaded.measurement, fmt.value)
    else:
        render_estimate(loaded.report, fmt.value)


@report_app.command("diff")
def diff_cmd(a: ReportFileArg, b: ReportFileArg, fmt: FormatOpt = OutputFormat.HUMAN) -> None:
    """Show what changed from report A to report B: model, workload fields, each component, total, fits.

    Examples:

      llmsize report diff bf16.yaml int4.yaml

      llmsize report diff a.json b.json --format json
    """
    from llmsize.report.diff import diff_reports
    from llmsize.report.load import load_report
    from llmsize.report.render_diff import render_diff

    render_diff(diff_reports(load_report(a), load_report(b)), fmt.value)
