"""Which prompt tokens a llama.cpp build runs the LM head on.

REFERENCE: ggml-org/llama.cpp PR #6122 (commit 557410b, merged 2024-03-26, "llama : greatly reduce
output buffer memory usage"): from it the graph gathers the rows whose logits the batch asks for
(build_inp_out_ids, src/llama-graph.cpp) before the last layer's FFN and the output mat-mul, and
llama_batch_get_one leaves `logits` NULL, which means "only the last token is output" (include/llama.h),
so llama-bench's pp test multiplies the head once per batch. Before it the output mat-mul ran on every
token of each ubatch and only the last row was kept.
"""

from __future__ import annotations

# The build of 2024-03-26 that carried PR #6122 (2024-03-12 was about b2400; ~10 builds a day then).
OUTPUT_ROWS_BUILD = 2536


def head_on_every_prompt_token(build: int | None) -> bool:
    """Whether the build multiplies the LM head on every prompt token (None: the build modelled, which
    does not)."""
    return build is not None and build < OUTPUT_ROWS_BUILD
