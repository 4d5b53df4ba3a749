"""llama-server with 16 slots on one RTX 3090: the decode step runs MMQ tiles, not the mat-vec kernel.

Published: https://github.com/msb-msb/insiderllm-bench-results/blob/f6ec3c629f9ef90f986cd307858dc37a28579965/tamanna-concurrency-2026-09-25/README.md
(llama.cpp b10809, `llama-server -ngl 99 -fa on --jinja -np 16`, 198-token question, 256 tokens out; the
server logs' 'eval time ... / 256 tokens' give a 73 ms step for the dense Qwen3.8-27B UD-Q4_K_XL at -np 16,
69-71 ms at -np 8; table heldout16-insiderllm-3090-llamaserver-np, held out). Above 8 columns ggml-cuda
runs MMQ, which computes a 16-wide tile and dequantizes every weight tile into shared memory whatever the
width (estimate/engines/llama_cpp_mmq_decode.py). Priced as 16 columns' arithmetic the step was 26.7 ms.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve

PROMPT, GEN = 198, 256
PUBLISHED_16_SLOT_STEP_S = 0.073


def _step(users: int, gpu_id: str = "RTX-3090") -> float:
    spec = resolve("Qwen3.8-27B")
    wl = Workload.model_validate({"engine": "llama.cpp", "quant": "UD-Q4_K_XL", "batch": users,
                                  "flash_attn": "on", "context": PROMPT + GEN, "prompt_tokens": PROMPT})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(1, 1), engine="llama.cpp")
    gpu = get_gpu(gpu_id)
    step, _ = decode_step(inputs, gpu, resolve_constants(inputs, gpu), PROMPT + GEN // 2)
    return step


def test_sixteen_slot_step_of_a_dense_27b_on_an_rtx_3090() -> None:
    assert _step(16) == pytest.approx(PUBLISHED_16_SLOT_STEP_S, rel=0.2)


def test_sixteen_slots_cost_no_less_than_eight() -> None:
    # Published: 73 ms at -np 16 against 69-71 at -np 8 (MMQ's tile costs what the 8-column mat-vec does).
    assert _step(16) >= 0.9 * _step(8)


def test_apple_metal_prices_no_mmq_tiles() -> None:
    spec = resolve("Qwen3.8-27B")
    wl = Workload.model_validate({"engine": "llama.cpp", "quant": "Q4_K_M", "batch": 16, "context": 454,
                                  "prompt_tokens": PROMPT})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(1, 1), engine="llama.cpp")
    assert resolve_constants(inputs, get_gpu("M2-Ultra-192GB")).mmq_decode_tile_cols == 0
