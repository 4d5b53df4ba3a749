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


# ggml-org/Llama-macOS PR 63 lists the unsloth/Qwen3.5-*-GGUF files: UD-Q4_K_XL 17.6 GB (27B), 22.2 GB
# (35B-A3B), 68.4 GB (122B-A10B), 219.2 GB (397B-A17B); Q8_0 28.6 / 36.9 / 129.9 / 421.5 GB. The Q8_0
# column checks the sizing itself; the XL column, the note's claim that the Q4_K_M stand-in errs both ways.
PUBLISHED_QWEN35_GB = {
    "27B": (17.6, 28.6),
    "35B-A3B": (22.2, 36.9),
    "122B-A10B": (68.4, 129.9),
    "397B-A17B": (219.2, 421.5),
}


@pytest.mark.parametrize("size", sorted(PUBLISHED_QWEN35_GB))
def test_ud_q4_k_xl_stand_in_is_within_the_noted_band(size: str) -> None:
    import llmsize

    def gigabytes(name: str) -> float:
        spec = llmsize.resolve(name)
        return llmsize.estimate(spec, llmsize.Workload(engine="llama.cpp")).all_weights_bytes / 1e9  # type: ignore[arg-type]

    xl_published, q8_published = PUBLISHED_QWEN35_GB[size]
    assert gigabytes(f"Qwen3.5-{size}-Q8_0") == pytest.approx(q8_published, rel=0.005)
    stand_in = gigabytes(f"Qwen3.5-{size}-UD-Q4_K_XL")
    # The note: the file is "a few % larger" than the stand-in (dense), "~10% smaller" (large MoE), so the
    # file is compared with the stand-in, one band for every size. The large MoE files' routed experts sit
    # below Q4_K_M's types (not modelled): 68.4 GB against 76.3 (122B-A10B), 219.2 against 244.1 (397B-A17B).
    assert xl_published == pytest.approx(stand_in, rel=0.11)
    note = next(w for w in llmsize.resolve(f"Qwen3.5-{size}-UD-Q4_K_XL").warnings if "Unsloth Dynamic" in w)
    assert "larger" in note and "smaller" in note
