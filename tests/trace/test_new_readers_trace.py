"""The config readers added in issue 10's last round (apertus, ministral3, glm4_moe_lite) against the trace.

Each catalog config.json (quantization_config dropped: the trace builds float weights) is cut to a layer
count that keeps every kind of block (GLM-4.7-Flash: its dense first block and two MoE blocks) and
compared with the real transformers 5.23 model: parameter bytes and the cache object to the byte, and
the inference peak. The rows are in docs/validation.md ("Config readers added in late 2026"), printed
by bench/trace_readers.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare

CatalogConfig = Callable[[str], tuple[dict[str, Any], dict[str, Any]]]
READERS = [("Apertus-8B-2509", 2), ("Ministral-3-3B-Instruct-2512", 2), ("GLM-4.7-Flash", 3)]


def _float_config(catalog_config: CatalogConfig, name: str) -> dict[str, Any]:
    config, _ = catalog_config(name)
    return {k: v for k, v in config.items() if k != "quantization_config"}


@pytest.mark.parametrize(("name", "layers"), READERS)
def test_new_readers_weights_and_cache_equal_the_model(
    catalog_config: CatalogConfig, name: str, layers: int
) -> None:
    c = compare(
        _float_config(catalog_config, name),
        Workload(context=40, prompt_tokens=24, batch=2),
        name=name,
        num_layers=layers,
    )
    assert c.est_weights == c.trace_params
    assert (c.est_kv_prefill, c.est_kv_full) == (c.trace_kv_prefill, c.trace_kv_full)


@pytest.mark.parametrize(
    ("name", "layers", "context", "prompt", "batch"),
    [
        # Apertus: the python xIELU (no `xielu` CUDA package) keeps five MLP-wide tensors and a mask
        ("Apertus-8B-2509", 2, 2048, None, 1),
        ("Ministral-3-3B-Instruct-2512", 2, 2048, None, 1),
        ("GLM-4.7-Flash", 3, 4096, 128, 2),  # decode-bound: MLA latent cache of 576 values per token
        # prefill-bound in the routed experts: the fp32 router's weights make the weighted expert outputs
        # fp32 (Glm4MoeLiteTopkRouter / Glm4MoeTopkRouter restate DeepSeek-V3's router)
        ("GLM-4.7-Flash", 3, 4096, None, 1),
        ("GLM-4.5-Air", 2, 4096, None, 1),
    ],
)
def test_new_readers_inference_peak_within_3_percent(
    catalog_config: CatalogConfig, name: str, layers: int, context: int, prompt: int | None, batch: int
) -> None:
    wl = Workload(context=context, prompt_tokens=prompt, batch=batch)
    c = compare(_float_config(catalog_config, name), wl, name=name, num_layers=layers)
    assert c.est_phase == c.trace_phase
    assert abs(c.peak_error) <= 0.03, f"estimated {c.est_peak:,} B, traced {c.trace_peak:,} B"
    if prompt is None:  # the transient alone (peak - weights) holds too
        est, traced = c.est_peak - c.est_weights, c.trace_peak - c.trace_params
        assert abs(est / traced - 1) <= 0.03, f"transient: estimated {est:,} B, traced {traced:,} B"
