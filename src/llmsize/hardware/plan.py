"""Planning: GPU layouts, the smallest one that fits, and the reverse questions.

The estimator gives the busiest GPU's peak for one workload (its tp/pp/num_gpus included); the
planner asks it about candidate layouts and turns the answers into FitRows:
- tensor parallelism shards weights, KV heads and activations; its degree must divide the attention
  heads, and either divide the KV heads or be a multiple of them (vLLM then replicates each KV head
  on tp / kv_heads GPUs: QKVParallelLinear in vllm/model_executor/layers/linear.py);
- pipeline parallelism splits the layers and the largest stage decides;
- data parallelism replicates, and with ZeRO/FSDP shards the training state;
- `--num-gpus auto` takes the smallest GPU count (then the preferred layout) that fits.
Reverse questions (longest context for a batch, largest batch for a context) are monotone in their
variable, so a bracketing search with secant steps finds the exact integer in a handful of
estimates; the estimate at each layout is memoised, so 40 GPUs share the same few evaluations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from llmsize.errors import BadInputError
from llmsize.estimate.engines import Budget, engine_for
from llmsize.estimate.engines.base import BaseEngine
from llmsize.estimate.engines.llama_cpp_vulkan import vulkan_engine
from llmsize.estimate.engines.speed_eager import eager_engine
from llmsize.estimate.memo import memo
from llmsize.estimate.resolved import resolve_workload
from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import MAX_TOKENS, Mode, Workload
from llmsize.hardware.derived_workload import derived_workload
from llmsize.hardware.fit import fit, plan_cost, visible_memory_bytes, workload_usable_bytes
from llmsize.hardware.fit_models import FitRow
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.read_bytes import read_byte_shares
from llmsize.hardware.speed import (
    Efficiency,
    SpeedEstimate,
    SpeedInputs,
    attention_flops_decode,
    attention_flops_prefill,
    estimate_speed,
)
from llmsize.hardware.speed_serving import serving_output_tokens_per_s, serving_tpot_s
from llmsize.records import ConfigDict, Record, ValidationError
from llmsize.specs.models import ModelSpec, QuantMethod
from llmsize.specs.params import param_inventory

EstimateFn = Callable[[ModelSpec, Workload], Estimate]

# REFERENCE: HGX/DGX nodes hold 8 GPUs joined by NVLink; tensor parallelism is kept inside a node
# and pipeline parallelism spans nodes (vLLM docs, "Distributed inference and serving": "the tensor
# parallel size is the number of GPUs in each node, and the pipeline parallel size the number of nodes").
GPUS_PER_NODE = 8
# GPU counts `--num-gpus auto` tries, in order: every count inside a node, then whole nodes.
AUTO_COUNTS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
MAX_BATCH_SEARCH = 1 << 20
ROUND = 16
NEAR_WIDTH = 256  # a stepped envelope's secant step checks its neighbour in a bracket this narrow
FAR_SLOPES = 4  # a guess over the budget by this many mean slopes skips its neighbour (_far_over)
MAX_GUESSES = 6  # interpolation steps of one search before every other step halves the bracket


def default_estimator() -> EstimateFn:
    """The memory model's `estimate(spec, wl)` (imported lazily: planning is a layer above it),
    numbers only (explained=False): fit rows show totals, while the low-high range costs a second
    activation walk and the formulas a few string tables per estimate (issue 15: `fit --all`)."""
    from llmsize.estimate.core import estimate

    def nominal(spec: ModelSpec, wl: Workload) -> Estimate:
        return estimate(spec, wl, explained=False)

    return nominal


@dataclass(frozen=True, order=True)
class Layout:
    """tp x pp GPUs hold one copy of the model; dp copies (or ZeRO shards) of it."""

    tp: int = 1
    pp: int = 1
    dp: int = 1

    @property
    def count(self) -> int:
        return self.tp * self.pp * self.dp

    def describe(self) -> str:
        parts = [f"TP {self.tp}" if self.tp > 1 else "", f"PP {self.pp}" if self.pp > 1 else "",
                 f"DP {self.dp}" if self.dp > 1 else ""]
        return " x ".join(p for p in parts if p) or "single GPU"


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def tp_problem(spec: ModelSpec, tp: int) -> str | None:
    """Why tensor parallelism of degree `tp` cannot split this model, or None when it can."""
    if tp <= 1:
        return None
    heads = spec.num_attention_heads
    if heads % tp:
        ok = [d for d in _divisors(heads) if d <= 64]
        return (f"TP {tp} cannot split the {heads} attention heads of {spec.name}; "
                f"use a TP degree that divides them: {', '.join(map(str, ok))}")
    kv = spec.num_kv_heads
    if not spec.is_mla and kv % tp and tp % kv:
        return (f"TP {tp} neither divides the {kv} KV heads of {spec.name} nor is a multiple of them, "
                "so engines cannot shard or replicate them")
    from llmsize.estimate.weights import tp_width_problem  # the estimate's own rule, asked before it runs

    width = tp_width_problem(spec, tp)
    return width[0] if width is not None else None


def pp_problem(spec: ModelSpec, pp: int) -> str | None:
    if pp > spec.num_layers:
        return f"PP {pp} has more stages than {spec.name} has layers ({spec.num_layers})"
    return None


class PlanError(BadInputError):
    """A layout the model cannot be split into."""


# ---------------------------------------------------------------------------------------- searching

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
    if 1 <= g < top:  # the guess's multiple and the next: a Newton step from their slope
        a, b = value(g * chunk), value((g + 1) * chunk)
        if a < b <= budget:
            x = min(top, g + 1 + (budget - b) // (b - a))
            if x > g + 1 and value(x * chunk) <= budget and x < top:
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


def _context_guess(est: Estimate, context: int, need: int, usable: int) -> int | None:
    """Where the need may reach `usable`, if the KV cache and the activations of the estimate at
    `context` grow in proportion to the context and the rest stays: a first probe for the search,
    which lands on the answer, or next to it, when memory is linear in the context (issue 15)."""
    per_token = (est.kv_cache_bytes + est.activations_bytes) // max(1, context)
    if per_token <= 0 or need > usable:
        return None
    return context + (usable - need) // per_token


def _at_context(wl: Workload, context: int) -> Workload | None:
    """`wl` (validated) at another context, equal to what Planner.workload validates for it: only
    the context changes, and the prompt is kept within it. The only checks a context takes are its
    range and the prompt's bound, so no validation is run (issue 15: a search asks for ~10
    contexts); None outside the range (the caller validates, and says why)."""
    if type(context) is not int or not 0 < context <= MAX_TOKENS:
        return None
    update: dict[str, Any] = {"context": context}
    if wl.prompt_tokens is not None and wl.prompt_tokens > context:
        update["prompt_tokens"] = context
    return wl.model_copy(update=update)


# ------------------------------------------------------------------------------------------- results

class PrecisionOption(Record):
    """One weight format to try: a label and the workload fields that select it."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    label: str
    dtype: str | None = None
    quant: str | None = None


class PrecisionResult(Record):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    option: PrecisionOption
    row: FitRow
    weights_bytes: int
    total_bytes: int


@dataclass
class Planner:
    """Plans one model and workload on GPUs; memoises every estimate it asks for."""

    spec: ModelSpec
    wl: Workload
    estimator: EstimateFn | None = None
    efficiency: Efficiency = field(default_factory=Efficiency)
    _memo: dict[Workload, Estimate] = field(default_factory=dict, repr=False)
    # Totals already computed along one search axis: (layout, axis, other value) -> {x: bytes}.
    _curves: dict[tuple[Layout, str, int], dict[int, int]] = field(default_factory=dict, repr=False)
    _subs: dict[Workload, Planner] = field(default_factory=dict, repr=False)
    # Speeds already computed: (id(gpu), layout, workload) -> (gpu, speed). A fit row is built twice
    # for the precision that fits (quick, then with its limits) and the speed is the same (issue 15).
    _speeds: dict[tuple[int, Layout, Workload], tuple[GpuSpec, SpeedEstimate]] = field(
        default_factory=dict, repr=False)
    _workloads: dict[tuple[Layout | None, tuple[tuple[str, type, Any], ...]], Workload] = field(
        default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.estimator is None:
            self.estimator = default_estimator()

    # --- estimates ---------------------------------------------------------------------------------
    def estimate(self, wl: Workload) -> Estimate:
        est = self._memo.get(wl)
        if est is None:
            assert self.estimator is not None
            est = self.estimator(self.spec, wl)
            self._memo[wl] = est
        return est

    def workload(self, layout: Layout | None = None, **update: Any) -> Workload:
        """The asked workload with another layout / context / batch (validated like user input);
        kept per layout and update, as a plan asks for the same few again (issue 15)."""
        try:
            key = (layout, tuple((name, type(value), value) for name, value in update.items()))
            kept = self._workloads.get(key)
        except TypeError:  # an unhashable value: validated each time
            return self._validated(layout, update)
        if kept is None:
            kept = self._workloads[key] = self._validated(layout, update)
        return kept

    def _validated(self, layout: Layout | None, update: dict[str, Any]) -> Workload:
        # The changed fields over the asked workload's (model_validate takes nested records as given);
        # the same few recur for every model of `fit --all`, so they are validated once (issue 15).
        changes: dict[str, Any] = {}
        if layout is not None:
            changes.update(tp=layout.tp, pp=layout.pp, num_gpus=layout.count)
        changes.update(update)
        prompt = changes.get("prompt_tokens", self.wl.prompt_tokens)
        if prompt is not None and prompt > changes.get("context", self.wl.context):
            changes["prompt_tokens"] = changes.get("context", self.wl.context)
        try:
            return derived_workload(self.wl, changes)
        except ValidationError as err:
            raise BadInputError(f"invalid workload: {err.errors()[0]['msg']}") from None

    # --- engine budgets -----------------------------------------------------------------------------
    def for_gpu(self, gpu: GpuSpec) -> Planner:
        """The planner of the workload with the engine's GPU-dependent defaults (vLLM's batch sizes);
        estimates are shared, search curves are not."""
        wl = engine_for(self.wl).gpu_defaults(
            self.wl, visible_memory_bytes(gpu), gpu.name or gpu.id, gpu.architecture, gpu.segment,
            gpu.compute_units, gpu.interconnect.name if gpu.interconnect else "",
        )
        if wl == self.wl:
            return self
        sub = self._subs.get(wl)
        if sub is None:
            sub = Planner(self.spec, wl, self.estimator, self.efficiency, _memo=self._memo)
            self._subs[wl] = sub
        return sub

    def budget(self, gpu: GpuSpec, wl: Workload) -> Budget:
        est = self.estimate(wl)
        return engine_for(wl).budget(est, visible_memory_bytes(gpu), wl, unified=gpu.memory.unified)

    def usable(self, gpu: GpuSpec) -> int:
        return workload_usable_bytes(gpu, self.wl)

    def need(self, gpu: GpuSpec, wl: Workload) -> int:
        return self.budget(gpu, wl).need_bytes

    def cannot_fit_one(self, gpu: GpuSpec) -> bool:
        """True when this weight format cannot fit one `gpu` whatever the rest of the estimate: the
        engine's floor of the need (its weights, see BaseEngine.need_floor) is over the card. Asked
        before any estimate, from the workload resolved once per shape (issue 15: `fit --all`)."""
        sub = self.for_gpu(gpu)
        wl = sub.wl
        if wl.tp > 1 or wl.pp > 1 or (wl.mode.trains and wl.zero > 0) or wl.images or wl.audio_seconds \
                or wl.video_frames:
            return False  # another layout, or media whose tokens reshape the workload: estimate it
        one = wl if wl.num_gpus == 1 else sub.workload(Layout())  # tp = pp = 1: already that layout
        rs = resolve_workload(self.spec, one)
        return rs.engine.need_floor(min(rs.weights.per_stage)) > visible_memory_bytes(gpu)

    # --- layouts -----------------------------------------------------------------------------------
    def tp_problem(self, tp: int) -> str | None:
        """The model's heads (tp_problem), then what the engine itself refuses at this TP (a vision tower)."""
        return tp_problem(self.spec, tp) or engine_for(self.wl).tp_problem(self.spec, tp)

    def check_layout(self, layout: Layout) -> None:
        problem = self.tp_problem(layout.tp) or pp_problem(self.spec, layout.pp)
        if problem:
            raise PlanError(problem)

    def layouts(self, count: int) -> list[Layout]:
        """Valid layouts of exactly `count` GPUs, most preferred first.

        Inference: tensor parallelism first (lowest latency), then pipeline stages; replicas only
        when nothing else divides the count. Training with ZeRO: data parallelism first (it shards
        the training state with the least communication), then TP, then PP. llama.cpp: pipeline
        (layer) split first. A --tp/--pp the workload names is kept.
        """
        sharded_dp = self.wl.mode.trains and self.wl.zero > 0
        # An engine with its own layer split (llama.cpp --split-mode layer) takes no tensor parallelism.
        own_split = engine_for(self.wl).stages(self.spec, self.wl) is not None
        out: list[tuple[tuple[int, ...], Layout]] = []
        for tp in _divisors(count):
            if tp > GPUS_PER_NODE or self.tp_problem(tp) or (self.wl.tp > 1 and tp != self.wl.tp):
                continue
            if own_split and tp > 1:
                continue
            for pp in _divisors(count // tp):
                if pp_problem(self.spec, pp) or (self.wl.pp > 1 and pp != self.wl.pp):
                    continue
                dp = count // (tp * pp)
                if sharded_dp:
                    key: tuple[int, ...] = (pp, tp)
                elif own_split:
                    key = (dp, tp)
                else:
                    key = (dp, pp)
                out.append((key, Layout(tp, pp, dp)))
        return [layout for _, layout in sorted(out)]

    def explicit_layout(self, num_gpus: int) -> Layout | None:
        """The layout the workload itself names (--tp/--pp, or --zero with --num-gpus), if any."""
        if self.wl.tp > 1 or self.wl.pp > 1 or (self.wl.mode.trains and self.wl.zero > 0):
            if num_gpus % (self.wl.tp * self.wl.pp):
                raise BadInputError(
                    f"--num-gpus {num_gpus} is not a multiple of --tp x --pp ({self.wl.tp} x {self.wl.pp})")
            return Layout(self.wl.tp, self.wl.pp, num_gpus // (self.wl.tp * self.wl.pp))
        return None

    # --- limits ------------------------------------------------------------------------------------
    def _need_fn(self, gpu: GpuSpec | None) -> Callable[[Workload], int]:
        if gpu is None:
            return lambda wl: self.estimate(wl).total_bytes
        return lambda wl: self.need(gpu, wl)

    def max_context(self, usable: int, layout: Layout, batch: int | None = None,
                    gpu: GpuSpec | None = None) -> int | None:
        """Longest context (tokens per sequence) such that it and every shorter one fit `usable`
        bytes, up to the model's limit (the last context before the first that does not fit)."""
        b = batch or self.wl.batch
        need = self._need_fn(gpu)
        asked = self.workload(layout, batch=b)

        def total(context: int) -> int:
            wl = _at_context(asked, context)
            return need(wl if wl is not None else self.workload(layout, context=context, batch=b))

        known = self._curves.setdefault((layout, "context", b), {})
        guess = None
        est = self._memo.get(asked)
        eng = engine_for(asked)
        if est is not None:  # the estimate at the asked context is usually known already
            at_asked = known.setdefault(asked.context, need(asked))
            # Only for inference where the need is the estimate's total: an engine's own pool or
            # cache padding, and training's other terms, make the guess miss (two probes lost)
            if asked.mode is Mode.INFERENCE and (gpu is None or eng.need_floor(1) == 1):
                guess = _context_guess(est, asked.context, at_asked, usable)
        align = eng.context_alignment(self.spec, asked)
        chunk = eng.scan_chunk(self.spec, asked)
        return longest_before_over(total, usable, self.spec.max_position_embeddings, align, known, guess,
                                   chunk)

    def max_batch(self, usable: int, layout: Layout, context: int | None = None,
                  gpu: GpuSpec | None = None) -> int | None:
        """Largest batch whose peak fits `usable` bytes at `context` tokens per sequence."""
        c = context or self.wl.context
        need = self._need_fn(gpu)

        def total(batch: int) -> int:
            return need(self.workload(layout, context=c, batch=batch))

        known = self._curves.setdefault((layout, "batch", c), {})

        def cached(batch: int) -> int:
            if batch not in known:
                known[batch] = total(batch)
            return known[batch]

        if cached(1) > usable:
            return None
        # Memory is close to linear in the batch: extrapolate an upper bound from two points.
        hi = 2
        while hi < MAX_BATCH_SEARCH:
            f_hi = cached(hi)
            if f_hi > usable:
                break
            slope = max(1, f_hi - known[1]) / (hi - 1)
            hi = min(MAX_BATCH_SEARCH, max(2 * hi, int(hi + (usable - f_hi) / slope) + 1))
        return largest_within(total, usable, 1, min(hi, MAX_BATCH_SEARCH), known)

    # --- speed -------------------------------------------------------------------------------------
    def speed(self, gpu: GpuSpec, layout: Layout, est: Estimate, wl: Workload) -> SpeedEstimate:
        """Decode and prefill speed of `wl` (whose estimate is `est`) on `gpu`, kept per planner."""
        key = (id(gpu), layout, wl)
        kept = self._speeds.get(key)
        if kept is not None and kept[0] is gpu and self._memo.get(wl) is est:
            return kept[1]
        speed = self._speed(gpu, layout, est, wl)
        self._speeds[key] = (gpu, speed)
        return speed

    def _speed(self, gpu: GpuSpec, layout: Layout, est: Estimate, wl: Workload) -> SpeedEstimate:
        return estimate_speed(self.speed_inputs_for(layout, est, wl), gpu, self.efficiency)

    def auto_offload(self, gpu: GpuSpec, layout: Layout) -> Workload | None:
        """The workload as an engine that offloads by itself runs a model that does not fit (Ollama:
        estimate/engines/ollama_offload.py), with `gpu_layers` set to the layers it keeps on the GPU;
        None when the engine would refuse to load it or it fits."""
        wl = self.workload(layout)
        budget = self.budget(gpu, wl)
        if budget.fits:
            return None
        if gpu.memory.unified and budget.need_bytes > gpu.memory_bytes:
            return None  # the CPU layers would come out of the same memory: the machine cannot hold it
        layers = engine_for(wl).auto_gpu_layers(self.estimate(wl), budget.usable_bytes, self.spec.num_layers,
                                                self.spec)
        return None if layers is None else self.workload(layout, gpu_layers=layers)

    def speed_inputs_for(self, layout: Layout, est: Estimate, wl: Workload,
                         engine: str | None = None) -> SpeedInputs:
        """What the speed model reads of `wl` on `layout`, host-resident layers and experts included
        (`engine`: another speed profile than the workload's, as speed_inputs takes)."""
        inputs = speed_inputs(self.spec, wl, est, layout, engine=engine)
        partial = wl.gpu_layers is not None and wl.gpu_layers < self.spec.num_layers
        # llama.cpp --n-cpu-moe: the experts of the first N layers stay in host RAM.
        cpu_moe = bool(wl.n_cpu_moe)
        if partial or cpu_moe:
            # What llama.cpp keeps in host RAM: the difference from the all-on-GPU layout. Whole
            # layers are read like the model's average parameter; CPU experts only when picked.
            all_on_gpu: dict[str, Any] = {"gpu_layers": None}
            if cpu_moe:
                all_on_gpu["n_cpu_moe"] = None
            whole = self.estimate(self.workload(layout, **all_on_gpu))
            host_w = max(0, _device_weights(whole) - _device_weights(est))
            host_kv = max(0, whole.kv_cache_bytes - est.kv_cache_bytes)
            share = (expert_read_fraction(self.spec, wl.batch) if cpu_moe and not partial
                     else read_fraction(self.spec, wl.batch))
            host_read = int(host_w * share)
            # The weights a step reads are split: the host part leaves the GPU's share (CPU experts
            # leave the routed experts the GPU streams; whole host layers take their share of them).
            on_gpu = max(0, inputs.weight_bytes_per_gpu - host_w)
            routed = inputs.routed_weight_bytes_per_gpu
            routed = (max(0, routed - host_w) if cpu_moe and not partial
                      else int(routed * on_gpu / max(1, inputs.weight_bytes_per_gpu)))
            inputs = inputs.model_copy(update={
                "host_weight_bytes": host_read, "host_kv_bytes": host_kv,
                "active_weight_bytes_per_gpu": max(0, inputs.active_weight_bytes_per_gpu - host_read),
                "weight_bytes_per_gpu": on_gpu, "routed_weight_bytes_per_gpu": routed})
        return inputs

    # --- fit rows ----------------------------------------------------------------------------------
    def fit_layout(self, gpu: GpuSpec, layout: Layout, *, limits: bool = True, batch_limit: bool = True,
                   notes: tuple[str, ...] = ()) -> FitRow:
        """FitRow for `layout` on `gpu`, with max context (and batch), speed and engine answers."""
        sub = self.for_gpu(gpu)
        if sub is not self:
            return sub.fit_layout(gpu, layout, limits=limits, batch_limit=batch_limit, notes=notes)
        self.check_layout(layout)
        wl = self.workload(layout)
        est = self.estimate(wl)
        eng = engine_for(wl)
        bud = self.budget(gpu, wl)
        usable = bud.usable_bytes
        fits = bud.fits
        warnings = tuple(dict.fromkeys((*notes, *dtype_warnings(self.spec, wl, gpu), *est.warnings)))
        max_ctx = max_b = seqs = layers = None
        if limits:
            max_ctx = self.max_context(usable, layout, gpu=gpu)
            if bud.max_context is not None and max_ctx is None:
                max_ctx = min(bud.max_context, self.spec.max_position_embeddings)
            if batch_limit and bud.max_concurrency is None:
                max_b = self.max_batch(usable, layout, gpu=gpu)
        if bud.max_concurrency is not None:
            seqs = int(bud.max_concurrency)
            max_b = seqs
        full = self.workload(layout, gpu_layers=None) if wl.gpu_layers is not None else wl
        layers = eng.offload_layers(self.estimate(full), usable, self.spec.num_layers)
        speed = (self.speed(gpu, layout, est, wl)
                 if fits and wl.mode is Mode.INFERENCE and gpu.speed_known else None)
        auto = self.auto_offload(gpu, layout) if not fits and wl.gpu_layers is None else None
        auto_host = None
        if auto is not None and auto.gpu_layers is not None:
            layers = auto.gpu_layers
            if wl.mode is Mode.INFERENCE and gpu.speed_known:
                speed = self.speed(gpu, layout, self.estimate(auto), auto)
            warnings = (*warnings, _auto_offload_note(eng, auto.gpu_layers, self.spec.num_layers,
                                                      gpu, self.efficiency, speed))
        if not fits and wl.gpu_layers is None and layers is not None and layers < self.spec.num_layers:
            # The split the engine runs by itself (Ollama) or the --gpu-layers it is told to try
            # (llama.cpp): its host RAM holds the CPU layers, their K/V and the host buffers.
            split = auto if auto is not None else self.workload(layout, gpu_layers=layers)
            auto_host = _host_bytes(self.estimate(split))
        if wl.gpu_layers is not None and wl.gpu_layers < self.spec.num_layers:
            on_cpu = self.spec.num_layers - wl.gpu_layers
            warnings = (*warnings, f"{on_cpu} of {self.spec.num_layers} layers run from CPU RAM: "
                        + _host_speed_note(gpu, self.efficiency))
        elif wl.n_cpu_moe and self.spec.is_moe:
            on_cpu = min(wl.n_cpu_moe, self.spec.num_layers)
            note = _host_speed_note(gpu, self.efficiency)
            warnings = (*warnings, f"the experts of {on_cpu} of {self.spec.num_layers} layers run from CPU "
                        f"RAM (only the picked ones are read per token): {note}")
        row = fit(est, gpu, layout.count, engine=wl.engine,
                  gpu_memory_utilization=wl.gpu_memory_utilization, tp=layout.tp, pp=layout.pp,
                  dp=layout.dp, max_context=max_ctx, max_batch=max_b, speed=speed,
                  max_concurrent_seqs=seqs, gpu_layers=layers, total_layers=self.spec.num_layers,
                  warnings=warnings, wl=wl, offloaded=auto is not None, offload_host_bytes=auto_host)
        from llmsize.estimate.fp8_training import device_problem

        missing = eng.no_backend_for(gpu.vendor) or device_problem(wl, gpu.id, gpu.supports("fp8"))
        return _without_backend(row, missing)

    def choose_layout(self, gpu: GpuSpec, num_gpus: int | None) -> tuple[Layout, bool]:
        """(layout, fits): `num_gpus` None = auto, the smallest count that fits."""
        sub = self.for_gpu(gpu)
        if sub is not self:
            return sub.choose_layout(gpu, num_gpus)
        usable = self.usable(gpu)
        if num_gpus is not None:
            if num_gpus < 1:
                raise BadInputError("--num-gpus must be at least 1 (or 'auto')")
            explicit = self.explicit_layout(num_gpus)
            if explicit is not None:
                self.check_layout(explicit)
                return explicit, self.budget(gpu, self.workload(explicit)).fits
            candidates = self.layouts(num_gpus)
            chosen = self._first_fit(candidates, usable, gpu) if candidates else None
            if chosen is not None and chosen[1]:
                return chosen
            # With N GPUs one can always run an (N-1)-GPU layout and leave GPUs idle: some models
            # fit fewer GPUs better (a TP degree that divides the heads beats pipeline stages).
            for count in range(num_gpus - 1, 0, -1):
                fewer = self.layouts(count)
                if fewer:
                    layout, fits = self._first_fit(fewer, usable, gpu)
                    if fits:
                        return layout, True
            if chosen is None:
                raise PlanError(f"{num_gpus} GPUs cannot be split into a tensor/pipeline layout of "
                                f"{self.spec.name}; try {', '.join(map(str, self._nearby_counts(num_gpus)))}")
            return chosen
        best: tuple[Layout, bool] | None = None
        for count in AUTO_COUNTS:
            candidates = self.layouts(count)
            if not candidates:
                continue
            best = self._first_fit(candidates, usable, gpu)
            if best[1]:
                return best
        if best is None:  # --tp/--pp that no GPU count can hold (a TP degree the heads do not divide)
            asked = self.tp_problem(self.wl.tp) or pp_problem(self.spec, self.wl.pp)
            raise PlanError(asked or f"no tensor/pipeline layout of {self.spec.name} takes --tp "
                            f"{self.wl.tp} --pp {self.wl.pp}")
        return best

    def _first_fit(self, candidates: Sequence[Layout], usable: int, gpu: GpuSpec) -> tuple[Layout, bool]:
        smallest: tuple[int, Layout] | None = None
        for layout in candidates:
            bud = self.budget(gpu, self.workload(layout))
            need = bud.need_bytes
            if bud.fits:
                return layout, True
            if smallest is None or need < smallest[0]:
                smallest = (need, layout)
        assert smallest is not None
        return smallest[1], False

    def _nearby_counts(self, n: int) -> list[int]:
        return [c for c in AUTO_COUNTS if self.layouts(c) and abs(c - n) <= max(2, n // 2)][:4]

    def plan(self, gpu: GpuSpec, num_gpus: int | None = 1, *, limits: bool = True,
             batch_limit: bool = True) -> FitRow:
        """The FitRow for `gpu`: `num_gpus` GPUs (None: the smallest count that fits)."""
        sub = self.for_gpu(gpu)
        if sub is not self:
            return sub.plan(gpu, num_gpus, limits=limits, batch_limit=batch_limit)
        layout, _ = self.choose_layout(gpu, num_gpus)
        note: tuple[str, ...] = ()
        if num_gpus is not None and layout.count < num_gpus:
            note = (f"uses {layout.count} of the {num_gpus} GPUs ({layout.describe()}): "
                    f"no layout of all {num_gpus} fits",)
        return self.fit_layout(gpu, layout, limits=limits, batch_limit=batch_limit, notes=note)


def _without_backend(row: FitRow, missing: str | None) -> FitRow:
    """The row of an engine that cannot run on the device at all (its module says why): it does not fit."""
    if missing is None:
        return row
    return row.model_copy(update={"fits": False, "reason": missing, "decode_tokens_per_s": None,
                                  "ttft_s": None})


def _host_bytes(est: Estimate) -> int | None:
    """Host RAM of an estimate as its engine keeps it (llama.cpp / Ollama: CPU layers, their K/V,
    host buffers; estimate/engines/llama_cpp.py `figures`), the split the speed model reads."""
    figs = est.engine_figures
    return figs.host_bytes if figs is not None else None


def _auto_offload_note(engine: BaseEngine, layers: int, total: int, gpu: GpuSpec, eff: Efficiency,
                       speed: SpeedEstimate | None) -> str:
    """The engine's own note on the split it runs by itself (its module words it), then how the speed
    model reads the CPU layers on this machine."""
    rate = f" at ~{speed.decode_tokens_per_s:,.1f} tokens/s" if speed is not None else ""
    return engine.auto_offload_note(layers, total, rate) + "; " + _host_speed_note(gpu, eff)


def _host_speed_note(gpu: GpuSpec, eff: Efficiency) -> str:
    """How the speed model reads llama.cpp's host-resident layers on this machine."""
    from llmsize.hardware.speed_profiles import DEFAULT_HOST_BANDWIDTH_GB_S

    if gpu.memory.unified and eff.host_bandwidth_gb_s is None:
        return "on unified memory the CPU reads them at the device's own bandwidth"
    if eff.host_bandwidth_gb_s is not None:
        return f"decode reads them at the host RAM's {eff.host_bandwidth_gb_s:g} GB/s (--host-bandwidth)"
    return (f"decode reads them at {DEFAULT_HOST_BANDWIDTH_GB_S:g} GB/s (dual-channel DDR5-5600 assumed; "
            "give your RAM's figure with --host-bandwidth)")


# ----------------------------------------------------------------------------- helpers on the spec

def speed_inputs(spec: ModelSpec, wl: Workload, est: Estimate, layout: Layout | None = None,
                 engine: str | None = None) -> SpeedInputs:
    """What the speed model needs of one estimate on one layout (`engine` overrides the workload's)."""
    layout = layout or Layout(wl.tp, wl.pp, max(1, wl.num_gpus // max(1, wl.tp * wl.pp)))
    groups = max(1, spec.num_attention_heads // max(1, spec.num_kv_heads)) if not spec.is_mla else 1
    read_share, routed_share = read_fraction(spec, wl.batch), routed_weight_share(spec)
    # MoE: routed experts, routers and the dense path are stored in different types (hardware/read_bytes.py).
    by_bytes = read_byte_shares(spec, wl) if spec.num_experts else None
    if by_bytes is not None:
        read_share, routed_share = by_bytes
    return SpeedInputs(
        weight_bytes_per_gpu=est.weights_bytes,
        active_weight_bytes_per_gpu=int(est.weights_bytes * read_share),
        kv_bytes_per_gpu=est.kv_cache_bytes,
        active_params=max(1, est.active_params),
        attention_flops_prefill=attention_flops_prefill(spec, wl.prefill_tokens),
        attention_flops_decode=attention_flops_decode(spec, wl.context),
        attention_flops_curve=attention_flops_curve(spec, wl.context),
        prompt_tokens=wl.prefill_tokens,
        batch=wl.batch,
        hidden_size=spec.hidden_size,
        num_layers=spec.num_layers,
        compute_dtype=speed_dtype(spec, wl),
        tp=layout.tp,
        pp=layout.pp,
        dp=layout.dp,
        engine=vulkan_engine(eager_engine(engine or engine_for(wl).speed_name(spec), wl.enforce_eager),
                             str(wl.backend)),
        kernel=kernel_family(spec, wl),
        kv_groups=groups,
        context=wl.context,
        decode_context=wl.request_context,
        prefill_chunk_tokens=engine_for(wl).prefill_chunk(),
        routed_active_params=routed_active_params(spec),
        routed_weight_bytes_per_gpu=int(est.weights_bytes * routed_share),
        expert_pick_share=spec.num_experts_per_tok / spec.num_experts if spec.num_experts else 0.0,
        layer_parts=layer_parts(spec),
        experts_per_token=spec.num_experts_per_tok if spec.num_experts else 0,
        score_bytes_prefill=wl.batch * engine_for(wl).prefill_score_bytes(spec, wl.prefill_tokens),
        sampling_s=engine_for(wl).sampling_seconds(spec),
        **kv_read_curve(spec, wl, est.kv_cache_bytes),
    )


def attention_flops_curve(spec: ModelSpec, context: int) -> tuple[tuple[int, float], ...]:
    """attention_flops_decode at the curve's points, from the layers counted once per window."""
    per_key = attention_flops_decode(spec, 1)  # every attention layer scores one key at context 1
    if not per_key:
        return ()
    windows = memo(spec, ("speed windows",), lambda: _window_counts(spec))
    layers = sum(windows.values())
    return tuple((x, per_key / layers * sum(n * (min(x, w) if w else x) for w, n in windows.items()))
                 for x in curve_points(spec, context))


def _window_counts(spec: ModelSpec) -> dict[int | None, int]:
    counts: dict[int | None, int] = {}
    for i in range(spec.num_layers):
        w = spec.layer_window(i)
        counts[w] = counts.get(w, 0) + 1
    return counts


def layer_parts(spec: ModelSpec) -> dict[str, int]:
    """How many blocks hold each part an engine counts kernels for (hardware/speed._latency_layers).

    Every token mixer and every FFN is a sub-block with its norm and residual ('block'); mixers by kind
    (attention of any window, Gated DeltaNet, Mamba, short conv; a hybrid block runs attention and Mamba
    side by side), FFNs dense or routed, plus a shared expert beside each routed one.
    """
    return dict(memo(spec, ("speed layer parts",), lambda: _layer_parts(spec)))


def _layer_parts(spec: ModelSpec) -> dict[str, int]:
    # A block's parts depend only on its mixer kind, routed or not, and dense MLP or not: each such
    # kind is counted once, times its blocks (issue 15: `fit --all`), its parts kept in the order
    # they first appear along the layers.
    moe = spec.moe_layers if spec.num_experts else ()
    blocks: dict[tuple[str, bool, bool], list[int]] = {}  # -> [its first block, how many]
    for i in range(spec.num_layers):
        key = (spec.layer_type(i), bool(moe and moe[i]), spec.has_mlp(i))
        seen = blocks.get(key)
        if seen is None:
            blocks[key] = [i, 1]
        else:
            seen[1] += 1
    parts: dict[str, int] = {}
    for first, count in blocks.values():
        for part, n in _block_parts(spec, first, moe).items():
            parts[part] = parts.get(part, 0) + n * count
    return parts


def _block_parts(spec: ModelSpec, i: int, moe: tuple[bool, ...]) -> dict[str, int]:
    parts: dict[str, int] = {}

    def add(part: str) -> None:
        parts[part] = parts.get(part, 0) + 1

    kind = spec.layer_type(i)
    if kind != "none":
        add("block")
    if kind == "hybrid":
        add("attention")
        add("mamba")
    elif kind in ("linear_attention", "mamba", "conv"):
        add(kind)
    elif kind != "none":
        add("mla" if spec.is_mla else "attention")
    if moe and moe[i]:
        add("block")
        add("moe_ffn")
        if spec.num_shared_experts:
            add("shared_expert")
    elif spec.has_mlp(i):
        add("block")
        add("dense_ffn")
    _add_feature_parts(spec, i, kind, bool(moe and moe[i]), add)
    return parts


def _add_feature_parts(spec: ModelSpec, i: int, kind: str, routed: bool, add: Callable[[str], None]) -> None:
    """Block features an engine may count extra graph nodes for (estimate/engines/llama_cpp_nodes.py).

    Engines that name none of these parts (vLLM's and SGLang's fused kernel counts) are unchanged.
    """
    if kind == "none":
        return
    for _ in range(max(0, spec.norms_per_layer - 2)):
        add("extra_norm")
    if spec.layer_scalar:
        add("layer_scalar")
    if kind not in ("linear_attention", "mamba", "conv"):
        if spec.qk_norm != "none":
            add("qk_norm")
        for _ in range((1 if spec.fused_qkv else 3) * spec.qkv_bias + spec.o_bias):
            add("proj_bias")
        if spec.attn_output_gate:
            add("output_gate")
    if routed:
        if spec.num_shared_experts and spec.shared_expert_gate:
            add("shared_expert_gate")
        if spec.router_scales:
            add("router_norm")
        if spec.expert_bias:
            add("expert_bias")
        if spec.router_bias:
            add("router_bias")


def kv_read_curve(spec: ModelSpec, wl: Workload, kv_on_gpu: int) -> dict[str, Any]:
    """What one decode step reads of the cache, per layer kind, scaled to the busiest GPU's share.

    Full-attention layers read every cached token; sliding-window (and chunked) layers at most their
    window, as the engine keeps it (FlashAttention's window_size and llama.cpp's SWA cache skip the
    rest); MLA layers their compressed latent (the engine's per-token bytes); linear-attention and
    Mamba layers a fixed state instead of a cache. The curve is exact and piecewise linear: its kinks
    are the windows. `kv_on_gpu` (the estimate's KV at the workload's context) gives the GPU's share.
    """
    if kv_on_gpu <= 0 or spec.compressed is not None:
        return {}  # DeepSeek V4's pooled caches: the linear rule (their pools grow 1 per `rate` tokens)
    from llmsize.estimate import kv_cache
    from llmsize.estimate.weights import compute_dtype

    compute = compute_dtype(spec, wl)
    kv_dtype = kv_cache.kv_dtype_for(wl, compute)
    layers = range(spec.num_layers)
    terms = kv_cache.kv_terms(spec, wl, kv_dtype, layers, compute)
    eng = engine_for(wl)
    whole = kv_cache.kv_bytes(terms, eng, wl.context, min(wl.prefill_tokens, wl.context), wl.batch)
    if whole <= 0:
        return {}
    share = kv_on_gpu / whole
    state = sum(t.layers * t.state_bytes for t in terms if t.state_bytes) * wl.batch
    attn = [t for t in terms if not t.state_bytes]

    def read(ctx: int) -> int:
        # The positions the engine holds are the ones its kernel runs over: vLLM's FlashAttention
        # skips what lies outside the window, llama.cpp's attention spans the SWA cache's cells (window
        # plus a ubatch) and masks the rest (tokens_held of each engine module).
        held = kv_cache.kv_bytes(attn, eng, ctx, min(wl.prefill_tokens, ctx), wl.batch)
        return int(held * share)

    chunk = eng.prefill_chunk() or (eng.speed.prefill_chunk_tokens if eng.speed else None)
    points = curve_points(spec, wl.context, chunk)
    return {"kv_read_curve": tuple((x, read(x)) for x in points), "state_bytes_per_gpu": int(state * share)}


def curve_points(spec: ModelSpec, context: int, chunk: int | None = None) -> list[int]:
    """Contexts at which the per-kind curves are sampled: their kinks (each window, and a window plus
    the engine's prompt chunk where its cache holds that much more, llama.cpp), the context, and a
    point past all of them that sets the slope beyond."""
    windows = {w for w in memo(spec, ("speed windows",), lambda: _window_counts(spec)) if w}
    kinks = {*windows, *(w + chunk for w in windows if chunk)}
    last = max([*kinks, context, 1])
    # Doublings from 64 tokens follow what the kinks miss: cells held in padded blocks (llama.cpp pads
    # its cache view to 256 cells) and windows shared by a batch.
    doubling = {1 << k for k in range(6, max(7, (2 * last).bit_length() + 1))}
    return sorted({0, *kinks, context, *doubling})


def routed_active_params(spec: ModelSpec) -> int:
    """Routed-expert parameters one token runs: top-k of E experts' share of the expert weights."""
    if not spec.num_experts:
        return 0
    experts = sum(g.numel for g in param_inventory(spec) if g.kind == "expert")
    return int(experts * spec.num_experts_per_tok / spec.num_experts)


def routed_weight_share(spec: ModelSpec) -> float:
    """Share of the parameters that are routed-expert weights (0 for a dense model)."""
    if not spec.num_experts:
        return 0.0
    groups = param_inventory(spec)
    total = sum(g.numel for g in groups)
    return sum(g.numel for g in groups if g.kind == "expert") / total if total else 0.0


def kernel_family(spec: ModelSpec, wl: Workload) -> str:
    """The weight-kernel family a decode step runs: 16bit, fp8, int8, int4, awq, gguf or bnb."""
    try:
        from llmsize.estimate.weights import effective_format
    except ImportError:  # pragma: no cover - the memory model ships it
        fmt = spec.weight_format
    else:
        fmt, _ = effective_format(spec, wl)
    quant = fmt.quant
    if quant is None:
        return "fp8" if fmt.dtype == "fp8" else ("int8" if fmt.dtype == "int8" else
                                                   "int4" if fmt.dtype == "int4" else "16bit")
    if quant == QuantMethod.GGUF:
        return "gguf"
    if quant == QuantMethod.FP8:
        return "fp8"
    if quant in (QuantMethod.BNB_NF4, QuantMethod.BNB_FP4, QuantMethod.BNB_INT8):
        return "bnb"
    bits = fmt.bits or 4
    if bits >= 8:
        return "int8"
    return "awq" if quant == QuantMethod.AWQ else "int4"



def read_fraction(spec: ModelSpec, batch: int) -> float:
    """Share of the weight parameters one decode step reads.

    The embedding table is a lookup (only `batch` rows are read) unless it doubles as the head (the
    per-layer embedding table of Gemma 3n / Gemma 4 E-models never does);
    routed experts are read only when some token of the batch picks them: with uniform routing of
    k of E experts, a layer's expert is untouched with probability (1 - k/E)^batch.
    """
    groups = param_inventory(spec)
    total = sum(g.numel for g in groups)
    if total == 0:
        return 1.0
    skipped = 0.0
    for g in groups:
        # Gemma 3n / Gemma 4's per-layer table (embed_tokens_per_layer) is a lookup whatever the head.
        lookup = not spec.tie_word_embeddings or g.name == "embed_tokens_per_layer"
        if g.kind == "embedding" and lookup:
            skipped += g.numel
        elif g.kind == "expert" and spec.num_experts:
            untouched = (1 - spec.num_experts_per_tok / spec.num_experts) ** batch
            skipped += g.numel * untouched
    return max(0.0, 1 - skipped / total)


def _device_weights(est: Estimate) -> int:
    """Weights on the busiest GPU as the engine places them (all of them for engines without a split)."""
    fig = est.engine_figures
    return fig.device_weights_bytes if fig is not None else est.weights_bytes


def expert_read_fraction(spec: ModelSpec, batch: int) -> float:
    """Share of one layer's routed experts a decode step of `batch` tokens reads (uniform routing)."""
    if not spec.num_experts:
        return 1.0
    return 1 - (1 - spec.num_experts_per_tok / spec.num_experts) ** batch


def _weight_format(spec: ModelSpec, wl: Workload) -> tuple[str, QuantMethod | None]:
    try:
        from llmsize.estimate.weights import effective_format
    except ImportError:  # pragma: no cover - the memory model ships it
        return spec.weight_format.dtype, spec.weight_format.quant
    fmt, _ = effective_format(spec, wl)
    return fmt.dtype, fmt.quant


def speed_dtype(spec: ModelSpec, wl: Workload) -> str:
    """The dtype the matmuls run in: fp8 for FP8 weights, else the activation dtype."""
    dtype, quant = _weight_format(spec, wl)
    if quant == QuantMethod.FP8 or (wl.dtype is not None and str(wl.dtype) == "fp8"):
        return "fp8"
    if wl.dtype is not None and str(wl.dtype) in ("fp32", "fp16", "bf16"):
        return str(wl.dtype)
    if quant in (QuantMethod.GPTQ, QuantMethod.AWQ, QuantMethod.GGUF):
        return "fp16"
    return dtype if dtype in ("fp32", "fp16", "bf16") else "bf16"


# REFERENCE: vLLM runs FP8 checkpoints on GPUs without FP8 tensor cores (compute capability < 8.9)
# as weight-only FP8 through the FP8 Marlin kernel, activations in 16 bit
# (https://docs.vllm.ai/en/latest/features/quantization/fp8.html); transformers' fine-grained FP8
# integration needs FP8 hardware and otherwise dequantizes the weights to bf16 on load.
FP8_FALLBACK = ("{gpu} has no FP8 tensor cores: vLLM runs these FP8 weights weight-only through its "
                "FP8 Marlin kernel (weights stay 8-bit, matmuls in 16-bit, no FP8 speed-up); "
                "transformers upcasts them to bf16 on load, doubling the weight memory")
# REFERENCE: vLLM refuses bfloat16 below compute capability 8.0 ("Bfloat16 is only supported on GPUs
# with compute capability of at least 8.0 ... use float16 instead", vllm/platforms/cuda.py).
BF16_FALLBACK = ("{gpu} has no native bf16: vLLM refuses it and PyTorch emulates it slowly; "
                 "use --dtype fp16 (engines pick float16 on this GPU)")
# Other vendors' stacks (ROCm, Metal/MLX, llama.cpp) convert on load; say so without CUDA specifics.
FP8_FALLBACK_OTHER = ("{gpu} has no FP8 tensor cores: engines keep FP8 weights only as storage and "
                      "compute in 16-bit, or convert them to 16-bit on load (doubling the weight memory)")
BF16_FALLBACK_OTHER = ("{gpu} lists no native bf16 arithmetic: engines compute in fp16 or convert the "
                       "weights on load; --dtype fp16 describes that run")


def dtype_warnings(spec: ModelSpec, wl: Workload, gpu: GpuSpec) -> list[str]:
    """Warnings (not errors) for precisions the GPU cannot run natively, with the engines' fallback."""
    out = []
    dtype, quant = _weight_format(spec, wl)
    asked_fp8 = wl.dtype is not None and str(wl.dtype) == "fp8"
    wants_fp8 = quant == QuantMethod.FP8 or dtype == "fp8" or asked_fp8
    nvidia = gpu.vendor == "nvidia"
    if wants_fp8 and not gpu.supports("fp8"):
        out.append((FP8_FALLBACK if nvidia else FP8_FALLBACK_OTHER).format(gpu=gpu.id))
    compute = speed_dtype(spec, wl)
    if compute == "bf16" and not gpu.supports("bf16"):
        out.append((BF16_FALLBACK if nvidia else BF16_FALLBACK_OTHER).format(gpu=gpu.id))
    if gpu.memory.unified and gpu.memory.gpu_share:
        out.append(f"{gpu.id}: unified memory, of which the GPU may use {gpu.memory.gpu_share:.0%} "
                   "(gpu_share in its GPU file)")
    elif gpu.memory.unified and gpu.memory.limit_rule is not None:
        from llmsize.hardware.unified import rule_note

        out.append(f"{gpu.id}: {rule_note(gpu.memory.limit_rule)}")
    return out


# ------------------------------------------------------------------------------ precision choices

def precision_options(spec: ModelSpec, wl: Workload, gpu: GpuSpec | None = None) -> list[PrecisionOption]:
    """Weight formats to try, best quality first, for the workload's engine.

    A quantized checkpoint, an explicit --dtype/--quant, or a training mode leaves one option.
    """
    if wl.quant is not None or wl.dtype is not None or spec.weight_format.quant is not None or (
            wl.mode is not Mode.INFERENCE):
        label = wl.quant or (str(wl.dtype) if wl.dtype else spec.weight_format.label())
        return [PrecisionOption(label=label, dtype=str(wl.dtype) if wl.dtype else None, quant=wl.quant)]
    half = "bf16" if gpu is None or gpu.supports("bf16") else "fp16"
    # Without native bf16 the unquantized parts (embeddings, norms, activations) run in fp16 too.
    rest = half if half == "fp16" else None
    eng = engine_for(wl)
    options = [PrecisionOption(label=half, dtype=half)]
    for quant in eng.quant_options():
        if quant == "fp8" and not (gpu is None or gpu.supports("fp8") or eng.fp8_weight_only):
            continue
        label = _QUANT_LABELS.get(quant, f"gguf {quant}")
        options.append(PrecisionOption(label=label, quant=quant, dtype=rest))
    return options


_QUANT_LABELS = {"fp8": "fp8", "gptq-int8": "gptq int8", "awq": "awq int4", "gptq": "gptq int4",
                 "bnb-int8": "bnb int8", "bnb-nf4": "bnb nf4", "nvfp4": "nvfp4"}


def _option_workload(wl: Workload, option: PrecisionOption) -> Workload:
    update: dict[str, Any] = {}
    if option.dtype is not None:
        update["dtype"] = option.dtype
    if option.quant is not None:
        update["quant"] = option.quant
    return derived_workload(wl, update)  # the same for every catalog model of `fit --all` (issue 15)


def best_precision(spec: ModelSpec, wl: Workload, gpu: GpuSpec, num_gpus: int | None = 1, *,
                   estimator: EstimateFn | None = None, efficiency: Efficiency | None = None,
                   batch_limit: bool = True, stop_at_first: bool = False,
                   ) -> tuple[list[PrecisionResult], int | None]:
    """Every precision option on `gpu` (or up to the first that fits) and the index of the best.

    Options are sized quickly (no limits); the best one is then planned in full (max context,
    max batch, speed), and so is the single option when nothing fits, to say why.
    """
    options = precision_options(spec, wl, gpu)
    # `fit --all` (stop_at_first, one GPU, the memory model's own estimates) shows only the first
    # format that fits: one whose weights alone are over the card is passed over unestimated (nobody
    # sees its row) and counted as tried (issue 15).
    listing = stop_at_first and num_gpus == 1 and estimator is None
    quick = listing and len(options) > 1
    passed_over = 0
    estimator = estimator or default_estimator()
    eff = efficiency or Efficiency()
    results: list[PrecisionResult] = []
    planners: list[Planner] = []
    refused: BadInputError | None = None
    planned = False  # the best row is already the full one
    for option in options:
        planner = Planner(spec, _option_workload(wl, option), estimator, eff)
        try:
            if quick and planner.cannot_fit_one(gpu):
                passed_over += 1
                continue
            full = _fitting_row(planner, gpu, num_gpus, batch_limit) if quick else None
            planned = full is not None
            row = full if full is not None else planner.plan(gpu, num_gpus, limits=False)
        except PlanError:
            raise
        except BadInputError as err:
            if len(options) == 1:
                raise
            refused = err
            continue  # a format this model cannot take (the estimator says why when asked directly)
        est = planner.estimate(planner.workload(Layout(row.tp, row.pp, row.dp)))
        figs = est.engine_figures  # weights on the GPU where the engine keeps some on the host
        on_gpu = figs.device_weights_bytes if figs is not None else est.weights_bytes
        results.append(PrecisionResult(option=option, row=row, weights_bytes=on_gpu,
                                       total_bytes=est.total_bytes))
        planners.append(planner)
        if stop_at_first and row.fits:
            break
    if not results and refused is not None and not passed_over:
        raise refused  # every precision refused for the same reason (an option of another engine, ...)
    best = next((i for i, r in enumerate(results) if r.row.fits), None)
    detail = best if best is not None else (0 if len(results) == 1 and not passed_over else None)
    # `fit --all` lists a model that fits in no format by its name and size alone: the format's quick
    # row already says it does not fit, and its full plan (longest context, speed) is never shown.
    if listing and best is None:
        detail = None
    if detail is not None and not planned:
        r = results[detail]
        full = planners[detail].fit_layout(gpu, Layout(r.row.tp, r.row.pp, r.row.dp), batch_limit=batch_limit)
        results[detail] = r.model_copy(update={"row": full})
    return results, best


def _fitting_row(planner: Planner, gpu: GpuSpec, num_gpus: int | None, batch_limit: bool) -> FitRow | None:
    """The full row (limits, speed) of the format when its layout fits, else None. The first format
    that fits ends `fit --all`'s loop and is then planned in full, so its quick row is skipped
    (issue 15). Where planning it in full is refused, None: the quick row and the full plan after
    the loop then raise as before."""
    layout, fits = planner.choose_layout(gpu, num_gpus)
    if not fits:
        return None
    try:
        return planner.fit_layout(gpu, layout, batch_limit=batch_limit)
    except PlanError:
        raise
    except BadInputError:
        return None


class ModelFit(Record):
    """`llmsize fit`: the precisions tried for one model on one GPU, and the best that fits."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    model: str
    params: int
    active_params: int
    max_position_embeddings: int
    gpu: str
    options: tuple[PrecisionResult, ...]
    best: int | None

    @property
    def best_result(self) -> PrecisionResult | None:
        return self.options[self.best] if self.best is not None else None


def fit_model(spec: ModelSpec, wl: Workload, gpu: GpuSpec, num_gpus: int | None = 1, *,
              estimator: EstimateFn | None = None, efficiency: Efficiency | None = None,
              batch_limit: bool = True, stop_at_first: bool = False) -> ModelFit:
    """Best precision/quant of `spec` that fits `gpu` (see best_precision), as one result."""
    from llmsize.specs.params import active_params as count_active
    from llmsize.specs.params import total_params

    results, best = best_precision(spec, wl, gpu, num_gpus, estimator=estimator, efficiency=efficiency,
                                   batch_limit=batch_limit, stop_at_first=stop_at_first)
    return ModelFit(model=spec.name, params=total_params(spec), active_params=count_active(spec),
                    max_position_embeddings=spec.max_position_embeddings, gpu=gpu.id,
                    options=tuple(results), best=best)


def fit_catalog(specs: Iterable[ModelSpec], wl: Workload | Callable[[ModelSpec], Workload], gpu: GpuSpec,
                num_gpus: int | None = 1, *, estimator: EstimateFn | None = None,
                efficiency: Efficiency | None = None) -> list[ModelFit]:
    """`llmsize fit --all`: every catalog model's best fitting precision on `gpu`.

    `wl` is one workload, or how to build each model's (the CLI fills model-dependent defaults); a
    model the workload does not suit is skipped, but when none can be sized the refusal is raised.
    """
    from llmsize.hardware.fan_out import fan_out

    def one(spec: ModelSpec) -> ModelFit:
        model_wl = wl(spec) if callable(wl) else wl
        return fit_model(spec, model_wl, gpu, num_gpus, estimator=estimator, efficiency=efficiency,
                         batch_limit=False, stop_at_first=True)

    out = []
    first_refusal: BadInputError | None = None
    # The models are planned independently, in worker processes where there are several cores
    # (fan_out.py; issue 15): the answers, and the errors in catalog order, are the serial loop's.
    for outcome in fan_out(one, list(specs)):
        if isinstance(outcome, BadInputError):
            first_refusal = first_refusal or outcome
            continue  # e.g. a TP degree this model's heads cannot take
        if isinstance(outcome, Exception):
            raise outcome
        out.append(outcome)
    if not out and first_refusal is not None:
        raise first_refusal  # no model could be sized: the workload itself is refused (say why)
    return out


class CompareRow(Record):
    """One model (in one weight format) on one GPU kind, with the GPUs it needs."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    model: str
    weight_format: str
    weights_bytes: int
    params: int
    row: FitRow


def compare(models: Sequence[tuple[ModelSpec, Workload]], gpus: Sequence[GpuSpec],
            num_gpus: int | None = None, *, estimator: EstimateFn | None = None,
            efficiency: Efficiency | None = None, concurrency: Sequence[int] = ()) -> list[CompareRow]:
    """Every model on every GPU; `num_gpus` None = as many as each needs (auto).

    With `concurrency` levels, one row per model, GPU and level (see concurrency_rows).
    """
    estimator = estimator or default_estimator()
    eff = efficiency or Efficiency()
    rows = []
    for spec, wl in models:
        planner = Planner(spec, wl, estimator, eff)
        fmt = _format_label(spec, wl)
        whole = planner.estimate(planner.workload(Layout()))  # the whole model on one GPU
        fit_rows = (concurrency_rows(spec, wl, gpus, concurrency, num_gpus, estimator=estimator,
                                     efficiency=eff, limits=False) if concurrency
                    else [planner.plan(gpu, num_gpus, batch_limit=False) for gpu in gpus])
        rows += [CompareRow(model=spec.name, weight_format=fmt, weights_bytes=whole.weights_bytes,
                            params=whole.params, row=row) for row in fit_rows]
    return rows


def _format_label(spec: ModelSpec, wl: Workload) -> str:
    try:
        from llmsize.estimate.weights import effective_format
    except ImportError:  # pragma: no cover
        return spec.weight_format.label()
    return effective_format(spec, wl)[0].label()


def recommend(rows: Sequence[CompareRow]) -> list[str]:
    """One line per model: the GPU (count) to pick, and why; or what to change when nothing fits."""
    from llmsize.units import format_gib

    lines = []
    levels = [r.row.concurrency for r in rows if r.row.concurrency is not None]
    if levels:  # a concurrency sweep: recommend on the first level asked
        rows = [r for r in rows if r.row.concurrency == levels[0]]
    models = list(dict.fromkeys(r.model for r in rows))
    gpus = list(dict.fromkeys(r.row.gpu for r in rows))
    if len(models) > 1 and len(gpus) == 1:
        fitting = [r for r in rows if r.row.fits and r.row.count == 1]
        if not fitting:
            return [f"None of these fits one {gpus[0]}; try a smaller quantization or --num-gpus auto."]
        # More bits per parameter keep more quality: prefer the biggest weights that fit, then speed.
        best = max(fitting, key=lambda r: (r.weights_bytes / max(1, r.params),
                                           r.row.decode_tokens_per_s or 0))
        fastest = max(fitting, key=lambda r: r.row.decode_tokens_per_s or 0)
        line = (f"Recommendation: {best.model} ({best.weight_format}) on {gpus[0]}: the most bits per "
                f"weight that fit, {format_gib(best.row.headroom_bytes)} to spare")
        if fastest is not best and fastest.row.decode_tokens_per_s and best.row.decode_tokens_per_s:
            ratio = fastest.row.decode_tokens_per_s / best.row.decode_tokens_per_s
            line += f"; {fastest.model} ({fastest.weight_format}) decodes {ratio:.1f}x faster"
        return [line + "."]
    for model in models:
        mine = [r for r in rows if r.model == model]
        fitting = [r for r in mine if r.row.fits]
        prefix = f"{model}: " if len(models) > 1 else ""
        if not fitting:
            lines.append(f"{prefix}nothing fits; try a quantized variant, a shorter --context or more GPUs.")
            continue
        best = min(fitting, key=lambda r: (r.row.count, -(r.row.decode_tokens_per_s or 0)))
        fastest = max(fitting, key=lambda r: r.row.aggregate_tokens_per_s or r.row.decode_tokens_per_s or 0)
        speed = (f", ~{best.row.decode_tokens_per_s:,.0f} tokens/s ({best.row.speed_class})"
                 if best.row.decode_tokens_per_s else "")
        line = (f"{prefix}Recommendation: {best.row.count}x {best.row.gpu} — the fewest GPUs that fit, "
                f"{format_gib(best.row.headroom_bytes)} headroom each{speed}")
        if fastest.row.gpu != best.row.gpu and fastest.row.decode_tokens_per_s:
            line += (f"; fastest: {fastest.row.count}x {fastest.row.gpu} "
                     f"(~{fastest.row.decode_tokens_per_s:,.0f} tokens/s)")
        lines.append(line + ".")
    return lines


def plan_fit_rows(spec: ModelSpec, wl: Workload, gpus: Iterable[GpuSpec], num_gpus: int | None = 1, *,
                  estimator: EstimateFn | None = None, efficiency: Efficiency | None = None,
                  limits: bool = True, concurrency: Sequence[int] = ()) -> list[FitRow]:
    """Fit rows for several GPUs sharing one planner (so shared layouts are estimated once).

    For `llmsize estimate --gpu X [--num-gpus N|auto]`: `num_gpus` None means auto.
    """
    gpus = list(gpus)
    if concurrency:
        return concurrency_rows(spec, wl, gpus, concurrency, num_gpus, estimator=estimator,
                                efficiency=efficiency, limits=limits)
    planner = Planner(spec, wl, estimator, efficiency or Efficiency())
    return [planner.plan(gpu, num_gpus, limits=limits) for gpu in gpus]


def concurrency_sweep(spec: ModelSpec, wl: Workload, gpu: GpuSpec, result: ModelFit, levels: Sequence[int],
                      num_gpus: int | None = 1, *, efficiency: Efficiency | None = None) -> list[FitRow]:
    """`fit --concurrency`: the sweep of the precision `fit` chose (the first tried when none fits)."""
    chosen = result.best_result or (result.options[0] if result.options else None)
    if chosen is None:
        return []
    return concurrency_rows(spec, _option_workload(wl, chosen.option), [gpu], levels, num_gpus,
                            efficiency=efficiency, limits=False)


def concurrency_rows(spec: ModelSpec, wl: Workload, gpus: Iterable[GpuSpec], levels: Sequence[int],
                     num_gpus: int | None = 1, *, estimator: EstimateFn | None = None,
                     efficiency: Efficiency | None = None, limits: bool = True) -> list[FitRow]:
    """One fit row per GPU and concurrency level: `levels` sequences decoding together at the context.

    Each level is the workload's batch (the KV cache of every sequence is held, the weights are read
    once per step for all of them), so per-sequence speed falls and aggregate throughput rises until
    the KV pool is full (the row then does not fit) or decode turns compute-bound.
    """
    bad = [n for n in levels if n < 1]
    if bad or not levels:
        raise BadInputError("--concurrency takes positive integers, e.g. 1,8,32")
    gpus = list(gpus)
    eff = efficiency or Efficiency()
    base = Planner(spec, wl.model_copy(update={"batch": 1}), estimator, eff)
    caps: dict[str, int | None] = {}
    pooled: dict[str, tuple[Layout, FitRow]] = {}
    for gpu in gpus:
        # The KV pool's cap: how many sequences of this context the memory left after weights holds
        # (vLLM's "Maximum concurrency" line; the largest batch that fits for the other engines).
        layout, _ = base.choose_layout(gpu, num_gpus)
        one = base.fit_layout(gpu, layout, limits=limits, batch_limit=False)
        usable = base.usable(gpu)
        caps[gpu.id] = one.max_concurrent_seqs or base.max_batch(usable, layout)
        if one.max_concurrent_seqs is not None:
            pooled[gpu.id] = (layout, one)
    rows = []
    for level in levels:
        planner = Planner(spec, wl.model_copy(update={"batch": level}), estimator, eff)
        for gpu in gpus:
            if gpu.id in pooled:
                rows.append(_pooled_level(base, gpu, *pooled[gpu.id], level))
                continue
            row = planner.plan(gpu, num_gpus, limits=limits, batch_limit=False)
            rows.append(row.model_copy(update={"concurrency": level,
                                               "max_concurrent_seqs": caps[gpu.id]}))
    return rows


def _pooled_level(base: Planner, gpu: GpuSpec, layout: Layout, one: FitRow, level: int) -> FitRow:
    """A concurrency level on an engine that pre-allocates its KV pool (vLLM).

    The memory is the same at every level (weights, the profile run's activations and the pool all
    sit inside gpu_memory_utilization: vllm/v1/worker/gpu_worker.py Worker.determine_available_memory); a
    level runs when the pool holds that many sequences of the context (its "Maximum concurrency"),
    and the prompts are prefilled in the scheduler's token budget, not all at once.
    """
    cap = one.max_concurrent_seqs
    fits = one.fits and (cap is None or level <= cap)
    wl = base.workload(layout, batch=level)
    speed = base.speed(gpu, layout, base.estimate(wl), wl) if fits else None
    update: dict[str, object] = {"concurrency": level, "fits": fits}
    if speed is not None:
        tokens = speed.aggregate_tokens_per_s or speed.decode_tokens_per_s
        per_hour, per_mtok = plan_cost(gpu, one.count, tokens)
        update.update(
            decode_tokens_per_s=speed.decode_tokens_per_s, ttft_s=speed.ttft_s, tpot_s=speed.tpot_s,
            aggregate_tokens_per_s=speed.aggregate_tokens_per_s, speed_class=speed.speed_class,
            prefill_tokens_per_s=speed.prefill_tokens_per_s, ttft_class=speed.ttft_class,
            decode_bound=speed.decode_bound, compute_bound_concurrency=speed.compute_bound_concurrency,
            speed_constants=speed.constants.model_dump(mode="json") if speed.constants else None,
            usd_per_hour=per_hour, usd_per_million_output_tokens=per_mtok,
            serving_tpot_s=serving_tpot_s(speed.tpot_s, speed.ttft_s, level, wl.context - wl.prefill_tokens),
            serving_output_tokens_per_s=serving_output_tokens_per_s(
                speed.tpot_s, speed.ttft_s, level, wl.context - wl.prefill_tokens))
    else:
        update.update(decode_tokens_per_s=None, ttft_s=None, tpot_s=None, aggregate_tokens_per_s=None,
                      speed_class=None, prefill_tokens_per_s=None, ttft_class=None, decode_bound=None,
                      usd_per_million_output_tokens=None, serving_tpot_s=None,
                      serving_output_tokens_per_s=None)
        if one.fits:
            update["reason"] = (f"{level} sequences of {base.wl.context:,} tokens exceed the KV pool, "
                                f"which holds {cap:,}")
    return one.model_copy(update=update)
