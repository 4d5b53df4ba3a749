"""vLLM V1's prefix cache as a one-request-at-a-time benchmark sees it (vllm_prefix_cache.py)."""

from __future__ import annotations

from llmsize.estimate.engines.vllm_prefix_cache import (
    PrefixCache,
    SweepRun,
    parse_sweep,
    run_index,
    sweep_cached_tokens,
)


def test_a_repeated_prompt_recomputes_its_last_block() -> None:
    # get_computed_blocks caps a hit at num_tokens - 1 and hits whole blocks: 128 tokens -> 7 blocks of 16
    cache = PrefixCache(capacity_blocks=1000)
    assert cache.serve(0, 128, 128) == 0
    assert cache.serve(0, 128, 128) == 112
    assert cache.serve(0, 130, 0) == 128  # 130 - 1 = 129 tokens may hit: 8 whole blocks
    assert cache.serve(1, 128, 128) == 0  # another prompt of the dataset shares nothing


def test_a_longer_prompt_reuses_the_shorter_one_as_prefix() -> None:
    cache = PrefixCache(capacity_blocks=1000)
    cache.serve(3, 1024, 128)
    assert cache.serve(3, 2048, 128) == 1024


def test_eviction_takes_the_least_recently_freed_tail_first() -> None:
    # 10 blocks: prompt 0 (6 blocks) then prompt 1 (6 blocks) evicts two of prompt 0's, its tail ones
    cache = PrefixCache(capacity_blocks=10)
    cache.serve(0, 96, 0)
    cache.serve(1, 96, 0)
    assert cache.serve(0, 96, 0) == 64  # blocks 0-3 survived; 4 and 5 were evicted first


def test_a_sweep_reuses_the_previous_runs_prompts() -> None:
    # the test request warms prompt 0; prompts 1..7 hit the 1024-token run's 64 blocks
    hits = sweep_cached_tokens(parse_sweep("1024/128/8, 2048/128/8"), capacity_blocks=100_000)
    assert hits == [2032] + [1024] * 7
    # fewer prompts in the earlier run: only its prompts are cached
    runs = [SweepRun(1024, 128, 2), SweepRun(2048, 128, 4)]
    assert sweep_cached_tokens(runs, 100_000) == [2032, 1024, 0, 0]


def test_a_pool_smaller_than_a_run_thrashes() -> None:
    # 8 prompts of 136 blocks cycle through a 329-block pool: each evicts what the next run needs
    hits = sweep_cached_tokens(parse_sweep("1024/128/8, 2048/128/8"), capacity_blocks=329)
    assert hits[1:] == [0] * 7


def test_a_row_is_one_run_of_the_whole_sweep() -> None:
    runs = parse_sweep("128/128/8, 128/1024/4, 1024/128/8, 2048/128/8")
    assert run_index(runs, 1024, 128, 8) == 2
    # the 128/1024 run repeats the 128/128 run's first four prompts: all four hit but their last block
    assert sweep_cached_tokens(runs, 100_000, timed=1) == [112] * 4
    assert sweep_cached_tokens(runs, 100_000, timed=2) == sweep_cached_tokens(runs[:3], 100_000)
