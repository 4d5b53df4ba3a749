"""Read a saved report back: an estimate (`estimate --output`) or a measurement (`measure --output`).

Both are YAML or JSON documents with a `schema_version`. A measurement document wraps the
estimate's own document under `estimate` and adds what was measured (schema: docs/report-schema.md).
A file that is not YAML/JSON, carries another schema version or lacks a key is a ConfigError
that names the file and the key.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from llmsize.errors import ConfigError, one_line
from llmsize.records import (
    ConfigDict,
    Field,
    Record,
    ValidationError,
    boolean_read_as_number,
    field_validator,
)
from llmsize.report.measure_shapes import measure_shape_problem
from llmsize.report.models import MEMORY_KEYS, SCHEMA_VERSION, Report
from llmsize.resources import UnreadableText, first_unprintable, load_json, load_yaml, read_text_bounded
from llmsize.units import text_read_as_number

# A saved report is a few kilobytes (a --all fit a few hundred); more is not one of ours.
MAX_REPORT_BYTES = 16 * 1024 * 1024

MEASUREMENT_KIND = "measurement"
# `measured` holds the estimate's byte fields (without its total) plus the peak of live tensors.
MEASURED_KEYS: tuple[str, ...] = (*MEMORY_KEYS[:-1], "peak")


class MeasureDocument(Record):
    """What `llmsize measure` prints with --format json and writes with --output (DESIGN.md contract)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    schema_version: int = SCHEMA_VERSION
    kind: Literal["measurement"] = "measurement"
    llmsize_version: str
    workload: dict[str, Any] = Field(description="the workload that ran (the estimate's, defaults included)")
    estimate: Report
    measured: dict[str, int] = Field(description="bytes per component at the measured peak, and `peak`")
    device: str = Field(description="trace, cpu or cuda")
    environment: dict[str, Any] = Field(description="torch/transformers/peft versions, device name, driver")
    measurement: dict[str, Any] = Field(
        description="how it was measured: phases, layers, CUDA/CPU counters, timings, outcome, notes"
    )
    comparison: dict[str, dict[str, Any]] = Field(
        description="per component and peak: estimated, measured, error = (estimated - measured) / measured"
    )

    @field_validator("measured")
    @classmethod
    def _all_components(cls, value: dict[str, int]) -> dict[str, int]:
        missing = [k for k in MEASURED_KEYS if k not in value]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        return value


@dataclass(frozen=True)
class LoadedReport:
    """A report read from disk: the estimate, and the measurement around it if it was one."""

    path: Path
    report: Report
    measurement: MeasureDocument | None = None

    @property
    def label(self) -> str:
        return self.path.name


def _parse(path: Path) -> Any:
    try:
        text = read_text_bounded(path, MAX_REPORT_BYTES)
    except UnreadableText as err:
        raise ConfigError(f"{path} is not an llmsize report: {err}") from err
    except IsADirectoryError as err:
        raise ConfigError(
            f"{path} is a directory", hint="give the path of a saved report (.yaml or .json)"
        ) from err
    except FileNotFoundError as err:
        raise ConfigError(
            f"{path} does not exist", hint="give the path of a saved report (.yaml or .json)"
        ) from err
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path} is not a text file", hint="give a report written with --output") from err
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror or err}") from err
    if path.suffix.lower() in (".html", ".htm") or text.lstrip()[:15].lower() == "<!doctype html>":
        # `estimate -o r.html` writes a page for a browser; "not valid YAML (line 2) (give a report written
        # with --output)" answered a page that was (issue 15, newcomer round 12)
        raise ConfigError(
            f"{path} is an HTML page (open it in a browser); `llmsize report` reads the .yaml or .json "
            "document --output writes",
            hint="write one with e.g. `llmsize estimate MODEL -o report.yaml`",
        )
    if path.suffix.lower() == ".json":
        try:
            return load_json(text)
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path} is not valid JSON (line {err.lineno}: {err.msg})") from err
        except UnreadableText as err:
            raise ConfigError(f"{path} is not an llmsize report: {err}") from err
    import yaml

    try:
        return load_yaml(text)
    except RecursionError as err:
        raise ConfigError(f"{path} is not an llmsize report: it is nested too deeply") from err
    except UnreadableText as err:
        raise ConfigError(f"{path} is not an llmsize report: {err}") from err
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ConfigError(
            f"{path} is not valid YAML{line}", hint="give a report written with --output"
        ) from err


def _missing_keys(err: ValidationError) -> list[str]:
    """Every key a report must hold that the file lacks, in the schema's order (dotted for nested ones)."""
    return [".".join(str(p) for p in e.get("loc", ())) for e in err.errors() if e.get("type") == "missing"]


def _first_error(err: ValidationError) -> str:
    missing = _missing_keys(err)
    if missing:  # all of them at once: a hand-made file was told one key a run (issue 15, newcomer round 20)
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        return f"missing key{'s' if len(missing) > 1 else ''} {shown}"
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ()))
    kind = first.get("type", "")
    if kind == "extra_forbidden":
        return f"unknown key {loc}"
    msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")  # pydantic's prefix
    return f"{loc}: {msg}" if loc else msg


def _check_version(doc: dict[str, Any], path: Path) -> None:
    if "schema_version" not in doc:
        raise ConfigError(
            f"{path} is not an llmsize report: missing key schema_version",
            hint="give a report written by llmsize estimate/measure --output",
        )
    version = doc["schema_version"]
    if type(version) is not int or version != SCHEMA_VERSION:  # true == 1 and 1.0 == 1 in Python
        shown = one_line(repr(version), 40)
        raise ConfigError(
            f"{path} has schema_version {shown}; this llmsize reads schema_version {SCHEMA_VERSION}",
            hint="write the report again with this llmsize version",
        )


def load_report(path: Path) -> LoadedReport:
    """Read and validate a saved estimate or measurement report."""
    doc = _parse(path)
    if not isinstance(doc, dict):
        raise ConfigError(
            f"{path} does not hold an llmsize report (expected a mapping, got {type(doc).__name__})"
        )
    _check_version(doc, path)
    _check_kind_and_lengths(doc, path)
    odd = first_unprintable(doc)
    if odd is not None:
        raise ConfigError(
            f"{path} is not a valid llmsize report: {odd} holds control characters", hint=_HAND_EDITED
        )
    odd = _first_non_finite(doc)
    if odd is not None:  # llmsize writes none: `report show --format json` wrote it back as NaN (round 19)
        raise ConfigError(f"{path} is not a valid llmsize report: {odd} is not a finite number",
                          hint=_HAND_EDITED)  # fmt: skip
    odd = _first_past_int64(doc)
    if odd is not None:  # 10**400 bytes in a consistent memory block was an OverflowError (round 22)
        raise ConfigError(
            f"{path} is not a valid llmsize report: {odd} is past the 64-bit range llmsize writes",
            hint=_HAND_EDITED,
        )
    try:
        if doc.get("kind") == MEASUREMENT_KIND or "measured" in doc:
            if isinstance(doc.get("estimate"), dict):
                _check_version(doc["estimate"], path)
            measurement = MeasureDocument.model_validate(doc)
            odd = measure_shape_problem(doc)  # the values report/render_measure.py formats
            if odd is not None:
                raise ConfigError(f"{path} is not a valid llmsize report: {odd}", hint=_HAND_EDITED)
            loaded = LoadedReport(path=path, report=measurement.estimate, measurement=measurement)
        else:
            # `plan --output` saves the estimate document plus its launch command and what the command
            # cannot know (cli/cmd_plan.py); `check --output` the estimate document plus its verdict
            # (report/render_check.py check_document), which was refused as "hand-edited" (issue 15)
            plan_keys = ("command", "command_notes")
            extra: tuple[str, ...] = plan_keys if isinstance(doc.get("command"), str) else ()
            extra += ("check",) if isinstance(doc.get("check"), dict) else ()
            report_doc = {k: v for k, v in doc.items() if k not in extra}
            loaded = LoadedReport(path=path, report=Report.model_validate(report_doc))
    except ValidationError as err:
        raise ConfigError(
            f"{path} is not a valid llmsize report: {_first_error(err)}",
            hint=_EXPECTED if _missing_keys(err) else _HAND_EDITED,
        ) from err
    read_as = (loaded.measurement or loaded.report).model_dump(mode="json")
    flipped = boolean_read_as_number(doc, read_as)
    if flipped is not None:
        raise ConfigError(
            f"{path} is not a valid llmsize report: {flipped}: a number, not true or false", hint=_HAND_EDITED
        )
    spelled = text_read_as_number(doc, read_as)
    if spelled is not None:  # '７' read as 7 by lax validation (issue 15, round 22)
        raise ConfigError(
            f"{path} is not a valid llmsize report: {spelled}: not a number in ASCII digits",
            hint=_HAND_EDITED,
        )
    return loaded


_HAND_EDITED = "it may be truncated or hand-edited; write it again with --output"
# What report show/diff expect, said where a file lacks keys or names a kind no command writes.
_EXPECTED = ("report show/diff read the whole file `llmsize estimate MODEL -o FILE.yaml` or "
             "`llmsize measure MODEL -o FILE.yaml` writes")


def _first_leaf(doc: Any, bad: Any, path: str = "") -> str | None:
    """The dotted place of the first value of a parsed report for which `bad` holds, or None."""
    if not isinstance(doc, dict | list):
        return (path or "(the document)") if bad(doc) else None
    items = doc.items() if isinstance(doc, dict) else enumerate(doc)
    for key, value in items:
        found = _first_leaf(value, bad, f"{path}[{key}]" if isinstance(key, int) else
                            f"{path}.{key}" if path else str(key))  # fmt: skip
        if found is not None:
            return found
    return None


def _first_non_finite(doc: Any) -> str | None:
    """The dotted place of the first NaN or infinity in a parsed report, or None. A fit row's speed and
    its speed constants took them (Record floats allow them), and `report show` printed them back."""
    return _first_leaf(doc, lambda value: isinstance(value, float) and not math.isfinite(value))

# Every integer llmsize writes (bytes, tokens, parameters, counts) fits a signed 64-bit integer, what JSON
# readers in other languages hold; a hand-edited 10**400 passed pydantic's int and `report show` divided it
# into GiB as a float (OverflowError, an internal error; issue 15, round 22).
MAX_REPORT_INT = 2**63 - 1


def _first_past_int64(doc: Any) -> str | None:
    """The dotted place of the first integer outside the signed 64-bit range, or None (bool is not one)."""
    return _first_leaf(doc, lambda value: isinstance(value, int) and not isinstance(value, bool)
                       and not -MAX_REPORT_INT - 1 <= value <= MAX_REPORT_INT)  # fmt: skip


# Lists a report holds: a few dozen assumptions and warnings, a fit row per GPU (and concurrency
# level) asked for. A hand-edited report listing 200,000 assumptions took 22 s to show on a terminal
# (rich lays out each line; issue 15: every input answered in under 2 s).
MAX_REPORT_LIST_ITEMS = 2_000
_LISTS = ("assumptions", "warnings", "gpus")
# document kind -> the command that writes it (report/render_plan.py _header: fit, fit-all, compare)
_COMMANDS = {"fit": "fit", "fit-all": "fit --all", "compare": "compare"}


def _check_kind_and_lengths(doc: dict[str, Any], path: Path) -> None:
    """Refuse another command's document (`fit`/`compare --output`) by name, a kind no command writes as
    such, and overlong lists."""
    kind = doc.get("kind")
    if isinstance(kind, str) and kind in _COMMANDS:
        raise ConfigError(
            f"{path} is what `llmsize {_COMMANDS[kind]} --output` writes, not an estimate or measure report",
            hint="report show/diff read what `llmsize estimate/measure --output` write",
        )
    if "kind" in doc and kind != MEASUREMENT_KIND:
        # a hand-made `kind: estimate` was told it "is what `llmsize estimate --output` writes, not an
        # estimate or measure report" (issue 15, newcomer round 20): an estimate report has no kind at all
        raise ConfigError(
            f"{path} is not a valid llmsize report: kind {one_line(repr(kind), 30)} is not one llmsize "
            f"writes (an estimate report has no kind key; a measurement has kind: {MEASUREMENT_KIND})",
            hint=_EXPECTED,
        )
    for section in (doc, doc.get("estimate")):
        if not isinstance(section, dict):
            continue
        for key in _LISTS:
            value = section.get(key)
            if isinstance(value, list) and len(value) > MAX_REPORT_LIST_ITEMS:
                raise ConfigError(
                    f"{path} is not a valid llmsize report: {key} lists {len(value):,} entries "
                    f"(llmsize writes at most a few hundred)",
                    hint=_HAND_EDITED,
                )
