"""Whether llama-server / llama-cli run flash attention when `--flash-attn` is not given, by build.

Before ggml-org/llama.cpp PR #15434 ("llama: use FA + max. GPU layers by default", merged 2025-08-30)
`-fa, --flash-attn` was a switch that only ever set `common_params::flash_attn = true` (common/arg.cpp;
common/common.h `bool flash_attn = false`), and `llama_context_default_params()` carried
`flash_attn = false`: without the switch the context ran attention from separate ops (KQ written to
memory, soft-max, KQV) and padded the cache to 32 cells (llama_cpp_cell_pad.py). The PR replaced the
switch with `--flash-attn on|off|auto` (`common_params::flash_attn_type = LLAMA_FLASH_ATTN_TYPE_AUTO`)
and made auto the library default too; src/llama-context.cpp then resolves auto in the llama_context
constructor: it reserves a graph and keeps flash attention unless a layer's FLASH_ATTN_EXT node lands
on another device than its KV (no kernel for the shape), printing "Flash Attention was auto, set to
enabled". Read in Ollama's vendored copies: llama.cpp e54d41bef (ollama 1a19df1f3, Aug 2025: the bool,
false) and 364a7a6d (b6646, ollama c68f367ef: flash_attn_type, AUTO in common.h and the library).

A quantized V cache needs flash attention in both eras (llama_init_from_model: "V cache quantization
requires flash_attn"), so on an older build `--cache-type-v q8_0` without `-fa` does not start.

The PR's first build is placed by its merge date as llama_cpp_fusion.py places its PRs (b6341 on
2025-09-01, about ten builds a day: bench/speed_validation.py row_build("2025-08-30") gives 6321).
Bounds from published logs: b6202 still printed `flash_attn = 0` (intel/AI-Playground#325) and
b6327 already had flash_attn_type (mybigday/llama.node#102, "sync llama.cpp to b6327": "Deprecate
flash_attn and introduce flash_attn_type"). llama-bench kept its own `-fa 0` default until PR #23714
(b9437); llmsize sizes llama-server, and the speed tables record llama-bench's fa per row.
"""

from __future__ import annotations

# REFERENCE: ggml-org/llama.cpp PR #15434 (merged 2025-08-30), first build placed by date (docstring).
AUTO_DEFAULT_BUILD = 6321


def default_flash_attention(build: int | None) -> bool:
    """Flash attention of llama-server `build` (None: the build modelled) when --flash-attn is not given:
    auto (on wherever the backend has the kernel, as llama_cpp.py assumes) from PR #15434, off before."""
    return build is None or build >= AUTO_DEFAULT_BUILD


def predates_auto(build: int | None) -> bool:
    """Whether `build` predates `--flash-attn auto` (its -fa was an off-by-default switch)."""
    return not default_flash_attention(build)
