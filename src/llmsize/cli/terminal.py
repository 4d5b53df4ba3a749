"""What the CLI settles about its terminal before it prints anything (issue 15: unbreakable).

- COLUMNS or LINES that rich cannot use ('0', '²', 'abc') is dropped, as if unset: the terminal's
  own size (or rich's 80 x 25) applies, and rich's int() never meets it (report/plain.env_cells).
- A stdout or stderr that is not Unicode (PYTHONIOENCODING=ascii, a cp1252 console) replaces the
  characters it cannot hold with '?' instead of raising UnicodeEncodeError midway through a table:
  the box lines, '·' and '—' of the human output, the names in a JSON document.
"""

from __future__ import annotations

import codecs
import os
import sys


def prepare() -> None:
    """Make the environment variables and standard streams safe for everything printed after."""
    from llmsize.report.plain import env_cells

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
