"""What the CLI settles about its terminal before it prints anything (issue 15: unbreakable).

- COLUMNS or LINES that rich cannot use ('0', '²', 'abc') is dropped, as if unset: the terminal's
  own size (or rich's 80 x 25) applies, and rich's int() never meets it (report/plain.env_cells).
- A stdout or stderr that is not Unicode (PYTHONIOENCODING=ascii, a cp1252 console) replaces the
  characters it cannot hold with '?' instead of raising UnicodeEncodeError midway through a table:
  the box lines, '·' and '—' of the human output, the names in a JSON document.
- A standard stream that was closed before llmsize started (`llmsize ... >&-`, `2>&-`, a service
  without a console) is None in Python; it is opened on the null device, so the run ends as a run
  whose reader went away does (exit 0, or 2 for bad input) instead of an internal error on the first
  write (issue 15, round 6: `--format json >&-` and a bad name with `2>&-` both ended with exit 1).
"""

from __future__ import annotations

import codecs
import os
import sys


def prepare() -> None:
    """Make the environment variables and standard streams safe for everything printed after."""
    from llmsize.report.plain import env_cells

    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115 (lives as long as the run)
    for name in ("COLUMNS", "LINES"):
        if name in os.environ and env_cells(name) is None:
            del os.environ[name]
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        reconfigure = getattr(stream, "reconfigure", None)
        if not encoding or reconfigure is None:
            continue
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            name = ""
        if not name.startswith("utf-"):
            reconfigure(errors="replace")
