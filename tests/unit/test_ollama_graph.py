"""Which Ollama runners rebuild the decode graph every token (estimate/engines/ollama_graph.py), the profile
Ollama picks for them, and the top-k pass its pre-0.30 samplers make over the vocabulary."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.engines.ollama_graph import GRAPH_REBUILD_PER_LAYER_S, rebuilds_graph
from llmsize.estimate.engines.ollama_sampling import TOP_K_PASS_S, runs_go_engine, sampling_seconds
from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.speed import SpeedInputs, decode_step, resolve_constants
from llmsize.specs.resolve import resolve


def _speed_name(model: str, version: str | None) -> str:
    wl = Workload.model_validate({"engine": "ollama", **({"engine_version": version} if version else {})})
    return engine_for(wl).speed_name(resolve(model))


def test_llama_runner_rebuilds_until_v0_11_5() -> None:
    # ollama/ollama 1a19df1f3 (#11823) first in v0.11.5: vendored llama.cpp with graph reuse.
    assert rebuilds_graph((0, 5, 7), go_engine=False)
    assert rebuilds_graph((0, 11, 4), go_engine=False)
    assert not rebuilds_graph((0, 11, 5), go_engine=False)
    assert not rebuilds_graph(None, go_engine=False)


def test_the_go_engine_took_the_first_architectures_from_the_release_that_listed_them() -> None:
    from llmsize.estimate.engines.ollama_sampling import runs_go_engine

    # ollama/ollama fs/ggml/ggml.go OllamaEngineRequired by tag: v0.6.0 `== "gemma3"` only; "mistral3"
    # from v0.6.5, "llama4" v0.6.7, "mllama"/"qwen25vl" v0.7.0, "gemma3n" v0.9.3, "gptoss" v0.11.0,
    # "qwen3" v0.12.0 (PR #12310), "qwen3moe" v0.12.2 (PR #12374, merged 2025-09-22/24).
    assert runs_go_engine((0, 6, 0), "gemma3") and not runs_go_engine((0, 6, 0), "qwen3")
    assert not runs_go_engine((0, 6, 4), "mistral3") and runs_go_engine((0, 6, 5), "mistral3")
    assert not runs_go_engine((0, 6, 6), "llama4") and runs_go_engine((0, 6, 7), "llama4")
    assert not runs_go_engine((0, 6, 8), "mllama") and runs_go_engine((0, 7, 0), "qwen2_5_vl")
    assert not runs_go_engine((0, 9, 2), "gemma3n") and runs_go_engine((0, 9, 3), "gemma3n")
    assert not runs_go_engine((0, 10, 1), "gpt_oss") and runs_go_engine((0, 11, 0), "gpt_oss")
    assert not runs_go_engine((0, 11, 8), "qwen3") and runs_go_engine((0, 12, 0), "qwen3")
    assert not runs_go_engine((0, 12, 1), "qwen3_moe") and runs_go_engine((0, 12, 2), "qwen3_moe")


def test_go_engine_always_rebuilds() -> None:
    assert rebuilds_graph((0, 12, 6), go_engine=True)
    assert runs_go_engine((0, 12, 6), "qwen3") and not runs_go_engine((0, 12, 6), "llama")
    assert not runs_go_engine((0, 30, 0), "qwen3")


def test_profile_by_release_and_runner() -> None:
    assert _speed_name("llama3.2:3b", "0.5.7") == "ollama-own-runner-unfused"
    assert _speed_name("llama3.2:3b", "0.11.4") == "ollama-own-runner-unfused"
    assert _speed_name("qwen3:8b", "0.11.4") == "ollama-own-runner-unfused"
    assert _speed_name("llama3.2:3b", "0.12.6") == "ollama-own-runner"
    assert _speed_name("qwen3:8b", "0.12.6") == "ollama-own-runner-rebuild"  # Go engine, no reuse
    assert _speed_name("llama3.2:3b", "0.30.1") == "ollama"
    assert _speed_name("llama3.2:3b", None) == "ollama"


def test_rebuild_price_agrees_with_mainline_reuse_measurement() -> None:
    # llama.cpp PR #14482 (am17an's table, CUDA, llama 7B Q5_K_M, tg1): 122.50 -> 124.71 t/s with graph reuse,
    # 32 layers; ik_llama.cpp#94's llama 1B (16 layers): 519.27 -> 538.75 t/s.
    mainline = (1 / 122.50 - 1 / 124.71) / 32
    one_b = (1 / 519.27 - 1 / 538.75) / 16
    assert abs(GRAPH_REBUILD_PER_LAYER_S / mainline - 1) < 0.15
    assert abs(GRAPH_REBUILD_PER_LAYER_S / one_b - 1) < 0.10


def test_top_k_pass_only_for_the_own_runners() -> None:
    vocab = 128_256
    # Go engine (no token history: no penalty), v0.12.6: the top-k pass alone.
    assert sampling_seconds((0, 12, 6), "gemma3", "gemma3", vocab) == vocab * TOP_K_PASS_S
    # llama-server releases: not counted (their sampler was not read); qwen3 pins repeat_penalty 1.0.
    assert sampling_seconds((0, 33, 0), "qwen3", "qwen3", vocab) == 0.0
    # the llama runner of v0.5.7: the top-k pass and the penalty scan
    assert sampling_seconds((0, 5, 7), "llama3.2", "llama", vocab) > vocab * TOP_K_PASS_S


def _inputs(layers: int) -> SpeedInputs:
    return SpeedInputs(
        weight_bytes_per_gpu=2_000_000_000,
        active_weight_bytes_per_gpu=2_000_000_000,
        kv_bytes_per_gpu=0,
        active_params=3_000_000_000,
        prompt_tokens=30,
        batch=1,
        attention_flops_prefill=0.0,
        attention_flops_decode=0.0,
        hidden_size=3072,
        num_layers=layers,
        compute_dtype="fp16",
        tp=1,
        pp=1,
        dp=1,
        engine="ollama-own-runner-rebuild",
        kernel="gguf",
        context=430,
    )


@given(st.integers(min_value=1, max_value=160))
def test_rebuild_adds_its_time_per_layer_to_every_step(layers: int) -> None:
    gpu = get_gpu("RTX-4090")
    rebuild = _inputs(layers)
    reuse = rebuild.model_copy(update={"engine": "ollama-own-runner"})
    step_rebuild, _ = decode_step(rebuild, gpu, resolve_constants(rebuild, gpu))
    step_reuse, _ = decode_step(reuse, gpu, resolve_constants(reuse, gpu))
    assert abs((step_rebuild - step_reuse) - layers * GRAPH_REBUILD_PER_LAYER_S) < 1e-12


def test_unfused_norms_cost_two_kernels_a_layer_on_cuda_only() -> None:
    # ollama_graph.py: before v0.11.5 the vendored ggml-cuda.cu had no rms_norm + mul fusion (llama.cpp PR
    # #14800): 2 more kernels a dense layer at the per-node time; Metal's per-node time is in its per-layer
    # latency (llama_cpp_nodes.PER_NODE_BY_CLASS 'apple': 0), so an M4 sees none of it.
    from llmsize.estimate.engines.llama_cpp_nodes import GPU_PER_NODE_S

    def step(engine: str, gpu_id: str) -> float:
        gpu = get_gpu(gpu_id)
        inputs = _inputs(28).model_copy(update={"engine": engine, "layer_parts": {"attention": 28}})
        return decode_step(inputs, gpu, resolve_constants(inputs, gpu))[0]

    cuda = step("ollama-own-runner-unfused", "RTX-4090") - step("ollama-own-runner-rebuild", "RTX-4090")
    assert abs(cuda - 28 * 2 * GPU_PER_NODE_S) < 1e-9
    assert (
        abs(step("ollama-own-runner-unfused", "M4-32GB") - step("ollama-own-runner-rebuild", "M4-32GB"))
        < 1e-12
    )


def test_the_go_engine_took_each_later_architecture_from_the_release_that_listed_it() -> None:
    from llmsize.estimate.engines.ollama_gdn import GO_GDN_MODEL_TYPES
    from llmsize.estimate.engines.ollama_sampling import GO_ENGINE_LATER, runs_go_engine

    # fs/ggml/ggml.go OllamaEngineRequired gained "deepseek2" in v0.13.0 and "gemma4" in v0.20.0; before
    # those tags the vendored llama.cpp runner ran them, and from v0.30 llama-server runs everything.
    assert not runs_go_engine((0, 12, 11), "deepseek_v3")
    assert runs_go_engine((0, 13, 0), "deepseek_v3")
    assert not runs_go_engine((0, 19, 0), "gemma4") and runs_go_engine((0, 20, 7), "gemma4")
    assert not runs_go_engine((0, 30, 0), "gemma4") and not runs_go_engine(None, "qwen3")
    assert not runs_go_engine((0, 13, 0), "llama")
    assert GO_ENGINE_LATER.keys() >= GO_GDN_MODEL_TYPES  # the Gated DeltaNet models have their release
