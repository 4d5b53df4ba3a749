"""What autograd keeps for a decoder block compiled by torch.compile (inductor), torch 2.13.

torchtune's `compile: True` compiles every decoder layer on its own (training/_compile.py
`compile_model`: `m.compile()` on each TransformerSelfAttentionLayer) and the loss
(`compile_loss`). AOTAutograd traces a layer's forward and backward into one joint graph and
`min_cut_rematerialization_partition` (torch/_functorch/partitioners.py) picks what the forward
saves; everything else is recomputed inside backward's fused kernels. With the default
`torch._functorch.config`:

- matmuls and attention are never recomputed (`ban_recompute_not_in_allowlist`: only pointwise
  ops, views and a few cheap ops are recomputable), so a matmul's output that backward needs is
  saved, and a pointwise output that a matmul consumes in backward is saved as well
  (`ban_recompute_materialized_backward`): each projection's input, as materialized (bf16);
- reductions are not recomputed (`ban_recompute_reductions`): RMSNorm's inverse RMS (fp32 per
  row) is saved;
- every other pointwise intermediate is recomputed: RMSNorm's fp32 copy and normed product, the
  SiLU of the gate, RoPE's halves, the residual sums.

So a compiled RMSNorm keeps its bf16 input (or, for the second norm, the o_proj output it is
summed from: the same bytes) and the inverse RMS; a compiled SwiGLU keeps gate and up and the
product that down_proj reads; RoPE keeps only the rotary tables. The fp32 copies eager code
keeps for RMSNorm's backward (`LlamaRMSNorm`: `hidden_states.to(torch.float32)`) and SiLU's
output are gone. Checked on CPU with torch 2.13 (`bench/compile_saved.py`; the
aot_eager_decomp_partition and inductor backends keep the same set): a bf16 Llama block (hidden
256, intermediate 704) keeps 11,288 B per token eager and 7,832 compiled, the walk exactly the
same; the difference is 2 x 4 x hidden + 2 x intermediate bytes: both norms' fp32 copies replaced
by bf16 ones, and silu(gate) (tests/trace/test_compiled_block.py). The pointwise chains of the
other mixers (linear attention, Mamba, MoE routing) are still walked as their eager code runs.
"""

from __future__ import annotations

from llmsize.estimate.activations.walk import _T, Dims, Num, _Walk


def compiled_rmsnorm(w: _Walk, d: Dims, x: _T, width: int, n: Num, name: str) -> _T:
    """RMSNorm in one fused kernel: keeps its input and the fp32 inverse RMS, nothing in fp32."""
    full = d.train and not d.lora
    rstd = w.new(f"{name} inverse rms (fp32)", n * 4)
    out = w.op(
        f"{name} (compiled)",
        n * width * d.e,
        [x],
        saves=[x, rstd],
        weight_grad=width * d.e,
        trainable=full,
    )
    w.drop(rstd)
    return out
