"""vLLM's chunked Gated DeltaNet prefill: the FLA Triton kernels pass their intermediates through memory.

A prompt's delta-net layer runs l2norm, cumsum, K K^T, the triangular solve, the WY recompute, the
chunk-state pass and the output pass as separate Triton kernels (vllm/model_executor/layers/fla/ops/
chunk.py `chunk_gated_delta_rule_fwd`, vLLM 0.17.0), plus the custom op's conv and layout copies
(qwen3_next.py `_forward_core`): estimate/engines/fla_chunk_prefill.py counts the bytes, the speed
model pays them at the 16-bit stream rate. No test is timed.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.fla_chunk_prefill import chunk_bytes_per_token, state_snapshot_bytes_per_token
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout
from llmsize.hardware.speed import SpeedInputs, decode_step, prefill_seconds, resolve_constants
from llmsize.hardware.speed_inputs import speed_inputs
from llmsize.specs.resolve import resolve

ROCM_PR_1075 = "https://github.com/ROCm/vllm/pull/1075"
PEGAINFER_A100 = (
    "https://github.com/pegainfer-project/pegainfer/blob/0e72b4bc17e779de499fff6325d38d772d5d63a7/"
    "docs/benchmarks/qwen35-4b-serving-a100-vllm027.md"
)


def _inputs(model: str, engine: str, prompt: int, tp: int = 1) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": engine, "context": prompt + 1, "prompt_tokens": prompt,
                                  "batch": 1, "tp": tp, "num_gpus": tp})
    return speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=tp, pp=1))


def test_the_chunk_states_are_32_mib_a_layer_at_2048_tokens() -> None:
    # ROCM_PR_1075: at the Qwen3.5/3.6 35B-A3B shape (32 value heads, 16 key heads, head dim 128) the
    # chunk recurrence hands the output kernel h [NT, H, V, K], "32 MiB stored and loaded back per layer
    # at 2048 tokens". Qwen3.5-4B's delta-net layers have the same shape.
    for model in ("Qwen3.6-35B-A3B", "Qwen3.5-4B"):
        rec = resolve(model).recurrent
        assert rec is not None
        assert 2048 * state_snapshot_bytes_per_token(rec, 2) == 32 * 2**20, ROCM_PR_1075
        # h is one of the round trips: the rest (q / k / v reads, A, w, u, v_new, o, the copies) weigh more.
        assert chunk_bytes_per_token(rec, 2) > 2 * state_snapshot_bytes_per_token(rec, 2)


def test_a100_layer_step_as_attributed() -> None:
    # PEGAINFER_A100 (vLLM 0.27, A100-SXM4-40GB, Qwen3.5-4B): "Per layer-step ... 247 us against FLA's 433",
    # where vLLM's step budget on that card is 2,048 tokens (two 1,024-token prompts a step at c16). The
    # count holds the custom op's conv and copies too (a third of its bytes), which that attribution may
    # book elsewhere; its "Next step" list gives FLA 0.29 ms a step without the step's width.
    gpu = get_gpu("A100-SXM-40GB")
    inputs = _inputs("Qwen3.5-4B", "vllm", 2048)
    c = resolve_constants(inputs, gpu)
    layers = inputs.layer_parts["linear_attention"]
    layer_step_s = 2048 * inputs.delta_prefill_bytes_per_token / layers / c.delta_prefill_bytes_per_s
    assert layer_step_s == pytest.approx(433e-6, rel=0.2), PEGAINFER_A100


def test_tensor_parallel_ranks_split_the_heads() -> None:
    # Qwen3-Next-80B-A3B at TP 8: each rank runs 4 of the 32 value heads and 2 of the 16 key heads.
    one = _inputs("Qwen3-Next-80B-A3B-Instruct", "vllm", 2048).delta_prefill_bytes_per_token
    eight = _inputs("Qwen3-Next-80B-A3B-Instruct", "vllm", 2048, tp=8).delta_prefill_bytes_per_token
    assert eight * 8 == pytest.approx(one, rel=0.02)


def test_only_vllm_pays_it_and_only_for_delta_nets() -> None:
    gpu = get_gpu("H100-SXM-80GB")
    dense = _inputs("Qwen3-4B", "vllm", 2048)
    assert dense.delta_prefill_bytes_per_token == 0
    gdn = _inputs("Qwen3.5-4B", "vllm", 2048)
    c = resolve_constants(gdn, gpu)
    assert c.delta_prefill_bytes_per_s > 0
    with_term = prefill_seconds(gdn, gpu, c, 2048)[0]
    without = prefill_seconds(gdn, gpu, c.model_copy(update={"delta_prefill_bytes_per_s": 0.0}), 2048)[0]
    assert with_term - without == pytest.approx(
        2048 * gdn.delta_prefill_bytes_per_token / c.delta_prefill_bytes_per_s)
    # SGLang's and llama.cpp's profiles do not claim this path (not read here; llama.cpp has its own GDN op).
    assert resolve_constants(_inputs("Qwen3.5-4B", "sglang", 2048), gpu).delta_prefill_bytes_per_s == 0


PEGAINFER_5090 = "https://github.com/pegainfer-project/pegainfer/pull/386"


def test_a_loaded_vision_tower_is_not_read_per_decode_token() -> None:
    # Qwen3.5-4B is a vision-language checkpoint: vLLM builds its tower unless --language-model-only
    # (vllm_language_only.py), but a text decode step never runs it. The step reads what the
    # language-only server loads, both ways.
    spec = resolve("Qwen3.5-4B")
    assert spec.extra_params > 0
    loaded = _inputs("Qwen3.5-4B", "vllm", 1024)
    wl = Workload.model_validate({"engine": "vllm", "context": 1025, "prompt_tokens": 1024,
                                  "language_model_only": True})
    text_only = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=1, pp=1))
    assert loaded.weight_bytes_per_gpu > text_only.weight_bytes_per_gpu
    read = loaded.active_weight_bytes_per_gpu
    assert read == pytest.approx(text_only.active_weight_bytes_per_gpu, rel=0.005)
    # PEGAINFER_5090 (vLLM 0.23.0, RTX 5090, text-only, one stream, 1024 in / 256 out): TPOT p50 6.32 ms.
    # Read with the tower, the modelled step was 7.31 ms (+16%).
    gpu = get_gpu("RTX-5090")
    step, _ = decode_step(loaded, gpu, resolve_constants(loaded, gpu), 1024 + 128)
    assert step == pytest.approx(6.32e-3, rel=0.1), PEGAINFER_5090
