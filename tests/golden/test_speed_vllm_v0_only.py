"""vLLM 0.8-0.10 decode a SupportsV0Only model (Llama 3.2 Vision) on the V0 engine
(estimate/engines/vllm_v0_only.py), checked against tenstorrent/tt-inference-server#379 (held-out rows
heldout9-tt379-4xh100-llama90bv-* of bench/speed_tables.yaml). No test is timed."""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.engines.vllm_v0_only import runs_v0
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve

MLLAMA = "MllamaForConditionalGeneration"
VISION_90B = "Llama-3.2-90B-Vision-Instruct"
# REFERENCE: https://github.com/tenstorrent/tt-inference-server/issues/379 (2025-07-14), "Text-to-Text
# Performance Benchmark Sweeps for Llama-3.2-90B-Vision-Instruct on 4xH100s": ISL 128, OSL 128,
# concurrency 1: TPOT 46.0 ms.
TT379_TPOT_S = 46.0e-3


def _workload(version: str | None, **extra: object) -> Workload:
    data: dict[str, object] = {"engine": "vllm", "context": 256, "prompt_tokens": 128, "batch": 1, **extra}
    if version:
        data["engine_version"] = version
    return Workload.model_validate(data)


def _name(model: str, version: str | None, **extra: object) -> str:
    return engine_for(_workload(version, **extra)).speed_name(resolve(model))


def test_only_the_releases_that_kept_v0_fall_back() -> None:
    # vllm/engine/arg_utils.py _is_v1_supported_oracle (0.8-0.10); 0.11.0 removed V0 and mllama.py.
    assert runs_v0(MLLAMA, (0, 8)) and runs_v0(MLLAMA, (0, 10))
    assert not runs_v0(MLLAMA, (0, 11)) and not runs_v0(MLLAMA, None)
    assert not runs_v0("LlamaForCausalLM", (0, 9))


def test_mllama_on_0_9_decodes_as_the_v0_engine() -> None:
    assert resolve(VISION_90B).architecture == MLLAMA
    assert _name(VISION_90B, "0.9.2") == "vllm-0.6"
    # a text model of the same release stays on V1; no release given keeps the current profile
    assert _name("Llama-3.1-70B-Instruct", "0.9.2") == "vllm-0.13"
    assert _name(VISION_90B, None) == "vllm"
    wl = _workload("0.9.2")
    assert any("profile 'vllm-0.6'" in n for n in engine_for(wl).notes(resolve(VISION_90B), wl))


def test_the_v0_step_moves_the_tt379_tpot_toward_the_published_one() -> None:
    spec, gpu = resolve(VISION_90B), get_gpu("H100-SXM-80GB")
    wl = _workload("0.9.2", num_gpus=4, tp=4)
    layout = Layout(tp=4, pp=1)
    steps = {}
    for name in ("vllm-0.13", engine_for(wl).speed_name(spec)):
        inputs = speed_inputs(spec, wl, estimate(spec, wl), layout, engine=name)
        steps[name], _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), 192)
    v1, v0 = steps["vllm-0.13"], steps["vllm-0.6"]
    # V0's serial host step costs more than V1's; the run's measured step is longer still.
    assert v1 < v0 < TT379_TPOT_S
    assert abs(v0 - TT379_TPOT_S) < abs(v1 - TT379_TPOT_S)
