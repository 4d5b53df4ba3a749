"""A memory size typed where a GPU name goes: "--gpu 24GB", "--gpu '48 GB'".

People size a job by the card's memory ("LoRA on a 24 GB card"), but --gpu takes one catalog GPU: the
bandwidth, compute and engine defaults depend on which card it is. "--gpu 24GB" was answered "unknown GPU
'24GB' ... Did you mean: M2-24GB, M3-24GB, M4-Pro-16core-24GB, M4-Pro-24GB, M5-24GB?", Macs whose ids
end in the size, to someone who meant a graphics card (issue 15, newcomer round 16). After a miss, such a
name gets a hint naming `llmsize gpus --min-memory` and the discrete cards of that size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.hardware.gpus import GpuSpec

# "24GB", "24 GB", "24gib", "48G", "12.0 GB"
_SIZE = re.compile(r"\s*(?P<n>\d{1,5}(?:\.\d+)?)\s*(?:gb|gib|g)\s*", re.IGNORECASE)


def memory_size(name: str) -> float | None:
    """The size in GB a name that is only a memory size states, else None."""
    m = _SIZE.fullmatch(name)
    return float(m["n"]) if m and float(m["n"]) > 0 else None


def cards_of_size(gpus: Iterable[GpuSpec], size_gb: float, n: int = 5) -> list[str]:
    """Ids of discrete cards sold with `size_gb` of memory (vendors' "24 GB" is 24 GiB of chips), the
    fastest memory first."""
    near = [g for g in gpus
            if not g.memory.unified and abs(g.memory_bytes / 2**30 - size_gb) <= 0.02 * size_gb]
    return [g.id for g in sorted(near, key=lambda g: -g.bandwidth_gb_s)][:n]
