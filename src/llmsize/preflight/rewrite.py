"""Write a suggestion back as the command or config the user pastes.

Serving commands keep every word the user wrote and change only the flags a suggestion names
(whichever alias the user used is replaced in place; a new flag goes at the end); Ollama's
settings are environment variables in front of the command. Training configs come back as the
YAML lines to set. Words are quoted with shlex so the result is safe to paste.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from llmsize.preflight import serving_flags
from llmsize.preflight.setup import Setup

_GGUF_TYPE = re.compile(r"(?i)(?<![A-Za-z0-9])(I?Q\d(?:_[A-Z0-9]+)*|F16|BF16|F32|MXFP4(?:_MOE)?)(?=[.\-_]|$)")


def apply(setup: Setup, flags: dict[str, Any]) -> str:
    if setup.config is not None:
        return "\n".join(f"{key}: {_yaml_value(value)}" for key, value in flags.items())
    words = list(setup.argv)
    env: list[str] = []
    for flag, value in flags.items():
        if flag.startswith("OLLAMA_"):
            env.append(f"{flag}={value}")
        elif flag == "model":
            words = _with_quant(setup, words, str(value))
        else:
            words = _set_flag(setup.tool, words, flag, value)
    return shlex.join([*env, *words]) if env else shlex.join(words)


def _yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _aliases(tool: str, flag: str) -> tuple[str, ...]:
    if tool not in ("vllm", "llama.cpp", "sglang"):
        return (flag,)
    known = serving_flags.flag_table(tool).get(flag)
    return known.names if known is not None else (flag,)


def _set_flag(tool: str, words: list[str], flag: str, value: Any) -> list[str]:
    names = _aliases(tool, flag)
    switch = value is True
    out: list[str] = []
    replaced = False
    i = 0
    while i < len(words):
        word = words[i]
        name = word.partition("=")[0]
        if name in names and i > 0:
            if not replaced:
                out.extend([flag] if switch else [flag, str(value)])
                replaced = True
            known = (
                serving_flags.flag_table(tool).get(name) if tool in ("vllm", "llama.cpp", "sglang") else None
            )
            takes_value = "=" not in word and (known is None or known.parse is not None)
            i += 2 if takes_value else 1
            continue
        out.append(word)
        i += 1
    if not replaced:
        out.extend([flag] if switch else [flag, str(value)])
    return out


def _with_quant(setup: Setup, words: list[str], quant: str) -> list[str]:
    """The same model in another GGUF type: the -hf repo:quant, the file name, or the Ollama tag."""
    model = setup.model
    if setup.tool == "ollama":
        base = model.split(":")[0]
        size = model.split(":")[1].split("-")[0] if ":" in model else "latest"
        new = f"{base}:{size}-{quant.lower() if quant.startswith('Q') else quant}"
        new = new.replace("q4_k_m", "q4_K_M")
    elif _GGUF_TYPE.search(model):
        new = _GGUF_TYPE.sub(quant, model, count=1)
    elif setup.get("hf_repo"):
        new = f"{model.split(':')[0]}:{quant}"
    else:
        return words
    return [new if w == model else w for w in words]
