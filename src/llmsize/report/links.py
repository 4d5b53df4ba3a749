"""Hugging Face links shortened for human output (issue 15: readable at 80 columns).

A catalog source such as https://huggingface.co/meta-llama/Llama-4-Maverick-17B-128E-Instruct/blob/main/config.json
is 90 characters: wider than an 80-column terminal, so the renderers folded it mid-URL. The repo path on
hf.co, the Hub's own short domain (it redirects to huggingface.co), names the same repository in a link
that still opens and fits a line. JSON and YAML keep the full URL (model.provenance_source).
"""

from __future__ import annotations

import re

# https://huggingface.co/<org>/<repo>[/blob|resolve|raw|tree/<revision>/<file>]; datasets and spaces
# (huggingface.co/datasets/...) are not model repos and stay as they are.
_HUB_URL = re.compile(
    r"https?://(?:www\.)?huggingface\.co/(?!datasets/|spaces/)([\w.-]+/[\w.-]+)(?:/(?:blob|resolve|raw|tree)/[^\s,;()]+)?"
)


def short_hub_links(text: str) -> str:
    """`text` with each Hugging Face model URL replaced by hf.co/<org>/<repo>."""
    return _HUB_URL.sub(lambda m: f"hf.co/{m.group(1)}", text)
