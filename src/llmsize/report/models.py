"""Report: the document `llmsize estimate` emits (DESIGN.md contract), built from spec, workload and estimate.

JSON keys are only ever added, never renamed; `schema_version` changes when a key's meaning does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.fit_models import FitRow
from llmsize.names import ParsedName
from llmsize.records import ConfigDict, Field, Record, field_validator
from llmsize.specs.models import ModelSpec
from llmsize.specs.params import mtp_params

SCHEMA_VERSION = 1
# The `memory` keys DESIGN.md promises, in display order.
MEMORY_KEYS: tuple[str, ...] = (
    "weights",
    "kv_cache",
    "activations",
    "gradients",
    "optimizer",
    "adapters",
    "overhead",
    "total",
)
# The `memory_host` keys (estimate/result.py host_memory_dict): host weights, KV and buffers, their total.
HOST_KEYS: tuple[str, ...] = ("weights", "kv_cache", "activations", "total")
NAME_FIELDS: tuple[str, ...] = (
    "series",
    "version",
    "variant",
    "size_label",
    "training_type",
    "quant_method",
    "bits",
    "gguf_type",
    "date",
    "qat",
    "base_model",
    "extra",
)


class ModelInfo(Record):
    """What was estimated: name, exact parameter counts, architecture, weight format and provenance."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    params: int = Field(ge=0, description="total parameters")
    active_params: int = Field(ge=0, description="parameters per token (top-k experts for MoE)")
    checkpoint_params: int | None = Field(
        default=None,
        description="params plus the multi-token-prediction layers the checkpoint stores but transformers "
        "does not load (what a model card's total counts); None when the model has none",
    )
    family: str | None = None
    model_type: str
    hf_repo: str | None = None
    architecture: dict[str, Any] = Field(description="the architecture facts that shaped the numbers")
    weight_format: str
    provenance: str = Field(description="one line: where the numbers came from")
    provenance_kind: str
    provenance_source: str
    approximate: bool = False
    name_parts: dict[str, Any] = Field(default_factory=dict, description="what the model name itself says")


class ComponentInfo(Record):
    """The rule behind one memory component and the same rule with this model's numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    formula: str
    detail: str


class Report(Record):
    """One estimate, ready for a table, JSON, YAML or CSV."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    schema_version: int = SCHEMA_VERSION
    llmsize_version: str
    input: str = Field(description="MODEL as the user gave it")
    model: ModelInfo
    workload: dict[str, Any] = Field(description="every workload input, defaults included")
    memory: dict[str, int] = Field(description="bytes per component at the peak; total = their sum")
    memory_ranges: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="low/high bytes where something unknowable moves a component"
    )
    memory_host: dict[str, int] = Field(
        default_factory=dict,
        description="what the engine keeps in host RAM, not in memory.total (llama.cpp, Ollama); their sum",
    )
    all_weights_bytes: int = Field(
        default=0, ge=0, description="memory.weights + memory_host.weights: every weight, wherever it is kept"
    )
    components: dict[str, ComponentInfo] = Field(default_factory=dict)
    peak_phase: str = ""
    trainable_params: int = Field(default=0, ge=0)
    gpus: list[FitRow] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    engine: dict[str, Any] | None = Field(
        default=None, description="what the engine allocates and prints (device/host split, buffers, pages)"
    )
    training: dict[str, Any] = Field(
        default_factory=dict,
        description="training recipe assumed (framework, defaults taken); host/paged bytes outside the total",
    )
    images: dict[str, Any] = Field(
        default_factory=dict,
        description="image inputs: count, size, tokens added per sequence, the vision tower's peak",
    )
    audio: dict[str, Any] = Field(default_factory=dict, description="audio inputs: tokens, tower peak")
    video: dict[str, Any] = Field(default_factory=dict, description="video inputs: tokens, tower peak")

    @field_validator("memory")
    @classmethod
    def _memory_is_bytes(cls, memory: dict[str, int]) -> dict[str, int]:
        """A saved report is input: a missing component, negative bytes, or a total that is not the sum,
        is a hand edit (a missing key was a KeyError in the table, issue 15 round 10)."""
        missing = [k for k in MEMORY_KEYS if k not in memory]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        bad = [k for k, v in memory.items() if v < 0]
        if bad:
            raise ValueError(f"negative bytes for {', '.join(bad)}")
        parts = sum(v for k, v in memory.items() if k != "total")
        if "total" in memory and memory["total"] != parts:
            raise ValueError(f"total {memory['total']:,} is not the sum of the components ({parts:,})")
        return memory

    @field_validator("memory_host")
    @classmethod
    def _host_is_bytes(cls, host: dict[str, int]) -> dict[str, int]:
        """`memory_host` is empty or every HOST_KEYS entry with its total, as memory (the table's host
        line reads each of them)."""
        if not host:
            return host
        missing = [k for k in HOST_KEYS if k not in host]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        cls._memory_is_bytes({**dict.fromkeys(MEMORY_KEYS, 0), **host})  # no negative, total = the sum
        return host

    @field_validator("workload")
    @classmethod
    def _workload_is_one(cls, workload: dict[str, Any]) -> dict[str, Any]:
        """A saved report's workload is input too: its known fields must make a Workload (a string GPU
        count or a missing batch broke the table, issue 15); keys of a newer llmsize pass through."""
        from llmsize.records import ValidationError

        known = {k: v for k, v in workload.items() if k in Workload.model_fields}
        try:
            checked = Workload.model_validate(known)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise ValueError(f"{where or 'workload'}: {first.get('msg', 'invalid value')}") from None
        return {**workload, **checked.model_dump(mode="json")}


def _name_parts(parsed: ParsedName | None) -> dict[str, Any]:
    if parsed is None:
        return {}
    # qat False and an empty extra say nothing the name said
    parts = {k: getattr(parsed, k, None) for k in NAME_FIELDS}
    return {k: v for k, v in parts.items() if v is not None and v is not False and v != []}


def model_info(spec: ModelSpec, estimate: Estimate, parsed: ParsedName | None = None) -> ModelInfo:
    # Built from validated objects: model_construct skips building the validator, which only a
    # JSON/YAML dump needs (issue 15: a cold human `estimate`).
    return ModelInfo.model_construct(
        name=spec.name,
        params=estimate.params,
        active_params=estimate.active_params,
        checkpoint_params=estimate.params + mtp_params(spec) if spec.mtp_layers else None,
        family=spec.family,
        model_type=spec.model_type,
        hf_repo=spec.hf_repo,
        architecture=spec.summary(),
        weight_format=spec.weight_format.label(),
        provenance=spec.provenance.describe(),
        provenance_kind=str(spec.provenance.kind),
        provenance_source=spec.provenance.source,
        approximate=spec.approximate,
        name_parts=_name_parts(parsed),
    )


def build_report(
    model_input: str,
    spec: ModelSpec,
    workload: Workload,
    estimate: Estimate,
    gpus: Sequence[FitRow] = (),
    parsed: ParsedName | None = None,
) -> Report:
    """Assemble the Report of one estimate (`gpus` stays empty unless a fit was asked for).

    Every part comes from validated objects (Estimate, Workload, ModelSpec, FitRow), so the Report is
    constructed without building its validator, which only loading a saved report needs; the
    memory check still runs (issue 15: a cold human `estimate`).
    """
    from llmsize import __version__

    return Report.model_construct(
        llmsize_version=__version__,
        input=model_input,
        model=model_info(spec, estimate, parsed),
        workload=workload.model_dump(mode="json"),
        memory=Report._memory_is_bytes(estimate.memory_dict()),
        memory_ranges=estimate.ranges_dict(),
        memory_host=estimate.host_memory_dict(),
        all_weights_bytes=estimate.all_weights_bytes,
        components={
            c.name: ComponentInfo.model_construct(formula=c.formula, detail=c.detail)
            for c in estimate.components
        },
        peak_phase=estimate.peak_phase,
        trainable_params=estimate.trainable_params,
        gpus=list(gpus),
        assumptions=list(estimate.assumptions),
        warnings=list(estimate.warnings),
        engine=estimate.engine_figures.model_dump(mode="json") if estimate.engine_figures else None,
        training=dict(estimate.training),
        images=dict(estimate.images),
        audio=dict(estimate.audio),
        video=dict(estimate.video),
    )
