"""llama.cpp `-ot PATTERN=BUFFER` and `--cpu-moe` as the MoE layers whose experts stay on the CPU.

REFERENCE: llama.cpp `common/arg.cpp` `parse_tensor_buffer_overrides` splits the value on ',' into
`regex=buffer type` pairs (a repeated -ot adds more); `--cpu-moe` adds `\\.ffn_(up|down|gate)_(ch|)exps=CPU`
for every layer and `--n-cpu-moe N` the same for `blk.0` .. `blk.N-1` (`llm_ffn_exps_block_regex`).
`src/llama-model-loader.cpp` gives each tensor the buffer of the first pattern `std::regex_search` finds in
its name. Expert tensors are named `blk.<i>.ffn_{gate,up,down}_exps.weight` (`src/llama-arch.cpp`).

llmsize sizes experts on the CPU per layer, for the first N layers (Workload.n_cpu_moe,
estimate/engines/llama_cpp_placement.py `cpu_expert_bytes`), so a pattern is modelled when the layers whose
three expert projections it sends to CPU are all layers or layers 0..N-1. Unsloth's
`-ot ".ffn_.*_exps.=CPU"` (https://docs.unsloth.ai/models/gpt-oss-how-to-run-and-fine-tune) was listed as
understood while the estimate kept every expert on the GPU (issue 15, check audit). Any other pattern (some
projections only, a layer range that does not start at 0, a GPU buffer) is said to be read but not modelled.
"""

from __future__ import annotations

import re

_PROJECTIONS = ("gate", "up", "down")
# a quantifier on a group that holds one: Python's backtracking can take exponential time on it, and the
# pattern is the user's (llama.cpp's std::regex has the same weakness; we do not run it)
_NESTED = re.compile(r"\([^()]*[*+}][^()]*\)\s*[*+{]")
_MAX_PATTERN = 512
# tensors of a block other than the routed experts, and the model's ends (src/llama-arch.cpp names)
_OTHER_TENSORS = (
    "blk.{i}.attn_q.weight", "blk.{i}.attn_k.weight", "blk.{i}.attn_v.weight", "blk.{i}.attn_output.weight",
    "blk.{i}.attn_norm.weight", "blk.{i}.ffn_gate_inp.weight", "blk.{i}.ffn_up_shexp.weight",
    "blk.{i}.ffn_down_shexp.weight", "blk.{i}.ffn_up.weight", "blk.{i}.ffn_down.weight",
    "token_embd.weight", "output.weight",
)


def pairs(value: str) -> list[tuple[str, str]]:
    """`a=CPU,b=CUDA0` -> [(a, CPU), (b, CUDA0)]; a part without '=' is kept with an empty buffer."""
    out = []
    for part in str(value).split(","):
        pattern, _, buffer = part.rpartition("=") if "=" in part else (part, "", "")
        out.append((pattern, buffer))
    return out


def cpu_expert_layers(value: str, num_layers: int) -> int | None:
    """The N of `--n-cpu-moe N` these overrides amount to, or None when they are not that."""
    compiled = []
    for pattern, buffer in pairs(value):
        if buffer.upper() != "CPU":  # a GPU buffer places tensors across devices: not this model
            return None
        if len(pattern) > _MAX_PATTERN or _NESTED.search(pattern):
            return None
        try:
            compiled.append((re.compile(pattern), buffer))
        except re.error:
            return None

    def on_cpu(name: str) -> bool:
        for rx, buffer in compiled:  # the first match wins (llama-model-loader.cpp)
            if rx.search(name):
                return buffer.upper() == "CPU"
        return False

    if any(on_cpu(name.format(i=0)) for name in _OTHER_TENSORS):
        return None  # attention, dense or shared-expert weights on the CPU too: more than --n-cpu-moe moves
    layers = [
        all(on_cpu(f"blk.{i}.ffn_{p}_exps.weight") for p in _PROJECTIONS) for i in range(num_layers)
    ]
    partial = any(on_cpu(f"blk.{i}.ffn_{p}_exps.weight") for i in range(num_layers) for p in _PROJECTIONS)
    count = sum(layers)
    if count == 0:
        return None if partial else 0
    if layers[:count] != [True] * count or any(
        on_cpu(f"blk.{i}.ffn_{p}_exps.weight") for i in range(count, num_layers) for p in _PROJECTIONS
    ):
        return None  # not layers 0..N-1 (a later range, or some projections of other layers)
    return count
