"""Render an estimate Report: a breakdown table (human), or the JSON/YAML/CSV document, on stdout.

Sizes are shown in GiB (2^30) and say so; shares are of the predicted peak total.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from llmsize.report.export import render_text
from llmsize.report.links import short_hub_links
from llmsize.report.models import MEMORY_KEYS, Report
from llmsize.report.plain import hanging
from llmsize.units import GIB, format_gib

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


def render_estimate(report: Report, fmt: str, console: Console | None = None) -> None:
    """Write `report` to stdout (or `console`) as human, json, yaml or csv."""
    if fmt == "human":
        _human(report, console or _console())
    else:
        text = render_text(report, fmt)
        if console is not None:
            console.file.write(text)
        else:
            sys.stdout.write(text)


def _console() -> Console:
    from llmsize.report.plain import console

    return console(highlight=False, soft_wrap=False)  # type: ignore[no-any-return]


def model_line(report: Report) -> str:
    """Name, what the name says, provenance and exact parameter counts."""
    m = report.model
    parts = [m.name]
    said = _name_said(m.name_parts)
    typed = _typed_gguf(m.name, m.name_parts.get("gguf_type"))
    quant = typed or m.name_parts.get("quant_method")
    bits = m.name_parts.get("bits")
    if quant:
        with_bits = isinstance(bits, float | int) and not m.name_parts.get("gguf_type")
        said.append(f"{quant} {bits:g}-bit" if with_bits else str(quant))
    if said:
        parts.append(" ".join(said))
    loaded = _loaded_format(report)
    if loaded and any(a.startswith(_EXPERTS_KEPT) for a in report.assumptions):
        # a MoE's stacked experts stay out of bitsandbytes' 4 bits (estimate/bnb_fused_experts.py): the header
        # said "sized as bnb-nf4 4-bit" over 110 GiB of weights for a 30B QLoRA (issue 15, round 19)
        loaded += ", routed experts not quantized"
    if loaded and loaded != m.weight_format:  # --quant/--dtype: the checkpoint's format is not what is sized
        parts.append(f"checkpoint {m.weight_format}, sized as {loaded}")
    elif typed and m.weight_format.startswith("gguf ") and m.weight_format != f"gguf {typed}":
        # "UD-Q4_K_XL" (Unsloth's per-tensor mix) is sized with llama.cpp's Q4_K_M rules; "weights gguf
        # Q4_K_M" read as if the file were a Q4_K_M (issue 15, round 19)
        parts.append(f"checkpoint gguf {typed}, sized as {m.weight_format}")
    else:
        parts.append(f"weights {m.weight_format}")
    counts = f"{m.params:,} params"
    if m.active_params != m.params:
        counts += f" ({m.active_params:,} active per token)"
    if m.checkpoint_params:
        counts += f"; {m.checkpoint_params:,} in the checkpoint with its MTP layers"
    parts.append(counts)
    line = " · ".join(parts) + f"\n  from {short_hub_links(m.provenance)}"
    if m.approximate:
        line += " (approximate)"
    return line


_EXPERTS_KEPT = "the routed experts are not quantized"


def _typed_gguf(name: str, gguf_type: object) -> str | None:
    """The GGUF type as the name spells it: Unsloth's "UD-" prefix kept ("UD-Q4_K_XL"; the parser reads
    the type alone)."""
    if not isinstance(gguf_type, str) or not gguf_type:
        return None
    ud = re.search(rf"(?<![A-Za-z0-9])UD-{re.escape(gguf_type)}(?![A-Za-z0-9])", name, re.IGNORECASE)
    return f"UD-{gguf_type}" if ud else gguf_type


def _name_said(parts: dict[str, Any]) -> list[str]:
    """What the name says, every part of it: the variant ("coder", "scout", "vl"), the release date ("2507"),
    QAT, the base a distill was made from and the words the parser keeps as they are ("Nemotron Super
    v1.5"). The headline dropped them (issue 15, round 19): `Qwen2.5-Coder-32B-Instruct-AWQ` read "qwen 2.5
    32B instruct", the base model's description, and `llama4:scout` "llama 4"."""
    words = ("series", "version", "variant", "size_label", "training_type")
    said = [str(parts[k]) for k in words if parts.get(k)]
    if parts.get("date"):
        said.append(str(parts["date"]))
    if parts.get("qat"):
        said.append("QAT")
    if parts.get("base_model"):
        said.append(f"({parts['base_model']} base)")
    said += [str(word) for word in parts.get("extra") or []]
    return said


def _loaded_format(report: Report) -> str | None:
    """The weight format the estimate sized, as its first assumption states it (estimate/core.py): with
    --quant or --dtype it differs from the checkpoint's, and the header must not say the checkpoint's
    alone (issue 15, round 5)."""
    from llmsize.estimate.weights import CHECKPOINT_DTYPE_NOTE

    prefix = "weights loaded as "
    loaded = next((a[len(prefix) :] for a in report.assumptions if a.startswith(prefix)), None)
    return loaded.removesuffix(f", {CHECKPOINT_DTYPE_NOTE}") if loaded else loaded


def _workload_line(report: Report) -> str:
    w = report.workload
    # a training run names its framework: `--framework unsloth` moved the numbers under a line that still
    # said "engine transformers" (issue 15, newcomer audit round 9)
    runs = f"framework {w['framework']}" if w.get("framework") else f"engine {w['engine']}"
    bits = [f"mode {w['mode']}", f"context {w['context']:,}", f"batch {w['batch']}", runs]
    if w.get("prompt_tokens") and w["prompt_tokens"] != w["context"]:  # what the time to first token prefills
        bits.insert(2, f"prompt {w['prompt_tokens']:,}")
    if w.get("images"):
        size = w.get("image_size")
        of = f" of {size[0]}x{size[1]}" if size else ""
        bits.insert(2, f"{w['images']} image(s){of} per sequence (+ their tokens)")
    if w.get("video_frames"):
        bits.insert(2, f"a video of {w['video_frames']} frames per sequence (+ its tokens)")
    if w.get("audio_seconds"):
        bits.insert(2, f"{w['audio_seconds']:g} s of audio per sequence (+ its tokens)")
    if w.get("num_gpus", 1) > 1:
        bits.append(f"{w['num_gpus']} GPUs (tp {w['tp']}, pp {w['pp']}, ZeRO-{w['zero']})")
    return "  workload: " + ", ".join(bits)


def _cut(label: str, room: int) -> str:
    """`label` in at most `room` characters (at least one), its end replaced by "…" when cut."""
    return label if len(label) <= room else label[: max(0, room - 1)] + "…"


def _human(report: Report, console: Console) -> None:
    from llmsize.report.plain import kit

    Table, Text = kit(console)

    console.print(Text(hanging(model_line(report), console.width)))
    console.print(Text(hanging(_workload_line(report), console.width)))
    total = report.memory["total"]
    console.print(breakdown_bar(report.memory, max(20, min(console.width, 120) - 2), Text))
    table = Table(show_header=True, header_style="bold", title_justify="left")
    shown = [key for key in MEMORY_KEYS[:-1] if report.memory[key] or key == "weights"]
    peak = f" (peak: {report.peak_phase})" if report.peak_phase else ""
    # Where even component and GiB do not fit, the labels are cut, never the sizes ("share" is
    # dropped first by print_fitted): at 30 columns every size read "…" (issue 15, round 6).
    gib_width = max(len(f"{report.memory[k] / GIB:.2f}") for k in [*shown, "total"]) + 2
    room = max(2, console.width - gib_width - 5)  # 3 borders, the label cell's 2 padding
    table.add_column(_cut("component", room), no_wrap=True)
    table.add_column("GiB", justify="right", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True)
    for key in shown:
        value = report.memory[key]
        share = f"{100 * value / total:.1f}%" if total else "—"
        label = Text(f"{BAR_CHARS[key]} ", style=BAR_STYLES[key]) + Text(_cut(_LABELS[key], room - 2))
        table.add_row(label, f"{value / GIB:.2f}", share)
    table.add_section()
    table.add_row(Text(_cut("total" + peak, room), style="bold"), Text(f"{total / GIB:.2f}", style="bold"),
                  "100%")
    host = report.memory_host.get("total", 0)
    if host:  # llama.cpp/Ollama: shown as such, below the GPU's total and not part of it
        table.add_section()
        table.add_row(Text(_cut("host RAM (not in total)", room), style="dim"), f"{host / GIB:.2f}", "—")
    from llmsize.report.table_fit import print_fitted

    print_fitted(table, console, keep=2)
    console.print(Text(f"Total: {format_gib(total)} ({total:,} bytes) on the busiest GPU"))
    if host:
        console.print(Text(host_line(report.memory_host, report.workload)))
    _engine_lines(report, console)
    console.print(Text("Formulas and low-high ranges: llmsize explain with the same arguments.", style="dim"))
    if report.gpus:
        _gpus(report, console)
    else:  # "what GPU do I need" had no next step without --gpu (issue 15, round 8)
        console.print(Text("Which GPUs it fits: add --gpu NAME (with --num-gpus auto, the fewest that "
                           "fit), or llmsize compare MODEL --gpus A,B,C.", style="dim"))
    if report.assumptions:
        console.print(Text("Assumptions:", style="bold"))
        for a in report.assumptions:
            console.print(Text(hanging(f"  - {a}", console.width)))
    if report.warnings:
        console.print(Text("Warnings:", style="bold yellow"))
        for w in report.warnings:
            console.print(Text(hanging(f"  ! {w}", console.width)))


def _engine_lines(report: Report, console: Console) -> None:
    """The figures the engine would print itself (on the first GPU asked, if any)."""
    from llmsize.report.plain import kit

    Text = kit(console)[1]

    eng = report.engine or {}
    first = report.gpus[0].engine_log if report.gpus else ()
    lines = list(first) if first else list(eng.get("lines", []))
    if not lines:
        return
    console.print(Text(f"{_figures_label(report)} would print:", style="bold"))
    for line in lines:
        console.print(Text(hanging(f"  {line}", console.width)))
    if eng.get("host_bytes"):
        # both sums are printed above this block: "below it" pointed nowhere (issue 15)
        # the GPU buffer's name as the backend prints it (CUDA0, Vulkan0, SYCL0: llama_cpp_figures.py)
        gpu = next((ln.split()[0] for ln in lines
                    if " model buffer size" in ln and not ln.startswith("CPU")), "CUDA0")
        host = f"{gpu.rstrip('0123456789')}_Host"
        console.print(Text(f"  ({gpu} lines: in Total above; {host} / CPU lines: in the host RAM line)"))


def host_line(host: dict[str, int], workload: dict[str, Any]) -> str:
    """Where the host-RAM part goes: what llama.cpp/Ollama keep off the GPU, by kind."""
    cpu_parts = workload.get("gpu_layers") is not None or workload.get("n_cpu_moe")
    parts = [f"weights {format_gib(host['weights'])} (CPU_Mapped: token embeddings"
             + (", layers/experts left on the CPU)" if cpu_parts else ")")]
    if host.get("kv_cache"):
        parts.append(f"K/V of the CPU layers {format_gib(host['kv_cache'])}")
    from llmsize.estimate.engines.llama_cpp_figures import buffer_names

    pinned = buffer_names(str(workload.get("backend") or "auto"))[1]  # Vulkan_Host on an Intel GPU
    parts.append(f"{pinned}/CPU buffers {format_gib(host['activations'])}")
    return f"Plus {format_gib(host['total'])} in host RAM, outside the total: " + ", ".join(parts)


def _figures_label(report: Report) -> str:
    """Whose log the figures are: the release --engine-version asked for where the engine's memory rules
    follow it (BaseEngine.release_asked: a llama.cpp build, an Ollama release), else engine.version, the
    release modelled (issue 15: `--engine-version b6699` printed "llama.cpp b9464 would print")."""
    eng = report.engine or {}
    label = f"{eng.get('engine', 'engine')} {eng.get('version', '')}".strip()
    if not report.workload.get("engine_version"):
        return label
    from llmsize.errors import LlmsizeError
    from llmsize.estimate.engines.registry import engine_for
    from llmsize.estimate.workload import Workload
    from llmsize.records import ValidationError

    known = {k: v for k, v in report.workload.items() if k in Workload.model_fields}
    try:
        engine = engine_for(Workload.model_validate(known))
        asked = engine.release_asked()
    except (ValidationError, LlmsizeError):  # a saved report of another llmsize: the figures' own label
        return label
    return engine.describe() if asked else label


# One character and colour per component, so the bar reads without colour too.
BAR_CHARS = {
    "weights": "█",
    "kv_cache": "▓",
    "activations": "▒",
    "gradients": "░",
    "optimizer": "▚",
    "adapters": "▞",
    "overhead": "·",
}
BAR_STYLES = {
    "weights": "blue",
    "kv_cache": "yellow",
    "activations": "green",
    "gradients": "magenta",
    "optimizer": "red",
    "adapters": "cyan",
    "overhead": "bright_black",
}


def breakdown_bar(memory: dict[str, int], width: int, text_type: Any = None) -> Any:
    """The components as one line of `width` cells, each at least one cell when it is not zero."""
    if text_type is None:
        from rich.text import Text as text_type
    Text = text_type

    total = sum(v for k, v in memory.items() if k != "total" and v > 0) or 1
    parts = [(k, memory[k]) for k in MEMORY_KEYS[:-1] if memory.get(k, 0) > 0]
    cells = {k: max(1, round(width * v / total)) for k, v in parts}
    while sum(cells.values()) > width:  # the one-cell minimums may overshoot: trim the widest
        widest = max(cells, key=lambda k: cells[k])
        cells[widest] -= 1
    bar = Text()
    for key, _ in parts:
        bar.append(BAR_CHARS[key] * cells[key], style=BAR_STYLES[key])
    return bar


def _gpus(report: Report, console: Console) -> None:
    from llmsize.report.plain import kit
    from llmsize.report.render_plan import render_fit_rows

    Text = kit(console)[1]

    trains = str(report.workload.get("mode", "inference")) != "inference"
    render_fit_rows(report.gpus, console, shown_elsewhere=report.warnings, trains=trains)
    total, said = report.memory["total"], set()
    for row in report.gpus:
        # an engine that budgets a share of the card (vLLM's --gpu-memory-utilization) counts less than the
        # whole GPU's peak: "Total: 17.46 GiB" over a row of 16.3 read as two answers (issue 15, round 8)
        visible = row.visible_memory_bytes or 0
        # at TP8 too: "40.5" a GPU under "Total: 42.46 GiB" went unexplained (issue 15, poolview)
        if (row.engine in said or not row.usable_bytes or row.usable_bytes >= visible
                or abs(row.per_gpu_bytes - total) < 2**20):
            continue
        said.add(row.engine)
        budget = format_gib(row.usable_bytes)
        each = " each" if row.count > 1 else ""
        console.print(Text(hanging(
            f"  per GPU GiB is what {row.engine} counts against its budget ({budget} of the card's "
            f"{format_gib(visible)}{each}); Total above is the busiest GPU's whole peak, with what the "
            "engine keeps outside that budget (CUDA context, graphs, activations)", console.width, 4),
            style="dim"))
        if row.fits and row.kv_pool_bytes is not None and row.kv_tokens:
            # the pool is allocated at start whatever the workload: the KV cache line above is what
            # this workload's requests fill of it (vllm_budget.py / sglang_budget.py `_pool_budget`)
            console.print(Text(hanging(
                f"  {row.engine} pre-allocates a KV pool of {format_gib(row.kv_pool_bytes)} a GPU "
                f"({row.kv_tokens:,} tokens{'; ' + row.kv_tokens_note if row.kv_tokens_note else ''}); "
                "KV cache above is what this workload fills of it, "
                "headroom the part left", console.width, 4), style="dim"))


# The space between a number and the unit or count word after it ("4096 B/token/layer", "0.11 GiB",
# "8 kv_heads"): a line break there left a bare number at a line's end and its unit at the next one's start
# (issue 15, round 19: `explain` at 80 columns). \x00 holds the pair together while the line is wrapped.
_NUMBER_UNIT = re.compile(r"(?<=\d) (?=[A-Za-z%])")
_GLUE = "\x00"


def _hang_units(text: str, width: int, indent: int) -> str:
    """`hanging(text, width, indent)` that never breaks a line between a number and its unit."""
    return hanging(_NUMBER_UNIT.sub(_GLUE, text), width, indent).replace(_GLUE, " ")


def render_explain(report: Report, console: Console | None = None) -> None:
    """Each component's formula, then the same with this model's numbers (`llmsize explain`)."""
    from llmsize.report.plain import kit

    out = console or _console()
    Text = kit(out)[1]
    out.print(Text(hanging(model_line(report), out.width)))
    out.print(Text(hanging(_workload_line(report), out.width)))
    for line in report.assumptions:  # the framework's settings move the rules below (8-bit AdamW, ...)
        if line.startswith("framework: "):
            out.print(Text(hanging(f"  {line}", out.width)))
    for key in MEMORY_KEYS[:-1]:
        comp = report.components.get(key)
        if comp is None:
            continue
        out.print(Text(f"{_LABELS[key]}: {format_gib(report.memory[key])}", style="bold"))
        out.print(Text(_hang_units(f"  rule:    {comp.formula}", out.width, 11)))
        out.print(Text(_hang_units(f"  numbers: {comp.detail}", out.width, 11)))
        rng = report.memory_ranges.get(key)
        if rng and format_gib(int(rng["low"])) != format_gib(int(rng["high"])):  # a range, not one value
            low, high = format_gib(int(rng["low"])), format_gib(int(rng["high"]))
            line = f"  range:   {low} – {high} ({rng['driver']})"
            out.print(Text(_hang_units(line, out.width, 11)))
    total = report.memory["total"]
    out.print(Text(f"total = sum of the above = {total:,} B ({format_gib(total)})", style="bold"))
