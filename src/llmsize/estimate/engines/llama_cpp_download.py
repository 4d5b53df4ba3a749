"""The file llama.cpp runs for a model named by its Hugging Face checkpoint: the GGUF `-hf` downloads.

llama.cpp cannot load safetensors; a checkpoint name reaches it as `llama-server -hf <repo>-GGUF`, whose
quant "is optional, case-insensitive, default to Q4_K_M, or falls back to the first file in the repo if
Q4_K_M doesn't exist" (common/arg.cpp, `-hf, -hfr, --hf-repo` help; the command `llmsize plan` prints).
`estimate Qwen3.5-27B --engine llama.cpp --gpu RTX-4090` sized the bf16 safetensors (48.6 GiB, "lower
--gpu-layers") while `plan` with the same arguments printed `llama-server -hf Qwen/Qwen3.5-27B-GGUF:Q4_K_M`
for a file that fits whole (issue 15, round 3). --dtype bf16/f16 or --quant sizes another file.

A checkpoint that ships quantized is no different: DeepSeek-V3.1, Kimi-K2-Thinking and MiniMax-M2 are
published in FP8 or INT4 safetensors, which llama.cpp cannot load either, and `plan` prints
`-hf unsloth/DeepSeek-V3.1-GGUF:Q4_K_M` for them; `estimate deepseek-ai/DeepSeek-V3.1 --engine llama.cpp`
refused "llama.cpp cannot run fp8 8-bit weights" (issue 15, round 4). gpt-oss's MXFP4 checkpoint runs as
ggml-org's MXFP4_MOE file, the one llama.cpp's gpt-oss guide pulls (`llama-server -hf
ggml-org/gpt-oss-20b-GGUF`, ggml-org/llama.cpp discussion #15396; preflight/gguf_source.py): its non-expert
matrices are Q8_0, not the checkpoint's BF16 (12.1 GB, not 13.8: tests/golden/test_checkpoint_sizes.py).
A name that states its quantization ("Qwen3-30B-A3B-FP8", "Qwen3-32B-AWQ") asks for that file, which
llama.cpp refuses as before, except "gpt-oss-20b-MXFP4": the MXFP4 GGUF is that quantization's file
(bartowski/openai_gpt-oss-20b-GGUF lists "gpt-oss-20b-MXFP4.gguf | MXFP4 | 12.1GB"), where the
checkpoint's BF16 attention was sized (13.8 GB; issue 15, round 5).

A GGUF repo named without a type is sized as its Q4_K_M file, except a repo known to hold one file
type (`ONE_TYPE_REPOS`): ggml-org's gpt-oss repos ship only MXFP4 (issue 15, round 5: `estimate
ggml-org/gpt-oss-20b-GGUF` sized a Q4_K_M file that repo does not have).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat

HF_DEFAULT_GGUF = "Q4_K_M"  # REFERENCE: llama.cpp common/arg.cpp `--hf-repo` help (see the module docstring)
MXFP4_GGUF = "MXFP4_MOE"  # REFERENCE: ggml-org/gpt-oss-{20b,120b}-GGUF hold this file type only

# GGUF repos (lower case) that hold files of one type only: `-hf REPO` without a tag pulls that file.
# REFERENCE: huggingface.co/ggml-org/gpt-oss-20b-GGUF holds gpt-oss-20b-mxfp4.gguf alone, and
# ggml-org/gpt-oss-120b-GGUF gpt-oss-120b-mxfp4-0000{1..3}-of-00003.gguf (the files llama.cpp's gpt-oss
# guide pulls, ggml-org/llama.cpp discussion #15396; ggerganov's PR #15091 "llama-server -hf
# ggml-org/gpt-oss-120b-GGUF"); the 20b file loads as "type q8_0: 98 tensors, type mxfp4: 72 tensors"
# (ikawrakow/ik_llama.cpp#822). preflight/gguf_source.py names the same repos for `plan`.
ONE_TYPE_REPOS: dict[str, str] = {
    "ggml-org/gpt-oss-20b-gguf": MXFP4_GGUF,
    "ggml-org/gpt-oss-120b-gguf": MXFP4_GGUF,
}


# A GGUF repo named without its org ("gpt-oss-20b-GGUF") is the one llama.cpp's own guide pulls, the repo
# `llmsize plan gpt-oss-20b` prints (preflight/gguf_source.py): ggml-org's, which holds MXFP4 only. It was
# sized as a Q4_K_M file (issue 15, round 19) while `estimate gpt-oss-20b --engine llama.cpp` sized the
# MXFP4_MOE file of the same repo.
_BARE_ONE_TYPE_REPOS = {repo.partition("/")[2]: file_type for repo, file_type in ONE_TYPE_REPOS.items()}


def repo_gguf_type(name: str) -> str:
    """The GGUF type a repo named without one is sized as: its only type, else `-hf`'s Q4_K_M."""
    repo = name.strip().lower().removeprefix("hf.co/").removeprefix("huggingface.co/")
    if "/" not in repo:
        return _BARE_ONE_TYPE_REPOS.get(repo, HF_DEFAULT_GGUF)
    return ONE_TYPE_REPOS.get(repo, HF_DEFAULT_GGUF)


def hf_download_format(spec: ModelSpec, wl: Workload, rest: str) -> tuple[WeightFormat, str] | None:
    """The GGUF `-hf` downloads for a checkpoint named without --dtype or a quant word, or None."""
    from llmsize.estimate import quant_formats as qf
    from llmsize.specs.models import QuantMethod

    base = spec.weight_format
    if wl.dtype is not None or wl.mode.trains or base.quant == QuantMethod.GGUF:
        return None
    if base.quant is not None and name_states_quant(spec.name) and not _names_mxfp4_gguf(spec, base):
        return None
    file_type = MXFP4_GGUF if base.quant == QuantMethod.MXFP4 else HF_DEFAULT_GGUF
    fmt = qf.parse_quant(file_type, base.model_copy(update={"dtype": rest}))
    if fmt is None:  # unreachable: both are GGUF file types
        return None
    stored = f" of the {base.label()} checkpoint" if base.quant is not None else ""
    note = (f"llama.cpp runs a GGUF{stored}: `-hf` downloads the repo's {file_type} file by default "
            "(common/arg.cpp); --quant Q8_0 or --dtype bf16 for another file")
    return fmt, note


def _names_mxfp4_gguf(spec: ModelSpec, base: WeightFormat) -> bool:
    """ "gpt-oss-20b-MXFP4": an MXFP4 checkpoint named by its own format, which llama.cpp runs as the MXFP4
    GGUF (the MXFP4_MOE file type), so the name asks for that file, not for the safetensors."""
    from llmsize.names import parse_name  # here, not at import: `fit --all` parses no name (issue 15)
    from llmsize.specs.models import QuantMethod

    return base.quant == QuantMethod.MXFP4 and parse_name(spec.name).quant_method == "mxfp4"


def name_states_quant(name: str) -> bool:
    """Whether the model was named with its quantization ("-FP8", "-AWQ", "-NVFP4", "-MXFP4")."""
    from llmsize.names import parse_name

    parsed = parse_name(name)
    return parsed.quant_method is not None or parsed.gguf_type is not None
