"""The attention mask Ollama's Go engine builds on the host every decode step under flash attention.

Ollama's own engine (runner/ollamarunner, v0.6.0 to v0.29 for the architectures ollama_sampling.py lists)
builds each step's KQ mask in Go before the GPU can run the step: model/model.go Forward calls the cache's
StartForward, and kvcache/causal.go `Causal.buildMask` (read at v0.11.8)
- pads the step's rows to MaskBatchPadding and its cells to CachePadding, which ml/backend/ggml/ggml.go
  `Backend.CacheConfig` sets under flash attention to GGML_KQ_MASK_PAD (64) rows and 256 cells (without
  flash attention: no row padding, 32 cells);
- allocates the whole [rows x cells] F32 mask (`make([]float32, batchSize*length)`), walks the real rows
  cell by cell, then writes -Inf into every element of the padding rows, one at a time: at decode one real
  row and 63 padding rows, so 64 elements a cached cell;
- hands it to ggml as a host input (`ctx.Input().FromFloatSlice`), which the scheduler copies to the GPU
  (4 bytes an element) before casting it to F16 there.
One mask per cache the model keeps: a model with sliding and full layers wraps two (kvcache.WrapperCache:
gpt-oss's SWA memory cache and causal cache, gemma3's SWA and causal), each over its own cell range (the
sliding one at most the positions it keeps, specs/ollama.py own_engine_window). The padding went in
v0.13.5: ollama/ollama 49a9c9ba6 ("Remove MaskBatchPadding as GGML_KQ_MASK_PAD is no longer present (no
padding required)"); v0.13.4's CacheConfig still sets it, v0.6.0's already did.

Priced, as a lower bound, with rates the speed model already holds: each element at the published host
pass of one element (ollama_sampling.TOP_K_PASS_S, 0.49 ns: llama-cli's top-k walk on an i5-13400F,
ggml-org/llama.cpp#34; the Go zeroing, the copy into the ggml tensor and the real row's per-cell checks are
not counted) and its 4 bytes at one direction of the card's PCIe (hardware/host_split.py's link rate;
nothing crosses a unified memory). Serial with the GPU: the step's graph needs the mask as an input.
Nothing fitted. The check: Ollama 0.11.8's gpt-oss:120b decode on one A100 slows from 53.72 t/s (525-token
prompt, 1,594 generated) to 51.50 t/s (4,705 + 2,000), 0.18 us a cached token, where the KV reads the
speed model counts give ~0.05 us (gparemsky/48gb4090 at f42049f, ML_WORKLOADS/a100_tests/
benchmark_comparison_20250904_105257.md); the two masks' 128 elements a cell priced here add ~0.07 us.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines.base import pad
from llmsize.estimate.engines.ollama_sampling import TOP_K_PASS_S, runs_go_engine

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: ollama/ollama ml/backend/ggml/ggml.go Backend.CacheConfig (v0.6.0-v0.13.4), flash attention
# on: MaskBatchPadding = GGML_KQ_MASK_PAD (64), CachePadding = 256.
MASK_ROWS = 64
CELL_PAD = 256
# REFERENCE: kvcache/causal.go Causal.buildMask: the mask is built as F32 on the host.
ELEMENT_BYTES = 4
# REFERENCE: the Go engine's first release (v0.6.0, ollama_sampling.GO_ENGINE_RELEASES) already pads;
# 49a9c9ba6 (first tagged v0.13.5) removed MaskBatchPadding.
PADDED_RELEASES = ((0, 6, 0), (0, 13, 5))
# REFERENCE: ggml-org/llama.cpp#34 (ollama_sampling.TOP_K_PASS_S): one element of a scalar host pass.
HOST_S_PER_ELEMENT = TOP_K_PASS_S


def builds_padded_mask(release: tuple[int, int, int] | None, model_type: str, flash: bool) -> bool:
    """Whether this release's Go engine runs the model and pads its host-built mask to 64 rows each step."""
    if release is None or not flash or not runs_go_engine(release, model_type):
        return False
    return PADDED_RELEASES[0] <= release < PADDED_RELEASES[1]


def mask_caches(spec: ModelSpec, window_cells: int) -> tuple[int, ...]:
    """The cell cap of each cache the Go model builds a mask for (0: the whole context): one for the full
    layers, one for the sliding ones (at most `window_cells`, the positions that cache keeps)."""
    kinds = set(spec.layer_types or ())
    sliding = "sliding_attention" in kinds and spec.sliding_window is not None
    full = not kinds or bool(kinds - {"sliding_attention"})
    return ((0,) if full else ()) + ((max(1, window_cells),) if sliding else ())


def elements(context: int, caches: tuple[int, ...]) -> int:
    """Mask elements the host writes in one decode step at `context` cached tokens."""
    cells = max(1, context)
    return sum(MASK_ROWS * pad(min(cells, cap) if cap else cells, CELL_PAD) for cap in caches)


def step_seconds(context: int, caches: tuple[int, ...], link_bytes_per_s: float) -> float:
    """Seconds one decode step spends building the masks on the host and sending them to the GPU;
    `link_bytes_per_s`: the host link's one-way rate (0: unified memory, nothing crosses it)."""
    if not caches:
        return 0.0
    n = elements(context, caches)
    link_s = n * ELEMENT_BYTES / link_bytes_per_s if link_bytes_per_s else 0.0
    return n * HOST_S_PER_ELEMENT + link_s
