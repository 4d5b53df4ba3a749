"""Prompt with weights in host RAM: what op offload copies per ubatch, and where the engine runs it.

Rules: estimate/engines/llama_cpp_op_upload.py (ggml-backend.cpp ggml_backend_sched_compute_splits, the
whole expert tensor before ggml-org/llama.cpp#15346, the picked experts after), estimate/engines/
ollama_op_offload.py (Ollama's Go engine built its scheduler with op_offload false from v0.7.0 to
v0.12.7), hardware/host_upload.py and hardware/host_prompt.py.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.hardware.read_share import expert_read_fraction
from llmsize.hardware.speed import SpeedInputs
from llmsize.specs.resolve import resolve


def _inputs(model: str, **workload: object) -> SpeedInputs:
    planner = Planner(resolve(model), Workload.model_validate(workload))
    layout = planner.choose_layout(get_gpu("RTX-4090"), 1)[0]
    wl = planner.workload(layout)
    return planner.speed_inputs_for(layout, planner.estimate(wl), wl)


def test_cpu_experts_upload_every_expert_a_ubatch_picks_not_one_tokens_share() -> None:
    wl = {"engine": "llama.cpp", "n_cpu_moe": 24, "prompt_tokens": 2048, "ubatch": 512, "context": 4096}
    inputs = _inputs("gpt-oss-20b", **wl)
    spec = resolve("gpt-oss-20b")
    host_experts = inputs.host_weight_bytes / expert_read_fraction(spec, 1)
    # Decode still reads one token's 4 of 32 experts from host RAM.
    assert inputs.host_weight_bytes == pytest.approx(host_experts * 4 / 32, rel=0.01)
    # A 512-token ubatch picks every expert under uniform routing: the whole tensors cross PCIe.
    assert inputs.host_upload_bytes == pytest.approx(host_experts, rel=0.01)
    assert inputs.host_prompt_flops == 0  # op offload on: the GPU multiplies them


def test_a_small_ubatch_copies_fewer_experts_only_from_pr_15346_on() -> None:
    base = {"engine": "llama.cpp", "n_cpu_moe": 36, "prompt_tokens": 512, "ubatch": 32, "context": 1024}
    new = _inputs("gpt-oss-120b", **base, engine_version="b6300")
    old = _inputs("gpt-oss-120b", **base, engine_version="b6100")
    assert new.host_weight_bytes == old.host_weight_bytes
    # 32 tokens picking 4 of 128 experts leave (124/128)^32 = 36% of them untouched.
    assert new.host_upload_bytes == pytest.approx(old.host_upload_bytes * (1 - (124 / 128) ** 32), rel=0.01)


def test_dense_host_layers_upload_what_decode_reads() -> None:
    wl = {"engine": "llama.cpp", "gpu_layers": 20, "prompt_tokens": 512, "quant": "Q4_K_M"}
    inputs = _inputs("Llama-3.1-8B-Instruct", **wl)
    assert inputs.host_weight_bytes > 0 and inputs.host_upload_bytes is None


def test_no_op_offload_runs_the_host_layers_prompt_on_the_cpu() -> None:
    wl = {"engine": "llama.cpp", "gpu_layers": 20, "prompt_tokens": 512, "quant": "Q4_K_M"}
    on = _inputs("Llama-3.1-8B-Instruct", **wl)
    off = _inputs("Llama-3.1-8B-Instruct", **wl, op_offload=False)
    assert on.host_prompt_flops == 0
    # 12 of 32 blocks on the CPU: about 12/32 of 2 x 7 B FLOPs a token, and their attention.
    assert off.host_prompt_flops == pytest.approx(512 * 2 * 7.0e9 * 12 / 32, rel=0.15)


@pytest.mark.parametrize(
    ("release", "model_type", "offloaded"),
    [
        ("0.6.8", "gemma3", True),  # the vendored ggml's scheduler had no op_offload switch: always on
        ("0.7.0", "gemma3", False),  # ml/backend/ggml/ggml.go: ggml_backend_sched_new(..., false, false)
        ("0.12.7", "gpt_oss", False),
        ("0.12.8", "gpt_oss", True),  # afaf7ce8c "ggml: Enable op_offload ..."
        ("0.11.4", "llama", True),  # the llama runner keeps llama.cpp's default
        ("0.11.4", "qwen3", True),  # qwen3 moved to the Go engine in v0.12.0
        ("0.12.2", "qwen3", False),
    ],
)
def test_ollama_go_engine_op_offload_by_release(release: str, model_type: str, offloaded: bool) -> None:
    spec = resolve({"gemma3": "gemma-3-4b-it", "gpt_oss": "gpt-oss-20b", "llama": "Llama-3.1-8B-Instruct",
                    "qwen3": "Qwen3-8B"}[model_type])
    assert spec.model_type.startswith(model_type)
    eng = engine_for(Workload.model_validate({"engine": "ollama", "engine_version": release}))
    assert eng.host_ops_offloaded(spec) is offloaded


@pytest.mark.parametrize(("engine", "version", "used_only"), [
    ("llama.cpp", "b6100", False), ("llama.cpp", "b6300", True), ("llama.cpp", None, True),
    ("ollama", "0.12.3", False), ("ollama", "0.12.4", True), ("ollama", None, True),
])
def test_used_experts_copy_by_build(engine: str, version: str | None, used_only: bool) -> None:
    eng = engine_for(Workload.model_validate({"engine": engine, "engine_version": version}))
    assert eng.copies_used_experts_only() is used_only


def test_sampling_note_names_what_the_runner_does() -> None:
    go = engine_for(Workload.model_validate({"engine": "ollama", "engine_version": "0.11.4"}))
    note = go.sampling_note(resolve("gpt-oss-20b"))
    assert "Go sampler" in note and "no repeat penalty" in note
    llama_runner = go.sampling_note(resolve("Llama-3.1-8B-Instruct"))
    assert "repeat_penalty 1.1" in llama_runner and "Go sampler" not in llama_runner
