"""The largest integer x in a range whose cost f(x) stays within a budget, for non-decreasing f.

One search for every reverse question the estimator and the planner ask: the longest context and the
largest batch that fit (hardware/limit_search.py puts its envelopes and chunk grids around it), and the
most blocks llama.cpp / Ollama can keep on a GPU (estimate/engines/llama_cpp_placement.py
`largest_fitting`, a split's own estimate per block count). Each f(x) is an estimate of the memory
model (milliseconds each), so the search spends as few as it can: the caller's guess first, then
secant and Newton steps that end a linear f in two or three, halvings where f jumps. Pure arithmetic
on f, below every other layer (import-linter: it imports nothing of llmsize), so the estimate layer
and the hardware layer share it (issue 15: the two had a copy each).
"""

from __future__ import annotations

import math
from collections.abc import Callable

ROUND = 16
NEAR_WIDTH = 256  # a stepped envelope's secant step checks its neighbour in a bracket this narrow
FAR_SLOPES = 4  # a guess over the budget by this many mean slopes skips its neighbour (_far_over)
MAX_GUESSES = 6  # interpolation steps of one search before every other step halves the bracket


def memoised(f: Callable[[int], int], values: dict[int, int]) -> Callable[[int], int]:
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
    searches on an RTX 4090, 41 in one). `guess` (the caller's linear extrapolation, or the count
    spread from the full offload's figures) is probed first with its neighbour, which ends a linear
    search in two estimates (no neighbour where the guess is far over, `_far_over`). Then the
    bracket's secant, exact on linear memory. A secant or Newton step also probes its neighbour toward the
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

    value = memoised(f, seen)

    def slope(a: int, f_a: int, f_b: int) -> int:  # f's slope over (a, a + 1), 0 where unknown
        return 0 if grain > 1 else f_b - f_a

    if guess is not None and lo <= guess < hi and guess not in seen:
        # The caller's guess and its neighbour toward the answer: the answer itself when the guess
        # is right, else a bracket end with its local slope. Probed with no fitting point known too
        # (issue 15: the block-count search of a split started from both ends of [0, n_layer] and
        # spent ~2,300 estimates in `fit --all --engine ollama` where its guess is mostly right).
        found: int | None = None
        if value(guess) <= budget:
            if value(guess + 1) > budget:
                return guess
            found = _settle(value, budget, _pair_step(seen, budget, guess, grain), lo, hi)
        elif guess == lo:
            return None  # f(lo) is over: nothing in the range fits
        elif not _far_over(seen, budget, guess):
            if value(guess - 1) <= budget:
                return guess - 1
            found = _settle(value, budget, _pair_step(seen, budget, guess - 1, grain), lo, hi)
        if found is not None:
            return found
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


def _pair_step(seen: dict[int, int], budget: int, a: int, grain: int) -> int | None:
    """Where f reaches `budget` on the line through the neighbour pair (a, a + 1) that the guess
    probed, both on one side of it: the last x predicted to fit, a Newton step from the guess (issue
    15: the split searches of Ollama's block count probed the far end of the range next, one estimate
    more where the guess was a block or two off). None where the pair tells no slope: flat, or a
    stepped envelope (`grain` > 1)."""
    rise = seen[a + 1] - seen[a]
    if grain > 1 or rise <= 0:
        return None
    return a + 1 + (budget - seen[a + 1]) // rise


def _settle(value: Callable[[int], int], budget: int, x: int | None, lo: int, hi: int) -> int | None:
    """x (the last point predicted to fit) or x - 1 where it and its neighbour straddle the budget,
    which is then the answer for a non-decreasing f; None where they do not (or x is outside)."""
    if x is None or not lo <= x < hi:
        return None
    if value(x) <= budget:
        return x if value(x + 1) > budget else None
    return x - 1 if x > lo and value(x - 1) <= budget else None


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
