"""FlashAttention-3's split accumulators in vLLM's graph pool (vllm_fa_splits.py).

Each expected value is vLLM 0.19.0's own "Estimated FULL CUDA graph memory: X MiB first-capture" on an
H100 (gpu_model_runner.profile_cudagraph_memory, logged in llm-d-incubation/llm-d-planner PR #205,
accuracy/results/v0.19.0/logs at d3121e059da88662db39a926a3ead964be97359b): the memory the largest FULL
decode capture adds after the PIECEWISE ones, which the accumulators make up but for a few MiB of
metadata (vLLM rounds to 2 MiB).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.engines.vllm_fa_splits import split_accumulator_bytes
from llmsize.specs.resolve import resolve

MIB = 2**20


@pytest.mark.parametrize(
    ("model", "tp", "logged_mib"),
    [
        ("Llama-3.1-8B", 1, 260),  # meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--8192.log
        ("Llama-3.1-8B", 2, 132),  # ...--tp2pp1dp1--8192.log
        ("Llama-3.1-8B", 4, 70),  # ...--tp4pp1dp1--8192.log
        ("Qwen2.5-7B", 1, 228),  # qwen-qwen2-5-7b-instruct--h100-80gb--tp1pp1dp1--8192.log
        ("phi-2", 1, 166),  # microsoft-phi-2--h100-80gb--tp1pp1dp1--2048.log (head size 80)
        ("DeepSeek-V2-Lite", 1, 522),  # FLASH_ATTN_MLA: 16 heads x kv_lora_rank 512
    ],
)
def test_the_accumulators_are_the_first_full_capture(model: str, tp: int, logged_mib: int) -> None:
    got = split_accumulator_bytes(resolve(model), tp, [512, 504], 1, "hopper", None, 2) / MIB
    assert logged_mib - 10 <= got <= logged_mib


def test_none_where_flash_attention_does_not_decode() -> None:
    # gemma-3-27b-it: TRITON_ATTN (its multimodal prefix attention), "8.00 MiB first-capture";
    # the fp32 Llama-3.1-8B run: TRITON_ATTN, 4 MiB; A100: FlashAttention 2, no capped splits.
    assert split_accumulator_bytes(resolve("gemma-3-27b"), 1, [512], 1, "hopper", None, 2) == 0
    assert split_accumulator_bytes(resolve("Llama-3.1-8B"), 1, [512], 1, "hopper", None, 4) == 0
    assert split_accumulator_bytes(resolve("Llama-3.1-8B"), 1, [512], 1, "ampere", None, 2) == 0
    assert split_accumulator_bytes(resolve("Llama-3.1-8B"), 1, [512], 1, "hopper", "TRITON_ATTN", 2) == 0


def test_flash_attention_stops_splitting_above_992_requests() -> None:
    # gpt-oss-20b at TP 2 captures up to 1,024: vLLM profiles the 1,024 and 1,008 captures, "8.00 MiB
    # first-capture" (hopper/flash_api.cpp mha_fwd splits no batch above 992); the 992 capture splits.
    spec = resolve("gpt-oss-20b")
    assert split_accumulator_bytes(spec, 2, [1024, 1008], 1, "hopper", None, 2) == 0
    at_992 = split_accumulator_bytes(spec, 2, [1024, 1008, 992, 976], 1, "hopper", None, 2)
    assert at_992 == 32 * 32 * 992 * (64 + 1) * 4
