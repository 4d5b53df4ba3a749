"""Workload options shared by every command that estimates (names per DESIGN.md), and build_workload().

Each option is an Annotated alias, so `estimate`, `explain` and later commands spell and document
them identically. `build_workload` turns the parsed values into a Workload; its cross-field
rules become one-line BadInputErrors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from llmsize.cli.declare import Option
from llmsize.cli.option_groups import OptionGroup
from llmsize.errors import BadInputError, one_line
from llmsize.estimate.workload import (
    MAX_COUNT,
    MAX_TOKENS,
    Attention,
    Engine,
    Fp8Recipe,
    Framework,
    HeldLogits,
    Loss,
    Mode,
    Objective,
    Offload,
    Optimizer,
    Workload,
    ZeroImpl,
)
from llmsize.records import ValidationError
from llmsize.units import Dtype, KvDtype, is_decimal_number

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec


class Logits(StrEnum):
    LAST = "last"
    ALL = "all"


_PANEL = "Workload"
ModeOpt = Annotated[
    Mode,
    Option(
        "--mode",
        help="inference; training (from scratch); full (fine-tuning); lora; qlora.",
        rich_help_panel=_PANEL,
    ),
]
DtypeOpt = Annotated[
    Dtype | None,
    Option(
        "--dtype",
        help="Compute/weight dtype; int8/int4/fp8 without --quant = plain weight-only quantization.",
        rich_help_panel=_PANEL,
    ),
]
QuantOpt = Annotated[
    str | None,
    Option(
        "--quant",
        help="Weight format: gptq[-int8], awq, bnb-nf4, bnb-int8, fp8, mxfp4, a GGUF type "
        "(Q4_K_M, Q8_0, ...) or none. Default: from the checkpoint.",
        rich_help_panel=_PANEL,
    ),
]
KvDtypeOpt = Annotated[
    KvDtype | None,
    Option(
        "--kv-dtype",
        help="KV cache element type (default: the compute dtype; f16 on llama.cpp).",
        rich_help_panel=_PANEL,
    ),
]
ContextOpt = Annotated[
    str,
    Option(
        "--context",
        # "[default: 4096]" alone was wrong for Ollama, which `estimate llama3.3 --gpu 4090` sizes at the
        # 32,768 tokens Ollama picks on 24 GiB (engine_context.py; issue 15, newcomer round 16)
        help="Tokens per sequence, prompt plus generated (4096, 32k, 128k). Unset: 4096, but Ollama's "
             "own by GPU memory (4k, 32k or 256k, at most the model's) and vLLM/SGLang's derived length "
             "where that is shorter.",
        show_default=False,
        rich_help_panel=_PANEL,
    ),
]
PromptTokensOpt = Annotated[
    str | None,
    Option(
        "--prompt-tokens",
        help="Tokens prefilled in one forward (default: the whole context).",
        rich_help_panel=_PANEL,
    ),
]
BatchOpt = Annotated[int, Option("--batch", help="Sequences per GPU replica.", rich_help_panel=_PANEL)]
LogitsOpt = Annotated[
    Logits,
    Option(
        "--logits",
        help="Inference logits: last position (generate) or all positions.",
        rich_help_panel=_PANEL,
    ),
]
OptimizerOpt = Annotated[
    Optimizer | None,
    Option(
        "--optimizer",
        metavar="NAME",
        help="Optimizer and implementation: adamw (torch's foreach), adamw-fused, adamw-foreach, "
        "adamw-8bit, paged-adamw-8bit, paged-adamw-32bit, adamw-4bit, sgd, adafactor "
        "(default: the framework's).",
        rich_help_panel=_PANEL,
    ),
]
_TRAIN = "Training recipe"
FrameworkOpt = Annotated[
    Framework | None,
    Option(
        "--framework",
        help="Training loop whose defaults fill unset options (default: trainer = transformers Trainer).",
        rich_help_panel=_TRAIN,
    ),
]
LossOpt = Annotated[
    Loss | None,
    Option(
        "--loss",
        help="Cross-entropy: full fp32 logits, full-shifted (transformers 4.46-4.48: also a shifted fp32 "
        "copy), chunked, chunked-recompute (TRL chunked_nll), fused linear CE, or inplace (Unsloth before "
        "December 2024: bf16 logits, gradient written into them) (default: the framework's).",
        rich_help_panel=_TRAIN,
    ),
]
LossChunksOpt = Annotated[
    int | None,
    Option("--loss-chunks", min=1, help="Chunks of --loss chunked (8).", rich_help_panel=_TRAIN),
]
OptInBwdOpt = Annotated[
    bool | None,
    Option(
        "--optimizer-in-backward/--no-optimizer-in-backward",
        help="Step each parameter as its gradient is ready (torchtune optimizer_in_bwd).",
        rich_help_panel=_TRAIN,
    ),
]
ActOffloadOpt = Annotated[
    bool | None,
    Option(
        "--activation-offloading/--no-activation-offloading",
        help="Saved activations go to host RAM (torchtune, Unsloth).",
        rich_help_panel=_TRAIN,
    ),
]
GradAccumOpt = Annotated[
    int, Option("--grad-accum", min=1, help="Micro-batches per optimizer step.", rich_help_panel=_TRAIN)
]
CompileOpt = Annotated[
    bool,
    Option(
        "--compile",
        help="torch.compile each decoder layer and the loss (torchtune compile: True).",
        rich_help_panel=_TRAIN,
    ),
]
PaddingFreeOpt = Annotated[
    bool,
    Option(
        "--padding-free",
        help="Training batches flattened into one row without padding (TRL padding_free); --context is "
        "then the mean tokens per sequence.",
        rich_help_panel=_TRAIN,
    ),
]
LigerOpt = Annotated[
    bool,
    Option(
        "--liger",
        help="Liger kernels (use_liger_kernel): fused CE, RMSNorm, SwiGLU, RoPE.",
        rich_help_panel=_TRAIN,
    ),
]
ObjectiveOpt = Annotated[
    Objective,
    Option(
        "--objective",
        help="Training objective: sft; dpo (TRL DPOTrainer: --batch pairs, each a chosen and a rejected "
        "sequence of --context tokens run as one batch; full training also holds a frozen reference copy); "
        "grpo (TRL GRPOTrainer's policy step: --batch completions, logits over --completion-tokens only).",
        rich_help_panel=_TRAIN,
    ),
]
PrecomputeRefOpt = Annotated[
    bool,
    Option(
        "--precompute-ref-log-probs",
        help="DPO: reference log-probabilities computed before training (TRL precompute_ref_log_probs): "
        "no reference model or reference forward in the step.",
        rich_help_panel=_TRAIN,
    ),
]
CompletionTokensOpt = Annotated[
    int | None,
    Option(
        "--completion-tokens",
        min=1,
        help="GRPO: generated tokens per sequence (max_completion_length, TRL default 512): the lm_head and "
        "log-softmax run on these only; --context is prompt + completion.",
        rich_help_panel=_TRAIN,
    ),
]
KlBetaOpt = Annotated[
    float,
    Option(
        "--kl-beta",
        min=0.0,
        help="GRPO: KL coefficient (GRPOConfig.beta, default 0): above 0, full training holds a frozen "
        "reference copy (LoRA disables its adapters instead).",
        rich_help_panel=_TRAIN,
    ),
]
FlexDenseMaskOpt = Annotated[
    bool,
    Option(
        "--flex-dense-mask",
        help="Unsloth's gpt-oss FlexAttention before September 2025 (unsloth-zoo before dc8308b): each "
        "block mask built from a dense query x key grid at the first forward.",
        rich_help_panel=_TRAIN,
    ),
]
Unsloth2024Opt = Annotated[
    bool,
    Option(
        "--unsloth-2024",
        help="Unsloth of 2024 (before March 2025): matmul_lora's output-sized LoRA temporary, per-layer RoPE "
        "caches, and every checkpointed block input offloaded with no GPU buffer.",
        rich_help_panel=_TRAIN,
    ),
]
HeldLogitsOpt = Annotated[
    HeldLogits,
    Option(
        "--held-logits",
        help="How long your training loop keeps the model output (its logits) referenced past the loss: "
        "none (Trainer, torchtune 0.3+); step: through backward and the optimizer step (`output = "
        "model(..., labels=y)` cleared after the step: Answer.AI fsdp_qlora train.py, torchtune before "
        "0.3); always: until the next forward returns (`outputs` rebound each step).",
        rich_help_panel=_TRAIN,
    ),
]
Fp8TrainingOpt = Annotated[
    Fp8Recipe | None,
    Option(
        "--fp8-training",
        help="torchao float8 training of the decoder's linears with this scaling recipe (full/training).",
        rich_help_panel=_TRAIN,
    ),
]
Fp8AllGatherOpt = Annotated[
    bool | None,
    Option(
        "--fp8-all-gather/--no-fp8-all-gather",
        help="FSDP2 all-gathers fp8 weights (torchao tensorwise; default: the framework's).",
        rich_help_panel=_TRAIN,
    ),
]
OffloadOptimizerOpt = Annotated[
    Offload,
    Option("--offload-optimizer", help="DeepSpeed ZeRO optimizer offload.", rich_help_panel=_TRAIN),
]
OffloadParamsOpt = Annotated[
    Offload,
    Option(
        "--offload-params",
        help="ZeRO-3 parameter offload (DeepSpeed offload_param; under FSDP, CPUOffload also steps the "
        "optimizer on the host).",
        rich_help_panel=_TRAIN,
    ),
]
ZeroImplOpt = Annotated[
    ZeroImpl,
    Option(
        "--zero-impl",
        help="Library behind --zero: fsdp or deepspeed (auto: DeepSpeed for a Trainer-family run with fp32 "
        "master weights, else FSDP).",
        rich_help_panel=_TRAIN,
    ),
]
DsReduceBucketOpt = Annotated[
    str | None,
    Option(
        "--ds-reduce-bucket",
        help="DeepSpeed zero_optimization.reduce_bucket_size: elements (5e8) or auto (hidden_size²); "
        "default: DeepSpeed's 5e8, what a config without the key gets.",
        rich_help_panel=_TRAIN,
    ),
]
BaseFp32Opt = Annotated[
    bool,
    Option(
        "--base-fp32",
        help="LoRA: the frozen base is loaded in fp32 and cast to --dtype per use (peft's examples/sft "
        "script; FSDP mixed precision keeps an fp32 shard).",
        rich_help_panel=_TRAIN,
    ),
]
MasterWeightsOpt = Annotated[
    bool | None,
    Option(
        "--master-weights/--no-master-weights",
        help="fp32 master copy of fp16/bf16 weights (default: on for full/training).",
        rich_help_panel=_PANEL,
    ),
]
GradCkptOpt = Annotated[
    bool | None,
    Option(
        "--gradient-checkpointing/--no-gradient-checkpointing",
        help="Recompute activations in backward (default: the framework's for the mode).",
        rich_help_panel=_PANEL,
    ),
]
AttentionOpt = Annotated[
    Attention | None,
    Option("--attention", help="Attention kernel (default: the model's).", rich_help_panel=_PANEL),
]
LoraRankOpt = Annotated[
    int | None,
    Option("--lora-rank", help="LoRA rank r [default: the framework's: 8 for Trainer (peft), LLaMA-Factory "
           "and torchtune, 16 for TRL and Unsloth, 32 for axolotl].", rich_help_panel=_PANEL),
]
LoraTargetsOpt = Annotated[
    str | None,
    Option(
        "--lora-targets",
        help="Comma-separated module names, or all-linear (default: PEFT's per architecture).",
        rich_help_panel=_PANEL,
    ),
]
LoraDropoutOpt = Annotated[
    float | None,
    Option("--lora-dropout", help="LoRA dropout probability (peft's lora_dropout) [default: the framework's: "
           "0.05 for trl and axolotl, else 0.0].", rich_help_panel=_PANEL),
]
ZeroOpt = Annotated[
    int, Option("--zero", min=0, max=3, help="ZeRO/FSDP stage 0-3.", rich_help_panel=_PANEL)
]
NumGpusOpt = Annotated[
    int,
    Option(
        "--num-gpus",
        help="GPUs in total: inference splits the model over them (tensor parallel first; llama.cpp by "
        "layers); training runs one replica per GPU (DDP; --zero shards the states), or splits the layers "
        "over them where a replica needs more than one GPU.",
        rich_help_panel=_PANEL,
    ),
]
TpOpt = Annotated[int, Option("--tp", help="Tensor-parallel degree.", rich_help_panel=_PANEL, min=1)]
PpOpt = Annotated[int, Option("--pp", help="Pipeline-parallel degree.", rich_help_panel=_PANEL, min=1)]
EngineOpt = Annotated[
    Engine | None,
    Option(
        "--engine",
        help="Runtime: transformers, vllm, sglang, llama.cpp or ollama (default: ollama for an Ollama tag, "
        "llama.cpp for GGUF, else transformers).",
        rich_help_panel=_PANEL,
    ),
]
ImagesOpt = Annotated[
    int,
    Option(
        "--images",
        help="Images per sequence (vision-language models): their tokens join the context and the vision "
        "tower encodes them at prefill.",
        rich_help_panel=_PANEL,
    ),
]
ImageSizeOpt = Annotated[
    str | None,
    Option(
        "--image-size",
        metavar="WxH",
        help="Pixels of each image, e.g. 1024x768 (default: the tower's own input size for fixed-size "
        "towers such as Gemma 3's 896x896, else 1024x1024).",
        rich_help_panel=_PANEL,
    ),
]
AudioSecondsOpt = Annotated[
    float,
    Option(
        "--audio-seconds",
        help="Seconds of audio per sequence (Gemma 3n, Gemma 4 E2B/E4B, Qwen2-Audio): its tokens join the "
        "context and the audio tower encodes it at prefill, in clips of at most 30 s.",
        rich_help_panel=_PANEL,
    ),
]
VideoFramesOpt = Annotated[
    int,
    Option(
        "--video-frames",
        help="Frames of one video per sequence, as the processor sampled them, for Qwen2.5-VL, Qwen3-VL / "
        "Qwen3.5 and Gemma 4: their tokens join the context, the vision tower encodes them.",
        rich_help_panel=_PANEL,
    ),
]
VideoSizeOpt = Annotated[
    str | None,
    Option(
        "--video-size", metavar="WxH", help="Pixels of each frame (default 1280x720).", rich_help_panel=_PANEL
    ),
]

# ASCII digits only: re's \d also takes "٣" (and Decimal reads it), which --batch (pydantic) refuses.
# A '+' as every number option takes one (llmsize.units' one rule for numbers).
_TOKENS = re.compile(r"^\s*\+?(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$", re.ASCII)


def parse_tokens(text: str, option: str) -> int:
    """'4096', '32k' (x1024), '1M' (x1024^2) -> tokens; anything else is a BadInputError."""
    match = _TOKENS.match(text)
    if not match:
        raise BadInputError(f"{option} {text!r} is not a token count", hint="write e.g. 4096, 32k or 128k")
    number, unit = match.group(1), match.group(2).lower()
    scale = {"": 1, "k": 1024, "m": 1024 * 1024}[unit]
    if number.isdigit() and len(number) <= 18:  # the usual "4096": plain ints (decimal costs an import)
        tokens = int(number) * scale
        fraction = False
    else:  # Decimal, not float: 400 digits are a clear "too large" from Workload, not an OverflowError
        from decimal import Decimal

        value = Decimal(number)
        tokens, fraction = int(value * scale), value != value.to_integral_value()
    if tokens <= 0 or (not unit and fraction):
        raise BadInputError(f"{option} {text!r} must be a positive whole number of tokens")
    if tokens > MAX_TOKENS:  # was Workload's "Input should be less than or equal to 1099511627776"
        raise BadInputError(
            f"{option} {one_line(text, 40)} is more tokens than llmsize sizes (at most {MAX_TOKENS:,})"
        )
    return tokens


_IMAGE_SIZE = re.compile(r"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$", re.ASCII)


def parse_image_size(text: str, option: str = "--image-size") -> tuple[int, int]:
    """'1024x768' -> (1024, 768) pixels (width, height); anything else is a BadInputError."""
    match = _IMAGE_SIZE.match(text)
    if not match or min(int(match.group(1)), int(match.group(2))) <= 0:
        raise BadInputError(
            f"{option} {text!r} is not WIDTHxHEIGHT in positive pixels", hint="write e.g. 1024x768"
        )
    return int(match.group(1)), int(match.group(2))


def _reduce_bucket(text: str | None) -> int | str | None:
    """--ds-reduce-bucket: `auto`, or an element count as DeepSpeed's JSON writes it (500000000, 5e8)."""
    if text is None or text.strip().lower() == "auto":
        return None if text is None else "auto"
    # ASCII digits only (is_decimal_number): float() also reads '1_000' and '٣', which DeepSpeed's JSON
    # and every other count option of llmsize refuse (issue 15, round 14)
    value = float(text) if is_decimal_number(text) else float("nan")
    if not value.is_integer() or value < 1:
        raise BadInputError(
            f"--ds-reduce-bucket {text!r} is not an element count",
            hint="give a positive count such as 5e8, or auto (hidden_size²)",
        )
    if value > MAX_COUNT:
        raise BadInputError(
            f"--ds-reduce-bucket {text!r} is out of range: give 1 to {MAX_COUNT:,} elements or auto"
        )
    return int(value)


def _message(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ()))
    msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"invalid workload: {loc}: {msg}" if loc else f"invalid workload: {msg}"


def build_workload(
    *,
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
    liger: LigerOpt = False,
    objective: ObjectiveOpt = Objective.SFT,
    precompute_ref_log_probs: PrecomputeRefOpt = False,
    flex_dense_mask: FlexDenseMaskOpt = False,
    unsloth_2024: Unsloth2024Opt = False,
    held_logits: HeldLogitsOpt = HeldLogits.NONE,
    completion_tokens: CompletionTokensOpt = None,
    kl_beta: KlBetaOpt = 0.0,
    fp8_training: Fp8TrainingOpt = None,
    fp8_all_gather: Fp8AllGatherOpt = None,
    offload_optimizer: OffloadOptimizerOpt = Offload.NONE,
    offload_params: OffloadParamsOpt = Offload.NONE,
    zero_impl: ZeroImplOpt = ZeroImpl.AUTO,
    ds_reduce_bucket: DsReduceBucketOpt = None,
    base_fp32: BaseFp32Opt = False,
    attention: AttentionOpt = None,
    lora_rank: LoraRankOpt = None,
    lora_targets: LoraTargetsOpt = None,
    lora_dropout: LoraDropoutOpt = None,
    zero: ZeroOpt = 0,
    num_gpus: NumGpusOpt = 1,
    tp: TpOpt = 1,
    pp: PpOpt = 1,
    engine: EngineOpt = None,
    images: ImagesOpt = 0,
    image_size: ImageSizeOpt = None,
    audio_seconds: AudioSecondsOpt = 0.0,
    video_frames: VideoFramesOpt = 0,
    video_size: VideoSizeOpt = None,
) -> Workload:
    """The Workload the options describe; any inconsistency is a one-line BadInputError."""
    ctx = parse_tokens(str(context), "--context")  # str(): library callers may pass a plain int
    prompt = None if prompt_tokens is None else parse_tokens(str(prompt_tokens), "--prompt-tokens")
    targets = None
    if lora_targets is not None:
        # each module once: `q_proj,q_proj` was listed twice in the report (wrapped once; round 9)
        targets = tuple(dict.fromkeys(t.strip() for t in lora_targets.split(",") if t.strip()))
        if not targets:
            raise BadInputError("--lora-targets is empty", hint="name modules (q_proj,v_proj) or all-linear")
    if images < 0:
        raise BadInputError(f"--images {images} must be 0 or more images per sequence")
    pixels = parse_image_size(image_size) if isinstance(image_size, str) else image_size
    if pixels is not None and not images:
        raise BadInputError("--image-size needs --images N (how many images each sequence sends)")
    frame = parse_image_size(video_size, "--video-size") if isinstance(video_size, str) else video_size
    if video_frames < 0 or (frame is not None and not video_frames):
        raise BadInputError(f"--video-frames {video_frames}: give 1 or more frames (--video-size needs them)")
    if not 0 <= audio_seconds <= 86_400:  # NaN fails both
        raise BadInputError(
            f"--audio-seconds {audio_seconds} must be from 0 to 86,400 seconds (a day) per sequence"
        )
    try:
        return Workload(
            mode=mode,
            dtype=dtype,
            quant=quant,
            kv_dtype=kv_dtype,
            context=ctx,
            prompt_tokens=prompt,
            batch=batch,
            logits=str(logits),
            optimizer=optimizer,
            master_weights=master_weights,
            gradient_checkpointing=gradient_checkpointing,
            framework=framework,
            loss=loss,
            loss_chunks=loss_chunks,
            optimizer_in_backward=optimizer_in_backward,
            activation_offloading=activation_offloading,
            gradient_accumulation=grad_accum,
            compile=compile,
            liger=liger,
            padding_free=padding_free,
            objective=objective,
            precompute_ref_log_probs=precompute_ref_log_probs,
            flex_dense_mask=flex_dense_mask,
            unsloth_2024=unsloth_2024,
            held_logits=held_logits,
            completion_tokens=completion_tokens,
            kl_beta=kl_beta,
            fp8_training=fp8_training,
            fp8_all_gather=fp8_all_gather,
            offload_optimizer=offload_optimizer,
            offload_params=offload_params,
            zero_impl=zero_impl,
            ds_reduce_bucket=_reduce_bucket(ds_reduce_bucket),
            base_fp32=base_fp32,
            attention=attention,
            lora_rank=lora_rank,
            lora_targets=targets,
            lora_dropout=lora_dropout,
            zero=zero,
            num_gpus=num_gpus,
            tp=tp,
            pp=pp,
            engine=engine or Engine.TRANSFORMERS,
            images=images,
            image_size=pixels,
            audio_seconds=audio_seconds,
            video_frames=video_frames,
            video_size=frame,
        )
    except ValidationError as err:
        raise BadInputError(_message(err)) from None


WORKLOAD_OPTIONS = OptionGroup(build_workload, exclude=("num_gpus",))
"""The workload options of estimate, fit and compare: build_workload's keywords but --num-gpus, which
each of those commands reads its own way (cli/gpu_options.py)."""
WORKLOAD_OPTION_NAMES: tuple[str, ...] = tuple(WORKLOAD_OPTIONS)


def workload_options_from(*values: Mapping[str, Any]) -> dict[str, Any]:
    """The build_workload() keywords among a command's option values (its groups' dicts, or `locals()`).

    `num_gpus` is left out: each command reads it its own way. Engine settings
    (cli/engine_options.py), where given, travel under "engine_settings".
    """
    from llmsize.cli.engine_options import ENGINE_OPTION_NAMES, engine_settings_from

    merged: dict[str, Any] = {}
    for group in values:
        merged.update(group)
    out = {name: merged[name] for name in WORKLOAD_OPTION_NAMES if name in merged}
    if any(name in merged for name in ENGINE_OPTION_NAMES):
        out["engine_settings"] = engine_settings_from(merged)
    return out


def workload_for(spec: ModelSpec | None, options: Mapping[str, Any], num_gpus: int | None) -> Workload:
    """build_workload() with the engine default for `spec`, the engine settings and the GPU count.

    `num_gpus` None means "auto": the planner picks the layout, the workload carries tp x pp.
    """
    opts = dict(options)
    settings = opts.pop("engine_settings", None) or {}
    if spec is not None:
        opts["engine"] = _model_engine(spec, opts)
    # vLLM --dp: the data-parallel engine cores are part of the layout (vllm_expert_parallel.py)
    model_parallel = opts.get("tp", 1) * opts.get("pp", 1) * int(settings.get("data_parallel") or 1)
    # "auto", or the default single GPU with --tp/--pp given: the layout needs tp x pp (x dp) GPUs.
    opts["num_gpus"] = model_parallel if num_gpus is None or num_gpus == 1 else num_gpus
    wl = build_workload(**opts)
    if not settings:
        return wl
    try:
        return Workload.model_validate({**wl.model_dump(), **settings})
    except ValidationError as err:
        raise BadInputError(_message(err)) from None


def _model_engine(spec: ModelSpec, options: Mapping[str, Any]) -> Any:
    """The engine workload_for sizes `spec` with: --engine, or the model's default (default_engine)."""
    from llmsize.estimate.engine import default_engine

    trains = Mode(options.get("mode") or Mode.INFERENCE).trains
    # Training runs in transformers: a GGUF's serving-engine default would only hide why it cannot train.
    if options.get("engine") is not None or not trains:
        return default_engine(spec, options.get("engine"), options.get("quant"))
    return options.get("engine")


def workloads_for(options: Mapping[str, Any], num_gpus: int | None) -> Callable[[ModelSpec], Workload]:
    """workload_for of many models (`fit --all`): a workload depends on its model only through the
    engine picked for it, so one is built per engine, not per model (issue 15). A refusal is not
    kept: it is raised again for each model, as workload_for raises it."""
    kept: dict[Any, Workload] = {}

    def of(spec: ModelSpec) -> Workload:
        engine = _model_engine(spec, options)
        wl = kept.get(engine)
        if wl is None:
            wl = kept[engine] = workload_for(spec, options, num_gpus)
        return wl

    return of
