"""Unsloth Dynamic GGUF names: sized as the nearest llama.cpp type, never silently, never a crash.

Sources: https://docs.unsloth.ai/basics/unsloth-dynamic-v2.0-ggufs (per-model, per-layer mixes);
llama.cpp gguf-py LlamaFileType (Q4_K_XL is not one of its file types).
"""

from __future__ import annotations

import pytest

from llmsize.estimate.quant_formats import GGUF_FILE_TYPES
from llmsize.specs import resolve
from llmsize.specs.unsloth import NEAREST_FTYPE, is_unsloth_dynamic


@pytest.mark.parametrize("xl", sorted(NEAREST_FTYPE))
def test_every_xl_name_maps_to_a_real_llama_cpp_file_type(xl: str) -> None:
    assert xl not in GGUF_FILE_TYPES
    assert NEAREST_FTYPE[xl] in GGUF_FILE_TYPES


def test_ud_q4_k_xl_is_sized_as_q4_k_m_and_says_so() -> None:
    xl = resolve.resolve("Qwen3-8B-UD-Q4_K_XL")
    km = resolve.resolve("Qwen3-8B-Q4_K_M")
    assert xl.weight_format.gguf_type == "Q4_K_M"
    assert any("Unsloth Dynamic" in w and "Q4_K_M" in w for w in xl.warnings)
    assert not any("Unsloth" in w for w in km.warnings)


def test_ud_iq_name_keeps_its_type_but_is_marked_approximate() -> None:
    spec = resolve.resolve("Qwen3-8B-UD-IQ2_XXS")
    assert spec.weight_format.gguf_type == "IQ2_XXS"
    assert any("UD-IQ2_XXS" in w for w in spec.warnings)


@pytest.mark.parametrize(
    ("name", "marked"),
    [
        ("Qwen3-8B-UD-Q4_K_XL", True),
        ("gemma-3-27b-it-UD-IQ1_S.gguf", True),
        ("Qwen3-8B-Q4_K_M", False),
        ("LUDWIG-7B-Q4_K_M", False),
    ],
)
def test_ud_marker(name: str, marked: bool) -> None:
    assert is_unsloth_dynamic(name) is marked


def test_cli_estimate_of_an_xl_name_exits_zero() -> None:
    from typer.testing import CliRunner

    from llmsize.cli import app

    args = ["estimate", "Qwen3-8B-UD-Q4_K_XL", "--context", "2048", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Unsloth Dynamic" in result.stdout


@pytest.mark.parametrize(
    ("quant", "sized_as"), [("Q4_K_XL", "Q4_K_M"), ("UD-Q2_K_XL", "Q2_K"), ("ud-iq2_xxs", "IQ2_XXS")]
)
def test_quant_option_with_an_unsloth_type_is_sized_as_the_nearest_and_says_so(
    quant: str, sized_as: str
) -> None:
    from llmsize.estimate.weights import effective_format
    from llmsize.estimate.workload import Workload

    spec = resolve.resolve("Qwen3-8B")
    fmt, notes = effective_format(spec, Workload(quant=quant, engine="llama.cpp"))
    assert fmt.gguf_type == sized_as
    assert any("Unsloth Dynamic" in n for n in notes)


def test_quant_option_with_a_real_type_has_no_unsloth_note() -> None:
    from llmsize.estimate.weights import effective_format
    from llmsize.estimate.workload import Workload

    _, notes = effective_format(resolve.resolve("Qwen3-8B"), Workload(quant="Q4_K_M", engine="llama.cpp"))
    assert not any("Unsloth" in n for n in notes)
