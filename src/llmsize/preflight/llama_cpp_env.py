"""llama.cpp's LLAMA_ARG_* variables: each option's environment spelling (common/arg.cpp `set_env`).

`common_params_parse_ex` reads every option's variable first and then the command line, so a flag given
on the command line wins. The server images (ghcr.io/ggml-org/llama.cpp:server, its docs/docker.md) are
often configured this way: `docker run -e LLAMA_ARG_CTX_SIZE=32768 ...`, which `check` sized at the model's
trained context (issue 15, check audit). Only the variables of options this check models are read; the
others are named as read but not modelled (launch.py).
"""

from __future__ import annotations

# variable -> the flag it stands for (common/arg.cpp: `.set_env("LLAMA_ARG_...")` on that option)
VALUE_FLAGS = {
    "LLAMA_ARG_MODEL": "-m",
    "LLAMA_ARG_HF_REPO": "-hf",
    "LLAMA_ARG_CTX_SIZE": "-c",
    "LLAMA_ARG_N_GPU_LAYERS": "-ngl",
    "LLAMA_ARG_N_PARALLEL": "-np",
    "LLAMA_ARG_FLASH_ATTN": "-fa",
    "LLAMA_ARG_CACHE_TYPE_K": "-ctk",
    "LLAMA_ARG_CACHE_TYPE_V": "-ctv",
    "LLAMA_ARG_BATCH": "-b",
    "LLAMA_ARG_UBATCH": "-ub",
    "LLAMA_ARG_N_CPU_MOE": "-ncmoe",
}

