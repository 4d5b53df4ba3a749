"""`--help`'s example commands as a shell reads them: wrapped with ` \\` continuations, never mid-command.

click rewraps every help paragraph to the terminal (click/formatting.py wrap_text), so at 80 columns
`llmsize fit Qwen3-8B --gpu 4090 --prompt-tokens 500 --output-tokens 400 --turns 50` printed its last
flag on a line of its own, which a copy and paste runs as a second command (issue 15, visual audit).
A paragraph that is an example (its first word `llmsize`) is laid out here instead and marked with
click's no-rewrap marker (`\\b`): its words in order, broken between words with a trailing backslash,
the continuation lines indented; a note in parentheses after a run of spaces goes on a line below as
a shell comment.
"""

from __future__ import annotations

import re

_NOTE = re.compile(r"^(?P<command>.*?\S)\s{2,}(?P<note>\(.*\))$")


def example_lines(line: str, width: int) -> list[str]:
    """One example command within `width` columns: its words, a ` \\` ending each line but the last."""
    found = _NOTE.match(line.strip())
    command, note = (found["command"], found["note"]) if found else (line.strip(), None)
    if note is not None and len(command) + 2 + len(note) <= width:
        return [f"{command}  {note}"]
    lines: list[str] = []
    current = ""
    for word in command.split():
        indent = "" if not lines else "    "
        candidate = f"{current} {word}" if current else indent + word
        if current and len(candidate) + 2 > width:  # room for " \"
            lines.append(current + " \\")
            current = "    " + word
        else:
            current = candidate
    lines.append(current)
    if note is not None:
        lines.append("# " + note[1:-1])
    return lines


def shell_examples(text: str, width: int) -> str:
    """`text` (a command's cleaned docstring) with each example paragraph laid out by example_lines and
    marked for click to print as it is; other paragraphs untouched."""
    out = []
    for paragraph in text.split("\n\n"):
        stripped = paragraph.strip()
        if stripped.startswith("llmsize ") and "\n" not in stripped:
            indent = len(paragraph) - len(paragraph.lstrip(" \n"))
            lines = example_lines(stripped, max(20, width - indent))
            out.append(" " * indent + "\b\n" + "\n".join(lines))
        else:
            out.append(paragraph)
    return "\n\n".join(out)
