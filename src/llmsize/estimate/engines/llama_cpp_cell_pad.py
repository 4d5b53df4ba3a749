"""How many cells a llama.cpp build rounds its KV cache up to, by era and flash attention.

The KV cache holds n_ctx cells rounded up to a padding that changed three times (ggml-org/llama.cpp):
1. PR #7257 ("llama : less KV padding when FA is off", merged 2024-05-13) to PR #16812: n_ctx was padded
   by `llama_kv_cache_unified::get_padding(cparams)`, 256 cells with flash attention and 32 without
   ("Reduce KV cache padding from 256 to 32 when FA is disabled"), and the sliding-window cache of
   llama-kv-cache-unified-iswa.cpp by the same n_pad: GGML_PAD(min(n_ctx, n_swa x n_seq + n_ubatch),
   n_pad). `--flash-attn auto` (the default from b6700's era) counts as on there: the context sets
   cparams.flash_attn = (type != DISABLED) before it builds the memory and resolves auto afterwards.
2. PR #16812 ("memory : remove KV cache size padding", merged 2025-10-28): no padding of the buffer.
3. PR #17046 ("kv-cache : pad the cache size to 256 for performance", merged 2025-11-07): 256 cells in
   the llama_kv_cache constructor, whatever the attention path (llama_cpp.CELL_PAD, today's rule).

Check: llama-server b6202 (Vulkan, gpt-oss-120b Q4_0, -c 2000, flash_attn = 0) created a non-SWA cache
of 2016 cells (70.88 MiB) and a 640-cell SWA cache (22.50 MiB) (intel/AI-Playground#325): 2000 and
128 + 512 padded to 32; the 256-cell rule gives 2048 and 768.

The builds of the two 2025 PRs are placed by date as llama_cpp_fusion.py places its PRs (b6341 on
2025-09-01, b7340 on 2025-12-09: about ten builds a day), so a build within a few days of either
boundary may fall on the wrong side. Builds before PR #7257 (256 either way) are not told apart.
"""

from __future__ import annotations

FA_PAD = 256  # REFERENCE: get_padding with flash attention on or auto before #16812; every build from #17046
NO_FA_PAD = 32  # REFERENCE: get_padding: flash attention off, PR #7257 to PR #16812
# First builds of PR #16812 (2025-10-28) and PR #17046 (2025-11-07), placed by date (module docstring).
UNPADDED_BUILD = 6916
REPADDED_BUILD = 7017


def cell_pad(build: int | None, flash_attention: bool) -> int:
    """The cells llama.cpp `build` pads its KV cache to (None: the current build); 1 means unpadded."""
    if build is None or build >= REPADDED_BUILD:
        return FA_PAD
    if build >= UNPADDED_BUILD:
        return 1
    return FA_PAD if flash_attention else NO_FA_PAD
