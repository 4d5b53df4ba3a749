"""DeepSeek V4 as SGLang 0.5.23 sizes its pools: request-sized pools first, then one token count for the rest.

`srt/model_executor/pool_configurator.py` `DSV4PoolConfigurator` (the CUDA path: the V4 KV layout,
not the unified-KV ROCm pool, no speculative decoding, no HiSparse) with the model's defaults
(`arg_groups/model_overrides/deepseek_v4.py`: page_size 256; `arg_groups/deepseek_v4_hook.py`:
max_running_requests 256, an fp8_e4m3 cache):
- every row is the V4 layout (`kernels/ops/attention/dsv4/kv_layout.py` KVLayout.V4: 576 data + 8
  scale bytes per token, pages padded to 576 bytes), so a token costs page_bytes / page tokens: the
  sliding-window pool pages hold 256 tokens, a CSA page 64 compressed rows, an HCA page 2;
- the sliding-window pool is sized from the request cap ("cap mode", `_resolve_swa_cap_tokens`, the
  default when --swa-full-tokens-ratio is left unset): per request window + eviction interval (128)
  + a page + a decode page, times max_running_requests, plus two prefill chunks and a page
  (`compute_swa_request_cap`), plus 4 x max_running_requests prefix tails of window + page (radix
  cache on); each SWA token carries the rows of every layer and the CSA compressor states (fp32 kv +
  score of 2 x head_dim and 2 x index_head_dim, a ring of 8 rows per page);
- the HCA compressor state is request-scoped: (requests + 1) x a 128-row ring, rounded to 128 rows,
  of 2 x head_dim fp32 values per layer (`_get_c128_state_fixed_bytes`);
- what is left buys full tokens at bytes_per_full_token = CSA layers x (row / 4 + indexer key / 4)
  + HCA layers x row / 128 (`_compressed_bytes_per_full_token`; the indexer key is 128 fp8 values
  + one fp32 scale), rounded down to the page: max_total_num_tokens.
Not modelled: an explicit --swa-full-tokens-ratio (ratio mode), speculative decoding (wider rings,
the draft layer's share), the online C128 compressor, HiSparse, DP attention, the unified-KV pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from llmsize.specs.models import ModelSpec

RELEASE = "SGLang 0.5.23 DSV4PoolConfigurator"
PAGE_TOKENS = 256  # REFERENCE: model_overrides/deepseek_v4.py: page_size = 256 (CUDA)
MAX_RUNNING_REQUESTS = 256  # REFERENCE: deepseek_v4_hook.py: max_running_requests=256 when unset
EVICTION_INTERVAL = 128  # REFERENCE: environ.py SGLANG_SWA_EVICTION_INTERVAL = EnvInt(128)
RING_ROWS = {4: 8, 128: 128}  # REFERENCE: deepseek_v4_memory_pool.py get_compress_state_ring_size
ROW_BYTES, ROW_ALIGN = 584, 576  # REFERENCE: kv_layout.py KVLayout.V4 data 576 + scale 8, page_align 576
STATE_BYTES = 4  # REFERENCE: environ.py SGLANG_DSV4_COMPRESS_STATE_DTYPE = "float32"
PREFIX_TAILS_PER_REQUEST = 4  # REFERENCE: pool_configurator.py _resolve_swa_prefix_tails: 4 x requests
CHUNKS_IN_FLIGHT = 2  # REFERENCE: compute_swa_request_cap: 2 unless the overlap schedule is disabled
_KIND_RATIO = {"compressed_sparse_attention": 4, "heavily_compressed_attention": 128}


def _ceil_align(x: int, unit: int) -> int:
    return -(-x // unit) * unit


def paged_token_bytes(ratio: int = 0) -> Fraction:
    """`_get_paged_kv_bytes_per_token`: a page of PAGE_TOKENS // ratio rows padded to 576 bytes, per row."""
    rows = PAGE_TOKENS // ratio if ratio else PAGE_TOKENS
    return Fraction(_ceil_align(rows * ROW_BYTES, ROW_ALIGN), rows)


@dataclass(frozen=True)
class Dsv4Pools:
    """The pool plan on one GPU for a given memory budget."""

    per_full_token: Fraction  # bytes_per_full_token
    per_swa_token: Fraction  # bytes one SWA slot costs over the stage's layers
    swa_tokens: int  # the request cap + headroom (cap mode)
    c128_state_bytes: int  # request-scoped HCA compressor state
    prefix_tails: int

    @property
    def fixed_bytes(self) -> int:
        return self.c128_state_bytes + int(self.swa_tokens * self.per_swa_token)

    def full_tokens(self, available: int) -> int:
        """`calculate_pool_sizes`: (available - fixed) / bytes_per_full_token, down to the page."""
        rest = max(available - self.fixed_bytes, 0)
        return int(rest / self.per_full_token) // PAGE_TOKENS * PAGE_TOKENS


def plan(
    spec: ModelSpec,
    layers: tuple[int, ...] | range,
    chunked_prefill: int,
    max_running_requests: int,
    radix_cache: bool = True,
) -> Dsv4Pools:
    """The DSV4PoolConfigurator figures for the layers of one GPU's stage."""
    ratios = [_KIND_RATIO.get(spec.layer_type(i), 0) for i in layers]
    n, n4, n128 = len(ratios), ratios.count(4), ratios.count(128)
    hd = spec.head_dim
    ihd = spec.indexer.head_dim if spec.indexer is not None else 0
    indexer_key = ihd + ihd // 128 * 4
    c4_states = 2 * 2 * hd * STATE_BYTES + 2 * 2 * ihd * STATE_BYTES
    per_swa = paged_token_bytes() * n + Fraction(RING_ROWS[4], PAGE_TOKENS) * c4_states * n4
    per_full = (paged_token_bytes(4) + indexer_key) / 4 * n4 + paged_token_bytes(128) / 128 * n128
    window = spec.sliding_window or 0
    per_request = window + EVICTION_INTERVAL + PAGE_TOKENS + PAGE_TOKENS
    cap = per_request * max(1, max_running_requests) + CHUNKS_IN_FLIGHT * chunked_prefill + PAGE_TOKENS
    tails = PREFIX_TAILS_PER_REQUEST * max_running_requests if radix_cache else 0
    swa_tokens = _ceil_align(cap + tails * (window + PAGE_TOKENS), PAGE_TOKENS)
    ring = RING_ROWS[128]
    rows = _ceil_align((max_running_requests + 1) * ring + ring + 1, 128)
    c128 = rows * 2 * hd * STATE_BYTES * n128
    return Dsv4Pools(per_full, per_swa, swa_tokens, c128, tails)


def lines(p: Dsv4Pools, available: int, full: int) -> tuple[str, ...]:
    """The pool configurator's log lines (`_compute_dsv4_sizes`, `calculate_pool_sizes`, `_to_config`)."""
    gb = 1 << 30
    return (
        f"DSV4 SWA sizing: mode=cap, swa_tokens={p.swa_tokens}, request_cap+headroom={p.swa_tokens}, "
        f"prefix_tails={p.prefix_tails}",
        f"DSV4 memory calculation: unified=False, unified_fp8=False, dspark_draft_bf16=False, "
        f"bytes_per_full_token={float(p.per_full_token):.2f}, available_bytes={available / gb:.2f} GB, "
        f"c128_state_fixed={p.c128_state_bytes / gb:.2f} GB, c2_state_fixed=0.00 GB, "
        f"swa_fixed={int(p.swa_tokens * p.per_swa_token) / gb:.2f} GB, swa_ring_fixed=0.00 GB, "
        f"c4_state_fixed=0.00 GB, full_token={full}",
        f"DSV4 pool sizes: full={full}, swa={p.swa_tokens}, c4={full // 4}, c128={full // 128}, "
        f"c4_state={p.swa_tokens // PAGE_TOKENS * RING_ROWS[4]}, c128_state=0",
    )
