"""vLLM 0.4 decodes AWQ checkpoints with llm-awq's split-K GEMM (estimate/engines/vllm_awq_gemm.py).

The kernel's share of datasheet bandwidth comes from AutoAWQ's published Llama-2-13B decode speeds
(same kernel, WQLinear_GEMM -> gemm_forward_cuda, split_k 8); here it is checked against other models
of AutoAWQ's RTX 4090 table, which did not feed it, and against Qwen's vLLM 0.4.2 table (held-out rows
heldout6-qwen2-a100-* of bench/speed_tables.yaml). No test is timed.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.vllm_awq_gemm import AWQ_GEMM_BANDWIDTH
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import generation_seconds
from llmsize.hardware.speed_profiles import ENGINE_PROFILES, kernel_bandwidth
from llmsize.specs.resolve import resolve

AUTOAWQ_README = "https://github.com/casper-hansen/AutoAWQ/blob/main/README.md"  # v0.1.6, RTX 4090
QWEN2_SPEED = (
    "https://github.com/QwenLM/Qwen2.5/blob/4da996c576418cc9ecdff35aeddfcdca814e9568/"
    "docs/source/benchmark/speed_benchmark.rst"
)
A100 = "A100-SXM-80GB"


def _awq_step_seconds(layers: int, hidden: int, kv: int, inter: int, vocab: int, bandwidth: float) -> float:
    """One batch-1 decode step of a Llama-shaped AWQ model: packed linears at the AWQ GEMM's share, the
    fp16 head at the 16-bit one (0.85 on GDDR); attention at a 64-token context is left out."""
    params = layers * (2 * hidden * hidden + 2 * hidden * kv + 3 * hidden * inter)
    packed = params * 0.5 + params / 128 * 2.5
    return packed / (bandwidth * AWQ_GEMM_BANDWIDTH["awq-gddr"]) + vocab * hidden * 2 / (bandwidth * 0.85)


@pytest.mark.parametrize(
    ("name", "shape", "published_tps"),
    [
        # AUTOAWQ_README, RTX 4090, GEMM, batch 1, 64-token prompt; shapes from each model's config.json.
        ("Mistral 7B", (32, 4096, 1024, 14336, 32000), 156.317),
        ("CodeLlama 34B", (48, 8192, 1024, 22016, 32000), 41.01),
        ("DeepSeek 33B", (62, 7168, 1024, 19200, 32256), 40.29),
    ],
)
def test_the_13b_share_predicts_the_other_models_of_the_4090_table(
    name: str, shape: tuple[int, int, int, int, int], published_tps: float
) -> None:
    seconds = _awq_step_seconds(*shape, bandwidth=1008e9)
    assert 1 / seconds == pytest.approx(published_tps, rel=0.12), (name, AUTOAWQ_README)


def test_only_vllm_04_runs_the_awq_gemm() -> None:
    gpu = get_gpu(A100)
    v04, v06 = ENGINE_PROFILES["vllm-0.4"], ENGINE_PROFILES["vllm-0.6"]
    awq_04 = kernel_bandwidth("awq", gpu, v04.kernel_bandwidth)
    # 0.4.2's AWQLinearMethod.apply_weights -> ops.awq_gemm below 256 tokens: about half of Marlin's rate
    # on an A100; GPTQ checkpoints on the same release keep gptq_marlin's share.
    assert awq_04 == AWQ_GEMM_BANDWIDTH["awq-hbm"]
    assert awq_04 < 0.6 * kernel_bandwidth("int4", gpu, v04.kernel_bandwidth)
    # 0.6.3 converts AWQ checkpoints to awq_marlin (vllm-project/vllm PR #6612): the shared int4 share.
    assert kernel_bandwidth("awq", gpu, v06.kernel_bandwidth) == kernel_bandwidth("int4", gpu)


def _generate_tps(model: str, prompt: int, tp: int) -> float:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "vllm", "context": prompt + 2048, "prompt_tokens": prompt,
                                  "batch": 1, "num_gpus": tp, "tp": tp})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=tp, pp=1), engine="vllm-0.4")
    return 2048 / generation_seconds(inputs, get_gpu(A100), prompt_tokens=prompt, new_tokens=2048)


@pytest.mark.parametrize(
    ("model", "tp", "published_tps"),
    [
        # QWEN2_SPEED, vLLM 0.4.2 on A100 80GB, input length 1, 2048 tokens generated. The same table's
        # GPTQ-Int4 rows (Marlin) run 143.40 (7B) and 42.82 (72B, 2 GPUs); the AWQ speeds were predicted
        # +44% and +61% with Marlin's share.
        ("Qwen2-7B-Instruct-AWQ", 1, 96.65),
        ("Qwen2-72B-Instruct-AWQ", 2, 27.73),
    ],
)
def test_qwen2_awq_rows_of_vllm_042(model: str, tp: int, published_tps: float) -> None:
    assert _generate_tps(model, 1, tp) == pytest.approx(published_tps, rel=0.15), QWEN2_SPEED
