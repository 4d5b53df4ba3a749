"""docs/report-schema.md pins the JSON/YAML schema: documented keys == emitted keys, both documents."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.hardware.fit_models import FitRow
from llmsize.measure.models import CudaStats

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "report-schema.md"
runner = CliRunner()

# Objects whose keys depend on the model (documented as a whole), and maps keyed by component.
OPAQUE = {"model.architecture", "model.name_parts", "estimate", "images"}
PER_COMPONENT = {"memory_ranges", "components", "comparison"}


def documented(section: str) -> set[str]:
    """The `key` cells of the table under `## <section>` in docs/report-schema.md."""
    text = SCHEMA.read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", body, flags=re.MULTILINE))


def emitted(doc: dict[str, Any], prefix: str = "", opaque: frozenset[str] = frozenset()) -> set[str]:
    """Every key path of a document, with `[]` for list items and `<component>` for component maps."""
    out: set[str] = set()
    for key, value in doc.items():
        path = f"{prefix}.<component>" if prefix in PER_COMPONENT else (f"{prefix}.{key}" if prefix else key)
        out.add(path)
        if path in OPAQUE or path in opaque:
            continue
        if isinstance(value, dict):
            out |= emitted(value, path, opaque)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out |= emitted(value[0], f"{path}[]", opaque)
    return out


def _json(*argv: str) -> dict[str, Any]:
    result = runner.invoke(app, [*argv, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def test_estimate_document_matches_the_schema_page() -> None:
    doc = _json("estimate", "Qwen2.5-7B", "--mode", "lora")
    # A fit row as the planner emits it (gpus is empty unless a GPU was asked for).
    row = FitRow(gpu="RTX-4090", count=1, fits=True, per_gpu_bytes=1, headroom_bytes=1)
    doc["gpus"] = [row.model_dump(mode="json")]
    assert emitted(doc) == documented("Estimate document")


@pytest.mark.trace
def test_measurement_document_matches_the_schema_page() -> None:
    doc = _json(
        "measure",
        "Qwen2.5-0.5B",
        "--layers",
        "2",
        "--context",
        "256",
        "--prompt-tokens",
        "200",
        "--device",
        "cpu",
    )
    assert doc["measurement"]["cuda"] is None  # no GPU here: fill in what the cuda device emits
    doc["measurement"]["cuda"] = CudaStats(
        max_allocated_bytes=1, max_reserved_bytes=1, device_total_bytes=1, device_free_bytes_at_start=1
    ).model_dump(mode="json")
    # `workload` is documented once, in the estimate document; here it must have the same keys.
    assert doc["workload"].keys() == doc["estimate"]["workload"].keys()
    assert emitted(doc, opaque=frozenset({"workload"})) == documented("Measurement document")


def test_the_page_documents_the_design_contract_keys() -> None:
    keys = documented("Estimate document")
    for key in (
        "model.name",
        "model.params",
        "model.active_params",
        "workload",
        "memory.total",
        "gpus[].gpu",
        "gpus[].count",
        "gpus[].fits",
        "gpus[].per_gpu_bytes",
        "gpus[].headroom_bytes",
        "gpus[].max_context",
        "gpus[].decode_tokens_per_s",
        "gpus[].ttft_s",
    ):
        assert key in keys
    assert {"estimate", "measured", "measured.peak", "device", "environment"} <= documented(
        "Measurement document"
    )
