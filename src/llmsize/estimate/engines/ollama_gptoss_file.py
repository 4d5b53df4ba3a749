"""The GGUF Ollama's own converter writes for an MXFP4 checkpoint (gpt-oss, gpt-oss-safeguard).

Ollama converted gpt-oss itself (ollama/ollama convert/convert_gptoss.go `gptossModel.Tensors`, from
fa7776fd2 "gpt-oss (#11672)"): each `.blocks`/`.scales` pair becomes one MXFP4 tensor (the experts, as
released); every other tensor takes the type `Kind()` gives it (convert/reader.go `tensorBase.Kind` and
convert/reader_safetensors.go `safetensor.Kind`): F32 for 1-D tensors (norms, attention sinks), for
`.ffn_gate_inp.weight` (the router) and, from 1a19df1f3 (first tagged v0.11.5), for every `.bias`
(the experts' 2-D biases too); BF16 for the other matrices (attention, token embeddings, output).
That is llama.cpp's BF16 file type with the experts pinned to MXFP4, the layout llmsize sizes for a
GGUF (weights.py `_gguf_shard_bytes`: 1-D tensors, biases and routers F32).

The library's current files were converted that way (ollama.com re-published gpt-oss on 2025-10-09,
ollama/ollama#12554; the new gpt-oss:20b model layer e7b273f96360 is 13,793,422,144 bytes). The
safetensors layout (router, norms and biases in BF16) is 18 MB short of that for 20b and 107 MB (on
the GPU) for 120b, whose file loads in Ollama 0.30's llama-server as "ROCm0 ... model 61223" MiB
(ollama/ollama#16416). The first 20b file (b112e727, August 2025, before v0.11.5's rule) kept the
expert biases BF16: 13,780,154,624 bytes, 13 MB less than the current one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.specs.models import WeightFormat

# llama.cpp's file type that types the non-expert tensors as Ollama's converter does; --dtype names the
# 16- or 32-bit type of that rest (int8/fp8 dtypes are no file Ollama's converter writes: None)
OLLAMA_CONVERTED_FILE_TYPE = "BF16"
_REST_FILE_TYPES = {"bf16": "BF16", "fp16": "F16", "fp32": "F32"}

NOTE = ("Ollama's converter writes the MXFP4 experts as released, the other matrices BF16 and the norms, "
        "biases and router F32 (convert/convert_gptoss.go, convert/reader.go tensorBase.Kind)")


def converted_mxfp4_format(base: WeightFormat, dtype: object = None) -> WeightFormat | None:
    """The GGUF `ollama pull` gives for an MXFP4 checkpoint: its MXFP4 experts, the rest as Kind() types
    (or the float type --dtype names); None for a dtype no such file has."""
    from llmsize.estimate.quant_formats import parse_quant

    file_type = OLLAMA_CONVERTED_FILE_TYPE if dtype is None else _REST_FILE_TYPES.get(str(dtype))
    if file_type is None:
        return None
    fmt = parse_quant(file_type, base)
    assert fmt is not None  # a GGUF file type always parses
    return fmt
