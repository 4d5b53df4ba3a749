"""Ollama v0.11.5-v0.12.3 without flash attention: each query head reads its KV head while decoding.

Mechanism (estimate/engines/ollama_vendored.py, UNFUSED_DECODE_PER_QUERY_HEAD): the llama.cpp copy those
releases vendored (e54d41be) runs a one-token KQ through mmf.cu / mmvf.cu / batched cuBLAS and KQV through
mmvf.cu, every one gridded over the query heads and reading KV head channel_dst / channel_ratio: n_rep reads
of the cache a step (estimate/engines/llama_cpp_unfused_decode.py prices that traffic). Ollama left flash
attention off on those releases for every architecture but gpt-oss (ollama_flash.py).

Published numbers, cited where used:
- Ollama 0.11.x (runs of 2025-09-04), one RTX A6000, qwen2.5-coder:32b (Q4_K_M), chigkim/prompt-test:
  488-token prompt, 891 generated, 24.80 t/s; 1,896-token prompt, 1,074 generated, 23.06 t/s
  (https://github.com/gparemsky/48gb4090/tree/f42049f92e50c423ce25b3c2f3140cea36b9e420/RESULTS, the
  A6000 report's table '| qwen2.5-coder:32b | 488 | ... | 891 | 24.80 |' and '| 1896 | ... | 1074 | 23.06 |';
  held-out rows heldout11-ollama-pt-a6000-qwen25coder32b-*, never fitted). The decode loses 7.0% over
  the ~1,500 more cached tokens; one read of the cache accounts for under 2% of it.
No test is timed.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp_unfused_decode import unfused_decode_factor
from llmsize.estimate.engines.ollama import LEGACY_SPEED
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, decode_step, resolve_constants
from llmsize.specs.resolve import resolve

SHORT = (488 + 891 / 2, 24.80)  # (mean cached tokens while decoding, t/s): docstring
LONG = (1896 + 1074 / 2, 23.06)


def _inputs(release: str, flash: str = "auto") -> SpeedInputs:
    spec = resolve("qwen2.5-coder:32b")
    wl = Workload.model_validate({"engine": "ollama", "engine_version": release, "context": 4096,
                                  "prompt_tokens": 1896, "flash_attn": flash})
    return speed_inputs(spec, wl, estimate(spec, wl), Layout())


def _step_ratio(release: str, flash: str = "auto") -> float:
    """Predicted long-context / short-context decode rate on the RTX A6000."""
    inputs = _inputs(release, flash)
    gpu = get_gpu("RTX-A6000")
    c = resolve_constants(inputs, gpu)
    short, _ = decode_step(inputs, gpu, c, round(SHORT[0]))
    long, _ = decode_step(inputs, gpu, c, round(LONG[0]))
    return short / long


def test_the_e54_profiles_price_a_read_per_query_head() -> None:
    e54 = [p for name, p in LEGACY_SPEED.items() if name.endswith("-e54")]
    assert len(e54) == 2
    assert all(p.unfused_decode_per_query_head for p in e54)


def test_qwen25_32b_reads_its_cache_five_times_and_a_bit() -> None:
    # 40 query heads over 8 KV heads, head_dim 128, F16: 5 x (1 + 24 / 512)
    wl = Workload.model_validate({"engine": "ollama"})
    assert unfused_decode_factor(resolve("qwen2.5-coder:32b"), wl) == pytest.approx(5 * (1 + 24 / 512))


def test_the_a6000_decode_slows_with_context_as_published() -> None:
    published = LONG[1] / SHORT[1]  # 23.06 / 24.80 = 0.930 (docstring)
    assert _step_ratio("0.11.8") == pytest.approx(published, abs=0.02)


def test_flash_attention_on_reads_the_cache_once() -> None:
    # OLLAMA_FLASH_ATTENTION=1 (--flash-attn on) takes the fused kernel: under 2% slower over the same span
    assert _step_ratio("0.11.8", "on") > 0.98
