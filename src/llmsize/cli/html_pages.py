"""`--format html` / `--output *.html`: gather what the page plots, then render it (report.render_html)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llmsize.cli.workload_options import workload_for

# GPUs a page shows when none was asked for: one of each common memory class (24, 48, 80 GB).
DEFAULT_PAGE_GPUS = ("RTX-4090", "L40S", "A100-SXM-80GB", "H100-SXM-80GB")
MAX_CURVE_CONTEXT = 1 << 20


def _contexts(asked: int, limit: int) -> list[int]:
    """Powers of two from 512 to the model's window (and the context asked), for a log-scale x axis."""
    top = min(max(limit, asked), MAX_CURVE_CONTEXT)
    out, c = [], 512
    while c <= top:
        out.append(c)
        c *= 2
    if asked not in out and 512 <= asked <= top:
        out.append(asked)
    return sorted(out)


def estimate_page(
    model: str,
    revision: str | None,
    options: dict[str, Any],
    report: Any,
    *,
    gpus: Sequence[str],
    gpu_files: Sequence[Path],
    num_gpus: int | None,
) -> str:
    """The estimate page: the report, plus memory and decode speed at each context length."""
    from llmsize.estimate.core import estimate
    from llmsize.hardware.gpus import load_catalog
    from llmsize.hardware.plan import plan_fit_rows
    from llmsize.report import render_html as h
    from llmsize.specs.resolve import resolve

    spec = resolve(model, revision=revision, engine=options.get("engine"))
    wl = workload_for(spec, options, num_gpus)
    catalog = load_catalog(tuple(gpu_files))
    gpu_specs = [catalog.get(g) for g in (gpus or DEFAULT_PAGE_GPUS)]
    rows = [r.model_dump(mode="json") for r in report.gpus] or [
        r.model_dump(mode="json") for r in plan_fit_rows(spec, wl, gpu_specs, num_gpus)
    ]
    curve = []
    for ctx in _contexts(wl.context, spec.max_position_embeddings):
        at = wl.model_copy(update={"context": ctx, "prompt_tokens": None})
        at_rows = plan_fit_rows(spec, at, gpu_specs, num_gpus)
        speeds = {r.gpu: (r.decode_tokens_per_s if r.fits else None) for r in at_rows}
        curve.append(h.CurvePoint(ctx, estimate(spec, at).total_bytes, speeds))
    # one line per GPU: a --concurrency sweep lists each GPU once per level, at the same usable memory
    first: dict[str, dict[str, Any]] = {}
    for r in rows:
        first.setdefault(r["gpu"], r)
    lines = [h.GpuLine(g, r.get("usable_bytes") or 0, r.get("max_context")) for g, r in first.items()]
    return h.estimate_page(report.model_dump(mode="json"), curve, lines, rows)
