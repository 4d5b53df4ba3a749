"""`fit --all`'s rows for its human table: planned without longest context or speed where the
table cannot show them (issue 15: a cold `fit --all` within 35x `python -c pass`).

The table's columns are model, params, precision, peak/GPU GiB, headroom GiB, max context and
tokens/s; at 80 columns (a pipe, most terminals' default) the longest names leave room for four,
and columns go from the right (report/table_fit.py). The longest-context search and the speed
model are most of a first run's planning (docs/startup.md), and nobody sees them there; nor the
--gpu-layers split of a model that does not fit (the table lists only those that fit), which on a
12-16 GB card under llama.cpp/Ollama was two thirds of the estimates. Rows
planned with sizes only (hardware/precision.best_precision `sizes_only`) hold the same first five
columns, so `render_plan.fit_all_shows_limits` says exactly, from them, whether the full rows are
needed; when they are (a wider console), every model is planned in full as before.

Both kinds of rows are kept (cli/fit_all_cache.py) under different keys: a sizes-only file is never
read where full rows are needed (JSON, YAML, CSV, --output, or a console wide enough to show them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.cli.fit_all_cache import Result
    from llmsize.specs.models import ModelSpec

KeyOf = Callable[[bool], "str | None"]  # sizes_only -> the rows file's key
Plan = Callable[[bool, "list[ModelSpec] | None"], "Result"]  # (sizes_only, catalog) -> planned rows


def rows_for_table(key_of: KeyOf, plan: Plan) -> Result:
    """The rows render_fit_all prints the same as from full rows: full rows kept earlier, else
    sizes-only rows when the table hides max context and tokens/s, else full rows planned."""
    from llmsize.cli.catalog_specs_cache import catalog_specs
    from llmsize.cli.fit_all_cache import cached_fits, kept_fits
    from llmsize.report.render_plan import fit_all_may_hide_limits, fit_all_shows_limits

    full_key = key_of(False)
    kept = kept_fits(full_key)
    if kept is not None:
        return kept
    sizes_key = key_of(True)
    sized = kept_fits(sizes_key, sizes_only=True)
    if sized is None:
        catalog = catalog_specs()
        # a console wide enough for the longest name and the size columns: plan in full at once
        if not fit_all_may_hide_limits([spec.name for spec in catalog]):
            return cached_fits(full_key, lambda: plan(False, catalog))
        sized = cached_fits(sizes_key, lambda: plan(True, catalog), sizes_only=True)
    if not fit_all_shows_limits(sized[1]):
        return sized
    return cached_fits(full_key, lambda: plan(False, None))
