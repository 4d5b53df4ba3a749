"""Render a measurement (`llmsize measure`, `llmsize report show measured.yaml`): estimated vs measured.

Sizes use binary units and say so (KiB, MiB, GiB); errors are `(estimated - measured) / measured`,
so + means the estimate is on the safe side.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from llmsize.report.load import MeasureDocument
from llmsize.report.models import MEMORY_KEYS
from llmsize.report.render_estimate import model_line
from llmsize.units import format_bytes

if TYPE_CHECKING:
    from rich.console import Console

_LABELS = {
    "weights": "weights",
    "kv_cache": "KV cache",
    "activations": "activations",
    "gradients": "gradients",
    "optimizer": "optimizer states",
    "adapters": "adapters (LoRA)",
    "overhead": "runtime overhead",
}


def to_text(doc: MeasureDocument, fmt: str) -> str:
    """The document as JSON or YAML text (the DESIGN.md `llmsize measure --format json` contract)."""
    data = doc.model_dump(mode="json")
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    from llmsize.errors import BadInputError

    raise BadInputError(f"a measurement prints as human, json or yaml, not {fmt}", hint="drop --format csv")


def render_measure(doc: MeasureDocument, fmt: str, console: Console | None = None) -> None:
    """Write the measurement to stdout (or `console`) as a table, JSON or YAML."""
    if fmt == "human":
        _human(doc, console or _console())
        return
    text = to_text(doc, fmt)
    (console.file if console is not None else sys.stdout).write(text)


def _console() -> Console:
    from llmsize.report.plain import rich_console

    return rich_console(highlight=False, soft_wrap=False)  # type: ignore[no-any-return]


def error_text(error: float | None, measured: int | None) -> str:
    """'+1.23%' / '-0.40%'; 'not measured' or 'n/a' (nothing measured to divide by)."""
    if measured is None:
        return "not measured"
    if error is None:
        return "n/a"
    text = f"{100 * error:+.2f}%"
    return "0.00%" if text in ("+0.00%", "-0.00%") else text


def _size(n: int | None) -> str:
    return "—" if n is None else format_bytes(int(n))


def _device_line(doc: MeasureDocument) -> str:
    env, m = doc.environment, doc.measurement
    bits = [f"measured on {doc.device}"]
    if env.get("device_name"):
        bits.append(str(env["device_name"]))
    versions = [f"{k} {env[k]}" for k in ("torch", "transformers", "peft") if env.get(k)]
    if versions:
        bits.append(", ".join(versions))
    layers = m.get("num_layers")
    if layers:
        of = m.get("layers_of")
        bits.append(f"{layers} of {of} layers built" if of and of != layers else f"{layers} layers")
    if m.get("dtype"):
        bits.append(str(m["dtype"]))
    if m.get("attn_implementation"):
        bits.append(f"attention {m['attn_implementation']}")
    return "  " + " · ".join(bits)


def _comparison_table(doc: MeasureDocument) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=True, header_style="bold", title_justify="left")
    table.add_column("component")
    table.add_column("estimated", justify="right")
    table.add_column("measured", justify="right")
    table.add_column("error", justify="right")
    for key in MEMORY_KEYS[:-1]:
        row = doc.comparison.get(key, {})
        est, meas = row.get("estimated", 0), row.get("measured")
        if not est and not meas and key != "weights":
            continue
        table.add_row(_LABELS[key], _size(est), _size(meas), error_text(row.get("error"), meas))
    table.add_section()
    peak = doc.comparison.get("peak", {})
    phase = doc.measurement.get("peak_phase") or doc.estimate.peak_phase
    label = "peak, live tensors" + (f" ({phase})" if phase else "")
    table.add_row(
        Text(label, style="bold"),
        Text(_size(peak.get("estimated")), style="bold"),
        Text(_size(peak.get("measured")), style="bold"),
        Text(error_text(peak.get("error"), peak.get("measured")), style="bold"),
    )
    return table


def _detail_lines(doc: MeasureDocument) -> list[str]:
    m = doc.measurement
    lines = []
    phases = m.get("phases") or []
    if phases:
        lines.append(
            "phases: " + ", ".join(f"{p['phase']} {format_bytes(int(p['peak_bytes']))}" for p in phases)
        )
    cuda = m.get("cuda")
    if cuda:
        parts = [
            f"max allocated {_size(cuda.get('max_allocated_bytes'))}",
            f"max reserved {_size(cuda.get('max_reserved_bytes'))}",
            f"NVML process {_size(cuda.get('process_bytes'))}",
            f"CUDA context {_size(cuda.get('context_bytes'))}",
        ]
        lines.append("CUDA: " + ", ".join(parts))
        lines.append(
            f"device: {_size(cuda.get('device_total_bytes'))} total, "
            f"{_size(cuda.get('device_free_bytes_at_start'))} free at start"
        )
    cpu = m.get("cpu")
    if cpu:
        lines.append(
            f"resident set: {_size(cpu.get('rss_before_bytes'))} before, "
            f"{_size(cpu.get('rss_peak_bytes'))} peak, grew {_size(cpu.get('rss_growth_bytes'))}"
        )
    t = m.get("timings") or {}
    speed = []
    if t.get("ttft_s") is not None:
        speed.append(f"time to first token {1000 * t['ttft_s']:.1f} ms")
    if t.get("tpot_s") is not None:
        speed.append(
            f"time per output token {1000 * t['tpot_s']:.2f} ms over {t.get('decode_steps', 0)} steps"
        )
    if t.get("decode_tokens_per_s") is not None:
        speed.append(f"{t['decode_tokens_per_s']:.1f} tokens/s decoded")
    if t.get("step_s") is not None:
        speed.append(f"training step {t['step_s']:.2f} s")
    if speed:
        lines.append("speed: " + ", ".join(speed))
    return lines


def _human(doc: MeasureDocument, console: Console) -> None:
    from rich.text import Text

    console.print(Text(model_line(doc.estimate)))
    w = doc.workload
    console.print(
        Text(
            f"  workload: mode {w.get('mode')}, context {w.get('context'):,}, "
            f"prompt {w.get('prompt_tokens') or w.get('context'):,}, batch {w.get('batch')}"
        )
    )
    console.print(Text(_device_line(doc)))
    console.print(_comparison_table(doc))
    outcome = doc.measurement.get("outcome") or {}
    if outcome.get("status") == "oom":
        console.print(Text(str(outcome.get("message", "out of memory")), style="bold red"))
    for line in _detail_lines(doc):
        console.print(Text(line))
    notes = list(doc.measurement.get("notes") or [])
    if notes:
        console.print(Text("Notes:", style="bold"))
        for n in notes:
            console.print(Text(f"  - {n}"))
