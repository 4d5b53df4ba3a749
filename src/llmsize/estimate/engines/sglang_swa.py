"""SGLang's hybrid sliding-window (SWA) pools: whether a release builds them, how it sizes them and
what one running request keeps in the sliding one.

Read from the released wheels (`pip download sglang==<release> --no-deps`):
- which models get the pool. 0.5.23 `configs/model_config.py` is_hybrid_swa_model (the architectures in
  sglang_rules.HYBRID_SWA_ARCHITECTURES). Before 0.5.8 none of them did by default: 0.5.1-0.5.5
  `model_runner.py` gave the pool to sliding-window models other than Llama 4, and `server_args.py`
  `_handle_model_specific_adjustments` set disable_hybrid_swa_memory for GptOssForCausalLM; 0.5.7's
  model_config kept it for Llama 4 under --hybrid-kvcache-ratio alone. 0.5.8 and 0.5.9 turned it on
  for gpt-oss except with the trtllm_mha backend (the default on SM100, "TODO: support swa kv indices
  translation for trtllm_mha") and, in 0.5.8, with speculative decoding; 0.5.10 on, always.
- sizes. Ratio mode, `model_executor/pool_configurator.py` HybridSWAPoolConfigurator
  (`set_num_token_hybrid` in 0.5.8-0.5.10's model_runner): full = rest // (full cell + 0.8 x sliding
  cell), sliding = 0.8 x full (swa_full_tokens_ratio), each page-aligned. Cap mode (0.5.14's
  SWAChunkCapPoolConfigurator, 0.5.23's SWARequestCapPoolConfigurator, picked when
  --max-running-requests is given, the radix cache is off and prefill is chunked):
  `compute_swa_request_cap` sliding = per-request hold x (max_running_requests // dp) + 2 prefill
  chunks in flight (1 without the overlap schedule) + a page, and the full pool takes the rest.
- what a request holds. `managers/schedule_batch.py` maybe_evict_swa / _evict_swa free a decoding
  request's sliding slots behind pre_len - window - page every eviction interval (0.5.14+:
  SGLANG_SWA_EVICTION_INTERVAL, 128; before, once every `window` decode steps), so it keeps its window,
  the interval, a page of padding and a page of decode allocation (compute_swa_request_cap's
  per_request); the prefill chunks in flight are charged once (`mem_cache/prefill_budget.py`
  SWAPrefillBudget charges a new prompt's chunk, the running requests only what they hold).
- pages. trtllm_mha runs pages of 16-128 tokens and SGLang moves page 1 to 64
  (`arg_groups/overrides.py` _mla_backend_page_constraints); gpt-oss picks trtllm_mha on SM100 only
  (`arg_groups/model_overrides/gpt_oss.py` _gpt_oss_overrides; before, `server_args.py`
  _handle_model_specific_adjustments: `is_sm100_supported()` -> trtllm_mha, `is_sm90_supported()` -> fa3,
  else triton). `srt/utils` is_sm100_supported is compute capability 10.x (B200, GB200, B300, GB300);
  is_sm120_supported (12.x: RTX 50, RTX PRO Blackwell, GB10) is a separate test, and trtllm_mha refuses
  anything but SM100 ("TRTLLM MHA backend is only supported on Blackwell GPUs (SM100)",
  _handle_attention_backend_compatibility). So consumer and workstation Blackwell run gpt-oss on triton
  with page 1 and, in 0.5.8-0.5.9, with the SWA pool.
"""

from __future__ import annotations

from typing import Any

from llmsize.estimate import arrays as np  # numpy only for sweeps (issue 15)
from llmsize.estimate.engines import sglang_rules as rules

Release = tuple[int, int, int]

GPT_OSS = "GptOssForCausalLM"
POOL_DEFAULT_FROM: Release = (0, 5, 8)  # REFERENCE: 0.5.8 configs/model_config.py is_hybrid_swa_model
GPT_OSS_TRTLLM_FROM: Release = (0, 5, 10)  # REFERENCE: 0.5.10 server_args.py: no trtllm_mha exception
GPT_OSS_SPEC_FROM: Release = (0, 5, 9)  # REFERENCE: 0.5.9 server_args.py: no speculative exception
FIXED_INTERVAL_FROM: Release = (0, 5, 14)  # REFERENCE: 0.5.14 environ.py SGLANG_SWA_EVICTION_INTERVAL
CAP_MODE_FROM: Release = (0, 5, 14)  # REFERENCE: 0.5.14 pool_configurator.py SWAChunkCapPoolConfigurator
EVICTION_INTERVAL = 128  # REFERENCE: environ.py SGLANG_SWA_EVICTION_INTERVAL = EnvInt(128)
CHUNKS_IN_FLIGHT = 2  # REFERENCE: compute_swa_request_cap: 2 with the overlap schedule (the default)
TRTLLM_MHA_PAGE = 64  # REFERENCE: overrides.py _mla_backend_page_constraints, trtllm_mha page 1 -> 64
SM100_ARCHITECTURES = frozenset({"blackwell", "blackwell-ultra"})
# SM100 is datacenter Blackwell: the consumer, workstation and embedded Blackwell parts are SM120 / SM121
# / SM110 (NVIDIA's CUDA GPUs table, https://developer.nvidia.com/cuda-gpus).
SM100_SEGMENT = "datacenter"


def sm100(gpu_architecture: str | None, gpu_segment: str | None = None) -> bool:
    """Whether the card is SM100 (B200/B300/GB200/GB300: a datacenter Blackwell), what SGLang's
    is_sm100_supported tests; an RTX 50 or RTX PRO Blackwell is SM120. Segment unknown: the architecture."""
    if gpu_architecture not in SM100_ARCHITECTURES:
        return False
    return gpu_segment is None or gpu_segment == SM100_SEGMENT


def pool_enabled(
    architecture: str | None, release: Release | None, gpu_architecture: str | None, speculative: bool,
    gpu_segment: str | None = None,
) -> bool:
    """Whether this release gives the model's sliding layers a pool of their own (None: 0.5.23)."""
    if architecture not in rules.HYBRID_SWA_ARCHITECTURES:
        return False
    if release is None or release >= GPT_OSS_TRTLLM_FROM:
        return True
    if release < POOL_DEFAULT_FROM:
        return False
    if architecture != GPT_OSS:
        return True
    return not sm100(gpu_architecture, gpu_segment) and not (speculative and release < GPT_OSS_SPEC_FROM)


def page_tokens(
    architecture: str | None, gpu_architecture: str | None, gpu_segment: str | None = None
) -> int:
    """SGLang's page: 64 where gpt-oss runs trtllm_mha (SM100), else the default 1 (triton on SM120)."""
    return TRTLLM_MHA_PAGE if architecture == GPT_OSS and sm100(gpu_architecture, gpu_segment) else 1


def eviction_interval(window: int, release: Release | None) -> int:
    """Decode steps between two evictions: 128 from 0.5.14, the window before."""
    return EVICTION_INTERVAL if release is None or release >= FIXED_INTERVAL_FROM else window


def request_tokens(window: int, page: int, release: Release | None) -> int:
    """Sliding slots one decoding request holds at most: window + eviction interval + a page of
    padding + a page of decode allocation (compute_swa_request_cap's per_request)."""
    return window + eviction_interval(window, release) + 2 * page


def kernel_tokens(window: int, tokens: Any) -> Any:
    """Sliding-layer positions one decode step's attention reads per request: its window, whatever
    the pool holds (the eviction interval, padding pages, prefill chunks) and whether the model has
    the SWA pool at all. The backends hand the kernel only the last positions: FlashInfer
    (`layers/attention/flashinfer_backend.py` FlashInferIndicesUpdaterDecode.update_sliding_window,
    paged_kernel_lens = min(seq_lens, sliding_window_size + 1) from kv_start_idx = seq_lens - that),
    Triton (`triton_backend.py` update_sliding_window_buffer, window_kv_lens = min(seq_lens,
    sliding_window_size)), FA3 (window_size=(sliding_window_size, 0), the kernel's local-attention
    block range). SGLang's sliding_window_size is the config's window - 1 (model_config.py
    get_attention_sliding_window_size), so FlashInfer reads the window itself."""
    return np.minimum(tokens, window)


def prefill_tokens(chunk: int, page: int) -> int:
    """Sliding slots the prefill chunks in flight take: 2 chunks (overlap schedule) + a page."""
    return CHUNKS_IN_FLIGHT * chunk + page


def cap_mode(
    release: Release | None, max_running_requests: int | None, radix_cache: bool, chunk: int
) -> bool:
    """SWARequestCapPoolConfigurator.is_applicable: an explicit --max-running-requests, no radix cache,
    chunked prefill (0.5.14 on)."""
    new_enough = release is None or release >= CAP_MODE_FROM
    return new_enough and max_running_requests is not None and not radix_cache and chunk > 0


def _align(tokens: int, page: int) -> int:
    return tokens // page * page


def ratio_pools(rest: int, full_cell: int, swa_cell: int, page: int = 1) -> tuple[int, int]:
    """(full, sliding) tokens in ratio mode: full = rest // (full cell + 0.8 x sliding cell),
    sliding = 0.8 x full, both page-aligned (HybridSWAPoolConfigurator._solve_pool_sizes)."""
    full = _align(int(rest // (full_cell + rules.SWA_FULL_TOKENS_RATIO * swa_cell)), page)
    return full, _align(int(full * rules.SWA_FULL_TOKENS_RATIO), page)


def cap_pools(rest: int, full_cell: int, swa_cell: int, cap: int, page: int = 1) -> tuple[int, int]:
    """(full, sliding) tokens in cap mode: the sliding pool is the cap rounded up to a page, the full
    pool what is left (SWARequestCapPoolConfigurator.calculate_pool_sizes)."""
    swa = -(-cap // page) * page
    return max(0, _align((rest - swa * swa_cell) // max(full_cell, 1), page)), swa


def request_cap(window: int, page: int, release: Release | None, running_per_rank: int, chunk: int) -> int:
    """compute_swa_request_cap: per-request hold x max(1, running requests a rank) + prefill chunks."""
    return request_tokens(window, page, release) * max(1, running_per_rank) + prefill_tokens(chunk, page)


def concurrency(swa_tokens: int, held: int, reserve: int) -> float:
    """Requests the sliding pool holds at once: what is left after the prefill chunks in flight,
    over what one decoding request keeps."""
    return max(0, swa_tokens - reserve) / max(held, 1)
