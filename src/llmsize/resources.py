"""Locate the bundled YAML catalogs (model_specs/, gpu_specs/).

In a wheel they sit inside the package (pyproject force-include); in a source checkout or an
editable install they stay at the repository's top level. No I/O happens at import time.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


@cache
def data_dir(name: str) -> Traversable:
    """The bundled folder `name` ('model_specs' or 'gpu_specs').

    A package on disk (a wheel, or a checkout's src/llmsize) is looked at directly: importlib.resources
    would answer the same folder and imports zipfile and friends to do it (issue 15: instant); only
    a zipped install needs it to look inside the archive.
    """
    here = Path(__file__).resolve().parent
    if (here / name).is_dir():
        return here / name
    if not here.is_dir():  # imported from a zip archive
        from importlib.resources import files

        packaged = files("llmsize") / name
        if packaged.is_dir():
            return packaged
    checkout = here.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled catalog {name!r} is missing from this installation")


def yaml_files(name: str) -> list[Traversable]:
    """The *.yaml files of a bundled folder, sorted by name for stable output."""
    return sorted(
        (p for p in data_dir(name).iterdir() if p.name.endswith((".yaml", ".yml"))), key=lambda p: p.name
    )


# A YAML document may expand to at most this many values. Aliases share one object per anchor, so
# nine aliases of nine aliases of ... (a "billion laughs" file of a few hundred bytes) load at once
# but expand to 9^9 values for whoever walks or serialises them (issue 15).
MAX_YAML_VALUES = 1_000_000
# YAML writes integers in hex, octal and binary too (`0x` + 5,000 digits), which int() builds without
# Python's 4,300-digit limit on decimal text; such a value then fails in every str() and repr() that
# quotes it (an error line: "internal error: Exceeds the limit", issue 15 round 18). 14,000 bits are
# about 4,214 decimal digits: every integer below this can be written out.
_MAX_INT_BITS = 14_000


def load_yaml(text: str) -> Any:
    """Parse YAML safely, with libyaml's C loader when present (about 10x faster at start-up).

    A document whose aliases expand past MAX_YAML_VALUES values, or refer to themselves, or that holds an
    integer too long to write out in decimal, raises UnreadableText.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        doc = yaml.load(text, Loader=loader)
    except ValueError as err:  # a constructor's own error, not a YAMLError: an internal error (round 10)
        raise UnreadableText(_constructor_problem(err)) from err
    _expanded_size(doc)
    return doc


def _constructor_problem(err: ValueError) -> str:
    """Why a YAML or JSON value could not be built: an integer of over 4,300 digits (Python refuses to
    convert it) or a timestamp that is no date (`date: 2026-13-45`)."""
    text = str(err)
    if "integer string conversion" in text:
        return "it holds an integer of more than 4,300 digits"
    return f"a value is not what it looks like ({text.split(';')[0][:80]})"


def _expanded_size(doc: Any) -> int:
    """How many values `doc` holds with every alias expanded, computed once per shared object."""
    sizes: dict[int, int] = {}
    open_ids: set[int] = set()

    def size(node: Any) -> int:
        if not isinstance(node, (dict, list)):
            if isinstance(node, int) and node.bit_length() > _MAX_INT_BITS:
                raise UnreadableText("it holds an integer of more than 4,200 digits")
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_ids:
            raise UnreadableText("it refers to itself (a recursive YAML alias)")
        open_ids.add(key)
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_YAML_VALUES:
                raise UnreadableText(f"its aliases expand to more than {MAX_YAML_VALUES:,} values")
        open_ids.discard(key)
        sizes[key] = total
        return total

    return size(doc)


# A config.json, report or header larger than this is not one (the largest real config.json files,
# with per-layer lists, are well under 1 MB); reading stops here instead of filling memory (/dev/zero).
MAX_TEXT_BYTES = 64 * 1024 * 1024


class UnreadableText(ValueError):
    """A file or document that is too large, too deeply nested or otherwise not parseable."""


def open_input(path: Path) -> BinaryIO:
    """Open a user's file for reading; a named pipe with no writer (which blocks open() forever)
    reads as empty instead, and a directory raises IsADirectoryError (issue 15)."""
    nonblock = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs to block on
    fd = os.open(path, os.O_RDONLY | nonblock)
    try:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if nonblock:
            os.set_blocking(fd, True)  # a pipe with a writer: wait for its data, as `cat` does
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_text_bounded(path: Path, limit: int = MAX_TEXT_BYTES) -> str:
    """A text file's content, refusing more than `limit` bytes (raises OSError, UnicodeDecodeError
    or UnreadableText), so a device or a huge file cannot exhaust memory."""
    with open_input(path) as fh:
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        shown = f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"
        raise UnreadableText(f"it is larger than {shown}")
    for bom, encoding in _OTHER_UNICODE_BOMS:
        if raw.startswith(bom):
            raise UnreadableText(f"it is {encoding} text; save it as UTF-8")
    return raw.decode("utf-8-sig")  # a UTF-8 byte-order mark (some Windows editors write one) is dropped


# Byte-order marks of the encodings a JSON or YAML file is sometimes saved in instead of UTF-8
# (UTF-32 first: its little-endian mark begins with UTF-16's).
_OTHER_UNICODE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def load_json(text: str | bytes) -> Any:
    """json.loads that turns the ways a hostile document breaks the parser into UnreadableText:
    nesting deeper than the recursion limit, and integers longer than Python converts (4,300 digits).
    json.JSONDecodeError (a ValueError) passes through for callers that report line and column.
    The garbage collector is paused meanwhile: a 55 MB config.json of 2.5 million lists took 17 s."""
    import json

    try:
        with gc_paused():  # a parsed document holds no cycles; see gc_paused
            return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError as err:
        raise UnreadableText("it is nested too deeply") from err
    except ValueError as err:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise UnreadableText(_constructor_problem(err)) from err


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects (a parsed JSON header).

    Every 700 new containers start a collection that walks all live ones, so parsing a header of
    300,000 tensors (about a million dicts and lists, none in a cycle) spends most of its time in
    the collector: 1.1 s instead of 0.36 s here (issue 15). Reference counting still frees them.
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def first_unprintable(doc: Any, path: str = "") -> str | None:
    """The dotted place of the first string in a parsed document (a key or a value) that holds a
    control character, or None. What such a document says is printed in tables and messages,
    where a newline or an escape sequence would act on the terminal (issue 15)."""
    if isinstance(doc, str):
        return (path or "(the document)") if not doc.isprintable() else None
    if isinstance(doc, dict):
        for key, value in doc.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not key.isprintable():
                return where
            found = first_unprintable(value, where)
            if found is not None:
                return found
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found = first_unprintable(value, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def env_path(variable: str) -> Path | None:
    """The folder an environment variable names, "~" expanded; None when it is unset or empty.

    "~nouser/x" has no home folder to expand to (pathlib raises RuntimeError): one clear line
    instead (issue 15).
    """
    value = os.environ.get(variable)
    if not value:
        return None
    try:
        return Path(value).expanduser()
    except RuntimeError:
        from llmsize.errors import ConfigError

        raise ConfigError(
            f"${variable} {value[:100]!r} starts with a ~user whose home folder is unknown",
            hint=f"fix or unset ${variable}",
        ) from None


def user_cache_dir() -> Path:
    """LLMSIZE_CACHE_DIR, else the platform's user cache folder + /llmsize (read at call time); an
    XDG_CACHE_HOME that is not an absolute path is ignored, as the XDG spec says."""
    import sys

    override = env_path("LLMSIZE_CACHE_DIR")
    if override is not None:
        return override
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "llmsize" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "llmsize"
    return xdg_dir("XDG_CACHE_HOME", ".cache") / "llmsize"


def xdg_dir(variable: str, default: str) -> Path:
    """$XDG_CACHE_HOME / $XDG_CONFIG_HOME, else ~/`default`; a value that is not an absolute path is
    ignored. XDG Base Directory spec: "All paths set in these environment variables must be absolute.
    If an implementation encounters a relative path in any of these variables it should consider the
    path invalid and ignore it." A relative one ("~nouser", "cache") put the cache wherever the command
    ran, and read GPU files from there (issue 15: a `~nouser/llmsize/` folder appeared in a checkout)."""
    value = os.environ.get(variable, "")
    return Path(value) if os.path.isabs(value) else Path.home() / default


# Bump when the cached form changes; part of every key, so old entries are simply never read.
_YAML_CACHE_FORMAT = "2"  # 2: each file starts with the SHA-256 of its JSON


def load_catalog_yaml(text: str) -> Any:
    """load_yaml for the catalogs, through a JSON copy keyed by the text's SHA-256.

    Parsing the bundled YAML costs more than the rest of a cold `llmsize estimate` (issue 15:
    "read the catalogs from a prebuilt index keyed by their content hash"); JSON reads ~100x
    faster. A changed file has a new hash, so the cache can never be stale; an unwritable cache
    folder only costs the speed-up.
    """
    return cached_json("yaml", [text], lambda: load_yaml(text))


def _checked_blob(raw: bytes) -> bytes:
    """The JSON of a cached_json file, after the SHA-256 of it that heads the file: a file cut short, emptied,
    replaced by `null` or by 100,000 nested brackets was trusted as the value (an internal error in
    every command that reads the catalog, issue 15 round 19); ValueError when it does not match."""
    import hashlib

    head, _, blob = raw.partition(b"\n")
    if hashlib.sha256(blob).hexdigest().encode() != head:
        raise ValueError("not the file cached_json wrote")
    return blob


def cached_json(kind: str, key_parts: Sequence[str | bytes], compute: Callable[[], Any]) -> Any:
    """compute(), or its JSON copy from an earlier run with the same `key_parts` (SHA-256 of them all).

    The key holds everything the value is a function of (the input text, and for derived indexes the
    source of the code that derives them), so an entry can never be stale. A value JSON cannot hold
    exactly (dates, tuples) must not be cached this way: it is returned and not written.
    """
    import hashlib
    import json

    digest = hashlib.sha256(f"{_YAML_CACHE_FORMAT}\0{kind}".encode())
    for part in key_parts:
        raw = part.encode() if isinstance(part, str) else part
        digest.update(len(raw).to_bytes(8, "little"))
        digest.update(raw)
    path = user_cache_dir() / kind / f"{digest.hexdigest()}.json"
    try:
        return json.loads(_checked_blob(path.read_bytes()))
    except (OSError, ValueError, RecursionError):  # absent, or not the file this function wrote
        pass
    data = compute()
    try:
        blob = json.dumps(data, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):  # dates or other non-JSON values: keep the result, cache nothing
        return data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(hashlib.sha256(blob.encode()).hexdigest() + "\n" + blob, encoding="utf-8")
        tmp.replace(path)  # atomic: a concurrent reader sees the old state or the whole file
    except OSError:
        pass
    return data
