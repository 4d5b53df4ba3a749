"""Popular names land on an entry that names the model asked for, with that model's own config and figures.

An audit found released models sized and labelled as a sibling: qwen3-coder:30b and
Qwen3-30B-A3B-Instruct-2507 as "Qwen3-30B-A3B-Thinking-2507", Llama-3.3-70B-Instruct as
"Llama-3.1-70B", the phi4 Ollama tag as Phi-4-reasoning; and gpt-oss-20b warned that it guessed a
dtype its checkpoint states. Each figure below is the published one, cited beside it.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.local import with_checkpoint
from llmsize.specs.models import CheckpointInfo, Provenance, ProvenanceKind
from llmsize.specs.params import total_params
from llmsize.specs.resolve import resolve

CODER = "Qwen/Qwen3-Coder-30B-A3B-Instruct"
BIG = "Qwen3-235B-A22B"
# (a spelling people use, the entry it must find, the repo whose config.json the entry cites)
NAMES = [
    ("qwen3-coder:30b", "Qwen3-Coder-30B-A3B-Instruct", "Qwen/Qwen3-Coder-30B-A3B-Instruct"),
    ("qwen3-coder", "Qwen3-Coder-30B-A3B-Instruct", "Qwen/Qwen3-Coder-30B-A3B-Instruct"),
    ("Qwen/Qwen3-Coder-30B-A3B-Instruct", "Qwen3-Coder-30B-A3B-Instruct", CODER),
    ("Qwen3-Coder-30B-A3B-Instruct-FP8", "Qwen3-Coder-30B-A3B-Instruct", CODER),
    ("Qwen3-30B-A3B-Instruct-2507", "Qwen3-30B-A3B-Instruct-2507", "Qwen/Qwen3-30B-A3B-Instruct-2507"),
    ("Qwen3-30B-A3B-Instruct-2507-FP8", "Qwen3-30B-A3B-Instruct-2507", "Qwen/Qwen3-30B-A3B-Instruct-2507"),
    ("qwen3:30b-a3b-instruct-2507-q4_K_M", "Qwen3-30B-A3B-Instruct-2507", "Qwen/Qwen3-30B-A3B-Instruct-2507"),
    ("Qwen3-30B-A3B-Thinking-2507", "Qwen3-30B-A3B-Thinking-2507", "Qwen/Qwen3-30B-A3B-Thinking-2507"),
    # the training type the name states picks between two entries of one release
    ("Qwen3-30B-A3B-Thinking-2507-FP8", "Qwen3-30B-A3B-Thinking-2507", "Qwen/Qwen3-30B-A3B-Thinking-2507"),
    ("qwen3:30b-a3b-thinking-2507-q8_0", "Qwen3-30B-A3B-Thinking-2507", "Qwen/Qwen3-30B-A3B-Thinking-2507"),
    ("Qwen3-235B-A22B-Instruct-2507-FP8", "Qwen3-235B-A22B-Instruct-2507", f"Qwen/{BIG}-Instruct-2507"),
    ("qwen3:235b-a22b-instruct-2507-q4_K_M", "Qwen3-235B-A22B-Instruct-2507", f"Qwen/{BIG}-Instruct-2507"),
    ("Qwen3-235B-A22B-Thinking-2507-FP8", "Qwen3-235B-A22B-Thinking-2507", f"Qwen/{BIG}-Thinking-2507"),
    ("Llama-3.3-70B-Instruct", "Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct"),
    ("meta-llama/Llama-3.3-70B-Instruct", "Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct"),
    ("llama3.3", "Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct"),
    ("llama3.3:70b", "Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct"),
    ("Llama-3.1-70B-Instruct", "Llama-3.1-70B", "meta-llama/Llama-3.1-70B-Instruct"),
    ("phi4", "Phi-4", "microsoft/phi-4"),
    ("phi4:14b", "Phi-4", "microsoft/phi-4"),
    ("phi4-mini", "Phi-4-mini-instruct", "microsoft/Phi-4-mini-instruct"),
    ("phi4-reasoning", "Phi-4-reasoning", "microsoft/Phi-4-reasoning"),
]


@pytest.mark.parametrize(("name", "entry", "repo"), NAMES)
def test_the_name_finds_its_own_entry_and_config(name: str, entry: str, repo: str) -> None:
    found = catalog.find(name)
    assert found is not None and found[0].name == entry
    spec = resolve(name)
    assert spec.provenance.source == f"https://huggingface.co/{repo}/blob/main/config.json"
    assert spec.hf_repo == repo


def test_the_2507_and_coder_configs_are_their_own() -> None:
    # Each model card: "Context Length: 262,144 natively" (the April Qwen3-30B-A3B: 40,960).
    releases = ("Qwen3-30B-A3B-Instruct-2507", "Qwen3-30B-A3B-Thinking-2507", "Qwen3-Coder-30B-A3B-Instruct")
    for name in releases:
        assert resolve(name).max_position_embeddings == 262144
    assert resolve("Qwen3-30B-A3B").max_position_embeddings == 40960
    # Qwen3-Coder-30B-A3B-Instruct's config.json sets fields apart from the Thinking model's
    coder = catalog.get("Qwen3-Coder-30B-A3B-Instruct").model.config  # type: ignore[union-attr]
    thinking = catalog.get("Qwen3-30B-A3B-Thinking-2507").model.config  # type: ignore[union-attr]
    assert (coder["intermediate_size"], coder["max_window_layers"]) == (5472, 28)
    assert (thinking["intermediate_size"], thinking["max_window_layers"]) == (6144, 48)


# Totals from each repo's model.safetensors.index.json metadata.total_size (61,064,245,248 bytes of BF16 for
# all three 30B-A3B releases) / 2, and Llama 3.3's Hub count at revision 6f6073b4 (70,553,706,496).
TOTALS = [
    ("Qwen3-Coder-30B-A3B-Instruct", 61_064_245_248 // 2),
    ("Qwen3-30B-A3B-Instruct-2507", 61_064_245_248 // 2),
    ("Qwen3-30B-A3B-Thinking-2507", 61_064_245_248 // 2),
    ("Llama-3.3-70B-Instruct", 70_553_706_496),
]


@pytest.mark.parametrize(("name", "published"), TOTALS)
def test_published_totals(name: str, published: int) -> None:
    spec = resolve(name)
    assert total_params(spec) == published
    # the BF16 download: 2 bytes a parameter (Llama 3.3: 141.1 GB)
    assert estimate(spec, Workload()).weights_bytes == pytest.approx(2 * published, rel=1e-3)


def test_gpt_oss_20b_states_its_stored_dtype_and_sizes_to_its_download() -> None:
    # openai/gpt-oss-20b model.safetensors.index.json: "total_size": 13761264768 (a public copy of the
    # repo's files); its config.json has no torch_dtype, and the openai/gpt-oss README says "All other
    # tensors will be in BF16" beside the MXFP4 MoE projections.
    spec = resolve("gpt-oss-20b")
    assert not [w for w in spec.warnings if "no dtype" in w]
    assert spec.weight_format.dtype == "bf16" and spec.weight_format.label() == "mxfp4 4-bit"
    assert "store bfloat16" in (spec.provenance.note or "")
    assert estimate(spec, Workload()).weights_bytes == pytest.approx(13_761_264_768, rel=0.002)


def test_a_quantized_header_answers_a_config_without_dtype() -> None:
    """The Hub/local path: config.json without a dtype, the safetensors header shows BF16 beside U8 blocks."""
    from llmsize.specs.hf_config import spec_from_hf_config

    config = dict(catalog.get("gpt-oss-20b").model.config)  # type: ignore[union-attr]
    where = Provenance(kind=ProvenanceKind.LOCAL, source="config.json")
    bare = spec_from_hf_config(config, name="gpt-oss-20b", provenance=where)
    assert any("states no dtype" in w for w in bare.warnings)
    header = CheckpointInfo(
        format="safetensors", params_by_dtype={"BF16": 1_800_000_000, "U8": 6_000_000_000},
        total_params=7_800_000_000, total_bytes=13_761_264_768,
    )
    answered = with_checkpoint(bare, header)
    assert not [w for w in answered.warnings if "no dtype" in w]
    assert answered.weight_format.dtype == "bf16" and answered.weight_format.label() == "mxfp4 4-bit"
    fp16 = with_checkpoint(bare, header.model_copy(update={"params_by_dtype": {"F16": 1, "U8": 2}}))
    assert fp16.weight_format.dtype == "fp16"


# Ollama library downloads, each from a figure read in a public source (Q4_K_M defaults):
# - llama3.3:70b: 42,520,413,916 bytes, quantization_level Q4_K_M, in a pasted /api/tags dump
#   (https://github.com/microsoft/foundry-dev-tools/issues/159);
# - qwen3-coder:30b: "Qwen3 Coder 30B at Q4_K_M (about 18GB)"
#   (https://haimaker.ai/blog/ollama-coding-models-by-nvidia-rtx-vram), rounded to two figures, hence 5%.
OLLAMA = [
    ("llama3.3:70b", 42_520_413_916),
    ("qwen3-coder:30b", 18e9),
]


@pytest.mark.parametrize(("tag", "published"), OLLAMA)
def test_ollama_tags_match_the_library_download(tag: str, published: float) -> None:
    spec = resolve(tag)
    assert estimate(spec, Workload(engine="ollama")).weights_bytes == pytest.approx(published, rel=0.05)


# The small sizes Ollama publishes at Q8_0 rather than the library's Q4_K_M, with the bytes /api/tags reports
# for that digest in public API dumps: llama3.2:1b (quantization_level Q8_0, digest baf6a787fdff, size
# 1,321,098,329), gemma3:270m (Q8_0, e7d36fb2c3b3, 291,554,930), smollm2:1.7b = smollm2:latest (Q8_0,
# cef4a1e09247, 1,820,414,927).
# The file holds the tokenizer and metadata beside the tensors (gemma3's 262,144-token vocabulary: MBs),
# so the weights sit a little below it: within 3%.
SMALL_Q8 = [
    ("llama3.2:1b", "Llama-3.2-1B", 1_321_098_329),
    ("gemma3:270m", "gemma-3-270m", 291_554_930),
    ("smollm2:1.7b", "SmolLM2-1.7B", 1_820_414_927),
    ("smollm2", "SmolLM2-1.7B", 1_820_414_927),
]


@pytest.mark.parametrize(("tag", "entry", "published"), SMALL_Q8)
def test_small_ollama_sizes_pull_q8_0(tag: str, entry: str, published: int) -> None:
    found = catalog.find(tag)
    assert found is not None and found[0].name == entry
    spec = resolve(tag)
    assert spec.weight_format.gguf_type == "Q8_0"
    weights = estimate(spec, Workload(engine="ollama")).weights_bytes
    assert 0.97 * published <= weights <= published
    # the library's other sizes keep its Q4_K_M, and a tag naming its type keeps that type
    assert resolve("llama3.2:3b").weight_format.gguf_type == "Q4_K_M"
    assert resolve("llama3.2:1b-instruct-q4_K_M").weight_format.gguf_type == "Q4_K_M"


def test_a_copy_without_dtype_says_so_of_the_copy() -> None:
    # Qwen2.5-Coder-7B's entry is a litgpt transcription that carries no dtype; the warning must not claim the
    # published config.json states none. An Ollama tag (GGUF: the file type sets every tensor's type) and a
    # name stating its dtype need no guess at all.
    said = [w for w in resolve("Qwen2.5-Coder-7B-Instruct").warnings if "no dtype" in w]
    assert said and all(w.startswith("the bundled copy of Qwen/Qwen2.5-Coder-7B's config.json") for w in said)
    assert not [w for w in resolve("qwen2.5-coder:7b").warnings if "no dtype" in w]
    assert not [w for w in resolve("Qwen2.5-Coder-7B-Instruct-BF16").warnings if "no dtype" in w]


def test_a_sizeless_name_with_a_word_no_entry_carries_finds_no_sibling() -> None:
    # microsoft/Phi-4-multimodal-instruct is 5.6B ("a lightweight open multimodal foundation model",
    # 5.6B parameters: model card); it was sized as Phi-4-reasoning's 14.7B.
    assert catalog.find("Phi-4-multimodal-instruct") is None
    # no word beyond the training type: Phi-4, not the reasoning release
    found = catalog.find("Phi-4-instruct")
    assert found is not None and found[0].name == "Phi-4"
    found = catalog.find("Phi-4-reasoning-FP8")
    assert found is not None and found[0].name == "Phi-4-reasoning"


def test_the_words_that_chose_the_entry_are_not_called_unread() -> None:
    # "reasoning" picks Phi-4-reasoning among the sizeless Phi-4 entries: it changed the answer.
    assert not [w for w in resolve("Phi-4-reasoning-FP8").warnings if "not understood" in w]
    assert [w for w in resolve("Qwen3-8B-AWQQ").warnings if "'AWQQ' not understood" in w]  # a typo still is
