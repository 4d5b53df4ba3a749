"""Render a pre-flight check: the verdict, the engine's own figures, why not, and what to change.

JSON/YAML are the estimate document plus a `check` object (issue 13's contract).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from llmsize.errors import BadInputError
from llmsize.report.export import to_dict
from llmsize.report.models import Report
from llmsize.units import format_gib


def check_document(report: Report, check: dict[str, Any]) -> dict[str, Any]:
    return {**to_dict(report), "check": check}


def render_check(report: Report, check: dict[str, Any], fmt: str) -> None:
    if fmt == "human":
        sys.stdout.write(human_text(report, check))
    else:
        sys.stdout.write(_text(check_document(report, check), fmt))


def _text(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2) + "\n"
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    raise BadInputError(f"check writes human, json or yaml, not {fmt}")


def write_check(report: Report, check: dict[str, Any], path: Path, *, force: bool) -> None:
    kind = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}.get(path.suffix.lower())
    if kind is None:
        # the hint every other command's --output gives (report/export.py write_report; newcomer round 20)
        raise BadInputError(f"cannot write {path}: --output takes a .yaml, .yml or .json file",
                            hint="name the file e.g. check.yaml")
    from llmsize.report.export import write_new_file

    write_new_file(path, _text(check_document(report, check), kind), force=force)


def _verdict(fits: bool, figures: dict[str, Any]) -> str:
    """FITS / DOES NOT FIT, or DOES NOT START where the memory is there but the engine refuses the setup
    (a context above the length it derives: "DOES NOT FIT: needs 26.73 GiB of 71.30 GiB" read as a riddle)."""
    if fits:
        return "FITS"
    need, usable = figures.get("per_gpu_bytes"), figures.get("usable_bytes")
    return "DOES NOT START" if need is not None and usable and need <= usable else "DOES NOT FIT"


def _named(report: Report, check: dict[str, Any]) -> str:
    """The model as the command names it: `-hf unsloth/Qwen3-30B-A3B-GGUF:Q4_K_M` (or `ollama run hf.co/...`)
    is sized from "Qwen3-30B-A3B-Q4_K_M" (preflight/check.py _resolvable), and the headline said that, without
    the repo's org and -GGUF the user typed (issue 15, round 19). The JSON keeps model.name as sized."""
    given = {p["key"]: p["value"] for p in check.get("parsed", ()) if isinstance(p, dict) and "key" in p}
    repo = given.get("hf_repo")
    model = given.get("model")
    if not repo and isinstance(model, str) and model.lower().startswith(("hf.co/", "huggingface.co/")):
        repo = model
    if not (isinstance(repo, str) and repo.strip()):
        return report.model.name
    if ":" not in repo.split("/")[-1] and repo != report.model.name:
        # no :tag, so the engine picks the file: say which one was sized (the repo's MXFP4_MOE, Q4_K_M...)
        return f"{repo} (sized as {report.model.name})"
    return repo


def human_text(report: Report, check: dict[str, Any]) -> str:
    figures = check["engine_figures"]
    lines = [
        # the release on its own line: inside the first one its parentheses nested two deep (issue 15)
        f"{_named(report, check)} on {_gpu_line(report)} with {check['tool']}",
        f"  release: {check['engine_version']}",
        _verdict(check["fits"], figures)
        + f": needs {format_gib(figures['per_gpu_bytes'] or 0)} per GPU"
        + (f" of {format_gib(figures['usable_bytes'])} usable" if figures.get("usable_bytes") else ""),
    ]
    hidden = ("per_gpu_bytes", "usable_bytes", "kv_cache_tokens_note")
    # no token figure, but a note: the engine refused to start and allocated no pool (its note says so)
    noted = {"kv_cache_tokens"} if figures.get("kv_cache_tokens_note") else set()
    shown = {k: v for k, v in figures.items() if (v is not None or k in noted) and k not in hidden}
    for key, value in shown.items():
        text = "none" if value is None else (
            format_gib(value) if key.endswith("bytes") or "bytes_" in key else value)
        # vLLM's hybrid token figure sat beside an estimated maximum model length 3.7x as long (issue 15)
        why = f" ({figures['kv_cache_tokens_note']})" if key == "kv_cache_tokens" and figures.get(
            "kv_cache_tokens_note") else ""
        lines.append(f"  {key}: {text}{why}")
    if check.get("reason"):  # after the verdict's figures: its wrapped lines are not read as one of them
        lines.append(f"why: {check['reason']}")
    lines.append("understood:")  # one setting a line: on one line they ran to 350 columns (issue 15)
    lines.extend(f"  {p['key']}={p['value']} [{p['source']}]" for p in check["parsed"])
    if check["ignored"]:
        lines.append("read but not modelled: " + ", ".join(check["ignored"]))
    if check["unknown"]:
        lines.append("not recognised: " + ", ".join(check["unknown"]))
    for note in check["notes"]:
        lines.append(f"note: {note}")
    if check["suggestions"]:
        lines.append("changes that make it fit (one at a time, least costly first):")
        for s in check["suggestions"]:
            lines.append(
                f"  - {s['change']}: {format_gib(-s['memory_effect_bytes'])} less per GPU; cost: {s['cost']}"
            )
            if s.get("command"):  # a command stays whole on its line, to copy
                lines.extend(_WHOLE + "      " + line for line in s["command"].splitlines())
    elif not check["fits"]:
        lines.append("no single change makes it fit; try `llmsize fit` for a layout")
    return "".join(_fold(_visible(line)) + "\n" for line in lines)


_WHOLE = "\0"  # marks a line not to wrap


def _visible(line: str) -> str:
    """`line` with the control characters a config or launch line carried shown as escapes ("\\x1b"):
    an `attn_implementation: "\\x1b[2J..."` in a training config cleared the terminal from the 'read but
    not modelled' line (issue 15, round 16); the no-wrap mark stays."""
    whole = line.startswith(_WHOLE)
    body = line[1:] if whole else line
    if body.isprintable():
        return line
    shown = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in body)
    return _WHOLE + shown if whole else shown


def _fold(line: str) -> str:
    """`line` wrapped at the terminal's width, continuation lines indented (plain.hanging)."""
    from llmsize.report.plain import hanging, terminal_width

    if line.startswith(_WHOLE):
        return line[len(_WHOLE) :]
    return hanging(line, terminal_width(), None if line.startswith(" ") else 2)


def _gpu_line(report: Report) -> str:
    if not report.gpus:
        return "?"
    row = report.gpus[0]
    return f"{row.count}x {row.gpu}" if row.count > 1 else row.gpu
