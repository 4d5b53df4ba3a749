"""Host RAM of a partial offload the engine picks: the CPU layers' weights, not only the host buffers.

`llmsize fit llama3.1:70b --engine ollama --gpu RTX-4090` keeps some of the 80 layers on the GPU and
runs the rest from CPU RAM (estimate/engines/ollama_offload.py); the Host RAM line must count those
layers (Q4_K_M: about half a GiB each), as the speed model reads them (Planner.speed_inputs_for).
"""

from __future__ import annotations

import pytest

from llmsize.cli.cmd_fit import _host_of
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.specs.resolve import resolve

GIB = 2**30


@pytest.mark.parametrize("engine", ["ollama", "llama.cpp"])
def test_offloaded_layers_count_in_host_ram(engine: str) -> None:
    spec = resolve("llama3.1:70b")
    gpu = get_gpu("RTX-4090")
    planner = Planner(spec, Workload.model_validate({"engine": engine, "context": 4096}))
    row = planner.plan(gpu, 1, limits=False)
    assert not row.fits and row.gpu_layers is not None and row.total_layers == spec.num_layers
    on_cpu = spec.num_layers - row.gpu_layers
    assert on_cpu > 0
    host = _host_of(row)
    assert host is not None and row.offload_host_bytes == host
    # Every CPU layer's weights stay in host RAM: at least its share of the GPU-resident weights of
    # the all-on-GPU layout (embeddings and output aside), so the CPU layers alone exceed that share.
    full = planner.estimate(planner.workload(planner.choose_layout(gpu, 1)[0], gpu_layers=None))
    figs = full.engine_figures
    assert figs is not None and figs.device_weights_bytes is not None
    per_layer = figs.device_weights_bytes / spec.num_layers
    assert host > 0.9 * on_cpu * per_layer
    assert host > (row.host_bytes or 0) + 10 * GIB  # before: only the all-on-GPU host buffers


def test_the_offload_host_ram_is_the_split_the_user_would_run() -> None:
    """llama.cpp's suggested -ngl and the same -ngl asked for keep the same host RAM."""
    spec = resolve("llama3.1:70b")
    gpu = get_gpu("RTX-4090")
    suggested = Planner(spec, Workload.model_validate({"engine": "llama.cpp", "context": 4096}))
    row = suggested.plan(gpu, 1, limits=False)
    assert row.gpu_layers is not None
    asked = Planner(
        spec, Workload.model_validate({"engine": "llama.cpp", "context": 4096, "gpu_layers": row.gpu_layers})
    )
    explicit = asked.plan(gpu, 1, limits=False)
    assert explicit.offload_host_bytes is None  # the user's split: host_bytes already is that split
    assert row.offload_host_bytes == explicit.host_bytes


def test_a_model_that_fits_has_no_offload_host_ram() -> None:
    spec = resolve("llama3.1:8b")
    row = Planner(spec, Workload.model_validate({"engine": "ollama", "context": 4096})).plan(
        get_gpu("RTX-4090"), 1, limits=False
    )
    assert row.fits and row.offload_host_bytes is None
    assert _host_of(row) == row.host_bytes
