"""Models Ollama's library offers only as cloud tags: `ollama run` of them downloads no weights.

Kimi-K2-Thinking ships INT4 safetensors and MiniMax-M2 FP8 safetensors; Ollama serves neither as a local
GGUF: its library pages list one tag each, `kimi-k2-thinking:cloud` (ollama.com/library/kimi-k2-thinking;
"ollama run kimi-k2-thinking:cloud" is the run command madebyagents.com/hardware/models/kimi-k2-thinking
quotes) and `minimax-m2:cloud` (ollama.com/library/minimax-m2), which run on Ollama's cloud service
(ollama/ollama docs/cloud.mdx). `--engine ollama` sized them as a Q4_K_M file no library tag has, or
refused them as "cannot run fp8/int4" (issue 15, round 5); the local route is a llama.cpp GGUF
(unsloth/Kimi-K2-Thinking-GGUF, unsloth/MiniMax-M2-GGUF), which `--engine llama.cpp` sizes.
"""

from __future__ import annotations

# Model name (the last part of a repo id, lower case) -> the one tag Ollama's library has for it.
CLOUD_ONLY: dict[str, str] = {
    "kimi-k2-thinking": "kimi-k2-thinking:cloud",
    "minimax-m2": "minimax-m2:cloud",
}


def cloud_only_tag(name: str) -> str | None:
    """The cloud tag of a model Ollama offers only in its cloud ("moonshotai/Kimi-K2-Thinking"), else None."""
    return CLOUD_ONLY.get(name.strip().rsplit("/", 1)[-1].lower())
