"""llama.cpp's decode step counted in ggml graph nodes (estimate/engines/llama_cpp_nodes.py).

Counts come from ggml-org/llama.cpp src/llama-graph.cpp (build_norm, build_attn, build_ffn,
build_moe_ffn) and the model builders in src/models/*.cpp; views and reshapes are not nodes.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp import fusion_engine
from llmsize.estimate.engines.llama_cpp_nodes import DENSE_LAYER_NODES, NODES
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import layer_parts, speed_inputs
from llmsize.hardware.speed import SpeedInputs, decode_step, resolve_constants
from llmsize.specs.resolve import resolve


def _inputs(model: str, quant: str = "Q4_K_M", engine: str = "llama.cpp") -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 128, "quant": quant})
    return speed_inputs(spec, wl, estimate(spec, wl), engine=engine)


def test_a_dense_llama_block_is_19_nodes() -> None:
    # build_norm: rms_norm + mul; the residual add (x 2 sub-blocks); build_attn: q, k, v, 2 ropes, 2
    # set_rows into the cache, flash_attn_ext, wo; build_ffn: up, gate, the fused glu, down.
    assert (NODES["block"], NODES["attention"], NODES["dense_ffn"]) == (3, 9, 4)
    assert DENSE_LAYER_NODES == 2 * 3 + 9 + 4 == 19


def test_build_moe_ffn_nodes() -> None:
    # router mul_mat, soft_max, top_k, get_rows, sum_rows, clamp, div, 3 mul_mat_id, glu, weight mul;
    # the k selected experts' outputs summed with k - 1 adds.
    assert NODES["moe_ffn"] == 12
    assert NODES["moe_per_expert"] == 1


def test_gemma4_moe_block_parts() -> None:
    # src/models/gemma4.cpp: 7 hidden-size norms a block (5 beyond the two), q/k norms, a dense MLP beside
    # the routed experts, the router's rms_norm + scale + mul, the out_scale mul.
    spec = resolve("gemma-4-26B-A4B-it")
    parts = layer_parts(spec)
    n = spec.num_layers
    assert parts["extra_norm"] == 5 * n
    assert parts["qk_norm"] == parts["router_norm"] == parts["layer_scalar"] == n
    assert parts["moe_ffn"] == parts["shared_expert"] == n


def test_gpt_oss_biases_are_nodes() -> None:
    # src/models/openai-moe-iswa.cpp: q, k, v and o biases; add_id after each expert projection; the
    # router's bias.
    spec = resolve("gpt-oss-20b")
    parts = layer_parts(spec)
    assert parts["proj_bias"] == 4 * spec.num_layers
    assert parts["expert_bias"] == parts["router_bias"] == spec.num_layers


def test_extra_nodes_beyond_dense_blocks_on_a_gddr_card() -> None:
    rtx = get_gpu("RTX-4090")
    unfused = fusion_engine(5000)  # a build before the first CUDA fusion: every graph node is a kernel
    # Gemma 4 26B-A4B: 6 + 9 + 4 (q/k norms) + 10 (5 norms) + 5 (dense MLP + add) + 12 + 7 (8 experts)
    # + 3 (router norm) + 1 (out_scale) = 57 nodes a block, 38 beyond a dense one.
    gemma = resolve_constants(_inputs("gemma-4-26B-A4B-it", engine=unfused), rtx)
    assert gemma.extra_nodes == 30 * (57 - 19)
    # Qwen3-30B-A3B: 6 + 9 + 4 + 12 + 7 = 38 nodes a block.
    qwen = resolve_constants(_inputs("Qwen3-30B-A3B", engine=unfused), rtx)
    assert qwen.extra_nodes == 48 * (38 - 19)
    assert gemma.gpu_per_node_s > 0


def test_extra_kernels_of_the_current_build() -> None:
    # After ggml_cuda_try_fuse (estimate/engines/llama_cpp_fusion.py) a dense block launches 14 kernels;
    # Qwen3-30B-A3B's 4 + 8 + 5 (router, topk-moe, gate+up+GLU, down, weighted reduction) = 17, and
    # Gemma 4 26B-A4B's 4 + 8 + 5 (norms) + 5 + 3 (dense MLP + add) + 3 (router norm) + 1 = 29.
    rtx = get_gpu("RTX-4090")
    assert resolve_constants(_inputs("Qwen3-30B-A3B"), rtx).extra_nodes == pytest.approx(48 * (17 - 14))
    assert resolve_constants(_inputs("gemma-4-26B-A4B-it"), rtx).extra_nodes == pytest.approx(30 * (29 - 14))


def test_dense_llama_keeps_its_per_layer_latency() -> None:
    rtx = get_gpu("RTX-4090")
    inputs = _inputs("Llama-2-7b", "Q4_0")
    c = resolve_constants(inputs, rtx)
    assert c.extra_nodes == 0
    plain = inputs.model_copy(update={"layer_parts": {}})
    assert decode_step(inputs, rtx, c, 64)[0] == decode_step(plain, rtx, resolve_constants(plain, rtx), 64)[0]


def test_extra_nodes_cost_their_per_node_time() -> None:
    rtx = get_gpu("RTX-3090")
    inputs = _inputs("gemma-4-26B-A4B-it")
    c = resolve_constants(inputs, rtx)
    without = c.model_copy(update={"gpu_per_node_s": 0.0, "extra_nodes": 0.0, "latency_layers": 30.0})
    gap = decode_step(inputs, rtx, c, 64)[0] - decode_step(inputs, rtx, without, 64)[0]
    assert abs(gap - c.extra_nodes * c.gpu_per_node_s) < 1e-12


def test_classes_calibrated_with_moe_rows_add_no_node_time() -> None:
    # Apple's Metal per-layer latency and the LPDDR bandwidth share were calibrated on MoE rows.
    inputs = _inputs("Qwen3-30B-A3B")
    for gpu in ("M2-Ultra-192GB", "DGX-Spark"):
        assert resolve_constants(inputs, get_gpu(gpu)).extra_nodes == 0


@given(k=st.integers(min_value=1, max_value=16))
def test_more_experts_per_token_never_decode_faster(k: int) -> None:
    rtx = get_gpu("RTX-4090")
    base = _inputs_cached()
    fewer = base.model_copy(update={"experts_per_token": k})
    more = base.model_copy(update={"experts_per_token": k + 1})
    assert (
        decode_step(more, rtx, resolve_constants(more, rtx), 64)[0]
        >= decode_step(fewer, rtx, resolve_constants(fewer, rtx), 64)[0]
    )


_CACHE: dict[str, SpeedInputs] = {}


def _inputs_cached() -> SpeedInputs:
    if "q" not in _CACHE:
        _CACHE["q"] = _inputs("Qwen3-30B-A3B")
    return _CACHE["q"]
