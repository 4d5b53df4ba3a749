"""A comma-separated list typed where one model goes: `--gpus` takes `H100,L40S`, so a newcomer types
`llmsize compare Qwen3.5-9B,gemma-4-E4B-it --gpu RTX-4090` too.

No model reference holds a comma: a Hugging Face repo id is letters, digits, `-`, `_` and `.`
(huggingface_hub `utils/_validators.py` REPO_ID_REGEX), an Ollama tag is lower-case letters, digits,
`.`, `-`, `_` and one `:` (ollama `types/model/name.go`), a GGUF file name follows the same
convention (ggml `docs/gguf.md`, "GGUF Naming Convention"). Read as one name, such a list became an
approximated "20B" model from its last part with four "name part not understood" warnings and exit 0
(issue 15, newcomer round 10). A path that exists is never split (it may hold a comma).
"""

from __future__ import annotations

import shlex


def model_list(text: str) -> list[str] | None:
    """The names of a comma-separated list of two or more, else None (one name, or an empty part)."""
    if "," not in text:
        return None
    parts = [part.strip() for part in text.split(",")]
    named = [p for p in parts if p]
    return named if len(named) > 1 else None


def compare_hint(names: list[str]) -> str:
    """Where a list of models goes: `compare` takes them as separate arguments (its first three here)."""
    from llmsize.errors import one_line

    shown = [shlex.quote(one_line(n, 40)) for n in names[:3]]
    return (f"size each alone with llmsize estimate {shown[0]}, or side by side with "
            f"llmsize compare {' '.join(shown)} --gpu GPU")
