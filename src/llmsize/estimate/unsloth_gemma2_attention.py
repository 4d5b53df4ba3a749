"""Unsloth's Gemma 2 attention: softcapped eager attention under torch.compile.

Unsloth's Gemma 2 (unsloth/models/gemma2.py, read at commit c100900 of July 2024, the code of its
"Finetune Gemma 2 with Unsloth" context table) has no flash kernel for the logit softcap and runs
`gemma2_attention` decorated with `@torch.compile(fullgraph=True, dynamic=True)`:

    A = Q @ K^T                      (K, V expanded to every query head first)
    A = t * tanh(A / t); A += causal_mask
    A = softmax(A, dim=-1, dtype=float32).to(Q.dtype)
    out = A @ V

Compiled, the softcap, mask, fp32 softmax and the cast back are one fused kernel that reads the
bf16 scores and writes the bf16 probabilities; the fp32 intermediates never reach memory. The
partitioner (compiled_blocks.py: matmul outputs are saved, reductions are not recomputed) keeps
the scores (their pointwise chain is recomputed in backward), the probabilities (a matmul's
input) and the softmax's per-row statistics, so the score matrix costs 2 x 2 bytes per element
kept, not the eager path's bf16 tanh output, fp32 softmax and bf16 probabilities (8 bytes) and
its fp32 transients.
"""

from __future__ import annotations

from llmsize.estimate.activations import _T, Dims, Num, _Walk


def compiled_softcap_attention(
    w: _Walk, d: Dims, q: _T, kk: _T, vv: _T, heads: int, dv: int, kv_tokens: Num
) -> _T:
    """Scores, fused softcap-softmax and probs @ V, as `gemma2_attention` compiles them; returns the
    attention output, transposed back to tokens x heads x dv."""
    n = d.b * heads * d.s * kv_tokens
    scores = w.op("scores q@k (gemma2_attention, compiled)", n * d.e, [q, kk], saves=[q, kk])
    stats = w.new("softmax row max and sum (fp32)", d.b * heads * d.s * 2 * 4)
    probs = w.op("softcap+mask+softmax, fused (bf16)", n * d.e, [scores], saves=[scores, stats])
    w.drop(scores, stats)
    out = w.op("probs@v", d.T * heads * dv * d.e, [probs, vv], saves=[probs, vv])
    w.drop(probs)
    o = w.op("attn transpose", d.T * heads * dv * d.e, [out])
    w.drop(out)
    return o
