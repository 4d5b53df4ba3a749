"""`llmsize check`: will this launch command or training config run out of memory, and what fits?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmsize.cli.app import app
from llmsize.cli.gpu_options import GpuFileOpt, parse_num_gpus
from llmsize.cli.options import ForceOpt, FormatOpt, OutputFormat, OutputOpt
from llmsize.errors import BadInputError, NothingFitsError

CommandArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="The launch command after `--` (vllm serve ..., llama-server ..., ollama run ..., "
        "python -m sglang.launch_server ..., docker run ...), or one training config "
        "(LLaMA-Factory, Axolotl or TRL YAML)."
    ),
]


@app.command("check")
def check_cmd(
    ctx: typer.Context,
    command: CommandArg = None,
    gpu: Annotated[str | None, typer.Option("--gpu", help="GPU catalog id the command will run on.")] = None,
    num_gpus: Annotated[
        str | None,
        typer.Option(
            "--num-gpus", help="GPUs available (default: what the command uses: tensor x pipeline parallel)."
        ),
    ] = None,
    env: Annotated[
        list[str] | None,
        typer.Option("--env", help="NAME=value the tool will see (Ollama's OLLAMA_* variables); repeatable."),
    ] = None,
    gpu_file: GpuFileOpt = None,
    fmt: FormatOpt = OutputFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Read a real launch command or training config, say whether it fits, and print the one that does.

    Exit 0 when it fits, 3 when it does not, 2 for bad input. Nothing given is executed.

    Examples:

      llmsize check --gpu H100 -- vllm serve Qwen/Qwen3-8B --max-model-len 32768

      llmsize check --gpu RTX-4090 -- llama-server -m Qwen3-8B-Q4_K_M.gguf -c 65536 -np 4

      llmsize check --gpu RTX-3090 --env OLLAMA_CONTEXT_LENGTH=32768 -- ollama run qwen3:8b

      llmsize check --gpu A100-80GB train.yaml
    """
    import os

    from llmsize.estimate.core import estimate
    from llmsize.hardware.gpus import load_catalog
    from llmsize.preflight.check import parse_env, run_check
    from llmsize.preflight.launch import parse_launch
    from llmsize.preflight.training_config import read_training_config
    from llmsize.report.models import build_report
    from llmsize.report.render_check import render_check, write_check

    if not command:
        raise BadInputError("nothing to check", hint="llmsize check --gpu H100 -- vllm serve MODEL ...")
    if gpu is None:
        raise BadInputError("name the GPU the command runs on",
                            hint="e.g. --gpu H100; `llmsize gpus` lists them")
    variables = {k: v for k, v in os.environ.items() if k.startswith("OLLAMA_")}
    variables.update(parse_env(env or []))
    if len(command) == 1 and Path(command[0]).suffix.lower() in (".yaml", ".yml", ".json"):
        setup = read_training_config(Path(command[0]))
    else:
        setup = parse_launch(command if len(command) > 1 else command[0], variables)
    from llmsize.cli.gpu_options import catalog_gpu, is_local, resolve_gpu

    if is_local(gpu):  # this machine, as estimate, fit and plan take it (issue 15, round 6: "unknown GPU")
        gpu_spec, local_count, _ = resolve_gpu(gpu, tuple(gpu_file or ()), num_gpus or "1")
        count = local_count if num_gpus is None else parse_num_gpus(num_gpus)
    else:
        gpu_spec = catalog_gpu(load_catalog(tuple(gpu_file or ())), gpu)
        count = parse_num_gpus(num_gpus) if num_gpus else None
    result = run_check(setup, gpu_spec, count)
    # The check's own estimate; where the estimator declined it, asking again raises its one-line error.
    whole = result.estimate or estimate(result.spec, result.workload)
    report = build_report(setup.model, result.spec, result.workload, whole, gpus=[result.row])
    doc = result.as_dict()
    from llmsize.cli.written import say_written, stdout_shows

    if output is not None:
        write_check(report, doc, output, force=force)
        say_written(ctx, output, f"{setup.tool} {'fits' if result.fits else 'does not fit'} {gpu_spec.id}")
    if stdout_shows(ctx, output):  # else the file holds the answer (issue 15, round 8)
        render_check(report, doc, fmt.value)
    if not result.fits:
        from llmsize.estimate.engines import engine_for

        # an engine with no backend for the device does not run out of memory: it does not run there
        missing = engine_for(result.workload).no_backend_for(gpu_spec.vendor)
        raise NothingFitsError(
            f"{setup.tool} cannot run on {gpu_spec.id}: {missing}" if missing is not None else
            f"{report.model.name} does not fit {gpu_spec.id} with {setup.tool}: "
            f"{result.row.reason or 'its peak exceeds the usable memory'}"  # the reason says what runs out
        )
