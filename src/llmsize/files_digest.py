"""The SHA-256 of a list of files' contents, read once per state of the files (issue 15: `fit --all`).

The kept caches (cli/fit_all_cache.py, cli/catalog_specs_cache.py, specs/catalog.py's bare Ollama names)
are keyed by the contents of llmsize's own .py files and the bundled catalogs: about 4 MB in 470 files,
read and hashed again by every run, 4.5% of a cold `fit --all --gpu RTX-4090`'s instructions (callgrind:
SHA256_Update 139.6 M of 3,103 M). The digest is now kept beside the catalogs' JSON copies
(resources.cached_json) under the files' states: each one's name, size, inode, device, and modification
and change times in nanoseconds (os.stat). Writing a file's bytes sets its change time (POSIX: ctime is
set by every write and by utime itself, so restoring the modification time still changes it), so a
changed file is another key and its contents are hashed again.

CPython trusts less for the bytecode it runs (importlib's .pyc check: the source's modification time in
whole seconds and its size). Like git's index ("racy git", Documentation/technical/racy-git.txt), a state
is not trusted while a file is younger than a file system's timestamp granularity: a file modified within
RACY_NS of now (a write in the same tick would leave its times alone) is hashed from its bytes, and that
digest is not kept.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence

KIND = "file-digests"
FORMAT = "1"  # bump when the state or the digest changes
RACY_NS = 3_000_000_000  # FAT keeps 2-second modification times; others nanoseconds or 1 s at worst


def contents_digest(named: Sequence[tuple[str, str]]) -> str:
    """SHA-256 over each (name, path) in order: the name and the file's bytes, each length-prefixed."""
    digest = hashlib.sha256()
    for name, path in named:
        with open(path, "rb") as src:
            raw = src.read()
        digest.update(len(name).to_bytes(8, "little") + name.encode())
        digest.update(len(raw).to_bytes(8, "little") + raw)
    return digest.hexdigest()


def files_digest(named: Sequence[tuple[str, str]]) -> str:
    """contents_digest(named), read from the digest kept under the files' present states when one is
    (see the module docstring); OSError when a file cannot be read or stated."""
    from llmsize.resources import cached_json

    state = _state(named)
    if state is None:
        return contents_digest(named)
    kept = cached_json(KIND, [FORMAT, state], lambda: contents_digest(named))
    if isinstance(kept, str) and len(kept) == 64 and all(c in "0123456789abcdef" for c in kept):
        return kept
    return contents_digest(named)  # a kept value that is not a digest: computed, not trusted


def _state(named: Sequence[tuple[str, str]]) -> str | None:
    """The files' names and os.stat facts, one line each; None while one was modified within RACY_NS."""
    now = time.time_ns()
    lines = []
    for name, path in named:
        st = os.stat(path)
        if now - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
            return None
        lines.append(f"{len(name)}:{name}\0{st.st_size}\0{st.st_ino}\0{st.st_dev}\0{st.st_mtime_ns}\0{st.st_ctime_ns}")
    return "\n".join(lines)
