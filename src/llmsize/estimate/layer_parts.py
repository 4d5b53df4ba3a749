"""How many blocks hold each part an engine counts kernels (or graph nodes) for, per layer kind.

In estimate because both the speed model (hardware/speed_inputs) and the engines' memory rules
(engines/vllm_graph_pool) count from it, and estimate may not import hardware."""

from __future__ import annotations

from collections.abc import Callable

from llmsize.estimate.memo import memo
from llmsize.specs.models import ModelSpec


def layer_parts(spec: ModelSpec) -> dict[str, int]:
    """How many blocks hold each part an engine counts kernels for (hardware/speed_constants._latency_layers).

    Every token mixer and every FFN is a sub-block with its norm and residual ('block'); mixers by kind
    (attention of any window, Gated DeltaNet, Mamba, short conv; a hybrid block runs attention and Mamba
    side by side), FFNs dense or routed, plus a shared expert beside each routed one.
    """
    return dict(memo(spec, ("speed layer parts",), lambda: _layer_parts(spec)))


def _layer_parts(spec: ModelSpec) -> dict[str, int]:
    # A block's parts depend only on its mixer kind, routed or not, and dense MLP or not: each such
    # kind is counted once, times its blocks (issue 15: `fit --all`), its parts kept in the order
    # they first appear along the layers.
    moe = spec.moe_layers if spec.num_experts else ()
    blocks: dict[tuple[str, bool, bool], list[int]] = {}  # -> [its first block, how many]
    for i in range(spec.num_layers):
        key = (spec.layer_type(i), bool(moe and moe[i]), spec.has_mlp(i))
        seen = blocks.get(key)
        if seen is None:
            blocks[key] = [i, 1]
        else:
            seen[1] += 1
    parts: dict[str, int] = {}
    for first, count in blocks.values():
        for part, n in _block_parts(spec, first, moe).items():
            parts[part] = parts.get(part, 0) + n * count
    return parts


def _block_parts(spec: ModelSpec, i: int, moe: tuple[bool, ...]) -> dict[str, int]:
    parts: dict[str, int] = {}

    def add(part: str) -> None:
        parts[part] = parts.get(part, 0) + 1

    kind = spec.layer_type(i)
    if kind != "none":
        add("block")
    if kind == "hybrid":
        add("attention")
        add("mamba")
    elif kind in ("linear_attention", "mamba", "conv"):
        add(kind)
    elif kind != "none":
        add("mla" if spec.is_mla else "attention")
        if spec.is_mla and spec.indexer is not None and spec.compressed is None:
            add("dsa_indexer")  # DeepSeek-V3.2 / GLM-5: the lightning indexer beside each MLA mixer
    if moe and moe[i]:
        add("block")
        add("moe_ffn")
        if spec.num_shared_experts:
            add("shared_expert")
    elif spec.has_mlp(i):
        add("block")
        add("dense_ffn")
    _add_feature_parts(spec, i, kind, bool(moe and moe[i]), add)
    return parts


def _add_feature_parts(spec: ModelSpec, i: int, kind: str, routed: bool, add: Callable[[str], None]) -> None:
    """Block features an engine may count extra graph nodes for (estimate/engines/llama_cpp_nodes.py).

    Engines that name none of these parts (vLLM's and SGLang's fused kernel counts) are unchanged.
    """
    if kind == "none":
        return
    for _ in range(max(0, spec.norms_per_layer - 2)):
        add("extra_norm")
    if spec.layer_scalar:
        add("layer_scalar")
    # Norms that scale by (1 + weight): vLLM runs them as GemmaRMSNorm, a torch.compile'd function
    # when the model itself is not compiled (estimate/engines/vllm_eager_kernels.py).
    for _ in range(spec.norms_per_layer if spec.norm_unit_offset else 0):
        add("unit_offset_norm")
    if kind not in ("linear_attention", "mamba", "conv"):
        if spec.qk_norm != "none":
            add("qk_norm")
            if spec.norm_unit_offset:
                add("unit_offset_norm")
                add("unit_offset_norm")
        for _ in range((1 if spec.fused_qkv else 3) * spec.qkv_bias + spec.o_bias):
            add("proj_bias")
        if spec.attn_output_gate:
            add("output_gate")
    if routed:
        if spec.num_shared_experts and spec.shared_expert_gate:
            add("shared_expert_gate")
        if spec.router_scales:
            add("router_norm")
        if spec.expert_bias:
            add("expert_bias")
        if spec.router_bias:
            add("router_bias")
