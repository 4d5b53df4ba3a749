"""`llmsize explain MODEL`: every component's formula with this model's numbers substituted."""

from __future__ import annotations

from llmsize.cli.cmd_estimate import ModelArg, make_report
from llmsize.cli.declare import command
from llmsize.cli.option_groups import OptionGroup, OptionValues, with_groups
from llmsize.cli.options import ForceOpt, FormatOpt, OutputFormat, OutputOpt, RevisionOpt
from llmsize.cli.workload_options import build_workload, workload_options_from

EXPLAIN_OPTIONS = OptionGroup(build_workload)
"""explain takes every workload option, --num-gpus among them as a plain count (no GPU to plan)."""


@command("explain")
@with_groups
def explain_cmd(
    model: ModelArg,
    workload: OptionValues = EXPLAIN_OPTIONS,
    revision: RevisionOpt = None,
    fmt: FormatOpt = OutputFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Show how each memory component is computed, with the model's numbers filled in.

    json/yaml/csv print the estimate document (DESIGN.md), whose `components` hold each rule and its
    numbers. Examples: llmsize explain Qwen2.5-7B-Instruct · llmsize explain Mixtral-8x7B --mode lora
    --context 8k · llmsize explain Qwen3-8B --format json
    """
    from llmsize.report.export import check_output, write_report
    from llmsize.report.render_estimate import render_estimate, render_explain

    check_output(output, force=force)
    options = workload_options_from(workload)
    report = make_report(model, revision, options, num_gpus=workload["num_gpus"])
    if output is not None:
        write_report(report, output, force=force)
    if fmt is OutputFormat.HUMAN:
        render_explain(report)
    else:
        render_estimate(report, fmt.value)
