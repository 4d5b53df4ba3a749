"""SGLang's lightning-indexer decode kernels (estimate/engines/sglang_dsa_kernels.py).

The count is read from sgl-project/sglang nsa_indexer.py Indexer.forward_cuda: on the dual stream's
longer side wq_b, wk, k_norm, rotary, two rope write-backs, two Hadamard rotations and two act_quant
calls; after the join the gate's two scalings, the index-key store, fp8_paged_mqa_logits and the fused
top-k; plus the block-FP8 input quantizations of wq_b and wk.
"""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import sglang_fp8_act_quant
from llmsize.estimate.engines.speed_profile import SERVING_LAYER_KERNELS
from llmsize.estimate.layer_parts import layer_parts
from llmsize.estimate.weights import effective_format
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import speed_inputs
from llmsize.hardware.speed_constants import _latency_layers, resolve_constants
from llmsize.specs.resolve import resolve


def _wl(engine: str) -> Workload:
    return Workload.model_validate({"engine": engine, "context": 4608, "batch": 1, "quant": "fp8"})


def test_sglang_counts_its_own_indexer_kernels() -> None:
    # 10 on the q / k stream + 5 after the join, against the vLLM-shaped serving count of 10
    assert sglang_fp8_act_quant.LAYER_KERNELS["dsa_indexer"] == 15
    assert sglang_fp8_act_quant.LAYER_KERNELS["dsa_indexer"] > SERVING_LAYER_KERNELS["dsa_indexer"]


def test_block_fp8_indexer_linears_quantize_their_input() -> None:
    spec = resolve("DeepSeek-V3.2")
    fmt, _ = effective_format(spec, _wl("sglang"))
    parts = layer_parts(spec)
    dsa_layers = parts["dsa_indexer"]
    without = {k: v for k, v in parts.items() if k != "dsa_indexer"}
    # wq_b and wk: one per_token_group_quant_fp8 each, on every DSA layer (61 in V3.2)
    assert dsa_layers == 61
    count = sglang_fp8_act_quant.act_quant_kernels
    extra = count(parts, fmt) - count(without, fmt)
    assert extra == 2 * dsa_layers


def test_sglang_dsa_step_pays_the_extra_kernels_latency() -> None:
    spec = resolve("DeepSeek-V3.2")
    wl = _wl("sglang")
    inputs = speed_inputs(spec, wl, estimate(spec, wl), engine="sglang")
    c = resolve_constants(inputs, get_gpu("B200"))
    vllm_shaped = _latency_layers(inputs, {**sglang_fp8_act_quant.LAYER_KERNELS, "dsa_indexer": 10})
    # 5 more indexer kernels on each of the 61 DSA layers, over a dense layer's 10 kernels
    assert abs((c.latency_layers - vllm_shaped) - 61 * 5 / 10) < 1e-9
