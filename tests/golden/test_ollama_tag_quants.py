"""Each Ollama tag's default GGUF type and weights against the bytes Ollama itself reports for the pull.

`/api/tags` (and `ollama list`) answer each installed tag with its exact `size` in bytes (the GGUF blob plus
the few-kB template/params layers) and `details.quantization_level`. The library's default type is the one
its current build reports, which is not always Q4_K_M: many 2024 libraries were built at Q4_0, some were
rebuilt later (mistral:7b went from Q4_0 to Q4_K_M, phi3 from Q4_K_M to Q4_0). llmsize's weights are the
file's tensors (`all_weights_bytes`: GPU plus host RAM); the file adds its tokenizer and metadata, so each
tag must come within 3% of the reported size. Every figure below is a public /api/tags answer, read there;
the code-search index that found most of them names no repository, so each is described by what it is.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

_PR5485 = "https://github.com/ollama/ollama/pull/5485 (an /api/tags answer pasted into api.md, 2024-07-04)"
_WEBUI = "https://github.com/open-webui/open-webui/pull/12860 (an /api/tags answer, 2024-09-21 pulls)"
_NATIECK = (
    "natieck.github.io post 'Docker で導入した Open WebUI + Ollama の API エンドポイントの使い方' "
    "(2025-08-26): its /ollama/api/tags output"
)
_OSSPITA = "OSSPITA's FirstStart test fixture: an /api/tags answer of 2024-09 (camelCase keys)"
_GENEBRIEFER = "github.com/Vini2/GeneBriefer README: `curl localhost:11434/api/tags` output, 2025-12-12"
_PHI3 = (
    "an Obsidian export of a 2025-07-04 chat pasting `curl localhost:11434/api/tags` "
    "(phi3:mini pulled 2025-06-24)"
)
_LLAMA2 = "a Flask mock of Ollama 0.1.30 serving a real /api/tags answer (llama2:latest pulled 2024-03-28)"
_LLAMA31 = (
    "a setup log pasting `curl 127.0.0.1:11435/api/tags` (llama3.1:8b, digest 46e0c10c039e, 2026-03-03)"
)
_GEMMA3_12B = "a rank-llm setup README's `curl localhost:11434/api/tags` output (gemma3:12b, 2025-07-17)"

# (tag, quantization_level, /api/tags size in bytes, source)
PUBLISHED: list[tuple[str, str, int, str]] = [
    # Q4_0 libraries
    ("gemma2", "Q4_0", 5_453_010_625, _PR5485 + "; gemma2:latest, digest 6008d85d0646"),
    ("gemma2:27b", "Q4_0", 15_628_387_569, _PR5485 + "; digest 371038893ee3"),
    ("codellama", "Q4_0", 3_825_910_662, _PR5485 + "; codellama:latest, digest 8fdf8f752f6e"),
    ("llama2", "Q4_0", 3_826_793_677, _LLAMA2 + "; digest 78e26419b446"),
    ("llama3", "Q4_0", 4_661_224_676, _GENEBRIEFER + "; llama3:latest, digest 365c0bd3c000"),
    ("phi3:mini", "Q4_0", 2_176_178_913, _PHI3 + "; digest 4f2222927938 (= phi3:latest in `ollama list`)"),
    ("mistral-nemo:12b", "Q4_0", 7_071_713_232, _OSSPITA + "; digest 994f3b8b7801"),
    # rebuilt at Q4_K_M: 6577803aa9a0 is also the id `ollama list` shows for mistral:latest
    ("mistral:7b", "Q4_K_M", 4_372_824_384, _NATIECK + "; digest 6577803aa9a0"),
    # Q4_K_M libraries
    ("llama3.1:8b", "Q4_K_M", 4_920_753_328, _LLAMA31),
    ("llama3.2:3b", "Q4_K_M", 2_019_393_189, _NATIECK + "; also " + _OSSPITA),
    ("qwen2.5", "Q4_K_M", 4_683_087_332, _WEBUI + "; qwen2.5:latest, digest 845dbda0ea48"),
    ("qwen2.5:3b", "Q4_K_M", 1_929_912_432, _WEBUI + "; digest 357c53fb659c"),
    ("deepseek-r1:7b", "Q4_K_M", 4_683_075_271, _NATIECK + "; digest 0a8c26691023"),
    ("qwen3:8b", "Q4_K_M", 5_225_387_923, _NATIECK + "; digest e4b5fd7f8af0"),
    ("gemma3:4b", "Q4_K_M", 3_338_801_804, _NATIECK + "; digest a2af6cc3eb7f"),
    ("gemma3:12b", "Q4_K_M", 8_149_190_253, _GEMMA3_12B + "; digest f4031aab637d"),
    ("phi4-mini", "Q4_K_M", 2_491_876_774, _NATIECK + "; phi4-mini:latest, digest 78fad5d182a7"),
    # the small size published at Q8_0 (specs/ollama.py size_quants)
    ("llama3.2:1b", "Q8_0", 1_321_098_329, _OSSPITA + "; digest baf6a787fdff"),
]
_IDS = [row[0] for row in PUBLISHED]


@pytest.mark.parametrize(("tag", "quant", "size", "source"), PUBLISHED, ids=_IDS)
def test_the_tag_resolves_to_the_type_ollama_reports(tag: str, quant: str, size: int, source: str) -> None:
    assert source
    assert resolve(tag).weight_format.gguf_type == quant


@pytest.mark.parametrize(("tag", "quant", "size", "source"), PUBLISHED, ids=_IDS)
def test_the_tag_weights_match_the_reported_bytes(tag: str, quant: str, size: int, source: str) -> None:
    weights = estimate(resolve(tag), Workload(engine="ollama")).all_weights_bytes
    assert weights == pytest.approx(size, rel=0.03)


# The two 4-bit types differ by about 6% on these models, more than the 3% tolerance: the reported bytes
# pin the type down, so the other one (an explicit tag suffix, which the library also publishes) misses.
OTHER_TYPE = [
    ("gemma2:27b-instruct-q4_K_M", 15_628_387_569),
    ("gemma2:9b-instruct-q4_K_M", 5_453_010_625),
    ("phi3:mini-q4_K_M", 2_176_178_913),
    ("mistral-nemo:12b-instruct-2407-q4_K_M", 7_071_713_232),
    ("mistral:7b-instruct-q4_0", 4_372_824_384),
]


@pytest.mark.parametrize(("tag", "size"), OTHER_TYPE, ids=[row[0] for row in OTHER_TYPE])
def test_the_other_four_bit_type_misses_the_reported_bytes(tag: str, size: int) -> None:
    weights = estimate(resolve(tag), Workload(engine="ollama")).all_weights_bytes
    assert abs(weights / size - 1) > 0.04
