"""A Report as JSON, YAML or CSV text, and as a file (--output), all from `Report.model_dump(mode="json")`."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from llmsize.errors import BadInputError, one_line
from llmsize.report.models import Report

OUTPUT_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def to_dict(report: Report) -> dict[str, Any]:
    return report.model_dump(mode="json")


def to_json(report: Report) -> str:
    """One JSON object (the DESIGN.md contract), newline-terminated."""
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"


def to_yaml(report: Report) -> str:
    """The same document as YAML, keys in contract order."""
    import yaml

    return str(yaml.safe_dump(to_dict(report), sort_keys=False, allow_unicode=True))


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    elif isinstance(value, list):
        out[prefix] = " | ".join(
            json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value
        )
    else:
        out[prefix] = "" if value is None else value


def document_text(data: dict[str, Any], fmt: str) -> str:
    """json, yaml or csv text of a command's document (a dict), written as a Report's is."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    if fmt == "csv":
        return _csv_row({k: v for k, v in data.items() if k != "components"})
    raise ValueError(f"not a text format: {fmt!r}")


def _csv_row(data: dict[str, Any]) -> str:
    flat: dict[str, Any] = {}
    _flatten("", data, flat)
    from llmsize.report.csv_text import csv_text

    return csv_text(list(flat), [flat])


def to_csv(report: Report) -> str:
    """A header row and one value row: every scalar of the document under its dotted path.

    The per-component formulas are left out (they are prose); lists are joined with " | ".
    """
    data = to_dict(report)
    data.pop("components", None)
    flat: dict[str, Any] = {}
    _flatten("", data, flat)
    from llmsize.report.csv_text import csv_text

    return csv_text(list(flat), [flat])


def render_text(report: Report, fmt: str) -> str:
    """json, yaml or csv text of the report."""
    if fmt == "json":
        return to_json(report)
    if fmt == "yaml":
        return to_yaml(report)
    if fmt == "csv":
        return to_csv(report)
    raise ValueError(f"not a text format: {fmt!r}")


def write_report(report: Report, path: Path, *, force: bool = False) -> Path:
    """Write the report to a .json/.yaml/.yml file; an existing file needs force=True."""
    kind = OUTPUT_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise BadInputError(
            f"cannot write {path}: --output takes a .yaml, .yml or .json file",
            hint=_suffix_hint(path) if path.suffix.lower() == ".csv" else "name the file e.g. estimate.yaml",
        )
    write_new_file(path, render_text(report, kind), force=force)
    return path


# A path quoted in a message is cut to this many characters (the error line itself may take 500).
_PATH_CHARS = 80


def _suffix_hint(path: Path) -> str:
    """What to do instead: a .csv name gets the way CSV is written (round 7: `--format csv --output x.csv`
    was told only to name a .yaml file)."""
    if path.suffix.lower() == ".csv":
        return "--format csv prints the CSV: redirect it (> report.csv); --output saves a report to read back"
    return "name the file e.g. report.yaml"


def check_output(path: Path | None, *, force: bool, html: bool = False) -> None:
    """Refuse an --output the command could not write, before the command does its work.

    The same checks as write_report / save_document / write_new_file make when writing (the suffix,
    a taken name without --force, a directory), asked first: `fit --all -o all.html` sized every
    catalog model for seconds before saying it writes no .html (issue 15, round 5). The folder is
    probed the way write_new_file will use it, by creating and removing a temporary file there:
    `fit M -o out.yaml` in a folder it may not write printed the whole answer, then "Permission
    denied" with exit 2 (round 6); permission bits alone cannot say it (root, read-only mounts).
    """
    if path is None:
        return
    shown = one_line(str(path), _PATH_CHARS)
    if path.suffix.lower() not in (*OUTPUT_SUFFIXES, *((".html",) if html else ())):
        kinds = ".yaml, .yml, .json or .html" if html else ".yaml, .yml or .json"
        raise BadInputError(f"cannot write {shown}: --output takes a {kinds} file", hint=_suffix_hint(path))
    _refuse_taken(path, shown, force=force)
    if path.is_dir():
        raise BadInputError(f"cannot write {shown}: it is a directory")
    _probe_folder(path, shown)


def _probe_folder(path: Path, shown: str) -> None:
    """Create and remove a temporary file beside `path`, as write_new_file's first step does."""
    import secrets

    probe = path.with_name(f".{path.name[:80]}.{os.getpid()}.{secrets.token_hex(4)}.probe")
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as err:
        raise BadInputError(f"cannot write {shown}: {err.strerror or err}") from err
    probe.unlink(missing_ok=True)


def _refuse_taken(path: Path, shown: str, *, force: bool) -> None:
    """Nothing is overwritten without being asked: an existing name (a dangling symlink too) needs --force."""
    if "\x00" in str(path):  # pathlib's checks answer False for it, os.open raises ValueError (round 19)
        raise BadInputError(f"cannot write {shown}: no file name holds a NUL byte", hint=_suffix_hint(path))
    try:
        taken = path.is_symlink() or path.exists()
    except OSError as err:  # ENAMETOOLONG and friends
        raise BadInputError(f"cannot write {shown}: {err.strerror or err}") from err
    if taken and not force:
        raise BadInputError(f"{shown} already exists", hint="pass --force to overwrite it")


def write_new_file(path: Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `path`, never over an existing file without `force`; OS errors become one line.

    The text goes to a temporary file beside `path` first, then takes its name in one step: a
    concurrent run, a reader, or a crash sees the old file or the whole new one, never a mix; the
    name is claimed with a hard link, which fails if anything (a file, a dangling symlink) took it
    meanwhile; with `force` a symlink, pipe or device at `path` is replaced, not written through
    (a pipe with no reader would block the write forever). Issue 15.
    """
    shown = one_line(str(path), _PATH_CHARS)
    _refuse_taken(path, shown, force=force)
    if path.is_dir():
        raise BadInputError(f"cannot write {shown}: it is a directory")
    import secrets  # hashlib and hmac, only when a file is written

    tmp = path.with_name(f".{path.name[:80]}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for any file
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
        if force:
            os.replace(tmp, path)
        else:
            _claim(tmp, path)
    except FileExistsError as err:
        raise BadInputError(
            f"{shown} already exists", hint="pass --force to overwrite it"
        ) from err
    except OSError as err:
        raise BadInputError(f"cannot write {shown}: {err.strerror or err}") from err
    finally:
        _remove(tmp)


def _remove(tmp: Path) -> None:
    """Remove the temporary file if it was made. `unlink(missing_ok=True)` only forgives ENOENT: under a
    regular file (`-o notes.txt/x.json`) it raised NotADirectoryError over the one-line error (round 8)."""
    with contextlib.suppress(OSError):
        tmp.unlink()


def _claim(tmp: Path, path: Path) -> None:
    """Give `tmp`'s content the name `path` only if that name is free (FileExistsError otherwise)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links: exclusive create, then copy
        with open(path, "xb") as out:
            out.write(tmp.read_bytes())


def save_document(
    doc: Any, path: Path, *, force: bool = False, html: Callable[[], str] | None = None
) -> Path:
    """Write a command's document to `path` as .json, .yaml/.yml or (when `html` renders one) .html."""
    import json

    suffix = path.suffix.lower()
    if suffix == ".html" and html is not None:
        text = html()
    elif suffix == ".json":
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    elif suffix in (".yaml", ".yml"):
        import yaml

        text = str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    else:
        kinds = (
            ".yaml, .yml, .json" + (" or .html" if html is not None else "")
            if html
            else ".yaml, .yml or .json"
        )
        raise BadInputError(
            f"cannot write {one_line(str(path), _PATH_CHARS)}: --output takes a {kinds} file",
            hint="name the file e.g. report.yaml",
        )
    write_new_file(path, text, force=force)
    return path
