"""One self-contained HTML page (inline SVG and CSS, no script, no network) for a report.

What a person looks at first (issue 15): the memory breakdown as a labelled stacked bar, each
GPU's fit against its usable memory, memory and decode speed against context length with the
point where each GPU's line is crossed, and `compare`'s recommendation highlighted. Every number
shown is also in the page's text (and in `data-*` attributes), so a test can read it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from typing import Any

from llmsize.units import GIB

# Colour per component (Okabe-Ito palette: distinguishable with the common colour-vision deficiencies).
COLOURS = {
    "weights": "#0072B2",
    "kv_cache": "#E69F00",
    "activations": "#009E73",
    "gradients": "#CC79A7",
    "optimizer": "#D55E00",
    "adapters": "#56B4E9",
    "overhead": "#999999",
}
LABELS = {
    "weights": "weights",
    "kv_cache": "KV cache",
    "activations": "activations",
    "gradients": "gradients",
    "optimizer": "optimizer",
    "adapters": "adapters",
    "overhead": "overhead",
}
_GPU_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:980px;color:#222;
background:#fff;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.sub{color:#555;margin:0 0 12px}
table{border-collapse:collapse;margin:8px 0}
td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #ddd}
td:first-child,th:first-child{text-align:left}
.fits{color:#1a7f37;font-weight:600}.nofit{color:#cf222e;font-weight:600}
.recommend{background:#fff8c5;border:2px solid #d4a72c;border-radius:6px;padding:10px 14px;margin:10px 0;
font-weight:600}
.note{color:#555;font-size:13px}
tr.picked td{background:#fff8c5;font-weight:600}
svg text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif}
"""


@dataclass(frozen=True)
class CurvePoint:
    """Memory (and per-GPU decode speed) at one context length."""

    context: int
    total_bytes: int
    decode_tokens_per_s: dict[str, float | None]


@dataclass(frozen=True)
class GpuLine:
    """A GPU's usable memory: the horizontal line the memory curve must stay under."""

    gpu: str
    usable_bytes: int
    max_context: int | None


def gib(n: float) -> str:
    return f"{n / GIB:.2f} GiB"


def page(title: str, subtitle: str, sections: Sequence[str]) -> str:
    """The whole document: UTF-8, no external resource of any kind."""
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n<body>\n"
        f'<h1>{escape(title)}</h1><p class="sub">{escape(subtitle)}</p>\n{body}\n</body></html>\n'
    )


def breakdown_bar(memory: dict[str, int], width: int = 900) -> str:
    """The memory components as one labelled stacked bar, with a legend giving each value."""
    total = memory.get("total") or sum(v for k, v in memory.items() if k != "total") or 1
    parts = [(k, memory.get(k, 0)) for k in COLOURS if memory.get(k, 0) > 0]
    x, rects, legend = 0.0, [], []
    for i, (key, value) in enumerate(parts):
        w = width * value / total
        label = f"{LABELS[key]} {gib(value)}"
        rects.append(
            f'<rect x="{x:.1f}" y="0" width="{max(w, 0.5):.1f}" height="40" fill="{COLOURS[key]}" '
            f'data-component="{key}" data-bytes="{value}"><title>{escape(label)}</title></rect>'
        )
        if w > 90:
            rects.append(
                f'<text x="{x + w / 2:.1f}" y="25" text-anchor="middle" fill="#fff" font-size="13">'
                f"{escape(LABELS[key])}</text>"
            )
        ly = 62 + 18 * (i // 3)
        lx = 300 * (i % 3)
        legend.append(
            f'<rect x="{lx}" y="{ly - 11}" width="12" height="12" fill="{COLOURS[key]}"/>'
            f'<text x="{lx + 18}" y="{ly}" font-size="13">{escape(label)} '
            f"({100 * value / total:.1f}%)</text>"
        )
        x += w
    height = 62 + 18 * ((len(parts) + 2) // 3)
    return (
        f'<svg role="img" aria-label="memory breakdown" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(rects)
        + "".join(legend)
        + "</svg>"
    )


def _at_concurrency(row: dict[str, Any]) -> str:
    """A --concurrency row's level: the sweep lists one GPU once per level, which read as the same card
    twice with two different needs (issue 15, round 10)."""
    level = row.get("concurrency")
    if not isinstance(level, int) or isinstance(level, bool):
        return ""
    return f" at {level:,} sequence{'' if level == 1 else 's'}"


def gpu_fit_bars(
    rows: Sequence[dict[str, Any]], width: int = 900, picked: frozenset[int] = frozenset(),
    by_model: bool = False,
) -> str:
    """One bar per GPU: the predicted peak against the memory the GPU offers (the outline); the rows
    in `picked` (compare's recommendation) in bold with a marker. `by_model`: each bar named by its
    model (models compared on one GPU), the name column as wide as the longest."""
    if not rows:
        return ""
    scale = max(max(r.get("usable_bytes") or 0, r["per_gpu_bytes"]) for r in rows) or 1
    names = [(r["model"] if by_model else r["gpu"]) + (f" x{r['count']}" if r.get("count", 1) > 1 else "")
             + _at_concurrency(r) for r in rows]
    # about 7.5 px a character at 13 px: a 31-character model name ran under its bar at 190 px
    left = max(190, min(400, int(7.5 * max(len(n) + 2 for n in names)) + 10))
    bar_w, step = width - left - 230, 34
    out = []
    for i, r in enumerate(rows):
        y = 8 + i * step
        usable = r.get("usable_bytes") or 0
        need = r["per_gpu_bytes"]
        colour = "#1a7f37" if r["fits"] else "#cf222e"
        verdict = "fits" if r["fits"] else "does not fit"
        mark = ' font-weight="700" data-recommended="1"' if i in picked else ""
        star = "★ " if i in picked else ""
        out.append(
            f'<text x="0" y="{y + 17}" font-size="13"{mark}>{star}{escape(names[i])}</text>'
            f'<rect x="{left}" y="{y}" width="{bar_w * min(need, scale) / scale:.1f}" height="22" '
            f'fill="{colour}" opacity="0.75" data-gpu="{escape(r["gpu"])}" data-need="{need}"/>'
            f'<rect x="{left}" y="{y}" width="{bar_w * usable / scale:.1f}" height="22" fill="none" '
            f'stroke="#222" stroke-width="1.5" data-usable="{usable}"/>'
            f'<text x="{left + 6 + bar_w * max(min(need, scale), usable) / scale:.1f}" y="{y + 16}" '
            f'font-size="12" fill="#222">{gib(need)} of {gib(usable)}: {verdict}</text>'
        )
    height = 16 + len(rows) * step
    return (
        f'<svg role="img" aria-label="fit per GPU" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">' + "".join(out) + "</svg>"
    )


def _ticks(vmax: float) -> list[float]:
    """Round axis values (1, 2 or 5 times a power of ten) from 0 up to `vmax`, five to ten of them:
    "21 / 42 / 62 / 83 GiB" (quarters of the top) read as noise (issue 15)."""
    import math

    if vmax <= 0:
        return [0.0]
    raw = vmax / 4
    power = 10 ** math.floor(math.log10(raw))
    step = max(m * power for m in (1, 2, 5) if m * power <= raw)
    return [i * step for i in range(int(vmax / step) + 1)]


def _spread(ys: Sequence[float], gap: float = 14) -> list[float]:
    """Label positions near `ys` that keep `gap` pixels apart (in the order of ys): two GPUs with the
    same usable memory (H100 and A100, both 79.2 GiB) printed their names over each other."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for prev, cur in pairwise(order):
        out[cur] = max(out[cur], out[prev] + gap)
    return out


def _curve_at(points: Sequence[CurvePoint], context: int) -> float:
    """The memory curve at `context`, straight between its points on the log-scale axis."""
    import math

    for a, b in pairwise(points):
        if a.context <= context <= b.context:
            t = (math.log2(context) - math.log2(a.context)) / (math.log2(b.context) - math.log2(a.context))
            return a.total_bytes + t * (b.total_bytes - a.total_bytes)
    return float(points[-1].total_bytes if context > points[-1].context else points[0].total_bytes)


def _log_x(context: int, lo: int, hi: int, left: float, span: float) -> float:
    import math

    if hi <= lo:
        return left
    return left + span * (math.log2(context) - math.log2(lo)) / (math.log2(hi) - math.log2(lo))


def memory_curve(points: Sequence[CurvePoint], lines: Sequence[GpuLine], width: int = 900) -> str:
    """Total memory against context length (log scale), each GPU's usable memory as a dashed line,
    and a marker where the curve crosses it (the longest context that GPU holds)."""
    if len(points) < 2:
        return ""
    left, top, plot_w, plot_h = 70, 12, width - 70 - 240, 260
    lo, hi = points[0].context, points[-1].context
    ymax = max([p.total_bytes for p in points] + [g.usable_bytes for g in lines]) * 1.05 or 1

    def y(v: float) -> float:
        return top + plot_h * (1 - v / ymax)

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{_log_x(p.context, lo, hi, left, plot_w):.1f},{y(p.total_bytes):.1f}"
        for i, p in enumerate(points)
    )
    out = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>',
    ]
    for p in points:
        px = _log_x(p.context, lo, hi, left, plot_w)
        out.append(
            f'<text x="{px:.1f}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle">'
            f"{_tokens(p.context)}</text>"
        )
    for v in _ticks(ymax / GIB):
        ty = y(v * GIB)
        out.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="#eee"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" font-size="11" text-anchor="end">{v:g} GiB</text>'
        )
    out.append(f'<path d="{path}" fill="none" stroke="#0072B2" stroke-width="2.5" data-series="memory"/>')
    labels = _spread([y(g.usable_bytes) for g in lines])
    for i, g in enumerate(lines):
        colour = _GPU_COLOURS[i % len(_GPU_COLOURS)]
        gy = y(g.usable_bytes)
        # a dot only where the curve reaches the line: a longest context set by the model's window or
        # the engine (the curve ends far below the line) is no crossing, yet drew one on the line
        crossed = bool(g.max_context and lo <= g.max_context <= hi
                       and _curve_at(points, g.max_context) >= 0.9 * g.usable_bytes)
        holds = "" if crossed or not g.max_context else f" · holds {_tokens(g.max_context)}"
        out.append(
            f'<line x1="{left}" y1="{gy:.1f}" x2="{left + plot_w}" y2="{gy:.1f}" stroke="{colour}" '
            f'stroke-dasharray="6 4" data-gpu="{escape(g.gpu)}" data-usable="{g.usable_bytes}"/>'
            f'<text x="{left + plot_w + 6}" y="{labels[i] + 4:.1f}" font-size="12" fill="{colour}">'
            f"{escape(g.gpu)} {g.usable_bytes / GIB:.1f} GiB{holds}</text>"
        )
        if crossed and g.max_context:
            cx = _log_x(g.max_context, lo, hi, left, plot_w)
            out.append(
                f'<circle cx="{cx:.1f}" cy="{gy:.1f}" r="5" fill="{colour}" data-crossing="{g.max_context}">'
                f"<title>{escape(g.gpu)}: longest context {g.max_context:,} tokens</title></circle>"
                f'<text x="{cx:.1f}" y="{gy - 8:.1f}" font-size="11" text-anchor="middle" fill="{colour}">'
                f"{_tokens(g.max_context)}</text>"
            )
    height = top + plot_h + 30
    return (
        f'<svg role="img" aria-label="memory against context" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">' + "".join(out) + "</svg>"
    )


def speed_curve(points: Sequence[CurvePoint], gpus: Sequence[str], width: int = 900) -> str:
    """Decode tokens/s against context length for each GPU (where the workload fits it)."""
    series = {g: [(p.context, p.decode_tokens_per_s.get(g)) for p in points] for g in gpus}
    values = [v for s in series.values() for _, v in s if v]
    if len(points) < 2 or not values:
        return ""
    left, top, plot_w, plot_h = 70, 12, width - 70 - 240, 200
    lo, hi = points[0].context, points[-1].context
    ymax = max(values) * 1.1
    out = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>',
    ]
    # round values from 0 up: one "50 tok/s" at the top left every line's height to guesswork (issue 15)
    for v in _ticks(ymax):
        ty = top + plot_h * (1 - v / ymax)
        out.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="#eee"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" font-size="11" text-anchor="end">{v:g} tok/s</text>'
        )
    for p in points:
        px = _log_x(p.context, lo, hi, left, plot_w)
        out.append(
            f'<text x="{px:.1f}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle">'
            f"{_tokens(p.context)}</text>"
        )
    drawn = []
    for i, (gpu, pts) in enumerate(series.items()):
        colour = _GPU_COLOURS[i % len(_GPU_COLOURS)]
        kept = [(c, v) for c, v in pts if v]
        coords = [(_log_x(c, lo, hi, left, plot_w), top + plot_h * (1 - v / ymax)) for c, v in kept]
        if not coords:
            continue
        d = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f},{yy:.1f}" for j, (x, yy) in enumerate(coords))
        out.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2" data-gpu="{escape(gpu)}"/>')
        drawn.append((gpu, colour, coords[-1], kept[-1]))
    # each line's name at its end, with its last value, the names kept apart
    for (gpu, colour, (x, _), (c, v)), ly in zip(drawn, _spread([d[2][1] for d in drawn]), strict=True):
        out.append(
            f'<text x="{x + 6:.1f}" y="{ly + 4:.1f}" font-size="12" fill="{colour}">'
            f"{escape(gpu)} {v:,.0f} tok/s at {_tokens(c)}</text>"
        )
    height = top + plot_h + 30
    return (
        f'<svg role="img" aria-label="decode speed against context" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">' + "".join(out) + "</svg>"
    )


def _tokens(n: int) -> str:
    return f"{n // 1024}k" if n >= 1024 and n % 1024 == 0 else f"{n:,}"


def memory_table(memory: dict[str, int], host: dict[str, int] | None = None) -> str:
    """The components on the busiest GPU, their total, and below it what the engine keeps in host RAM
    (llama.cpp/Ollama: memory_host), which is not part of that total."""
    rows = "".join(
        f'<tr><td>{escape(LABELS[k])}</td><td data-bytes="{memory[k]}">{gib(memory[k])}</td>'
        f"<td>{memory[k]:,} B</td></tr>"
        for k in COLOURS
        if memory.get(k)
    )
    total = memory.get("total", 0)
    off = (host or {}).get("total", 0)
    host_row = (
        f'<tr><td>host RAM (not in total)</td><td data-bytes="{off}">{gib(off)}</td><td>{off:,} B</td></tr>'
        if off else ""
    )
    return (
        "<table><tr><th>component</th><th>GiB</th><th>bytes</th></tr>"
        f'{rows}<tr><th>total</th><th data-bytes="{total}">{gib(total)}</th><th>{total:,} B</th></tr>'
        f"{host_row}</table>"
    )


_PICKED = ' class="picked" data-recommended="1"'


def fit_table(rows: Sequence[dict[str, Any]], picked: frozenset[int] = frozenset()) -> str:
    """The rows as a table; the ones in `picked` (compare's recommendation) highlighted."""
    if not rows:
        return ""
    body = []
    with_model = all("model" in r for r in rows)
    for i, r in enumerate(rows):
        verdict = '<span class="fits">fits</span>' if r["fits"] else '<span class="nofit">does not fit</span>'
        speed = f"{r['decode_tokens_per_s']:.0f} tok/s" if r.get("decode_tokens_per_s") else "—"
        ctx = f"{r['max_context']:,}" if r.get("max_context") else "—"
        model = f"<td>{escape(str(r['model']))}</td>" if with_model else ""
        body.append(
            f"<tr{_PICKED if i in picked else ''}>"
            f"{model}<td>{escape(r['gpu'])} x{r['count']}{_at_concurrency(r)}</td>"
            f"<td>{verdict}</td><td>{gib(r['per_gpu_bytes'])}</td><td>{gib(r.get('usable_bytes') or 0)}</td>"
            f"<td>{ctx}</td><td>{speed}</td></tr>"
        )
    return (
        "<table><tr>"
        + ("<th>model</th>" if with_model else "")
        + "<th>GPU</th><th></th><th>needs</th><th>usable</th><th>longest context</th><th>decode</th></tr>"
        + "".join(body)
        + "</table>"
    )


def estimate_page(
    report: dict[str, Any],
    curve: Sequence[CurvePoint],
    lines: Sequence[GpuLine],
    gpu_rows: Sequence[dict[str, Any]],
) -> str:
    """`llmsize estimate --format html`: breakdown, fit per GPU, memory and speed against context."""
    model = report["model"]
    wl = report["workload"]
    title = f"{model['name']}: {gib(report['memory']['total'])} at {wl.get('context', '?'):,} tokens"
    subtitle = (
        f"{model.get('weight_format', '')} · {model['params']:,} parameters · mode {wl.get('mode')} · "
        f"batch {wl.get('batch')} · engine {wl.get('engine')}"
    )
    sections = [
        "<h2>Memory at the peak</h2>",
        breakdown_bar(report["memory"]),
        memory_table(report["memory"], report.get("memory_host")),
    ]
    if gpu_rows:
        sections += ["<h2>Fit per GPU</h2>", gpu_fit_bars(gpu_rows), fit_table(gpu_rows)]
    if curve:
        sections += [
            "<h2>Memory against context length</h2>",
            '<p class="note">Dots mark the longest context each GPU holds, where the curve crosses its '
            "line; a line the curve stays under to the model's window is not what limits the context.</p>",
            memory_curve(curve, lines),
        ]
        speed = speed_curve(curve, [g.gpu for g in lines])
        if speed:
            sections += ["<h2>Decode speed against context length</h2>", speed]
    if report.get("warnings"):
        items = "".join(f"<li>{escape(w)}</li>" for w in report["warnings"])
        sections.append(f"<h2>Warnings</h2><ul>{items}</ul>")
    if report.get("assumptions"):
        items = "".join(f"<li>{escape(a)}</li>" for a in report["assumptions"])
        sections.append(f'<h2>Assumptions</h2><ul class="note">{items}</ul>')
    return page(title, subtitle, sections)


def compare_page(doc: dict[str, Any]) -> str:
    """`llmsize compare --format html`: the recommendation highlighted, then every row as bars and a table."""
    rows = doc["rows"]
    models = list(dict.fromkeys(r["model"] for r in rows))
    title = "Compare: " + ", ".join(models)
    sections = [
        f'<div class="recommend" data-recommendation="1">{escape(line)}</div>'
        for line in doc["recommendation"]
    ]
    picked = _recommended_rows(rows, doc["recommendation"])
    gpus = list(dict.fromkeys(r["gpu"] for r in rows))
    if len(models) > 1 and len(gpus) == 1:
        # models on one GPU: one chart and one table, so the rows line up (three tables of one row each,
        # their columns at three offsets, did not compare anything; issue 15)
        sections += [f"<h2>On {escape(gpus[0])}</h2>", gpu_fit_bars(rows, picked=picked, by_model=True),
                     fit_table(rows, picked)]
        models = []
    for model in models:
        mine = [i for i, r in enumerate(rows) if r["model"] == model]
        marked = frozenset(k for k, i in enumerate(mine) if i in picked)
        rs = [rows[i] for i in mine]
        sections += [f"<h2>{escape(model)}</h2>", gpu_fit_bars(rs, picked=marked), fit_table(rs, marked)]
    wl = doc.get("workload", {})
    subtitle = f"context {wl.get('context', '?')} · batch {wl.get('batch', '?')} · mode {wl.get('mode', '?')}"
    return page(title, subtitle, sections)


def _recommended_rows(rows: Sequence[dict[str, Any]], lines: Sequence[str]) -> frozenset[int]:
    """The rows compare's recommendation names (hardware.compare.recommend's wording: "2x H100 — ..."
    per model, or "MODEL (FORMAT) on GPU: ..." between models), so the page marks them in its bars
    and table and not only in the box above (issue 15)."""
    models = list(dict.fromkeys(r["model"] for r in rows))
    levels = [r.get("concurrency") for r in rows if r.get("concurrency") is not None]
    picked: set[int] = set()
    for i, r in enumerate(rows):
        if (levels and r.get("concurrency") != levels[0]) or not r.get("fits"):
            continue
        prefix = f"{r['model']}: " if len(models) > 1 else ""
        if any(_names(line, r, prefix) for line in lines):
            picked.add(i)
    return frozenset(picked)


def _names(line: str, row: dict[str, Any], prefix: str) -> bool:
    """Whether recommendation `line` names `row` (its model, format, GPU and count)."""
    if line.startswith(f"{prefix}Recommendation: {row['count']}x {row['gpu']} —"):
        return True
    head = f"Recommendation: {row['model']} ({row.get('weight_format')}) on "
    if not line.startswith(head):
        return False
    rest = line[len(head):]
    return (row["count"] == 1 and rest.startswith(f"{row['gpu']}:")) or rest.startswith(
        f"{row['count']} x {row['gpu']} (none fits one):")
