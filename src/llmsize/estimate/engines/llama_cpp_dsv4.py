"""DeepSeek V4 (arch deepseek4) as llama.cpp caches it: seven K-only caches and states per sequence.

ggml-org/llama.cpp `src/llama-kv-cache-dsv4.cpp` (`llama_kv_cache_dsv4::llama_kv_cache_dsv4`, PR #24162,
June 2026) builds, with one stream per sequence whatever --kv-unified says (`unified_raw` and
`unified_compressed` are false):
- the raw cache: a `llama_kv_cache_iswa` over every layer, keys only (`dsv4_make_k_only`, one
  head_dim key per token in --cache-type-k), every layer sliding, so each stream gets
  min(kv_size, GGML_PAD(n_swa + n_ubatch, 256)) cells (llama-kv-cache-iswa.cpp) and the non-SWA
  cache none ("0 layers");
- the CSA, HCA and lightning-indexer caches: `llama_kv_cache`s of GGML_PAD(cdiv(kv_size, ratio), 256)
  cells per stream (`dsv4_comp_size`), keys only: head_dim on the ratio-4 and ratio-128 layers,
  indexer_head_size on the ratio-4 layers;
- the compressor states (`llama_dsv4_comp_state`): per layer and stream an f32 kv and an f32 score
  tensor of state_size x n_embd_state: CSA 2 x 4 rows of 2 x head_dim, HCA 128 rows of head_dim, the
  indexer 2 x 4 rows of 2 x indexer_head_size (x (1 + n_rs_seq) planes; n_rs_seq 0 without
  speculative rollback).
kv_size is the context of one sequence (n_ctx_seq); the raw cache follows -ub (768 cells at the default
512, llama_cpp_figures.swa_cells). Checked: llama.cpp#27680 (b10615, DeepSeek-V4-Flash-0731, n_ctx_seq
64,000, one sequence, bf16, -ub 4096 as the cells imply): "size = 182.75 MiB (4352 cells, 43 layers,
1/1 seqs)" and the state lines "csa ... layers = 21, size = 1.31 MiB", "hca ... layers = 20, size =
10.00 MiB", "lid ... layers = 21, size = 0.33 MiB".
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from llmsize.units import MIB

if TYPE_CHECKING:
    from llmsize.estimate.kv_cache import KvTerm
    from llmsize.specs.models import ModelSpec

CELL_PAD = 256  # REFERENCE: GGML_PAD(..., 256u) around every DSV4 cache size
CSA, HCA = 4, 128  # REFERENCE: DSV4_CSA_RATIO / DSV4_HCA_RATIO
F32 = 4
_KIND_RATIO = {"compressed_sparse_attention": CSA, "heavily_compressed_attention": HCA}


def _pad(x: int) -> int:
    return -(-x // CELL_PAD) * CELL_PAD


def kinds(spec: ModelSpec, layers: tuple[int, ...]) -> tuple[int, int, int]:
    """(all layers, ratio-4 layers, ratio-128 layers) among `layers`."""
    ratios = [_KIND_RATIO.get(spec.layer_type(i), 0) for i in layers]
    return len(ratios), ratios.count(CSA), ratios.count(HCA)


def state_bytes(spec: ModelSpec) -> tuple[int, int]:
    """(CSA + indexer state of one ratio-4 layer, state of one ratio-128 layer) per sequence."""
    hd = spec.head_dim
    ihd = spec.indexer.head_dim if spec.indexer is not None else 0
    csa = 2 * (2 * CSA) * (2 * hd) * F32
    lid = 2 * (2 * CSA) * (2 * ihd) * F32 if ihd else 0
    return csa + lid, 2 * HCA * hd * F32


def terms(spec: ModelSpec, layers: tuple[int, ...], element: Fraction) -> tuple[KvTerm, ...]:
    """The caches of `layers` as kv_cache.KvTerm rules the llama.cpp module holds per stream."""
    from llmsize.estimate.kv_cache import KvTerm

    n, n_csa, n_hca = kinds(spec, layers)
    hd = spec.head_dim
    ihd = spec.indexer.head_dim if spec.indexer is not None else 0
    csa_state, hca_state = state_bytes(spec)
    out = [KvTerm(n, hd * element, spec.sliding_window, rule="dsv4_raw")]
    if n_csa:
        out += [KvTerm(n_csa, hd * element, None, rule="dsv4_pool", rate=CSA)]
        if ihd:
            out += [KvTerm(n_csa, ihd * element, None, rule="dsv4_pool", rate=CSA)]
        out += [KvTerm(n_csa, Fraction(0), None, csa_state)]
    if n_hca:
        out += [
            KvTerm(n_hca, hd * element, None, rule="dsv4_pool", rate=HCA),
            KvTerm(n_hca, Fraction(0), None, hca_state),
        ]
    return tuple(out)


def raw_cells(kv_size: int, window: int, ubatch: int) -> int:
    return min(kv_size, _pad(window + ubatch))


def pool_cells(kv_size: int, rate: int) -> int:
    return _pad(max(1, -(-kv_size // rate)))


def lines(
    spec: ModelSpec,
    layers: tuple[int, ...],
    element: Fraction,
    ggml_type: str,
    kv_size: int,
    seqs: int,
    ubatch: int,
) -> tuple[str, ...]:
    """The cache lines llama.cpp logs for these caches (llama_kv_cache / llama_dsv4_comp_state)."""
    n, n_csa, n_hca = kinds(spec, layers)
    hd = spec.head_dim
    ihd = spec.indexer.head_dim if spec.indexer is not None else 0

    def cache(cells: int, count: int, width: int) -> str:
        mib = cells * seqs * count * width * element / MIB
        return (
            f"llama_kv_cache: size = {float(mib):8.2f} MiB ({cells:6d} cells, {count:3d} layers, "
            f"{seqs}/{seqs} seqs), K ({ggml_type}): {float(mib):8.2f} MiB, V ({ggml_type}):     0.00 MiB"
        )

    def state(name: str, ratio: int, rows: int, width: int, count: int) -> str:
        size = count * seqs * 2 * rows * width * F32 / MIB
        return (
            f"llama_dsv4_comp_state: {name} ratio = {ratio}, state = {rows} x {width}, streams = {seqs}, "
            f"rs_seq = 0, layers = {count}, size = {size:7.2f} MiB"
        )

    csa_cells, hca_cells = pool_cells(kv_size, CSA), pool_cells(kv_size, HCA)
    return (
        f"llama_kv_cache_iswa: creating     SWA KV cache, size = "
        f"{raw_cells(kv_size, spec.sliding_window or 0, ubatch)} cells",
        cache(raw_cells(kv_size, spec.sliding_window or 0, ubatch), n, hd),
        f"llama_kv_cache_dsv4: creating DSV4 CSA compressed KV cache, size = {-(-kv_size // CSA)} cells",
        cache(csa_cells, n_csa, hd),
        f"llama_kv_cache_dsv4: creating DSV4 HCA compressed KV cache, size = {-(-kv_size // HCA)} cells",
        cache(hca_cells, n_hca, hd),
        f"llama_kv_cache_dsv4: creating DSV4 lightning-indexer KV cache, size = {-(-kv_size // CSA)} cells",
        cache(csa_cells, n_csa, ihd),
        state("csa", CSA, 2 * CSA, 2 * hd, n_csa),
        state("hca", HCA, HCA, hd, n_hca),
        state("lid", CSA, 2 * CSA, 2 * ihd, n_csa),
    )
