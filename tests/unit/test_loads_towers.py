"""Which engines' loaded weights hold a multimodal checkpoint's towers (EngineModel.loads_towers): the
speed model's read share leaves them unread (hardware/read_share.read_fraction). The rule was a branch on
the engine's name in hardware/speed_inputs.py; it is the engines' to say (DESIGN.md, review15)."""

from __future__ import annotations

import pytest

from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Workload


@pytest.mark.parametrize(("engine", "loads"), [("vllm", True), ("sglang", True), ("transformers", True),
                                                ("llama.cpp", False), ("ollama", False)])
def test_safetensors_engines_load_the_towers_gguf_engines_do_not(engine: str, loads: bool) -> None:
    # llama.cpp / Ollama: the GGUF text file has no tower (convert_hf_to_gguf.py writes it only with --mmproj)
    assert engine_for(Workload(engine=engine)).loads_towers(Workload(engine=engine)) is loads


def test_vllm_language_model_only_leaves_them_out() -> None:
    # vllm/config/multimodal.py MultiModalConfig.language_model_only: the towers are never built
    wl = Workload(engine="vllm", language_model_only=True)
    assert engine_for(wl).loads_towers(wl) is False
