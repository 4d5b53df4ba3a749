"""Serving-benchmark TPOT/TTFT and Ollama decode vs published runs (held-out rows of
bench/speed_tables.yaml; all rows and errors: docs/validation-speed.md). No test is timed."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.speed_eager import EAGER_SPEED, dense_layer_kernels, eager_engine
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import (
    SpeedInputs,
    decode_step,
    estimate_speed,
    prefill_seconds,
    resolve_constants,
)
from llmsize.hardware.speed_profiles import ENGINE_PROFILES
from llmsize.specs.resolve import resolve

EAGER_A100 = "https://github.com/vllm-project/vllm/issues/20469"
TT_A100 = "https://github.com/tenstorrent/tt-inference-server/issues/340"
OLLAMA_3090 = "https://github.com/ollama/ollama/issues/18225"


def _inputs(model: str, engine: str, prompt: int, gen: int, **extra: object) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate(
        {"engine": engine, "context": prompt + gen, "prompt_tokens": prompt, "batch": 1, **extra}
    )
    return speed_inputs(spec, wl, estimate(spec, wl), Layout())


def _tpot_ms(inputs: SpeedInputs, gpu_id: str, prompt: int, gen: int) -> float:
    gpu = get_gpu(gpu_id)
    c = resolve_constants(inputs, gpu)
    return 1000 * sum(decode_step(inputs, gpu, c, prompt + int((k + 0.5) * gen / 8))[0] for k in range(8)) / 8


def test_enforce_eager_selects_the_eager_profile() -> None:
    assert eager_engine("vllm", True) == "vllm-eager"
    assert eager_engine("vllm-0.6", True) == "vllm-0.6-eager"
    assert eager_engine("vllm", False) == "vllm"
    assert eager_engine("llama.cpp", True) == "llama.cpp"  # no graphs option of its own here
    for name, prof in EAGER_SPEED.items():
        graph = ENGINE_PROFILES[name.removesuffix("-eager")]
        assert not prof.graphs and graph.graphs
        assert prof.launch_per_layer_s > 0 and dense_layer_kernels(prof) == dense_layer_kernels(graph) == 10
        assert prof.step_fixed_s == graph.step_fixed_s  # only the launch path changes


def test_vllm_enforce_eager_tpot_is_cpu_launch_bound() -> None:
    # EAGER_A100: vLLM v0.9.1 --enforce-eager, Qwen3-14B-AWQ on one A100 80GB, 16000 -> 200 tokens at
    # max concurrency 1: mean TPOT 20.63 ms. With graphs the model gives ~11 ms (-45%): without them each
    # layer's kernels are launched from Python, 40 layers of CPU time per step.
    eager = _inputs("Qwen3-14B-AWQ", "vllm", 16000, 200, enforce_eager=True)
    graphs = _inputs("Qwen3-14B-AWQ", "vllm", 16000, 200)
    assert eager.engine == "vllm-eager" and graphs.engine == "vllm"
    gpu = get_gpu("A100-SXM-80GB")
    _, parts = decode_step(eager, gpu, resolve_constants(eager, gpu), 16100)
    assert parts["cpu"] > parts["gpu"]
    assert any("--enforce-eager" in note for note in estimate_speed(eager, gpu).notes)
    assert _tpot_ms(eager, "A100-SXM-80GB", 16000, 200) == pytest.approx(20.63, rel=0.20), EAGER_A100
    assert _tpot_ms(graphs, "A100-SXM-80GB", 16000, 200) < 0.7 * 20.63


def test_vllm_ttft_of_a_long_prompt() -> None:
    # EAGER_A100, same run: mean TTFT 3345 ms for the 16000-token prompt (chunked prefill, 8192 a step).
    inputs = _inputs("Qwen3-14B-AWQ", "vllm", 16000, 200, enforce_eager=True)
    gpu = get_gpu("A100-SXM-80GB")
    seconds, _ = prefill_seconds(inputs, gpu, resolve_constants(inputs, gpu))
    assert 1000 * seconds == pytest.approx(3345.37, rel=0.20), EAGER_A100


@pytest.mark.parametrize(
    ("model", "published", "rel"),
    [
        ("Qwen3-1.7B", 4.6, 0.15),  # held-out row: +2%
        ("Qwen3-30B-A3B", 9.6, 0.30),  # held-out row: -20% (MoE decode faster than published)
    ],
)
def test_vllm_serving_tpot_on_an_a100(model: str, published: float, rel: float) -> None:
    # TT_A100: vLLM serve + benchmark_serving, BF16, ISL 128 / OSL 128, concurrency 1, mean TPOT.
    inputs = _inputs(model, "vllm", 128, 128, engine_version="0.10")  # mid-2025: V1, synchronous scheduling
    assert _tpot_ms(inputs, "A100-SXM-80GB", 128, 128) == pytest.approx(published, rel=rel), TT_A100


def test_ollama_decode_on_an_rtx_3090() -> None:
    # OLLAMA_3090: Ollama 0.32.13, qwen3-vl:8b (Q4_K_M), RTX 3090, 100% in VRAM: 128.5 tok/s (slot A).
    inputs = _inputs("qwen3-vl:8b", "ollama", 1, 300)
    assert 1000 / _tpot_ms(inputs, "RTX-3090", 1, 300) == pytest.approx(128.5, rel=0.20), OLLAMA_3090
