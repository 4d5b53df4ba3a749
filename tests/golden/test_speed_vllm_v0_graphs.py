"""vLLM's V0 engine (0.6.3) off its CUDA graphs: past max_seq_len_to_capture and with --enforce-eager,
against Qwen's published vLLM 0.6.3 table on A100-SXM-80GB (held-out rows of bench/speed_tables.yaml;
all rows: docs/validation-speed.md). No test is timed."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.speed_eager import EAGER_SPEED
from llmsize.estimate.engines.vllm_v0_graphs import (
    BARE_OP_LAUNCH_S,
    V0_MAX_SEQ_LEN_TO_CAPTURE,
    eager_launch_per_layer,
)
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, decode_step, prefill_seconds, resolve_constants
from llmsize.hardware.speed_profiles import ENGINE_PROFILES
from llmsize.specs.resolve import resolve

QWEN25_SPEED = (
    "https://github.com/QwenLM/Qwen2.5/blob/a912d239c2d0e2e5d10bb8d02e6f5685edb43e68/"
    "docs/source/benchmark/speed_benchmark.rst"
)


def _inputs(model: str, prompt: int, gen: int, tp: int = 1, **extra: object) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate(
        {
            "engine": "vllm",
            "context": prompt + gen,
            "prompt_tokens": prompt,
            "batch": 1,
            "num_gpus": tp,
            "tp": tp,
            **extra,
        }
    )
    return speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=tp, pp=1), engine="vllm-0.6")


def _generate_tps(inputs: SpeedInputs, prompt: int, gen: int) -> float:
    """Qwen's metric: 2048 generated tokens / the whole generate call (prompt included)."""
    gpu = get_gpu("A100-SXM-80GB")
    c = resolve_constants(inputs, gpu)
    seconds = prefill_seconds(inputs, gpu, c, prompt)[0]
    seconds += (
        sum(decode_step(inputs, gpu, c, prompt + int((k + 0.5) * gen / 8))[0] for k in range(8)) * gen / 8
    )
    return gen / seconds


def test_v0_eager_layer_is_its_fused_kernels_at_a_bare_op_launch_each() -> None:
    v0, v1 = ENGINE_PROFILES["vllm-0.6"], ENGINE_PROFILES["vllm"]
    assert v0.graph_max_context == V0_MAX_SEQ_LEN_TO_CAPTURE == 8192
    assert v0.eager_launch_per_layer_s == pytest.approx(10 * BARE_OP_LAUNCH_S) == eager_launch_per_layer(10)
    # --enforce-eager on V0 launches the same kernels the same way; V1 has no context cap.
    assert EAGER_SPEED["vllm-0.6-eager"].launch_per_layer_s == v0.eager_launch_per_layer_s
    assert v1.graph_max_context == 0
    assert EAGER_SPEED["vllm-eager"].launch_per_layer_s > EAGER_SPEED["vllm-0.6-eager"].launch_per_layer_s


def test_v0_decodes_eagerly_only_past_the_graph_cap() -> None:
    inputs = _inputs("Qwen2.5-7B-Instruct", 14336, 2048)
    gpu = get_gpu("A100-SXM-80GB")
    c = resolve_constants(inputs, gpu)
    assert decode_step(inputs, gpu, c, V0_MAX_SEQ_LEN_TO_CAPTURE)[1]["cpu"] == 0.0
    assert decode_step(inputs, gpu, c, V0_MAX_SEQ_LEN_TO_CAPTURE + 1)[1]["cpu"] == pytest.approx(
        inputs.num_layers * c.eager_launch_per_layer_s
    )


def test_eager_fallback_hides_under_the_gpu_even_for_half_a_billion_parameters() -> None:
    # QWEN25_SPEED, vLLM 0.5B BF16 at max_model_len 32768: 304.79 t/s at 6,144 input tokens (graphs) and
    # 290.28 at 14,336 (past the 8192 cap: eager), the 4% a longer cache and prompt explain; no launch jump.
    inputs = _inputs("Qwen2.5-0.5B-Instruct", 14336, 2048)
    gpu = get_gpu("A100-SXM-80GB")
    c = resolve_constants(inputs, gpu)
    graphed = decode_step(inputs, gpu, c, V0_MAX_SEQ_LEN_TO_CAPTURE)[0]
    eager = decode_step(inputs, gpu, c, V0_MAX_SEQ_LEN_TO_CAPTURE + 1)[0]
    assert eager - graphed < 0.01e-3
    published_drop = 290.28 / 304.79
    modelled = _generate_tps(inputs, 14336, 2048) / _generate_tps(
        _inputs("Qwen2.5-0.5B-Instruct", 6144, 2048), 6144, 2048
    )
    assert modelled == pytest.approx(published_drop, abs=0.03), QWEN25_SPEED


@pytest.mark.parametrize(("prompt", "published"), [(1, 46.30), (6144, 42.50)])
def test_72b_gptq_int4_two_a100s_enforce_eager(prompt: int, published: float) -> None:
    # QWEN25_SPEED, 72B (vLLM) table: Qwen2.5-72B-Instruct-GPTQ-Int4 on 2 GPUs, Setting 2 (input 1,
    # max_model_len 4096) and Setting 3 (input 6144, 8192), both enforce_eager=True: 46.30 and 42.50 t/s.
    # With transformers' eager launch time (0.45 ms a layer) they were predicted 47% and 45% slow.
    inputs = _inputs("Qwen2.5-72B-Instruct-GPTQ-Int4", prompt, 2048, tp=2, enforce_eager=True)
    assert inputs.engine == "vllm-0.6-eager"
    assert _generate_tps(inputs, prompt, 2048) == pytest.approx(published, rel=0.10), QWEN25_SPEED


def test_eager_and_graph_72b_on_two_a100s_decode_alike() -> None:
    # QWEN25_SPEED: the eager GPTQ-Int4 run (46.30 t/s) is as fast as the graph AWQ run (44.30, Default):
    # same bytes per GPU, and 80 eager layers' launches fit inside the GPU's time for them.
    eager = _generate_tps(
        _inputs("Qwen2.5-72B-Instruct-GPTQ-Int4", 1, 2048, tp=2, enforce_eager=True), 1, 2048
    )
    graphs = _generate_tps(_inputs("Qwen2.5-72B-Instruct-AWQ", 1, 2048, tp=2), 1, 2048)
    assert eager / graphs == pytest.approx(46.30 / 44.30, rel=0.05), QWEN25_SPEED
