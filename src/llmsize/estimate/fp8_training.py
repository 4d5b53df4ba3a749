"""torchao float8 training (`convert_to_float8_training`), as a walk of what one Float8Linear
allocates and keeps. Read at pytorch/ao commit 36027d8 (torchao 0.18).

torchtune (`enable_fp8_training`), torchtitan (`--model.converters float8`) and HF Accelerate's
AO backend swap the decoder's `nn.Linear`s for `Float8Linear` (torchao/float8/float8_linear.py),
leaving out the output head and any layer whose dims are not multiples of 16 (torch._scaled_mm's
rule; Accelerate's `filter_linear_layers`, torchtitan's `filter_fqns = ["output"]`).

- Nothing static changes: the parameters stay in their dtype (bf16, or the fp32 sharded masters
  FSDP2 keeps), and so do gradients and optimizer states. Delayed scaling and its amax history
  buffers were removed from torchao (only `ScalingType.DYNAMIC` is left), so no module gains a
  buffer.
- Saved for backward: `matmul_with_hp_or_float8_args.forward` calls
  `ctx.save_for_backward(input_hp, weight_hp_t)`, the high-precision input and weight, exactly
  what a bf16 `nn.Linear` keeps. Backward casts them to fp8 again. So activations do not shrink.
- Transients (eager): `hp_tensor_to_float8_dynamic` computes the scale from `max(abs(x))`, then
  `hp_tensor_and_scale_to_float8` writes `x.to(float32) * scale` and `to_fp8_saturated` clamps it
  (another fp32 tensor) before the fp8 cast: 8 bytes per element live beside the 1-byte result
  (`CAST_FP32_BYTES`). Forward casts the input and the weight; backward casts grad_output twice
  (once per GEMM), the weight and the input, and `float8_ops.preprocess_addmm` copies an operand
  that is not in the layout `torch._scaled_mm` wants (the weight for grad_input; grad_output^T
  and the input for grad_weight). Rowwise GEMMs without fast accumulation (the two backward ones)
  multiply the output by `a_inverse_scale * b_inverse_scale`, an fp32 outer product the size of
  the output (`addmm_float8_unwrapped`).
- Under torch.compile (the recipes' setting) inductor fuses amax, scale and cast into kernels
  that read the bf16 tensor and write the fp8 one: only the 1-byte casts are live. The
  partitioner also changes what a block keeps: with tensorwise or rowwise casts on both GEMMs
  that read the input, the bf16 inputs that were kept only for a matmul are recomputed instead
  (`RECOMPUTED_INPUTS`, `FP8_SAVED_INPUTS`). torchao's pretraining tutorial
  (docs/source/eager_tutorials/pretraining.rst) measures Llama-3 8B on 8x H100 (torchtitan,
  compile, FSDP2, selective activation checkpointing) at 30.89 GiB in bf16, 30.91 GiB with
  tensorwise and 30.99 GiB with rowwise float8.
- FSDP2 float8 all-gather (`enable_fsdp_float8_all_gather`, tensorwise only): the weight's
  `WeightWithDynamicFloat8CastTensor.fsdp_pre_all_gather` casts the shard to fp8, so the
  all-gathered linear weights are 1 byte per element (core._gathered_layers).
"""

from __future__ import annotations

from llmsize.estimate import arrays as np
from llmsize.estimate.activations.walk import _T, Dims, Num, _Walk
from llmsize.estimate.workload import Fp8Recipe, Workload

# REFERENCE: torchao float8_training_tensor.py `_ToFloat8ConstrFunc.forward`: tensor.to(float32) *
# scale, then float8_utils.to_fp8_saturated's clamp: two fp32 tensors at the cast.
CAST_FP32_BYTES = 8
# REFERENCE: torch._scaled_mm needs both GEMM dims to be multiples of 16 (torchao Float8LinearConfig
# pad_inner_dim; Accelerate utils/ao.py filter_linear_layers skips the others).
FP8_DIM_MULTIPLE = 16
# Under torch.compile with fp8 casts for both GEMMs that read the input (tensorwise, rowwise), the
# partitioner stops keeping these layers' bf16 inputs: the RMSNorm output (from the norm's saved
# input and inverse RMS) and the SwiGLU product (from the saved gate and up) are recomputed in
# backward, and only o_proj's input (a transposed copy of the attention output) is kept, as its
# fp8 cast. Measured with torchao 0.18's Float8Linear and torch 2.13's partitioner on a bf16
# Llama block on the CPU (measure/saved_tensors.py, tests/trace/test_float8_trace.py).
RECOMPUTED_INPUTS = frozenset(
    {"q_proj", "k_proj", "v_proj", "qkv_proj", "gate_proj", "up_proj", "gate_up_proj", "down_proj"}
)
FP8_SAVED_INPUTS = frozenset({"o_proj"})


def converted(module: str, in_f: int, out_f: int) -> bool:
    """Whether `convert_to_float8_training`, with the recipes' filters, swaps this linear."""
    return module != "lm_head" and in_f % FP8_DIM_MULTIPLE == 0 and out_f % FP8_DIM_MULTIPLE == 0


def _cast(w: _Walk, d: Dims, name: str, elems: Num) -> _T:
    """One dynamic fp8 cast: the 1-byte result, and (eager) the fp32 scaled and clamped copies."""
    t = w.new(f"{name} fp8", elems)
    if not d.compiled:
        w.tmp(f"{name} fp32 scaled + clamped (fp8 cast)", CAST_FP32_BYTES * elems)
    return t


def backward_transient(d: Dims, recipe: str, x: Num, wt: Num, g: Num) -> Num:
    """Peak bytes Float8Linear's backward allocates besides its gradients (elements: x = rows x in,
    wt = in x out, g = rows x out), stage by stage as `matmul_with_hp_or_float8_args.backward`
    runs: cast grad_output, cast the weight, grad_input GEMM, cast grad_output again, cast the
    input, grad_weight GEMM. rowwise-gw-hp keeps the grad_weight GEMM in bf16 (no casts)."""
    hp_grad_weight = recipe == Fp8Recipe.ROWWISE_GW_HP
    if d.compiled:
        return g + wt if hp_grad_weight else 2 * g + wt + x
    c = CAST_FP32_BYTES + 1
    post_scale_gi = 4 * x if recipe != Fp8Recipe.TENSORWISE else 0
    stages = [c * g, g + c * wt, g + 2 * wt + post_scale_gi]
    if not hp_grad_weight:
        post_scale_gw = 4 * wt if recipe == Fp8Recipe.ROWWISE else 0
        stages += [g + wt + c * g, 2 * g + wt + c * x, 3 * g + wt + 2 * x + post_scale_gw]
    top: Num = stages[0]
    for s in stages[1:]:
        top = np.maximum(top, s)
    return top


def _compiled_saves(w: _Walk, d: Dims, x: _T, module: str, xi: _T) -> list[_T]:
    """What a compiled block keeps for this linear's backward (see the module docstring)."""
    if d.fp8 == Fp8Recipe.ROWWISE_GW_HP:
        return [x]  # the bf16 grad_weight GEMM reads the bf16 input: saved as without float8
    name = module.rsplit(".", 1)[-1]
    if name in RECOMPUTED_INPUTS:
        return []
    if name in FP8_SAVED_INPUTS:
        return [w.op(f"{module} input fp8 (kept)", xi.nbytes, [x])]
    return [x]


def fp8_linear(w: _Walk, d: Dims, x: _T, module: str, in_f: int, out_f: int, n: Num) -> _T:
    """A trained Float8Linear on `n` rows: fp8 casts of input and weight for the GEMM, the bf16
    input (and the weight, a parameter) saved for backward, the output in the compute dtype."""
    xe, we, ge = n * in_f, in_f * out_f, n * out_f
    xi = _cast(w, d, f"{module} input", xe)
    wi = _cast(w, d, f"{module} weight", we)
    saves = _compiled_saves(w, d, x, module, xi) if d.compiled else [x]
    y = w.op(
        f"{module} (float8)",
        ge * d.e,
        [x],
        saves=saves,
        weight_grad=we * d.e,
        trainable=True,
        bwd_tmp=backward_transient(d, d.fp8, xe, we, ge),
    )
    w.drop(xi, wi, *(t for t in saves if t is not x))
    return y


def note(wl: Workload) -> str:
    """The assumption line of a float8 run."""
    casts = (
        "casts fused by torch.compile (only the fp8 copies live)"
        if wl.compile
        else "eager casts (fp32 scaled and clamped copies live at each cast)"
    )
    from llmsize.estimate.frameworks import recipe

    gather = "; FSDP2 all-gathers fp8 linear weights" if recipe(wl).fp8_all_gather else ""
    return (
        f"torchao float8 training, {wl.fp8_training} scaling: decoder linears (not the head) run fp8 "
        f"GEMMs, weights/gradients/states keep their dtype, backward keeps the bf16 inputs; {casts}{gather}"
    )


def device_problem(wl: Workload, device: str, has_fp8: bool) -> str | None:
    """Why a float8 run cannot start on `device` (None: it can, or the run is not float8).

    Every Float8Linear GEMM is `torch._scaled_mm`, whose first check refuses other devices:
    "torch._scaled_mm is only supported on CUDA devices with compute capability >= 9.0 or 8.9, or ROCm
    MI300+" (pytorch aten/src/ATen/native/cuda/Blas.cpp `_scaled_mm_out_cuda`). `has_fp8` is the GPU
    catalog's `dtypes: [fp8]`, which lists exactly those (issue 15, round 8: `fit --fp8-training rowwise
    --gpu T4` said it fits).
    """
    if wl.fp8_training is None or has_fp8:
        return None
    return (f"{device} has no FP8 tensor cores: float8 training's torch._scaled_mm needs compute "
            "capability 8.9+ (or an MI300); drop --fp8-training or pick an FP8 GPU")
