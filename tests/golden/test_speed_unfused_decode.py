"""llama.cpp decode without flash attention on 2024 builds: each query head's mat-mul reads its KV head.

Published numbers, each cited where used: ggml-org/llama.cpp PR #6165 (2024-03-20, ggerganov's
test-backend-ops `-o ATTN -b CUDA0 perf` table on a V100: head size 128, 32 heads, n_batch 1, 45.56 us/run
at n_kv 512 and 62.33 us/run at n_kv 1024), the timing the rule is checked against. The rule is in
estimate/engines/llama_cpp_unfused_decode.py; the held-out XiongjieDai rows it moves are not used here.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp import fusion_engine
from llmsize.estimate.engines.llama_cpp_unfused_decode import DECODE_SCORE_BYTES, query_head_read_factor
from llmsize.estimate.engines.registry import engine_for
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.hardware.speed_profiles import kernel_bandwidth
from llmsize.specs.resolve import resolve

PR6165 = "https://github.com/ggml-org/llama.cpp/pull/6165"


def test_the_attn_op_group_on_a_v100_streams_what_the_rule_counts() -> None:
    # PR6165: ATTN (mul_mat + soft_max_ext + mul_mat), hs 128, 32 heads, one query: 45.56 -> 62.33 us/run
    # from 512 to 1024 keys, 32.75 ns a key. Without GQA each head reads its own K and V (2 x 128 x 2 B)
    # and moves 32 scores; the rule prices those bytes at the V100's 16-bit share.
    measured_s_per_key = (62.33 - 45.56) * 1e-6 / 512
    per_head = 2 * 128 * 2
    bytes_per_key = query_head_read_factor(32, 32, per_head) * 32 * per_head
    assert bytes_per_key == 32 * (per_head + DECODE_SCORE_BYTES)
    v100 = get_gpu("V100-SXM2-32GB")
    modelled = bytes_per_key / (v100.bandwidth_bytes_per_s * kernel_bandwidth("16bit", v100))
    # A lower bound (the op group's launches and conversions of q are not counted), within a quarter.
    assert modelled < measured_s_per_key, PR6165
    assert modelled == pytest.approx(measured_s_per_key, rel=0.25), PR6165


def test_grouped_query_heads_multiply_the_reads() -> None:
    # Llama 3 8B: 32 query heads over 8 KV heads, head size 128, F16 cache: 4 reads plus the scores.
    assert query_head_read_factor(32, 8, 512) == pytest.approx(4 * (1 + 24 / 512))
    assert query_head_read_factor(32, 32, 512) == pytest.approx(1 + 24 / 512)


def _step(flash: str, build: int | None, context: int = 8192) -> float:
    spec = resolve("Meta-Llama-3-8B")
    wl = Workload.model_validate({"engine": "llama.cpp", "context": context, "prompt_tokens": 1,
                                  "quant": "Q4_K_M", "flash_attn": flash})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=fusion_engine(build))
    gpu = get_gpu("RTX-3090")
    step, _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), context)
    return step


def test_a_may_2024_build_without_flash_attention_slows_with_the_context() -> None:
    # 8,192 cached tokens of Llama 3 8B are 1.07 GB; read four times over the one read with flash attention.
    off, on = _step("off", 2824), _step("on", 2824)
    extra_bytes = (query_head_read_factor(32, 8, 512) - 1) * 8192 * 32 * 8 * 512
    gpu = get_gpu("RTX-3090")
    expected = extra_bytes / (gpu.bandwidth_bytes_per_s * kernel_bandwidth("16bit", gpu))
    assert off - on == pytest.approx(expected, rel=0.02)
    # Near an empty cache (one padded block of 256 cells read) the two paths cost about the same.
    assert _step("off", 2824, 16) == pytest.approx(_step("on", 2824, 16), rel=0.03)


def test_the_current_build_is_not_priced_so() -> None:
    # PR #10318 (2024-11) replaced these FP16 batch-1 paths; later builds keep the one-read pricing.
    assert _step("off", None) == pytest.approx(_step("on", None), rel=0.01)


@pytest.mark.parametrize(("release", "env", "reads"), [("0.3.12", None, True), ("0.3.12", "on", False),
                                                       ("0.30.0", None, False)])
def test_ollama_takes_the_path_where_its_flash_default_is_off(release: str, env: str | None,
                                                              reads: bool) -> None:
    # ollama_flash.py: off by default before v0.12.4 for llama; OLLAMA_FLASH_ATTENTION=1 turns it on.
    spec = resolve("Meta-Llama-3-8B")
    data = {"engine": "ollama", "context": 4096, "engine_version": release, "quant": "Q4_K_M"}
    if env:
        data["flash_attn"] = env
    wl = Workload.model_validate(data)
    assert (engine_for(wl).decode_kv_read_factor(spec) > 0) is reads
