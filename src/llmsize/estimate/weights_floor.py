"""A lower bound of a single-GPU workload's weights, known without sizing each group in its format.

`fit --all` passes over the weight formats whose weights alone exceed the card (hardware/planner.py
`Planner.cannot_fit_one`); sizing every group of each such format (estimate/weights.py `shard_bytes`)
was ~7% of a cold run on an RTX 4090 (362 formats, issue 15). A plain float format stores every
element in at least its dtype's bytes (`shard_bytes`: `_times(numel, elem)`, fp32 for the modeling
code's fp32 parameters), and FP8 at least one byte per element (`quant_formats.fp8_linear_bytes`: one
byte per weight plus its scales; the rest in the checkpoint's float dtype): the element count of the
stage, counted once per model, times that bytes-per-element is below the formula's bytes. Where the
checkpoint's own bytes stand for the formula (`estimate_weights`), they are the weights exactly.

The packed integer formats store every quantized weight in at least its bits, and everything they
leave unquantized (embeddings, norms, biases) in a float type of one byte or more: GPTQ's qweight
(`quant_formats.gptq_linear_bytes`, AutoGPTQ qlinear_cuda_old.py: int32 [in*bits/32, out]), AWQ's
(`awq_linear_bytes`, AutoAWQ gemm.py: int32 [in, out*bits/32]), bitsandbytes NF4/FP4 (`bnb_4bit_bytes`,
functional.quantize_4bit: numel/2 bytes of data) and LLM.int8() (`bnb_int8_linear_bytes`, Int8Params
CB: one byte per weight), each plus scales and zeros. So bits/8 bytes per element is below them too;
the 70B models' int4 and int8 formats on a 24 GB card were resolved in full only to be passed over
(351 resolves in a cold `fit --all --gpu RTX-4090`, issue 15).
"""

from __future__ import annotations

from fractions import Fraction

from llmsize.estimate import kv_cache
from llmsize.estimate.engines import engine_for
from llmsize.estimate.memo import memo
from llmsize.estimate.placement import Stage
from llmsize.estimate.quant_formats import default_bits
from llmsize.estimate.weights import (
    checkpoint_matches,
    compute_dtype,
    effective_format,
    stage_shards,
    stages,
    validate_parallelism,
)
from llmsize.estimate.workload import Mode, Workload
from llmsize.specs.models import ModelSpec, QuantMethod, WeightFormat
from llmsize.units import bytes_per_element


def single_gpu_weights_floor(spec: ModelSpec, wl: Workload) -> int | None:
    """A lower bound of `resolve_workload(spec, wl).weights.per_stage` for an inference workload on
    one GPU, or None where none is known cheaply (the caller resolves the workload instead). Every
    check `resolved._resolve` makes before it sizes the groups runs first, in its order, so a format
    the workload refuses raises the same error as resolving it."""
    if wl.mode is not Mode.INFERENCE or wl.tp != 1 or wl.pp != 1:
        return None
    eng = engine_for(wl)
    placed = stages(spec, wl)
    validate_parallelism(spec, wl)
    fmt, _ = effective_format(spec, wl)
    eng.kv_element_bytes(kv_cache.kv_dtype_for(wl, compute_dtype(spec, wl, fmt), spec))
    per_element = _least_bytes_per_element(fmt)
    whole = Stage(0, tuple(range(spec.num_layers)), True, True)
    if per_element is None or placed != (whole,):
        return None
    numel, fixed = memo(spec, ("stage numel", whole), lambda: _stage_numel(spec, wl, whole))
    floor = numel * per_element.numerator // per_element.denominator + fixed  # rounded down: still below
    if floor > 0 and spec.checkpoint is not None and checkpoint_matches(spec, fmt):
        # estimate_weights scales the checkpoint's bytes by this stage's share of the formula's,
        # which is the whole (same stage, TP 1): the checkpoint's bytes (the formula is > 0 here)
        return spec.checkpoint.total_bytes
    return floor


def _least_bytes_per_element(fmt: WeightFormat) -> Fraction | None:
    """The fewest bytes `shard_bytes` gives any element of a group in `fmt`, where it is known for
    the format alone; None for formats sized otherwise (GGUF types and their pins, a mixed
    checkpoint's per-kind formats, 4-bit experts, modules left unconverted, MXFP4/NVFP4/MLX/...)."""
    if fmt.gguf_tensor_types or fmt.kind_quant or fmt.expert_quant is not None or fmt.modules_not_converted:
        return None
    if fmt.quant not in (None, QuantMethod.FP8, *_PACKED) or fmt.dtype is None:
        return None
    elem = bytes_per_element(fmt.dtype)  # the unquantized groups, biases included
    if elem.denominator != 1 or not 1 <= elem <= 4:  # fp32 parameters take 4: not fewer than elem
        return None
    if fmt.quant is None:
        return elem
    if fmt.quant == QuantMethod.FP8:
        return Fraction(1)  # one byte per weight, more with its scales
    bits = Fraction(default_bits(fmt))  # the packed weights; GPTQ/AWQ biases are fp16 (2 bytes)
    return bits / 8 if 0 < bits <= 8 else None  # never above elem (>= 1 byte): the least of the two


# Packed integer formats whose every quantized weight takes at least its bits (module docstring).
_PACKED = (QuantMethod.GPTQ, QuantMethod.AWQ, QuantMethod.BNB_NF4, QuantMethod.BNB_FP4, QuantMethod.BNB_INT8)


def _stage_numel(spec: ModelSpec, wl: Workload, stage: Stage) -> tuple[int, int]:
    """Elements of the stage's groups at TP 1 (the shards stage_weight_bytes sizes), and the bytes
    of the groups stored in their own integer type (`Group.elem_bytes`, sized apart)."""
    numel = fixed = 0
    for shard in stage_shards(spec, wl, stage):  # TP 1: the same for every workload of one GPU
        if shard.group.elem_bytes:
            fixed += shard.numel * shard.group.elem_bytes
        else:
            numel += shard.numel
    return numel, fixed
