"""Release-gated engine rules traced from published log lines (tests/golden/engine_logs.yaml, round 12).

Each test pins the rule against the published figure it reproduces and checks that the rule stays inside
the release and architecture it belongs to.
"""

from __future__ import annotations

from llmsize.estimate.engines import ollama_estimator_graph, sglang_startup, vllm_hybrid_prefix
from llmsize.specs.resolve import resolve

GIB, MIB = 2**30, 2**20


def test_sglang_gemma3_builds_two_unscaled_rope_tables() -> None:
    # sgl-project/sglang PR #4826: gemma-3-4b-it "mem usage=8.13 GB" = 8.01 GiB of tensors + 128 MiB of
    # bf16 cos/sin tables (models/gemma3_causal.py: default rope_scaling on the global layers too).
    gemma = resolve("gemma-3-4b")
    assert gemma.rope_scaling_factor == 8  # the config's factor, which SGLang does not apply
    rows = sglang_startup.rope_positions(gemma, engine_positions=9 * 131_072)
    assert rows == 2 * 131_072
    assert rows * 256 * 2 == 128 * MIB
    llama = resolve("Llama-3.1-8B")
    assert sglang_startup.rope_positions(llama, engine_positions=12_345) == 12_345


def test_sglang_04_scales_a_given_share_for_a_multimodal_model() -> None:
    # gemma-3-4b-it at --mem-fraction-static 0.88 on an H200, March 2025: the pool of 834,615 tokens
    # is (131.08 - 139.21 x (1 - 0.88 x 0.95)) GiB / 139,264 B; 0.88 unscaled would give ~887k.
    assert sglang_startup.legacy_vlm_share(sglang_startup.release("0.4.4.post1"))
    assert not sglang_startup.legacy_vlm_share(sglang_startup.release("0.5.23"))
    assert not sglang_startup.legacy_vlm_share(None)  # the release modelled
    share = 0.88 * sglang_startup.LEGACY_VLM_FACTOR
    tokens = (131.08 - 139.21 * (1 - share)) * GIB / (34 * 4 * 256 * 2 * 2)
    assert abs(tokens - 834_615) / 834_615 < 0.001


def test_ollama_estimator_falls_back_to_gqa_times_kv_for_uncased_architectures() -> None:
    # ollama/ollama#10458 (v0.9.0): qwen3:30b-a3b at 76,000 cells logged memory.graph.full="9.3 GiB".
    qwen3moe = resolve("Qwen3-30B-A3B")
    assert not ollama_estimator_graph.has_graph_case(qwen3moe.model_type)
    graph = ollama_estimator_graph.fallback_graph_bytes(qwen3moe, 76_000, None)
    assert round(graph / GIB, 1) == 9.3
    # q8_0 halves the kvTotal the fallback is taken of (fs/ggml kvCacheBytesPerElement)
    assert ollama_estimator_graph.fallback_graph_bytes(qwen3moe, 76_000, "q8_0") == graph // 2
    # llama has GraphSize's own case, so the fallback never applies to it
    assert ollama_estimator_graph.has_graph_case(resolve("Llama-3.1-8B").model_type)


def test_vllm_before_align_mode_drops_prefix_caching_for_gated_state_kinds() -> None:
    # vllm-project/vllm#28228 (about 0.11): Kimi Linear's "2.48x" needs one KDA block a group.
    kimi = resolve("Kimi-Linear-48B-A3B-Instruct")
    assert not vllm_hybrid_prefix.keeps_prefix_caching(True, kimi, "0.11.0")
    assert vllm_hybrid_prefix.keeps_prefix_caching(True, kimi, "0.24.0")
    assert vllm_hybrid_prefix.keeps_prefix_caching(True, kimi, None)
    assert not vllm_hybrid_prefix.keeps_prefix_caching(False, kimi, "0.24.0")
    # a dense model is not a hybrid: the flag stands whatever the release
    assert vllm_hybrid_prefix.keeps_prefix_caching(True, resolve("Llama-3.1-8B"), "0.11.0")
