"""Quantization-aware-trained (QAT) checkpoints: the GGUF file a "-qat" name downloads.

A QAT checkpoint is trained for one quantized format, and its publisher ships the file in that
format with its own choice of what stays unquantized; llama-quantize's per-tensor mix for the same
file type would size it wrong. Ollama's `-qat` tags (specs/ollama.py) and Hugging Face names such as
"google/gemma-3-27b-it-qat-q4_0-gguf" both mean the publisher's file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.names import ParsedName
    from llmsize.specs.models import WeightFormat


@dataclass(frozen=True)
class QatBuild:
    """The GGUF a QAT checkpoint ships as: one file type, some weight groups left in 16-bit."""

    gguf_type: str
    kept_16bit: tuple[str, ...]  # weight groups the file stores in F16 (not quantized)
    source: str


# REFERENCE: ollama.com/library/gemma3 tags: gemma3:27b-it-qat downloads 18 GB, 12b-it-qat 8.9 GB,
# 4b-it-qat 4.0 GB, 1b-it-qat 1.0 GB, against 17 / 8.1 / 3.3 / 0.8 GB for the Q4_K_M tags (gemma3:27b...).
# They are Google's quantization-aware-trained checkpoints, whose GGUF Google publishes as Q4_0
# (google/gemma-3-27b-it-qat-q4_0-gguf: every weight matrix Q4_0, no Q4_1/Q6_K mix as llama-quantize
# writes) with the token-embedding table left in F16: 17.2 GB for 27B and 8.07 GB for 12B where a
# Q6_K table gives 15.6 / 6.89 GB (https://huggingface.co/stduhpf/google-gemma-3-27b-it-qat-q4_0-gguf-small
# and ...-12b-it-qat-q4_0-gguf-small, which swap only that table). With the 0.8 GB F16 vision
# tower Ollama's gemma3 files carry, 17.2 + 0.8 = 18 GB and 8.07 + 0.8 = 8.9 GB: Ollama's tag sizes.
GEMMA3_QAT = QatBuild(
    "Q4_0",
    ("embed_tokens",),
    "Google's quantization-aware-trained GGUF (google/gemma-3-*-it-qat-q4_0-gguf): Q4_0 weights, token "
    "embeddings in F16 (ollama.com/library/gemma3: 27b/12b/4b/1b-it-qat download 18/8.9/4.0/1.0 GB)",
)
_BUILDS = {"gemma3": GEMMA3_QAT, "gemma3_text": GEMMA3_QAT}


def says_qat(parsed: ParsedName) -> bool:
    """Whether the name has a "qat" part (names.py records it in `qat`: it names no format itself)."""
    return parsed.qat


def with_qat_build(
    model_type: str, parsed: ParsedName, fmt: WeightFormat
) -> tuple[ParsedName, WeightFormat, str | None]:
    """(parse, format, note) of a "-qat" GGUF name of an architecture whose QAT file is known: the
    publisher's tensors kept in 16-bit. Anything else comes back unchanged."""
    from llmsize.specs.models import QuantMethod

    build = _BUILDS.get(model_type)
    if (
        build is None
        or not says_qat(parsed)
        or fmt.quant != QuantMethod.GGUF
        or fmt.gguf_type != build.gguf_type
        or set(build.kept_16bit) <= set(fmt.modules_not_converted)  # already applied (Ollama's -qat tag)
    ):
        return parsed, fmt, None
    kept = (*fmt.modules_not_converted, *build.kept_16bit)
    return parsed, fmt.model_copy(update={"modules_not_converted": kept}), build.source
