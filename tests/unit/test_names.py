"""parse_name: every name the issue lists, field by field, plus the edge cases around them."""

from __future__ import annotations

from typing import Any

import gguf
import pytest

from llmsize.errors import BadInputError
from llmsize.names import ParsedName, canonical_key, parse_name

B = 10**9
M = 10**6


def stated(parsed: ParsedName) -> dict[str, Any]:
    """The fields a name filled in (everything but raw and the empty ones; a flag counts when set)."""
    return {k: v for k, v in parsed.model_dump().items() if k != "raw" and v not in (None, (), False)}


# Each row lists *every* field the parse should fill; anything else filled is a failure.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("Qwen2.5-1.5B-Instruct",
     {"series": "qwen", "version": "2.5", "params": 1_500_000_000, "size_label": "1.5B",
      "training_type": "instruct"}),
    ("Qwen2.5-7B-Instruct-GPTQ-Int4",
     {"series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B", "training_type": "instruct",
      "quant_method": "gptq", "bits": 4.0}),
    ("Qwen2.5-7B-Instruct-GPTQ-Int8",
     {"series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B", "training_type": "instruct",
      "quant_method": "gptq", "bits": 8.0}),
    ("Qwen2.5-72B-Instruct-AWQ",
     {"series": "qwen", "version": "2.5", "params": 72 * B, "size_label": "72B", "training_type": "instruct",
      "quant_method": "awq", "bits": 4.0}),
    ("CodeLlama-13B-Instruct-AWQ",
     {"series": "codellama", "params": 13 * B, "size_label": "13B", "training_type": "instruct",
      "quant_method": "awq", "bits": 4.0}),
    ("Llama-2-7B-Chat-GGUF-Q4_K_M",
     {"series": "llama", "version": "2", "params": 7 * B, "size_label": "7B", "training_type": "chat",
      "quant_method": "gguf", "gguf_type": "Q4_K_M", "bits": 4.0}),
    ("llama-2-7b-chat.Q4_K_M.gguf",
     {"series": "llama", "version": "2", "params": 7 * B, "size_label": "7B", "training_type": "chat",
      "quant_method": "gguf", "gguf_type": "Q4_K_M", "bits": 4.0}),
    ("Meta-Llama-3.1-8B-Instruct",
     {"series": "llama", "version": "3.1", "params": 8 * B, "size_label": "8B", "training_type": "instruct"}),
    ("meta-llama/Llama-3.2-3B",
     {"org": "meta-llama", "series": "llama", "version": "3.2", "params": 3 * B, "size_label": "3B"}),
    # 8x7B is the nominal name size (8 * 7e9); the real count (46.7B) comes from the catalog.
    ("Mixtral-8x7B-Instruct-v0.1",
     {"series": "mixtral", "version": "v0.1", "experts": 8, "params": 56 * B, "size_label": "8x7B",
      "training_type": "instruct"}),
    ("Mixtral-8x22B-v0.1",
     {"series": "mixtral", "version": "v0.1", "experts": 8, "params": 176 * B, "size_label": "8x22B"}),
    ("Qwen3-30B-A3B",
     {"series": "qwen", "version": "3", "params": 30 * B, "active_params": 3 * B, "size_label": "30B-A3B"}),
    ("DeepSeek-R1-Distill-Qwen-14B",
     {"series": "deepseek", "version": "r1", "variant": "distill", "base_model": "qwen", "params": 14 * B,
      "size_label": "14B"}),
    ("Phi-3-mini-4k-instruct",
     {"series": "phi", "version": "3", "size_label": "mini", "context": 4096, "training_type": "instruct"}),
    ("gemma-2-9b-it",
     {"series": "gemma", "version": "2", "params": 9 * B, "size_label": "9B", "training_type": "instruct"}),
    ("Qwen3-235B-A22B-Instruct-2507-FP8",
     {"series": "qwen", "version": "3", "params": 235 * B, "active_params": 22 * B, "size_label": "235B-A22B",
      "training_type": "instruct", "date": "2507", "quant_method": "fp8", "bits": 8.0}),
    ("Mistral-7B-v0.1",
     {"series": "mistral", "version": "v0.1", "params": 7 * B, "size_label": "7B"}),
    ("Qwen2.5-VL-7B-Instruct",
     {"series": "qwen", "version": "2.5", "variant": "vl", "params": 7 * B, "size_label": "7B",
      "training_type": "instruct"}),
    ("Qwen2.5-Coder-32B-Instruct",
     {"series": "qwen", "version": "2.5", "variant": "coder", "params": 32 * B, "size_label": "32B",
      "training_type": "instruct"}),
    ("Qwen2.5-Math-7B",
     {"series": "qwen", "version": "2.5", "variant": "math", "params": 7 * B, "size_label": "7B"}),
    # "1M" is the nominal 2**20; the real limit (1,010,000) is in the model's config.json.
    ("Qwen2.5-7B-Instruct-1M",
     {"series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B", "training_type": "instruct",
      "context": 2**20}),
    ("unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit",
     {"org": "unsloth", "series": "llama", "version": "3.1", "params": 8 * B, "size_label": "8B",
      "training_type": "instruct", "quant_method": "bnb", "bits": 4.0}),
    ("mlx-community/Qwen2.5-7B-Instruct-4bit",
     {"org": "mlx-community", "series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B",
      "training_type": "instruct", "quant_method": "mlx", "bits": 4.0}),
    ("Qwen2.5-7B-Instruct-8bit",
     {"series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B", "training_type": "instruct",
      "bits": 8.0}),
    ("Qwen2.5-7B-Instruct-MLX",
     {"series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B", "training_type": "instruct",
      "quant_method": "mlx"}),
    ("Llama-3-70B-Instruct-exl2-4.65bpw",
     {"series": "llama", "version": "3", "params": 70 * B, "size_label": "70B", "training_type": "instruct",
      "quant_method": "exl2", "bits": 4.65}),
    ("Mistral-7B-Instruct-v0.3-EXL2",
     {"series": "mistral", "version": "v0.3", "params": 7 * B, "size_label": "7B",
      "training_type": "instruct", "quant_method": "exl2"}),
    ("Meta-Llama-3.1-8B-Instruct-Q8_0.gguf",
     {"series": "llama", "version": "3.1", "params": 8 * B, "size_label": "8B", "training_type": "instruct",
      "quant_method": "gguf", "gguf_type": "Q8_0", "bits": 8.0}),
    ("Qwen2.5-7B-Instruct-Q5_K_S.gguf",
     {"series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B", "training_type": "instruct",
      "quant_method": "gguf", "gguf_type": "Q5_K_S", "bits": 5.0}),
    ("bartowski/Qwen2.5-7B-Instruct-GGUF:IQ4_XS",
     {"org": "bartowski", "series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B",
      "training_type": "instruct", "quant_method": "gguf", "gguf_type": "IQ4_XS", "bits": 4.0,
      "ollama_tag": "IQ4_XS"}),
    # Ollama tags
    ("deepseek-r1:14b",
     {"series": "deepseek", "version": "r1", "params": 14 * B, "size_label": "14B", "ollama_tag": "14b"}),
    ("qwen:14b", {"series": "qwen", "params": 14 * B, "size_label": "14B", "ollama_tag": "14b"}),
    ("llama3:latest", {"series": "llama", "version": "3", "ollama_tag": "latest"}),
    ("qwen2.5:7b-instruct-q4_K_M",
     {"series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B", "training_type": "instruct",
      "quant_method": "gguf", "gguf_type": "Q4_K_M", "bits": 4.0, "ollama_tag": "7b-instruct-q4_K_M"}),
    ("llama3.1:8b-instruct-fp16",
     {"series": "llama", "version": "3.1", "params": 8 * B, "size_label": "8B", "training_type": "instruct",
      "dtype": "fp16", "quant_method": "gguf", "gguf_type": "F16", "bits": 16.0,
      "ollama_tag": "8b-instruct-fp16"}),
    ("phi3:mini", {"series": "phi", "version": "3", "size_label": "mini", "ollama_tag": "mini"}),
    ("deepseek-r1:14b-qwen-distill-q4_K_M",
     {"series": "deepseek", "version": "r1", "params": 14 * B, "size_label": "14B", "base_model": "qwen",
      "variant": "distill", "quant_method": "gguf", "gguf_type": "Q4_K_M", "bits": 4.0,
      "ollama_tag": "14b-qwen-distill-q4_K_M"}),
    ("gpt-oss:20b", {"series": "gpt-oss", "params": 20 * B, "size_label": "20B", "ollama_tag": "20b"}),
    # sizes
    ("Qwen2.5-0.5B", {"series": "qwen", "version": "2.5", "params": 500 * M, "size_label": "0.5B"}),
    ("SmolLM2-135m-Instruct",
     {"series": "smollm", "version": "2", "params": 135 * M, "size_label": "135M",
      "training_type": "instruct"}),
    ("Foo-500M", {"series": "foo", "params": 500 * M, "size_label": "500M"}),
    ("Kimi-K2-1T", {"series": "kimi", "version": "k2", "params": 10**12, "size_label": "1T"}),
    ("Qwen1.5-MoE-A2.7B",
     {"series": "qwen", "version": "1.5", "variant": "moe", "active_params": 2_700_000_000,
      "size_label": "A2.7B"}),
    # Llama 4 writes the active size and the expert count (model card: 17B active, 109B total).
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct",
     {"org": "meta-llama", "series": "llama", "version": "4", "variant": "scout", "active_params": 17 * B,
      "experts": 16, "size_label": "17B-16E", "training_type": "instruct"}),
    # other shapes
    ("openai/gpt-oss-120b", {"org": "openai", "series": "gpt-oss", "params": 120 * B, "size_label": "120B"}),
    ("gpt-oss-20b-MXFP4.gguf",
     {"series": "gpt-oss", "params": 20 * B, "size_label": "20B", "quant_method": "gguf",
      "gguf_type": "MXFP4", "bits": 4.0}),
    ("Mistral-Small-3.1-24B-Instruct-2503",
     {"series": "mistral", "version": "3.1", "variant": "small", "params": 24 * B, "size_label": "24B",
      "training_type": "instruct", "date": "2503"}),
    ("Hermes-3-Llama-3.1-8B",
     {"series": "hermes", "version": "3", "base_model": "llama3.1", "params": 8 * B, "size_label": "8B"}),
    ("TinyLlama-1.1B-Chat-v1.0",
     {"series": "tinyllama", "version": "v1.0", "params": 1_100_000_000, "size_label": "1.1B",
      "training_type": "chat"}),
    ("Llama-2-7b-chat-hf",
     {"series": "llama", "version": "2", "params": 7 * B, "size_label": "7B", "training_type": "chat"}),
    ("gemma-3-1b-pt",
     {"series": "gemma", "version": "3", "params": 1 * B, "size_label": "1B", "training_type": "base"}),
    ("Phi-3-medium-128k-instruct",
     {"series": "phi", "version": "3", "size_label": "medium", "context": 131072,
      "training_type": "instruct"}),
    ("glm-4-9b-chat",
     {"series": "glm", "version": "4", "params": 9 * B, "size_label": "9B", "training_type": "chat"}),
    ("chatglm3-6b", {"series": "chatglm", "version": "3", "params": 6 * B, "size_label": "6B"}),
    ("falcon-40b", {"series": "falcon", "params": 40 * B, "size_label": "40B"}),
    ("Meta-Llama-3.1-8B-Instruct-quantized.w4a16",
     {"series": "llama", "version": "3.1", "params": 8 * B, "size_label": "8B", "training_type": "instruct",
      "quant_method": "compressed-tensors", "bits": 4.0}),
    ("Qwen2.5-7B-Instruct-bf16",
     {"series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B", "training_type": "instruct",
      "dtype": "bf16", "bits": 16.0}),
    ("https://huggingface.co/Qwen/Qwen2.5-7B@main",
     {"org": "Qwen", "series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B",
      "revision": "main"}),
    ("Foo-7B-Instruct", {"series": "foo", "params": 7 * B, "size_label": "7B", "training_type": "instruct"}),
    # Current (2025-26) naming: active sizes, release dates, thinking models, new quant suffixes.
    ("Qwen3-235B-A22B-Instruct-2507-FP8",
     {"series": "qwen", "version": "3", "params": 235 * B, "active_params": 22 * B, "size_label": "235B-A22B",
      "training_type": "instruct", "date": "2507", "quant_method": "fp8", "bits": 8.0}),
    ("Qwen3-30B-A3B-Thinking-2507",
     {"series": "qwen", "version": "3", "params": 30 * B, "active_params": 3 * B, "size_label": "30B-A3B",
      "training_type": "thinking", "date": "2507"}),
    ("Qwen3.6-35B-A3B",
     {"series": "qwen", "version": "3.6", "params": 35 * B, "active_params": 3 * B, "size_label": "35B-A3B"}),
    ("Qwen3-Next-80B-A3B-Instruct",
     {"series": "qwen", "version": "3", "variant": "next", "params": 80 * B, "active_params": 3 * B,
      "size_label": "80B-A3B", "training_type": "instruct"}),
    ("Llama-3.1-8B-Instruct-NVFP4",
     {"series": "llama", "version": "3.1", "params": 8 * B, "size_label": "8B", "training_type": "instruct",
      "quant_method": "nvfp4", "bits": 4.0}),
    ("Qwen3-30B-A3B-MLX-4bit",
     {"series": "qwen", "version": "3", "params": 30 * B, "active_params": 3 * B, "size_label": "30B-A3B",
      "quant_method": "mlx", "bits": 4.0}),
    ("unsloth/Qwen3-Coder-30B-A3B-Instruct-UD-Q4_K_XL.gguf",
     {"org": "unsloth", "series": "qwen", "version": "3", "variant": "coder", "params": 30 * B,
      "active_params": 3 * B, "size_label": "30B-A3B", "training_type": "instruct", "quant_method": "gguf",
      "gguf_type": "Q4_K_XL", "bits": 4.0}),
    ("RedHatAI/Llama-3.1-8B-Instruct-quantized.w8a8",
     {"org": "RedHatAI", "series": "llama", "version": "3.1", "params": 8 * B, "size_label": "8B",
      "training_type": "instruct", "quant_method": "compressed-tensors", "bits": 8.0}),
    ("Qwen2.5-7B-Instruct-w4a16",
     {"series": "qwen", "version": "2.5", "params": 7 * B, "size_label": "7B", "training_type": "instruct",
      "quant_method": "compressed-tensors", "bits": 4.0}),
    ("DeepSeek-V3.2-Exp", {"series": "deepseek", "version": "v3.2", "variant": "exp"}),
    ("Kimi-K2-Instruct-0905",
     {"series": "kimi", "version": "k2", "training_type": "instruct", "date": "0905"}),
    ("GLM-4.5-Air-FP8",
     {"series": "glm", "version": "4.5", "variant": "air", "quant_method": "fp8", "bits": 8.0}),
    ("gemma-4-26B-A4B-it",
     {"series": "gemma", "version": "4", "params": 26 * B, "active_params": 4 * B, "size_label": "26B-A4B",
      "training_type": "instruct"}),
    ("gemma-3n-E4B-it",
     {"series": "gemma", "version": "3n", "size_label": "E4B", "training_type": "instruct"}),
    ("NVIDIA-Nemotron-3-Nano-30B-A3B-BF16",
     {"series": "nemotron", "version": "3", "variant": "nano", "params": 30 * B, "active_params": 3 * B,
      "size_label": "30B-A3B", "dtype": "bf16", "bits": 16.0}),
    ("granite-4.0-h-small", {"series": "granite", "version": "4.0", "variant": "h", "size_label": "small"}),
    ("Devstral-Small-2-24B-Instruct-2512",
     {"series": "devstral", "version": "2", "variant": "small", "params": 24 * B, "size_label": "24B",
      "training_type": "instruct", "date": "2512"}),
    # Ollama tags of the current libraries
    ("qwen3.6:35b", {"series": "qwen", "version": "3.6", "params": 35 * B, "size_label": "35B",
                     "ollama_tag": "35b"}),
    ("gemma4:26b", {"series": "gemma", "version": "4", "params": 26 * B, "size_label": "26B",
                    "ollama_tag": "26b"}),
    ("gemma4:e2b", {"series": "gemma", "version": "4", "size_label": "E2B", "ollama_tag": "e2b"}),
    ("qwen3:30b-a3b-q4_K_M",
     {"series": "qwen", "version": "3", "params": 30 * B, "active_params": 3 * B, "size_label": "30B-A3B",
      "quant_method": "gguf", "gguf_type": "Q4_K_M", "bits": 4.0, "ollama_tag": "30b-a3b-q4_K_M"}),
]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse_name_table(name: str, expected: dict[str, Any]) -> None:
    parsed = parse_name(name)
    assert parsed.raw == name
    assert stated(parsed) == expected


@pytest.mark.parametrize("name", ["QWEN2.5-7B-INSTRUCT-GPTQ-INT4", "qwen2.5-7b-instruct-gptq-int4"])
def test_case_does_not_matter(name: str) -> None:
    reference = stated(parse_name("Qwen2.5-7B-Instruct-GPTQ-Int4"))
    assert stated(parse_name(name)) == reference


def test_unknown_parts_are_kept_as_written_in_order() -> None:
    parsed = parse_name("Qwen2.5-7B-Instruct-Abliterated-ZZtop_v9x")
    assert parsed.params == 7 * B
    assert parsed.training_type == "instruct"
    assert parsed.extra == ("Abliterated", "ZZtop", "v9x")


def test_a_second_precision_is_kept_not_overwritten() -> None:
    parsed = parse_name("Qwen2.5-7B-GPTQ-Int4-Int8")
    assert (parsed.quant_method, parsed.bits) == ("gptq", 4.0)
    assert parsed.extra == ("Int8",)


def test_extra_path_segments_before_the_org_are_kept() -> None:
    parsed = parse_name("models/TheBloke/Llama-2-7B-Chat-GGUF")
    assert parsed.org == "TheBloke"
    assert parsed.extra == ("models",)
    assert parsed.quant_method == "gguf"
    assert parsed.gguf_type is None


@pytest.mark.parametrize("blank", ["", " ", "\t\n", "\u3000"])
def test_blank_name_is_bad_input(blank: str) -> None:
    with pytest.raises(BadInputError, match="empty model name"):
        parse_name(blank)


@pytest.mark.parametrize(
    "text", ["///", ":", "@", "-", "....gguf", "??", "7b:7b:7b", "x" * 5000, "9" * 5000 + "B"]
)
def test_odd_text_parses_without_error(text: str) -> None:
    parsed = parse_name(text)
    assert parsed.raw == text


def test_huge_number_is_not_a_size() -> None:
    parsed = parse_name("Foo-" + "9" * 40 + "B")
    assert parsed.params is None
    assert parsed.extra == ("9" * 40 + "B",)


# Every llama.cpp file type whose name is a quant type (gguf.LlamaFileType: MOSTLY_Q4_K_M, ...).
GGUF_FILE_TYPES = sorted(
    t.name.removeprefix("MOSTLY_")
    for t in gguf.LlamaFileType
    if t.name.startswith(("MOSTLY_Q", "MOSTLY_IQ", "MOSTLY_TQ"))
)


@pytest.mark.parametrize("gguf_type", GGUF_FILE_TYPES)
def test_every_llama_cpp_quant_type_is_recognised(gguf_type: str) -> None:
    for spelling in (gguf_type, gguf_type.lower()):
        parsed = parse_name(f"Llama-3.1-8B-Instruct-{spelling}.gguf")
        assert parsed.gguf_type == gguf_type
        assert parsed.quant_method == "gguf"
        assert parsed.bits == float(next(c for c in gguf_type if c.isdigit()))
        assert parsed.extra == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Qwen2.5-7B-Instruct", "qwen2.5-7b-instruct"),
        ("Qwen2.5-7B-Instruct", "qwen2_5_7b_instruct"),
        ("Qwen2.5-7B-Instruct", "Qwen 2.5 7B Instruct"),
        ("Llama-3.1-8B", "llama3.1-8b"),
        ("Qwen2.5-7B", "  qwen2.5--7b  "),
    ],
)
def test_canonical_key_equates_spellings(a: str, b: str) -> None:
    assert canonical_key(a) == canonical_key(b)


def test_canonical_key_values_and_distinctions() -> None:
    assert canonical_key("Qwen2.5-7B-Instruct") == "qwen-2-5-7b-instruct"
    assert canonical_key("Qwen/Qwen2.5-7B") == "qwen/qwen-2-5-7b"
    # Same characters, different models: the separator between "2" and "5" must survive.
    assert canonical_key("Qwen2.5-7B") != canonical_key("Qwen2-57B")


def test_contract_keys_are_present() -> None:
    # DESIGN.md: `llmsize parse NAME --format json` keys.
    keys = parse_name("Qwen2.5-7B").contract_dict().keys()
    for key in ("org", "series", "version", "params", "active_params", "experts", "training_type",
                "quant_method", "bits", "gguf_type", "context", "extra"):
        assert key in keys


@pytest.mark.parametrize(
    ("name", "series", "params", "date"),
    [
        # Cohere's repo names: https://huggingface.co/CohereLabs/c4ai-command-r7b-12-2024 (Command R7B,
        # 7B class, released December 2024) and c4ai-command-a-03-2025 (Command A, March 2025).
        ("c4ai-command-r7b-12-2024", "command-r", 7_000_000_000, "2412"),
        ("CohereLabs/c4ai-command-a-03-2025", "command-a", None, "2503"),
        ("c4ai-command-r-plus-08-2024", "command-r", None, "2408"),
    ],
)
def test_cohere_names_read_family_size_and_month_year_tag(name: str, series: str, params: int | None,
                                                         date: str) -> None:
    parsed = parse_name(name)
    assert (parsed.series, parsed.params, parsed.date) == (series, params, date)
    assert parsed.version is None  # the month is not a version
    assert "command" not in [e.lower() for e in parsed.extra]
