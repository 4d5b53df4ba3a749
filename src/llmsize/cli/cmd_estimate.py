"""`llmsize estimate MODEL`: memory per component for a workload, as a table or the JSON/YAML document."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmsize.cli.app import app
from llmsize.cli.options import ForceOpt, FormatOpt, OutputFormat, OutputOpt, RevisionOpt
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
    NumGpusOpt,
    OptimizerOpt,
    PpOpt,
    PromptTokensOpt,
    QuantOpt,
    TpOpt,
    ZeroOpt,
    build_workload,
)
from llmsize.errors import LlmsizeError
from llmsize.estimate.workload import Engine, Mode, Optimizer

if TYPE_CHECKING:
    from llmsize.report.models import Report
    from llmsize.specs.models import ModelSpec

ModelArg = Annotated[
    str,
    typer.Argument(
        help="Model name, Hugging Face repo id, folder with config.json, config.json or .gguf file."
    ),
]


def _engine_for(spec: ModelSpec, engine: Engine | None, quant: str | None) -> Engine:
    """--engine, else llama.cpp for GGUF weights (the checkpoint's or --quant's), else transformers."""
    if engine is not None:
        return engine
    from llmsize.estimate.quant_formats import GGUF_FILE_TYPES
    from llmsize.specs.models import QuantMethod

    wants_gguf = (
        quant is not None and quant.upper().removeprefix("GGUF:").replace("-", "_") in GGUF_FILE_TYPES
    )
    from_gguf = spec.weight_format.quant == QuantMethod.GGUF and (quant is None or wants_gguf)
    return Engine.LLAMA_CPP if wants_gguf or from_gguf else Engine.TRANSFORMERS


def make_report(model: str, revision: str | None, options: dict[str, Any]) -> Report:
    """Resolve the model, build the workload, estimate and assemble the report (no printing)."""
    from llmsize.estimate.core import estimate
    from llmsize.names import parse_name
    from llmsize.report.models import build_report
    from llmsize.specs.resolve import resolve

    spec = resolve(model, revision=revision)
    options = {**options, "engine": _engine_for(spec, options.get("engine"), options.get("quant"))}
    workload = build_workload(**options)
    try:  # what the name says; for a path, the model's own name
        parsed = parse_name(spec.name if Path(model).expanduser().exists() else model)
    except LlmsizeError:
        parsed = None
    return build_report(model, spec, workload, estimate(spec, workload), parsed=parsed)


@app.command("estimate")
def estimate_cmd(
    model: ModelArg,
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
    num_gpus: NumGpusOpt = 1,
    tp: TpOpt = 1,
    pp: PpOpt = 1,
    engine: EngineOpt = None,
    revision: RevisionOpt = None,
    fmt: FormatOpt = OutputFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Memory a model needs for a workload: weights, KV cache, activations, gradients, optimizer, adapters.

    Examples: llmsize estimate Qwen2.5-7B-Instruct-GPTQ-Int4 · llmsize estimate Llama-3.1-8B --mode qlora
    --context 8k --format json · llmsize estimate ./model.gguf --kv-dtype q8_0 --context 32k
    """
    from llmsize.report.export import write_report
    from llmsize.report.render_estimate import render_estimate

    options = {
        "mode": mode,
        "dtype": dtype,
        "quant": quant,
        "kv_dtype": kv_dtype,
        "context": context,
        "prompt_tokens": prompt_tokens,
        "batch": batch,
        "logits": logits,
        "optimizer": optimizer,
        "master_weights": master_weights,
        "gradient_checkpointing": gradient_checkpointing,
        "attention": attention,
        "lora_rank": lora_rank,
        "lora_targets": lora_targets,
        "zero": zero,
        "num_gpus": num_gpus,
        "tp": tp,
        "pp": pp,
        "engine": engine,
    }
    report = make_report(model, revision, options)
    if output is not None:
        write_report(report, output, force=force)
    render_estimate(report, fmt.value)
