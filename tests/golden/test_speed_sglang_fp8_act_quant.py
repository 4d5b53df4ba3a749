"""SGLang's block-FP8 linears run an input-quantize kernel each (estimate/engines/sglang_fp8_act_quant.py).

Published figures (none of them held out): SGLang 0.5.15 cookbook cells, Qwen3.5-27B at one stream,
random 8192 in / 1024 out (mean 4096 / 512), TP 1: FP8 7.54 ms and BF16 10.45 ms per output token on a
B200 (sgl-project/sglang PR #32323, qwen3.5-benchmarks.jsx). The FP8 step is not the BF16 one times the
weight bytes: its per-kernel latency is larger. InferenceX's SGLang v0.5.7 DeepSeek-R1-0528 FP8, TP 8 on
8 x H200, 1k / 1k with range ratio 0.8 (mean 922 / 922), concurrency 8: mean TPOT 12.8 ms
(SemiAnalysisAI/InferenceX#870).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import sglang_fp8_act_quant as aq
from llmsize.estimate.layer_parts import layer_parts
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, prefill_seconds, resolve_constants
from llmsize.hardware.speed_serving import serving_tpot_s
from llmsize.specs.models import QuantMethod, WeightFormat
from llmsize.specs.resolve import resolve

COOKBOOK = "https://github.com/sgl-project/sglang/pull/32323"
INFERENCEX_DSR1 = "https://github.com/SemiAnalysisAI/InferenceX/issues/870"


def _tpot_ms(model: str, gpu_id: str, tp: int, prompt: int, gen: int, batch: int = 1,
             quant: str | None = None, engine: str = "sglang") -> float:
    data: dict[str, object] = {"engine": engine, "context": prompt + gen, "prompt_tokens": prompt,
                               "batch": batch, "num_gpus": tp, "tp": tp}
    if quant:
        data["quant"] = quant
    wl = Workload.model_validate(data)
    spec = resolve(model)
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=tp))
    gpu = get_gpu(gpu_id)
    c = resolve_constants(inputs, gpu)
    step, _ = decode_step(inputs, gpu, c, prompt + gen // 2)
    wave, _ = prefill_seconds(inputs, gpu, c, prompt)
    return 1000 * (serving_tpot_s(step, wave, batch, gen) or 0.0)


def test_fp8_to_bf16_step_ratio_matches_the_cookbook() -> None:
    # 7.54 / 10.45 = 0.72; without the quantize kernels the model gave 0.64 (FP8 priced 11% too fast).
    fp8 = _tpot_ms("Qwen3.5-27B", "B200", 1, 4096, 512, quant="fp8")
    bf16 = _tpot_ms("Qwen3.5-27B", "B200", 1, 4096, 512)
    assert fp8 / bf16 == pytest.approx(7.54 / 10.45, rel=0.05), COOKBOOK


def test_deepseek_r1_fp8_h200_concurrency_8() -> None:
    # Published 12.8 ms; the model said 11.1 (-13%) before the quantize kernels were counted.
    assert _tpot_ms("DeepSeek-R1", "H200-SXM-141GB", 8, 922, 922, batch=8) == pytest.approx(12.8, rel=0.10), (
        INFERENCEX_DSR1)


def test_deepseek_r1_counts_one_kernel_per_fp8_matmul() -> None:
    # 61 MLA mixers x 3 (fused q_a / kv_a, q_b, o_proj), 3 dense FFNs x 2, 58 routed FFNs x 2 (the fused
    # MoE's two GEMM inputs), 58 shared experts x 2.
    parts = layer_parts(resolve("DeepSeek-R1"))
    fp8 = WeightFormat(quant=QuantMethod.FP8)
    assert aq.act_quant_kernels(parts, fp8) == 61 * 3 + 3 * 2 + 58 * 2 + 58 * 2


@pytest.mark.parametrize("fmt", [
    WeightFormat(),  # BF16: one GEMM per linear
    WeightFormat(quant=QuantMethod.FP8, group_size=-1),  # per-channel FP8: per-token quantization in the GEMM
    WeightFormat(quant=QuantMethod.NVFP4, bits=4),
])
def test_other_formats_add_no_quantize_kernels(fmt: WeightFormat) -> None:
    assert aq.act_quant_kernels(layer_parts(resolve("DeepSeek-R1")), fmt) == 0


def test_fp8_layers_with_other_experts_count_the_layers_only() -> None:
    parts = layer_parts(resolve("DeepSeek-R1"))
    mixed = WeightFormat(quant=QuantMethod.FP8, expert_quant=QuantMethod.NVFP4)
    assert aq.act_quant_kernels(parts, mixed) == 61 * 3 + 3 * 2 + 58 * 2


def test_vllm_is_not_charged() -> None:
    # vLLM's kernel table names no quantize part: its FP8 step is unchanged by this module.
    wl = Workload.model_validate({"engine": "vllm", "context": 1844, "prompt_tokens": 922, "quant": "fp8"})
    spec = resolve("Qwen3-8B")
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout())
    assert aq.PART not in inputs.layer_parts
    sgl = Workload.model_validate({"engine": "sglang", "context": 1844, "prompt_tokens": 922, "quant": "fp8"})
    assert speed_inputs(spec, sgl, estimate(spec, sgl), Layout()).layer_parts[aq.PART] == 36 * (2 + 2)
