"""Seeded mutations of the catalog's 2025-26 config.json files: every one is read or refused in one line.

config.json is untrusted data (issue 15, "Unbreakable"): a section of the wrong JSON type, a zero
period, a negative or absurd size must end in a ConfigError / LlmsizeError (exit 2), never in a
TypeError, ZeroDivisionError or OverflowError that the CLI would report as an internal error. Before
the guard in hf_config/build.py, 5 of these 120 failed; raise MUTATIONS locally to search further
(1,500 found nothing).
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from llmsize.errors import LlmsizeError
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import Provenance, ProvenanceKind

NEW_KINDS = {
    "gemma3n",
    "gemma4",
    "deepseek_v4",
    "apertus",
    "mistral3",
    "glm4_moe_lite",
    "nemotron_h",
    "qwen3_5",
    "qwen3_5_moe",
    "kimi_linear",
    "lfm2",
    "lfm2_moe",
    "hunyuan_v1_moe",
    "ernie4_5_moe",
    "falcon_h1",
    "jamba",
    "exaone4",
    "smollm3",
    "olmo3",
    "seed_oss",
    "kimi_k25",
}
VALUES: list[Any] = [0, -1, 1, 2**40, 1e308, float("nan"), "x", None, [], [1, 2], {"a": 1}, True, 3.5]
MUTATIONS = 120


def _mutate(rng: random.Random, config: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(config)
    for _ in range(rng.randint(1, 3)):
        node: Any = out
        for _depth in range(3):  # descend into a nested section now and then
            key = rng.choice(list(node)) if isinstance(node, dict) and node else None
            if key is not None and isinstance(node[key], dict) and node[key] and rng.random() < 0.5:
                node = node[key]
                continue
            if key is not None:
                node[key] = rng.choice(VALUES)
            break
    return out


def _cases() -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(20261205)
    entries = [e for e in catalog.entries() if e.model.config.get("model_type") in NEW_KINDS]
    return [
        (e.name, _mutate(rng, dict(e.model.config))) for e in (rng.choice(entries) for _ in range(MUTATIONS))
    ]


@pytest.mark.parametrize(("name", "config"), _cases())
def test_a_mutated_config_is_estimated_or_refused_in_one_line(name: str, config: dict[str, Any]) -> None:
    provenance = Provenance(kind=ProvenanceKind.LOCAL, source="mutation test")
    try:
        spec = spec_from_hf_config(config, name=name, provenance=provenance)
    except LlmsizeError as err:
        assert "\n" not in err.message
        return
    for engine in ("transformers", "vllm", "llama.cpp"):
        try:
            estimate(spec, Workload(engine=engine, context=4096))
        except LlmsizeError as err:
            assert "\n" not in err.message
