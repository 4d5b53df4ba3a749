"""vLLM 0.4 decodes eagerly past max_context_len_to_capture (estimate/engines/vllm_graph_cap.py), checked
against Qwen's Qwen2 speed benchmark (held-out rows heldout6-qwen2-a100-* of bench/speed_tables.yaml).
No test is timed."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.speed_eager import dense_layer_kernels, launch_per_kernel_s
from llmsize.estimate.engines.transformers import LEGACY_SPEED as TRANSFORMERS_LEGACY
from llmsize.estimate.engines.vllm_graph_cap import MAX_CONTEXT_LEN_TO_CAPTURE_V04, SPEED_V04
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, decode_step, generation_seconds, resolve_constants
from llmsize.hardware.speed_profiles import ENGINE_PROFILES
from llmsize.specs.resolve import resolve

QWEN2_SPEED = (
    "https://github.com/QwenLM/Qwen2.5/blob/4da996c576418cc9ecdff35aeddfcdca814e9568/"
    "docs/source/benchmark/speed_benchmark.rst"
)
A100 = "A100-SXM-80GB"


def _inputs(model: str, engine: str, prompt: int, gen: int = 2048, **extra: object) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate(
        {"engine": "vllm", "context": prompt + gen, "prompt_tokens": prompt, "batch": 1, **extra}
    )
    return speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine)


def test_the_cap_is_the_v0_profile_with_an_eager_tail() -> None:
    v0 = ENGINE_PROFILES["vllm-0.6"]
    assert ENGINE_PROFILES["vllm-0.4"] is SPEED_V04
    assert SPEED_V04.graphs and SPEED_V04.graph_max_context == MAX_CONTEXT_LEN_TO_CAPTURE_V04 == 8192
    assert SPEED_V04.step_fixed_s == v0.step_fixed_s and SPEED_V04.gpu_per_layer_s == v0.gpu_per_layer_s
    # past the cap a 0.4 step launches each fused kernel at transformers' eager per-kernel time
    # (speed_eager.py), not some new constant; 0.6.3's bare-op launch (vllm_v0_graphs.py) is cheaper
    borrowed = launch_per_kernel_s(TRANSFORMERS_LEGACY["transformers-4"]) * dense_layer_kernels(v0)
    assert SPEED_V04.eager_launch_per_layer_s == pytest.approx(borrowed)
    assert SPEED_V04.eager_launch_per_layer_s > v0.eager_launch_per_layer_s > 0


@pytest.mark.parametrize(
    "model", ["Qwen2-0.5B-Instruct", "Qwen2-7B-Instruct", "Qwen2-72B-Instruct-GPTQ-Int4"]
)
def test_steps_within_the_cap_replay_graphs_and_longer_ones_do_not(model: str) -> None:
    gpu = get_gpu(A100)
    capped = _inputs(model, "vllm-0.4", 14336)
    graphs = _inputs(model, "vllm-0.6", 14336)
    c_capped, c_graphs = resolve_constants(capped, gpu), resolve_constants(graphs, gpu)
    # 0.4's paged decode attention reads a GQA cache per query head (vllm_paged_gqa.py); the rest of a
    # step inside the cap is 0.6.3's graph replay.
    c_graphs = c_graphs.model_copy(update={"kv_reread_factor": c_capped.kv_reread_factor})
    for ctx in (1, 4096, MAX_CONTEXT_LEN_TO_CAPTURE_V04):
        assert decode_step(capped, gpu, c_capped, ctx) == decode_step(graphs, gpu, c_graphs, ctx)
    for ctx in (MAX_CONTEXT_LEN_TO_CAPTURE_V04 + 1, 30720):
        step, parts = decode_step(capped, gpu, c_capped, ctx)
        assert parts["cpu"] == pytest.approx(capped.num_layers * SPEED_V04.eager_launch_per_layer_s)
        assert step >= decode_step(graphs, gpu, c_graphs, ctx)[0]


def _generate_tps(model: str, engine: str, prompt: int) -> float:
    inputs = _inputs(model, engine, prompt)
    return 2048 / generation_seconds(inputs, get_gpu(A100), prompt_tokens=prompt, new_tokens=2048)


def test_qwen2_small_model_slows_past_the_capture_limit() -> None:
    # QWEN2_SPEED, vLLM 0.4.2 on one A100 80GB, Qwen2-0.5B-Instruct BF16, 2048 tokens generated: 256.16
    # tokens/s after a 6144-token prompt (the context ends at 8192, inside the graphs), 108.89 after a
    # 14336-token one. With graphs at every step the model said ~245 (+125%).
    assert _generate_tps("Qwen2-0.5B-Instruct", "vllm-0.4", 6144) == pytest.approx(256.16, rel=0.10), (
        QWEN2_SPEED
    )
    assert _generate_tps("Qwen2-0.5B-Instruct", "vllm-0.4", 14336) == pytest.approx(108.89, rel=0.35), (
        QWEN2_SPEED
    )
    assert _generate_tps("Qwen2-0.5B-Instruct", "vllm-0.6", 14336) > 2 * 108.89
