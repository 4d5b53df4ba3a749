"""Decode reads per layer kind: full attention grows with the context, sliding windows stop at the
window, linear-attention / Mamba blocks read and write a fixed state (hardware/plan.kv_read_curve)."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.moe_stream import routed_read_bytes, weight_read_seconds
from llmsize.hardware.plan import speed_inputs
from llmsize.hardware.speed import SpeedInputs, decode_step, resolve_constants
from llmsize.specs.resolve import resolve


def _inputs(model: str, context: int, batch: int = 1) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "vllm", "context": context, "batch": batch})
    return speed_inputs(spec, wl, estimate(spec, wl), engine="vllm")


def _step(inputs: SpeedInputs, ctx: int) -> float:
    gpu = get_gpu("h100")
    return decode_step(inputs, gpu, resolve_constants(inputs, gpu), ctx)[0]


def test_sliding_window_layers_stop_growing_at_their_window() -> None:
    # Gemma 3 4B (published config): 34 blocks, every 6th global, the others a 1024-token window;
    # 4 KV heads of 256 dims, BF16: 2 x 4 x 256 x 2 = 4096 bytes per token and layer.
    spec = resolve("gemma-3-4b-it")
    full = sum(1 for i in range(spec.num_layers) if spec.has_kv(i) and spec.layer_window(i) is None)
    windowed = sum(1 for i in range(spec.num_layers) if spec.layer_window(i) == 1024)
    assert (full, windowed) == (5, 29)
    inputs = _inputs("gemma-3-4b-it", 32768)
    curve = dict(inputs.kv_read_curve)
    per_token = 2 * 4 * 256 * 2
    assert curve[1024] == 34 * per_token * 1024
    # Past the window only the 5 global blocks grow.
    step_a, step_b = _step(inputs, 8192), _step(inputs, 16384)
    gpu = get_gpu("h100")
    kv_rate = gpu.bandwidth_bytes_per_s * resolve_constants(inputs, gpu).kv_bandwidth_fraction
    grown_bytes = (step_b - step_a) * kv_rate
    assert 0.9 < grown_bytes / (5 * per_token * 8192) < 1.1


def test_the_curve_agrees_with_the_memory_model_at_the_workload_context() -> None:
    inputs = _inputs("Qwen2.5-7B-Instruct", 8192, batch=4)
    assert inputs.state_bytes_per_gpu == 0
    curve = dict(inputs.kv_read_curve)
    # Dense full attention: 28 layers x 4 KV heads x 128 dims x K,V x 2 bytes per token and sequence.
    assert curve[0] == 0
    at_context = 28 * 4 * 128 * 2 * 2 * 8192 * 4
    assert inputs.kv_bytes_per_gpu == at_context
    assert abs(_step(inputs, 8192) - _step(inputs, 4096)) > 0


def test_recurrent_state_is_a_fixed_read_and_write_per_step() -> None:
    # Qwen3.5: three Gated DeltaNet blocks per full-attention block; their state does not grow.
    inputs = _inputs("Qwen3.5-35B-A3B", 16384, batch=8)
    assert inputs.state_bytes_per_gpu > 0
    spec = resolve("Qwen3.5-35B-A3B")
    attention = sum(1 for i in range(spec.num_layers) if spec.has_kv(i))
    assert 0 < attention < spec.num_layers
    curve = dict(inputs.kv_read_curve)
    assert curve[0] == 0  # no context, no cache: only the state is read
    gpu = get_gpu("h100")
    c = resolve_constants(inputs, gpu)
    empty = decode_step(inputs, gpu, c, 0)[1]["memory"]
    # The weights as the step streams them (routed experts at the fused-MoE share: hardware/moe_stream.py).
    routed = routed_read_bytes(inputs.routed_weight_bytes_per_gpu, inputs.expert_pick_share, inputs.batch)
    weights = weight_read_seconds(inputs.active_weight_bytes_per_gpu, routed, gpu.bandwidth_bytes_per_s,
                                  c.bandwidth_fraction, c.moe_stream_fraction)
    assert c.state_traffic == 2.0  # vLLM's kernels update the state in place: one read, one write
    state_s = 2 * inputs.state_bytes_per_gpu / (gpu.bandwidth_bytes_per_s * c.kv_bandwidth_fraction)
    assert abs(empty - weights - state_s) < 1e-9


def test_moe_layers_pay_their_routing_kernels_on_metal() -> None:
    # llama.cpp's graph runs 19 nodes in a dense Llama block; Qwen3-30B-A3B's (q/k norms: 4, routed FFN:
    # router, soft_max, top_k, get_rows, sum_rows + clamp + div, 3 mul_mat_id, swiglu, the weight mul and
    # 7 adds for 8 experts: 19, against the dense FFN's 4) 38 (estimate/engines/llama_cpp_nodes.py). Metal
    # keeps its per-layer latency, calibrated on such models, as a share of a dense block's nodes.
    spec = resolve("Qwen3-30B-A3B")
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 128, "quant": "Q8_0"})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), engine="llama.cpp")
    assert inputs.layer_parts == {"block": 96, "attention": 48, "moe_ffn": 48, "qk_norm": 48}
    m2 = get_gpu("M2-Ultra-192GB")
    c = resolve_constants(inputs, m2)
    assert c.latency_layers == 48 * 38 / 19
    assert c.extra_nodes == 0  # Apple: no separate per-node time
    dense = inputs.model_copy(update={"layer_parts": {}})
    extra = decode_step(inputs, m2, c, 64)[0] - decode_step(dense, m2, resolve_constants(dense, m2), 64)[0]
    assert abs(extra - 48 * c.gpu_per_layer_s * 19 / 19) < 1e-12


def test_mixer_only_blocks_count_their_own_kernels() -> None:
    # Nemotron-3 Nano: 52 blocks, each one mixer (Mamba-2 or attention) or one routed FFN; counted per
    # block (a Mamba-2 block 3 + 17 = 20 nodes, an attention one 3 + 9 = 12, a routed FFN with its shared
    # expert more) they add up to between one and two dense Llama blocks (19 nodes) each.
    spec = resolve("NVIDIA-Nemotron-3-Nano-30B-A3B")
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 128})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), engine="llama.cpp")
    parts = inputs.layer_parts
    assert parts["block"] == spec.num_layers
    assert parts.get("mamba", 0) + parts.get("attention", 0) + parts.get("moe_ffn", 0) == spec.num_layers
    c = resolve_constants(inputs, get_gpu("M2-Ultra-192GB"))
    assert spec.num_layers < c.latency_layers < 2 * spec.num_layers


def test_mla_decodes_in_the_absorbed_latent_form() -> None:
    # DeepSeek-V3: 128 heads; absorbed decode scores 512 + 64 latent dims and sums 512 per head and
    # cached token (2 FLOPs per multiply-add), where the up-projected form uses 192 and 128.
    from llmsize.hardware.speed import attention_flops_decode

    spec = resolve("DeepSeek-V3")
    assert (spec.kv_lora_rank, spec.qk_rope_head_dim, spec.num_attention_heads) == (512, 64, 128)
    per_token_layer = 2 * 128 * (512 + 64 + 512)
    assert attention_flops_decode(spec, 1000) == per_token_layer * 1000 * spec.num_layers


def test_windowed_layers_stop_adding_attention_flops() -> None:
    # Gemma 3 4B: 8 query heads of 256 dims; past the 1,024-token window only the 5 global blocks
    # score more keys: 2 x 8 x (256 + 256) FLOPs per key and block.
    curve = dict(_inputs("gemma-3-4b-it", 32768).attention_flops_curve)
    assert curve[16384] - curve[8192] == 5 * 2 * 8 * 512 * 8192


@pytest.mark.parametrize(("model", "attention_blocks", "heads", "head_dim"), [
    # Published configs (model_specs/): Qwen3.5-35B-A3B (= Qwen3.6-35B-A3B) has 10 gated-attention blocks
    # of 40 (full_attention_interval 4), 16 query heads of 256; Nemotron-H-8B 4 attention blocks of 52
    # (24 Mamba-2, 24 MLP-only), 32 heads of 128.
    ("Qwen3.5-35B-A3B", 10, 16, 256),
    ("Nemotron-H-8B-Base-8K", 4, 32, 128),
])
def test_only_attention_blocks_score_query_key_pairs(model: str, attention_blocks: int, heads: int,
                                                      head_dim: int) -> None:
    # A Gated DeltaNet / Mamba / MLP-only block keeps no per-token keys: it scores no pairs, in a prompt or a
    # decode step (hardware/attention_flops.attention_flops_per_key). They were counted as full attention.
    from llmsize.hardware.speed import attention_flops_decode, attention_flops_prefill

    spec = resolve(model)
    per_pair = 2 * heads * (head_dim + head_dim)
    assert attention_flops_prefill(spec, 4096) == attention_blocks * per_pair * 4096 * 4097 // 2
    assert attention_flops_decode(spec, 1000) == attention_blocks * per_pair * 1000
    curve = dict(_inputs(model, 32768).attention_flops_curve)
    assert curve[16384] - curve[8192] == attention_blocks * per_pair * 8192


def test_graph_engines_count_fused_moe_and_mla_kernels() -> None:
    # vLLM / SGLang replay graphs of fused kernels: 10 in a dense layer, a routed FFN 7 instead of the
    # dense 3 (router, topk_softmax, align, two fused_moe GEMMs, silu_and_mul, moe_sum), MLA 10 instead
    # of attention's 5. Dense models keep one latency a layer.
    dense = _inputs("Qwen2.5-7B-Instruct", 4096)
    h100 = get_gpu("h100")
    assert resolve_constants(dense, h100).latency_layers == 28
    moe = _inputs("Qwen3-30B-A3B", 4096)
    assert resolve_constants(moe, h100).latency_layers == 48 * (2 + 5 + 7) / 10
    ds = _inputs("DeepSeek-V3", 4096)
    spec = resolve("DeepSeek-V3")
    routed = sum(spec.moe_layers)
    dense_layers = spec.num_layers - routed
    expected = (dense_layers * (2 + 10 + 3) + routed * (2 + 10 + 7 + 4)) / 10
    assert resolve_constants(ds, h100).latency_layers == expected


def test_transformers_reads_gqa_heads_in_place_since_5() -> None:
    # transformers 4.46's decode expanded K/V with repeat_kv (n_rep copies written and read after the
    # torch.cat); 5.x passes enable_gqa to SDPA or packs the query per KV head (sdpa_attention.py), so
    # the cache is concatenated (2x) and read once (1x). Qwen2.5-72B: 64 query heads over 8 KV heads.
    spec = resolve("Qwen2.5-72B-Instruct")
    wl = Workload.model_validate({"engine": "transformers", "context": 8192})
    now = speed_inputs(spec, wl, estimate(spec, wl), engine="transformers")
    then = now.model_copy(update={"engine": "transformers-4"})
    a100 = get_gpu("A100-SXM-80GB")
    assert resolve_constants(now, a100).kv_traffic_factor == 3
    # 4.46 on PyTorch 2.3: the concat (2) and repeat_kv (1 + 8) copies run unvectorized, at 0.60 of a
    # 16-bit kernel's rate (transformers_cache_copies.py, pytorch#150233); attention reads its 8 copies.
    old = resolve_constants(then, a100).kv_traffic_factor
    assert old == pytest.approx((2 + 1 + 8) / 0.6035 + 8, rel=1e-3)
