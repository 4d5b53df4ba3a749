"""Render a ParsedName (`llmsize parse`) as a rich table, JSON, YAML or CSV on stdout."""

from __future__ import annotations

import json
import sys

from llmsize.names import ParsedName

# Rows of the human table, in the order of the naming convention.
_HUMAN_ROWS: tuple[tuple[str, str], ...] = (
    ("org", "org"),
    ("series", "series"),
    ("version", "version"),
    ("variant", "variant"),
    ("size", "size_label"),
    ("params", "params"),
    ("active params", "active_params"),
    ("experts", "experts"),
    ("training type", "training_type"),
    ("quant method", "quant_method"),
    ("bits", "bits"),
    ("GGUF type", "gguf_type"),
    ("dtype", "dtype"),
    ("QAT", "qat"),
    ("context", "context"),
    ("base model", "base_model"),
    ("date", "date"),
    ("Ollama tag", "ollama_tag"),
    ("revision", "revision"),
    ("not understood", "extra"),
)


def render_parsed(parsed: ParsedName, fmt: str) -> None:
    """Write `parsed` to stdout in `fmt` (human, json, yaml or csv)."""
    if fmt == "human":
        _render_human(parsed)
    elif fmt == "json":
        sys.stdout.write(json.dumps(parsed.contract_dict(), ensure_ascii=False) + "\n")
    elif fmt == "yaml":
        import yaml

        sys.stdout.write(yaml.safe_dump(parsed.contract_dict(), sort_keys=False, allow_unicode=True))
    elif fmt == "csv":
        _render_csv(parsed)
    else:
        raise ValueError(f"unknown format {fmt!r}")  # the CLI's enum rules this out


def _render_csv(parsed: ParsedName) -> None:
    from llmsize.report.csv_text import csv_text, listed_cell

    row = {k: listed_cell(v) for k, v in parsed.contract_dict().items()}
    sys.stdout.write(csv_text(list(row), [row]))


def _human_value(key: str, value: object) -> str:
    if value is None or value == ():
        return "—"
    if key in ("params", "active_params") and isinstance(value, int):
        return f"{value:,} (as the name states)"
    if key == "context" and isinstance(value, int):
        return f"{value:,} tokens"
    if key == "bits" and isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def _label(label: str, key: str, parsed: ParsedName) -> str:
    """The row's label; the text after ':' of a Hub repo id ("unsloth/Qwen3-14B-GGUF:Q4_K_M") is the file
    `llama-server -hf` picks from the repo, not an Ollama tag (issue 15, round 3)."""
    if key == "ollama_tag" and parsed.org is not None and not parsed.raw.strip().lower().startswith("hf.co/"):
        return "repo file tag"
    return label


def _printable(text: str) -> str:
    """`text` with each unprintable character as its Python escape ("\\x1b", "\\u202e"), whole
    (errors.one_line does the same for messages, and cuts them)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _render_human(parsed: ParsedName) -> None:
    from llmsize.report.plain import console, kit

    out = console()
    Table, Text = kit(out)
    # Text, not str: a name is data, so "[/x]" in it must print as written, not as rich markup; and an escape
    # sequence or direction override in it is shown as its escape, never obeyed by the terminal (issue 15,
    # round 19: `parse $'Qwen2.5-7B\x1b[2J'` cleared the screen from the title and "not understood")
    table = Table(title=Text(_printable(parsed.raw)), title_justify="left", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for label, key in _HUMAN_ROWS:
        table.add_row(_label(label, key, parsed), Text(_printable(_human_value(key, getattr(parsed, key)))))
    out.print(table, highlight=False)
