"""Activations: the transient tensors of a forward (and backward) pass, walked op by op.

Why a walk and not one formula: what is live at the peak depends on the order in which the
Hugging Face modeling code creates and drops tensors (`modeling_llama.py` keeps the embeddings,
the layer input, the residual and the normed input alive while the MLP holds three
intermediate-sized tensors), on what autograd saves for backward (derivatives.yaml: `mm` keeps
its input only when the weight needs a gradient, `silu` its input, `mul` the other operand,
`softmax` its output...), and on views that keep a whole storage alive. So each architecture's
forward is written below as the sequence of allocations its transformers 5.23 code makes, in
bytes (`_Walk`). Training records a tape of the ops with what each saves, and backward is
simulated from that tape the way autograd runs it (`_backward`): grads of inputs appear, the
grad of the output and the saved tensors go. Nothing here is fitted to a measurement; the tracer
(`llmsize.measure.tracer`) checks it against the real modeling code.

Sizes may be numpy int64 arrays (a sweep over contexts and batches): every operation below is
plain arithmetic or `np.maximum`, so it broadcasts.

Model of the kernels (what a GPU does, not torch's CPU fallback): SDPA and flash attention are
fused (output + fp32 log-sum-exp, never the scores); a boolean mask passed to SDPA is turned into
an additive mask in the compute dtype (`convert_boolean_attn_mask`, aten attention.cpp); eager
attention materialises batch x heads x q x kv scores and their fp32 softmax; dropout keeps a
1-byte mask (`native_dropout`); the grouped MoE matmul (`integrations/moe.py`, transformers'
default experts implementation) works on tokens x top-k rows.

One module per axis of the design: `walk` (the machinery and the shared linear/norm/RoPE steps),
one module per token-mixer family (`attention`: MHA/GQA/MLA; `linear_attention`: gated delta-net,
Kimi delta attention, short conv; `mamba`: Mamba-2 and Mamba-1; `hybrid`: Falcon-H1's parallel
block), `ffn` (dense MLP, router, experts), `blocks` (one decoder block by layer kind), `model`
(embeddings, masks, rotary tables, lm_head, loss) and `candidates` (the peak moments). The
recurrent mixers follow transformers' torch fallbacks (no fla / causal-conv1d / mamba-ssm); each
module says what the fused kernels change.
"""

from llmsize.estimate.activations.candidates import Candidate, inference_candidates, training_candidates

# The walk's pieces the training-recipe walks build on (loss_walk.py, unsloth_kernels.py).
from llmsize.estimate.activations.model import _head as _head
from llmsize.estimate.activations.model import _loss as _loss
from llmsize.estimate.activations.walk import _T as _T
from llmsize.estimate.activations.walk import Dims as Dims
from llmsize.estimate.activations.walk import Num as Num
from llmsize.estimate.activations.walk import _linear as _linear
from llmsize.estimate.activations.walk import _Walk as _Walk

__all__ = ["Candidate", "inference_candidates", "training_candidates"]
