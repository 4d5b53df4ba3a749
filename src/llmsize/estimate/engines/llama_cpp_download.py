"""The file llama.cpp runs for a model named by its Hugging Face checkpoint: the repo's Q4_K_M GGUF.

llama.cpp cannot load safetensors; a checkpoint name reaches it as `llama-server -hf <repo>-GGUF`, whose
quant "is optional, case-insensitive, default to Q4_K_M, or falls back to the first file in the repo if
Q4_K_M doesn't exist" (common/arg.cpp, `-hf, -hfr, --hf-repo` help; the command `llmsize plan` prints).
`estimate Qwen3.5-27B --engine llama.cpp --gpu RTX-4090` sized the bf16 safetensors (48.6 GiB, "lower
--gpu-layers") while `plan` with the same arguments printed `llama-server -hf Qwen/Qwen3.5-27B-GGUF:Q4_K_M`
for a file that fits whole (issue 15, round 3). --dtype bf16/f16 or --quant sizes another file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat

HF_DEFAULT_GGUF = "Q4_K_M"  # REFERENCE: llama.cpp common/arg.cpp `--hf-repo` help (see the module docstring)


def hf_download_format(spec: ModelSpec, wl: Workload) -> tuple[WeightFormat, str] | None:
    """The Q4_K_M GGUF `-hf` downloads for an unquantized checkpoint named without --dtype, else None."""
    from llmsize.specs.models import QuantMethod, WeightFormat

    if wl.dtype is not None or spec.weight_format.quant is not None or wl.mode.trains:
        return None
    fmt = WeightFormat(
        dtype=spec.weight_format.dtype, quant=QuantMethod.GGUF, bits=4, gguf_type=HF_DEFAULT_GGUF
    )
    note = (f"llama.cpp runs a GGUF: `-hf` downloads the repo's {HF_DEFAULT_GGUF} file by default "
            "(common/arg.cpp); --quant Q8_0 or --dtype bf16 for another file")
    return fmt, note
