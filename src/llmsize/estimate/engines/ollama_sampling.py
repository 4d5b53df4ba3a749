"""CPU time Ollama's default sampler adds to every generated token: top-k and the repeat-penalty scan.

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
Every release also picks top_k 40 (DefaultOptions TopK; library models may pin another k) out of the whole
vocabulary each token before top_p / temperature see the 40: llama.cpp's chain (common/sampling.cpp
common_sampler_sample fills one candidate per vocabulary entry, then src/llama-sampling.cpp
llama_sampler_top_k_impl partial-sorts them), and Ollama's Go sampler likewise (sample/samplers.go
Sampler.Sample builds a token per logit, sample/transforms.go topK keeps a 40-entry heap over all of
them). llama-bench samples nothing, so the pass is not in llama.cpp's constants either. Counted for the
releases before v0.30, whose samplers were read (the vendored common/sampling.cpp, e.g. v0.5.7's, and the
Go sampler of v0.6-v0.29); the llama-server of v0.30 on is not counted (its 2026 sampler was not read).
"""

from __future__ import annotations

# REFERENCE: unsloth/llama.cpp#95 (2026-08): indexing the penalties by token id instead of probing every
# candidate took Qwen3.6-27B (248,320-token vocabulary, presence_penalty 1.5) from 130.29 to 146.66 t/s on
# llama-server: 1/130.29 - 1/146.66 = 0.857 ms a token, 3.45 ns a candidate.
PENALTY_PROBE_S = (1 / 130.29 - 1 / 146.66) / 248_320
# REFERENCE: ggml-org/llama.cpp#34 (comment of 2024-12-15): llama-cli with Llama-3.2-1B-Instruct Q4_K_M on
# an i5-13400F, "sampling time = 8.69 ms / 137 runs": llama-cli's default chain (repeat penalty 1.0, so its
# penalties stage returns at once; top_k 40 over the 128,256 candidates; top_p / min_p / temperature /
# dist on the 40), 0.49 ns a candidate.
TOP_K_PASS_S = 8.69e-3 / 137 / 128_256
# REFERENCE: ollama/ollama 6a261db7d (2026-08-11), first in v0.32.10: the default repeat_penalty is 1.0.
PENALTY_DEFAULT_OFF_RELEASE = (0, 32, 10)
# REFERENCE: the same commit: libraries whose parameters pin repeat_penalty 1.0 (no scan) or a penalty of
# their own (a scan whatever the release).
PINNED_OFF = frozenset({"qwen3", "qwen3.6"})
PINNED_ON = frozenset({"qwen3-coder", "qwen3.5"})
# REFERENCE: ollama/ollama fs/ggml/ggml.go KV.OllamaEngineRequired, which llm/server.go NewLlamaServer
# consults to start the Go runner (`envconfig.NewEngine() || f.KV().OllamaEngineRequired()`); each
# architecture with the commit that added it (`git log -S '"<arch>"' -- fs/ggml/ggml.go`) and the first
# release tag whose ggml.go lists it (`git show <tag>:fs/ggml/ggml.go`; the tag before lacks it). Before
# that release the architecture ran on the vendored llama.cpp runner and its sampler. GGUF architecture
# names are mapped to the Hugging Face model types of the checkpoints they convert.
GO_ENGINE_FIRST = {
    "gemma3": (0, 6, 0), "gemma3_text": (0, 6, 0),  # 5f74d1fd4 "gemma2 impl" (the list is `== "gemma3"`)
    "mistral3": (0, 6, 5),  # 6bd0a983c "model: support for mistral-small in the ollama runner"
    "llama4": (0, 6, 7),  # f0c66e6de "llama4"
    "mllama": (0, 7, 0),  # 23125648b "chore: update mllama to use ollama engine (#10637)"
    "qwen2_5_vl": (0, 7, 0),  # "qwen25vl" (0aa8b371d, #10385)
    "gemma3n": (0, 9, 3),  # 3944602f5 "fs/ggml: add missing architecture to OllamaEngineRequired() (#11206)"
    "gpt_oss": (0, 11, 0),  # "gptoss" (fa7776fd2, #11672; v0.11.0's ggml.go already lists it)
    "qwen3": (0, 12, 0),  # a417ac97e "prefer ollama engine for qwen3 (#12310)"
    "qwen3_moe": (0, 12, 2),  # "qwen3moe" (2e742544b "prefer ollama engine for qwen3moe (#12374)")
}  # fmt: skip
# Every architecture v0.12.6's list holds (the releases before v0.12.7 add nothing after qwen3moe).
GO_ENGINE_MODEL_TYPES = frozenset(GO_ENGINE_FIRST)
GO_ENGINE_RELEASES = ((0, 6, 0), (0, 30, 0))
# REFERENCE: the same list's entries from v0.12.7 on, each with the first release tag whose ggml.go holds it
# (`git log -S '"<arch>",' -- fs/ggml/ggml.go`, then `git describe --contains`, ollama/ollama history):
# before its release the architecture ran on the vendored llama.cpp runner. GGUF architecture names
# are mapped to the Hugging Face model types of the checkpoints they convert.
GO_ENGINE_LATER = {
    "qwen3_vl": (0, 12, 7), "qwen3_vl_moe": (0, 12, 7),  # "qwen3vl", "qwen3vlmoe" (7d25b9e19)
    "qwen3_vl_text": (0, 12, 7), "qwen3_vl_moe_text": (0, 12, 7),
    "deepseek_v2": (0, 13, 0), "deepseek_v3": (0, 13, 0), "kimi_k2": (0, 13, 0),  # "deepseek2" (604e43b28)
    "olmo3": (0, 13, 4),  # ffbe8e076
    "glm4_moe_lite": (0, 14, 3),  # "glm4moelite" (4f138a174)
    "lfm2": (0, 14, 3),  # 01cf7445f
    "qwen3_next": (0, 15, 5),  # "qwen3next" (77eb2ca61)
    "nemotron_h": (0, 17, 1),  # 0ade9205c
    "lfm2_moe": (0, 17, 1),  # "lfm2moe" (4b2ac1f36)
    "qwen3_5": (0, 17, 1), "qwen3_5_text": (0, 17, 1),  # "qwen35", "qwen35moe" (da70c3222)
    "qwen3_5_moe": (0, 17, 1), "qwen3_5_moe_text": (0, 17, 1),
    "gemma4": (0, 20, 0), "gemma4_text": (0, 20, 0),  # 96b202d34
}  # fmt: skip


def library_of(name: str) -> str:
    """The Ollama library of a tag ("gpt-oss:20b" -> "gpt-oss"); "" for a name that is not a tag."""
    return name.split(":", 1)[0].lower() if ":" in name else ""


def runs_go_engine(release: tuple[int, int, int] | None, model_type: str) -> bool:
    """Whether this release ran the model on Ollama's own Go engine (runner/ollamarunner) and its sampler."""
    if release is None or not GO_ENGINE_RELEASES[0] <= release < GO_ENGINE_RELEASES[1]:
        return False
    first = GO_ENGINE_FIRST.get(model_type) or GO_ENGINE_LATER.get(model_type)
    return first is not None and release >= first


def penalty_scan(release: tuple[int, int, int] | None, library: str, model_type: str) -> bool:
    """Whether Ollama's default sampling runs llama.cpp's penalties sampler for this model and release."""
    if runs_go_engine(release, model_type):
        return False  # the Go sampler applied no token-history penalties
    if library in PINNED_ON:
        return True
    if library in PINNED_OFF:
        return False
    return release is not None and release < PENALTY_DEFAULT_OFF_RELEASE


def sampling_seconds(
    release: tuple[int, int, int] | None, library: str, model_type: str, vocab: int
) -> float:
    """CPU seconds a generated token spends choosing its top-k and, where a penalty applies, in the scan."""
    penalty = vocab * PENALTY_PROBE_S if penalty_scan(release, library, model_type) else 0.0
    own_runner = release is not None and release < GO_ENGINE_RELEASES[1]  # before llama-server (v0.30)
    return (vocab * TOP_K_PASS_S if own_runner else 0.0) + penalty


def sampling_note(release: tuple[int, int, int] | None, library: str, model_type: str) -> str:
    """What the sampler sampling_seconds prices does each token, in words (empty where it prices nothing)."""
    own_runner = release is not None and release < GO_ENGINE_RELEASES[1]
    top_k = "picks its top 40 out of every vocabulary entry" if own_runner else ""
    if runs_go_engine(release, model_type):
        return f"Ollama's Go sampler {top_k} (no repeat penalty: it keeps no token history)"
    if not penalty_scan(release, library, model_type):
        return f"Ollama's sampler {top_k}" if top_k else ""
    why = (f"the {library} library pins a penalty" if library in PINNED_ON
           else "Ollama's default repeat_penalty 1.1 before v0.32.10")
    scan = f"llama.cpp's penalties sampler probes every vocabulary entry ({why})"
    return f"Ollama's sampler {top_k}, and {scan}" if top_k else f"Ollama's sampler: {scan}"
