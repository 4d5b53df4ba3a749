"""What `torch.cuda.max_memory_reserved` (and nvidia-smi, less the context) shows: the caching allocator.

llmsize's `total - overhead` is torch's *allocated* peak. A *reserved* reading is the segments the
caching allocator holds from the driver, and that differs from the allocated peak in two ways, both
from pytorch/pytorch c10/cuda/CUDACachingAllocator.cpp (defaults: no PYTORCH_CUDA_ALLOC_CONF):

- Rounding (`round_size`, `get_allocation_size`): a request is rounded up to 512 B (kMinBlockSize);
  up to 1 MiB (kSmallSize) it is carved from 2 MiB small-pool segments (kSmallBuffer); below
  10 MiB (kMinLargeAlloc) from 20 MiB segments (kLargeBuffer); larger ones get a segment of their
  own size rounded up to 2 MiB (kRoundLarge).
- Caching: `free` returns a block to its pool (merged with free neighbours of its segment,
  `free_block` / `try_merge_blocks`), never to the driver; only `empty_cache` (`release_cached_blocks`)
  or a failed cudaMalloc gives segments back. `get_free_block` serves a request from the smallest
  cached block that fits (best fit over a set ordered by size, then address), splitting it when the
  remainder is worth keeping (`should_split`: >= 512 B in the small pool, > 1 MiB in the large one).
  So a transient that was freed still counts in reserved, and a big freed block that a small
  long-lived tensor was carved from can no longer serve the next big request: a new segment.

`reset_peak_memory_stats` sets the reserved peak to what is reserved *now*: a framework that resets
the stats after a load phase but never calls `empty_cache` reports training's reserved peak from
the load phase's cache upwards. `reserved_peak_bytes` gives that floor; `CachingAllocator` replays a
phase's allocations (e.g. torchao_nf4_init.py) to find the cache it leaves. Expandable segments
(PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True) and max_split_size_mb are not modelled.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from llmsize.estimate.engines.torch_alloc import (
    LARGE_BUFFER,
    MIN_BLOCK,
    MIN_LARGE_ALLOC,
    ROUND_LARGE,
    SMALL_BUFFER,
    SMALL_SIZE,
)


def round_size(size: int) -> int:
    """A request's block size: at least 512 B, rounded up to 512 B (`round_size`)."""
    return MIN_BLOCK if size < MIN_BLOCK else -(-size // MIN_BLOCK) * MIN_BLOCK


def segment_size(size: int) -> int:
    """The cudaMalloc a rounded request needs when no cached block fits (`get_allocation_size`)."""
    if size <= SMALL_SIZE:
        return SMALL_BUFFER
    if size < MIN_LARGE_ALLOC:
        return LARGE_BUFFER
    return -(-size // ROUND_LARGE) * ROUND_LARGE


@dataclass(eq=False)
class _Block:
    addr: int
    size: int
    small: bool
    free: bool = True
    prev: _Block | None = None
    next: _Block | None = None


@dataclass
class CachingAllocator:
    """One device, one stream: replays malloc/free as the caching allocator serves them."""

    reserved: int = 0
    allocated: int = 0
    peak_allocated: int = 0
    _free: dict[bool, list[tuple[int, int, int]]] = field(default_factory=lambda: {True: [], False: []})
    _blocks: dict[int, _Block] = field(default_factory=dict)
    _live: dict[int, _Block] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def _index(self, block: _Block) -> None:
        bisect.insort(self._free[block.small], (block.size, block.addr, id(block)))
        self._blocks[id(block)] = block

    def _unindex(self, block: _Block) -> None:
        pool = self._free[block.small]
        del pool[bisect.bisect_left(pool, (block.size, block.addr, id(block)))]
        del self._blocks[id(block)]

    def malloc(self, size: int) -> int:
        """Allocate `size` bytes; returns a handle for `free`."""
        need = round_size(size)
        small = need <= SMALL_SIZE
        pool = self._free[small]
        i = bisect.bisect_left(pool, (need, -1, -1))
        if i < len(pool):
            block = self._blocks[pool[i][2]]
            self._unindex(block)
        else:  # no cached block fits: a new segment from the driver
            seg = segment_size(need)
            block = _Block(addr=self.reserved, size=seg, small=small)
            self.reserved += seg
        rest = block.size - need
        if rest >= MIN_BLOCK if small else rest > SMALL_SIZE:  # should_split
            tail = _Block(addr=block.addr + need, size=rest, small=small, prev=block, next=block.next)
            if block.next is not None:
                block.next.prev = tail
            block.next, block.size = tail, need
            self._index(tail)
        block.free = False
        handle = next(self._ids)
        self._live[handle] = block
        self.allocated += block.size
        self.peak_allocated = max(self.peak_allocated, self.allocated)
        return handle

    def free(self, handle: int) -> None:
        """Return a block to its pool, merged with the free blocks beside it in its segment."""
        block = self._live.pop(handle)
        self.allocated -= block.size
        block.free = True
        for other in (block.prev, block.next):
            if other is not None and other.free:
                self._unindex(other)
                if other is block.prev:
                    other.size += block.size
                    other.next = block.next
                    if block.next is not None:
                        block.next.prev = other
                    block = other
                else:
                    block.size += other.size
                    block.next = other.next
                    if other.next is not None:
                        other.next.prev = block
        self._index(block)


def reserved_peak_bytes(allocated_peak: int, carried_reserved: int = 0) -> int:
    """Lower bound of training's `max_memory_reserved`: its allocated peak in whole 2 MiB segments,
    and never below the cache a load phase left when nobody emptied it (stats reset, cache kept).

    Reuse of the carried cache is taken as perfect, so this is a floor: blocks of the wrong sizes
    make a real run reserve more.
    """
    return max(carried_reserved, segment_size(round_size(max(0, allocated_peak))))
