"""The overhead row's `numbers:` line names what its bytes are (found with the DeepEP buffer change).

An engine's overhead holds more than the CUDA context (vLLM's non-torch memory and CUDA graphs,
SGLang's graph pool, DeepEP buffers); labelling the whole sum "CUDA context" told a reader the
context alone was 1+ GiB.
"""

from __future__ import annotations

import llmsize
from llmsize.estimate.overhead import CUDA_CONTEXT_BYTES


def _overhead(engine: str) -> llmsize.Component:
    report = llmsize.estimate(llmsize.resolve("Qwen2.5-7B"), llmsize.Workload(engine=engine))
    return next(c for c in report.components if c.name == "overhead")


def test_engine_overhead_is_not_labelled_as_the_cuda_context_alone() -> None:
    over = _overhead("vllm")
    assert over.bytes > CUDA_CONTEXT_BYTES
    assert not over.detail.startswith("CUDA context =")
    assert f"{over.bytes:,} B" in over.detail


def test_plain_overhead_is_the_cuda_context() -> None:
    over = _overhead("transformers")
    assert over.bytes == CUDA_CONTEXT_BYTES
    assert over.detail.startswith("CUDA context =")
