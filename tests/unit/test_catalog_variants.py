"""Aliases whose published config.json states other values than the base entry's (catalog variants).

Each expected value is the one the cited checkpoint publishes, not the code's output:
- Qwen/Qwen2.5-7B-Instruct config.json: "max_position_embeddings": 32768
  (tests/fixtures/hf_configs/Qwen__Qwen2.5-7B-Instruct.json, a verbatim copy); Qwen/Qwen2.5-7B's: 131072.
- Qwen2.5-14B/32B/72B-Instruct model cards: "The current config.json is set for context length up to
  32,768 tokens"; Qwen2.5-1.5B-Instruct's: "Context Length: Full 32,768 tokens".
- Qwen/Qwen2-7B-Instruct: "max_position_embeddings": 32768 (the Qwen2Config transformers printed for it);
  Qwen2-72B-Instruct's and Qwen2-57B-A14B-Instruct's cards: YaRN "to handle extensive inputs exceeding
  32,768 tokens".
- Qwen/Qwen3-8B-Base config.json: "max_position_embeddings": 32768; Qwen3-4B-Base's card "Context Length:
  32,768"; Qwen3-30B-A3B-Base's config: 32768. The post-trained Qwen3 cards: "The default
  max_position_embeddings in config.json is set to 40,960" (Qwen3-235B-A22B, April 2025; its 2507
  Thinking successor, the entry, states 262144).
- meta-llama/Llama-4-Scout-17B-16E-Instruct: "The Llama-4-Scout-17B-16E-Instruct's max_position_embeddings is
  40 times that of Llama-4-Scout-17B-16E" (huggingface/text-generation-inference PR 3245), i.e. 40 x 262,144;
  tenstorrent/tt-inference-server PR 564's table: Scout 256K, Scout-Instruct 10240K. The text_config key is
  nested: the variant overlays it key by key. The same table: Maverick 256K, Maverick-Instruct 1024K
  (the entry's config is the Instruct's).
- MiniMaxAI/MiniMax-M2, -M2.1, -M2.5 config.json: "max_position_embeddings": 196608; MiniMax-M2.7's: 204800
  (a public KV-cache calculator registry reading each repo's raw config.json, retrieved 2026-05-20; a
  public msmodelslim guide prints MiniMax-M2.5's config.json whole). A file named by the release
  ("MiniMax-M2-UD-Q4_K_XL") lands on that release's variant.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmsize.errors import ConfigError
from llmsize.estimate.engines.serving_context import vllm_derived_max_len
from llmsize.specs import catalog
from llmsize.specs.catalog import parse_catalog_file
from llmsize.specs.params import total_params

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hf_configs"

PUBLISHED_POSITIONS = {
    "Qwen2.5-1.5B-Instruct": 32768,
    "Qwen2.5-7B-Instruct": 32768,
    "Qwen2.5-14B-Instruct": 32768,
    "Qwen2.5-32B-Instruct": 32768,
    "Qwen2.5-72B-Instruct": 32768,
    "Qwen2-7B-Instruct": 32768,
    "Qwen2-72B-Instruct": 32768,
    "Qwen2-57B-A14B-Instruct": 32768,
    "Qwen3-4B-Base": 32768,
    "Qwen3-8B-Base": 32768,
    "Qwen3-30B-A3B-Base": 32768,
    "Qwen3-235B-A22B": 40960,
    "Qwen3-8B": 40960,
    "Qwen3-235B-A22B-Thinking-2507": 262144,
    # Names of the same checkpoint's quantizations land on the variant by their training type.
    "Qwen2.5-7B-Instruct-GPTQ-Int4": 32768,
    "Qwen2.5-7B-Instruct-AWQ": 32768,
    "Llama-4-Scout-17B-16E-Instruct": 10485760,
    "meta-llama/Llama-4-Scout-17B-16E-Instruct": 10485760,
    "Llama-4-Scout-17B-16E-Instruct-Q4_K_M": 10485760,
    "Llama-4-Scout-17B-16E": 262144,
    "Llama-4-Maverick-17B-128E": 262144,
    "Llama-4-Maverick-17B-128E-Instruct": 1048576,
    "MiniMax-M2": 196608,
    "MiniMaxAI/MiniMax-M2.1": 196608,
    "MiniMax-M2.5": 196608,
    "MiniMax-M2-UD-Q4_K_XL": 196608,
    "MiniMax-M2.7": 204800,
    # The bases keep their own config.json's 131072.
    "Qwen2.5-7B": 131072,
    "Qwen2.5-72B": 131072,
    "Qwen2-7B": 131072,
}


@pytest.mark.parametrize(("name", "positions"), sorted(PUBLISHED_POSITIONS.items()))
def test_an_alias_takes_its_own_checkpoints_positions(name: str, positions: int) -> None:
    spec = catalog.lookup(name)
    assert spec is not None
    assert spec.max_position_embeddings == positions
    assert vllm_derived_max_len(spec) == positions  # what vLLM's _get_and_verify_max_len derives


def test_the_variant_matches_the_instruct_fixture() -> None:
    published = json.loads((FIXTURES / "Qwen__Qwen2.5-7B-Instruct.json").read_text())
    spec = catalog.lookup("Qwen2.5-7B-Instruct")
    assert spec is not None
    assert spec.max_position_embeddings == published["max_position_embeddings"]
    assert spec.hf_repo == "Qwen/Qwen2.5-7B-Instruct"
    assert "32768" in spec.provenance.note  # says where the value came from


def test_a_nested_variant_keeps_the_rest_of_text_config() -> None:
    # Only text_config.max_position_embeddings differs: the 48 layers, 8,192-token attention chunks and
    # the vision tower of the base config stay (the Hub total 108,641,793,536 counts the tower).
    base = catalog.lookup("Llama-4-Scout-17B-16E")
    instruct = catalog.lookup("Llama-4-Scout-17B-16E-Instruct")
    assert base is not None and instruct is not None
    assert instruct.num_layers == base.num_layers == 48
    assert total_params(instruct) == total_params(base)
    assert "text_config.max_position_embeddings 10485760" in instruct.provenance.note


def test_every_variant_builds_with_the_entrys_tensors() -> None:
    # A variant only restates config values; a checkpoint with other tensors is its own entry.
    for entry in catalog.entries():
        for index, variant in enumerate(entry.model.variants):
            if variant.config:
                spec = catalog._variant_spec(entry, index)
                assert total_params(spec) == total_params(catalog.spec_for(entry)), variant.names


def _file(variant: str) -> str:
    return f"""family: t
models:
  - name: T-7B
    aliases: [T-7B-Instruct]
    source: https://example.org/config.json
    variants:
{variant}
    config:
      model_type: llama
      hidden_size: 64
      intermediate_size: 128
      num_attention_heads: 4
      num_hidden_layers: 2
      vocab_size: 100
      max_position_embeddings: 4096
"""


def test_a_variant_that_states_nothing_is_refused() -> None:
    with pytest.raises(ConfigError, match="variant"):
        parse_catalog_file(_file("      - names: [T-7B-Instruct]\n        source: x"), "t.yaml")


def test_a_variant_may_not_change_the_architecture() -> None:
    text = _file("      - names: [T-7B-Instruct]\n        source: x\n        config: {model_type: qwen2}")
    with pytest.raises(ConfigError, match="model_type"):
        parse_catalog_file(text, "t.yaml")


def test_a_variant_that_changes_the_tensors_is_refused() -> None:
    text = _file("      - names: [T-7B-Instruct]\n        source: x\n        config: {vocab_size: 200}")
    model = parse_catalog_file(text, "t.yaml").models[0]
    entry = catalog.CatalogEntry(family="t", file="t.yaml", model=model)
    with pytest.raises(ConfigError, match="changes the tensors"):
        catalog._variant_spec(entry, 0)


def test_longrope_builds_the_short_and_the_long_table() -> None:
    # microsoft/Phi-3-mini-128k-instruct config.json: rope_scaling type "longrope",
    # max_position_embeddings 131072, original_max_position_embeddings 4096. vLLM
    # phi3_long_rope_scaled_rope.py concatenates a 4096-row short table and a 131072-row long one;
    # its max_model_len stays 131072 (longrope is not scaled in _get_and_verify_max_len).
    from llmsize.estimate.engines.vllm_rope import rope_positions

    spec = catalog.lookup("Phi-3-mini-128k-instruct")
    assert spec is not None and spec.rope_scaling_type == "longrope"
    assert rope_positions(spec) == 131072 + 4096
    assert vllm_derived_max_len(spec) == 131072
