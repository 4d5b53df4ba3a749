"""PyTorch FSDP as a training config writes it (`fsdp` words, an `fsdp_config` block), read as a ZeRO stage.

Each value is checked where it is read, the way the tools that run it read it (issue 15, round 14:
`sharding_strategy: "²"` and one of 5,000 digits were internal errors; `fsdp: 5`, an unknown strategy
word or `reshard_after_forward: "false"` were dropped without a word and the run sized as FULL_SHARD):
- `fsdp`: transformers training_args.py `__post_init__` turns a bool into `[FULL_SHARD]` (True) or
  nothing (False), splits a string into `FSDPOption(word)` (an unknown word raises), and Axolotl's
  `fsdp: list[str]` goes through the same options;
- `fsdp_config`: a dict, or (transformers) the path of a JSON file holding one;
- `fsdp_sharding_strategy` / `sharding_strategy`: accelerate's FullyShardedDataParallelPlugin takes a
  `ShardingStrategy` name or its number 1-5 (utils/constants.py `FSDP_SHARDING_STRATEGY`); anything
  else fails there;
- `fsdp_reshard_after_forward` / `reshard_after_forward`: FSDP2 takes a bool (accelerate reads the
  words with `str_to_bool`) or, in torch's `fully_shard`, an int N (reshard to groups of N ranks; sized
  here as True, with a note); FSDP1 configs give a strategy name there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmsize.errors import BadInputError
from llmsize.preflight import values
from llmsize.preflight.setup import Setup

# FSDP sharding strategies as ZeRO stages: FULL_SHARD shards parameters, gradients and optimizer states
# (3), SHARD_GRAD_OP keeps parameters whole between forward and backward (2), HYBRID_SHARD(_ZERO2) does
# the same within a node, NO_SHARD is DDP. REFERENCE: torch/distributed/fsdp/api.py `ShardingStrategy`;
# transformers training_args.py `FSDPOption`; accelerate utils/constants.py `FSDP_SHARDING_STRATEGY`.
STAGES = {
    "full_shard": 3,
    "hybrid_shard": 3,
    "shard_grad_op": 2,
    "hybrid_shard_zero2": 2,
    "_hybrid_shard_zero2": 2,
    "no_shard": 0,
}
NUMBERED = ("full_shard", "shard_grad_op", "no_shard", "hybrid_shard", "hybrid_shard_zero2")
# transformers `FSDPOption`: the strategies, plus offload and auto_wrap
OPTIONS = ("_hybrid_shard_zero2", *(s for s in STAGES if s != "_hybrid_shard_zero2"), "offload", "auto_wrap")


def fsdp_words(value: Any) -> list[str]:
    """The `fsdp` entry as FSDPOption words; a bool as transformers reads it; anything else refused."""
    if value is None or value is False:
        return []
    if value is True:
        return ["full_shard"]
    if isinstance(value, str):
        words = value.lower().split()
    elif isinstance(value, list) and all(isinstance(w, str) for w in value):
        words = [w.strip().lower() for w in value]
    else:
        raise BadInputError(
            f"fsdp wants FSDP options such as full_shard auto_wrap, got {values.shown(value)}",
            hint="write them as one string or a list of words",
        )
    for word in words:
        if word not in OPTIONS:
            raise BadInputError(
                f"fsdp: {values.shown(word)} is not an FSDP option (one of {', '.join(OPTIONS[1:])})"
            )
    return words


def strategy_stage(value: Any, key: str) -> int:
    """A sharding strategy, by name or by its number 1-5, as a ZeRO stage (0 = NO_SHARD)."""
    name = value.strip().lower() if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool):
        name = NUMBERED[value - 1] if 1 <= value <= len(NUMBERED) else None
    elif name is not None and name in tuple("12345"):
        name = NUMBERED[int(name) - 1]
    if name not in STAGES:
        raise BadInputError(
            f"fsdp_config {key} wants a sharding strategy (FULL_SHARD, SHARD_GRAD_OP, NO_SHARD, "
            f"HYBRID_SHARD, HYBRID_SHARD_ZERO2 or their number 1-5), got {values.shown(value)}"
        )
    return STAGES[name]


def reshard_stage(value: Any, key: str) -> int:
    """`reshard_after_forward`: FSDP2's bool (True shards parameters again after forward: stage 3), or a
    strategy name as FSDP1 configs write it there."""
    if isinstance(value, str) and value.strip().lower() in STAGES:
        return strategy_stage(value, key)
    try:
        return 3 if values.boolean(value, key) else 2
    except BadInputError:
        raise BadInputError(
            f"fsdp_config {key} wants true, false or a sharding strategy, got {values.shown(value)}"
        ) from None


def read_fsdp(doc: dict[str, Any], s: Setup, load_named: Callable[[str], Any]) -> None:
    """PyTorch FSDP from the config's `fsdp` words and `fsdp_config` block, as a ZeRO stage run by FSDP.

    Without a strategy FSDP fully shards: accelerate's FullyShardedDataParallelPlugin defaults to
    FULL_SHARD and FSDP2's `reshard_after_forward` to True. `offload` (Trainer word) or
    `fsdp_offload_params` / `offload_params` keeps the parameter shards in host RAM (CPUOffload).
    `load_named` reads a JSON file the config names (an `fsdp_config` given as a path)."""
    words = fsdp_words(doc.get("fsdp"))
    block = doc.get("fsdp_config")
    if isinstance(block, str) and block.strip():
        block = load_named(block.strip())
        if not isinstance(block, dict):
            raise BadInputError("the fsdp_config file holds no JSON object of FSDP settings")
    if block is None or block == "":
        block = {}
    if not isinstance(block, dict):
        raise BadInputError(
            f"fsdp_config wants a mapping of FSDP settings or a JSON file's path, got {values.shown(block)}"
        )
    config: dict[str, Any] = block
    if not words and not config:
        return
    stage: int | None = next((STAGES[w] for w in words if w in STAGES), None)
    source = "fsdp"
    strategy_key = next((k for k in ("fsdp_sharding_strategy", "sharding_strategy") if k in config), None)
    reshard_key = next(
        (k for k in ("fsdp_reshard_after_forward", "reshard_after_forward") if k in config), None
    )
    if strategy_key is not None and config[strategy_key] is not None:
        stage, source = strategy_stage(config[strategy_key], strategy_key), f"fsdp_config {strategy_key}"
    elif reshard_key is not None and config[reshard_key] is not None:
        value = config[reshard_key]
        if type(value) is int and value >= 2:  # fully_shard: reshard to groups of N ranks (HSDP-like)
            ranks = values.shown(value)
            s.ignored.append(f"fsdp_config {reshard_key}: {ranks} (reshards to {ranks} ranks; sized as true)")
            value = True
        stage, source = reshard_stage(value, reshard_key), f"fsdp_config {reshard_key}"
    if stage is None:
        stage, source = 3, "fsdp (FULL_SHARD by default)"
    if stage == 0:
        s.ignored.append(f"{source}: NO_SHARD runs as data parallel (a whole replica on every GPU)")
        return
    s.set("fsdp", True, source)
    s.set("zero", stage, source)
    s.set("zero_impl", "fsdp", source)
    offload = False
    for key in ("fsdp_offload_params", "offload_params"):
        if config.get(key) is not None:
            offload = values.boolean(config[key], f"fsdp_config {key}")
            break
    if "offload" in words or offload:
        if stage == 3:
            s.set("offload_param", "cpu", "fsdp offload (CPUOffload(offload_params=True))")
        else:
            s.ignored.append("fsdp offload with SHARD_GRAD_OP (modelled with FULL_SHARD only)")
