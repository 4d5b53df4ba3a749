"""vLLM 0.4.2 shards every Qwen2-MoE expert across TP ranks: a 57B-A14B rank reads what Qwen2-7B reads.

v0.4.2 vllm/model_executor/models/qwen2_moe.py Qwen2MoeSparseMoeBlock builds each of the 64 experts as a
Qwen2MoeMLP (MergedColumnParallelLinear gate_up, RowParallelLinear down with reduce_results=False) and
pack_params flattens them for one fused_moe call, so at TP 2 every rank holds all 64 experts at half
their width and a batch-1 step reads 8 of them, beside half the attention and half the 20,480-wide shared
expert. Qwen2-7B has the same attention (hidden 3584, 28 layers, 28 / 4 heads) and ~233 M parameters a
layer against the 57B's ~235 M a rank, which is why docs/validation-speed.md uses it as the dense twin
of the held-out Qwen2-57B rows (heldout6-qwen2-a100-113..116). No test is timed.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.expert_parallel import step_weight_reads
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, generation_seconds
from llmsize.specs.resolve import resolve

QWEN2_SPEED = (
    "https://github.com/QwenLM/Qwen2.5/blob/4da996c576418cc9ecdff35aeddfcdca814e9568/"
    "docs/source/benchmark/speed_benchmark.rst"
)
HIDDEN, LAYERS, MOE_INTER, PICKED = 3584, 28, 2560, 8  # Qwen2-57B-A14B config.json


def _inputs(model: str, tp: int, prompt: int = 1) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "vllm", "context": prompt + 2048, "prompt_tokens": prompt,
                                  "batch": 1, "num_gpus": tp, "tp": tp})
    return speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=tp, pp=1), engine="vllm-0.4")


def test_a_rank_reads_eight_half_width_experts_a_layer() -> None:
    _, routed = step_weight_reads(_inputs("Qwen2-57B-A14B-Instruct", 2))
    # gate + up + down of 8 picked experts, each split in two by TP 2, BF16
    expected = LAYERS * PICKED * 3 * HIDDEN * MOE_INTER // 2 * 2
    assert routed == pytest.approx(expected, rel=0.01)


def test_a_57b_rank_reads_about_what_the_dense_twin_reads() -> None:
    moe_rank, _ = step_weight_reads(_inputs("Qwen2-57B-A14B-Instruct", 2))
    dense, _ = step_weight_reads(_inputs("Qwen2-7B-Instruct", 1))
    assert moe_rank == pytest.approx(dense, rel=0.06)


def test_the_dense_twin_decodes_as_published() -> None:
    # QWEN2_SPEED, vLLM table: Qwen2-7B-Instruct BF16, input 1, 1 GPU, 80.45 tokens/s (2048 generated).
    inputs = _inputs("Qwen2-7B-Instruct", 1)
    tps = 2048 / generation_seconds(inputs, get_gpu("A100-SXM-80GB"), prompt_tokens=1, new_tokens=2048)
    assert tps == pytest.approx(80.45, rel=0.10)
