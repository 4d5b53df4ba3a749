"""`llmsize plan MODEL --gpu ID --engine E --emit command`: the launch command for the plan fit chooses."""

from __future__ import annotations

from typing import Annotated

import typer

from llmsize.cli.app import app
from llmsize.cli.gpu_options import GpuFileOpt, NumGpusOpt, parse_num_gpus
from llmsize.cli.options import RevisionOpt
from llmsize.cli.workload_options import (
    BatchOpt,
    ContextOpt,
    EngineOpt,
    KvDtypeOpt,
    QuantOpt,
    workload_for,
)
from llmsize.errors import BadInputError, NothingFitsError


@app.command("plan")
def plan_cmd(
    model: Annotated[str, typer.Argument(help="Model name, Hub repo id, local folder or .gguf file.")],
    gpu: Annotated[str, typer.Option("--gpu", help="GPU catalog id.")],
    engine: EngineOpt = None,
    context: ContextOpt = "4096",
    batch: BatchOpt = 1,
    quant: QuantOpt = None,
    kv_dtype: KvDtypeOpt = None,
    num_gpus: NumGpusOpt = "auto",
    gpu_file: GpuFileOpt = None,
    emit: Annotated[
        str, typer.Option("--emit", help="What to print: command (the launch command).")
    ] = "command",
    revision: RevisionOpt = None,
) -> None:
    """Print the launch command for the layout `fit` chooses (exit 3 when nothing fits).

    Examples: llmsize plan Qwen2.5-72B-Instruct --gpu H100 --engine vllm --context 32k ·
    llmsize plan Qwen2.5-14B-Instruct --gpu RTX-4090 --engine llama.cpp --quant Q4_K_M --context 16k
    """
    from llmsize.hardware.gpus import load_catalog
    from llmsize.hardware.plan import plan_fit_rows
    from llmsize.preflight.emit import launch_command, serving_engine
    from llmsize.specs.resolve import resolve

    if emit != "command":
        raise BadInputError(f"--emit {emit} is not known", hint="--emit command")
    spec = resolve(model, revision=revision, engine=engine)
    engine = serving_engine(spec, engine, quant)
    options = {"context": context, "batch": batch, "quant": quant, "kv_dtype": kv_dtype, "engine": engine}
    count = parse_num_gpus(num_gpus)
    wl = workload_for(spec, {k: v for k, v in options.items() if v is not None}, count)
    row = plan_fit_rows(spec, wl, [load_catalog(tuple(gpu_file or ())).get(gpu)], count)[0]
    if not row.fits:
        raise NothingFitsError(f"{spec.name} does not fit {gpu}: {row.reason}")
    typer.echo(launch_command(spec, wl, row, wl.engine.value, model))

