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
