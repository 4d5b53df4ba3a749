"""A launch command pasted where a model name goes: `ollama run gpt-oss:20b`, `vllm serve Qwen/Qwen3-8B`.

People copy the line from a model card. `llmsize estimate "ollama run gpt-oss:20b"` read "ollama" as a model
family and sized a dense 20B Llama (40 GiB where the tag is a 14 GB MXFP4 file); `"vllm serve Qwen/Qwen3-8B"`
sized the model under transformers, not vLLM (issue 15, round 3). Such a line is refused with the two ways
that answer it: `llmsize check -- <command>` (the engine, flags and defaults the command states) or the
model alone.
"""

from __future__ import annotations

import itertools
import shlex

# the executables `llmsize check` parses (preflight/launch.py), and the model each names
_TOOLS = ("ollama", "vllm", "llama-server", "llama-cli", "sglang", "python", "python3", "trtllm-serve")
_MODEL_FLAGS = ("-hf", "-hfr", "--hf-repo", "-m", "--model", "--model-path")


_SUBCOMMANDS = ("run", "pull", "serve", "show")


def launch_model(text: str) -> tuple[bool, str | None] | None:
    """(whether `llmsize check` reads it, the model it names or None) for a launch command, else None."""
    words = text.split()
    tool = words[0].lower() if words else ""
    if len(words) < 2 or tool not in _TOOLS:
        return None
    if tool.startswith("python") and not any("sglang" in w or "vllm" in w for w in words):
        return None
    if tool == "ollama" and words[1] not in _SUBCOMMANDS:  # "ollama qwen3:8b": not a command ollama runs
        return False, words[-1]
    model = words[2] if tool in ("ollama", "vllm") and len(words) > 2 and words[1] in _SUBCOMMANDS else None
    for flag, value in itertools.pairwise(words):
        if flag in _MODEL_FLAGS:
            model = value
    return True, model


def refusal(text: str) -> tuple[str, str] | None:
    """The one-line message and hint for a pasted launch command, else None."""
    found = launch_model(text)
    if found is None:
        return None
    checkable, model = found
    hints = [f"`llmsize check -- {text}` sizes it as that engine runs it"] if checkable else []
    if model:
        hints.append(f"pass the model alone: llmsize estimate {shlex.quote(model)}")
    return f"{text!r} is a launch command, not a model name", "; or ".join(hints) or "pass the model alone"
