"""`llmsize explain MODEL`: every component's formula with this model's numbers substituted.

It takes estimate's arguments (issue 15: estimate ends with "llmsize explain with the same arguments",
yet explain refused --gpu, --engine-version, --n-cpu-moe and the other engine settings), and sizes the
same workload: with one --gpu and no --context, the engine's own context on that GPU (Ollama's NumCtx).
"""

from __future__ import annotations

from llmsize.cli.cmd_estimate import ESTIMATE_SPEED_OPTIONS, ModelArg, make_report
from llmsize.cli.declare import Context, command
from llmsize.cli.engine_options import ENGINE_OPTIONS
from llmsize.cli.gpu_options import (
    GpuFileOpt,
    GpuOpt,
    NumGpusOpt,
    gpu_names,
    parse_num_gpus,
    refuse_fewer_gpus_than_the_layout,
    speed_settings,
)
from llmsize.cli.option_groups import OptionValues, with_groups
from llmsize.cli.options import ForceOpt, FormatOpt, OutputFormat, OutputOpt, RevisionOpt
from llmsize.cli.workload_options import WORKLOAD_OPTIONS, workload_options_from
from llmsize.errors import BadInputError


@command("explain")
@with_groups
def explain_cmd(
    ctx: Context,
    model: ModelArg,
    workload: OptionValues = WORKLOAD_OPTIONS,
    gpu: GpuOpt = None,
    num_gpus: NumGpusOpt = "1",
    gpu_file: GpuFileOpt = None,
    engine: OptionValues = ENGINE_OPTIONS,
    speed: OptionValues = ESTIMATE_SPEED_OPTIONS,
    revision: RevisionOpt = None,
    fmt: FormatOpt = OutputFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Show how each memory component is computed, with the model's numbers filled in.

    Takes estimate's arguments. json/yaml/csv print the estimate document (DESIGN.md), whose `components`
    hold each rule and its numbers.

    Examples:

      llmsize explain Qwen2.5-7B-Instruct

      llmsize explain Mixtral-8x7B --mode lora --context 8k

      llmsize explain Qwen3-8B --format json
    """
    from llmsize.cli.engine_context import context_given
    from llmsize.report.export import check_output, write_report
    from llmsize.report.render_estimate import render_estimate, render_explain

    check_output(output, force=force)
    options = workload_options_from(workload, engine)
    count = parse_num_gpus(num_gpus)
    count_given = getattr(ctx.get_parameter_source("num_gpus"), "name", "") != "DEFAULT"
    refuse_fewer_gpus_than_the_layout(count, options, count_given)
    asked = speed_settings(**speed)
    gpus = gpu_names(gpu)
    if asked.levels and not gpus:  # as estimate refuses it: the sweep is speed on a GPU
        raise BadInputError("--concurrency sweeps speed on a GPU: add --gpu (e.g. --gpu H100)")
    report = make_report(model, revision, options, gpus=gpus, gpu_files=gpu_file or (), num_gpus=count,
                         concurrency=asked.levels, efficiency=asked.efficiency,
                         context_given=context_given(ctx))
    if output is not None:
        write_report(report, output, force=force)
        from llmsize.cli.written import estimate_summary, say_written, stdout_shows

        say_written(ctx, output, estimate_summary(report, output))
        if not stdout_shows(ctx, output):  # the file holds the answer (issue 15, round 8)
            return
    if fmt is OutputFormat.HUMAN:
        render_explain(report)
    else:
        render_estimate(report, fmt.value)
