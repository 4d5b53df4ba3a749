"""DeepSeek V4's parameter counts against the totals its model cards publish.

The cards round: DeepSeek-V4-Flash "284B" total and "13B" activated, DeepSeek-V4-Pro "1.6T" total and
"49B" activated (https://huggingface.co/deepseek-ai/DeepSeek-V4-Flash and
https://huggingface.co/deepseek-ai/DeepSeek-V4-Pro; the same figures in DeepSeek's release notes,
e.g. https://www.besthub.dev/articles/deepseek-v4-unveiled-1-6-t-parameters-million-token-context-fully-open-source-fbd31727cc58).
No exact checkpoint total is published, so the counts llmsize computes from the published
config.json must round to those figures: the totals without the MTP layer, and the activated
counts without the input embedding table (a token's lookup reads one row of it).
"""

from __future__ import annotations

import pytest

from llmsize.specs import catalog
from llmsize.specs.params import active_params, total_params


@pytest.mark.parametrize(
    ("name", "total", "total_unit", "active_billions"),
    [("DeepSeek-V4-Flash", 284, 10**9, 13), ("DeepSeek-V4-Pro", 1.6, 10**12, 49)],
)
def test_counts_round_to_the_model_card(
    name: str, total: float, total_unit: int, active_billions: int
) -> None:
    entry = catalog.get(name)
    assert entry is not None
    spec = catalog.spec_for(entry)
    digits = 0 if total_unit == 10**9 else 1
    assert round(total_params(spec) / total_unit, digits) == total
    embeddings = spec.vocab_size * spec.hidden_size
    assert round((active_params(spec) - embeddings) / 10**9) == active_billions
