"""vllm.py composes its mixins (one job each) and keeps the names other modules import from it."""

from __future__ import annotations

import llmsize.estimate.engines.vllm as vllm
from llmsize.estimate.engines.base import BaseEngine
from llmsize.estimate.engines.vllm import Vllm

# Where each of the engine's overrides lives after the split (vllm.py's docstring lists the modules).
HOMES = {
    "block_tokens": "vllm_launch", "gpu_defaults": "vllm_launch", "resolve": "vllm_launch",
    "validate": "vllm_checks", "tp_problem": "vllm_checks",
    "place_weights": "vllm_weights",
    "tokens_held": "vllm_cache", "pooled_held": "vllm_cache", "layer_kv_bytes": "vllm_cache",
    "peak": "vllm_transient", "overhead": "vllm_transient", "non_torch_bytes": "vllm_transient",
    "figures": "vllm_figures",
    "budget": "vllm_serving", "context_limit": "vllm_serving",
    "notes": "vllm_notes", "quant_options": "vllm_notes",
    "speed_name": "vllm_speed_hooks", "prefill_chunk": "vllm_speed_hooks",
}


def test_each_override_comes_from_its_module_not_the_base():
    for name, module in HOMES.items():
        method = getattr(Vllm, name)
        assert method is not getattr(BaseEngine, name, None), name
        assert method.__module__ == f"llmsize.estimate.engines.{module}", name


def test_names_imported_from_vllm_stay_importable():
    for name in vllm.__all__:
        assert getattr(vllm, name) is not None, name
    assert vllm.__all__ == sorted(vllm.__all__)
    assert vllm.NON_TORCH_TP1_BYTES == 256 * 2**20  # vLLM V1 non_torch_memory at TP 1 (vllm#14452)
    assert vllm.BLOCK_TOKENS == 16 and vllm.MLA_BLOCK_TOKENS == 64
