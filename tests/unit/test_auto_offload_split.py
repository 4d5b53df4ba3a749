"""The layer count an engine picks by itself under partial offload is sized with the split's own estimate.

Rule under test (estimate/engines/llama_cpp_placement.py `largest_fitting`, ollama_offload.py
`fits_by_allocation`): llama.cpp's --fit (common/fit.cpp `common_get_device_memory_data`: a no_alloc model
and context of the candidate placement, model + context + compute per device), llama-server under Ollama
v0.30+ and Ollama's Go engine from v0.12.0 (llm/server.go `ollamaServer.Load` / `buildLayout`, the graph
each device reported at the layout tried) measure the split they try. Under partial offload its compute
buffer holds the op-offload copy of a host weight (GLM-4.5-Air Q8_0 at 20 of 47 blocks: CUDA0 933.00 MiB
against 157.75 MiB at full offload, ollama/ollama#12403), so the count spread from the full-offload
figures can overfill the GPU.
"""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines.llama_cpp_placement import largest_fitting
from llmsize.estimate.engines.ollama_offload import FIT_TARGET_BYTES, fits_by_allocation
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.specs.resolve import resolve
from llmsize.units import GIB

GLM = {"engine": "ollama", "quant": "Q8_0", "context": 8192}


def _planner(settings: dict[str, object], model: str = "GLM-4.5-Air") -> Planner:
    return Planner(resolve(model), Workload.model_validate(settings), estimate)


def test_largest_fitting_is_the_largest_count_within_the_room() -> None:
    need = [10 * n + 5 for n in range(50)]
    for room in (0, 4, 5, 14, 15, 16, 250, 495, 10_000):
        for guess in (None, 0, 3, 20, 48):
            got = largest_fitting(room, need.__getitem__, 49, guess)
            assert got == max([n for n in range(50) if need[n] <= room], default=0)


def test_ollama_split_fits_with_its_own_compute_buffer_and_is_the_most_that_does() -> None:
    planner = _planner(GLM)
    spec, eng = planner.spec, engine_for(planner.wl)
    layout = planner.choose_layout(get_gpu("RTX-4090"), 1)[0]
    gpu = get_gpu("RTX-4090")
    need = planner.split_need(gpu, layout)
    full = estimate(spec, planner.wl)
    overfilled = 0
    for quarter in range(4 * 12, 4 * 40):
        usable = quarter * GIB // 4
        layers = eng.auto_gpu_layers(full, usable, spec.num_layers, spec, need)
        assert layers is not None
        room = usable - FIT_TARGET_BYTES  # llama-server's --fit target (v0.30+)
        assert layers == 0 or need(layers) <= room
        assert layers == spec.num_layers - 1 or need(layers + 1) > room
        spread = eng.auto_gpu_layers(full, usable, spec.num_layers, spec)  # the full-offload spread
        assert spread is not None
        overfilled += spread > layers and need(spread) > room
    # the full-offload buffer (146 MiB) misses the expert copy of a host block (~750 MiB more): at some
    # sizes the old count put one block too many on the GPU
    assert overfilled > 0


def test_the_fit_row_places_what_its_split_holds() -> None:
    # Before the rule: llama.cpp on an RTX 5090 was told 13 blocks, whose split needs 451 MiB more than the
    # card; Ollama on an RTX 4080 / A100-40GB kept 216 / 730 MiB free where llama-server's fitter keeps
    # 1024 MiB.
    for gpu_id in ("RTX-4080", "RTX-5090", "A100-40GB"):
        gpu = get_gpu(gpu_id)
        for settings in (GLM, {**GLM, "engine": "llama.cpp"}):
            planner = _planner(settings)
            row = planner.plan(gpu, 1)
            assert row.fits is False and row.gpu_layers is not None
            layout = planner.choose_layout(gpu, 1)[0]
            split = planner.budget(gpu, planner.workload(layout, gpu_layers=row.gpu_layers))
            margin = FIT_TARGET_BYTES if settings["engine"] == "ollama" else 0
            assert split.need_bytes + margin <= row.usable_bytes
            more = planner.budget(gpu, planner.workload(layout, gpu_layers=row.gpu_layers + 1))
            assert more.need_bytes + margin > row.usable_bytes


def test_who_measures_the_split_by_release() -> None:
    # v0.30+: llama-server's fitter; v0.12-v0.29: the Go engine's layout loop for its models, the llama
    # runner (glm4moe until llama-server) on llm/memory.go's GraphSize estimates; before v0.12 every model.
    assert fits_by_allocation(None, "glm4_moe") and fits_by_allocation((0, 30, 0), "llama")
    assert fits_by_allocation((0, 12, 2), "qwen3_moe") and fits_by_allocation((0, 20, 0), "gemma3")
    # qwen3moe joined the Go engine in v0.12.2 (ollama/ollama#12374, fs/ggml/ggml.go OllamaEngineRequired);
    # v0.12.0-v0.12.1 still ran it on the llama runner, qwen3 (dense) already on the Go engine (#12310)
    assert not fits_by_allocation((0, 12, 1), "qwen3_moe") and fits_by_allocation((0, 12, 0), "qwen3")
    assert not fits_by_allocation((0, 12, 0), "glm4_moe")
    assert not fits_by_allocation((0, 11, 10), "qwen3_moe")  # OLLAMA_NEW_ESTIMATES unset
    assert not fits_by_allocation((0, 5, 7), "gemma3")
