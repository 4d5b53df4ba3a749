"""Which of the weights' bytes one decode step reads, counted per tensor group in its own format.

A decode step streams every tensor its graph touches, each in the type it is stored in: dense
tensors whole, a routed expert only when some token of the batch picks it, the embedding table only
as a lookup (unless it doubles as the head), a vision tower not at all. In a mixed-precision file
the parameter share is not the byte share. llama.cpp keeps routers (ffn_gate_inp), norms and
biases in F32 and gives some tensors more bits than the file type names (src/llama-quant.cpp
`llama_tensor_get_type`: attn_v and part of ffn_down at Q6_K in a Q4_K_M file, the output head at
Q6_K), so Qwen3-Next-80B-A3B's F32 routers alone (48 layers x 512 experts x 2048 x 4 bytes = 0.2 GB)
are a tenth of the ~2.3 GB one token reads, while they are 0.06% of its parameters.
hardware/read_share.read_fraction weighs the groups by parameters; this module weighs them by their bytes
(estimate/weights.shard_bytes). Used for MoE models, where the routed experts' type and the dense
path's differ most.
"""

from __future__ import annotations

from llmsize.estimate.memo import memo
from llmsize.estimate.placement import Stage
from llmsize.estimate.weights import effective_format, shard_bytes, stage_shards
from llmsize.estimate.workload import Engine, Workload
from llmsize.specs.models import ModelSpec, QuantMethod, WeightFormat

GGUF_ENGINES = frozenset({Engine.LLAMA_CPP, Engine.OLLAMA})


def read_byte_shares(spec: ModelSpec, wl: Workload) -> tuple[float, float] | None:
    """(bytes one decode step of `wl.batch` tokens reads, routed experts' bytes), each over all bytes.

    Counted on the whole model in its weight format (uniform routing of k of E experts: a layer's
    expert is untouched by the batch with probability (1 - k/E)^batch). None when it has no bytes.
    """
    fmt, _ = effective_format(spec, wl)
    if wl.engine in GGUF_ENGINES and fmt.quant != QuantMethod.GGUF:
        # llama.cpp runs a GGUF file whatever the name says; without a GGUF type the per-tensor types
        # here are the Hugging Face checkpoint's (gpt-oss: bf16 attention and head), not the file's.
        return None
    # per spec object (estimate/memo.py), not an lru_cache: a spec read from a local checkpoint holds a
    # dict (params_by_dtype) and is unhashable, as in pydantic; `fit` of a local MoE GGUF was
    # "unhashable type: 'dict'" (issue 15, round 10)
    key = ("read byte groups", fmt, wl.tp)
    total, unread, routed = memo(spec, key, lambda: _group_bytes(spec, fmt, wl.tp))
    if total <= 0:
        return None
    untouched = (1 - spec.num_experts_per_tok / spec.num_experts) ** wl.batch if spec.num_experts else 0.0
    return max(0.0, 1 - (unread + routed * untouched) / total), routed / total


def _group_bytes(spec: ModelSpec, fmt: WeightFormat, tp: int) -> tuple[float, float, float]:
    """(all bytes, bytes no decode step reads, routed experts' bytes) of the whole model."""
    everything = Stage(0, tuple(range(spec.num_layers)), True, True)
    total = unread = routed = 0.0
    for shard in stage_shards(spec, Workload(tp=tp, num_gpus=tp), everything):
        size = shard_bytes(spec, shard, fmt)
        group = shard.group
        total += size
        # Gemma 3n / Gemma 4's per-layer table (embed_tokens_per_layer) is a lookup whatever the head.
        lookup = not spec.tie_word_embeddings or group.name == "embed_tokens_per_layer"
        if (group.kind == "embedding" and lookup) or group.name == "extra":
            # The vision tower / projector (specs/params.py 'extra') runs on images, not per text token.
            unread += size
        elif group.kind == "expert" and spec.num_experts:
            routed += size
    return total, unread, routed
