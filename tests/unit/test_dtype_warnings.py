"""The "no native bf16" warning follows the dtype the engine computes in (issue 15, round 8).

`fit gpt-oss-20b --gpu M3-Max --engine ollama` warned "M3-Max-128GB lists no native bf16 arithmetic ...
--dtype fp16 describes that run": Ollama and llama.cpp run their ggml graphs in f16/f32 whatever the
checkpoint's float dtype (engines/llama_cpp.py compute_dtype), so the advice was about a run that
never computes in bf16.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.workload import Workload
from llmsize.hardware.dtype_warnings import dtype_warnings
from llmsize.hardware.gpus import load_catalog
from llmsize.specs.resolve import resolve


def _bf16_warned(model: str, gpu: str, engine: str) -> bool:
    warnings = dtype_warnings(resolve(model), Workload(engine=engine, context=1024), load_catalog().get(gpu))
    return any("bf16" in w for w in warnings)


@pytest.mark.parametrize("engine", ["ollama", "llama.cpp"])
def test_ggml_engines_do_not_warn_about_bf16(engine: str) -> None:
    assert not _bf16_warned("gpt-oss-20b", "M3-Max", engine)


def test_bf16_engines_still_warn() -> None:
    # vLLM refuses bfloat16 below compute capability 8.0 (vllm/platforms/cuda.py); the T4 is 7.5
    assert _bf16_warned("Qwen2.5-7B", "T4", "vllm")
    assert _bf16_warned("Qwen2.5-7B", "M3-Max", "transformers")


def test_llama_cpp_engines_get_no_bf16_fallback_speed_note() -> None:
    """Ollama and llama.cpp run a converted checkpoint in f16 (engines/llama_cpp.py `compute_dtype`),
    so the speed model prices f16 and says nothing about a missing bf16 unit; transformers computes in
    the checkpoint's bf16 and the M3 Max lists none, so its note stays."""
    from llmsize.estimate.workload import Engine, Workload
    from llmsize.hardware.gpus import get_gpu
    from llmsize.hardware.plan import Planner
    from llmsize.specs.resolve import resolve

    spec, gpu = resolve("gpt-oss-20b"), get_gpu("M3-Max")
    notes = {
        engine: Planner(spec, Workload(engine=engine, context=4096)).plan(gpu, 1).speed_notes
        for engine in (Engine.OLLAMA, Engine.LLAMA_CPP, Engine.TRANSFORMERS)
    }
    assert not any("native bf16" in n for n in notes[Engine.OLLAMA] + notes[Engine.LLAMA_CPP])
    assert any("no native bf16" in n for n in notes[Engine.TRANSFORMERS])
