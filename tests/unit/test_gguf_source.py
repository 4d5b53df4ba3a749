"""preflight/gguf_source.py: the repo a llama-server -hf command pulls (sources in the module)."""

from __future__ import annotations

from llmsize.preflight.gguf_source import default_file_type, gguf_source
from llmsize.specs.resolve import resolve


def test_publishers_without_gguf_repos_get_the_repo_that_has_the_file() -> None:
    assert gguf_source("meta-llama/Llama-3.1-8B-Instruct").repo == "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"
    assert gguf_source("google/gemma-3-12b-it").repo == "unsloth/gemma-3-12b-it-GGUF"
    distill = gguf_source("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")
    assert distill.repo == "unsloth/DeepSeek-R1-Distill-Qwen-7B-GGUF"
    checkpoints = (
        "meta-llama/Llama-3.1-8B-Instruct",
        "google/gemma-3-12b-it",
        "mistralai/Mistral-7B-Instruct-v0.3",
    )
    for repo in checkpoints:
        assert not gguf_source(repo).repo.startswith(repo.split("/")[0] + "/")


def test_qwen_publishes_its_own() -> None:
    source = gguf_source("Qwen/Qwen3-8B", "Q8_0")
    assert (source.repo, source.tag) == ("Qwen/Qwen3-8B-GGUF", "Q8_0")


def test_gpt_oss_default_is_ggml_orgs_mxfp4_file_without_a_tag() -> None:
    source = gguf_source("openai/gpt-oss-120b")
    assert (source.repo, source.file_type, source.tag) == ("ggml-org/gpt-oss-120b-GGUF", "MXFP4_MOE", None)
    assert default_file_type(resolve("gpt-oss-20b"), "openai/gpt-oss-20b") == "MXFP4_MOE"
    assert default_file_type(resolve("Qwen3-8B"), "Qwen/Qwen3-8B") == "Q4_K_M"
    # a type ggml-org's repo does not hold comes from one that does
    assert gguf_source("openai/gpt-oss-120b", "Q8_0").repo == "unsloth/gpt-oss-120b-GGUF"


def test_gguf_repo_input_is_kept() -> None:
    source = gguf_source("bartowski/google_gemma-3-12b-it-GGUF", "Q5_K_M")
    assert (source.repo, source.tag) == ("bartowski/google_gemma-3-12b-it-GGUF", "Q5_K_M")


def test_a_gguf_repo_with_its_tag_keeps_both_as_llama_server_takes_them() -> None:
    # `llama-server -hf unsloth/Qwen3.5-35B-A3B-GGUF:UD-Q4_K_XL` (the module's source): repo, then the tag;
    # the plan printed "-hf unsloth/Qwen3-30B-A3B-GGUF:UD-Q2_K_XL-GGUF:Q2_K" for such a name
    sized = gguf_source("unsloth/Qwen3-30B-A3B-GGUF:UD-Q2_K_XL", "Q2_K")
    assert (sized.repo, sized.file_type, sized.tag) == ("unsloth/Qwen3-30B-A3B-GGUF", "Q2_K", "UD-Q2_K_XL")
    assert sized.note is None
    # --quant Q8_0 sized another file: the tag names that one
    other = gguf_source("unsloth/Qwen3-30B-A3B-GGUF:UD-Q2_K_XL", "Q8_0")
    assert (other.repo, other.tag) == ("unsloth/Qwen3-30B-A3B-GGUF", "Q8_0")


def test_a_gguf_repo_with_an_empty_tag_is_the_repo_alone() -> None:
    # "org/NAME-GGUF:" guessed "unsloth/Qwen3-30B-A3B-GGUF:-GGUF" as a community repo
    source = gguf_source("unsloth/Qwen3-30B-A3B-GGUF:", "Q4_K_M")
    assert (source.repo, source.tag, source.note) == ("unsloth/Qwen3-30B-A3B-GGUF", "Q4_K_M", None)
