"""Unsloth of 2024 (`--unsloth-2024`): the per-layer RoPE caches its attention grew to the sequence.

Unsloth of April 2024 to March 2025 (read at unsloth d9ed4be, December 2024) patched each model's
attention `__init__` (FastLlamaModel.pre_patch -> patch_llama_rope_scaling) so that every decoder
layer builds its own rotary module (`self.rotary_emb`, the per-layer copy transformers 4.45-4.47
still constructed), an Unsloth `LlamaRotaryEmbedding` / `LlamaExtendedRotaryEmbedding` whose
`_set_cos_sin_cache` registers `cos_cached` and `sin_cached`, (rows, head_dim) each, on the GPU.
It starts at `min(4 * 8192, max_position_embeddings)` rows and `LlamaAttention_fast_forward` calls
`rotary_emb.extend_rope_embedding(V, seq_len)`, which regrows it in V's dtype to the sequence
rounded up to a multiple of 8192. Each layer keeps its own pair for the rest of the run.
Gemma and Gemma 2 (unsloth/models/gemma.py GemmaFixedRotaryEmbedding, read at c100900, July 2024,
installed by FastGemma2Model.pre_patch) build each layer's pair once, fp32, at
max_position_embeddings rows, and the training forward reads `cos_cached` as it is (no growth).

The other two mechanisms of that code are in unsloth_kernels.py (matmul_lora's temporary) and
activations/candidates.py (the checkpoint with no GPU buffer).
"""

from __future__ import annotations

import numpy as np

from llmsize.estimate.activations import Num
from llmsize.specs.models import ModelSpec

# REFERENCE: unsloth/models/llama.py (d9ed4be) LlamaRotaryEmbedding.__init__ `min(4 * 8192, ...)`
INITIAL_ROWS = 4 * 8192
# REFERENCE: ... extend_rope_embedding: "Iteratively grow by increments of 8192"
GROWTH = 8192


def rope_cache_rows(spec: ModelSpec, seq_len: Num) -> Num:
    """Rows of one layer's cos (and sin) cache after a forward of `seq_len` tokens."""
    start = min(INITIAL_ROWS, spec.max_position_embeddings)
    grown = -(-seq_len // GROWTH) * GROWTH
    return max(start, grown) if isinstance(grown, int) else np.maximum(start, grown)


def rope_caches_bytes(spec: ModelSpec, seq_len: Num, elem: int) -> Num:
    """cos + sin of every layer: Llama's grown in the compute dtype, Gemma's fixed in fp32."""
    if spec.model_type.startswith("gemma"):
        return spec.num_layers * 2 * spec.max_position_embeddings * spec.head_dim * 4
    return spec.num_layers * 2 * rope_cache_rows(spec, seq_len) * spec.head_dim * elem


IGNORED_WARNING = (
    "--unsloth-2024 ignored: it describes Unsloth's LoRA kernels and checkpointing, which run only with "
    "--framework unsloth in a LoRA/QLoRA training mode"
)
