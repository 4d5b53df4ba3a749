"""What vLLM's `--enforce-eager` forward launches beyond its graph's kernels, per block part.

`--enforce-eager` turns torch.compile off as well as CUDA graphs (vllm/config/vllm.py: "Enforce eager
set, disabling torch.compile and CUDAGraphs"), so a decode step runs each module's Python forward as
written: every `.contiguous()`, `torch.zeros`, slice assignment and elementwise gate is a kernel of its
own where the compiled graph folds it into a neighbour (speed_profile.FUSED_LAYER_KERNELS counts the
graph). Counted on the Qwen3.5 modules of the vLLM 0.17 era, one decode token per sequence:

- 'linear_attention' (16 kernels where the graph replays 8), read in the vLLM 0.17.0 sdist:
  vllm/model_executor/models/qwen3_5.py `Qwen3_5GatedDeltaNet.forward` runs two mat-muls, the merged
  in_proj_qkvz (`create_qkvz_proj`: one MergedColumnParallelLinear for q, k, v and z) and in_proj_ba
  (the checkpoint's in_proj_b / in_proj_a stacked into one, `stacked_params_mapping`) (2); `b` and
  `a` are `ba.chunk(2, dim=-1)` halves, strided views, so their `.contiguous()` copies them (2);
  `torch.zeros` for core_attn_out (1); `z.reshape(-1, head_v_dim)` of a z that is a strided slice of
  mixed_qkvz cannot be a view, so it copies (1); the gated RMSNorm (RMSNormGated.forward_cuda, fla
  layernorm_guard's one Triton kernel: 1), out_proj (1) and `output[:num_tokens] = ...` (1);
  vllm/model_executor/models/qwen3_next.py `Qwen3NextGatedDeltaNet._forward_core`'s decode branch
  runs `causal_conv1d_update` (1), `rearrange_mixed_qkv`'s three `.contiguous()` copies of the split
  q / k / v (3), `fused_gdn_gating` (1), `fused_recurrent_gated_delta_rule` (1) and
  `core_attn_out[:num_actual_tokens] = ...` (1). With one sequence every one of those strided views
  has a leading dimension of size 1, and PyTorch's contiguity check skips size-1 dimensions: the b / a
  copies, the z reshape and the q / k / v copies copy nothing (6 fewer), so the mixer runs 10.
- 'output_gate' (2): qwen3_next.py `Qwen3NextAttention.forward`'s `attn_output * torch.sigmoid(gate)`,
  a sigmoid and a multiply.
- 'unit_offset_norm' (1 launch's worth per norm): vllm/model_executor/layers/layernorm.py
  `GemmaRMSNorm.forward_cuda` (the (1 + weight) norm of Qwen3-Next / Qwen3.5 / Gemma blocks, and their
  q / k norms) wraps `forward_static` in `torch.compile` when the model is not being compiled, so each
  call also pays torch.compile's per-call entry on a cache hit: "~35-40us fixed per-call overhead"
  of a compiled function (pytorch/pytorch#190390, 2026-07, before which vLLM 0.17 ran), about one
  eager launch (speed_eager.launch_per_kernel_s: 45 us).

The eager profile prices every kernel at the launch time it already prices a dense layer's kernels at,
so nothing is fitted here. Checked against the published Qwen3.5-9B `--enforce-eager` table on an RTX
4090 (vLLM 0.17.0, aaronzhfeng/gpu-inference benchmarks/rtx-4090.md: 29.9 tok/s at one request, 838 at
32), which stays held out.
"""

from __future__ import annotations

# REFERENCE: the counts above (qwen3_5.py, qwen3_next.py, layers/layernorm.py; pytorch#190390).
EAGER_GDN_MIXER_KERNELS = 16
ONE_SEQUENCE_CONTIGUOUS_NOOPS = 6
EAGER_OUTPUT_GATE_KERNELS = 2
COMPILED_NORM_ENTRY_LAUNCHES = 1


def eager_layer_kernels(graph_kernels: dict[str, int], one_sequence: bool = False) -> dict[str, int]:
    """The per-part kernel counts of vLLM's eager forward: its graph counts plus what compilation fuses
    away (an engine without a GDN count, vLLM before GDN, keeps its own); `one_sequence`: a step
    decoding one sequence, whose b / a, z and q / k / v views need no copy."""
    if "linear_attention" not in graph_kernels:
        return dict(graph_kernels)
    mixer = EAGER_GDN_MIXER_KERNELS - (ONE_SEQUENCE_CONTIGUOUS_NOOPS if one_sequence else 0)
    return graph_kernels | {
        "linear_attention": max(graph_kernels["linear_attention"], mixer),
        "output_gate": graph_kernels.get("output_gate", 0) + EAGER_OUTPUT_GATE_KERNELS,
        "unit_offset_norm": graph_kernels.get("unit_offset_norm", 0) + COMPILED_NORM_ENTRY_LAUNCHES,
    }
