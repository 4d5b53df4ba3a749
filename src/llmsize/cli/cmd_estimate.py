"""`llmsize estimate MODEL`: memory per component for a workload, as a table or the JSON/YAML document."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from llmsize.cli.completion import complete_model
from llmsize.cli.declare import Argument, Context, command
from llmsize.cli.engine_options import ENGINE_OPTIONS
from llmsize.cli.gpu_options import (
    SPEED_OPTIONS,
    GpuFileOpt,
    GpuOpt,
    NumGpusOpt,
    distinct_gpus,
    gpu_names,
    parse_num_gpus,
    refuse_fewer_gpus_than_the_layout,
    speed_settings,
)
from llmsize.cli.option_groups import OptionValues, with_groups
from llmsize.cli.options import ForceOpt, PageFormat, PageFormatOpt, PageOutputOpt, RevisionOpt
from llmsize.cli.workload_options import WORKLOAD_OPTIONS, workload_for, workload_options_from
from llmsize.errors import BadInputError, LlmsizeError

if TYPE_CHECKING:
    from llmsize.hardware.efficiency import Efficiency
    from llmsize.report.models import Report

ESTIMATE_SPEED_OPTIONS = SPEED_OPTIONS.only("concurrency", "host_bandwidth", "host_threads", "power_limit")
ModelArg = Annotated[
    str,
    Argument(
        help="Model name, Hugging Face repo id, folder with config.json, config.json or .gguf file.",
        autocompletion=complete_model,
    ),
]


def make_report(
    model: str,
    revision: str | None,
    options: dict[str, Any],
    *,
    gpus: Sequence[str] = (),
    gpu_files: Sequence[Path] = (),
    num_gpus: int | None = 1,
    concurrency: Sequence[int] = (),
    efficiency: Efficiency | None = None,
    context_given: bool = True,
) -> Report:
    """Resolve the model, build the workload, estimate, fit the GPUs asked for, assemble the report.

    Without --context, an engine whose default context depends on the GPU (Ollama's NumCtx by total
    VRAM) gets that default for the one GPU kind asked for.
    """
    from llmsize.estimate.core import estimate
    from llmsize.local_path import exists_here
    from llmsize.names import parse_name
    from llmsize.report.models import build_report
    from llmsize.specs.resolve import resolve

    spec = resolve(model, revision=revision, engine=options.get("engine"))
    workload = workload_for(spec, options, num_gpus)
    if not context_given and len(gpus) == 1:
        workload = _engine_default_context(spec, workload, gpus[0], tuple(gpu_files), num_gpus)
    elif not context_given:  # no one GPU kind: the engine's default where the card does not matter
        from llmsize.cli.engine_context import engine_default_context_off_gpu

        workload = engine_default_context_off_gpu(spec, workload)
    rows: list[Any] = []
    planned: list[Any] = []  # the GpuSpec of each GPU kind asked
    if gpus:
        from llmsize.cli.gpu_options import catalog_gpu, is_local, resolve_gpu, with_local_threads
        from llmsize.hardware.efficiency import Efficiency
        from llmsize.hardware.gpus import load_catalog
        from llmsize.hardware.plan import plan_fit_rows

        eff = efficiency or Efficiency()
        catalog = load_catalog(tuple(gpu_files))
        for name in gpus:
            if is_local(name):  # this machine: its detected GPU kind and count
                local, count, machine = resolve_gpu(name, tuple(gpu_files), str(num_gpus or 1))
                planned.append(local)
                rows += plan_fit_rows(spec, workload, [local], count if num_gpus == 1 else num_gpus,
                                      concurrency=concurrency, efficiency=with_local_threads(eff, machine))
            else:
                count = workload.num_gpus if num_gpus == 1 else num_gpus  # --tp/--pp alone: tp x pp GPUs
                planned.append(catalog_gpu(catalog, name))
                rows += plan_fit_rows(spec, workload, [planned[-1]], count, concurrency=concurrency,
                                      efficiency=eff)
    try:  # what the name says; for a path, the model's own name
        parsed = parse_name(spec.name if exists_here(model) else model)
    except LlmsizeError:
        parsed = None
    if len(gpus) == 1 and planned:
        # the engine's defaults for the one GPU kind asked (vLLM's 8,192 batched tokens and 1,024 sequences on
        # a card of >= 70 GiB): the fit row is planned with them, so the breakdown, its engine log and its
        # assumptions are too. `estimate gpt-oss-120b --gpu H100 --engine vllm` said 2,048 / 256 beside a
        # row sized for 8,192 / 1,024 (issue 15, round 3).
        from llmsize.hardware.planner import with_gpu_defaults

        workload = with_gpu_defaults(workload, planned[0])
    row = rows[0] if len(gpus) == 1 and rows else None
    if num_gpus is None and row is not None and row.count > 1:
        # --num-gpus auto: the count and layout its fit row chose, so the breakdown, the "busiest GPU"
        # total and the engine log describe the GPUs of the row. `estimate Llama-3.3-70B-Instruct --gpu H100
        # --engine vllm --context 32k --batch 16 --num-gpus auto` printed 295.94 GiB "on the busiest GPU"
        # (one GPU) beside a row of 5 GPUs at 61.7 GiB each (issue 15, newcomer round 12).
        from llmsize.hardware.derived_workload import derived_workload

        workload = derived_workload(workload, {"num_gpus": row.count, "tp": int(row.tp or 1),
                                               "pp": int(row.pp or 1)})
    # vLLM --dp engine cores are part of the layout (estimate/engines/vllm_expert_parallel.py)
    replicas = workload.num_gpus // workload.data_parallel
    if replicas > 1 and workload.tp * workload.pp == 1 and not workload.mode.trains:
        # --num-gpus N for inference, no --tp/--pp: the model is split over the N GPUs, not held whole
        # by each (issue 15). One GPU kind: the layout its fit row chose, so breakdown and row agree;
        # none (or several): the layout the planner tries first for N GPUs.
        workload = _split_layout(spec, workload, row)
    elif (workload.mode.trains and row is not None and workload.tp * workload.pp == 1
          and (row.tp or 1) * (row.pp or 1) > 1):
        # Training is data-parallel first (Planner.layouts); where no replica fits one GPU the row splits
        # the model (device_map="auto" stages): the breakdown follows it, as for inference. `estimate
        # Llama-3.1-70B --mode qlora --gpu RTX-4090 --num-gpus 2` showed 59 GiB per GPU beside a row of
        # 34 (issue 15, newcomer audit of training).
        workload = _split_layout(spec, workload, row)
    return build_report(model, spec, workload, estimate(spec, workload), parsed=parsed, gpus=rows)


def _split_layout(spec: Any, workload: Any, row: Any) -> Any:
    """The workload with the tensor/pipeline layout of its GPUs: the fit row's, else the planner's first."""
    if row is not None:
        return workload.model_copy(update={"tp": int(row.tp or 1), "pp": int(row.pp or 1)})
    from llmsize.hardware.planner import Planner

    layouts = Planner(spec, workload).layouts(workload.num_gpus)
    if not layouts:
        raise BadInputError(
            f"{workload.num_gpus} GPUs cannot be split into a tensor/pipeline layout of {spec.name}",
            hint="give --tp/--pp, another --num-gpus, or --gpu with --num-gpus auto",
        )
    return workload.model_copy(update={"tp": layouts[0].tp, "pp": layouts[0].pp})


def _engine_default_context(
    spec: Any, workload: Any, gpu_name: str, gpu_files: tuple[Path, ...], num_gpus: int | None
) -> Any:
    """The workload with the context the engine itself would pick on this GPU, when it picks one."""
    from llmsize.cli.engine_context import engine_default_context
    from llmsize.cli.gpu_options import catalog_gpu, is_local, resolve_gpu
    from llmsize.hardware.gpus import load_catalog

    if is_local(gpu_name):
        gpu, count, _ = resolve_gpu(gpu_name, gpu_files, str(num_gpus or 1))
    else:
        gpu, count = catalog_gpu(load_catalog(gpu_files), gpu_name), (num_gpus or workload.num_gpus)
    if num_gpus is None:  # auto: the GPUs the search picks, as fit and compare size (engine_context_count)
        from llmsize.cli.engine_context_count import engine_context_for_count, planner_count

        return engine_context_for_count(spec, workload, gpu, None, planner_count(spec, gpu))
    return engine_default_context(spec, workload, gpu, count)


@command("estimate")
@with_groups
def estimate_cmd(
    ctx: Context,
    model: ModelArg,
    workload: OptionValues = WORKLOAD_OPTIONS,
    gpu: GpuOpt = None,
    num_gpus: NumGpusOpt = "1",
    gpu_file: GpuFileOpt = None,
    engine: OptionValues = ENGINE_OPTIONS,
    speed: OptionValues = ESTIMATE_SPEED_OPTIONS,
    revision: RevisionOpt = None,
    fmt: PageFormatOpt = PageFormat.HUMAN,
    output: PageOutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Memory a model needs for a workload: weights, KV cache, activations, gradients, optimizer, adapters.

    Examples:

      llmsize estimate Qwen2.5-7B-Instruct-GPTQ-Int4

      llmsize estimate Llama-3.1-8B --mode qlora --context 8k --format json

      llmsize estimate ./model.gguf --kv-dtype q8_0 --context 32k
    """
    from llmsize.report.export import check_output, write_report
    from llmsize.report.render_estimate import render_estimate

    check_output(output, force=force, html=True)  # before the work, as fit/compare/plan (issue 15, round 8)
    options = workload_options_from(workload, engine)
    count_given = getattr(ctx.get_parameter_source("num_gpus"), "name", "") != "DEFAULT"
    refuse_fewer_gpus_than_the_layout(parse_num_gpus(num_gpus), options, count_given)
    planning: dict[str, Any] = {
        "gpus": distinct_gpus(gpu_names(gpu), gpu_file or ()),
        "gpu_files": gpu_file or (),
        "num_gpus": parse_num_gpus(num_gpus),
    }
    from llmsize.cli.engine_context import context_given

    given = context_given(ctx)
    asked = speed_settings(**speed)
    if asked.levels and not planning["gpus"]:
        # the sweep is speed on a GPU; without one it was dropped without a word (issue 15, round 6)
        raise BadInputError("--concurrency sweeps speed on a GPU: add --gpu (e.g. --gpu H100)",
                            hint="or ask `llmsize fit MODEL --concurrency 1,8,32` for this machine")
    report = make_report(model, revision, options, concurrency=asked.levels, efficiency=asked.efficiency,
                         context_given=given, **planning)
    wants_page = fmt is PageFormat.HTML or (output is not None and output.suffix.lower() == ".html")
    page = ""
    if wants_page:
        from llmsize.cli.html_pages import estimate_page

        page = estimate_page(model, revision, options, report, **planning)
    if output is not None:
        if output.suffix.lower() == ".html":
            from llmsize.report.export import write_new_file

            write_new_file(output, page, force=force)
        else:
            write_report(report, output, force=force)
        from llmsize.cli.written import estimate_summary, say_written, stdout_shows

        say_written(ctx, output, estimate_summary(report, output), fmt=fmt.value)
        if not stdout_shows(ctx, output, fmt.value):  # the file holds the answer (issue 15, round 8)
            return
    if fmt is PageFormat.HTML:
        import sys

        sys.stdout.write(page)
        return
    render_estimate(report, fmt.value)
