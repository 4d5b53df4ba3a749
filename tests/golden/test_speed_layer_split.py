"""llama.cpp rows on several GPUs run its default layer split, not tensor parallelism (speed_validation).

src/llama.cpp llama_prepare_model_devices takes every discrete GPU the backend lists (an iGPU only when
there is none) and LLAMA_SPLIT_MODE_LAYER is the default, so a run nobody pinned to one card spreads its
layers over all of them. kyuz0's R9700 Vulkan llama-bench logs are such runs (run_benchmarks.sh pins only
the ROCm toolboxes; each Vulkan log prints two R9700s), published at
https://github.com/kyuz0/amd-r9700-ai-toolboxes/tree/703c876e9fbe1e3b619b8e9168d9315c0f9f2047/benchmark/results
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import speed_validation as sv

KYUZ0_VULKAN_GEMMA31B_TG128 = 22.92  # gemma-4-31B-it-UD-Q4_K_XL__vulkan_radv__fa1__single.log, tg128


def _row(metric: str, gpus: int = 2) -> dict[str, object]:
    """The gemma-4-31B row of bench/speed_tables.yaml (lcppworst-r9700-vulkan-bench-gemma4-31b-*), inline:
    parsing the whole table takes seconds."""
    prompt, gen = (512, 0) if metric == "prefill_tps" else (0, 128)
    return {"id": f"gemma4-31b-{metric}", "engine": "llama.cpp", "device": "Radeon-AI-PRO-R9700",
            "engine_version": "llama-bench -fa 1, Vulkan RADV, build 8990, matrix cores: KHR_coopmat",
            "flash_attn": "on", "num_gpus": gpus, "model": "gemma-4-31B-it", "quant": "UD-Q4_K_XL",
            "metric": metric, "prompt_tokens": prompt, "gen_tokens": gen, "concurrency": 1}


def test_a_two_gpu_llama_cpp_row_is_a_layer_split() -> None:
    case = sv.build_case(_row("decode_tps"))
    assert (case.inputs.tp, case.inputs.pp) == (1, 2)


def test_layer_split_decode_against_the_published_vulkan_run() -> None:
    predicted = sv.predict(sv.build_case(_row("decode_tps")))
    assert predicted == pytest.approx(KYUZ0_VULKAN_GEMMA31B_TG128, rel=0.15)


def test_a_prompt_on_a_layer_split_takes_one_card_s_time() -> None:
    # One ubatch runs the first card's layers, then the second's: no overlap, no speed-up.
    two = sv.predict(sv.build_case(_row("prefill_tps")))
    assert two == pytest.approx(sv.predict(sv.build_case(_row("prefill_tps", gpus=1))), rel=0.01)
