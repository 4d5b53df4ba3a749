"""A GPU count typed into the GPU's name: "2x RTX 4090", "RTX 4090 x2", "4 x H100", "RTX-4090:2".

That is how people write the cards they own (and how cloud offers list them), but --gpu takes one
catalog GPU and --num-gpus the count. After a miss, a name that is a catalog GPU with such a count
gets a hint naming both options, instead of five look-alike GPU names (issue 15, newcomer round 10).
"""

from __future__ import annotations

import re

# "2x RTX 4090", "2 x H100", "8×H200", "2*A100"; "RTX 4090 x2", "H100 x 8"; "RTX-4090:2"
_LEADING = re.compile(r"^\s*(?P<n>\d{1,4})\s*[x×*]\s*(?P<gpu>\S.*?)\s*$", re.IGNORECASE)
_TRAILING = re.compile(r"^\s*(?P<gpu>\S.*?)\s*(?:[x×*]\s*|:)(?P<n>\d{1,4})\s*$", re.IGNORECASE)


def split_count(name: str) -> tuple[int, str] | None:
    """(count, the GPU's name) when `name` reads as a count of GPUs, else None."""
    for pattern in (_LEADING, _TRAILING):
        m = pattern.match(name)
        if m and int(m["n"]) > 0:
            return int(m["n"]), m["gpu"].strip(" -_")
    return None
