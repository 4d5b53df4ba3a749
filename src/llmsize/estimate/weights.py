"""Weights per GPU: the weight format a workload runs with, and the bytes of every tensor on a GPU.

The parameter inventory (`specs/params.py`) lists every tensor group; this module places the groups
on GPUs (pipeline stages split the blocks, tensor parallelism splits the linear layers the way
Megatron-LM and vLLM do) and prices each placed tensor in its format (`quant_formats.py`). Training
and adapter estimates reuse the same placement, so all components agree on what one GPU holds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from llmsize.errors import BadInputError
from llmsize.estimate import bnb_fused_experts, bnb_sharding, fp32_base
from llmsize.estimate import quant_formats as qf
from llmsize.estimate.encoder_tp import extra_numel, splits
from llmsize.estimate.engines.llama_cpp_download import repo_gguf_type
from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.gguf_stage_sums import block_run_bytes
from llmsize.estimate.memo import memo
from llmsize.estimate.mixer_tp import mixer_shape, split_widths
from llmsize.estimate.placement import Stage, split_layers
from llmsize.estimate.skip_match import covered
from llmsize.estimate.workload import Mode, Workload
from llmsize.specs.models import (
    FILE_TYPE_DEFAULT,
    NOT_IN_FILE,
    RECIPE_PIN,
    ModelSpec,
    QuantMethod,
    WeightFormat,
)
from llmsize.specs.params import ParamGroup, param_inventory
from llmsize.specs.unsloth import hybrid_q8_format, low_bit_moe_format, nearest_ftype_text
from llmsize.units import Dtype, bytes_per_element

FLOAT_DTYPES = ("fp32", "fp16", "bf16")
# Said with the first assumption ("weights loaded as bf16, the checkpoint's dtype"), not as a second
# line repeating the dtype ("weights in the checkpoint dtype, bf16") under it (issue 15).
CHECKPOINT_DTYPE_NOTE = "the checkpoint's dtype"
# Kinds whose linear layers a weight-only format quantizes; embeddings, lm_head, norms and routers
# stay in the float dtype (GPTQ/AWQ/bnb skip lm_head by default; transformers >= 5 routers are plain
# parameters, not nn.Linear, so no quantizer touches them).
QUANTIZED_KINDS = frozenset({"attn", "mixer", "mlp", "expert", "shared_expert"})
# Megatron-LM / vLLM tensor parallelism: column-parallel layers split their outputs, row-parallel
# layers their inputs (Shoeybi et al. 2019, arXiv:1909.08053, section 3; vLLM linear.py).
COLUMN_PARALLEL = frozenset(
    {
        "q_proj",
        "k_proj",
        "v_proj",
        "qkv_proj",
        "gate_proj",
        "up_proj",
        "gate_up_proj",
        "q_b_proj",
        "kv_b_proj",
        "lm_head",
        # DeepSeek V4's grouped output projection: wo_a splits its groups (vLLM models/deepseek_v4
        # ColumnParallelLinear wo_a with bmm_batch_size = n_local_groups; SGLang deepseek_v4.py
        # n_local_groups = o_groups // tp), wo_b its input (RowParallelLinear).
        "o_a_proj",
    }
)
ROW_PARALLEL = frozenset({"o_proj", "down_proj", "o_b_proj"})
BLOCK_KINDS = frozenset({"attn", "mlp", "expert", "shared_expert", "router"})


# --------------------------------------------------------------------------------------- weight format


_last_format: list[tuple[ModelSpec, Workload, tuple[WeightFormat, tuple[str, ...]]]] = []


def effective_format(spec: ModelSpec, wl: Workload) -> tuple[WeightFormat, tuple[str, ...]]:
    """The weight format the workload loads, and the assumptions that picked it (_effective_format).

    Kept for the last (spec, workload) objects asked: one estimate asks two or three times, from its
    weights, its engine's buffers and its figures (issue 15: `fit --all --engine llama.cpp` ~14k calls).
    Not in estimate/memo.py's store, whose entries a key per workload would push out.
    """
    if _last_format:
        last_spec, last_wl, kept = _last_format[0]
        if last_spec is spec and last_wl is wl:
            return kept
    value = _effective_format(spec, wl)
    _last_format[:] = [(spec, wl, value)]
    return value


def _effective_format(spec: ModelSpec, wl: Workload) -> tuple[WeightFormat, tuple[str, ...]]:
    """The weight format the workload loads, and the assumptions that picked it.

    Order: an explicit --quant; `--dtype int8/int4/fp8` on a float checkpoint (a plain weight-only
    quantization, stated); QLoRA on a float checkpoint (bitsandbytes NF4 with double quantization,
    the QLoRA recipe of Dettmers et al. 2023, arXiv:2305.14314); else the checkpoint's own format.
    """
    base = spec.weight_format
    notes: list[str] = []
    wanted = str(wl.dtype) if wl.dtype is not None else None
    rest = wanted if wanted in FLOAT_DTYPES else (base.dtype if base.dtype in FLOAT_DTYPES else "bf16")
    if wl.quant is not None:
        quant, ud_note = nearest_ftype_text(wl.quant)  # --quant UD-Q4_K_XL: Unsloth's mix, sized as Q4_K_M
        notes.extend([ud_note] if ud_note else [])
        parsed = qf.parse_quant(quant, base.model_copy(update={"dtype": rest}))
        if parsed is None:
            fmt = WeightFormat(dtype=rest)
            if base.quant is not None:
                notes.append(
                    f"--quant none: the checkpoint's {base.label()} weights are taken as plain {rest}"
                )
        else:
            fmt = parsed
            if (
                wanted is None
                and fmt.quant in (QuantMethod.GPTQ, QuantMethod.AWQ)
                and base.quant != fmt.quant
            ):
                fmt = fmt.model_copy(update={"dtype": "fp16"})
                notes.append(f"{fmt.quant} keeps unquantized tensors in fp16, the dtype its kernels run in")
            if fmt.quant in _BNB and base.quant not in _BNB:  # quantized on load, as QLoRA's base below
                fmt = _bnb_fused_experts(spec, wl, fmt, notes)
            if fmt.quant == QuantMethod.GGUF:
                # --quant UD-IQ1_S on a MoE: Unsloth's low-bit rule; --quant IQ1_S on a UD name: plain
                fmt, moe_note = low_bit_moe_format(spec, fmt, dynamic=ud_note is not None)
                notes.extend([moe_note] if moe_note else [])
                # --quant UD-Q8_K_XL on a hybrid model: attention and mixers at BF16 (specs/unsloth.py)
                fmt, hybrid_note = hybrid_q8_format(spec, fmt, wl.quant if ud_note else "")
                notes.extend([hybrid_note] if hybrid_note else [])
                # a GGUF file named by --quant loads as the engine loads a GGUF checkpoint: transformers
                # dequantizes it (load_format), which `--quant Q4_K_M --engine transformers` skipped
                # and sized at 4.8 bits a weight (issue 15, newcomer round 10)
                as_file = spec.model_copy(update={"weight_format": fmt})
                if (named := engine_for(wl).quant_format(spec, wl, fmt, rest)) is not None:
                    fmt = named[0]  # Ollama: the library's own build of that type (issue 15, round 14)
                    notes.append(named[1])
                elif (loaded := engine_for(wl).load_format(as_file, wl, rest)) is not None:
                    fmt = loaded[0]
                    notes.append(loaded[1])
    elif wanted in ("int8", "int4", "fp8") and base.quant is None:
        fmt = _plain_quantization(wanted, notes)
    elif wl.mode is Mode.QLORA and (
        base.quant is None
        # a GGUF or MXFP4 checkpoint the engine dequantizes on load (transformers) is a float base too
        or _dequantized_on_load(spec, wl, rest) is not None
    ):
        fmt = WeightFormat(dtype=rest, quant=QuantMethod.BNB_NF4, bits=4, double_quant=True)
        if base.quant is not None:  # dequantized on load, then bitsandbytes quantizes
            notes.append(str(_dequantized_on_load(spec, wl, rest)))
        notes.append("QLoRA base weights: bitsandbytes NF4 with double quantization (QLoRA paper recipe)")
        fmt = _bnb_fused_experts(spec, wl, fmt, notes)
    elif (loaded := engine_for(wl).load_format(spec, wl, rest)) is not None:
        fmt = loaded[0]
        notes.append(loaded[1])
    elif base.quant is not None:
        fmt = base if base.quant == QuantMethod.GGUF else base.model_copy(update={"dtype": rest})
        if fmt.quant == QuantMethod.GGUF and not fmt.gguf_type and spec.checkpoint is None:
            # "unsloth/Qwen3-30B-A3B-GGUF" names a repo, not a file: `-hf` pulls its default (issue 15)
            ftype = repo_gguf_type(spec.name)  # ggml-org/gpt-oss-20b-GGUF holds MXFP4 only
            fmt = fmt.model_copy(update={"gguf_type": ftype})
            notes.append(f"the name states no GGUF type: the repo's {ftype} file, the one `-hf` "
                         "and `ollama run hf.co/...` pull by default (llama.cpp common/arg.cpp)")
    else:
        fmt = WeightFormat(dtype=rest)
        if wanted is None:
            notes.append(CHECKPOINT_DTYPE_NOTE)
    if _kbit_fp32(wl, fmt):
        fmt = fmt.model_copy(update={"dtype": "fp32"})
        experts = bnb_fused_experts.EXPERTS_PATTERN in fmt.modules_not_converted
        held = "embeddings, norms, lm_head and routed experts" if experts else "embeddings, norms and lm_head"
        notes.append(f"peft's prepare_model_for_kbit_training casts the {held} to fp32"
                     + (bnb_fused_experts.MORE_THAN_LORA if experts else ""))
    _validate_format(spec, wl, fmt)
    if engine_for(wl).separate_mmproj(spec, wl, fmt):
        absent = (*fmt.gguf_tensor_types, ("other.extra", NOT_IN_FILE))
        fmt = fmt.model_copy(update={"gguf_tensor_types": absent})
        notes.append("the text GGUF: the vision tower is the separate mmproj file (--mmproj), not counted")
    return fmt, tuple(notes)


_BNB = (QuantMethod.BNB_NF4, QuantMethod.BNB_FP4, QuantMethod.BNB_INT8)


def _bnb_fused_experts(spec: ModelSpec, wl: Workload, fmt: WeightFormat, notes: list[str]) -> WeightFormat:
    """`fmt` with the routed experts left in the float dtype where bitsandbytes, quantizing on load, passes
    them over (bnb_fused_experts.py): every training run through transformers' loader (QLoRA, or LoRA with
    --quant bnb-*), and inference on an engine that loads that way (the engine says; issue 15, round 8:
    `--quant bnb-nf4 --engine transformers` sized Qwen3-30B-A3B's experts in 4 bits)."""
    skips = (bnb_fused_experts.experts_stay_float(spec, wl) if wl.mode.trains
             else engine_for(wl).bnb_skips_fused_experts(spec, wl))
    if not skips:
        return fmt
    notes.append(bnb_fused_experts.NOTE if wl.mode.trains else bnb_fused_experts.INFERENCE_NOTE)
    kept = (*fmt.modules_not_converted, bnb_fused_experts.EXPERTS_PATTERN)
    return fmt.model_copy(update={"modules_not_converted": tuple(dict.fromkeys(kept))})


def _dequantized_on_load(spec: ModelSpec, wl: Workload, rest: str) -> str | None:
    """The engine's note when it loads this quantized checkpoint as plain floats (transformers: GGUF, and
    MXFP4 for training), else None."""
    if spec.weight_format.quant not in (QuantMethod.GGUF, QuantMethod.MXFP4):
        return None
    loaded = engine_for(wl).load_format(spec, wl, rest)
    return loaded[1] if loaded is not None and loaded[0].quant is None else None


def _kbit_fp32(wl: Workload, fmt: WeightFormat) -> bool:
    """QLoRA on a bitsandbytes base through a framework that runs peft's
    `prepare_model_for_kbit_training` (peft utils/other.py: every fp16/bf16 parameter that is not
    `Params4bit` goes to fp32; transformers' QLoRA recipes and TRL's `prepare_peft_model` before 0.26
    call it; Axolotl calls it and casts the norms, embeddings and head back: frameworks._kbit_fp32).
    The 4-bit compute dtype (activations) stays the checkpoint's."""
    from llmsize.estimate.frameworks import recipe

    return (
        wl.mode is Mode.QLORA and fmt.quant in _BNB and fmt.dtype in ("bf16", "fp16") and recipe(wl).kbit_fp32
    )


def _plain_quantization(wanted: str, notes: list[str]) -> WeightFormat:
    if wanted == "fp8":
        notes.append(
            "--dtype fp8 without --quant: fp8 e4m3 weights with one fp32 scale per tensor "
            "(vLLM's dynamic --quantization fp8 of a float checkpoint)"
        )
        return WeightFormat(dtype="bf16", quant=QuantMethod.FP8, bits=8, group_size=0)
    bits, group = (8, -1) if wanted == "int8" else (4, qf.GPTQ_DEFAULT_GROUP)
    layout = "one scale per output channel" if group == -1 else f"one bf16 scale per {group} inputs"
    notes.append(
        f"--dtype {wanted} without --quant: symmetric weight-only {wanted} with {layout} "
        f"(llm-compressor W{bits}A16 in compressed-tensors); embeddings, lm_head and norms stay bf16"
    )
    return WeightFormat(dtype="bf16", quant=QuantMethod.COMPRESSED_TENSORS, bits=bits, group_size=group)


def _validate_format(spec: ModelSpec, wl: Workload, fmt: WeightFormat) -> None:
    engine_for(wl).check_format(fmt)
    if wl.mode.trains_all_weights and fmt.quant is not None:
        raise BadInputError(
            f"--mode {wl.mode} trains every weight, but {fmt.label()} weights cannot take gradients",
            hint="use --mode qlora (LoRA on the quantized base) or --quant none to train the float weights",
        )
    if wl.mode is Mode.QLORA and fmt.quant is None:
        raise BadInputError(
            "--mode qlora needs a quantized base model", hint="drop --quant none, or use --mode lora"
        )
    if fmt.quant == QuantMethod.GGUF and wl.mode.trains:
        raise BadInputError("GGUF weights are for inference", hint="train from the Hugging Face checkpoint")


def compute_dtype(spec: ModelSpec, wl: Workload, fmt: WeightFormat | None = None) -> str:
    """The dtype activations and (by default) the KV cache are computed in."""
    if wl.dtype is not None and str(wl.dtype) in FLOAT_DTYPES:
        return str(wl.dtype)
    fmt = fmt or effective_format(spec, wl)[0]
    if fmt.quant == QuantMethod.GGUF:
        return "fp16"  # llama.cpp keeps its KV cache in f16 by default (--cache-type-k/v f16)
    if fmt.quant in (QuantMethod.GPTQ, QuantMethod.AWQ):
        return "fp16"
    if wl.mode is Mode.QLORA and fmt.quant in _BNB and fmt.dtype == "fp32":
        # the fp32 tensors come from prepare_model_for_kbit_training; bnb computes in the checkpoint's
        # dtype (bnb_4bit_compute_dtype)
        base = spec.weight_format.dtype
        return base if base in ("bf16", "fp16") else "bf16"
    return fmt.dtype if fmt.dtype in FLOAT_DTYPES else "bf16"


# ------------------------------------------------------------------------------------------ placement


@dataclass(frozen=True)
class Shard:
    """One parameter group as it lies on one GPU, after tensor and pipeline parallelism."""

    group: ParamGroup
    in_features: int
    out_features: int
    numel_each: int
    bias_each: int
    layers: tuple[int, ...]  # the blocks of this group on this GPU (empty: not a block tensor)
    per_layer: int  # instances per block (experts: num_experts)
    instances: int

    @property
    def weight_numel_each(self) -> int:
        return self.in_features * self.out_features if self.group.is_linear else self.numel_each

    @property
    def numel(self) -> int:
        return self.instances * (self.weight_numel_each + self.bias_each)


def validate_parallelism(spec: ModelSpec, wl: Workload) -> None:
    """Tensor/pipeline degrees the model can be split by; BadInputError says what to change."""
    tp = wl.tp
    engine_for(wl).validate(spec, wl)
    if wl.pp > spec.num_layers:
        raise BadInputError(f"--pp {wl.pp} is more stages than the model's {spec.num_layers} layers")
    if tp == 1:
        return
    if spec.num_attention_heads % tp:
        raise BadInputError(
            f"--tp {tp} does not divide the {spec.num_attention_heads} attention heads",
            hint=f"use a tensor-parallel degree that divides {spec.num_attention_heads}",
        )
    kv = spec.num_kv_heads
    if not spec.is_mla and kv % tp and tp % kv:
        raise BadInputError(
            f"--tp {tp} neither divides nor is a multiple of the {kv} KV heads",
            hint="vLLM replicates KV heads only when tp is a multiple of them",
        )
    problem = tp_width_problem(spec, tp)
    if problem is not None:
        raise BadInputError(*problem)


def tp_width_problem(spec: ModelSpec, tp: int) -> tuple[str, str] | None:
    """(message, hint) when TP `tp` cannot split the MLP or the recurrent layers' widths, else None.

    The planner asks it too (hardware/layout.py tp_problem): it offered TP 5 for CodeLlama-13B (40 heads, MLP
    13,824 wide) and `compare CodeLlama-13B --gpus all` ended in this error (issue 15, round 8). vLLM's
    column/row-parallel linears refuse such a split (vllm/distributed/utils.py `divide` asserts it).
    """
    widths = [
        ("intermediate_size", spec.intermediate_size if spec.num_layers > spec.num_moe_layers else 0),
        ("moe_intermediate_size", spec.moe_intermediate_size if spec.is_moe else 0),
        ("shared_expert_intermediate_size", spec.shared_expert_intermediate_size),
    ]
    for name, width in widths:
        if width and width % tp:
            return (f"--tp {tp} does not divide {name} ({width})",
                    "pick a tensor-parallel degree that divides the MLP width")
    for name, width in split_widths(spec.recurrent) if spec.recurrent is not None else ():
        if width and width % tp:
            return (f"--tp {tp} does not divide the {width} {name}",
                    "vLLM and SGLang split the linear-attention / Mamba layers by heads too")
    return None


def stages(spec: ModelSpec, wl: Workload) -> tuple[Stage, ...]:
    """The GPUs along the pipeline, each with its blocks (data-parallel replicas are identical).

    Pipeline parallelism splits the blocks into contiguous stages, the extra blocks of an uneven
    split going to the last stages (the first already holds the embeddings); tied embeddings are
    duplicated on the last stage to serve as the head (Megatron-LM). An engine with its own
    placement (llama.cpp's offload split) says so in its module.
    """
    own = engine_for(wl).stages(spec, wl)
    if own is not None:
        return own
    # Kept per spec and degree: the same Stage objects then key the per-stage walks without comparing
    # their blocks again (a layout search over a 16,384-block config; issue 15)
    return memo(spec, ("pipeline stages", wl.pp), lambda: _even_stages(spec.num_layers, wl.pp))


def _even_stages(num_layers: int, pp: int) -> tuple[Stage, ...]:
    parts = split_layers(list(range(num_layers)), pp)
    last = len(parts) - 1
    return tuple(Stage(i, tuple(p), i == 0, i == last) for i, p in enumerate(parts))


def _group_layers(spec: ModelSpec, group: ParamGroup) -> tuple[int, ...] | None:
    """The blocks a group's instances live in (None: not a block tensor)."""
    if group.layers is not None:
        return group.layers
    blocks = _block_set(spec, group)
    return None if blocks is None else blocks[0]


def _block_set(spec: ModelSpec, group: ParamGroup) -> tuple[tuple[int, ...], frozenset[int]] | None:
    """The blocks of a group its kind implies (dense-MLP, MoE or every block), as a sorted tuple and a
    set, once per spec: each pipeline stage rebuilt and scanned them whole, so a 65,536-block config
    at --num-gpus 4096 (512 stages) took 15 CPU seconds (issue 15 round 12)."""
    if group.kind in ("mlp",):
        which = "dense"
    elif group.kind in ("expert", "shared_expert", "router"):
        which = "moe"
    elif group.kind in ("attn", "mixer", "mixer_param") or (group.kind == "norm" and group.name != "norm"):
        which = "all"
    else:
        return None

    def compute() -> tuple[tuple[int, ...], frozenset[int]]:
        if which == "all":
            blocks = tuple(range(spec.num_layers))
        else:
            blocks = tuple(i for i, moe in enumerate(spec.moe_layers) if moe == (which == "moe"))
        return blocks, frozenset(blocks)

    return memo(spec, ("group blocks", which), compute)


def distinct_blocks(spec: ModelSpec, layers: tuple[int, ...]) -> tuple[int, ...]:
    """The first of `layers` for each set of parameter groups a block holds (_group_layers): outside
    GGUF, whose llama-quant.cpp types vary by block index, a block's weights depend on nothing else, so
    a per-block maximum needs one of each (ZeRO-3's gathered block on a 16,384-block config sized
    every block again per estimate: 6 s; issue 15)."""
    held = memo(spec, ("group block sets",), lambda: tuple(
        frozenset(blocks) for g in param_inventory(spec) if (blocks := _group_layers(spec, g)) is not None))
    first: dict[tuple[bool, ...], int] = {}
    for layer in layers:
        first.setdefault(tuple(layer in blocks for blocks in held), layer)
    return tuple(first.values())


def _on_stage(spec: ModelSpec, group: ParamGroup, layers: tuple[int, ...], stage: Stage) -> tuple[int, ...]:
    """The group's blocks that `stage` holds, in block order: by the stage's own (shorter) list when
    the group's block set is kept (_block_set), else by scanning the group's list."""
    blocks = None if group.layers is not None else _block_set(spec, group)
    if blocks is not None and _in_order(spec, stage):  # no scan of a deep model's blocks (issue 15)
        if len(stage.layers) == spec.num_layers:
            return blocks[0]  # a stage of every block holds all of the group's blocks
        if len(blocks[0]) == spec.num_layers:
            return stage.layers  # a group in every block: the stage's own blocks
    if blocks is not None and len(stage.layers) < len(layers):
        return tuple(sorted(blocks[1].intersection(stage.layers)))  # in C: deep models' stages (issue 15)
    on_stage = set(stage.layers)
    if on_stage.issuperset(layers):  # one stage holds them all (every one-GPU plan): as they are
        return tuple(layers)
    return tuple(i for i in layers if i in on_stage)


def _in_order(spec: ModelSpec, stage: Stage) -> bool:
    """Whether the stage's blocks are a run a, a+1, ... of the model's blocks (pipeline stages are),
    once per stage."""

    def compute() -> bool:
        layers = stage.layers
        if not layers:
            return True
        first = layers[0]
        end = first + len(layers)
        return first >= 0 and end <= spec.num_layers and layers == tuple(range(first, end))

    return memo(spec, ("blocks in order", stage), compute)


def _tp_shape(spec: ModelSpec, group: ParamGroup, tp: int) -> tuple[int, int, int, int]:
    """(in, out, numel_each, bias_each) of one instance on one tensor-parallel rank."""
    inf, outf, numel, name = group.in_features, group.out_features, group.numel_each, group.name
    bias = outf if group.bias else 0
    if tp == 1:
        return inf, outf, numel, bias
    mixer = mixer_shape(spec, group, tp)  # linear-attention / Mamba mixers (estimate/mixer_tp.py)
    if mixer is not None:
        return mixer
    kv_rank = max(spec.num_kv_heads // tp, 1)
    hd = spec.head_dim
    if name in ("k_proj", "v_proj") and not spec.is_mla:
        outf = kv_rank * hd
    elif name == "qkv_proj":
        outf = (spec.num_attention_heads // tp + 2 * kv_rank) * hd
    elif name in COLUMN_PARALLEL:
        outf = math.ceil(outf / tp)
    elif name in ROW_PARALLEL:
        inf //= tp
        return inf, outf, numel, bias  # row-parallel bias is added after the all-reduce: replicated
    elif name == "embed_tokens":
        numel = math.ceil(spec.vocab_size / tp) * spec.hidden_size
    elif name == "embed_tokens_per_layer":  # vLLM gemma3n.py: a VocabParallelEmbedding too
        numel = math.ceil(spec.per_layer_vocab_size / tp) * spec.num_layers * spec.per_layer_input_size
    elif name == "sinks" or (spec.qk_norm == "full" and name == "q_norm"):
        numel //= tp
    elif spec.qk_norm == "full" and name == "k_norm":
        numel = kv_rank * hd
    return inf, outf, numel, (outf if group.bias else 0)


def stage_shards(spec: ModelSpec, wl: Workload, stage: Stage) -> tuple[Shard, ...]:
    """Every parameter group's share on the GPUs of one pipeline stage (one tensor-parallel rank).

    Memoised on (spec, tensor-parallel degree, stage), all it depends on: a planner sizes the same
    stage at many contexts and batch sizes (issue 15: `fit --all` instant). The image encoder's own
    TP degree (estimate/encoder_tp.py: vLLM / SGLang split it, other engines keep it whole) joins the key.
    """
    return _stage_shards_or_cached(spec, wl.tp, stage, _encoder_tp(spec, wl))




def _encoder_tp(spec: ModelSpec, wl: Workload) -> int:
    """The TP degree the engine splits the vision tower's blocks over (estimate/encoder_tp.py)."""
    return 1 if wl.tp == 1 or not splits(spec) else engine_for(wl).encoder_tp(spec, wl)


def _stage_shards(spec: ModelSpec, tp: int, stage: Stage, enc_tp: int = 1) -> tuple[Shard, ...]:
    if not (stage.layers or stage.embedding or stage.head):
        return ()  # a GPU past the last block (llama.cpp split over more GPUs than layers) holds none
    out: list[Shard] = []
    for group in param_inventory(spec):
        layers = _group_layers(spec, group)
        inf, outf, numel, bias = _tp_shape(spec, group, tp)
        if group.kind == "other" and group.name == "extra":
            numel = extra_numel(spec, numel, enc_tp)  # the vision tower's split blocks
        if layers is not None:
            if not layers:
                continue
            per_layer = group.count // len(layers)
            mine = _on_stage(spec, group, layers, stage)
            if mine:
                out.append(Shard(group, inf, outf, numel, bias, mine, per_layer, per_layer * len(mine)))
            continue
        held = _holds(spec, group, stage)
        if held:
            out.append(Shard(group, inf, outf, numel, bias, (), group.count, group.count))
    return tuple(out)


def _holds(spec: ModelSpec, group: ParamGroup, stage: Stage) -> bool:
    if group.kind == "embedding":
        # Tied embeddings double as the head: the head's GPU holds them too.
        tied_head = spec.tie_word_embeddings and group.name == "embed_tokens" and stage.head
        return stage.embedding or tied_head
    if group.kind == "other":
        return stage.embedding
    return stage.head  # lm_head, final norm


# -------------------------------------------------------------------------------------------- bytes


def _gguf_facts(spec: ModelSpec) -> qf.GgufModelFacts:
    return memo(spec, ("gguf model facts",), lambda: _gguf_facts_of(spec))


def _gguf_facts_of(spec: ModelSpec) -> qf.GgufModelFacts:
    return qf.GgufModelFacts(
        n_attention_wv=len(_attn_v_blocks(spec)),
        n_layers=spec.num_layers,
        n_gqa=spec.num_attention_heads // spec.num_kv_heads if not spec.is_mla else 1,
        n_expert=spec.num_experts,
        hidden_size=spec.hidden_size,
        tied=spec.tie_word_embeddings,
        arch_falcon=spec.model_type == "falcon",
        type_70b=spec.num_layers == 80 and spec.model_type in ("llama", "qwen2"),
    )


# The GGUF tensor each group becomes, as llama-quant.cpp tensor_get_category reads its name. Qwen3.5's
# gated delta-net (llama.cpp arch qwen35 / qwen35moe) stores in_proj_qkv as blk.N.attn_qkv, so the
# quantizer treats it like attn_v (category_is_attn_v); in_proj_z (attn_gate), in_proj_b/a (ssm_beta,
# ssm_alpha) and out_proj (ssm_out) fall in OTHER and take the file type's default. Tensor names as a
# Qwen3.5-4B GGUF lists them (huggingface/candle#3821); a Qwen3.5-9B Q4_K_M made by llama-quantize
# (lmstudio-community, general.file_type 15) loads as "type q5_K: 24 tensors", its 24 attn_qkv.
_GGUF_CATEGORY: dict[str, qf.GgufCategory] = {
    "in_proj_qkv": "attn_qkv",
    "q_proj": "attn_q",
    "k_proj": "attn_k",
    "v_proj": "attn_v",
    "qkv_proj": "attn_qkv",
    "o_proj": "attn_output",
    "kv_b_proj": "attn_kv_b",
    "gate_proj": "ffn_gate",
    "up_proj": "ffn_up",
    "gate_up_proj": "ffn_up",
    "down_proj": "ffn_down",
    "embed_tokens": "token_embd",
    "lm_head": "output",
}


_ATTN_V_LIKE = frozenset({"attn_v", "attn_qkv", "attn_kv_b"})


def _attn_v_blocks(spec: ModelSpec) -> dict[int, int]:
    """Block -> its attn_v-like tensor's ordinal (llama-quant.cpp qs.i_attention_wv).

    The quantizer visits tensors sorted by block (llama-model-loader.h weight_name_comparer) and counts
    attn_v, attn_qkv and attn_kv_b alike (category_is_attn_v); a hybrid's recurrent blocks hold none
    unless they store an attn_qkv (Qwen3.5), so there the ordinal is not the block index."""

    def blocks() -> dict[int, int]:
        held: set[int] = set()
        for g in param_inventory(spec):
            if g.is_linear and _GGUF_CATEGORY.get(g.name) in _ATTN_V_LIKE:
                held.update(_group_layers(spec, g) or ())
        return {layer: i for i, layer in enumerate(sorted(held))}

    return memo(spec, ("gguf attn_v blocks",), blocks)


def _not_converted(fmt: WeightFormat, name: str, kind: str = "", layer: int = 0) -> bool:
    return covered(fmt.modules_not_converted, name, kind, layer)


def _quantized(shard: Shard, fmt: WeightFormat, layer: int = 0) -> bool:
    g = shard.group
    if fmt.quant is None or not g.is_linear or _not_converted(fmt, g.name, g.kind, layer):
        return False
    if fmt.quant == QuantMethod.MXFP4:
        return g.kind == "expert"  # gpt-oss: only the MoE experts are MXFP4 (modules_to_not_convert)
    if fmt.quant == QuantMethod.MLX:  # mlx-lm quantizes every module with `to_quantized`, lm_head too
        return g.kind in QUANTIZED_KINDS or g.kind == "lm_head"
    return g.kind in QUANTIZED_KINDS


def _linear_bytes(fmt: WeightFormat, inf: int, outf: int, scale_bytes: int) -> int:
    """Bytes of one quantized linear weight (bias excluded)."""
    bits, group = qf.default_bits(fmt), qf.default_group(fmt)
    method = fmt.quant
    if method == QuantMethod.GPTQ:
        return qf.gptq_linear_bytes(inf, outf, bits, group)
    if method == QuantMethod.AWQ:
        return qf.awq_linear_bytes(inf, outf, bits, group)
    if method in (QuantMethod.BNB_NF4, QuantMethod.BNB_FP4):
        return qf.bnb_4bit_bytes(inf * outf, double_quant=fmt.double_quant)
    if method == QuantMethod.BNB_INT8:
        return qf.bnb_int8_linear_bytes(inf, outf)
    if method == QuantMethod.FP8:
        return qf.fp8_linear_bytes(inf, outf, group)
    if method == QuantMethod.MXFP4:
        return qf.mxfp4_bytes(inf * outf)
    if method == QuantMethod.NVFP4:
        return qf.nvfp4_linear_bytes(inf, outf)
    if method == QuantMethod.COMPRESSED_TENSORS:
        return qf.compressed_tensors_linear_bytes(inf, outf, bits, group, scale_bytes)
    if method == QuantMethod.MLX:
        return qf.mlx_linear_bytes(inf, outf, bits, group, scale_bytes, fmt.mode)
    return qf.exl2_bytes(inf * outf, bits)


def _bias_bytes_per_elem(fmt: WeightFormat) -> Fraction:
    if fmt.quant in (QuantMethod.GPTQ, QuantMethod.AWQ):
        return Fraction(qf.FP16_BYTES)  # QuantLinear / WQLinear keep their bias in fp16
    return bytes_per_element(fmt.dtype)


# The layout each method takes when a mixed checkpoint gives a layer kind its own (ModelOpt MIXED_PRECISION:
# NVFP4 e2m1 + fp8 scale per 16; FP8 one scale per tensor, ModelOpt's "FP8").
_KIND_LAYOUT: dict[QuantMethod, tuple[int, int]] = {
    QuantMethod.NVFP4: (4, qf.NVFP4_BLOCK),
    QuantMethod.FP8: (8, 0),
    QuantMethod.MXFP4: (4, qf.MXFP4_BLOCK),
}


def _kind_format(fmt: WeightFormat, kind: str) -> WeightFormat:
    """The format of one layer kind in a mixed checkpoint (`WeightFormat.kind_quant`)."""
    for k, method in fmt.kind_quant:
        if k == kind:
            if method is None:
                return WeightFormat(dtype=fmt.dtype)
            bits, group = _KIND_LAYOUT.get(method, (qf.default_bits(fmt), qf.default_group(fmt) or 0))
            update = {"quant": method, "bits": bits, "group_size": group, "kind_quant": ()}
            return fmt.model_copy(update=update)
    return fmt


def shard_bytes(spec: ModelSpec, shard: Shard, fmt: WeightFormat) -> int:
    """Bytes of one placed group in the weight format."""
    if shard.group.elem_bytes:  # an index table stored in its own integer type (DeepSeek V4 tid2eid)
        return shard.numel * shard.group.elem_bytes
    if fmt.quant == QuantMethod.GGUF:
        return _gguf_shard_bytes(spec, shard, fmt)
    if shard.group.kind == "other" and _pinned_gguf_type(fmt, "other", shard.group.name) == NOT_IN_FILE:
        return 0  # an F16/BF16 GGUF of a vision-language model: the tower is the mmproj file
    if fmt.expert_quant is not None and shard.group.kind == "expert":  # DeepSeek V4's FP4 experts
        fmt = fmt.model_copy(update={"quant": fmt.expert_quant, "bits": 4, "group_size": qf.MXFP4_BLOCK})
    if fmt.kind_quant:
        fmt = _kind_format(fmt, shard.group.kind)
    elem = bytes_per_element(fmt.dtype)
    if fmt.quant == QuantMethod.MLX and shard.group.name == "embed_tokens" and spec.hidden_size:
        # mlx nn.quantize turns nn.Embedding into QuantizedEmbedding (mlx-lm utils.py quantize_model's
        # predicate is `hasattr(m, "to_quantized")`): rows of `hidden` packed like a linear weight.
        rows = shard.numel // spec.hidden_size
        bits, group = qf.default_bits(fmt), qf.default_group(fmt)
        return qf.mlx_linear_bytes(spec.hidden_size, rows, bits, group, int(elem), fmt.mode)
    layers = _group_layers(spec, shard.group) if fmt.modules_not_converted else None
    if not _quantized(shard, fmt, layers[0] if layers else 0):
        if shard.group.name in spec.fp32_params and fmt.dtype in FLOAT_DTYPES:
            return shard.numel * 4  # kept in fp32 by the modeling code
        return _times(shard.numel, elem)
    weight = _linear_bytes(fmt, shard.in_features, shard.out_features, int(elem))
    return shard.instances * weight + _times(shard.instances * shard.bias_each, _bias_bytes_per_elem(fmt))


def _times(count: int, elem: Fraction) -> int:
    """int(count * elem) in integers: the same value (truncated toward zero) without building a
    Fraction per group (issue 15: `fit --all` sizes ~5,000 groups)."""
    if type(count) is not int or type(elem) is not Fraction:
        return int(count * elem)
    q = count * elem.numerator
    return q // elem.denominator if q >= 0 else -(-q // elem.denominator)


def _gguf_shard_bytes(spec: ModelSpec, shard: Shard, fmt: WeightFormat) -> int:
    """llama.cpp keeps 1-D tensors, biases, norms and routers in F32 and quantizes the 2-D weights
    per tensor as llama-quant.cpp decides; the vision tower (a separate mmproj file) counts as F16."""
    sized = _gguf_sizes(spec, shard, fmt, shard.layers)
    if isinstance(sized, int):
        return sized
    total = sum(map(sized.__getitem__, shard.layers))
    return shard.per_layer * total + shard.instances * shard.bias_each * qf.FP32_BYTES


def block_bytes(spec: ModelSpec, shard: Shard, fmt: WeightFormat) -> tuple[int, ...]:
    """shard_bytes of `shard` cut to each one of its blocks (that block's per_layer instances), in
    the order of shard.layers: a block tensor's own size, which llama.cpp's op offload copies whole
    (engines/llama_cpp_op_offload.py). Only a GGUF's block-by-block quantizer rules make them differ;
    one call per group rather than per block and group (issue 15: `fit --all --engine llama.cpp`)."""
    one = Shard(shard.group, shard.in_features, shard.out_features, shard.numel_each, shard.bias_each,
                shard.layers[:1], shard.per_layer, shard.per_layer)  # fmt: skip
    if fmt.quant == QuantMethod.GGUF and not shard.group.elem_bytes:
        sized = _gguf_sizes(spec, one, fmt, shard.layers)
        if not isinstance(sized, int):
            bias = shard.per_layer * shard.bias_each * qf.FP32_BYTES
            return tuple(shard.per_layer * sized[layer] + bias for layer in shard.layers)
    return (shard_bytes(spec, one, fmt),) * len(shard.layers)


def _gguf_sizes(spec: ModelSpec, shard: Shard, fmt: WeightFormat,
                layers: tuple[int, ...]) -> int | dict[int, int]:  # fmt: skip
    """The shard's bytes where they do not depend on its blocks, else one tensor's bytes per block
    (filled for `layers`)."""
    g = shard.group
    ftype = fmt.gguf_type or "Q4_K_M"
    if ftype not in qf.GGUF_FILE_TYPES:
        raise BadInputError(
            f"unknown GGUF file type {ftype!r}", hint=f"use one of {', '.join(qf.GGUF_FILE_TYPES)}"
        )
    bias = shard.instances * shard.bias_each * qf.FP32_BYTES
    # The per-layer embedding table (Gemma 3n / Gemma 4 E-models, llama.cpp per_layer_token_embd) is a
    # 2-D weight like token_embd, quantized by llama-quant.cpp's default rule for the file type.
    per_layer = g.kind == "embedding" and g.name == "embed_tokens_per_layer"
    matrix = g.is_linear or (g.kind == "embedding" and g.name == "embed_tokens") or per_layer
    if g.kind == "other":
        if _pinned_gguf_type(fmt, g.kind, g.name) == NOT_IN_FILE:
            return 0
        return shard.instances * shard.numel_each * qf.FP16_BYTES
    if not matrix or g.kind == "router":
        return shard.numel * qf.FP32_BYTES
    if _not_converted(fmt, g.name, g.kind):  # llama-quantize --tensor-type NAME=f16 (Ollama's gemma3n)
        return shard.instances * shard.weight_numel_each * qf.FP16_BYTES + bias
    category = _GGUF_CATEGORY.get(g.name, "other")
    ncols = shard.in_features if g.is_linear else spec.hidden_size
    if per_layer:
        ncols = spec.num_layers * spec.per_layer_input_size
    each = shard.weight_numel_each
    pinned = _pinned_gguf_type(fmt, g.kind, g.name) or _pinned_gguf_type(fmt, g.kind, category)
    if pinned is not None and pinned.startswith(RECIPE_PIN):  # another file type's rules (specs/unsloth.py)
        ftype, pinned = pinned[len(RECIPE_PIN) :], None
    if not shard.layers:
        t = qf.gguf_tensor_type(ftype, category, 0, _gguf_facts(spec), ncols=ncols)
        return shard.instances * qf.ggml_tensor_bytes(t, each) + bias
    if pinned is not None:  # the publisher's quantizer fixed this tensor's type (Ollama's qwen3.5 rule)
        if pinned == FILE_TYPE_DEFAULT:
            pinned = qf.default_gguf_type(ftype)
        t = qf.pinned_tensor_type(pinned, ncols)
        return shard.instances * qf.ggml_tensor_bytes(t, each) + bias
    # One tensor's bytes in each block depend on the block, not on which other blocks this shard holds:
    # sized once per model, format and tensor shape, and summed over every split a search tries
    # (issue 15: `fit --all --engine llama.cpp` sized ~1M block tensors, the same few thousand again).
    key = ("gguf block tensor bytes", fmt, g.kind, g.name, ftype, ncols, each)
    sized: dict[int, int] = memo(spec, key, dict)
    missing = [layer for layer in layers if layer not in sized]
    if missing:
        sized.update(_gguf_block_tensor_bytes(spec, fmt, g.kind, ftype, category, ncols, each, missing))
    return sized


def _gguf_block_tensor_bytes(spec: ModelSpec, fmt: WeightFormat, kind: str, ftype: str,
                             category: qf.GgufCategory, ncols: int, each: int,
                             layers: list[int]) -> dict[int, int]:  # fmt: skip
    """Bytes of one tensor of `each` elements in each block of `layers`: a per-layer pin
    (specs/ollama.py) or llama-quant.cpp's type for that block (attn_v-like tensors by their ordinal,
    _attn_v_blocks)."""
    layered = any("@" in key for key, _ in fmt.gguf_tensor_types)
    ordinal = _attn_v_blocks(spec) if category in _ATTN_V_LIKE else {}
    facts, expert = _gguf_facts(spec), kind == "expert"
    if not layered and not qf.gguf_type_by_block(ftype, category, facts):  # one type for every block
        t = qf.gguf_tensor_type(ftype, category, 0, facts, ncols=ncols, is_expert=expert)
        return dict.fromkeys(layers, qf.ggml_tensor_bytes(t, each))
    out = {}
    sizes: dict[str, int] = {}  # a few types among the blocks: each sized once
    for layer in layers:
        at = _pinned_gguf_type(fmt, kind, f"{category}@{layer}") if layered else None
        if at is not None and not at.startswith(RECIPE_PIN):
            t = qf.pinned_tensor_type(at, ncols)
        else:
            i = ordinal.get(layer, layer)
            t = qf.gguf_tensor_type(ftype, category, i, facts, ncols=ncols, is_expert=expert)
        size = sizes.get(t)
        if size is None:
            size = sizes[t] = qf.ggml_tensor_bytes(t, each)
        out[layer] = size
    return out


def _pinned_gguf_type(fmt: WeightFormat, kind: str, category: str) -> str | None:
    """The ggml type `fmt.gguf_tensor_types` pins for this group ('kind.category' or '*.category'; a
    publisher's pin on one tensor of a category OTHER holds many: 'kind.group name', specs/bartowski.py)."""
    if not fmt.gguf_tensor_types:  # most formats pin nothing: no dict to build
        return None
    pins = dict(fmt.gguf_tensor_types)
    return pins.get(f"{kind}.{category}") or pins.get(f"*.{category}") or pins.get(f"{kind}.*")


def stage_weight_bytes(spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage) -> int:
    """Formula bytes of the weights on one GPU of `stage` (before ZeRO-3 sharding).

    Memoised like stage_shards: a pure function of the spec, the tensor-parallel degree, the
    format and the stage, which a planner asks again at every context and batch size.
    """
    tp, enc_tp = wl.tp, _encoder_tp(spec, wl)
    key = ("stage weight bytes", tp, fmt, stage, enc_tp)
    return memo(spec, key, lambda: _stage_weight_bytes(spec, tp, fmt, stage, enc_tp))


def _stage_weight_bytes(spec: ModelSpec, tp: int, fmt: WeightFormat, stage: Stage, enc_tp: int = 1) -> int:
    if fmt.quant == QuantMethod.GGUF:
        # a run of GGUF blocks from running totals, its ends sized as below (estimate/gguf_stage_sums.py)
        blocks = block_run_bytes(spec, tp, fmt, stage, enc_tp)
        if blocks is not None:
            ends = _ends_stage(spec, stage)
            key = ("stage weight bytes", tp, fmt, ends, enc_tp)
            return blocks + memo(spec, key, lambda: _stage_weight_bytes(spec, tp, fmt, ends, enc_tp))
    # Each placed group sized once per format: stages that hold the same blocks share their groups'
    # bytes (llama.cpp's GPU stage is the whole model less token_embd, and both are summed for every
    # format `fit --all` tries: issue 15). shard_bytes is a pure function of (spec, shard, format).
    sized: dict[Shard, int] = memo(spec, ("shard bytes", fmt), dict)
    body = 0
    for shard in _stage_shards_or_cached(spec, tp, stage, enc_tp):
        size = sized.get(shard)
        if size is None:
            size = sized[shard] = shard_bytes(spec, shard, fmt)
        body += size
    if spec.mtp_in_weights and spec.mtp_layers and stage.head:
        return body + _mtp_bytes(spec, tp, fmt)
    return body


def _ends_stage(spec: ModelSpec, stage: Stage) -> Stage:
    """`stage` without its blocks: the groups it holds outside them (embeddings, head), kept per spec."""
    return memo(spec, ("ends stage", stage.embedding, stage.head),
                lambda: Stage(0, (), stage.embedding, stage.head))  # fmt: skip


def _mtp_bytes(spec: ModelSpec, tp: int, fmt: WeightFormat) -> int:
    """The MTP layers a file stores after the decoder (Ollama's qwen3.5 GGUFs: convert_qwen3next.go sets
    block_count = layers + nextn): each a decoder block of the model's last kind plus the 2h -> h
    projection (eh_proj, a 2-D weight quantized like the rest) and its norms (F32), as params.mtp_params
    counts them. Sized with the same format, so a quantizer's per-kind pins apply to them too."""
    from llmsize.specs.params import mtp_block_spec, mtp_params

    one = mtp_block_spec(spec)
    outside = {"embedding", "lm_head", "other"}
    shards = [s for s in _stage_shards(one, tp, Stage(0, (0,), False, False)) if s.group.kind not in outside]
    block = sum(shard_bytes(one, s, fmt) for s in shards if s.group.name != "norm")
    block_numel = sum(s.numel for s in shards if s.group.name != "norm")
    h = spec.hidden_size
    proj = 2 * h * h
    if fmt.quant == QuantMethod.GGUF:
        ptype = qf.pinned_tensor_type(qf.default_gguf_type(fmt.gguf_type or "Q4_K_M"), 2 * h)
        proj_bytes = qf.ggml_tensor_bytes(ptype, proj)
    else:
        proj_bytes = proj * int(bytes_per_element(fmt.dtype))
    rest = max(0, mtp_params(spec) // spec.mtp_layers - block_numel - proj)  # the qwen layout: its norms
    return spec.mtp_layers * (block + proj_bytes + rest * qf.FP32_BYTES)


def _stage_shards_or_cached(spec: ModelSpec, tp: int, stage: Stage, enc_tp: int = 1) -> tuple[Shard, ...]:
    # Per spec object (estimate/memo.py): an lru_cache would hash the whole frozen spec on every call.
    return memo(spec, ("stage shards", tp, stage, enc_tp), lambda: _stage_shards(spec, tp, stage, enc_tp))


def model_weight_bytes(spec: ModelSpec, fmt: WeightFormat) -> int:
    """Formula bytes of the whole model in `fmt` on one device."""
    whole = memo(spec, ("whole stage",), lambda: Stage(0, tuple(range(spec.num_layers)), True, True))
    # stage_weight_bytes' key (encoder TP 1): one pipeline stage on one GPU is this very stage, so
    # the usual estimate sums its groups once, not twice (issue 15: `fit --all`)
    key = ("stage weight bytes", 1, fmt, whole, 1)
    return memo(spec, key, lambda: _stage_weight_bytes(spec, 1, fmt, whole, 1))


def checkpoint_matches(spec: ModelSpec, fmt: WeightFormat) -> bool:
    """The checkpoint's header bytes describe exactly the weights this workload loads."""
    ck, base = spec.checkpoint, spec.weight_format
    if ck is None:
        return False
    keys = ("quant", "bits", "group_size", "gguf_type")
    same = all(getattr(fmt, k) == getattr(base, k) for k in keys)
    return same and (fmt.quant == QuantMethod.GGUF or fmt.dtype == base.dtype)


@dataclass(frozen=True)
class WeightEstimate:
    """Weights on each pipeline stage's GPU (after ZeRO-3), and how they were obtained."""

    format: WeightFormat
    per_stage: tuple[int, ...]
    from_checkpoint: bool
    formula_total: int
    notes: tuple[str, ...]
    unsharded: tuple[int, ...] = ()  # per stage: bytes ZeRO-3 cannot shard (bnb quant state), in per_stage


def estimate_weights(
    spec: ModelSpec, wl: Workload, placed: tuple[Stage, ...] | None = None
) -> WeightEstimate:
    """Bytes of the weights on every GPU position of the pipeline.

    With the checkpoint's own headers at hand and the same format requested, the exact checkpoint
    bytes are used (split across stages in the formula's proportions); ZeRO-3 / FSDP full sharding
    divides the weights across the data-parallel GPUs (Rajbhandari et al. 2019, arXiv:1910.02054).
    """
    validate_parallelism(spec, wl)
    fmt, notes = effective_format(spec, wl)
    all_stages = placed if placed is not None else stages(spec, wl)
    stored = fp32_base.stored_format(wl, fmt)  # the resident copy; gathers stay in `fmt` (fp32_base.py)
    formula = [stage_weight_bytes(spec, wl, stored, st) for st in all_stages]
    total = model_weight_bytes(spec, stored)
    out_notes = list(notes)
    if stored is not fmt:
        out_notes.append(f"--base-fp32: the frozen base is held in fp32 and cast to {fmt.dtype} per use")
    from_ckpt = stored is fmt and checkpoint_matches(spec, fmt)
    per_stage = formula
    if from_ckpt and spec.checkpoint is not None and total:
        ck_total = spec.checkpoint.total_bytes
        per_stage = [round(ck_total * b / total) for b in formula]
        out_notes.append(f"weights: exact bytes from the {spec.checkpoint.format} header ({ck_total:,} B)")
        if abs(ck_total - total) > 0.03 * total:
            out_notes.append(
                f"the checkpoint holds {ck_total:,} B where the architecture accounts for {total:,} B"
            )
    kept = tuple(_unsharded_state(spec, wl, fmt, st) for st in all_stages)
    if wl.zero == 3 and wl.dp > 1:
        per_stage = [math.ceil((b - k) / wl.dp) + k for b, k in zip(per_stage, kept, strict=True)]
    if any(kept):
        out_notes.append(
            f"ZeRO-3/FSDP shard the packed 4-bit data only: bnb's quant state ({max(kept):,} B) "
            "stays whole on every GPU (bnb_sharding.py)"
        )
    return WeightEstimate(fmt, tuple(per_stage), from_ckpt, total, tuple(out_notes), kept)


def _unsharded_state(spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage) -> int:
    """Bytes of the bnb 4-bit quant state on `stage` that ZeRO-3 leaves whole (bnb_sharding.py)."""
    if not bnb_sharding.state_stays_whole(fmt, wl):
        return 0
    total = 0
    for shard in stage_shards(spec, wl, stage):
        layers = _group_layers(spec, shard.group) if fmt.modules_not_converted else None
        if _quantized(shard, fmt, layers[0] if layers else 0):
            total += shard.instances * bnb_sharding.state_bytes(shard.in_features * shard.out_features, fmt)
    return total


def weight_bytes(spec: ModelSpec, wl: Workload) -> int:
    """Weights on the GPU that holds the most of them."""
    return max(estimate_weights(spec, wl).per_stage)


def bytes_for_dtype(numel: int, dtype: Dtype | str) -> int:
    """numel x bytes per element, rounded up once."""
    return math.ceil(numel * bytes_per_element(str(dtype)))


def total_numel(shards: Iterable[Shard]) -> int:
    return sum(s.numel for s in shards)
