"""A small on-disk cache of what the Hub said about a repo@revision: config.json + checkpoint metadata.

It lets a repo id resolve offline (HF_HUB_OFFLINE=1, or no network) and reports how old the
answer is. One JSON file per repo@revision under LLMSIZE_CACHE_DIR (default: the platform's
user cache folder + /llmsize, e.g. ~/.cache/llmsize).
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from pathlib import Path
from typing import Any

from llmsize.records import ConfigDict, Record, ValidationError
from llmsize.resources import user_cache_dir
from llmsize.specs.models import CheckpointInfo

CACHE_VERSION = 1
DEFAULT_REVISION = "main"


class HubSnapshot(Record):
    """What one Hub lookup returned: the config, header facts, and the commit it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # built on first use (issue 15)

    repo_id: str
    revision: str = DEFAULT_REVISION
    commit: str | None = None
    config: dict[str, Any]
    checkpoint: CheckpointInfo | None = None
    notes: tuple[str, ...] = ()
    fetched_at: float


class CachedSnapshot(Record):
    """A snapshot read back from disk, with its age in seconds."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # built on first use (issue 15)

    snapshot: HubSnapshot
    age_s: float
    path: str


def cache_dir() -> Path:
    """LLMSIZE_CACHE_DIR, else the platform's user cache folder + /llmsize (read at call time)."""
    return user_cache_dir()


def _entry_path(repo_id: str, revision: str | None) -> Path:
    rev = revision or DEFAULT_REVISION
    # Repo ids and revisions may hold '/', which is not a file-name character; '--' mirrors the HF cache.
    safe = re.sub(r"[^a-z0-9._-]", "_", repo_id.lower().replace("/", "--"))  # Hub ids ignore case
    safe_rev = re.sub(r"[^A-Za-z0-9._-]", "_", rev)
    return cache_dir() / "hub" / f"{safe}@{safe_rev}.json"


def store(snapshot: HubSnapshot) -> Path:
    """Write atomically, so a crash never leaves a truncated entry behind."""
    path = _entry_path(snapshot.repo_id, snapshot.revision)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"cache_version": CACHE_VERSION, **snapshot.model_dump(mode="json")}
    import tempfile  # only when writing: not on every resolve's import (issue 15)

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(repo_id: str, revision: str | None = None, *, now: float | None = None) -> CachedSnapshot | None:
    """The cached snapshot of repo@revision, or None if absent or unreadable (a bad entry is a miss)."""
    from llmsize.resources import load_json, read_text_bounded

    path = _entry_path(repo_id, revision)
    try:
        # The cache is a file like any other (issue 15 round 12): nesting past the recursion limit was
        # an internal RecursionError, and a huge file was read whole; both are a miss now.
        payload = load_json(read_text_bounded(path))
    except (OSError, ValueError):  # UnreadableText and UnicodeDecodeError are ValueErrors
        return None
    if not isinstance(payload, dict) or payload.pop("cache_version", None) != CACHE_VERSION:
        return None
    try:
        snapshot = HubSnapshot.model_validate(payload)
    except ValidationError:
        return None
    if not _belongs(snapshot, repo_id, revision):
        return None
    age = max(0.0, (time.time() if now is None else now) - snapshot.fetched_at)
    return CachedSnapshot(snapshot=snapshot, age_s=age, path=str(path))


def _belongs(snapshot: HubSnapshot, repo_id: str, revision: str | None) -> bool:
    """An entry is this repo@revision's only when it says so and its fetch time is a time: an entry
    naming another repo (copied or edited by hand) was read as that repo's and broke the name
    (IndexError: 'x' has no owner), a fetch time of NaN or 1e308 made its age nonsense."""
    same_repo = snapshot.repo_id.lower() == repo_id.lower()
    same_revision = snapshot.revision == (revision or DEFAULT_REVISION)
    return same_repo and same_revision and math.isfinite(snapshot.fetched_at) and snapshot.fetched_at >= 0
