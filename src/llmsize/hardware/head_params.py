"""Which of a model's parameters a token multiplies: the embedding gather and the LM head apart.

The token embedding is a row gather, not a mat-mul: llama.cpp's llm_graph_context::build_inp_embd
(src/llama-graph.cpp) runs ggml_get_rows on tok_embd, vLLM / SGLang an nn.Embedding
(VocabParallelEmbedding) lookup, transformers an nn.Embedding. It costs no FLOPs and reads `batch`
rows, not the table (read_share.read_fraction already skips an untied table's bytes). A tied table is
also the head, so its mat-mul is counted once, as the head's.

The head (vocab x hidden) runs only on the tokens whose logits the engine keeps: at decode every new
token, at prefill the rows the engine asks for (estimate/engines/base.py prefill_logits_every_token):
the last token of each sequence in llama.cpp (llama_batch_get_one leaves `logits` NULL: "only the last
token is output", include/llama.h; build_inp_out_ids narrows the last layer to those rows), vLLM
(gpu_model_runner._prepare_inputs: logits_indices = query_start_loc[1:] - 1), SGLang
(LogitsProcessor: last_index = cumsum(extend_seq_lens) - 1 without input logprobs) and transformers
from 4.45 (generation/utils.py generate: num_logits_to_keep = 1); every prompt token before 4.45.
"""

from __future__ import annotations

from llmsize.specs.models import ModelSpec
from llmsize.specs.params import param_inventory


def outside_params(spec: ModelSpec) -> int:
    """Parameters of active_params that no prompt token multiplies: every embedding table (a row
    gather: token, per-layer and learned-position tables) and the untied head."""
    return sum(g.numel for g in param_inventory(spec) if g.kind in ("embedding", "lm_head"))


def head_params(spec: ModelSpec) -> int:
    """Parameters of the output projection a logit row multiplies: the untied lm_head (and any other
    head-kind group), or the token table itself when the head is tied to it."""
    groups = param_inventory(spec)
    head = sum(g.numel for g in groups if g.kind == "lm_head")
    if spec.tie_word_embeddings:
        head += sum(g.numel for g in groups if g.name == "embed_tokens")
    return head


def matmul_param_tokens(active_params: int, outside: int, head: int, tokens: int, logit_rows: int) -> int:
    """Parameter-token products of a pass over `tokens` tokens of which `logit_rows` reach the head;
    2x this is the pass's weight FLOPs. With outside = head = 0: active_params x tokens (no split)."""
    return max(0, active_params - outside) * tokens + head * logit_rows
