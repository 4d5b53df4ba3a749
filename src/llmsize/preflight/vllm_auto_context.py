"""vLLM `--max-model-len auto` (or -1): the context vLLM picks by itself from the KV memory it has.

REFERENCE: vllm `engine/arg_utils.py` reads `-1` and `auto` (any case) as -1 (tests/engine/test_arg_utils.py
"'auto' is an alias for -1"); `config/model.py` `_get_and_verify_max_len` starts from the length derived from
config.json; `v1/core/kv_cache_utils.py` `get_kv_cache_configs` then calls `_auto_fit_max_model_len`, which
keeps that length when one request of it fits the KV pool and otherwise lowers max_model_len to the largest
that fits (`_estimate_max_model_len_from_groups`, a binary search), refusing to start only when not even one
token fits. Before this, `check -- vllm serve M --max-model-len auto` stopped with "wants a number of tokens".

The auto-fit came with vllm-project/vllm PR #29431 ("Add `--max-model-len auto` to auto-fit context to
available memory", opened 2025-11-25), first released in v0.14.0 (its release notes' Key Improvements list
"--max-model-len auto"). Earlier releases parse --max-model-len as a number of tokens (`auto` fails argparse)
and have no fit-to-memory -1, so a launch pinned to one (a vllm/vllm-openai image tag) is refused as that
release would refuse it.
"""

from __future__ import annotations

from typing import Any

from llmsize.errors import BadInputError
from llmsize.preflight import values

AUTO = -1  # the value vLLM stores for "fit to memory"
FLAG_SOURCE = "flag --max-model-len auto"
FIRST_RELEASE = (0, 14)  # vllm-project/vllm PR #29431, in v0.14.0


def check_release(engine_release: str | None) -> None:
    """Exit 2 when the vLLM release the command runs (its image tag) predates --max-model-len auto / -1."""
    if engine_release is None:
        return
    from llmsize.estimate.engines.server_releases import release

    found = release(str(engine_release), "vLLM", "0.14.0")
    if found is not None and found < FIRST_RELEASE:
        raise BadInputError(
            f"--max-model-len auto / -1: vLLM {engine_release} has no fit-to-memory length "
            "(it came in 0.14.0, vllm-project/vllm PR #29431)",
            hint="give a number of tokens, or run vLLM 0.14 or later",
        )


def max_model_len(text: Any, flag: str) -> int:
    """vLLM's --max-model-len: tokens (32k), or `auto` / `-1` for fit-to-memory (AUTO)."""
    word = str(text).strip()
    if word.lower() == "auto" or word == "-1":
        return AUTO
    if word.startswith("-"):
        raise BadInputError(f"{flag} {text!r}: vLLM takes a number of tokens, or -1 / auto to fit memory")
    return values.tokens(text, flag)


def fitted(derived: int, largest: int | None) -> int:
    """The max_model_len vLLM settles on: the derived length when it fits, else the largest that fits (a
    pool that holds no token keeps the derived length, and the check then reports that it does not fit,
    as vLLM refuses to start)."""
    if largest is None or largest <= 0 or largest >= derived:
        return derived
    return largest
