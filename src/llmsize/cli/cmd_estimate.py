"""`llmsize estimate MODEL`: memory per component for a workload, as a table or the JSON/YAML document."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmsize.cli.app import app
from llmsize.cli.completion import complete_model
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
    ConcurrencyOpt,
    GpuFileOpt,
    GpuLayersOpt,
    GpuMemoryUtilOpt,
    GpuOpt,
    HostBandwidthOpt,
    NumGpusOpt,
    parse_concurrency,
    parse_num_gpus,
    split_gpu_list,
)
from llmsize.cli.options import ForceOpt, OutputOpt, PageFormat, PageFormatOpt, RevisionOpt
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
from llmsize.errors import LlmsizeError
from llmsize.estimate.workload import FlashAttn, Mode, Offload

if TYPE_CHECKING:
    from llmsize.report.models import Report

ModelArg = Annotated[
    str,
    typer.Argument(
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
    gpu_memory_utilization: float = 0.9,
    gpu_layers: int | None = None,
    concurrency: Sequence[int] = (),
    host_bandwidth: float | None = None,
    context_given: bool = True,
) -> Report:
    """Resolve the model, build the workload, estimate, fit the GPUs asked for, assemble the report.

    Without --context, an engine whose default context depends on the GPU (Ollama's NumCtx by total
    VRAM) gets that default for the one GPU kind asked for.
    """
    from llmsize.estimate.core import estimate
    from llmsize.names import parse_name
    from llmsize.report.models import build_report
    from llmsize.specs.resolve import resolve

    spec = resolve(model, revision=revision)
    workload = workload_for(spec, options, num_gpus, gpu_memory_utilization, gpu_layers)
    if not context_given and len(gpus) == 1:
        workload = _engine_default_context(spec, workload, gpus[0], tuple(gpu_files), num_gpus)
    rows: list[Any] = []
    if gpus:
        from llmsize.cli.gpu_options import is_local, resolve_gpu
        from llmsize.hardware.gpus import load_catalog
        from llmsize.hardware.plan import plan_fit_rows
        from llmsize.hardware.speed import Efficiency

        eff = Efficiency(host_bandwidth_gb_s=host_bandwidth)
        catalog = load_catalog(tuple(gpu_files))
        for name in gpus:
            if is_local(name):  # this machine: its detected GPU kind and count
                local, count, _ = resolve_gpu(name, tuple(gpu_files), str(num_gpus or 1))
                rows += plan_fit_rows(spec, workload, [local], count if num_gpus == 1 else num_gpus,
                                      concurrency=concurrency, efficiency=eff)
            else:
                count = workload.num_gpus if num_gpus == 1 else num_gpus  # --tp/--pp alone: tp x pp GPUs
                rows += plan_fit_rows(spec, workload, [catalog.get(name)], count, concurrency=concurrency,
                                      efficiency=eff)
    try:  # what the name says; for a path, the model's own name
        parsed = parse_name(spec.name if Path(model).expanduser().exists() else model)
    except LlmsizeError:
        parsed = None
    replicas = workload.num_gpus > 1 and workload.tp * workload.pp == 1
    if len(gpus) == 1 and rows and replicas and not workload.mode.trains:
        # --num-gpus N for inference, no --tp/--pp: size the headline with the layout the fit row chose
        # for these GPUs, not N whole-model replicas, so the breakdown and the fit row agree.
        row = rows[0]
        workload = workload.model_copy(update={"tp": int(row.tp or 1), "pp": int(row.pp or 1)})
    return build_report(model, spec, workload, estimate(spec, workload), parsed=parsed, gpus=rows)


def _engine_default_context(
    spec: Any, workload: Any, gpu_name: str, gpu_files: tuple[Path, ...], num_gpus: int | None
) -> Any:
    """The workload with the context the engine itself would pick on this GPU, when it picks one."""
    from llmsize.cli.gpu_options import is_local, resolve_gpu
    from llmsize.estimate.engines.registry import engine_for
    from llmsize.estimate.workload import Workload
    from llmsize.hardware.gpus import driver_reported_bytes, load_catalog

    engine = engine_for(workload)
    if is_local(gpu_name):
        gpu, count, _ = resolve_gpu(gpu_name, gpu_files, str(num_gpus or 1))
    else:
        gpu, count = load_catalog(gpu_files).get(gpu_name), (num_gpus or workload.num_gpus)
    context = engine.default_context(driver_reported_bytes(gpu) * int(count or 1), spec)
    if context is None:
        return workload
    return Workload.model_validate({**workload.model_dump(), "context": context, "prompt_tokens": None})


@app.command("estimate")
def estimate_cmd(
    ctx: typer.Context,
    model: ModelArg,
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
    gpu: GpuOpt = None,
    num_gpus: NumGpusOpt = "1",
    gpu_file: GpuFileOpt = None,
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
    concurrency: ConcurrencyOpt = None,
    host_bandwidth: HostBandwidthOpt = None,
    revision: RevisionOpt = None,
    fmt: PageFormatOpt = PageFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Memory a model needs for a workload: weights, KV cache, activations, gradients, optimizer, adapters.

    Examples: llmsize estimate Qwen2.5-7B-Instruct-GPTQ-Int4 · llmsize estimate Llama-3.1-8B --mode qlora
    --context 8k --format json · llmsize estimate ./model.gguf --kv-dtype q8_0 --context 32k
    """
    from llmsize.report.export import write_report
    from llmsize.report.render_estimate import render_estimate

    options = workload_options_from(locals())
    planning: dict[str, Any] = {
        "gpus": split_gpu_list(gpu, "--gpu") if gpu is not None else (),
        "gpu_files": gpu_file or (),
        "num_gpus": parse_num_gpus(num_gpus),
        "gpu_memory_utilization": gpu_memory_utilization,
        "gpu_layers": gpu_layers,
    }
    given = getattr(ctx.get_parameter_source("context"), "name", "") != "DEFAULT"
    report = make_report(model, revision, options, concurrency=parse_concurrency(concurrency),
                         host_bandwidth=host_bandwidth, context_given=given, **planning)
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
    if fmt is PageFormat.HTML:
        import sys

        sys.stdout.write(page)
        return
    render_estimate(report, fmt.value)
