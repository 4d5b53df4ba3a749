"""`llmsize fit`: will it run on this GPU? The best precision that fits, the longest context, the
largest batch and a rough speed; `--all` lists the catalog models that run on the GPU."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmsize.cli.app import app
from llmsize.cli.engine_options import (
    BlockSizeOpt,
    EnforceEagerOpt,
    FlashAttnOpt,
    KvCacheMemoryOpt,
    MaxBatchedTokensOpt,
    MaxNumSeqsOpt,
    MemFractionOpt,
    NBatchOpt,
    NCpuMoeOpt,
    UbatchOpt,
)
from llmsize.cli.gpu_options import (
    BandwidthEffOpt,
    ComputeEffOpt,
    ConcurrencyOpt,
    GpuFileOpt,
    GpuLayersOpt,
    GpuMemoryUtilOpt,
    GpuOpt,
    HostBandwidthOpt,
    NumGpusOpt,
    OutputTokensOpt,
    PricePerHourOpt,
    SystemTokensOpt,
    TurnsOpt,
    host_ram_line,
    local_engine,
    parse_concurrency,
    resolve_gpu,
)
from llmsize.cli.options import ForceOpt, FormatOpt, OutputFormat, OutputOpt, RevisionOpt
from llmsize.cli.workload_options import (
    ActOffloadOpt,
    AttentionOpt,
    BatchOpt,
    CompileOpt,
    ContextOpt,
    DtypeOpt,
    EngineOpt,
    Fp8AllGatherOpt,
    Fp8TrainingOpt,
    FrameworkOpt,
    GradAccumOpt,
    GradCkptOpt,
    KvDtypeOpt,
    LigerOpt,
    Logits,
    LogitsOpt,
    LoraRankOpt,
    LoraTargetsOpt,
    LossChunksOpt,
    LossOpt,
    MasterWeightsOpt,
    ModeOpt,
    OffloadOptimizerOpt,
    OffloadParamsOpt,
    OptimizerOpt,
    OptInBwdOpt,
    PaddingFreeOpt,
    PpOpt,
    PromptTokensOpt,
    QuantOpt,
    TpOpt,
    ZeroOpt,
    workload_for,
    workload_options_from,
)
from llmsize.errors import BadInputError, NothingFitsError
from llmsize.estimate.workload import Engine, FlashAttn, Mode, Offload

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.hardware.detect import Machine
    from llmsize.hardware.gpus import GpuSpec
    from llmsize.hardware.speed import Efficiency

ModelOptArg = Annotated[str | None, typer.Argument(
    help="Model name, Hugging Face repo id, folder, config.json or .gguf file (omit with --all).")]
AllOpt = Annotated[bool, typer.Option("--all", help="List the catalog models that run on the GPU.")]
CheckOpt = Annotated[bool, typer.Option("--check", help="Exit with code 3 when nothing fits (for scripts).")]


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


def with_price(gpu: GpuSpec, price_per_hour: float | None) -> GpuSpec:
    """`gpu` with the user's --price-per-hour in place of the catalog's price."""
    if price_per_hour is None:
        return gpu
    from llmsize.hardware.gpus import Price

    price = Price(usd_per_hour=price_per_hour, date="given", source="--price-per-hour")
    return gpu.model_copy(update={"price": price})


def efficiency_from(bandwidth: float | None, compute: float | None,
                    host_bandwidth: float | None = None) -> Efficiency:
    from llmsize.hardware.speed import Efficiency

    update = {k: v for k, v in (("bandwidth", bandwidth), ("compute", compute),
                                ("host_bandwidth_gb_s", host_bandwidth)) if v is not None}
    return Efficiency(**update)


@app.command("fit")
def fit_cmd(
    model: ModelOptArg = None,
    gpu: GpuOpt = None,
    all_models: AllOpt = False,
    check: CheckOpt = False,
    num_gpus: NumGpusOpt = "1",
    mode: ModeOpt = Mode.INFERENCE,
    dtype: DtypeOpt = None,
    quant: QuantOpt = None,
    kv_dtype: KvDtypeOpt = None,
    context: ContextOpt = "4096",
    prompt_tokens: PromptTokensOpt = None,
    batch: BatchOpt = 1,
    logits: LogitsOpt = Logits.LAST,
    optimizer: OptimizerOpt = None,
    master_weights: MasterWeightsOpt = None,
    gradient_checkpointing: GradCkptOpt = None,
    framework: FrameworkOpt = None,
    loss: LossOpt = None,
    loss_chunks: LossChunksOpt = None,
    optimizer_in_backward: OptInBwdOpt = None,
    activation_offloading: ActOffloadOpt = None,
    grad_accum: GradAccumOpt = 1,
    compile: CompileOpt = False,
    padding_free: PaddingFreeOpt = False,
    fp8_training: Fp8TrainingOpt = None,
    fp8_all_gather: Fp8AllGatherOpt = False,
    liger: LigerOpt = False,
    offload_optimizer: OffloadOptimizerOpt = Offload.NONE,
    offload_params: OffloadParamsOpt = Offload.NONE,
    attention: AttentionOpt = None,
    lora_rank: LoraRankOpt = 16,
    lora_targets: LoraTargetsOpt = None,
    zero: ZeroOpt = 0,
    tp: TpOpt = 1,
    pp: PpOpt = 1,
    engine: EngineOpt = None,
    gpu_memory_utilization: GpuMemoryUtilOpt = 0.9,
    gpu_layers: GpuLayersOpt = None,
    max_num_seqs: MaxNumSeqsOpt = None,
    max_num_batched_tokens: MaxBatchedTokensOpt = None,
    enforce_eager: EnforceEagerOpt = False,
    block_size: BlockSizeOpt = None,
    kv_cache_memory: KvCacheMemoryOpt = None,
    mem_fraction_static: MemFractionOpt = None,
    ubatch: UbatchOpt = None,
    n_batch: NBatchOpt = None,
    flash_attn: FlashAttnOpt = FlashAttn.AUTO,
    n_cpu_moe: NCpuMoeOpt = None,
    output_tokens: OutputTokensOpt = None,
    turns: TurnsOpt = None,
    system_tokens: SystemTokensOpt = 0,
    bandwidth_efficiency: BandwidthEffOpt = None,
    compute_efficiency: ComputeEffOpt = None,
    price_per_hour: PricePerHourOpt = None,
    concurrency: ConcurrencyOpt = None,
    host_bandwidth: HostBandwidthOpt = None,
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
    gpu_spec, count, machine = resolve_gpu(gpu, gpu_file or (), num_gpus)
    engine = local_engine(gpu_spec, machine, engine)  # type: ignore[assignment]
    gpu_spec = with_price(gpu_spec, price_per_hour)
    eff = efficiency_from(bandwidth_efficiency, compute_efficiency, host_bandwidth)
    options = workload_options_from(locals())
    planning = (count, gpu_memory_utilization, gpu_layers)
    levels = parse_concurrency(concurrency)
    if levels and all_models:
        raise BadInputError("--concurrency sweeps one model: give a MODEL instead of --all")
    if all_models:
        _fit_all(gpu_spec, options, planning, eff, fmt.value, check, (output, force))
        return
    assert model is not None
    _fit_one(model, revision, gpu_spec, options, planning, eff, fmt.value, check,
             chat=(output_tokens, turns, system_tokens), machine=machine, save=(output, force),
             levels=levels)


def _fit_one(model: str, revision: str | None, gpu: GpuSpec, options: dict[str, Any],
             planning: tuple[int | None, float, int | None], eff: Efficiency, fmt: str, check: bool,
             chat: tuple[int | None, int | None, int], machine: Machine | None = None,
             save: tuple[Path | None, bool] = (None, False), levels: tuple[int, ...] = ()) -> None:
    from llmsize.hardware.plan import concurrency_sweep, fit_model
    from llmsize.report.export import save_document
    from llmsize.report.render_plan import fit_document, render_fit, render_fit_rows, write_document
    from llmsize.specs.resolve import resolve

    count, util, layers = planning
    spec = resolve(model, revision=revision)
    wl = workload_for(spec, options, count, util, layers)
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
    host_line = (host_ram_line(shown.row.host_bytes if shown else None, machine)
                 if gpu.id != "local-cpu" else None)
    if fmt == "human":
        render_fit(result, gpu, wl, eff, budget)
        if sweep:
            render_fit_rows(sweep)
        if host_line:
            typer.echo(f"Host RAM: {host_line}")
        free_line = free_now_line(shown.row.per_gpu_bytes if shown and shown.row.fits else None, machine)
        if free_line:
            typer.echo(f"Warning: {free_line}")
    else:
        write_document(doc, fmt, rows_key="options")
    if save[0] is not None:
        save_document(doc, save[0], force=save[1])
    if check and result.best is None:
        why = f": {shown.row.reason}" if shown is not None and shown.row.reason else ""
        raise NothingFitsError(f"{spec.name} does not fit {gpu.id} in any precision tried{why}")


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
    planning: tuple[int | None, float, int | None],
    eff: Efficiency,
    fmt: str,
    check: bool,
    save: tuple[Path | None, bool] = (None, False),
) -> None:
    from llmsize.hardware.plan import fit_model
    from llmsize.report.export import save_document
    from llmsize.report.render_plan import fit_all_document, render_fit_all, write_document
    from llmsize.specs.catalog import specs

    count, util, layers = planning
    fits = []
    for spec in specs():
        try:
            wl = workload_for(spec, options, count, util, layers)
            fits.append(fit_model(spec, wl, gpu, count, efficiency=eff, batch_limit=False,
                                  stop_at_first=True))
        except BadInputError:
            continue  # e.g. a --tp this model's heads cannot take, or a mode its format cannot train
    shown_wl = workload_for(None, {**options, "engine": options.get("engine") or Engine.TRANSFORMERS},
                            count, util, layers)
    if fmt == "human":
        render_fit_all(fits, gpu, shown_wl, eff)
    else:
        write_document(fit_all_document(fits, gpu, shown_wl, count, eff), fmt, rows_key="models")
    if save[0] is not None:
        save_document(fit_all_document(fits, gpu, shown_wl, count, eff), save[0], force=save[1])
    if check and not any(f.best is not None for f in fits):
        raise NothingFitsError(f"no catalog model fits {gpu.id} with this workload")

