"""Integer searches for the reverse questions: the largest x whose memory f(x) fits a budget.

Longest context for a batch, largest batch for a context: f is monotone in its variable (or bounded
by a monotone envelope, longest_before_over), so a bracketing search with secant steps finds the
exact integer in a handful of estimates. The search itself is llmsize/monotone_search.py's
(`largest_within`, shared with the estimate layer's block-count search); this module adds what the
context axis needs around it: chunked scans (by_chunks) and aligned contexts (longest_before_over).
Pure arithmetic on f; the planner (planner.py) says what f is.
"""

from __future__ import annotations

from collections.abc import Callable

from llmsize.monotone_search import largest_within, memoised

__all__ = ["by_chunks", "largest_within", "longest_before_over"]


def by_chunks(f: Callable[[int], int], budget: int, hi: int, chunk: int, known: dict[int, int],
              guess: int | None = None) -> int | None:
    """Largest x in [1, hi] with f(x) <= budget, for non-decreasing f that jumps after each multiple
    of `chunk` (a chunked scan pads the prompt up to one; issue 15: these searches took 9-11
    estimates each, halving toward the jumps). The multiples first, where f is smooth (no padding):
    the last multiple M that fits; then M + 1, where the jump to the next multiple's padding usually
    ends the search, and past it the rest of the chunk, padded alike. For a non-decreasing f the
    answer is the one largest_within finds; only the probes differ."""

    value = memoised(f, known)

    top = hi // chunk
    if top < 2:
        return largest_within(f, budget, 1, hi, known, guess=guess)
    g = 0 if guess is None else guess // chunk
    # A fitting multiple already known below the guess (the asked context, usually) and the guess's
    # multiple: their secant, where the scan's memory is linear over whole chunks (issue 15: one
    # estimate less than the guess's multiple and the next); without one, that pair's slope.
    below = [x // chunk for x, v in known.items() if x % chunk == 0 and 1 <= x // chunk < g and v <= budget]
    if 1 <= g < top:
        k = max(below) if below else g
        if k == g:
            g += 1
        a, b = value(k * chunk), value(g * chunk)
        if a < b <= budget:
            x = min(top, g + (budget - b) * (g - k) // (b - a))
            if x > g and value(x * chunk) <= budget and x < top:
                # Its neighbour first: over the budget, it ends the search at x's multiple, which
                # fits with every x below it (f non-decreasing), one estimate short of checking the
                # next multiple first (issue 15: four estimates where five were spent).
                if value(x * chunk + 1) > budget:
                    return x * chunk
                value((x + 1) * chunk)
    grid = {x // chunk: v for x, v in known.items() if x % chunk == 0 and 1 <= x // chunk <= top}
    m = largest_within(lambda i: value(i * chunk), budget, 1, top, grid)
    if m is None:  # even one chunk does not fit: the answer is below it
        return largest_within(f, budget, 1, chunk - 1, known, guess=guess)
    lo, end = m * chunk, min(hi, (m + 1) * chunk)
    if lo == end or value(lo + 1) > budget:  # the next chunk's padding does not fit
        return lo
    # Past lo + 1 the padding is the next multiple's throughout: the bracket's secant is close.
    return largest_within(f, budget, lo + 1, end, known)


def longest_before_over(f: Callable[[int], int], budget: int, hi: int, align: int,
                        known: dict[int, int], guess: int | None = None, chunk: int = 1) -> int | None:
    """The last x in [1, hi] before the first x with f(x) > budget (None: f(1) > budget).

    A user who sets a longest context of N needs every shorter prompt to fit too (issue 15). `f`
    need not be monotone: `align` is the engine's `context_alignment` k, for which f is
    non-decreasing over the x that are not multiples of k, and f(m k) <= f(m k + 1). The search
    runs on the envelope g(x) = f(x), or f(x + 1) for a multiple of k, which is non-decreasing and
    bounds f from above: the last x with g(x) <= budget, G, fits with every x below it, and only an
    aligned G + 1 (or hi) can fit beyond it, so one more estimate at most. k = 1 (monotone f) is
    the plain search. `known` maps x -> f(x), shared between searches.
    """
    if align <= 1:
        if chunk > 1:
            return by_chunks(f, budget, hi, chunk, known, guess)
        return largest_within(f, budget, 1, hi, known, guess=guess)

    value = memoised(f, known)

    def envelope(x: int) -> int:
        return value(x + 1 if x % align == 0 else x)

    top = hi - 1 if hi % align == 0 else hi  # an aligned hi has no neighbour to stand for it
    seen = {x: v for x, v in known.items() if x % align and x <= top}
    seen.update({x - 1: v for x, v in known.items() if (x - 1) % align == 0 and 1 <= x - 1 <= top})
    if 1 <= top not in seen and (guess is None or guess >= top):
        # The guess says the whole range fits: its top end first, where the search would probe it
        # anyway as the bracket's upper end; fitting, it is the answer with no lower end probed
        # (issue 15: an estimate saved where the model's limit fits the GPU).
        seen[top] = envelope(top)
    if guess is not None and guess % align == 0:
        guess -= 1  # an unaligned guess: its neighbour pair then tells the envelope's slope
    if not any(v <= budget for v in seen.values()):  # bracket from below at a known aligned fit (the
        fitting = [x for x, v in known.items() if x % align == 0 and x <= top and v <= budget]
        if fitting:  # asked context, usually), not at x = 1: the secant then lands closer
            m = max(fitting)
            if not _below_by_secant(envelope, known, seen, budget, m, guess, align, top):
                seen[m] = envelope(m)
    last = largest_within(envelope, budget, 1, top, seen, align, guess) if top >= 1 else 0
    if last is None:
        return None
    nxt = last + 1 if last < top else hi
    if nxt > last and nxt % align == 0 and value(nxt) <= budget:
        return nxt
    return last


def _below_by_secant(envelope: Callable[[int], int], known: dict[int, int], seen: dict[int, int],
                     budget: int, m: int, guess: int | None, align: int, top: int) -> bool:
    """A fitting lower end for the envelope's search without probing the envelope at the aligned
    fit m (issue 15: one estimate of each padded-mask search went to f(m + 1)). The guess first,
    as the search would probe it; over the budget, the secant from f(m) (the envelope's value there
    is f(m + 1), not known, so f(m) only steers the step) to the guess: an unaligned point whose
    envelope value is f itself. True where a probed point fits (a true envelope value, kept in
    `seen`), so the bracket is exact whatever the step; False leaves the caller to probe m."""
    if guess is None:
        return False
    guess = min(guess, top)  # a guess past the range: its top end, probed already
    if not m < guess:
        return False
    f_guess = seen[guess] = envelope(guess)
    if f_guess <= budget:
        return True
    rise = f_guess - known[m]
    if rise <= 0:
        return False
    x = m + (budget - known[m]) * (guess - m) // rise
    if x % align == 0:
        x -= 1
    if not m < x < guess:
        return False
    seen[x] = envelope(x)
    return seen[x] <= budget
