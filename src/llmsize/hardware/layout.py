"""GPU layouts: tensor x pipeline x data parallel degrees, and which degrees a model can be split into.

- tensor parallelism shards weights, KV heads and activations; its degree must divide the attention
  heads, and either divide the KV heads or be a multiple of them (vLLM then replicates each KV head
  on tp / kv_heads GPUs: QKVParallelLinear in vllm/model_executor/layers/linear.py);
- pipeline parallelism splits the layers and the largest stage decides;
- data parallelism replicates, and with ZeRO/FSDP shards the training state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from llmsize.errors import BadInputError
from llmsize.specs.models import ModelSpec

# REFERENCE: HGX/DGX nodes hold 8 GPUs joined by NVLink; tensor parallelism is kept inside a node
# and pipeline parallelism spans nodes (vLLM docs, "Distributed inference and serving": "the tensor
# parallel size is the number of GPUs in each node, and the pipeline parallel size the number of nodes").
GPUS_PER_NODE = 8
# The deepest pipeline a layout search offers (a --pp the user names is kept whatever its degree).
# REFERENCE: the deepest published pipeline is Megatron-LM's 1T-parameter GPT, pipeline-parallel size 64
# over 3,072 A100s (Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters
# Using Megatron-LM", SC'21, arXiv 2104.04473, Table 1); llama.cpp's layer split stops at 16 devices
# (ggml-cuda GGML_CUDA_MAX_DEVICES). Twice Megatron's degree is beyond any real run; deeper splits made
# `fit` of a 4,096-block config on 4,096 GPUs estimate ~11,000 stages per precision (15 s; issue 15).
MAX_SEARCHED_PP = 128
# GPU counts `--num-gpus auto` tries, in order: every count inside a node, then whole nodes.
AUTO_COUNTS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)


@dataclass(frozen=True, order=True)
class Layout:
    """tp x pp GPUs hold one copy of the model; dp copies (or ZeRO shards) of it."""

    tp: int = 1
    pp: int = 1
    dp: int = 1

    @property
    def count(self) -> int:
        return self.tp * self.pp * self.dp

    def describe(self) -> str:
        parts = [f"TP {self.tp}" if self.tp > 1 else "", f"PP {self.pp}" if self.pp > 1 else "",
                 f"DP {self.dp}" if self.dp > 1 else ""]
        return " x ".join(p for p in parts if p) or "single GPU"


def _divisors(n: int) -> list[int]:
    """The divisors of n, ascending, by trial up to its square root (the planner asks for every count
    up to --num-gpus: a scan to n each was 1.6 s at --num-gpus 4096; issue 15 round 12)."""
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    return sorted({*small, *(n // d for d in small)})


def tp_problem(spec: ModelSpec, tp: int) -> str | None:
    """Why tensor parallelism of degree `tp` cannot split this model, or None when it can."""
    if tp <= 1:
        return None
    heads = spec.num_attention_heads
    if heads % tp:
        ok = [d for d in _divisors(heads) if d <= 64]
        return (f"TP {tp} cannot split the {heads} attention heads of {spec.name}; "
                f"use a TP degree that divides them: {', '.join(map(str, ok))}")
    kv = spec.num_kv_heads
    if not spec.is_mla and kv % tp and tp % kv:
        return (f"TP {tp} neither divides the {kv} KV heads of {spec.name} nor is a multiple of them, "
                "so engines cannot shard or replicate them")
    from llmsize.estimate.weights import tp_width_problem  # the estimate's own rule, asked before it runs

    width = tp_width_problem(spec, tp)
    return width[0] if width is not None else None


def pp_problem(spec: ModelSpec, pp: int) -> str | None:
    if pp > spec.num_layers:
        return f"PP {pp} has more stages than {spec.name} has layers ({spec.num_layers})"
    return None


class PlanError(BadInputError):
    """A layout the model cannot be split into."""
