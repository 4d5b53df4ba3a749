"""What Ollama's Go engine cached for GLM-4.7-Flash before it absorbed MLA: every head's K and V.

REFERENCE: ollama/ollama model/models/glm4moelite/model.go as added by 4f138a174 (#13779, "add
`Glm4MoeLiteForCausalLM` architecture to support GLM-4.7-Flash", first in v0.14.3): Attention.Forward
decompresses the latent through kv_b into per-head K (qk_nope + rope dims) and V (v_head_dim) and hands
both to nn.Attention with the model's kvcache.NewCausalCache, so each token and layer keeps
head_count_kv x (key_length + value_length) values. 64737330a (#13870, re-applying #13810 "model: add
MLA absorption for glm4moelite", first in v0.15.0) caches the latent (kv_lora_rank + rope) instead,
as llama.cpp does.

Check: ollama/ollama#13789 (v0.14.3-rc2, glm-4.7-flash at num_ctx 8192) logged kv cache CUDA0
"800.0 MiB" and CPU "6.6 GiB": 20 heads x (256 + 256) x 2 B = 20 KiB a token and layer, 160 MiB a
layer at 8,192 tokens, 5 layers on the GPU and 42 on the CPU (47 x 160 = 7,520 MiB); the latent
would have been 423 MiB in all.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: the first release with 64737330a (git tag --contains: v0.15.0-rc0).
ABSORBED_RELEASE = (0, 15, 0)
# REFERENCE: the Go-engine models that decompressed the latent into the cache (model/models/*).
EXPANDED_MODEL_TYPES = frozenset({"glm4_moe_lite"})


def caches_expanded_heads(release: tuple[int, int, int] | None, model_type: str) -> bool:
    """Whether this Ollama release (None: the one modelled) caches full heads for this MLA model."""
    return release is not None and release < ABSORBED_RELEASE and model_type in EXPANDED_MODEL_TYPES


def expanded_layer_bytes(spec: ModelSpec, element: Fraction) -> Fraction:
    """One layer's cache per token: K (nope + rope) and V of every head, in the cache type."""
    heads = spec.num_attention_heads
    return heads * (spec.qk_nope_head_dim + spec.qk_rope_head_dim + spec.v_head_dim) * element
