"""CPU time Ollama's default sampler adds to every generated token: the repeat-penalty scan of the vocabulary.

llama.cpp's speed constants come from llama-bench, which samples nothing. Ollama samples every token
with its defaults (api/types.go DefaultOptions: temperature 0.8, top_k 40, top_p 0.9, repeat_last_n 64,
repeat_penalty 1.1), and whenever a penalty is set llama.cpp's penalties sampler (src/llama-sampling.cpp
`llama_sampler_penalties_apply`) probes its token-count map once for every candidate of the whole
vocabulary, on the CPU, after the step's logits arrive and before the next step can start. The cost
grows with the vocabulary, not the penalty window (ggml-org/llama.cpp#18556; PR #10803 "the penalties
can be quite expensive to apply on full vocabulary"). Which runs pay it:
- releases before v0.32.10 put repeat_penalty 1.1 on every model whose own parameters leave it unset;
  commit 6a261db7d (v0.32.10, "api: stop applying repeat_penalty 1.1 to models that don't set one")
  made the default 1.0. Library models that pin a penalty keep it: qwen3-coder 1.05, and qwen3.5 its
  presence_penalty 1.5; qwen3 and qwen3.6 pin 1.0 (the same commit message lists them);
- the llama.cpp runners only (the llama runner before v0.30, llama-server from v0.30): Ollama's own Go
  engine (v0.6-v0.29, for the architectures `KV.OllamaEngineRequired` lists) sampled without token
  history (commit 86513cb69 added it in March 2026 and was reverted, 54e05172a).
"""

from __future__ import annotations

# REFERENCE: unsloth/llama.cpp#95 (2026-08): indexing the penalties by token id instead of probing every
# candidate took Qwen3.6-27B (248,320-token vocabulary, presence_penalty 1.5) from 130.29 to 146.66 t/s on
# llama-server: 1/130.29 - 1/146.66 = 0.857 ms a token, 3.45 ns a candidate.
PENALTY_PROBE_S = (1 / 130.29 - 1 / 146.66) / 248_320
# REFERENCE: ollama/ollama 6a261db7d (2026-08-11), first in v0.32.10: the default repeat_penalty is 1.0.
PENALTY_DEFAULT_OFF_RELEASE = (0, 32, 10)
# REFERENCE: the same commit: libraries whose parameters pin repeat_penalty 1.0 (no scan) or a penalty of
# their own (a scan whatever the release).
PINNED_OFF = frozenset({"qwen3", "qwen3.6"})
PINNED_ON = frozenset({"qwen3-coder", "qwen3.5"})
# REFERENCE: ollama/ollama v0.12.6 fs/ggml/ggml.go KV.OllamaEngineRequired, as Hugging Face model types:
# architectures Ollama's Go engine ran (with its Go sampler) before v0.30.
GO_ENGINE_MODEL_TYPES = frozenset(
    {
        "gemma3",
        "gemma3_text",
        "gemma3n",
        "mistral3",
        "qwen3",
        "qwen3_moe",
        "llama4",
        "mllama",
        "qwen2_5_vl",
        "gpt_oss",
    }
)
GO_ENGINE_RELEASES = ((0, 6, 0), (0, 30, 0))


def penalty_scan(release: tuple[int, int, int] | None, library: str, model_type: str) -> bool:
    """Whether Ollama's default sampling runs llama.cpp's penalties sampler for this model and release."""
    go_engine = release is not None and GO_ENGINE_RELEASES[0] <= release < GO_ENGINE_RELEASES[1]
    if go_engine and model_type in GO_ENGINE_MODEL_TYPES:
        return False  # the Go sampler applied no token-history penalties
    if library in PINNED_ON:
        return True
    if library in PINNED_OFF:
        return False
    return release is not None and release < PENALTY_DEFAULT_OFF_RELEASE


def sampling_seconds(
    release: tuple[int, int, int] | None, library: str, model_type: str, vocab: int
) -> float:
    """CPU seconds a generated token spends in the penalty scan (0 when no penalty applies)."""
    return vocab * PENALTY_PROBE_S if penalty_scan(release, library, model_type) else 0.0
