"""The compute graph Ollama's own memory estimator reserves (releases before v0.30).

Before the llama-server runner, Ollama placed layers with llm/memory.go EstimateGPULayers, which asks
fs/ggml/ggml.go GGML.GraphSize for a partial- and a full-offload graph. GraphSize has a case for a
fixed list of GGUF architectures only (v0.6.8 to v0.12: llama/llama4, mllama, gemma/gemma2/gemma3
(gemma3n from v0.11), command-r, qwen2, phi2, stablelm, deepseek2, chatglm; gptoss from v0.11,
ollama_offload.own_estimator_gptoss_graph_bytes); for any other it returns 0 for both, and
EstimateGPULayers then takes `f.KV().GQA() * kvTotal / 6` for both (llm/memory.go, v0.9.0 lines
153-158): query heads / KV heads times the whole f16 (or q8_0 / q4_0) cache Ollama's own formula gives
(GraphSize's kv: NumCtx x numParallel cells x (key + value length) x KV heads, per layer, unpadded).

Checks, all held out (logged memory.graph.full / partial):
- qwen3:30b-a3b Q4_K_M, --ctx-size 76000 (num_ctx 38,000 x 2), v0.9.0: 8 x 6.96 GiB / 6 = 9.28 GiB,
  logged "9.3 GiB" (ollama/ollama#10458);
- qwen3:235b at num_ctx 4096, v0.7: 16 x 752 MiB / 6 = 1.96 GiB, logged "2.0 GiB" (#10810);
- mistral-small3.1:24b at num_ctx 131072, May 2025: 4 x 20 GiB / 6 = 13.3 GiB, logged "13.3 GiB" (#10615).
The architectures with a case are named below by the Hugging Face model types that convert to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: fs/ggml/ggml.go GraphSize `switch f.KV().Architecture()` (v0.6.8, v0.9.0, v0.11.4, v0.12.0),
# GGUF names mapped to the model types convert_hf_to_gguf gives them (mistral and mixtral convert to llama,
# cohere to command-r, phi to phi2, deepseek_v2/v3 to deepseek2).
GRAPHSIZE_MODEL_TYPES = frozenset({
    "llama", "mistral", "mixtral", "llama4", "llama4_text", "mllama", "gemma", "gemma2", "gemma3",
    "gemma3_text", "gemma3n", "gemma3n_text", "cohere", "qwen2", "phi", "stablelm", "deepseek_v2",
    "deepseek_v3", "chatglm", "gpt_oss",
})  # fmt: skip
# REFERENCE: fs/ggml/ggml.go kvCacheBytesPerElement: q8_0 1 byte, q4_0 half a byte, otherwise f16's 2.
KV_ELEMENT_BYTES = {"q8_0": 1.0, "q4_0": 0.5}


def has_graph_case(model_type: str) -> bool:
    """Whether GraphSize has this architecture's own formula (else the GQA fallback applies)."""
    return model_type in GRAPHSIZE_MODEL_TYPES


def kv_total_bytes(spec: ModelSpec, cells: int, kv_dtype: str | None) -> int:
    """GraphSize's kvTotal: every layer's cache at `cells` (NumCtx x numParallel), unpadded."""
    element = KV_ELEMENT_BYTES.get(str(kv_dtype or ""), 2.0)
    per_layer = cells * 2 * spec.head_dim * spec.num_kv_heads
    return int(spec.num_layers * per_layer * element)


def fallback_graph_bytes(spec: ModelSpec, cells: int, kv_dtype: str | None) -> int:
    """llm/memory.go's graph for an architecture GraphSize has no case for: GQA x kvTotal / 6 (integer
    arithmetic, as Go's uint64)."""
    gqa = spec.num_attention_heads // max(1, spec.num_kv_heads)
    return gqa * kv_total_bytes(spec, cells, kv_dtype) // 6
