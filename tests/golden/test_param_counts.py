"""Computed vs published parameter counts for every bundled catalog entry that cites one.

`published_params` is the exact total of the original checkpoint (its safetensors total, or the
Hub's count of it), with `params_source` saying where the number comes from; `source` is the
config.json the architecture was copied from. The count llmsize computes from that config must
match to the parameter. Where a checkpoint stores tensors the loaded model does not keep (a copy
of a tied lm_head, per-layer rotary inv_freq of old exports), the entry says how many in
`checkpoint_only_params`, and the comparison adds them back; where the loaded model holds buffers the
checkpoint does not store (Apertus's xIELU beta and eps), `loaded_only_params`, taken off.

Run with `-s` to see the table.
"""

from __future__ import annotations

import pytest

from llmsize.specs import catalog
from llmsize.specs.params import total_params

CITED = [e for e in catalog.entries() if e.model.published_params is not None]


def _row(entry: catalog.CatalogEntry) -> tuple[str, int, int, int, str]:
    spec = catalog.spec_for(entry)
    return (
        entry.name,
        total_params(spec),
        entry.model.checkpoint_only_params - entry.model.loaded_only_params,
        entry.model.published_params or 0,
        entry.model.params_source or "",
    )


def test_the_table_covers_every_family_that_publishes_counts() -> None:
    families = {e.family for e in CITED}
    assert {"qwen2.5", "qwen3", "llama", "codellama"} <= families
    assert len(CITED) >= 25
    width = max(len(e.name) for e in CITED)
    print(f"\n{'model':{width}}  {'computed':>17}  {'+ckpt-only':>11}  {'published':>17}  source")
    for name, computed, extra, published, source in map(_row, filter(_modelled, CITED)):
        print(f"{name:{width}}  {computed:>17,}  {extra:>11,}  {published:>17,}  {source}")


def _modelled(entry: catalog.CatalogEntry) -> bool:
    from llmsize.specs.hf_config import SUPPORTED_MODEL_TYPES

    return entry.model.config["model_type"] in SUPPORTED_MODEL_TYPES


@pytest.mark.parametrize("entry", CITED, ids=[e.name for e in CITED])
def test_computed_equals_published(entry: catalog.CatalogEntry) -> None:
    if not _modelled(entry):
        # A family whose model_type from_hf_config does not read yet: its count cannot be right, and
        # the test says so instead of passing; it becomes a plain check once the type is modelled.
        pytest.xfail(f"model_type {entry.model.config['model_type']!r} is not modelled by from_hf_config yet")
    name, computed, checkpoint_only, published, source = _row(entry)
    assert computed + checkpoint_only == published, (
        f"{name}: computed {computed:,} + checkpoint-only {checkpoint_only:,} != published {published:,} "
        f"({source}; config from {entry.model.source})"
    )
