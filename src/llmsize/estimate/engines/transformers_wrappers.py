"""CPU time the quantized-linear wrappers of transformers 4.x add to each eager decode step.

`generate` in transformers 4.46-4.51 launches every decoder layer from Python, so a small model's
step is the CPU's time to issue its torch calls (engines/transformers.py, `launch_per_layer_s`,
calibrated on the 16-bit and GPTQ-Int4 rows, whose 4-bit linears run auto-gptq's exllama v2
wrapper). A weight format whose wrapper issues more calls per linear layer costs more per layer
whatever the model's bytes. Counted here from each wrapper's source, in units of the engine's
own per-call time (its calibrated per-layer launch time over the calls a dense layer issues), so
no constant is fitted to the rows these wrappers explain:

- the exllama v2 wrapper (auto-gptq 0.7.1, nn_modules/qlinear/qlinear_exllamav2.py
  `QuantLinear.forward` -> `ext_gemm_half_q_half`): view, empty, the kernel, view: 4 calls;
- AutoAWQ's GEMM wrapper (AutoAWQ 0.2.6, awq/modules/linear/gemm.py `WQLinear_GEMM.forward`, which
  transformers 4.46 installs for `version: gemm` checkpoints without `do_fuse`,
  integrations/awq.py `replace_with_awq_linear`): `WQLinearMMFunction.apply` (an autograd Function
  even under no_grad), then x.to, x.reshape, `awq_ext.gemm_forward_cuda`, two reshapes: 5 calls,
  and the extension itself allocates split_k_iters = 8 partial outputs and returns their
  `.sum(0)`, one more op and kernel (AutoAWQ_kernels awq_ext/quantization/gemm_cuda_gen.cu
  `gemm_forward_cuda`): 2 calls and one autograd Function beyond exllama v2;
- auto-gptq 0.6.0's 8-bit path (nn_modules/qlinear/qlinear_cuda_old.py `QuantLinear.forward`:
  8 bits turn use_cuda_fp16 off): reshape, zeros (fp32 output), x.to(float32), scales.float(),
  the kernel, out.to(dtype), reshape: 7 calls, 3 beyond exllama v2.
"""

from __future__ import annotations

# REFERENCE: torch calls one Qwen2 decoder layer issues per decode step in transformers 4.46 with
# attn_implementation="flash_attention_2" (models/qwen2/modeling_qwen2.py): two Qwen2RMSNorm
# (to, pow, mean, add, rsqrt, mul, to, mul: 8 each), 7 linears, q/k/v view + transpose (6),
# apply_rotary_pos_emb (2 unsqueeze, then per q and k: mul, 2 slices, neg, cat, mul, add: 16),
# DynamicCache.update (2 torch.cat), repeat_kv on K and V (index, expand, reshape: 6), 3 transposes,
# flash_attn_func's kernel call (1), reshape + contiguous (2), 2 residual adds, silu and the
# gate * up product (2): 63 calls, plus flash_attn_func's own autograd Function (FlashAttnFunc).
DENSE_LAYER_CALLS = 63
DENSE_LAYER_FUNCTIONS = 1
# q, k, v, o, gate, up, down.
LINEARS_PER_LAYER = 7
# REFERENCE: overhead of one torch.autograd.Function.apply over a direct call, 17 us (20.7 us against
# 3.2 us for the call alone; https://github.com/pytorch/pytorch/issues/189573, zou3519's benchmark).
AUTOGRAD_FUNCTION_S = 17e-6
# Calls per linear beyond the exllama v2 wrapper (see the module docstring).
EXTRA_CALLS: dict[str, tuple[int, int]] = {"awq": (2, 1), "int8": (3, 0)}  # (calls, autograd Functions)


def per_call_s(launch_per_layer_s: float) -> float:
    """The engine's CPU seconds per eager torch call: its calibrated per-layer time over a layer's calls."""
    return max(0.0, launch_per_layer_s - DENSE_LAYER_FUNCTIONS * AUTOGRAD_FUNCTION_S) / DENSE_LAYER_CALLS


def wrapper_launch_per_layer(kernel: str, launch_per_layer_s: float) -> float:
    """Extra CPU seconds per decoder layer that weight kernel `kernel`'s wrapper adds (0: none counted)."""
    calls, functions = EXTRA_CALLS.get(kernel, (0, 0))
    per_linear = calls * per_call_s(launch_per_layer_s) + functions * AUTOGRAD_FUNCTION_S
    return LINEARS_PER_LAYER * per_linear
