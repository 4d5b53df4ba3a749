"""Text a person gave as a path on this machine, asked about without raising.

`Path(text).expanduser().exists()` raises for text that is no path here: RuntimeError for `~nouser/x`
("Could not determine home directory"), OSError ENAMETOOLONG for a component over the file system's
255 bytes (pathlib's exists() ignores only ENOENT, ENOTDIR, EBADF and ELOOP), ValueError for an embedded
NUL. A model path pasted in a launch command, a --gpu-file and an --output are read by several commands;
each such text that is not a path here is simply not an existing path (issue 15, round 19: `check --
llama-server -m ~nouser/x.gguf` and a 10,000-character `-m` path were internal errors).
"""

from __future__ import annotations

from pathlib import Path


def user_path(text: str) -> Path:
    """`text` as a path, '~' expanded only when the text starts with it: pathlib drops a leading "./",
    so Path("./~").expanduser() was the home folder, not the folder named '~' (issue 15, round 5). A
    '~user' with no such user stays as written (no file of that name exists here)."""
    path = Path(text)
    if not text.startswith("~"):
        return path
    try:
        return path.expanduser()
    except RuntimeError:  # "Could not determine home directory"
        return path


def existing_path(text: str) -> Path | None:
    """`text` as an existing path, or None; '~nouser/x', a name too long or a NUL is not a path."""
    path = user_path(text)
    try:
        return path if path.exists() else None
    except (OSError, ValueError):  # ENAMETOOLONG, embedded NUL
        return None


def exists_here(text: str) -> bool:
    """True when `text` names something on this machine (see existing_path)."""
    return existing_path(text) is not None


def is_link(text: str) -> bool:
    try:
        return user_path(text).is_symlink()
    except (OSError, ValueError):
        return False
