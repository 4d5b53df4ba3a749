"""The oracle tests: the estimator against the FakeTensor/MemTracker trace of the real modeling code.

Every test here is marked `trace` and is skipped, saying why, when torch, transformers or peft is
missing (`pip install "llmsize[measure]"`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import pytest

from llmsize.specs import catalog

_MISSING = [m for m in ("torch", "transformers", "peft") if importlib.util.find_spec(m) is None]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=f'needs {", ".join(_MISSING)}: pip install "llmsize[measure]"')
    for item in items:
        if "tests/trace/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.trace)
            if _MISSING:
                item.add_marker(skip)


def _catalog_config(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The config.json dict of a catalog entry (model_specs/*.yaml, each citing its source) and the
    workload dtype to trace it in: bf16 for checkpoints published in fp32 (Gemma 2), which people
    run in bf16; the checkpoint's own dtype otherwise."""
    entry = catalog.get(name)
    assert entry is not None, f"{name} is not in the bundled catalog"
    config = dict(entry.model.config)
    declared = str(config.get("torch_dtype", config.get("dtype", "")))
    return config, ({"dtype": "bf16"} if declared == "float32" else {})


@pytest.fixture
def catalog_config() -> Callable[[str], tuple[dict[str, Any], dict[str, Any]]]:
    return _catalog_config
