"""How Ollama's Go engine decoded a token through a Gated DeltaNet block (Qwen3-Next, Qwen3.5) before v0.30.

Before v0.30 Ollama ran the architectures its `KV.OllamaEngineRequired` lists on its Go engine
(runner/ollamarunner; ollama_sampling.GO_ENGINE_MODEL_TYPES): fs/ggml/ggml.go of 2026 lists "qwen35",
"qwen35moe" and "qwen3next", whose Go model is model/models/qwen3next. Its delta rule is built from ggml
primitives, op by op, not llama.cpp's fused GATED_DELTA_NET (llama_cpp_gdn.py). At one token
(`GatedDeltaNet.deltaNetAutoregressive`, deltanet.go, read at commit 03867a3b) the graph launches, after
the views (Reshape, Permute) that launch nothing:
- L2Norm q, L2Norm k, Scale q, Sigmoid beta, Exp gate (5 small nodes);
- state * exp(g) (a state-sized product: read, write), state * k (read, write), Contiguous of its
  permute (read, write), SumRows (read) for kv_mem;
- Sub and Mul for delta (small); Repeat4D of k to the state's shape (write), that * delta (read, write),
  state + it (read two, write one);
- state * q (read, write), Contiguous of its permute (read, write), SumRows (read) for the output;
- the copy of the new state into the cache (cache.UpdateDeltaState: read, write).
18 nodes where the fused op is one, and 20 passes over the recurrent state (S_v x S_v x H_v floats)
where the fused op makes 4 and llama.cpp's own unfused era 16 (llama_cpp.GDN_UNFUSED_SPEED). The mixer's
other Contiguous copies (q, k, v after the convolution, the gate and z before the norm) are not counted:
activation-sized, a lower bound. Counted from the source; nothing fitted.
"""

from __future__ import annotations

# REFERENCE: the tally above (ollama/ollama model/models/qwen3next/deltanet.go deltaNetAutoregressive).
GO_GDN_NODES = 18
GO_GDN_EXTRA_NODES = GO_GDN_NODES - 1  # beyond the fused GATED_DELTA_NET op's one node
GO_GDN_STATE_TRAFFIC = 20.0
# REFERENCE: ollama/ollama fs/ggml/ggml.go KV.OllamaEngineRequired (2026): "qwen35", "qwen35moe",
# "qwen3next", as Hugging Face model types (the catalog's text-only twins included).
GO_GDN_MODEL_TYPES = frozenset(
    {"qwen3_next", "qwen3_5", "qwen3_5_text", "qwen3_5_moe", "qwen3_5_moe_text"})
