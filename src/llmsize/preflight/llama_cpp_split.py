"""llama-server's --split-mode and --tensor-split: how many GPUs one copy of the model spans.

`plan` writes a multi-GPU llama.cpp layout as `--split-mode layer --tensor-split 1,1` (preflight/emit.py),
sized as the Workload's pipeline degree `pp` over that many GPUs (estimate/engines/llama_cpp_placement.py
`stages`); `check` reads the same flags back into `pp` so the two agree. `check` used to list both flags
as read but not modelled and sized the copy on one GPU (issue 15).

REFERENCE: ggml-org/llama.cpp common/arg.cpp:
- `-sm, --split-mode {none,layer,row,tensor}`: "none: use one GPU only", "layer (default): split layers
  and KV across GPUs (pipelined)", "row: split weight across GPUs by rows (parallelized)", "tensor: split
  weights and KV across GPUs (parallelized, EXPERIMENTAL)"; any other word throws "invalid value".
- `-ts, --tensor-split N0,N1,N2,...`: "fraction of the model to offload to each GPU, comma-separated list
  of proportions, e.g. 3,1"; the list is split on ',' or '/', each part read with std::stof, and devices
  past the list get 0 (no share).
"""

from __future__ import annotations

import re
from typing import Any

from llmsize.errors import BadInputError
from llmsize.preflight.setup import Setup

SPLIT_MODES = ("none", "layer", "row", "tensor")


def split_mode(text: Any, flag: str) -> str:
    """A --split-mode word as llama.cpp takes it (lower case only: arg.cpp compares the string as given)."""
    word = str(text).strip()
    if word not in SPLIT_MODES:
        raise BadInputError(
            f"{flag} {text!r} is not a llama.cpp split mode", hint="none, layer, row or tensor"
        )
    return word


def tensor_split(text: Any, flag: str) -> tuple[float, ...]:
    """The --tensor-split proportions, one per GPU in device order."""
    parts = [p for p in re.split(r"[,/]+", str(text).strip()) if p]
    try:
        shares = tuple(float(p) for p in parts)
    except ValueError:
        shares = ()
    if not shares or any(not (s >= 0) or s == float("inf") for s in shares) or not any(shares):
        raise BadInputError(
            f"{flag} {text!r} is not a list of GPU proportions", hint="e.g. --tensor-split 1,1 or 3,1"
        )
    return shares


def gpus_per_copy(setup: Setup, notes: list[str]) -> int | None:
    """The GPUs the model is split over (the Workload's pp), or None when the command does not say
    (llama.cpp then splits over every visible GPU: `check --num-gpus`). Uneven proportions and the row /
    tensor modes are sized as llmsize's even layer split, with a note saying so."""
    mode = setup.get("split_mode")
    if mode == "none":
        return 1
    shares = setup.get("tensor_split")
    if mode in ("row", "tensor"):
        notes.append(
            f"--split-mode {mode} is sized as the layer split (llmsize models llama.cpp's layer split only)"
        )
    if not shares:
        return None
    used = [s for s in shares if s > 0]
    if len(set(used)) > 1:
        notes.append(
            f"--tensor-split {','.join(f'{s:g}' for s in shares)} is sized as an even split over "
            f"{len(used)} GPUs (llmsize models equal shares only)"
        )
    return len(used)
