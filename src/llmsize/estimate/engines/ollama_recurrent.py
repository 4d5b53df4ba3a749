"""How many copies of a sequence's recurrent state Ollama's Go engine allocates (before v0.30).

Ollama's Go engine keeps, for every Mamba / Gated-DeltaNet / short-conv layer, the live conv and
recurrent state of each sequence plus a ring of *checkpoints* of that state, so that a prompt sharing a
prefix can resume from the nearest saved position instead of recomputing it. The checkpoints are
allocated up front: during the reserve pass (`StartForward(..., reserve=true)` sets
`reserveCheckpoints`), `captureConvCheckpoint` / `captureRecurrentCheckpoint` call
`reserveCheckpointConv` / `reserveCheckpointRecurrent`, which create every entry of every slot's store
(`ensureCheckpointConv` / `ensureCheckpointRecurrent`: f32 tensors of convDim x convChannels and of
recurrentStateSize, the live state's shapes). So each layer holds (1 + checkpoints) x maxSequences
states, f32 whatever OLLAMA_KV_CACHE_TYPE says, and Ollama's `msg="kv cache"` line counts them.

REFERENCE (ollama/ollama, read in the mirror):
- v0.15.5 to v0.17.0: model/models/qwen3next/checkpoints.go `checkpointCountDefault = 32`, qwen3next's
  own HybridCache (the only Go model with a recurrent cache that kept checkpoints; lfm2's cache of
  those releases keeps none).
- v0.17.1 (da70c3222, "model: support for qwen3.5 architecture") to v0.29: kvcache/recurrent.go
  `DefaultCheckpointCount = 24`, set by `NewRecurrentCache`, which model/models/lfm2, nemotronh and
  qwen3next (registered for qwen3next, qwen35, qwen35moe) build their caches from.
- v0.30 (9db4bdbad) removed the Go engine: llama-server's llama_memory_recurrent keeps one state a
  sequence (LlamaCpp.state_bytes).
Check: qwen3-coder-next (Qwen3-Next, 36 delta-net + 12 attention layers) on Ollama v0.20 at num_ctx
32,768 with 20 layers on the GPU printed `msg="kv cache" device=CUDA0 size="955.2 MiB"` (q8_0 KV) and
"875.2 MiB" (q4_0): 5 attention layers' cells (170 / 90 MiB) plus 15 delta-net layers x 25 states x
(3 x 8,192 + 32 x 128 x 128) x 4 B = 785.2 MiB in both (tests/golden/engine_logs.yaml).
"""

from __future__ import annotations

from llmsize.estimate.engines.ollama_sampling import runs_go_engine

# REFERENCE: ollama/ollama model/models/qwen3next/checkpoints.go (v0.15.5-v0.17.0) checkpointCountDefault.
QWEN3NEXT_CHECKPOINTS_V015 = 32
# REFERENCE: ollama/ollama kvcache/recurrent.go (v0.17.1-v0.29) DefaultCheckpointCount.
RECURRENT_CHECKPOINTS = 24
SHARED_CACHE_RELEASE = (0, 17, 1)
# Hugging Face model types whose Go model builds kvcache.NewRecurrentCache from v0.17.1 (lfm2 registers
# lfm2moe; qwen3next registers qwen35 / qwen35moe).
SHARED_CACHE_MODEL_TYPES = frozenset({
    "lfm2", "lfm2_moe", "nemotron_h", "qwen3_next",
    "qwen3_5", "qwen3_5_text", "qwen3_5_moe", "qwen3_5_moe_text",
})  # fmt: skip


def state_copies(release: tuple[int, int, int] | None, model_type: str) -> int:
    """States a sequence holds per recurrent layer: the live one and the checkpoints, on the Go engine."""
    if not runs_go_engine(release, model_type):
        return 1
    assert release is not None  # runs_go_engine is False without a release
    if release >= SHARED_CACHE_RELEASE:
        return 1 + RECURRENT_CHECKPOINTS if model_type in SHARED_CACHE_MODEL_TYPES else 1
    return 1 + QWEN3NEXT_CHECKPOINTS_V015 if model_type == "qwen3_next" else 1
