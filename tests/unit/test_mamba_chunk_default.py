"""The Mamba-2 scan chunk a config leaves out is its transformers config class's default, which vLLM reads
from the same object (vllm/config/model.py ModelConfig.get_mamba_chunk_size): NemotronHConfig.chunk_size is
128 (transformers 5.23 models/nemotron_h/configuration_nemotron_h.py), GraniteMoeHybridConfig and
FalconH1Config.mamba_chunk_size 256. Before, a Nemotron-H config without chunk_size was read as 256."""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.specs import catalog
from llmsize.specs.local import spec_from_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind


def _spec(cfg: dict[str, Any]) -> ModelSpec:
    return spec_from_config(cfg, name="t", provenance=Provenance(kind=ProvenanceKind.LOCAL, source="t"),
                            where="t", trust_remote_code=True)


def _config(name: str, **change: Any) -> dict[str, Any]:
    entry = catalog.get(name)
    assert entry is not None
    cfg = {k: v for k, v in entry.model.config.items() if k not in ("chunk_size", "mamba_chunk_size")}
    return cfg | change


@pytest.mark.parametrize(
    ("name", "change", "chunk"),
    [
        ("Nemotron-H-8B-Base-8K", {}, 128),  # NemotronHConfig.chunk_size = 128
        ("Nemotron-H-8B-Base-8K", {"chunk_size": 256}, 256),
        # NemotronHConfig.__init__: chunk_size = kwargs.pop("mamba_chunk_size") when given
        ("Nemotron-H-8B-Base-8K", {"chunk_size": 256, "mamba_chunk_size": 64}, 64),
        ("granite-4.0-h-tiny", {}, 256),  # GraniteMoeHybridConfig.mamba_chunk_size = 256
        ("granite-4.0-h-tiny", {"chunk_size": 128}, 256),  # not an attribute the class reads
        ("Falcon-H1-1.5B-Base", {}, 256),  # FalconH1Config.mamba_chunk_size = 256
    ],
)
def test_chunk_is_the_config_class_default(name: str, change: dict[str, Any], chunk: int) -> None:
    spec = _spec(_config(name, **change))
    assert spec.recurrent is not None and spec.recurrent.chunk_size == chunk


def test_transformers_config_classes_state_these_defaults() -> None:
    pytest.importorskip("transformers")
    from transformers import FalconH1Config, GraniteMoeHybridConfig, NemotronHConfig

    assert NemotronHConfig().chunk_size == 128
    assert GraniteMoeHybridConfig().mamba_chunk_size == 256
    assert FalconH1Config().mamba_chunk_size == 256
