"""`llmsize measure MODEL`: run the workload on the real model (random weights), compare with the estimate."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmsize.cli.app import app
from llmsize.cli.cmd_estimate import ModelArg
from llmsize.cli.option_groups import OptionValues, with_groups
from llmsize.cli.options import ForceOpt, FormatOpt, OutputFormat, OutputOpt, RevisionOpt
from llmsize.cli.workload_options import WORKLOAD_OPTIONS, build_workload
from llmsize.errors import BadInputError, NothingFitsError

if TYPE_CHECKING:
    from llmsize.measure.models import Measurement, ProgressFn
    from llmsize.report.load import MeasureDocument
    from llmsize.specs.models import ModelSpec

MEASURED_OPTIONS = WORKLOAD_OPTIONS.only(
    "mode", "dtype", "quant", "kv_dtype", "context", "prompt_tokens", "batch", "logits", "optimizer",
    "master_weights", "gradient_checkpointing", "attention", "lora_rank", "lora_targets",
    "lora_dropout",
)
"""The workload options the harness can run (no training recipe, engine or parallel layout)."""
_OUTPUT_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


class DeviceChoice(StrEnum):
    TRACE = "trace"
    CPU = "cpu"
    CUDA = "cuda"


DeviceOpt = Annotated[
    DeviceChoice,
    typer.Option(
        "--device",
        help="trace: FakeTensorMode accounting, no memory used; cpu / cuda: really allocate and run.",
    ),
]
LayersOpt = Annotated[
    int | None,
    typer.Option(
        "--layers",
        min=1,
        help="Build only this many decoder layers (real widths and vocabulary); the estimate is made for "
        "the same model.",
    ),
]
TrustRemoteCodeOpt = Annotated[
    bool,
    typer.Option(
        "--trust-remote-code", help="Allow a repository's own modeling code to run (off by default)."
    ),
]
NoFitCheckOpt = Annotated[
    bool,
    typer.Option("--no-fit-check", help="Run even when the estimate says the device is too small."),
]


def _check_output(output: Path | None, force: bool) -> None:
    """Fail before measuring, not after, when --output cannot be written."""
    from llmsize.report.export import check_output

    # the checks write_new_file makes, asked first: a 10,000-character name was an internal error
    # (ENAMETOOLONG from exists()) and an unwritable folder was found only after the run (issue 15, round 19)
    check_output(output, force=force)


def _write(doc: MeasureDocument, output: Path, force: bool) -> None:
    from llmsize.report.export import write_new_file
    from llmsize.report.render_measure import to_text

    write_new_file(output, to_text(doc, _OUTPUT_SUFFIXES[output.suffix.lower()]), force=force)


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressFn]:
    """A rich progress bar on stderr, or a sink that says nothing."""
    from llmsize.measure.models import no_progress

    if not enabled:
        yield no_progress
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("resolving", total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total or None)

        yield update


def _spec_and_config(
    model: str, revision: str | None, layers: int | None, trust_remote_code: bool
) -> tuple[ModelSpec, dict[str, Any], int]:
    """The resolved spec, the config.json to build, and the model's full layer count."""
    from llmsize.measure.build_model import with_layers
    from llmsize.measure.harness import model_config
    from llmsize.specs.local import spec_from_config
    from llmsize.specs.resolve import resolve

    spec = resolve(model, revision=revision, trust_remote_code=trust_remote_code)
    config = model_config(spec)
    full = spec.num_layers
    first_attention = _first_attention_layer(spec)
    if layers is not None and layers != full:
        if layers > full:
            raise BadInputError(f"--layers {layers} exceeds the model's {full} layers")
        config = with_layers(config, layers)
        note = f"{layers} of {full} decoder layers built (--layers)"
        provenance = spec.provenance.model_copy(
            update={"note": "; ".join(p for p in (spec.provenance.note, note) if p)}
        )
        spec = spec_from_config(
            config,
            name=spec.name,
            provenance=provenance,
            where=f"config of {spec.name}",
            hf_repo=spec.hf_repo,
            trust_remote_code=trust_remote_code,
        ).with_weight_format(spec.weight_format)
        _refuse_no_attention_left(spec, layers, first_attention)
    return spec, config, full


def _first_attention_layer(spec: ModelSpec) -> int | None:
    """The index of the first block that keeps a K/V cache (None for a model with none)."""
    from llmsize.specs.models import ATTENTION_KINDS

    kinds = spec.layer_types or ("full_attention",) * spec.num_layers
    return next((i for i, kind in enumerate(kinds) if kind in ATTENTION_KINDS), None)


def _refuse_no_attention_left(spec: ModelSpec, layers: int, first_attention: int | None) -> None:
    """A hybrid cut by --layers to its linear-attention / Mamba / conv (or mixer-less) blocks cannot run in
    transformers: the model's forward asks the cache for its length (`past_key_values.get_seq_length()`),
    and transformers 5.23 cache_utils.Cache.get_seq_length raises ValueError when no layer is an
    attention layer. `measure Qwen3-Next-80B-A3B-Instruct --layers 1` ended in that internal error
    (issue 15, round 23); a model with no attention block at all is traced as it is."""
    if first_attention is None or _first_attention_layer(spec) is not None:
        return
    kinds = ", ".join(sorted(set(spec.layer_types or ())))
    raise BadInputError(
        f"--layers {layers} builds only {spec.name}'s layers without attention ({kinds}), and transformers "
        "needs an attention layer to run the model (cache_utils Cache.get_seq_length)",
        hint=f"use --layers {first_attention + 1} or more",
    )


def _document(
    model: str, spec: ModelSpec, wl: Any, est: Any, measurement: Measurement, layers_of: int
) -> MeasureDocument:
    from llmsize import __version__
    from llmsize.measure.compare import compare
    from llmsize.report.load import MeasureDocument
    from llmsize.report.models import build_report

    details = measurement.model_dump(
        mode="json", exclude={"device", "environment", *(f"{k}_bytes" for k in measurement.measured_dict())}
    )
    details["layers_of"] = layers_of
    return MeasureDocument(
        llmsize_version=__version__,
        workload=wl.model_dump(mode="json"),
        estimate=build_report(model, spec, wl, est),
        measured=measurement.measured_dict(),
        device=measurement.device,
        environment=measurement.environment.model_dump(mode="json"),
        measurement=details,
        comparison=compare(est, measurement).as_dict(),
    )


@app.command("measure")
@with_groups
def measure_cmd(
    ctx: typer.Context,
    model: ModelArg,
    device: DeviceOpt = DeviceChoice.TRACE,
    layers: LayersOpt = None,
    workload: OptionValues = MEASURED_OPTIONS,
    trust_remote_code: TrustRemoteCodeOpt = False,
    no_fit_check: NoFitCheckOpt = False,
    revision: RevisionOpt = None,
    fmt: FormatOpt = OutputFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Run the workload on the real model (random weights from its config) and compare with the estimate.

    The model is built from config.json, never downloaded; estimated vs measured memory is shown
    per component and at the peak.

    inference: prefill the prompt, then decode until --context.
    full, training, lora, qlora: forward, backward and AdamW step, twice; the second step is reported.
    Needs the extra: pip install "llmsize[measure]".
    Too big for the device: refused before anything is allocated (exit 3).
    A CUDA out-of-memory is reported as a result (exit 3).

    Examples:

      llmsize measure Qwen2.5-7B --context 32k

      llmsize measure Qwen2.5-0.5B --device cpu --layers 2 --context 256

      llmsize measure Llama-3.1-8B --mode lora --device cuda -o measured.yaml
    """
    from llmsize.estimate.core import estimate
    from llmsize.measure.harness import measurable_workload, measure, refuse_unsizable, require_torch
    from llmsize.report.render_measure import render_measure

    if fmt is OutputFormat.CSV:
        raise BadInputError("llmsize measure prints human, json or yaml", hint="drop --format csv")
    _check_output(output, force)
    # Bad input is answered before torch is imported, which alone takes seconds (issue 15).
    wl, _ = measurable_workload(build_workload(**workload))
    spec, config, layers_of = _spec_and_config(model, revision, layers, trust_remote_code)
    est = estimate(spec, wl)
    refuse_unsizable(est)
    require_torch()
    with _progress(fmt is not OutputFormat.JSON and sys.stderr.isatty()) as progress:
        measurement = measure(
            spec,
            wl,
            device.value,
            progress,
            config=config,
            est=est,
            trust_remote_code=trust_remote_code,
            check_fit=not no_fit_check,
        )
    doc = _document(model, spec, wl, est, measurement, layers_of)
    from llmsize.cli.written import say_written, stdout_shows

    if output is not None:
        _write(doc, output, force)
        peak = doc.measured.get("peak", 0) / 2**30
        said = (f"not measured: out of memory on {doc.device}" if measurement.outcome.status == "oom"
                else f"measured peak {peak:,.2f} GiB on {doc.device}")
        say_written(ctx, output, f"{said}; `llmsize report show {output}` prints the comparison")
    if stdout_shows(ctx, output):  # else the file holds the answer (issue 15, round 8)
        render_measure(doc, fmt.value)
    if measurement.outcome.status == "oom":
        raise NothingFitsError(measurement.outcome.message)
