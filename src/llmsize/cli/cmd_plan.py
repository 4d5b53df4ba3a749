"""`llmsize plan MODEL --gpu ID --engine E --emit command`: the launch command for the plan fit chooses."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from llmsize.cli.app import app
from llmsize.cli.engine_options import (
    AllowLongContextOpt,
    DataParallelOpt,
    DpAttentionOpt,
    DpLmHeadOpt,
    ExpertParallelOpt,
    MoeA2aBackendOpt,
    SchedulerRecvIntervalOpt,
)
from llmsize.cli.gpu_options import GpuFileOpt, NumGpusOpt
from llmsize.cli.options import ForceOpt, FormatOpt, OutputFormat, OutputOpt, RevisionOpt
from llmsize.cli.workload_options import (
    BatchOpt,
    ContextOpt,
    EngineOpt,
    KvDtypeOpt,
    QuantOpt,
    workload_for,
)
from llmsize.errors import BadInputError, LlmsizeError, NothingFitsError


@app.command("plan")
def plan_cmd(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="Model name, Hub repo id, local folder or .gguf file.")],
    gpu: Annotated[list[str], typer.Option(
        "--gpu", help="GPU catalog id, or 'local' for this machine (one GPU kind).")],
    engine: EngineOpt = None,
    context: ContextOpt = "4096",
    batch: BatchOpt = 1,
    quant: QuantOpt = None,
    kv_dtype: KvDtypeOpt = None,
    num_gpus: NumGpusOpt = "auto",
    gpu_file: GpuFileOpt = None,
    dp_attention: DpAttentionOpt = 1,
    dp_lm_head: DpLmHeadOpt = False,
    dp: DataParallelOpt = 1,
    ep: ExpertParallelOpt = False,
    moe_a2a_backend: MoeA2aBackendOpt = None,
    scheduler_recv_interval: SchedulerRecvIntervalOpt = 1,
    emit: Annotated[
        str, typer.Option("--emit", help="What to print: command (the launch command).")
    ] = "command",
    revision: RevisionOpt = None,
    allow_long_context: AllowLongContextOpt = False,
    fmt: FormatOpt = OutputFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Print the launch command for the layout `fit` chooses (exit 3 when nothing fits).

    Without --num-gpus, a MoE that one llama.cpp GPU holds only with some experts in CPU RAM is planned
    on one GPU with --n-cpu-moe N (fit's hint); --num-gpus auto plans the fewest GPUs holding it all.

    Examples:

      llmsize plan Qwen2.5-72B-Instruct --gpu H100 --engine vllm --context 32k

      llmsize plan Qwen2.5-14B-Instruct --gpu RTX-4090 --engine llama.cpp --quant Q4_K_M --context 16k

      llmsize plan Qwen3-8B --gpu L4 --format json

    (--format json: the estimate document of the chosen layout, with its fit row in `gpus` and the
    launch command in `command`)
    """
    from llmsize.hardware.one_gpu_plan import plan_run
    from llmsize.preflight.emit import downloaded_quant, launch_command, launch_notes, serving_engine
    from llmsize.specs.resolve import resolve

    if emit != "command":
        raise BadInputError(f"--emit {emit} is not known", hint="--emit command")
    if output is not None:
        from llmsize.report.export import check_output

        check_output(output, force=force)  # before sizing, as fit does
    from llmsize.cli.gpu_options import local_engine, one_gpu, resolve_gpu

    # `--gpu local` (this machine), as estimate and fit take it: "unknown GPU 'local'" (issue 15, round 6);
    # without CUDA/ROCm there, the plan is llama.cpp's, as fit's is (it printed `vllm serve` for a CPU)
    # one GPU kind, as fit plans: `--gpu H100 --gpu A100-80GB` planned the last one without a word and
    # `--gpu H100,A100-80GB` was an unknown GPU (issue 15, round 9)
    files = tuple(gpu_file or ())
    gpu_spec, count, machine = resolve_gpu(one_gpu(gpu, "plan", files), files, num_gpus)
    engine = local_engine(gpu_spec, machine, engine, model=model)  # type: ignore[assignment]
    spec = resolve(model, revision=revision, engine=engine)
    engine = serving_engine(spec, engine, quant)
    quant = quant or downloaded_quant(spec, engine, model)
    options = {"context": context, "batch": batch, "quant": quant, "kv_dtype": kv_dtype, "engine": engine}
    settings: dict[str, object] = {}
    if allow_long_context:  # the engines' long-context variables (estimate/engines/serving_context.py)
        settings["allow_long_context"] = True
    if dp_attention > 1 or dp_lm_head:  # SGLang's DP attention (estimate/engines/sglang_dp_attention.py)
        settings.update(dp_attention=dp_attention, dp_lm_head=dp_lm_head)
    if dp > 1 or ep:  # vLLM --data-parallel-size / --enable-expert-parallel (vllm_expert_parallel.py)
        settings.update(data_parallel=dp, expert_parallel=ep)
    if moe_a2a_backend:  # SGLang --moe-a2a-backend / vLLM --all2all-backend (sglang_moe_a2a.py)
        settings["moe_a2a_backend"] = moe_a2a_backend
    if scheduler_recv_interval > 1:  # SGLang's poll interval for new requests (sglang_arrivals.py)
        settings["scheduler_recv_interval"] = scheduler_recv_interval
    if settings:
        options["engine_settings"] = settings
    wl = workload_for(spec, {k: v for k, v in options.items() if v is not None}, count)
    from llmsize.cli.engine_context import context_given
    from llmsize.cli.engine_context_count import engine_context_for_count
    from llmsize.estimate.workload import Workload

    count_given = getattr(ctx.get_parameter_source("num_gpus"), "name", "") not in ("DEFAULT", "")
    runs: dict[Workload, Any] = {}  # the searches placing the context, reused for the run planned
    if not context_given(ctx):  # the context the engine takes on the GPUs used, as fit and compare size
        def place(w: Workload) -> int | None:
            run = runs[w] = plan_run(spec, w, gpu_spec, None, one_gpu_first=not count_given)
            return run.row.count if run.row.fits or run.engine_split else None

        wl = engine_context_for_count(spec, wl, gpu_spec, count, place)
    # without --num-gpus, one GPU with experts in CPU RAM before several GPUs, as `fit` offers it first;
    # an explicit --num-gpus auto is fit's "--num-gpus auto": the fewest GPUs holding every weight
    planned = runs.get(wl) if count is None else None
    if planned is None:
        planned = plan_run(spec, wl, gpu_spec, count, one_gpu_first=not count_given)
    wl, row = planned.workload, planned.row
    if not row.fits and not planned.engine_split:
        # "does not fit RTX-4090" read as one card when --num-gpus 2 had been sized (newcomer round 10)
        where = gpu_spec.id if row.count == 1 else f"{row.count} x {gpu_spec.id}"
        raise NothingFitsError(f"{spec.name} does not fit {where}: {row.reason}")
    line = launch_command(spec, wl, row, wl.engine.value, model)
    notes = launch_notes(spec, wl, wl.engine.value, model)
    if wl.n_cpu_moe or planned.engine_split:
        notes = (*notes, cpu_moe_note(wl, row, planned.all_on_gpus, gpu_spec.id))
    if int(row.count or 1) > 1 and not count_given:
        # `plan Qwen3.5-27B --gpu RTX-4090 --engine vllm` printed `--pipeline-parallel-size 3` and nothing
        # else: the reader with one card learnt only from a flag that the plan needs three (issue 15, round 3)
        layout = f"tp {row.tp or 1}, pp {row.pp or 1}"
        notes = (*notes, f"this plan runs on {row.count} x {gpu_spec.id} ({layout}): the fewest that fit "
                 "(--num-gpus auto); --num-gpus 1 says what one GPU lacks")
    if fmt is OutputFormat.HUMAN:
        from llmsize.report.plain import hanging, terminal_width

        for note in notes:  # on stderr: `$(llmsize plan ...)` stays the command alone; wrapped like the
            # other commands' prose (a 260-column note at 80 columns; issue 15, round 6), the command not
            typer.echo(hanging(f"note: {note}", terminal_width(), indent=2), err=True)
    if fmt is OutputFormat.HUMAN and output is None:
        typer.echo(line)
        return
    from llmsize.hardware.planner import with_gpu_defaults

    # the document's breakdown with the engine's defaults for this GPU, as its row (vLLM's batch sizes)
    doc = {**plan_document(model, spec, with_gpu_defaults(wl, gpu_spec), row, line),
           "command_notes": list(notes)}
    if output is not None:
        from llmsize.report.export import save_document

        save_document(doc, output, force=force)
        from llmsize.cli.written import say_written

        # the launch command stays plan's stdout, alone (`$(llmsize plan ...)`), as without --output
        say_written(ctx, output, f"the plan for {spec.name} on {row.count} x {gpu_spec.id}", err=True)
    if fmt is OutputFormat.HUMAN:
        typer.echo(line)
    else:
        from llmsize.report.export import document_text

        sys.stdout.write(document_text(doc, fmt.value))


def cpu_moe_note(wl: Any, row: Any, others: Any, gpu: str) -> str:
    """What the one-GPU command leaves in CPU RAM, its speed, and the all-on-GPU layout beside it (the
    numbers of `fit`'s hint for the same inputs: hardware/one_gpu_plan.py)."""
    rate = f", ~{_rate(row.decode_tokens_per_s)} tokens/s" if row.decode_tokens_per_s else ""
    ram = f" ({row.host_bytes / 2**30:.1f} GiB of host RAM in all{rate})" if row.host_bytes else ""
    if wl.n_cpu_moe:
        note = (f"the experts of {wl.n_cpu_moe} of {row.total_layers} layers stay in CPU RAM{ram}, as "
                "llama-server's default --fit would place them; the rest runs on one GPU")
    else:  # the engine's own split (Ollama, num_gpu unset): what `fit` says of the same run
        host = row.offload_host_bytes
        ram = f" ({host / 2**30:.1f} GiB of host RAM{rate})" if host else ""
        rest = int(row.total_layers or 0) - int(row.gpu_layers or 0)
        note = (f"{row.engine} keeps {row.gpu_layers} of {row.total_layers} layers on one GPU by itself and "
                f"runs the other {rest} from CPU RAM{ram}")
    if others is None:
        return note
    speed = f", ~{_rate(others.decode_tokens_per_s)} tokens/s" if others.decode_tokens_per_s else ""
    what = "expert" if wl.n_cpu_moe else "layer"
    return note + f"; every {what} on GPUs takes {others.count} x {gpu} (--num-gpus {others.count}{speed})"


def _rate(tokens_per_s: float) -> str:
    return f"{tokens_per_s:.0f}" if tokens_per_s >= 10 else f"{tokens_per_s:.1f}"  # not "~0 tokens/s"


def plan_document(model: str, spec: Any, wl: Any, row: Any, line: str) -> dict[str, Any]:
    """The estimate document (DESIGN.md) for the layout the plan chose, plus `command`.

    Additive only: a reader of `estimate --gpu G --format json` reads it unchanged; `gpus` holds the
    one fit row the command was written for, `workload` carries that row's tp/pp.
    """
    from llmsize.estimate.core import estimate
    from llmsize.local_path import exists_here
    from llmsize.names import parse_name
    from llmsize.report.export import to_dict
    from llmsize.report.models import build_report

    laid_out = wl.model_copy(update={"tp": int(row.tp or wl.tp), "pp": int(row.pp or wl.pp)})
    try:
        parsed = parse_name(spec.name if exists_here(model) else model)
    except LlmsizeError:
        parsed = None
    report = build_report(model, spec, laid_out, estimate(spec, laid_out), gpus=[row], parsed=parsed)
    return {**to_dict(report), "command": line}

