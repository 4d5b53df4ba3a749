"""`llmsize gpus`: list and filter the GPU catalog (bundled + user catalogs)."""

from __future__ import annotations

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


@app.command("gpus")
def gpus_cmd(
    min_memory: MinMemoryOpt = None,
    vendor: VendorOpt = None,
    segment: SegmentOpt = None,
    fp8: Fp8Opt = False,
    gpu_file: GpuFileOpt = None,
    fmt: FormatOpt = OutputFormat.HUMAN,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """List the GPU catalog: memory, bandwidth, dense tensor throughput, native dtypes.

    Examples:

      llmsize gpus --min-memory 24GiB

      llmsize gpus --vendor nvidia --fp8 --format json
    """
    from llmsize.hardware.gpus import filter_gpus, load_catalog
    from llmsize.report.render_gpus import render_gpus
    from llmsize.units import parse_size

    min_bytes = None
    if min_memory is not None:
        try:
            min_bytes = parse_size(min_memory)
        except ValueError as err:
            raise BadInputError(f"--min-memory: {err}") from None
    catalog = load_catalog(gpu_file or ())
    known_vendors = {g.vendor for g in catalog}
    if vendor and vendor.lower() not in known_vendors:
        raise BadInputError(f"no GPU of vendor {vendor!r}",
                            hint=f"vendors: {', '.join(sorted(known_vendors))}")
    gpus = filter_gpus(catalog, min_memory_bytes=min_bytes, vendor=vendor, segment=segment, fp8=fp8)
    gpus.sort(key=lambda g: (-g.usable_memory_bytes, g.id))
    render_gpus(gpus, fmt.value)
    if output is not None:
        from llmsize.report.export import save_document
        from llmsize.report.render_gpus import gpus_document

        save_document(gpus_document(gpus), output, force=force)
