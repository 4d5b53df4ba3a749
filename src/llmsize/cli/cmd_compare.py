"""`llmsize compare`: one model on several GPUs, or several models (quantizations) on one GPU."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmsize.cli.app import app
from llmsize.cli.engine_options import ENGINE_OPTIONS
from llmsize.cli.gpu_options import (
    SPEED_OPTIONS,
    GpuFileOpt,
    GpuOpt,
    GpusOpt,
    NumGpusOpt,
    catalog_gpu,
    gpu_names,
    is_local,
    parse_num_gpus,
    refuse_fewer_gpus_than_the_layout,
    resolve_gpu,
    speed_settings,
    split_gpu_list,
    with_price,
)
from llmsize.cli.option_groups import OptionValues, with_groups
from llmsize.cli.options import ForceOpt, PageFormat, PageFormatOpt, PageOutputOpt, RevisionOpt
from llmsize.cli.workload_options import WORKLOAD_OPTIONS, workload_for, workload_options_from
from llmsize.errors import BadInputError


class SortKey(StrEnum):
    """How `compare` orders its rows (none: as asked)."""

    NONE = "none"
    COST = "cost"
    SPEED = "speed"
    GPUS = "gpus"
    MEMORY = "memory"


SortOpt = Annotated[SortKey, typer.Option(
    "--sort", help="Order rows: cost ($ per million output tokens, then $/hour; unpriced last), speed, "
                   "gpus (fewest first) or memory (least per GPU first).")]

if TYPE_CHECKING:
    from llmsize.hardware.gpus import GpuSpec

ModelsArg = Annotated[list[str], typer.Argument(
    help="One model to compare across --gpus, or several models/quantizations to compare on one --gpu "
         "(space- or comma-separated).")]


@app.command("compare")
@with_groups
def compare_cmd(
    ctx: typer.Context,
    models: ModelsArg,
    gpus: GpusOpt = None,
    gpu: GpuOpt = None,
    num_gpus: NumGpusOpt = "auto",
    workload: OptionValues = WORKLOAD_OPTIONS,
    engine: OptionValues = ENGINE_OPTIONS,
    speed: OptionValues = SPEED_OPTIONS,
    sort: SortOpt = SortKey.NONE,
    gpu_file: GpuFileOpt = None,
    revision: RevisionOpt = None,
    fmt: PageFormatOpt = PageFormat.HUMAN,
    output: PageOutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Compare GPUs for a model (GPUs needed, memory, headroom, max context, speed) or models on a GPU.

    Examples:

      llmsize compare Llama-3.1-70B --gpus H100,A100-80GB,L40S,RTX-4090

      llmsize compare Qwen2.5-7B-Instruct Qwen2.5-7B-Instruct-AWQ Qwen2.5-7B-Instruct-GGUF-Q4_K_M --gpu 4090

      llmsize compare Qwen3-8B --gpus all --context 32k --format json

      llmsize compare Llama-3.1-70B --gpus H100,TPU-v6e,L40S --price-per-hour 2.5 --sort cost

      llmsize compare Qwen3-8B --gpus H100,L40S --engine vllm --concurrency 1,8,32
    """
    from llmsize.cli.engine_context import context_given
    from llmsize.cli.engine_context_count import engine_context_for_count, planner_count
    from llmsize.hardware.compare import compare, recommend
    from llmsize.hardware.gpus import load_catalog
    from llmsize.report.render_plan import compare_document, render_compare, write_document
    from llmsize.specs.resolve import resolve

    catalog = load_catalog(gpu_file or ())
    names: list[str] = []
    if gpus is not None:
        names = catalog.ids if gpus.strip().lower() == "all" else split_gpu_list(gpus)
    names += gpu_names(gpu)
    if not names:
        raise BadInputError("compare needs --gpus (several, or 'all') or --gpu",
                            hint="e.g. --gpus H100,A100-80GB,L40S,RTX-4090")
    if output is not None:
        from llmsize.report.export import check_output

        check_output(output, force=force, html=True)  # before sizing every GPU
    def lookup(name: str) -> GpuSpec:
        if is_local(name):  # this machine's GPU kind (the count is what --num-gpus plans)
            return resolve_gpu(name, gpu_file or (), "1")[0]
        return catalog_gpu(catalog, name)

    asked = speed_settings(**speed)
    gpu_specs = [with_price(g, asked.price_per_hour)
                 for g in {g.id: g for g in (lookup(n) for n in names)}.values()]
    count = parse_num_gpus(num_gpus)
    eff = asked.efficiency
    options = workload_options_from(workload, engine)
    refuse_fewer_gpus_than_the_layout(count, options, given=count is not None)  # the default is "auto"
    pairs = []
    for name in dict.fromkeys(model_names(models)):
        spec = resolve(name, revision=revision, engine=options.get("engine"))
        pairs.append((spec, workload_for(spec, options, count)))
    per_gpu: list[list[Any]] = []
    if not context_given(ctx):  # the engine's own context on each GPU (Ollama's NumCtx by VRAM)
        # on the GPUs the row uses: Ollama sums the VRAM of all of them (engine_context_count.py)
        per_gpu = [[engine_context_for_count(spec, wl, g, count, planner_count(spec, g)) for g in gpu_specs]
                   for spec, wl in pairs]
        # one context for every row, or the context column: a GGUF row beside Ollama's (llama.cpp at -c 4,096,
        # Ollama at 32,768 on a 24 GiB card) sat under a header that said "context 32,768" for every row
        # (issue 15, round 19: unsloth/Qwen3-30B-A3B-GGUF read 18.0 GiB against qwen3:30b-a3b's 20.7)
        if len({w.context for row in per_gpu for w in row}) == 1:
            pairs = [(spec, row[0]) for (spec, _), row in zip(pairs, per_gpu, strict=True)]
            per_gpu = []
    if per_gpu:
        # each GPU at the context the engine takes on it: they fell back to 4,096 tokens together, a context
        # Ollama runs on none of a 24 GiB and an 80 GiB card (issue 15, newcomer round 15)
        found = per_gpu_context_rows(pairs, per_gpu, gpu_specs, count, eff, asked.levels)
    else:
        found = compare(pairs, gpu_specs, count, efficiency=eff, concurrency=asked.levels)
    rows = sort_rows(found, sort)
    advice = recommend(rows)
    shown_wl = pairs[0][1]
    if output is None and fmt is PageFormat.HUMAN:  # the table only: no document (issue 15)
        render_compare(rows, advice, shown_wl, eff)
        return
    doc = compare_document(rows, advice, shown_wl, count, eff)
    if output is not None:
        from llmsize.cli.written import say_written, stdout_shows
        from llmsize.report.export import save_document
        from llmsize.report.render_html import compare_page

        save_document(doc, output, force=force, html=lambda: compare_page(doc))
        say_written(ctx, output, advice[0].removeprefix("Recommendation: ") if advice else "", fmt=fmt.value)
        if not stdout_shows(ctx, output, fmt.value):  # the file holds the answer (issue 15, round 8)
            return
    if fmt is PageFormat.HUMAN:
        render_compare(rows, advice, shown_wl, eff)
    elif fmt is PageFormat.HTML:
        from llmsize.report.render_html import compare_page

        sys.stdout.write(compare_page(doc))
    else:
        write_document(doc, fmt.value, rows_key="rows")


def per_gpu_context_rows(pairs: list[Any], per_gpu: list[list[Any]], gpu_specs: list[Any], count: int | None,
                         eff: Any, levels: Any) -> list[Any]:
    """compare's rows with each GPU at its own workload (`per_gpu[model][gpu]`), in compare's order
    (models, then GPUs); GPUs that share every model's context are planned together."""
    from llmsize.hardware.compare import compare

    groups: dict[tuple[int, ...], list[int]] = {}
    for j in range(len(gpu_specs)):
        groups.setdefault(tuple(row[j].context for row in per_gpu), []).append(j)
    placed: dict[tuple[int, int, int], Any] = {}
    for members in groups.values():
        subset = [gpu_specs[j] for j in members]
        for i, ((spec, _), row) in enumerate(zip(pairs, per_gpu, strict=True)):
            wl = row[members[0]]
            found = compare([(spec, wl)], subset, count, efficiency=eff, concurrency=levels)
            per = len(found) // len(members)  # concurrency levels: several rows a GPU
            for k, j in enumerate(members):
                for m, r in enumerate(found[k * per:(k + 1) * per]):
                    placed[(i, j, m)] = r.model_copy(update={"context": wl.context})
    return [placed[key] for key in sorted(placed)]


def model_names(models: list[str]) -> list[str]:
    """The models asked: `A,B` counts as two, as --gpus counts GPUs (specs/name_list.py); a path that
    exists stays whole."""
    import os

    from llmsize.specs.name_list import model_list

    return [part for m in models
            for part in ((None if os.path.exists(m) else model_list(m)) or [m])]


def sort_rows(rows: list[Any], key: SortKey) -> list[Any]:
    """Rows in the --sort order; rows that do not fit (or have no price, for cost) go last."""
    if key is SortKey.NONE:
        return rows
    inf = float("inf")

    def order(r: Any) -> tuple[float, ...]:
        row = r.row
        if key is SortKey.COST:
            has = row.usd_per_hour is not None and row.fits
            return (0 if has else 1, row.usd_per_million_output_tokens or inf, row.usd_per_hour or inf)
        if key is SortKey.SPEED:
            return (0 if row.fits else 1, -(row.aggregate_tokens_per_s or row.decode_tokens_per_s or 0))
        if key is SortKey.GPUS:
            return (0 if row.fits else 1, row.count, row.per_gpu_bytes)
        return (0 if row.fits else 1, row.per_gpu_bytes)

    return sorted(rows, key=order)
