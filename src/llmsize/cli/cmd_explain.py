"""`llmsize explain MODEL`: every component's formula with this model's numbers substituted."""

from __future__ import annotations

from llmsize.cli.app import app
from llmsize.cli.cmd_estimate import ModelArg, make_report
from llmsize.cli.options import RevisionOpt
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
    NumGpusOpt,
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
    workload_options_from,
)
from llmsize.estimate.workload import Mode, Offload


@app.command("explain")
def explain_cmd(
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
    num_gpus: NumGpusOpt = 1,
    tp: TpOpt = 1,
    pp: PpOpt = 1,
    engine: EngineOpt = None,
    revision: RevisionOpt = None,
) -> None:
    """Show how each memory component is computed, with the model's numbers filled in.

    Examples: llmsize explain Qwen2.5-7B-Instruct · llmsize explain Mixtral-8x7B --mode lora --context 8k
    """
    from llmsize.report.render_estimate import render_explain

    options = {**workload_options_from(locals()), "num_gpus": num_gpus}
    render_explain(make_report(model, revision, options))
