"""`llmsize gpus`: list and filter the GPU catalog (bundled + user catalogs)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from llmsize.cli.app import app
from llmsize.cli.gpu_options import GpuFileOpt
from llmsize.cli.options import ForceOpt, FormatOpt, OutputFormat, OutputOpt
from llmsize.errors import BadInputError

MinMemoryOpt = Annotated[str | None, typer.Option(
    "--min-memory", help="Only GPUs with at least this much memory, e.g. 24GiB or 80GB.")]
VendorOpt = Annotated[str | None, typer.Option("--vendor", help="nvidia, amd, apple...")]
SegmentOpt = Annotated[str | None, typer.Option(
    "--segment", help="datacenter, workstation, consumer, embedded.")]
Fp8Opt = Annotated[bool, typer.Option("--fp8", help="Only GPUs with native FP8 tensor cores.")]
LocalOpt = Annotated[bool, typer.Option(
    "--local", help="What this machine has: detected GPUs, their total and free memory, RAM.")]


@app.command("gpus")
def gpus_cmd(
    ctx: typer.Context,
    min_memory: MinMemoryOpt = None,
    vendor: VendorOpt = None,
    segment: SegmentOpt = None,
    fp8: Fp8Opt = False,
    local: LocalOpt = False,
    gpu_file: GpuFileOpt = None,
    fmt: FormatOpt = OutputFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """List the GPU catalog: memory, bandwidth, dense tensor throughput, native dtypes.

    Examples:

      llmsize gpus --min-memory 24GiB

      llmsize gpus --vendor nvidia --fp8 --format json

      llmsize gpus --local
    """
    from llmsize.hardware.gpus import filter_gpus, load_catalog
    from llmsize.report.render_gpus import render_gpus
    from llmsize.units import is_decimal_number, parse_size

    if local:
        # the filters and --output are the catalog listing's; with --local they were dropped without a
        # word (`gpus --local -o gpus.json` wrote nothing; issue 15, round 6)
        options = (("--min-memory", min_memory), ("--vendor", vendor), ("--segment", segment), ("--fp8", fp8),
                   ("--output", output))
        given = [flag for flag, value in options if value]
        if given:
            raise BadInputError(
                f"--local shows this machine; {', '.join(given)} applies to the catalog listing",
                hint="drop --local to filter the catalog, or the other options",
            )
        _show_local(gpu_file or (), fmt)
        return
    if output is not None:  # before the table: `gpus -o gpus.txt` printed the whole listing, then the error
        from llmsize.report.export import check_output

        check_output(output, force=force)
    min_bytes = None
    if min_memory is not None:
        try:
            min_bytes = parse_size(min_memory)
        except ValueError as err:
            raise BadInputError(f"--min-memory: {err}") from None
        if min_bytes and is_decimal_number(min_memory.strip()):
            # a plain count is bytes (parse_size), but nobody filters GPUs by 24 bytes: `--min-memory 24`
            # listed every GPU, 6 GB ones too (issue 15, round 6)
            raise BadInputError(f"--min-memory {min_memory.strip()[:40]} names no unit",
                                hint="write e.g. 24GB or 24GiB")
    catalog = load_catalog(gpu_file or ())
    known_vendors = {g.vendor for g in catalog}
    if vendor and vendor.lower() not in known_vendors:
        raise BadInputError(f"no GPU of vendor {vendor!r}",
                            hint=f"vendors: {', '.join(sorted(known_vendors))}")
    known_segments = {g.segment for g in catalog}
    if segment and segment.lower() not in known_segments:  # a typo listed nothing (issue 15, round 6)
        raise BadInputError(f"no GPU of segment {segment!r}",
                            hint=f"segments: {', '.join(sorted(known_segments))}")
    gpus = filter_gpus(catalog, min_memory_bytes=min_bytes, vendor=vendor, segment=segment, fp8=fp8)
    gpus.sort(key=lambda g: (-g.usable_memory_bytes, g.id))
    if output is not None:
        from llmsize.cli.written import say_written, stdout_shows
        from llmsize.report.export import save_document
        from llmsize.report.render_gpus import gpus_document

        save_document(gpus_document(gpus), output, force=force)
        say_written(ctx, output, f"{len(gpus)} GPUs")
        if not stdout_shows(ctx, output):  # the file holds the answer (issue 15, round 8)
            return
    render_gpus(gpus, fmt.value, asked=("FP8",) if fp8 else ())


def _show_local(gpu_files: Sequence[Path], fmt: OutputFormat) -> None:
    """`llmsize gpus --local`: the detected machine, and the catalog entry each GPU maps to."""
    import json

    import yaml

    from llmsize.cli.cmd_fit import machine_document
    from llmsize.hardware.detect import detect
    from llmsize.hardware.gpus import load_catalog
    from llmsize.hardware.local_gpu import local_gpus

    local = local_gpus(detect(), load_catalog(gpu_files))
    doc = machine_document(local.machine)
    doc["plan_gpu"] = local.spec.id
    doc["plan_count"] = local.count
    doc["plan_memory_bytes"] = local.spec.usable_memory_bytes
    doc["notes"] = list(local.notes)
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps(doc, indent=2))
    elif fmt is OutputFormat.YAML:
        typer.echo(yaml.safe_dump(doc, sort_keys=False), nl=False)
    else:
        typer.echo(f"this machine: {local.machine.summary()}")
        typer.echo(f"plans as: {local.count}x {local.spec.id} "
                   f"({local.spec.usable_memory_bytes / 2**30:,.1f} GiB each)")
        for note in local.notes:
            typer.echo(f"  note: {note}")
