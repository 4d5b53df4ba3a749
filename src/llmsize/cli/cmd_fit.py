"""`llmsize fit`: will it run on this GPU? The best precision that fits, the longest context, the
largest batch and a rough speed; `--all` lists the catalog models that run on the GPU."""

from __future__ import annotations

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
    GpuFileOpt,
    GpuLayersOpt,
    GpuMemoryUtilOpt,
    GpuOpt,
    NumGpusOpt,
    OutputTokensOpt,
    SystemTokensOpt,
    TurnsOpt,
    parse_num_gpus,
)
from llmsize.cli.options import FormatOpt, OutputFormat, RevisionOpt
from llmsize.cli.workload_options import (
    AttentionOpt,
    BatchOpt,
    ContextOpt,
    DtypeOpt,
    EngineOpt,
    GradCkptOpt,
    KvDtypeOpt,
    Logits,
    LogitsOpt,
    LoraRankOpt,
    LoraTargetsOpt,
    MasterWeightsOpt,
    ModeOpt,
    OptimizerOpt,
    PpOpt,
    PromptTokensOpt,
    QuantOpt,
    TpOpt,
    ZeroOpt,
    workload_for,
    workload_options_from,
)
from llmsize.errors import BadInputError, NothingFitsError
from llmsize.estimate.workload import Engine, FlashAttn, Mode, Optimizer

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.hardware.gpus import GpuSpec
    from llmsize.hardware.speed import Efficiency

ModelOptArg = Annotated[str | None, typer.Argument(
    help="Model name, Hugging Face repo id, folder, config.json or .gguf file (omit with --all).")]
AllOpt = Annotated[bool, typer.Option("--all", help="List the catalog models that run on the GPU.")]
CheckOpt = Annotated[bool, typer.Option("--check", help="Exit with code 3 when nothing fits (for scripts).")]


def efficiency_from(bandwidth: float | None, compute: float | None) -> Efficiency:
    from llmsize.hardware.speed import Efficiency

    update = {k: v for k, v in (("bandwidth", bandwidth), ("compute", compute)) if v is not None}
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
    optimizer: OptimizerOpt = Optimizer.ADAMW,
    master_weights: MasterWeightsOpt = None,
    gradient_checkpointing: GradCkptOpt = False,
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
    gpu_file: GpuFileOpt = None,
    revision: RevisionOpt = None,
    fmt: FormatOpt = OutputFormat.HUMAN,
) -> None:
    """Will MODEL run on a GPU? Best precision/quant that fits, longest context, largest batch, speed.

    Examples:

      llmsize fit Qwen2.5-7B-Instruct --gpu RTX-4090

      llmsize fit Llama-3.1-70B --gpu H100 --num-gpus auto

      llmsize fit --all --gpu RTX-4090 --dtype bf16 --check

      llmsize fit Qwen3-8B --gpu L4 --engine vllm --context 32k

      llmsize fit Qwen3-8B --gpu 4090 --prompt-tokens 500 --output-tokens 400 --turns 50
    """
    from llmsize.hardware.gpus import load_catalog

    if gpu is None:
        raise BadInputError("fit needs --gpu", hint="e.g. --gpu RTX-4090; `llmsize gpus` lists the catalog")
    if model is None and not all_models:
        raise BadInputError("fit needs a MODEL, or --all for every catalog model")
    if model is not None and all_models:
        raise BadInputError("give either a MODEL or --all, not both")
    count = parse_num_gpus(num_gpus)
    gpu_spec = load_catalog(gpu_file or ()).get(gpu)
    eff = efficiency_from(bandwidth_efficiency, compute_efficiency)
    options = workload_options_from(locals())
    planning = (count, gpu_memory_utilization, gpu_layers)
    if all_models:
        _fit_all(gpu_spec, options, planning, eff, fmt.value, check)
        return
    assert model is not None
    _fit_one(model, revision, gpu_spec, options, planning, eff, fmt.value, check,
             chat=(output_tokens, turns, system_tokens))


def _fit_one(model: str, revision: str | None, gpu: GpuSpec, options: dict[str, Any],
             planning: tuple[int | None, float, int | None], eff: Efficiency, fmt: str, check: bool,
             chat: tuple[int | None, int | None, int]) -> None:
    from llmsize.hardware.plan import fit_model
    from llmsize.report.render_plan import fit_document, render_fit, write_document
    from llmsize.specs.resolve import resolve

    count, util, layers = planning
    spec = resolve(model, revision=revision)
    wl = workload_for(spec, options, count, util, layers)
    result = fit_model(spec, wl, gpu, count, efficiency=eff)
    budget = _chat_budget(result, wl, *chat)
    if fmt == "human":
        render_fit(result, gpu, wl, eff, budget)
    else:
        write_document(fit_document(result, gpu, wl, count, eff, budget), fmt, rows_key="options")
    if check and result.best is None:
        raise NothingFitsError(f"{spec.name} does not fit {gpu.id} in any precision tried")


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
    return chat_budget(prompt_tokens=wl.prompt_tokens, output_tokens=output_tokens, turns=turns,
                       window_tokens=result.max_position_embeddings, memory_tokens=memory,
                       system_tokens=system_tokens)


def _fit_all(gpu: GpuSpec, options: dict[str, Any], planning: tuple[int | None, float, int | None],
             eff: Efficiency, fmt: str, check: bool) -> None:
    from llmsize.hardware.plan import fit_model
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
    if check and not any(f.best is not None for f in fits):
        raise NothingFitsError(f"no catalog model fits {gpu.id} with this workload")

