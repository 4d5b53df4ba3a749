"""`llmsize fit`: will it run on this GPU? The best precision that fits, the longest context, the
largest batch and a rough speed; `--all` lists the catalog models that run on the GPU."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from llmsize.cli.declare import Argument, Context, Option, command
from llmsize.cli.engine_options import ENGINE_OPTIONS
from llmsize.cli.gpu_options import (
    SPEED_OPTIONS,
    FitGpuOpt,
    GpuFileOpt,
    NumGpusOpt,
    OutputTokensOpt,
    SystemTokensOpt,
    TurnsOpt,
    host_ram_line,
    layout_gpus,
    local_engine,
    one_gpu,
    refuse_fewer_gpus_than_the_layout,
    resolve_gpu,
    speed_settings,
    with_local_threads,
    with_price,
)
from llmsize.cli.option_groups import OptionValues, with_groups
from llmsize.cli.options import ForceOpt, FormatOpt, OutputFormat, OutputOpt, RevisionOpt
from llmsize.cli.workload_options import WORKLOAD_OPTIONS, workload_for, workload_options_from, workloads_for
from llmsize.errors import BadInputError, NothingFitsError
from llmsize.estimate.workload import Engine

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.hardware.detect import Machine
    from llmsize.hardware.efficiency import Efficiency
    from llmsize.hardware.gpus import GpuSpec

ModelOptArg = Annotated[str | None, Argument(
    help="Model name, Hugging Face repo id, folder, config.json or .gguf file (omit with --all).")]
AllOpt = Annotated[bool, Option("--all", help="List the catalog models that run on the GPU.")]
CheckOpt = Annotated[bool, Option("--check", help="Exit with code 3 when nothing fits (for scripts).")]


def free_now_line(need_bytes: int | None, machine: Machine | None) -> str | None:
    """A warning when the plan fits this machine's GPUs but not what is free on them now."""
    if need_bytes is None or machine is None or not machine.gpus:
        return None
    free = [g.free_bytes for g in machine.gpus if g.free_bytes is not None]
    if not free or min(free) >= need_bytes:
        return None
    return (f"it fits these GPUs, but only {min(free) / 2**30:,.1f} GiB is free now on the busiest "
            f"(other processes hold the rest): {need_bytes / 2**30:,.1f} GiB needed")


def machine_document(machine: Machine) -> dict[str, Any]:
    """This machine as detected, for JSON/YAML output."""
    return {
        "summary": machine.summary(),
        "ram_total_bytes": machine.ram_total_bytes,
        "ram_available_bytes": machine.ram_available_bytes,
        "gpus": [{"name": g.name, "vendor": g.vendor, "total_bytes": g.total_bytes,
                  "free_bytes": g.free_bytes, "source": g.source, "unified": g.unified}
                 for g in machine.gpus],
        "notes": list(machine.notes),
    }


@command("fit")
@with_groups
def fit_cmd(
    ctx: Context,
    model: ModelOptArg = None,
    gpu: FitGpuOpt = None,
    all_models: AllOpt = False,
    check: CheckOpt = False,
    num_gpus: NumGpusOpt = "1",
    workload: OptionValues = WORKLOAD_OPTIONS,
    engine: OptionValues = ENGINE_OPTIONS,
    output_tokens: OutputTokensOpt = None,
    turns: TurnsOpt = None,
    system_tokens: SystemTokensOpt = 0,
    speed: OptionValues = SPEED_OPTIONS,
    gpu_file: GpuFileOpt = None,
    revision: RevisionOpt = None,
    fmt: FormatOpt = OutputFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Will MODEL run here (detected) or on a GPU? Best precision that fits, longest context, batch, speed.

    Examples:

      llmsize fit Qwen2.5-7B-Instruct --gpu RTX-4090

      llmsize fit Qwen3-8B                  (this machine: NVIDIA, AMD, Apple or RAM only)

      llmsize fit Llama-3.1-70B --gpu H100 --num-gpus auto

      llmsize fit --all --gpu RTX-4090 --dtype bf16 --check

      llmsize fit Qwen3-8B --gpu L4 --engine vllm --context 32k

      llmsize fit Qwen3-8B --gpu 4090 --prompt-tokens 500 --output-tokens 400 --turns 50

      llmsize fit Qwen3-8B --gpu H100 --engine vllm --concurrency 1,8,32
    """
    if model is None and not all_models:
        raise BadInputError("fit needs a MODEL, or --all for every catalog model")
    if model is not None and all_models:
        raise BadInputError("give either a MODEL or --all, not both")
    if output is not None:
        from llmsize.report.export import check_output

        check_output(output, force=force)  # before sizing (fit --all takes seconds)
    gpu_spec, count, machine = resolve_gpu(one_gpu(gpu, "fit", gpu_file or ()), gpu_file or (), num_gpus)
    asked = speed_settings(**speed)
    gpu_spec = with_price(gpu_spec, asked.price_per_hour)
    options = workload_options_from(workload, engine)
    count_given = getattr(ctx.get_parameter_source("num_gpus"), "name", "") != "DEFAULT"
    refuse_fewer_gpus_than_the_layout(count, options, count_given)
    if count == 1 and not count_given:
        # the default single GPU: as many as --tp x --pp x --dp hold, as estimate plans them (`fit --tp 2`
        # said "--num-gpus 1 is not a multiple of --tp x --pp", issue 15 round 20)
        count = layout_gpus(options)
    options["engine"] = local_engine(gpu_spec, machine, options["engine"], options.get("mode"), model)
    eff, levels = with_local_threads(asked.efficiency, machine), asked.levels
    if levels and all_models:
        raise BadInputError("--concurrency sweeps one model: give a MODEL instead of --all")
    if all_models:
        from llmsize.cli.engine_context import context_given as given

        _fit_all(gpu_spec, options, count, eff, fmt.value, check, (output, force), context_given=given(ctx),
                 ctx=ctx)
        return
    assert model is not None
    from llmsize.cli.engine_context import context_given

    _fit_one(model, revision, gpu_spec, options, count, eff, fmt.value, check,
             chat=(output_tokens, turns, system_tokens), machine=machine, save=(output, force),
             levels=levels, context_given=context_given(ctx), ctx=ctx)


def _fit_one(model: str, revision: str | None, gpu: GpuSpec, options: dict[str, Any],
             count: int | None, eff: Efficiency, fmt: str, check: bool,
             chat: tuple[int | None, int | None, int], machine: Machine | None = None,
             save: tuple[Path | None, bool] = (None, False), levels: tuple[int, ...] = (),
             context_given: bool = True, ctx: Any = None) -> None:
    from llmsize.cli.engine_context_count import engine_context_for_count
    from llmsize.hardware.concurrency import concurrency_sweep
    from llmsize.hardware.model_fit import fit_model
    from llmsize.report.export import save_document
    from llmsize.report.render_plan import (
        fit_document,
        print_lines,
        render_fit,
        render_fit_rows,
        write_document,
    )
    from llmsize.specs.resolve import resolve

    spec = resolve(model, revision=revision, engine=options.get("engine"))
    wl = workload_for(spec, options, count)
    if not context_given:  # the context the engine picks on the GPUs the best precision uses
        def place(w: Workload) -> int | None:
            best = fit_model(spec, w, gpu, None, efficiency=eff, sizes_only=True).best_result
            return best.row.count if best is not None else None

        wl = engine_context_for_count(spec, wl, gpu, count, place)
    result = fit_model(spec, wl, gpu, count, efficiency=eff)
    budget = _chat_budget(result, wl, *chat)
    # The sweep runs the best precision that fits (or the only one tried, to say why it does not).
    sweep = concurrency_sweep(spec, wl, gpu, result, levels, count, efficiency=eff) if levels else []
    doc = fit_document(result, gpu, wl, count, eff, budget)
    if sweep:
        doc["concurrency"] = [row.model_dump(mode="json") for row in sweep]
    if machine is not None:
        doc["machine"] = machine_document(machine)
    shown = result.best_result or (result.options[0] if len(result.options) == 1 else None)
    from llmsize.hardware.gpus import LOCAL_CPU_ID

    host_line = (host_ram_line(_host_of(shown.row) if shown else None, machine)
                 if gpu.id != LOCAL_CPU_ID else None)
    from llmsize.cli.written import say_written, stdout_shows

    if save[0] is not None:
        save_document(doc, save[0], force=save[1])
        best = result.best_result
        say_written(ctx, save[0], f"{spec.name} on {gpu.id}: " + (
            f"best that fits {best.option.label}" if best is not None else "nothing fits"))
    quiet = not stdout_shows(ctx, save[0])  # the file holds the answer (issue 15, round 8)
    if fmt == "human" and not quiet:
        render_fit(result, gpu, wl, eff, budget)
        from llmsize.cli.framework_hint import unsloth_hint

        hint = unsloth_hint(spec, wl, options, gpu, count, eff, result.best is not None)
        if hint:
            from llmsize.report.plain import hanging, terminal_width

            print_lines([hanging(hint, terminal_width())])
        if sweep:
            render_fit_rows(sweep)
        free_line = free_now_line(shown.row.per_gpu_bytes if shown and shown.row.fits else None, machine)
        print_lines([*([f"Host RAM: {host_line}"] if host_line else []),
                     *([f"Warning: {free_line}"] if free_line else [])])
    elif not quiet:
        write_document(doc, fmt, rows_key="options")
    if check and result.best is None:
        # the shown row's reason, or the one every format shares (a context the engine refuses)
        reasons = {o.row.reason for o in result.options}
        shared = next(iter(reasons)) if len(reasons) == 1 else None
        reason = shown.row.reason if shown is not None else shared
        why = f": {reason}" if reason else ""
        raise NothingFitsError(f"{spec.name} does not fit {gpu.id} in any precision tried{why}")


def _host_of(row: Any) -> int | None:
    """Host RAM the shown row needs: the --n-cpu-moe run its first hint names (round 15), the engine's
    own partial offload when it runs one (Ollama / llama.cpp fitting the layers by itself), else the
    all-on-GPU layout's host buffers."""
    if row.cpu_moe_host_bytes is not None:
        return int(row.cpu_moe_host_bytes)
    offload: int | None = row.offload_host_bytes
    return offload if offload is not None else row.host_bytes


def _chat_budget(result: Any, wl: Workload, output_tokens: int | None, turns: int | None,
                 system_tokens: int) -> Any:
    from llmsize.hardware.budget import chat_budget

    if turns is None:
        if output_tokens is not None:
            raise BadInputError("--output-tokens is for the chat budget: add --turns and --prompt-tokens")
        return None
    if wl.prompt_tokens is None or output_tokens is None:
        raise BadInputError(
            "--turns needs --prompt-tokens (input per turn) and --output-tokens (reply per turn)")
    best = result.best_result
    memory = best.row.max_context if best is not None else None
    return chat_budget(
        prompt_tokens=wl.prompt_tokens,
        output_tokens=output_tokens,
        turns=turns,
        window_tokens=result.max_position_embeddings,
        memory_tokens=memory,
        system_tokens=system_tokens,
    )


def _fit_all(
    gpu: GpuSpec,
    options: dict[str, Any],
    count: int | None,
    eff: Efficiency,
    fmt: str,
    check: bool,
    save: tuple[Path | None, bool] = (None, False),
    context_given: bool = True,
    ctx: Any = None,
) -> None:
    from llmsize.cli.fit_all_cache import cache_key, cached_fits
    from llmsize.report.render_plan import fit_all_document, render_fit_all, write_document

    # a model the workload does not suit (a --tp its heads cannot take, a mode its format cannot
    # train) is skipped; a workload no model can take is one line
    asked_wl = workload_for(None, {**options, "engine": options.get("engine") or Engine.TRANSFORMERS}, count)

    def plan_all(sizes_only: bool = False, catalog: list[Any] | None = None) -> tuple[Workload, list[Any]]:
        from llmsize.cli.catalog_specs_cache import catalog_specs

        if catalog is None:
            catalog = catalog_specs()  # built once per code and catalog version, then read back (issue 15)
        shown_wl = asked_wl
        workload_of: Any = workloads_for(options, count)  # one workload per engine, not per model (issue 15)
        if not context_given:  # an engine that picks its context on this GPU (Ollama): as `fit` does
            from llmsize.cli.engine_context import engine_default_context

            widest = max(catalog, key=lambda spec: spec.max_position_embeddings)
            shown = engine_default_context(widest, shown_wl, gpu, count)
            if shown.context != shown_wl.context:
                shown_wl = shown  # the header says the engine's own NumCtx; each model's window caps it
                workload_of = lambda spec: engine_default_context(  # noqa: E731
                    spec, workload_for(spec, options, count), gpu, count)
        from llmsize.hardware.model_fit import fit_catalog

        with fewer_collections():  # the specs are read: frozen too, never scanned during the sweep
            return shown_wl, fit_catalog(catalog, workload_of, gpu, count, efficiency=eff,
                                         sizes_only=sizes_only)

    from llmsize.cli.sweep_gc import fewer_collections

    def key_of(sizes_only: bool) -> str | None:
        return cache_key(gpu, options, count, eff, context_given, sizes_only)

    # what an earlier run with the same code, catalogs, GPU and options planned (issue 15; JSON only).
    # The catalog's specs read back, the sweep and the rows' write check allocate many short-lived
    # objects and few cycles: the collector runs less often through all three (issue 15)
    with fewer_collections():
        if fmt == "human" and save[0] is None:  # the table may hide the longest context and speed
            from llmsize.cli.fit_all_rows import rows_for_table

            shown_wl, fits = rows_for_table(key_of, plan_all)
        else:
            shown_wl, fits = cached_fits(key_of(False), plan_all)
    from llmsize.cli.written import say_written, stdout_shows

    document = None  # built once: the file and a --format beside it print the same document
    if save[0] is not None:
        from llmsize.report.export import save_document  # only with --output

        document = fit_all_document(fits, gpu, shown_wl, count, eff)
        save_document(document, save[0], force=save[1])
        running = sum(f.best is not None for f in fits)
        say_written(ctx, save[0], f"{running} of {len(fits)} catalog models run on {gpu.id}")
    quiet = not stdout_shows(ctx, save[0])  # the file holds the answer (issue 15, round 8)
    if fmt == "human" and not quiet:
        render_fit_all(fits, gpu, shown_wl, eff)
    elif not quiet:
        document = document or fit_all_document(fits, gpu, shown_wl, count, eff)
        write_document(document, fmt, rows_key="models")
    if check and not any(f.best is not None for f in fits):
        raise NothingFitsError(f"no catalog model fits {gpu.id} with this workload")

