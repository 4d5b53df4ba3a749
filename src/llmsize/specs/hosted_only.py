"""Names of models served only through their vendor's API: no weights are published, so nothing can be sized.

A newcomer types the model they use in a chat app ("Qwen3.6-Plus", "gpt-4o", "claude-sonnet-4") and got
"its name states no size" with Qwen3.5-27B, Qwen3-0.6B for a did-you-mean (issue 15, newcomer round 18):
true, but it neither says why no size will ever be found nor which open-weight models of the same release
can be run. This module recognises the hosted lines by their vendors' own naming and says so.

REFERENCE (which names are hosted-only):
- Qwen: Alibaba Cloud Model Studio lists "Commercial" models apart from "Open-source" ones: the Qwen-Max
  series (qwen3-max, qwen-max), Qwen-Plus (qwen3.6-plus, qwen3.5-plus, qwen-plus), Qwen-Turbo (qwen-turbo)
  and the Qwen-Coder commercial models (qwen3-coder-plus); the open-source list holds sized names only
  (qwen3-30b-a3b, qwen3-next-80b-a3b-instruct, ...) (alibabacloud.com/help/en/model-studio/
  compatibility-of-openai-with-dashscope, "Supported models"). Qwen2.5-Max was announced as an API model
  (qwenlm.github.io/blog/qwen2.5-max: "available via Alibaba Cloud").
- OpenAI: gpt-oss-20b / gpt-oss-120b are its open-weight models (openai.com/index/introducing-gpt-oss:
  "our first open-weight language models since GPT-2"); GPT-3.5/4/4o/4.1/5 and the o-series are API-only.
- Anthropic's Claude and Google's Gemini publish no weights (Gemma is Google's open-weight line,
  ai.google.dev/gemma: "lightweight, state-of-the-art open models built from the same research ... used to
  create the Gemini models").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class HostedLine:
    """One vendor's API-only naming: a pattern over the name as typed, who serves it, and where to look for
    the open-weight models instead (a catalog name prefix, or fixed names)."""

    pattern: re.Pattern[str]
    vendor: str
    open_instead: str  # how the open-weight counterparts are found, said to the user


_QWEN_HOSTED = re.compile(
    r"^qwen(?P<version>\d+(?:\.\d+)?)?(?:-coder)?-(?:max|plus|turbo)(?:-(?:preview|latest|\d{4}-\d{2}-\d{2}))?$",
    re.IGNORECASE)
_LINES: tuple[HostedLine, ...] = (
    HostedLine(_QWEN_HOSTED, "Alibaba Cloud Model Studio (a commercial Qwen model)", "qwen"),
    HostedLine(re.compile(r"^(?:chat)?gpt-?(?:3\.5|4|4o|4\.1|4\.5|5)(?:[.-].*)?$|^o[134](?:-.*)?$",
                          re.IGNORECASE), "OpenAI's API", "gpt-oss-20b, gpt-oss-120b"),
    HostedLine(re.compile(r"^claude(?:[-.\s].*)?$", re.IGNORECASE), "Anthropic's API", ""),
    HostedLine(re.compile(r"^gemini(?:[-.\s].*)?$", re.IGNORECASE), "Google's Gemini API",
               "Gemma, Google's open-weight line (gemma-3-27b-it, gemma-4-31B)"),
)


def hosted_line(text: str) -> HostedLine | None:
    """The hosted line `text` names ("Qwen3.6-Plus", "openai/gpt-4o"), else None."""
    name = text.strip().rsplit("/", 1)[-1]
    return next((line for line in _LINES if line.pattern.match(name)), None)


_SIZED = re.compile(r"^qwen\d+(?:\.\d+)?-(?P<size>\d+(?:\.\d+)?)b(?:-a\d+(?:\.\d+)?b)?$", re.IGNORECASE)


def open_release_names(text: str, names: list[str]) -> list[str]:
    """For a hosted Qwen name ("Qwen3.6-Plus"), the sized catalog `names` of the same release, largest first
    ("Qwen3.6-35B-A3B", "Qwen3.6-27B"): the open-weight models that version was published as; [] for other
    names. Variants (-Base, -VL-, -Instruct-2507) are left out: the plain sizes say which sizes exist."""
    name = text.strip().rsplit("/", 1)[-1]
    found = _QWEN_HOSTED.match(name)
    if found is None or found.group("version") is None:
        return []
    prefix = f"qwen{found.group('version')}-".lower()
    sized = {n: float(m.group("size")) for n in names
             if n.lower().startswith(prefix) and (m := _SIZED.match(n)) is not None}
    return sorted(sized, key=lambda n: (-sized[n], n))


def message(text: str, line: HostedLine, open_names: list[str]) -> tuple[str, str]:
    """The error's message and hint for a hosted-only name (the open names follow as its did-you-mean)."""
    said = (f"{text!r} is served only through {line.vendor}: its weights are not published, so there is "
            "nothing to download and size")
    if open_names:
        hint = "size an open-weight model of the same release instead"
    elif line.open_instead and line.open_instead != "qwen":
        hint = f"open-weight models to size instead: {line.open_instead}"
    else:
        hint = "size an open-weight model (`llmsize models` lists the bundled ones)"
    return said, hint
