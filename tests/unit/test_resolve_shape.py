"""The per-shape memo of the resolved workload and the KV terms (issue 15: `fit --all`).

`resolve_workload` and the cache geometry are kept per workload "shape" (every field but context,
batch and prompt), so a planner's search over context resolves each layout once. That is only right
if nothing kept reads a sequence size: an estimate made after the memo was filled at another context
and batch must equal one made from a cold memo, for every engine (llama.cpp binds n_ctx to its
engine object, SGLang its prefill chunk) and for dense, MoE, sliding-window, MLA and hybrid models.
"""

from __future__ import annotations

import pytest

from llmsize.estimate import memo
from llmsize.estimate.core import estimate
from llmsize.estimate.resolved import shape_key
from llmsize.estimate.workload import Engine, Workload
from llmsize.specs.resolve import resolve

MODELS = ("Llama-3.1-8B", "Qwen3-30B-A3B", "gemma-3-4b", "DeepSeek-V2-Lite", "Falcon-H1-1.5B-Base")


@pytest.mark.parametrize("engine", list(Engine))
@pytest.mark.parametrize("model", MODELS)
def test_estimate_after_other_sizes_equals_cold(model: str, engine: Engine) -> None:
    spec = resolve(model)
    asked = Workload(engine=engine, context=30_000, batch=3, prompt_tokens=20_000)
    memo._store.clear()
    cold = estimate(spec, asked, explained=False)
    memo._store.clear()
    for context, batch in ((512, 1), (100_000, 8), (4_096, 2)):  # fill the memo at other sizes
        estimate(
            spec,
            asked.model_copy(update={"context": context, "batch": batch, "prompt_tokens": None}),
            explained=False,
        )
    warm = estimate(spec, asked, explained=False)
    assert warm == cold
    assert warm.total_bytes == cold.total_bytes


def test_shape_key_ignores_only_sequence_sizes() -> None:
    wl = Workload(context=4_096, batch=1)
    assert shape_key(wl) == shape_key(
        wl.model_copy(update={"context": 9_000, "batch": 5, "prompt_tokens": 7})
    )
    assert shape_key(wl) != shape_key(wl.model_copy(update={"tp": 2}))
    assert shape_key(wl) != shape_key(wl.model_copy(update={"engine": Engine.VLLM}))
