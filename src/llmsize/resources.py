"""Locate the bundled YAML catalogs (model_specs/, gpu_specs/).

In a wheel they sit inside the package (pyproject force-include); in a source checkout or an
editable install they stay at the repository's top level. No I/O happens at import time.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any


@cache
def data_dir(name: str) -> Traversable:
    """The bundled folder `name` ('model_specs' or 'gpu_specs')."""
    packaged = files("llmsize") / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled catalog {name!r} is missing from this installation")


def yaml_files(name: str) -> list[Traversable]:
    """The *.yaml files of a bundled folder, sorted by name for stable output."""
    return sorted(
        (p for p in data_dir(name).iterdir() if p.name.endswith((".yaml", ".yml"))), key=lambda p: p.name
    )


def load_yaml(text: str) -> Any:
    """Parse YAML safely, with libyaml's C loader when present (about 10x faster at start-up)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


# A config.json, report or header larger than this is not one (the largest real config.json files,
# with per-layer lists, are well under 1 MB); reading stops here instead of filling memory (/dev/zero).
MAX_TEXT_BYTES = 64 * 1024 * 1024


class UnreadableText(ValueError):
    """A file or document that is too large, too deeply nested or otherwise not parseable."""


def read_text_bounded(path: Path, limit: int = MAX_TEXT_BYTES) -> str:
    """A text file's content, refusing more than `limit` bytes (raises OSError, UnicodeDecodeError
    or UnreadableText), so a device or a huge file cannot exhaust memory."""
    with path.open("rb") as fh:
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise UnreadableText(f"it is larger than {limit // (1024 * 1024)} MiB")
    return raw.decode("utf-8")


def load_json(text: str | bytes) -> Any:
    """json.loads that turns the ways a hostile document breaks the parser into UnreadableText:
    nesting deeper than the recursion limit, and integers longer than Python converts (4,300 digits).
    json.JSONDecodeError (a ValueError) passes through for callers that report line and column."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError as err:
        raise UnreadableText("it is nested too deeply") from err
    except ValueError as err:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise UnreadableText(str(err).split(";")[0]) from err
