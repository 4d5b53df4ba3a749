"""How many prompt tokens vLLM's prefix cache serves, request by request, over a benchmark sweep.

A serving benchmark run with `--dataset-name random` and the default seed repeats its prompts: vLLM's
benchmark_serving.py `sample_random_requests` seeds numpy with `--seed` (0), draws the lengths (a
fixed length draws nothing: `randint(n, n + 1)`), then `offsets = np.random.randint(0, vocab,
num_prompts)`, and request i's tokens are `(offsets[i] + i + j) % vocab`. So request i of every run
of a sweep starts with the same tokens, whatever its input length, and a shorter prompt is a prefix
of a longer one. `benchmark()` also sends `input_requests[0]` once as a test before the timed run.

The V1 engine caches prefixes by default (vllm/engine/arg_utils.py: V1 sets enable_prefix_caching
on). REFERENCE: vllm/v1/core/kv_cache_manager.py `KVCacheManager.get_computed_blocks` hits whole
blocks of the prompt's hash chain and at most `num_tokens - 1` tokens (the last one is recomputed
for its logits); a freed block keeps its hash until the pool hands it out again, and the pool hands
out the least recently freed block first (vllm/v1/core/block_pool.py, FreeKVCacheBlockQueue);
`KVCacheManager.free` frees a request's blocks in reverse order "so that the tail blocks are
evicted first", which keeps the heads of old prompts cached longest.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

BLOCK_TOKENS = 16  # vLLM's default --block-size on CUDA (vllm/config.py CacheConfig)


@dataclass(frozen=True)
class SweepRun:
    """One run of a sweep: `num_prompts` requests of `input_tokens` and `output_tokens`, one at a time."""

    input_tokens: int
    output_tokens: int
    num_prompts: int


@dataclass
class PrefixCache:
    """vLLM's block pool seen by a one-request-at-a-time client: the cached blocks in eviction order."""

    capacity_blocks: int
    block_tokens: int = BLOCK_TOKENS
    _cached: OrderedDict[tuple[int, ...], None] = field(default_factory=OrderedDict)
    _fresh: int = 0  # a counter that names blocks no later prompt can share (generated tokens)

    def serve(self, prompt_id: int, input_tokens: int, output_tokens: int) -> int:
        """Run one request (prompt `prompt_id` of the dataset); return its prompt tokens served from cache."""
        usable = (input_tokens - 1) // self.block_tokens  # get_computed_blocks: at most num_tokens - 1
        keys = [(prompt_id, b) for b in range(input_tokens // self.block_tokens)]
        hit = 0
        while hit < usable and keys[hit] in self._cached:
            hit += 1
        for key in keys:
            self._cached.pop(key, None)  # hit: in use; past the hit: recomputed into a new block
        total_blocks = -(-(input_tokens + output_tokens) // self.block_tokens)
        new = [*keys[hit:]]
        for _ in range(total_blocks - len(keys)):
            self._fresh += 1
            new.append((-1, self._fresh))
        free = self.capacity_blocks - len(self._cached) - hit
        for _ in range(max(0, len(new) - free)):  # allocation pops the least recently freed block
            if self._cached:
                self._cached.popitem(last=False)
        self._free_in_reverse([*keys[:hit], *new])
        return hit * self.block_tokens

    def _free_in_reverse(self, blocks: Iterable[tuple[int, ...]]) -> None:
        for key in reversed(list(blocks)):
            self._cached[key] = None
        while len(self._cached) > self.capacity_blocks:  # a request larger than the pool keeps its head
            self._cached.popitem(last=False)


def sweep_cached_tokens(runs: list[SweepRun], capacity_blocks: int, timed: int = -1) -> list[int]:
    """Prompt tokens served from cache for each timed request of run `timed` (default: the last).

    Every run sends its first prompt once untimed (benchmark_serving's test request), then its
    `num_prompts` prompts in order; prompt i of any run shares its tokens with prompt i of the others.
    """
    cache = PrefixCache(capacity_blocks)
    hits: list[int] = []
    for run in runs[: (timed % len(runs)) + 1]:
        cache.serve(0, run.input_tokens, run.output_tokens)
        hits = [cache.serve(i, run.input_tokens, run.output_tokens) for i in range(run.num_prompts)]
    return hits


def run_index(runs: list[SweepRun], input_tokens: int, output_tokens: int, num_prompts: int) -> int:
    """Which run of the sweep a published row is: the first with its lengths and prompt count."""
    for k, run in enumerate(runs):
        if run == SweepRun(input_tokens, output_tokens, num_prompts):
            return k
    raise ValueError(f"no run {input_tokens}/{output_tokens}/{num_prompts} in the sweep")


def parse_sweep(text: str) -> list[SweepRun]:
    """'128/128/8, 128/1024/4, 1024/128/8': input/output/num_prompts of each run, in the order run."""
    runs = []
    for part in text.split(","):
        isl, osl, n = (int(x) for x in part.strip().split("/"))
        runs.append(SweepRun(isl, osl, n))
    return runs
