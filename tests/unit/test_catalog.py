"""The bundled catalog: loading and validation, name lookup, weight format from names, suggestions,
and the size-only approximation for unknown names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.errors import ConfigError
from llmsize.names import parse_name
from llmsize.specs import catalog
from llmsize.specs.approximate import approximate_spec
from llmsize.specs.formats import weight_format_from_name
from llmsize.specs.models import ProvenanceKind, QuantMethod, WeightFormat
from llmsize.specs.params import active_params, total_params

# ------------------------------------------------------------------------------------- loading


def _modelled(entry: catalog.CatalogEntry) -> bool:
    """True when from_hf_config knows the entry's model_type (new families arrive with their kinds)."""
    from llmsize.specs.hf_config import SUPPORTED_MODEL_TYPES, model_type_of

    return model_type_of(entry.model.config) in SUPPORTED_MODEL_TYPES


def test_every_bundled_file_and_entry_validates_and_builds() -> None:
    entries = catalog.entries()
    files = {e.file for e in entries}
    assert {"qwen2.5.yaml", "qwen3.yaml", "llama.yaml", "codellama.yaml", "qwen3.5.yaml"} <= files
    for entry in filter(_modelled, entries):
        spec = catalog.spec_for(entry)
        assert spec.provenance.kind == ProvenanceKind.CATALOG
        assert spec.provenance.source == entry.model.source
        assert spec.family == entry.family
        assert total_params(spec) > 0


def test_every_bundled_entry_is_of_a_modelled_type() -> None:
    # A catalog entry whose model_type from_hf_config does not read would be refused (or estimated
    # approximately) for every user who names it: the catalog only ships modelled architectures.
    entries = catalog.entries()
    unmodelled = sorted(f"{e.name} ({e.model.config['model_type']})" for e in entries if not _modelled(e))
    assert unmodelled == []


def test_every_name_points_at_one_entry() -> None:
    assert catalog._index()  # building it raises on a name claimed twice
    for entry in catalog.entries():
        for name in entry.names:
            assert catalog.get(name) is entry


GOOD_FILE = """
family: demo
models:
  - name: Demo-1B
    source: https://huggingface.co/org/Demo-1B/blob/main/config.json
    config: {model_type: llama, hidden_size: 64}
"""


def test_a_sound_file_parses() -> None:
    parsed = catalog.parse_catalog_file(GOOD_FILE, "demo.yaml")
    assert parsed.family == "demo" and parsed.models[0].name == "Demo-1B"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD_FILE.replace("source:", "sorce:"),
            "models.0.sorce (entry 'Demo-1B'): Extra inputs are not permitted",
        ),
        (GOOD_FILE.replace("https://", "http://"), "models.0.source"),
        (GOOD_FILE.replace("family: demo", "famly: demo"), "famly"),
        (GOOD_FILE.replace("model_type: llama, ", ""), "model_type"),
        (GOOD_FILE + "    published_params: 5\n", "params_source"),
        (GOOD_FILE + "    published_params: many\n    params_source: x\n", "models.0.published_params"),
        (GOOD_FILE + "    extra_params: 5\n", "extra_params_note"),
        (GOOD_FILE + "    checkpoint_only_params: 5\n    checkpoint_only_note: x\n", "published_params"),
        ("family: [unclosed", "not valid YAML"),
    ],
)
def test_a_yaml_typo_is_a_config_error_naming_file_and_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        catalog.parse_catalog_file(text, "demo.yaml")
    assert "demo.yaml" in str(err.value) and expected in str(err.value)


def test_no_io_and_no_heavy_imports() -> None:
    """Importing the catalog reads nothing; a lookup imports neither torch nor huggingface_hub."""
    code = (
        "import sys, llmsize.specs.catalog as c\n"
        "assert c.entries.cache_info().currsize == 0\n"
        "assert c.lookup('Qwen2.5-7B-Instruct-GPTQ-Int4') is not None\n"
        "print(sorted(m for m in ('torch', 'huggingface_hub', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------------------------- lookup

# The names the issue lists, with the catalog entry each must land on.
LOOKUPS = [
    ("Qwen2.5-1.5B-Instruct", "Qwen2.5-1.5B"),
    ("Qwen2.5-7B-Instruct-GPTQ-Int4", "Qwen2.5-7B"),
    ("Qwen2.5-7B-Instruct-GPTQ-Int8", "Qwen2.5-7B"),
    ("Qwen2.5-72B-Instruct-AWQ", "Qwen2.5-72B"),
    ("CodeLlama-13B-Instruct-AWQ", "CodeLlama-13B"),
    ("Llama-2-7B-Chat-GGUF-Q4_K_M", "Llama-2-7B"),
    ("llama-2-7b-chat.Q4_K_M.gguf", "Llama-2-7B"),
    ("Meta-Llama-3.1-8B-Instruct", "Llama-3.1-8B"),
    ("meta-llama/Llama-3.2-3B", "Llama-3.2-3B"),
    ("Qwen3-30B-A3B", "Qwen3-30B-A3B"),
    ("Qwen3-235B-A22B-Instruct-2507-FP8", "Qwen3-235B-A22B-Instruct-2507"),
    ("Qwen2.5-VL-7B-Instruct", "Qwen2.5-VL-7B-Instruct"),
    ("Qwen2.5-7B-Instruct-1M", "Qwen2.5-7B-Instruct-1M"),
    ("qwen2.5-7b-instruct", "Qwen2.5-7B"),
    ("QWEN2.5 7B INSTRUCT", "Qwen2.5-7B"),
    ("Qwen/Qwen2.5-7B", "Qwen2.5-7B"),
    ("unsloth/Llama-3.2-3B-bnb-4bit", "Llama-3.2-3B"),
    ("Qwen2.5-7B-Instruct-MLX-8bit", "Qwen2.5-7B"),
    ("llama3:latest", "Llama-3-8B"),
    ("llama3.1:70b", "Llama-3.1-70B"),
    ("qwen2.5:7b-instruct-q4_K_M", "Qwen2.5-7B"),
    ("qwen3:30b-a3b", "Qwen3-30B-A3B"),
    ("codellama:34b", "CodeLlama-34B"),
    # entries of the other families' files, reached through the same rules
    ("Mixtral-8x7B-Instruct-v0.1", "Mixtral-8x7B-v0.1"),
    ("deepseek-r1:14b", "DeepSeek-R1-Distill-Qwen-14B"),
    ("DeepSeek-R1-Distill-Qwen-14B", "DeepSeek-R1-Distill-Qwen-14B"),
    ("gemma-2-9b-it", "gemma-2-9b"),
]


@pytest.mark.parametrize(("name", "entry"), LOOKUPS)
def test_name_resolves_to_its_base_architecture(name: str, entry: str) -> None:
    found = catalog.find(name)
    assert found is not None, name
    assert found[0].name == entry
    spec = catalog.lookup(name)
    assert spec is not None
    assert spec.name == name.strip()
    assert spec.provenance.kind == ProvenanceKind.CATALOG
    if name.strip() != entry:
        assert spec.provenance.note is not None and entry in spec.provenance.note


def test_lookup_of_the_canonical_name_keeps_it() -> None:
    spec = catalog.lookup("Qwen2.5-7B")
    assert spec is not None and spec.name == "Qwen2.5-7B"
    assert spec.published_params == total_params(spec) == 7_615_616_512


def test_a_parsed_name_is_accepted() -> None:
    spec = catalog.lookup(parse_name("Qwen2.5-14B-Instruct-AWQ"))
    assert spec is not None and spec.weight_format.quant == QuantMethod.AWQ
    assert total_params(spec) == 14_770_033_664


@pytest.mark.parametrize(
    "name",
    [
        "Foo-7B-Instruct",
        "Qwen2.5-Coder-9B",
        "Qwen2.5-13B",
        "Llama-3.1-9B",
        "",
        "   ",
        "???",
        "qwen:14b",
    ],
)
def test_unknown_names_are_not_guessed(name: str) -> None:
    assert catalog.lookup(name) is None


def test_instruct_keeps_the_same_architecture_as_base() -> None:
    # Same tensors; only the positions differ: Qwen/Qwen2.5-7B-Instruct's config.json states 32768
    # (tests/fixtures/hf_configs/Qwen__Qwen2.5-7B-Instruct.json), the base's 131072.
    base, instruct = catalog.lookup("Qwen2.5-7B"), catalog.lookup("Qwen2.5-7B-Instruct")
    assert base is not None and instruct is not None
    same = {"name": "x", "provenance": instruct.provenance, "hf_repo": instruct.hf_repo,
            "max_position_embeddings": 32768}
    assert base.model_copy(update=same) == instruct.model_copy(update={"name": "x"})
    assert (base.max_position_embeddings, instruct.max_position_embeddings) == (131072, 32768)


# ------------------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Qwen2.5-7B-Instruct-GPTQ-Int4", (QuantMethod.GPTQ, 4, 128, "fp16")),
        ("Qwen2.5-7B-Instruct-GPTQ-Int8", (QuantMethod.GPTQ, 8, 128, "fp16")),
        ("Qwen2.5-72B-Instruct-AWQ", (QuantMethod.AWQ, 4, 128, "fp16")),
        ("unsloth/Llama-3.2-3B-bnb-4bit", (QuantMethod.BNB_NF4, 4, None, "bf16")),
        ("Llama-3.2-3B-8bit", (QuantMethod.BNB_INT8, 8, None, "bf16")),
        ("Qwen2.5-7B-Instruct-MLX-8bit", (QuantMethod.MLX, 8, 64, "bf16")),
        ("Qwen3-235B-A22B-Instruct-2507-FP8", (QuantMethod.FP8, 8, None, "bf16")),
        ("Qwen2.5-7B", (None, None, None, "bf16")),
    ],
)
def test_weight_format_from_name(name: str, expected: tuple[object, ...]) -> None:
    spec = catalog.lookup(name)
    assert spec is not None
    fmt = spec.weight_format
    assert (fmt.quant, fmt.bits, fmt.group_size, fmt.dtype) == expected


def test_gguf_type_from_file_name_and_ollama_tag() -> None:
    for name in ("llama-2-7b-chat.Q4_K_M.gguf", "Llama-2-7B-Chat-GGUF-Q4_K_M", "qwen2.5:7b-instruct-q4_K_M"):
        spec = catalog.lookup(name)
        assert spec is not None
        assert (spec.weight_format.quant, spec.weight_format.gguf_type) == (QuantMethod.GGUF, "Q4_K_M")


def test_bnb_4bit_uses_double_quant_and_awq_zero_point() -> None:
    bnb = weight_format_from_name(parse_name("Foo-7B-bnb-4bit"), WeightFormat())
    assert bnb.quant == QuantMethod.BNB_NF4 and bnb.double_quant
    awq = weight_format_from_name(parse_name("Foo-7B-AWQ"), WeightFormat())
    assert awq.quant == QuantMethod.AWQ and not awq.sym


def test_exl2_bits_come_from_the_name() -> None:
    fmt = weight_format_from_name(parse_name("Foo-7B-exl2-4.65bpw"), WeightFormat())
    assert fmt.quant == QuantMethod.EXL2
    assert fmt.bits == parse_name("Foo-7B-exl2-4.65bpw").bits


# ------------------------------------------------------------------------------------- suggest


def test_suggest_finds_the_near_miss_first() -> None:
    assert catalog.suggest("Qwen2.5-7B-Instrcut")[0] == "Qwen2.5-7B"
    assert catalog.suggest("Lama-3.1-8B")[0] == "Llama-3.1-8B"
    assert catalog.suggest("meta-llama/Llama-3.1-8b")[0] == "Llama-3.1-8B"


def test_suggest_limits_and_deduplicates() -> None:
    out = catalog.suggest("qwen2.5", n=3)
    assert len(out) <= 3 and len(out) == len(set(out))
    assert catalog.suggest("") == []
    assert catalog.suggest("zzzzzzzzzzzz") == []


# ------------------------------------------------------------------------------------- approximate


def test_a_size_without_architecture_is_approximated_and_says_so() -> None:
    spec = approximate_spec(parse_name("Foo-7B-Instruct"))
    assert spec is not None
    assert spec.approximate and spec.provenance.kind == ProvenanceKind.APPROXIMATE
    assert spec.provenance.note is not None and spec.provenance.note.startswith("assumed shape:")
    assert "Llama-3.1-8B" in spec.provenance.source
    assert spec.warnings and "Foo-7B-Instruct" in spec.warnings[0]
    # depth is chosen so the total lands on the size the name states, within one block
    per_block = 4096 * (4096 + 2 * 1024 + 4096) + 3 * 4096 * 14336 + 2 * 4096
    assert abs(total_params(spec) - 7e9) <= per_block / 2
    assert (spec.hidden_size, spec.num_kv_heads, spec.head_dim) == (4096, 8, 128)


def test_approximation_follows_the_nearest_reference_and_quant_suffix() -> None:
    big = approximate_spec(parse_name("Bar-65B-GPTQ-Int4"))
    assert big is not None and big.hidden_size == 8192  # Llama-3.1-70B's width
    assert big.weight_format.quant == QuantMethod.GPTQ


def test_a_name_with_an_active_size_is_approximated_as_a_mixture_of_experts() -> None:
    """"-A12B" means experts: a dense 120B shape would read every weight per token (decode ~10x slow)."""
    moe = approximate_spec(parse_name("Baz-120B-A12B"))
    assert moe is not None and moe.is_moe and moe.approximate
    assert "Qwen3-235B-A22B" in moe.provenance.source  # the nearer Qwen3-MoE size on a log scale
    assert "experts of" in (moe.provenance.note or "")
    assert abs(active_params(moe) - 12e9) / 12e9 < 0.05
    assert abs(total_params(moe) - 120e9) / 120e9 < 0.02
    assert not any("dense model" in w for w in moe.warnings)


@settings(max_examples=40, deadline=None)
@given(
    total_b=st.integers(min_value=8, max_value=2000),
    ratio=st.floats(min_value=0.03, max_value=0.4),
)
def test_moe_approximation_lands_on_both_sizes_the_name_states(total_b: int, ratio: float) -> None:
    active_b = max(1, round(total_b * ratio))
    spec = approximate_spec(parse_name(f"Foo-{total_b}B-A{active_b}B"))
    assert spec is not None and spec.is_moe
    assert spec.num_experts_per_tok <= spec.num_experts
    # one layer's active weights and one expert in every layer are the grid's steps
    assert abs(active_params(spec) - active_b * 1e9) <= max(0.1 * active_b * 1e9, 0.6e9)
    assert abs(total_params(spec) - total_b * 1e9) <= max(0.03 * total_b * 1e9, 1e9)


def test_no_size_no_approximation() -> None:
    assert approximate_spec(parse_name("Mystery-Instruct")) is None


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("GLM-4.6-FP8", "GLM-4.6"),
        ("zai-org/GLM-4.7", "GLM-4.7"),
        ("GLM-4.5-Air-FP8", "GLM-4.5-Air"),
        ("MiniMax-M2", "MiniMax-M2.7"),
        ("Kimi-K2-Instruct-0905", "Kimi-K2-Instruct-0905"),
        ("Kimi-K2-Instruct-0905-FP8", "Kimi-K2-Instruct-0905"),
        # GLM-4.7-Flash is its own (MLA) architecture, never GLM-4.7's
        ("GLM-4.7-Flash", "GLM-4.7-Flash"),
        ("GLM-4.7-Flash-FP8", "GLM-4.7-Flash"),
    ],
)
def test_a_sizeless_name_with_a_suffix_finds_its_entry(name: str, entry: str) -> None:
    found = catalog.find(name)
    assert found is not None and found[0].name == entry


# GLM-4.7-Flash is an entry of its own now (glm-flash.yaml); "Kimi-Linear-48B" (no active size) must
# still land neither on Kimi K2 nor on the Kimi-Linear-48B-A3B entry by guesswork
@pytest.mark.parametrize("name", ["Kimi-Linear-48B", "MiniMax-M3"])
def test_a_sizeless_name_of_another_architecture_finds_nothing(name: str) -> None:
    assert catalog.find(name) is None


@pytest.mark.parametrize(
    ("name", "entry"),
    [("kimi-k2:1t", "Kimi-K2-Instruct"), ("glm-4.6:355b", "GLM-4.6"), ("minimax-m2:230b", "MiniMax-M2.7")],
)
def test_an_untagged_ollama_library_named_after_a_model_finds_it(name: str, entry: str) -> None:
    found = catalog.find(name)
    assert found is not None and found[0].name == entry
    assert found[1] is not None and found[1].gguf_type == "Q4_K_M"  # an Ollama pull is a GGUF file


def test_an_ollama_tag_whose_size_disagrees_is_not_sized_as_the_library_model() -> None:
    # "glm-4.6:9b" is not the 355B GLM-4.6: the tag's size is off by far more than rounding.
    assert catalog.find("glm-4.6:9b") is None


def test_a_dated_alias_does_not_catch_another_release() -> None:
    # Magistral-Small-2509 is Mistral Small 3.2 with its vision tower; the 2506 release is text-only and has
    # its own entry (Mistral Small 3's MistralForCausalLM shape).
    found = catalog.find("Magistral-Small-2509")
    assert found is not None and found[0].name == "Mistral-Small-3.2-24B-Instruct-2506"
    text_only = catalog.find("Magistral-Small-2506")
    assert text_only is not None and text_only[0].name == "Magistral-Small-2506"
    assert catalog.spec_for(text_only[0]).extra_params == 0  # no vision tower
    # A dated release with an entry of its own lands there; an undated alias still takes any other date
    # (Qwen3-235B-A22B, an alias of the Thinking-2507 entry: the same tensors).
    dated = catalog.find("Qwen3-235B-A22B-Instruct-2507")
    assert dated is not None and dated[0].name == "Qwen3-235B-A22B-Instruct-2507"
    later = catalog.find("Qwen3-235B-A22B-2510")
    assert later is not None and later[0].name == "Qwen3-235B-A22B-Thinking-2507"


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("qwen3-vl:30b", "Qwen3-VL-30B-A3B-Instruct"),  # the tag leaves out the active size
        ("qwen3-next:80b", "Qwen3-Next-80B-A3B-Instruct"),
        ("mistral-small3.2:24b", "Mistral-Small-3.2-24B-Instruct-2506"),
    ],
)
def test_an_ollama_tag_that_drops_parts_of_the_hub_name_finds_the_one_entry(name: str, entry: str) -> None:
    found = catalog.find(name)
    assert found is not None and found[0].name == entry


def test_a_listed_library_never_falls_back_to_a_dense_llama_shape() -> None:
    from llmsize.errors import ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="qwen3-vl:72b"):
        catalog.find("qwen3-vl:72b")  # no such Qwen3-VL size: refused, not a dense Llama shape


def test_the_name_index_read_back_from_its_cache_equals_parsing_every_name() -> None:
    """Issue 15: the catalog spellings' signatures are parsed once and kept on disk, keyed by content."""
    catalog._name_facts.cache_clear()
    parsed = {
        name: (catalog._signature(catalog._parse_catalog_name(name)), catalog._parse_catalog_name(name).date)
        for entry in catalog.entries()
        for name in entry.names
    }
    first = catalog._name_facts()  # computed, then written
    written = list((Path(os.environ["LLMSIZE_CACHE_DIR"]) / "names").glob("*.json"))
    catalog._name_facts.cache_clear()
    second = catalog._name_facts()  # read back from the file
    catalog._name_facts.cache_clear()
    assert len(written) == 1
    assert first == parsed
    assert second == parsed
