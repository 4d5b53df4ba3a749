"""Integer searches for the reverse questions: the largest x whose memory f(x) fits a budget.

Longest context for a batch, largest batch for a context: f is monotone in its variable (or bounded
by a monotone envelope, longest_before_over), so a bracketing search with secant steps finds the
exact integer in a handful of estimates. Pure arithmetic on f; the planner (planner.py) says what f is.
"""

from __future__ import annotations

import math
from collections.abc import Callable

ROUND = 16
NEAR_WIDTH = 256  # a stepped envelope's secant step checks its neighbour in a bracket this narrow
FAR_SLOPES = 4  # a guess over the budget by this many mean slopes skips its neighbour (_far_over)
MAX_GUESSES = 6  # interpolation steps of one search before every other step halves the bracket


def _memoised(f: Callable[[int], int], values: dict[int, int]) -> Callable[[int], int]:
    """f, each value computed once and kept in `values` (x -> f(x)), which searches share."""

    def value(x: int) -> int:
        if x not in values:
            values[x] = f(x)
        return values[x]

    return value


def largest_within(f: Callable[[int], int], budget: int, lo: int, hi: int,
                   known: dict[int, int] | None = None, grain: int = 1,
                   guess: int | None = None) -> int | None:
    """Largest x in [lo, hi] with f(x) <= budget, for non-decreasing f; None if f(lo) > budget.

    For a non-decreasing f the answer is one integer whatever points are probed: the steps only
    decide how many estimates it takes (issue 15: `fit --all` spent 685 estimates in 122 context
    searches on an RTX 4090, 41 in one). `guess` (the caller's linear extrapolation) is probed
    first with its neighbour, which ends a linear search in two estimates (no neighbour where the
    guess is far over, `_far_over`). Then the bracket's
    secant, exact on linear memory. A secant or Newton step also probes its neighbour toward the
    answer, which ends the search when the two straddle the budget and otherwise gives f's local
    slope, for a Newton step from that side next: curved memory (quadratic eager scores, a window's
    kink, a prompt's share of the cache) converges in a few steps where the bracket's secant crawled
    in from one end. Where f jumps (a state scan's chunk, a cache block), Newton's steps land on
    alternate sides of the jump, and a neighbour pair is flat on a staircase: after two such signs
    the bracket is halved at its roundest number (with most trailing zero bits, where chunk and
    block boundaries lie; a multiple of ROUND that fits is checked with its neighbour). `grain` > 1:
    f may step at its multiples (the envelope of longest_before_over), so no local slopes; the
    bracket's secant then moves its ends in turn (Illinois: an end kept twice counts half), or
    Brent's inverse quadratic step through the two ends and the end last replaced, where it lands
    inside the bracket (curved memory: eager scores, the padded SDPA mask); such a step checks its
    neighbour only once the bracket is NEAR_WIDTH wide. After
    MAX_GUESSES steps every other one halves, so the worst case stays logarithmic. `known` holds
    values of f already computed (x -> f(x)); they narrow the starting bracket, so searches for
    many budgets (one per GPU) share their evaluations.
    """
    seen = known if known is not None else {}

    value = _memoised(f, seen)

    def slope(a: int, f_a: int, f_b: int) -> int:  # f's slope over (a, a + 1), 0 where unknown
        return 0 if grain > 1 else f_b - f_a

    fitting_known = any(v <= budget for v in seen.values())
    if guess is not None and lo < guess < hi and guess not in seen and fitting_known:
        # The caller's guess and its neighbour toward the answer: the answer itself when the guess
        # is right, else a bracket end with its local slope.
        if value(guess) <= budget:
            if value(guess + 1) > budget:
                return guess
        elif not _far_over(seen, budget, guess) and value(guess - 1) <= budget:
            return guess - 1
    below = [x for x, v in seen.items() if lo <= x <= hi and v <= budget]
    if not below:
        if value(lo) > budget:
            return None
        below = [lo]
    above = [x for x, v in seen.items() if lo <= x <= hi and v > budget]
    lo = max(below)
    if not above:
        if value(hi) <= budget:
            return hi
        above = [hi]
    hi = min(above)
    f_lo, f_hi = seen[lo], seen[hi]
    slope_lo = slope_hi = 0  # f's local slope at each end, where a neighbour pair was probed
    side = ""  # the end that moved last
    w_lo = w_hi = 1  # Illinois weights of the ends' distances from the budget (secant steps)
    crossings = steps = 0
    third: tuple[int, int] | None = None
    while hi - lo > 1:
        steps += 1
        if crossings >= 2 or (steps > MAX_GUESSES and steps % 2):
            x, step = _roundest(lo + 1, hi - 1), ""
        elif side == "lo" and slope_lo > 0:
            x, step = lo + (budget - f_lo) // slope_lo, "lo"
        elif side == "hi" and slope_hi > 0:
            x, step = hi - (f_hi - budget + slope_hi - 1) // slope_hi, "hi"
        elif f_hi != f_lo:
            below_by, above_by = (budget - f_lo) * w_hi, (f_hi - budget) * w_lo
            x, step = lo + below_by * (hi - lo) // (below_by + above_by), "secant"
            if third is not None:
                q = _inverse_quadratic(budget, (lo, f_lo), (hi, f_hi), third)
                if q is not None and lo < q < hi:
                    x = q
        else:
            x, step = (lo + hi) // 2, ""
        if step in ("lo", "hi") and not lo < x < hi:  # the line from one end misses the other: a jump
            crossings, x, step = 2, _roundest(lo + 1, hi - 1), ""
        x = min(max(x, lo + 1), hi - 1)
        ends = (lo, f_lo), (hi, f_hi)
        # A secant step's neighbour tells no slope on a stepped envelope (grain > 1): probed only
        # once the bracket is narrow, where the step may have landed next to the answer.
        close = grain == 1 or hi - lo <= NEAR_WIDTH
        fx = value(x)
        third = ends[fx > budget]  # the end this probe replaces: a third point for the curvature
        if fx <= budget:
            crossings += step == "hi"  # Newton from above landed below: a jump may sit between
            w_hi, w_lo = (w_hi * 2 if side == "lo" else 1), 1
            near = step in ("lo", "hi") or (step == "secant" and side != "lo" and close) or x % ROUND == 0
            lo, f_lo = x, fx
            side = "lo"
            if near and lo + 1 < hi:
                f_next = value(lo + 1)
                if f_next > budget:
                    return lo
                slope_lo = slope(lo, f_lo, f_next)
                crossings += grain == 1 and slope_lo == 0  # flat: a staircase (cache blocks)
                lo, f_lo = lo + 1, f_next
        else:
            crossings += step == "lo"
            w_lo, w_hi = (w_lo * 2 if side == "hi" else 1), 1
            near = step in ("lo", "hi") or (step == "secant" and side != "hi" and close)
            hi, f_hi = x, fx
            side = "hi"
            if near and hi - 1 > lo:
                f_prev = value(hi - 1)
                if f_prev <= budget:
                    return hi - 1
                slope_hi = slope(hi - 1, f_prev, f_hi)
                crossings += grain == 1 and slope_hi == 0
                hi, f_hi = hi - 1, f_prev
    return lo


def _far_over(seen: dict[int, int], budget: int, x: int) -> bool:
    """Whether f(x) is over `budget` by more than FAR_SLOPES times f's mean slope from the nearest
    fitting point below x: its neighbour then cannot be the answer unless f bends that sharply, so
    the search does not spend an estimate on it (issue 15: a sliding-window model's guess lands
    tens of thousands of tokens over, where its mask grows with the square of the context)."""
    below = [p for p, v in seen.items() if p < x and v <= budget]
    if not below:
        return False
    p = max(below)
    return (seen[x] - budget) * (x - p) > FAR_SLOPES * (seen[x] - seen[p])


def _inverse_quadratic(budget: int, *points: tuple[int, int]) -> int | None:
    """x where the quadratic in f through three (x, f) points reaches `budget` (Brent's inverse
    quadratic step), or None where two f are equal."""
    (a, fa), (b, fb), (c, fc) = points
    if fa in (fb, fc) or fb == fc:
        return None
    x = (a * (budget - fb) * (budget - fc) / ((fa - fb) * (fa - fc))
         + b * (budget - fa) * (budget - fc) / ((fb - fa) * (fb - fc))
         + c * (budget - fa) * (budget - fb) / ((fc - fa) * (fc - fb)))
    return int(x) if math.isfinite(x) else None


def _roundest(lo: int, hi: int) -> int:
    """The integer in [lo, hi] with the most trailing zero bits (lo <= hi)."""
    m = hi.bit_length()
    while True:
        x = ((lo + (1 << m) - 1) >> m) << m  # the first multiple of 2^m from lo
        if x <= hi:
            return x
        m -= 1


def by_chunks(f: Callable[[int], int], budget: int, hi: int, chunk: int, known: dict[int, int],
              guess: int | None = None) -> int | None:
    """Largest x in [1, hi] with f(x) <= budget, for non-decreasing f that jumps after each multiple
    of `chunk` (a chunked scan pads the prompt up to one; issue 15: these searches took 9-11
    estimates each, halving toward the jumps). The multiples first, where f is smooth (no padding):
    the last multiple M that fits; then M + 1, where the jump to the next multiple's padding usually
    ends the search, and past it the rest of the chunk, padded alike. For a non-decreasing f the
    answer is the one largest_within finds; only the probes differ."""

    value = _memoised(f, known)

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

    value = _memoised(f, known)

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
    if not any(v <= budget for v in seen.values()):  # bracket from below at a known aligned fit (the
        fitting = [x for x, v in known.items() if x % align == 0 and x <= top and v <= budget]
        if fitting:  # asked context, usually), not at x = 1: the secant then lands closer
            seen[max(fitting)] = envelope(max(fitting))
    if guess is not None and guess % align == 0:
        guess -= 1  # an unaligned guess: its neighbour pair then tells the envelope's slope
    last = largest_within(envelope, budget, 1, top, seen, align, guess) if top >= 1 else 0
    if last is None:
        return None
    nxt = last + 1 if last < top else hi
    if nxt > last and nxt % align == 0 and value(nxt) <= budget:
        return nxt
    return last
