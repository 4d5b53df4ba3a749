"""Weights and KV cache, estimator vs the real model, to the byte, for every catalog architecture.

Each entry is built from its own config.json (real widths and vocabulary, just enough blocks to
hold every kind of block it has); the KV cache is read from the cache object `generate` returns,
after the prompt and at the full context (past every sliding window).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from llmsize.errors import ConfigError
from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare, spec_of
from llmsize.specs import catalog
from llmsize.specs.hf_config import SUPPORTED_MODEL_TYPES


def _transformers_types() -> frozenset[str]:
    if importlib.util.find_spec("transformers") is None:
        return frozenset()
    from transformers import CONFIG_MAPPING

    return frozenset(CONFIG_MAPPING.keys())


def layers_for(config: dict[str, Any]) -> int:
    """Enough blocks to hold every kind of block the model has (mixer kind and window, dense/MoE/no
    FFN), at least 2. A hybrid (Qwen3.5, Nemotron-H) keeps its first attention block: a cache of
    linear-attention/Mamba layers alone has no sequence length for `generate` to read."""
    spec = spec_of(config, "probe")
    first: dict[tuple[str, Any, bool, bool], int] = {}
    for layer in range(spec.num_layers):
        kind = (
            spec.layer_type(layer),
            spec.layer_window(layer),
            spec.is_moe_layer(layer),
            spec.has_mlp(layer),
        )
        first.setdefault(kind, layer)
    return min(spec.num_layers, max(2, max(first.values()) + 1))


ENTRIES = catalog.entries()
# Architectures whose forward cannot run under FakeTensorMode: their weights are checked on the meta device
# instead (tests/trace/test_archcat4_params.py, test_new_types_params.py).
_UNTRACEABLE = {
    # modeling_longcat_flash.py LongcatFlashExperts.forward loops over `.nonzero()` expert hits and
    # `.item()` indices (no experts-implementation switch), a data-dependent shape a fake tensor has not
    "longcat_flash": "LongcatFlashExperts.forward loops over nonzero() expert hits",
    # transformers 5.23 maps step3p5 to Step3p7TextConfig but registers no AutoModelForCausalLM for it
    # (the text model only): tests/trace/test_archcat5_params.py builds Step3p7TextModel + head on meta.
    "step3p5": "no AutoModelForCausalLM class for Step3p7TextConfig",
}


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_weights_and_kv_equal_the_model_to_the_byte(entry: catalog.CatalogEntry) -> None:
    # from_config builds the model in its declared dtype, without the checkpoint's quantization:
    # compare it with the same architecture stored unquantized.
    config = {k: v for k, v in entry.model.config.items() if k != "quantization_config"}
    if isinstance(config.get("text_config"), dict):  # a wrapper may keep it with the text model (Kimi-K2.5)
        config["text_config"] = {k: v for k, v in config["text_config"].items() if k != "quantization_config"}
    if config["model_type"] == "gemma3n" and importlib.util.find_spec("timm") is None:
        # Gemma 3n's MobileNetV5 vision tower is built by timm, which the measure extra does not
        # install: compare its text model (decoder, per-layer embeddings, cache) alone.
        config = {**config["text_config"], "dtype": "bfloat16"}
    if config["model_type"] in _UNTRACEABLE:
        pytest.skip(f"{config['model_type']}: {_UNTRACEABLE[config['model_type']]} (weights checked on meta)")
    if config["model_type"] not in _transformers_types():
        pytest.skip(f"transformers has no {config['model_type']!r} architecture (Hub remote code only)")
    try:
        spec = spec_of(config, entry.name)
    except ConfigError as refused:
        if config["model_type"] in SUPPORTED_MODEL_TYPES:
            raise
        # A model type the estimator declines on purpose (Gemma 3n) says why instead of
        # guessing: there is no estimate to compare (the golden parameter-count test xfails them).
        pytest.skip(f"llmsize declines {config['model_type']!r}: {refused}")
    windows = [w for w in (spec.layer_window(i) for i in range(spec.num_layers)) if w]
    prompt = 24
    context = (max(windows) + 8) if windows else prompt + 8
    wl = Workload(context=context, prompt_tokens=prompt, batch=2)
    c = compare(config, wl, name=entry.name, num_layers=layers_for(config))
    assert c.est_weights == c.trace_params, (
        f"weights: estimated {c.est_weights:,} B, model {c.trace_params:,} B"
    )
    assert c.est_kv_prefill == c.trace_kv_prefill, (
        f"KV after the prompt: estimated {c.est_kv_prefill:,} B, cache {c.trace_kv_prefill:,} B"
    )
    assert c.est_kv_full == c.trace_kv_full, (
        f"KV at the full context: estimated {c.est_kv_full:,} B, cache {c.trace_kv_full:,} B"
    )
