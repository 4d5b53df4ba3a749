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
  (`arg_groups/overrides.py` _mla_backend_page_constraints); gpt-oss picks trtllm_mha on SM100
  (`model_overrides/gpt_oss.py`). llmsize reads SM100 as a datacenter-class Blackwell architecture.
"""

from __future__ import annotations

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


def sm100(gpu_architecture: str | None) -> bool:
    """Whether the card is SM100 (B200/B300/GB200/GB300), where gpt-oss runs trtllm_mha."""
    return gpu_architecture in SM100_ARCHITECTURES


def pool_enabled(
    architecture: str | None, release: Release | None, gpu_architecture: str | None, speculative: bool
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
    return not sm100(gpu_architecture) and not (speculative and release < GPT_OSS_SPEC_FROM)


def page_tokens(architecture: str | None, gpu_architecture: str | None) -> int:
    """SGLang's page: 64 where gpt-oss runs trtllm_mha (SM100), else the default 1."""
    return TRTLLM_MHA_PAGE if architecture == GPT_OSS and sm100(gpu_architecture) else 1


def eviction_interval(window: int, release: Release | None) -> int:
    """Decode steps between two evictions: 128 from 0.5.14, the window before."""
    return EVICTION_INTERVAL if release is None or release >= FIXED_INTERVAL_FROM else window


def request_tokens(window: int, page: int, release: Release | None) -> int:
    """Sliding slots one decoding request holds at most: window + eviction interval + a page of
    padding + a page of decode allocation (compute_swa_request_cap's per_request)."""
    return window + eviction_interval(window, release) + 2 * page


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
