"""llama.cpp: a tower counted only in `extra_params` (InternVL, GLM-4.xV: no VisionTower) is the mmproj file.

convert_hf_to_gguf.py `InternVisionModel(MmprojModel).filter_tensors` writes vision_model / mlp1 (the
tower and projector) to the --mmproj file alone; the text GGUF is the Qwen3 decoder. So llama.cpp's text
weights equal the decoder's, and the tower appears only when llama-server loads the mmproj (on the first
GPU, tools/mtmd clip.cpp). vLLM and transformers load the whole checkpoint: the tower counts once.
Before this rule `InternVL3_5-38B --engine llama.cpp --quant Q2_K` put its 5.63B-parameter tower at F16
(10.72 GiB) in host RAM labelled "token embeddings".
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Engine, Workload
from llmsize.specs.models import ModelSpec
from llmsize.specs.resolve import resolve


def _text_only(spec: ModelSpec) -> ModelSpec:
    """The same decoder with no tower: what the text GGUF holds."""
    return spec.model_copy(update={"extra_params": 0, "extra_params_note": None})


@pytest.mark.parametrize("model", ["InternVL3_5-8B", "GLM-4.1V-9B-Thinking"])
def test_llama_cpp_text_gguf_leaves_out_the_tower(model: str) -> None:
    # GLM-4.xV likewise: convert_hf_to_gguf.py Glm4VVisionModel (MmprojModel) takes its tower and merger
    spec = resolve(model)
    assert spec.vision is None and spec.extra_params > 300_000_000  # the tower lives in extra_params only
    wl = Workload(engine=Engine.LLAMA_CPP, quant="Q4_K_M")
    vlm, text = estimate(spec, wl, explained=False), estimate(_text_only(spec), wl, explained=False)
    assert vlm.weights_bytes == text.weights_bytes
    assert vlm.engine_figures is not None and text.engine_figures is not None
    # host RAM holds the token embeddings only, as for the text model: not the tower
    assert vlm.engine_figures.host_weights_bytes == text.engine_figures.host_weights_bytes
    assert vlm.engine_figures.mmproj_bytes == 0


def test_llama_cpp_loaded_mmproj_puts_the_tower_on_the_gpu_once() -> None:
    spec = resolve("InternVL3_5-8B")
    loaded = Workload(engine=Engine.LLAMA_CPP, quant="Q4_K_M", mmproj=True)
    vlm = estimate(spec, loaded, explained=False)
    text = estimate(_text_only(spec), Workload(engine=Engine.LLAMA_CPP, quant="Q4_K_M"), explained=False)
    assert vlm.engine_figures is not None and text.engine_figures is not None
    # the mmproj file at F16: every tower and projector parameter at 2 bytes (norms' F32 share not restated)
    assert vlm.engine_figures.mmproj_bytes == 2 * spec.extra_params
    assert vlm.weights_bytes == text.weights_bytes + 2 * spec.extra_params
    assert vlm.engine_figures.host_weights_bytes == text.engine_figures.host_weights_bytes


@pytest.mark.parametrize("engine", [Engine.VLLM, Engine.TRANSFORMERS])
def test_checkpoint_engines_count_the_tower_once(engine: Engine) -> None:
    spec = resolve("InternVL3_5-8B")
    wl = Workload(engine=engine, dtype="bf16")
    vlm, text = estimate(spec, wl, explained=False), estimate(_text_only(spec), wl, explained=False)
    # once: the tower's parameters at 2 bytes (vLLM's own rounding of the loaded bytes moves it by < 0.1%)
    assert vlm.weights_bytes - text.weights_bytes == pytest.approx(2 * spec.extra_params, rel=1e-3)


def test_only_towers_go_to_the_mmproj() -> None:
    # Apertus' extra_params are the xIELU scalars of its decoder blocks and LongCat's the zero experts'
    # router rows: the text GGUF keeps them. InternVL's and Gemma 3's are the tower.
    from llmsize.estimate.engines.llama_cpp_mmproj import tower_in_mmproj

    assert not tower_in_mmproj(resolve("Apertus-8B-2509"))
    assert not tower_in_mmproj(resolve("LongCat-Flash-Chat"))
    assert tower_in_mmproj(resolve("InternVL3_5-38B"))
    assert tower_in_mmproj(resolve("gemma-3-4b-it"))
