"""compare() plans one model on many GPUs with one Planner, which keeps what the speed model reads
per layout and workload (Planner.speed_inputs_for): none of it depends on the GPU. Each GPU's row
must be the row a Planner of its own plans, so nothing of one GPU leaks into another's."""

from __future__ import annotations

import pytest

from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner, compare
from llmsize.specs.resolve import resolve

GPUS = ("RTX-4090", "T4", "H100-SXM-80GB", "M4-Max-128GB", "RTX-3060-12GB", "MI300X")


@pytest.mark.parametrize(
    ("name", "wl"),
    [
        ("Qwen2.5-0.5B-Instruct", Workload()),
        ("Qwen2.5-7B-Instruct", Workload(context=32768)),
        # vLLM: each GPU's own defaults (its batch sizes) give each GPU a workload of its own
        ("Qwen2.5-7B-Instruct", Workload(engine=Engine.VLLM)),
        # llama.cpp on the 12 GB card: a split whose speed inputs move CPU layers to the host
        ("Qwen2.5-14B-Instruct", Workload(engine=Engine.LLAMA_CPP, quant="Q8_0")),
        # Ollama offloads by itself: each small card keeps another number of layers on the GPU, so
        # each GPU's speed reads its own host share
        ("Qwen2.5-32B-Instruct", Workload(engine=Engine.OLLAMA)),
    ],
)
def test_compare_rows_equal_one_planner_per_gpu(name: str, wl: Workload) -> None:
    spec = resolve(name)
    gpus = [get_gpu(g) for g in GPUS]
    rows = compare([(spec, wl)], gpus, 1)
    alone = [Planner(spec, wl).plan(gpu, 1, batch_limit=False) for gpu in gpus]
    assert [r.row for r in rows] == alone
    assert any(r.row.decode_tokens_per_s for r in rows)  # speeds were estimated, not left out
