"""Render the bundled model catalog (`llmsize models`): a table, or JSON/YAML/CSV rows."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llmsize.report.csv_text import csv_text, listed_cell
from llmsize.specs.catalog import CatalogEntry, spec_for
from llmsize.specs.params import active_params, total_params

if TYPE_CHECKING:
    from rich.console import Console


def model_row(entry: CatalogEntry) -> dict[str, Any]:
    """One catalog entry as a flat, JSON-ready row (counts are exact integers)."""
    spec = spec_for(entry)
    return {
        "name": entry.name,
        "family": entry.family,
        "model_type": spec.model_type,
        "params": total_params(spec),
        "active_params": active_params(spec),
        "moe": spec.is_moe,
        "layers": spec.num_layers,
        "hidden_size": spec.hidden_size,
        "context": spec.max_position_embeddings,
        "weights": spec.weight_format.label(),
        "aliases": list(entry.model.aliases),
        "hf_repo": entry.model.hf_repo,
        "published_params": entry.model.published_params,
        "source": entry.model.source,
    }


def models_document(entries: Sequence[CatalogEntry]) -> list[dict[str, Any]]:
    """The `llmsize models --format json` list."""
    return [model_row(e) for e in entries]


def render_models(entries: Sequence[CatalogEntry], fmt: str, console: Console | None = None) -> None:
    """Write the selected entries to stdout (or `console`) as human, json, yaml or csv."""
    doc = models_document(entries)
    if fmt == "human":
        _human(doc, console or _console())
        return
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "yaml":
        import yaml

        text = str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    elif fmt == "csv":
        text = _csv(doc)
    else:
        raise ValueError(f"unknown format {fmt!r}")  # the CLI's enum rules this out
    (console.file if console is not None else sys.stdout).write(text)


def _csv(doc: list[dict[str, Any]]) -> str:
    if not doc:
        return ""
    return csv_text(list(doc[0]), [{k: listed_cell(v) for k, v in row.items()} for row in doc])


def _billions(n: int) -> str:
    return f"{n / 1e9:.2f}B" if n >= 1e9 else f"{n / 1e6:.0f}M"


def _human(doc: list[dict[str, Any]], console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    if not doc:
        console.print("No bundled model matches these filters; `llmsize models` lists them all.")
        return
    table = Table(title=f"Bundled models ({len(doc)})", title_justify="left")
    for header, justify in (
        ("name", "left"),
        ("family", "left"),
        ("params", "right"),
        ("active", "right"),
        ("layers", "right"),
        ("context", "right"),
        ("config of", "left"),
    ):
        table.add_column(header, justify=justify, no_wrap=header == "name")  # type: ignore[arg-type]
    for row in doc:
        active = _billions(row["active_params"]) if row["moe"] else "="
        table.add_row(
            Text(row["name"]),
            row["family"],
            _billions(row["params"]),
            active,
            str(row["layers"]),
            f"{row['context']:,}",
            Text(row["hf_repo"] or row["source"]),
        )
    from llmsize.report.table_fit import print_fitted

    print_fitted(table, console)


def _console() -> Console:
    from llmsize.report.plain import rich_console

    return rich_console(highlight=False, soft_wrap=False)  # type: ignore[no-any-return]
