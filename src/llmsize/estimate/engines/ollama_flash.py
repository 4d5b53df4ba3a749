"""Whether Ollama runs flash attention when OLLAMA_FLASH_ATTENTION is not set, by release and architecture.

Flash attention changes a prompt's speed under llama.cpp's kernels: without it every ubatch writes its
F32 attention scores and reads them back (llama_cpp_scores.py), which grows with the prompt squared.
Ollama's default moved three times (ollama/ollama):
- before v0.12.4: off (envconfig/config.go `FlashAttention = Bool("OLLAMA_FLASH_ATTENTION")`, false
  unless set), except gpt-oss from v0.11.8: commit 85ccf7354 ("gptoss: enable flash attention by default",
  #11996, first tagged v0.11.8) added fs/ggml/ggml.go `GGML.FlashAttention` (`"gptoss", "gpt-oss"`), and
  v0.11.8's llm/server.go NewLlamaServer sets `fa = true` when it holds ("model wants flash attention"),
  whatever the variable says, unless a GPU or the model cannot (FlashAttentionSupported,
  SupportsFlashAttention);
- v0.12.4 to v0.29: on for the architectures the model's GGUF names in fs/ggml/ggml.go
  `GGML.FlashAttention` (v0.12.4: gpt-oss, qwen3, qwen3moe; the list grew with later releases, v0.24.0
  below), off for the others (llm/server.go: `envconfig.FlashAttention(f.FlashAttention())`), except
  that from v0.13.4 a model the llama runner runs (not the Go engine, ollama_sampling.runs_go_engine)
  gets llama.cpp's auto when the variable is unset: commit bd6c1d6b4 ("flash attn: add auto mode for
  llama engine", #13052, first tagged v0.13.4), llm/server.go NewLlamaServer `flashAttention :=
  ml.FlashAttentionAuto` unless the user set it;
- v0.30 and later: `--flash-attn auto` (llm/llama_server.go appendFlashAttentionArgs), i.e. on wherever
  the backend supports it, as llama.cpp's engine module assumes.

Where the default is off the memory follows it too (served_flash): the compute buffer holds the F32
scores (llama_cpp_buffers.py), and a quantized OLLAMA_KV_CACHE_TYPE is dropped, the cache staying f16
(v0.11.4 llm/server.go NewLlamaServer passes `--kv-cache-type` only inside `if fa`); the llama runner's
auto of v0.13.4-v0.29 drops it too ("OLLAMA_FLASH_ATTENTION must be enabled to use a quantized
OLLAMA_KV_CACHE_TYPE").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines.ollama_sampling import runs_go_engine
from llmsize.estimate.workload import FlashAttn

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload

# REFERENCE: ollama/ollama v0.12.4 envconfig/config.go: `BoolWithDefault("OLLAMA_FLASH_ATTENTION")`.
PER_MODEL_DEFAULT_RELEASE = (0, 12, 4)
# REFERENCE: ollama/ollama 85ccf7354 (#11996, first in v0.11.8): v0.11.8's llm/server.go turns flash
# attention on for the architectures fs/ggml/ggml.go GGML.FlashAttention lists: gptoss only, until v0.12.4.
GPTOSS_ON_RELEASE = (0, 11, 8)
GPTOSS_MODEL_TYPES: frozenset[str] = frozenset({"gpt_oss"})
# REFERENCE: ollama/ollama commit 9db4bdbad (v0.30.0): llama-server with `--flash-attn auto`.
AUTO_RELEASE = (0, 30, 0)
# REFERENCE: ollama/ollama commit bd6c1d6b4 (#13052, first in v0.13.4): the llama runner's unset FA is auto.
LLAMA_RUNNER_AUTO_RELEASE = (0, 13, 4)
# REFERENCE: ollama/ollama v0.24.0 fs/ggml/ggml.go GGML.FlashAttention (GGUF general.architecture), as
# the Hugging Face model_type llmsize's specs carry for those architectures.
PER_MODEL_ON: frozenset[str] = frozenset(
    {
        "gemma3",
        "gemma3_text",
        "gemma4",
        "gemma4_text",
        "glm4_moe_lite",
        "gpt_oss",
        "lfm2",
        "lfm2_moe",
        "mistral3",
        "nemotron_h",
        "olmo3",
        "qwen3",
        "qwen3_moe",
        "qwen3_5",
        "qwen3_5_moe",
        "qwen3_vl",
        "qwen3_vl_moe",
    }
)
# v0.12.4's own list: gpt-oss, qwen3, qwen3moe (qwen3vl and gemma3 joined in v0.13.0).
FIRST_PER_MODEL_ON: frozenset[str] = frozenset({"gpt_oss", "qwen3", "qwen3_moe"})
LIST_GREW_RELEASE = (0, 13, 0)


def default_flash_attention(release: tuple[int, int, int] | None, model_type: str) -> bool:
    """Ollama's flash-attention default for this release (None: the one modelled, v0.30+) and model."""
    if release is None or release >= AUTO_RELEASE or _llama_runner_auto(release, model_type):
        return True
    if release < PER_MODEL_DEFAULT_RELEASE:
        return release >= GPTOSS_ON_RELEASE and model_type in GPTOSS_MODEL_TYPES
    listed = PER_MODEL_ON if release >= LIST_GREW_RELEASE else FIRST_PER_MODEL_ON
    return model_type in listed


def served_flash(wl: Workload, release: tuple[int, int, int] | None, model_type: str) -> Workload:
    """`wl` with flash attention off where OLLAMA_FLASH_ATTENTION (--flash-attn) is unset and this release
    leaves it off for the architecture, and then without a quantized KV type, which that release ignores
    (module docstring); otherwise `wl` as given."""
    if wl.flash_attn is not FlashAttn.AUTO or release is None or release >= AUTO_RELEASE:
        return wl
    update: dict[str, object] = {}
    on = default_flash_attention(release, model_type)
    if not on:
        update["flash_attn"] = FlashAttn.OFF
    quantized = wl.kv_dtype is not None and str(wl.kv_dtype) in ("q8_0", "q4_0")
    if quantized and (not on or _llama_runner_auto(release, model_type)):
        update["kv_dtype"] = None
    return wl.model_copy(update=update) if update else wl


def _llama_runner_auto(release: tuple[int, int, int], model_type: str) -> bool:
    """v0.13.4-v0.29: a model on the llama runner gets llama.cpp's auto when the variable is unset."""
    return LLAMA_RUNNER_AUTO_RELEASE <= release < AUTO_RELEASE and not runs_go_engine(release, model_type)
