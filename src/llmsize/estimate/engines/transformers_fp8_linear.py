"""CPU time of transformers 5.x's fine-grained FP8 linear at decode: one fused Triton launch, no sync.

Releases differ here, so the FP8 launch cost is priced per release rather than carried over:

- 4.51 (integrations/finegrained_fp8.py `FP8Linear.forward`): `act_quant` (a Triton kernel) then
  `w8a8_block_fp8_matmul_triton` (a second one), then `torch.cuda.synchronize()`, a bias add,
  `torch.nan_to_num` and a cast, for every linear. The synchronize drains the GPU queue seven times a
  layer, so the CPU cannot run ahead of the GPU: that profile's fitted 1.3 ms a layer
  (engines/transformers.py SPEED_V4) belongs to that release only. Qwen3's H20 table (transformers
  4.51.3, bench/speed_tables.yaml qwen3-h20-157/158) measured Qwen3-32B-FP8 at 7.37 tok/s where BF16
  Qwen3-32B reaches 26.24 on the same card: half the bytes, 3.6x slower.
- 5.23 (the modelled release; integrations/finegrained_fp8.py `FP8Linear.forward` -> `fp8_linear` ->
  `finegrained_fp8_linear`): no synchronize, no separate activation-quant kernel. The
  kernels-community `finegrained-fp8` kernel's `matmul` dispatcher (torch-ext/finegrained_fp8/matmul.py
  `_w8a8_block_dynamic_fp8_matmul`, a `triton_op`) quantizes the activations inside the GEMM's K loop
  (`fp8_act_quant_inline`) and launches one Triton kernel per linear. Beyond F.linear's one dispatch
  (already in the engine's per-call time) it issues `A.new_empty` for the output and enters and leaves
  `device_context` (3 dispatches, no kernel) and launches the Triton kernel from Python.
  On Hopper with the `kernels` DeepGEMM build and a CUDA toolkit's nvcc (`is_deepgemm_loadable`),
  `fp8_linear` prefers DeepGEMM instead; a pip install without nvcc takes the Triton path modelled here.

The MoE experts of an FP8 checkpoint decode through `fp8_batched_mm_experts_forward`, whose
`matmul_batched` kernel strides into each routed expert's slice of the 3-D weights: no gathered copy
of the experts' bytes, unlike the 16-bit `batched_mm_experts_forward` (transformers_batched_mm).
"""

from __future__ import annotations

from llmsize.estimate.engines import transformers_wrappers
from llmsize.estimate.engines.transformers_moe_loop import TRITON_LAUNCH_S
from llmsize.estimate.engines.vllm_v0_graphs import BARE_OP_LAUNCH_S

# `A.new_empty` for the output, `device_context` enter and exit: dispatches that launch no kernel.
WRAPPER_DISPATCHES = 3
# The one fused Triton kernel (activation quant inside the block-scaled GEMM) per linear.
TRITON_LAUNCHES = 1


def extra_seconds_per_linear() -> float:
    """CPU seconds one 5.x FP8 linear adds over F.linear: its wrapper's dispatches and the Triton launch."""
    return WRAPPER_DISPATCHES * BARE_OP_LAUNCH_S + TRITON_LAUNCHES * TRITON_LAUNCH_S


def launch_per_layer() -> float:
    """Extra CPU seconds per decoder layer (its 7 linears) of 5.x's FP8 linears; no host sync among them."""
    return transformers_wrappers.LINEARS_PER_LAYER * extra_seconds_per_linear()


def copies_experts(kernel: str) -> bool:
    """Whether 5.x's decode experts path gathers copies of the picked experts' weights (16-bit bmm: yes;
    the FP8 `matmul_batched` kernel reads them in place: no)."""
    return kernel != "fp8"
