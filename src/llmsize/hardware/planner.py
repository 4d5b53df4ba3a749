"""The Planner: one model and workload on GPUs, its layouts, limits, speed and fit rows.

It asks the estimator about candidate layouts (layout.py) and turns the answers into FitRows;
`--num-gpus auto` takes the smallest GPU count (then the preferred layout) that fits. The estimate
at each layout is memoised, so 40 GPUs share the same few evaluations; the reverse questions
(longest context, largest batch) run limit_search.py on those estimates.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llmsize.errors import BadInputError
from llmsize.estimate.engines import Budget, engine_for
from llmsize.estimate.resolved import resolve_workload
from llmsize.estimate.result import Estimate
from llmsize.estimate.weights_floor import single_gpu_weights_floor
from llmsize.estimate.workload import MAX_TOKENS, Mode, Workload
from llmsize.hardware.derived_workload import derived_workload
from llmsize.hardware.dtype_warnings import dtype_warnings
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.engine_context_cap import engine_context_cap
from llmsize.hardware.fewer_gpus import fewer_gpus_layout
from llmsize.hardware.fit import fit, visible_memory_bytes, workload_usable_bytes
from llmsize.hardware.fit_models import FitRow
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.host_upload import host_flops, prompt_upload_bytes
from llmsize.hardware.layout import (
    AUTO_COUNTS,
    GPUS_PER_NODE,
    MAX_SEARCHED_PP,
    Layout,
    PlanError,
    _divisors,
    pp_problem,
    tp_problem,
)
from llmsize.hardware.limit_search import largest_within, longest_before_over
from llmsize.hardware.offload_notes import _auto_offload_note, _host_speed_note
from llmsize.hardware.plan_estimator import EstimateFn, default_estimator
from llmsize.hardware.read_share import expert_read_fraction, read_fraction
from llmsize.records import ValidationError
from llmsize.specs.models import ModelSpec

if TYPE_CHECKING:  # the speed model is imported where a plan asks for a speed (issue 15: sizes-only rows)
    from llmsize.hardware.speed_records import SpeedEstimate, SpeedInputs

MAX_BATCH_SEARCH = 1 << 20


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


def with_gpu_defaults(wl: Workload, gpu: GpuSpec) -> Workload:
    """`wl` with the engine's GPU-dependent defaults for `gpu` (vLLM's and SGLang's batch sizes, the
    MXFP4 kernel, llama.cpp's / Ollama's ggml backend on Intel GPUs): what every fit row is planned
    with, and so what a one-GPU breakdown must use too."""
    return engine_for(wl).gpu_defaults(
        wl, visible_memory_bytes(gpu), gpu.name or gpu.id, gpu.architecture, gpu.segment,
        gpu.compute_units, gpu.interconnect.name if gpu.interconnect else "", gpu.vendor,
    )


@dataclass
class Planner:
    """Plans one model and workload on GPUs; memoises every estimate it asks for."""

    spec: ModelSpec
    wl: Workload
    estimator: EstimateFn | None = None
    efficiency: Efficiency = field(default_factory=Efficiency)
    _memo: dict[Hashable, Estimate] = field(default_factory=dict, repr=False)  # by _memo_key
    # Totals already computed along one search axis: (layout, axis, other value) -> {x: bytes}.
    _curves: dict[tuple[Layout, str, int], dict[int, int]] = field(default_factory=dict, repr=False)
    _subs: dict[Workload, Planner] = field(default_factory=dict, repr=False)
    # Speeds already computed: (id(gpu), layout, workload) -> (gpu, speed). A fit row is built twice
    # for the precision that fits (quick, then with its limits) and the speed is the same (issue 15).
    _speeds: dict[tuple[int, Layout, Workload], tuple[GpuSpec, SpeedEstimate]] = field(
        default_factory=dict, repr=False)
    # What the speed model reads of an estimate, kept per (layout, workload, engine): none of it
    # depends on the GPU, so `compare --gpus all` builds it once per model and layout, not per GPU
    # (issue 15: 1,730 builds for 10 models on 173 GPUs). Kept with its estimate, which must match.
    _inputs: dict[tuple[Layout, Workload, str | None], tuple[Estimate, SpeedInputs]] = field(
        default_factory=dict, repr=False)
    _workloads: dict[tuple[Layout | None, tuple[tuple[str, type, Any], ...]], Workload] = field(
        default_factory=dict, repr=False)
    # The memo's key of each workload asked (_memo_key), shared with the GPU planners like the memo.
    _keys: dict[Workload, Hashable] = field(default_factory=dict, repr=False)
    # choose_layout's answers by what it reads of the card (see there): cards alike share one search.
    _chosen: dict[tuple[int | None, int, int, bool], tuple[Layout, bool]] = field(default_factory=dict,
                                                                                 repr=False)

    def __post_init__(self) -> None:
        if self.estimator is None:
            self.estimator = default_estimator()

    # --- estimates ---------------------------------------------------------------------------------
    def estimate(self, wl: Workload) -> Estimate:
        key = self._memo_key(wl)
        est = self._memo.get(key)
        if est is None:
            assert self.estimator is not None
            est = self.estimator(self.spec, wl)
            self._memo[key] = est
        return est

    def _memo_key(self, wl: Workload) -> Hashable:
        """The estimate's key: `wl`, or, for the memory model's own estimates where the engine says what
        they read of the card's architecture and segment (BaseEngine.gpu_facts_read), `wl` without those
        two fields and with what is read of them. `compare --gpus all` then sizes a layout once for the
        cards an engine does not tell apart, not once per architecture (issue 15; SGLang: 88 GPU
        workloads of the 173 catalog cards are 12; bench/compare_identical.py)."""
        key = self._keys.get(wl)
        if key is None:
            facts = engine_for(wl).gpu_facts_read() if self.estimator is default_estimator() else None
            key = wl if facts is None else (
                wl.model_copy(update={"gpu_architecture": None, "gpu_segment": None}), facts)
            self._keys[wl] = key
        return key

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
        wl = with_gpu_defaults(self.wl, gpu)
        if wl == self.wl:
            return self
        sub = self._subs.get(wl)
        if sub is None:
            sub = Planner(self.spec, wl, self.estimator, self.efficiency, _memo=self._memo,
                          _inputs=self._inputs, _keys=self._keys)
            self._subs[wl] = sub
        return sub

    def budget(self, gpu: GpuSpec, wl: Workload) -> Budget:
        est = self.estimate(wl)
        return engine_for(wl).budget(est, visible_memory_bytes(gpu), wl, unified=gpu.host_ram_in_budget)

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
        if self.tp_problem(1) is not None:  # one GPU is no layout the engine starts (vLLM -dcp 2): search
            return False
        one = wl if wl.num_gpus == 1 else sub.workload(Layout())  # tp = pp = 1: already that layout
        floor = single_gpu_weights_floor(self.spec, one)  # below the weights: no group sized
        if floor is not None and engine_for(one).need_floor(floor) > visible_memory_bytes(gpu):
            return True
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
        when nothing else divides the count. Training: data parallelism first (DDP as torchrun
        launches it; with ZeRO it shards the training state with the least communication), then
        pipeline stages (a model loaded with device_map="auto" is split by layers over the GPUs,
        transformers modeling_utils `from_pretrained` + accelerate `infer_auto_device_map`, and the
        Trainer runs it as naive model parallelism: trainer.py `is_parallelizable`/`model_parallel`);
        tensor parallelism only when --tp asks for it. Inference under transformers likewise: layers split
        with device_map="auto", TP only with --tp (`tensor_parallel_by_default`). llama.cpp: pipeline
        (layer) split first. A
        --tp/--pp the workload names is kept.
        """
        # Training frameworks (Trainer/accelerate, TRL, torchtune, axolotl, LLaMA-Factory) launch
        # one replica per GPU with torchrun: DDP without --zero, ZeRO/FSDP with it. TP only when asked.
        sharded_dp = self.wl.mode.trains
        # transformers inference: device_map="auto" splits by layers; TP only with --tp (tp_plan="auto")
        tp_asked_only = sharded_dp or not engine_for(self.wl).tensor_parallel_by_default()
        # An engine with its own layer split (llama.cpp --split-mode layer) takes no tensor parallelism.
        own_split = engine_for(self.wl).stages(self.spec, self.wl) is not None
        out: list[tuple[tuple[int, ...], Layout]] = []
        for tp in _divisors(count):
            if tp > GPUS_PER_NODE or self.tp_problem(tp) or (self.wl.tp > 1 and tp != self.wl.tp):
                continue
            if own_split and tp > 1:
                continue
            if tp_asked_only and tp > 1 and self.wl.tp != tp:  # training, transformers: TP only when asked
                continue
            for pp in _divisors(count // tp):
                if pp_problem(self.spec, pp) or (self.wl.pp > 1 and pp != self.wl.pp):
                    continue
                if pp > MAX_SEARCHED_PP and pp != self.wl.pp:  # deeper than any real pipeline (layout.py)
                    continue
                dp = count // (tp * pp)
                if dp % self.wl.data_parallel:  # vLLM --dp engine cores are part of every layout
                    continue
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
        dp = self.wl.data_parallel  # vLLM --dp: engine cores the layout holds (vllm_expert_parallel.py)
        if self.wl.tp > 1 or self.wl.pp > 1 or dp > 1 or (self.wl.mode.trains and self.wl.zero > 0):
            if num_gpus % (self.wl.tp * self.wl.pp * dp):
                # only the degrees given: `plan` has no --tp, and `plan --dp 2 --num-gpus 1` named it
                layout = " x ".join(f"--{name} {degree}" for name, degree in
                                    (("tp", self.wl.tp), ("pp", self.wl.pp), ("dp", dp)) if degree > 1)
                raise BadInputError(
                    f"--num-gpus {num_gpus} is not a multiple of the {self.wl.tp * self.wl.pp * dp} GPUs "
                    f"{layout} holds")
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
        est = self._memo.get(self._memo_key(asked))
        eng = engine_for(asked)
        if est is not None:  # the estimate at the asked context is usually known already
            at_asked = known.setdefault(asked.context, need(asked))
            # Only for inference where the need is the estimate's total: an engine's own pool or
            # cache padding, and training's other terms, make the guess miss (two probes lost)
            if asked.mode is Mode.INFERENCE and (gpu is None or eng.need_floor(1) == 1):
                guess = _context_guess(est, asked.context, at_asked, usable)
        align = eng.context_alignment(self.spec, asked)
        chunk = eng.scan_chunk(self.spec, asked)
        # the engine's limit: vLLM/SGLang refuse a context above the length they derive (serving_context.py)
        return longest_before_over(total, usable, eng.context_limit(self.spec, asked), align, known, guess,
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
        if kept is not None and kept[0] is gpu and self._memo.get(self._memo_key(wl)) is est:
            return kept[1]
        speed = self._speed(gpu, layout, est, wl)
        self._speeds[key] = (gpu, speed)
        return speed

    def _speed(self, gpu: GpuSpec, layout: Layout, est: Estimate, wl: Workload) -> SpeedEstimate:
        from llmsize.hardware.speed import estimate_speed

        return estimate_speed(self.speed_inputs_for(layout, est, wl), gpu, self.efficiency)

    def auto_offload(self, gpu: GpuSpec, layout: Layout) -> Workload | None:
        """The workload as an engine that offloads by itself runs a model that does not fit (Ollama:
        estimate/engines/ollama_offload.py), with `gpu_layers` set to the layers it keeps on the GPU;
        None when the engine would refuse to load it or it fits."""
        wl = self.workload(layout)
        budget = self.budget(gpu, wl)
        if budget.fits:
            return None
        if gpu.memory.unified and _machine_need(gpu, budget, self.estimate(wl)) > gpu.memory_bytes:
            return None  # the CPU layers would come out of the same memory: the machine cannot hold it
        layers = engine_for(wl).auto_gpu_layers(self.estimate(wl), budget.usable_bytes, self.spec.num_layers,
                                                self.spec, self.split_need(gpu, layout))
        return None if layers is None else self.workload(layout, gpu_layers=layers)

    def split_need(self, gpu: GpuSpec, layout: Layout) -> Callable[[int], int]:
        """Device bytes of `layout` with n blocks on the GPU: the split's own estimate, whose compute buffer
        is that of the partial offload (op-offload copies included, llama_cpp_op_offload.py)."""
        return lambda n: self.budget(gpu, self.workload(layout, gpu_layers=n)).need_bytes

    def speed_inputs_for(self, layout: Layout, est: Estimate, wl: Workload,
                         engine: str | None = None) -> SpeedInputs:
        """What the speed model reads of `wl` on `layout`, host-resident layers and experts included
        (`engine`: another speed profile than the workload's, as speed_inputs takes)."""
        key = (layout, wl, engine)
        kept = self._inputs.get(key)
        if kept is not None and kept[0] is est:
            return kept[1]
        inputs = self._speed_inputs_for(layout, est, wl, engine)
        self._inputs[key] = (est, inputs)
        return inputs

    def _speed_inputs_for(self, layout: Layout, est: Estimate, wl: Workload,
                          engine: str | None = None) -> SpeedInputs:
        from llmsize.hardware.speed_inputs import speed_inputs

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
            upload = prompt_upload_bytes(self.spec, wl, inputs, host_w, experts_only=cpu_moe and not partial)
            on_cpu = host_flops(self.spec, wl, inputs, host_read, partial)
            inputs = inputs.model_copy(update={
                "host_weight_bytes": host_read, "host_kv_bytes": host_kv,
                "host_upload_bytes": upload, "host_prompt_flops": on_cpu,
                "active_weight_bytes_per_gpu": max(0, inputs.active_weight_bytes_per_gpu - host_read),
                "weight_bytes_per_gpu": on_gpu, "routed_weight_bytes_per_gpu": routed})
        return inputs

    # --- fit rows ----------------------------------------------------------------------------------
    def fit_layout(self, gpu: GpuSpec, layout: Layout, *, limits: bool = True, batch_limit: bool = True,
                   notes: tuple[str, ...] = (), with_speed: bool = True,
                   offload_split: bool = True) -> FitRow:
        """FitRow for `layout` on `gpu`, with max context (and batch), speed and engine answers
        (`with_speed` False: no speed, for a table that does not show it; `offload_split` False: a row
        that does not fit gets no --gpu-layers split nor the engine's own offload, for a table that
        lists only the models that fit: `fit --all`'s sizes-only rows, hardware/precision.best_precision)."""
        sub = self.for_gpu(gpu)
        if sub is not self:
            return sub.fit_layout(gpu, layout, limits=limits, batch_limit=batch_limit, notes=notes,
                                  with_speed=with_speed, offload_split=offload_split)
        self.check_layout(layout)
        wl = self.workload(layout)
        est = self.estimate(wl)
        eng = engine_for(wl)
        bud = self.budget(gpu, wl)
        usable = bud.usable_bytes
        fits = bud.fits
        foreign = eng.backend_note(gpu.vendor)  # the engine reaches this vendor through another backend
        warnings = tuple(dict.fromkeys((*notes, *dtype_warnings(self.spec, wl, gpu), *est.warnings,
                                        *((foreign,) if foreign else ()))))
        max_ctx = max_b = seqs = layers = None
        if limits:
            max_ctx = self.max_context(usable, layout, gpu=gpu)
            if bud.max_context is not None:
                # the engine's own longest request bounds the memory search: SGLang starts with a pool
                # shorter than the context its need caps, and serves at most that (engine_context_cap.py)
                max_ctx = engine_context_cap(max_ctx, bud.max_context, eng.context_limit(self.spec, wl))
            if not fits and bud.max_context == 0:
                # the engine refuses to start at any context (SGLang's static share holds no pool):
                # the memory search alone read 170,997 tokens for a run that never starts (round 10)
                max_ctx = 0
            if batch_limit and bud.max_concurrency is None:
                max_b = self.max_batch(usable, layout, gpu=gpu)
        if bud.max_concurrency is not None:
            seqs = int(bud.max_concurrency)
            max_b = seqs
        full = self.workload(layout, gpu_layers=None) if wl.gpu_layers is not None else wl
        layers = eng.offload_layers(self.estimate(full), usable, self.spec.num_layers)
        if not fits and not offload_split:
            layers = None  # a split that no table shows: neither searched nor guessed (issue 15)
        speed = (self.speed(gpu, layout, est, wl)
                 if with_speed and fits and wl.mode is Mode.INFERENCE and gpu.speed_known else None)
        offloads = not fits and wl.gpu_layers is None and offload_split
        auto = self.auto_offload(gpu, layout) if offloads else None
        if auto is None and not fits and layers is not None and layers < self.spec.num_layers:
            # the --gpu-layers to try: the most whose split itself fits (its partial-offload compute
            # buffer, not the full offload's, as llama.cpp's --fit measures it: see
            # llama_cpp_placement.largest_fitting). Not where the engine splits by itself (Ollama):
            # its own count below is the row's (issue 15: ~2,300 estimates of `fit --all --engine
            # ollama` searched a count that was then replaced).
            need = self.split_need(gpu, layout)
            layers = largest_within(need, usable, 0, self.spec.num_layers, guess=layers) or 0
        auto_host = None
        if auto is not None and auto.gpu_layers is not None:
            layers = auto.gpu_layers
            if with_speed and wl.mode is Mode.INFERENCE and gpu.speed_known:
                speed = self.speed(gpu, layout, self.estimate(auto), auto)
            warnings = (*warnings, _auto_offload_note(eng, auto.gpu_layers, self.spec.num_layers,
                                                      gpu, self.efficiency, speed, self.spec.is_moe))
        if not fits and wl.gpu_layers is None and layers is not None and layers < self.spec.num_layers:
            # The split the engine runs by itself (Ollama) or the --gpu-layers it is told to try
            # (llama.cpp): its host RAM holds the CPU layers, their K/V and the host buffers.
            split = auto if auto is not None else self.workload(layout, gpu_layers=layers)
            auto_host = _host_bytes(self.estimate(split))
        if wl.gpu_layers is not None and wl.gpu_layers < self.spec.num_layers:
            on_cpu = self.spec.num_layers - wl.gpu_layers
            warnings = (*warnings, f"{on_cpu} of {self.spec.num_layers} layers run from CPU RAM: "
                        + _host_speed_note(gpu, self.efficiency, self.spec.is_moe))
        elif wl.n_cpu_moe and self.spec.is_moe:
            on_cpu = min(wl.n_cpu_moe, self.spec.num_layers)
            note = _host_speed_note(gpu, self.efficiency, experts=True)
            warnings = (*warnings, f"the experts of {on_cpu} of {self.spec.num_layers} layers run from CPU "
                        f"RAM (only the picked ones are read per token): {note}")
        row = fit(est, gpu, layout.count, engine=wl.engine,
                  gpu_memory_utilization=wl.gpu_memory_utilization, tp=layout.tp, pp=layout.pp,
                  dp=layout.dp, max_context=max_ctx, max_batch=max_b, speed=speed,
                  max_concurrent_seqs=seqs, gpu_layers=layers, total_layers=self.spec.num_layers,
                  warnings=warnings, wl=wl, offloaded=auto is not None, offload_host_bytes=auto_host)
        if not fits and offload_split and limits and auto is None:
            row = self._with_cpu_moe(row, gpu, layout, usable, with_speed)
        from llmsize.estimate.fp8_training import device_problem

        missing = eng.no_backend_for(gpu.vendor) or device_problem(wl, gpu.id, gpu.supports("fp8"))
        return _without_backend(row, missing)

    def _with_cpu_moe(self, row: FitRow, gpu: GpuSpec, layout: Layout, usable: int,
                      with_speed: bool) -> FitRow:
        """`row` with the fewest --n-cpu-moe layers that let a MoE fit one llama.cpp GPU, and its speed.

        llama-server's default --fit keeps the dense weights on the GPU and moves the experts of as many
        layers as needed to CPU RAM ("CUDA0 (NVIDIA GeForce RTX 4090): 48 layers (34 overflowing)" for
        Qwen3-30B-A3B f16: ggml-org/llama.cpp tools/fit-params/README.md), the same tensors --n-cpu-moe N
        keeps there. `fit gpt-oss-120b --gpu RTX-4090 --engine llama.cpp` offered --gpu-layers 14 (whole
        layers off the GPU, ~3x slower) and "--n-cpu-moe N" without an N (issue 15, newcomer round 14).
        Memory falls as N grows, so the search is over m = layers - N, whose need grows with m."""
        wl = self.workload(layout)
        top = self.spec.num_layers
        if (not self.spec.is_moe or wl.mode is not Mode.INFERENCE or wl.n_cpu_moe is not None
                or wl.gpu_layers is not None or layout.count != 1 or gpu.memory.unified
                or "n_cpu_moe" not in engine_for(wl).reads_options):
            return row

        def need(m: int) -> int:
            return self.budget(gpu, self.workload(layout, n_cpu_moe=top - m)).need_bytes

        kept = largest_within(need, usable, 0, top - 1)
        if kept is None:
            return row  # even every layer's experts in CPU RAM does not fit
        n = top - kept
        split = self.workload(layout, n_cpu_moe=n)
        tokens = None
        if with_speed and gpu.speed_known:
            tokens = self.speed(gpu, layout, self.estimate(split), split).decode_tokens_per_s
        return row.model_copy(update={"cpu_moe_layers": n, "cpu_moe_decode_tokens_per_s": tokens,
                                      "cpu_moe_host_bytes": _host_bytes(self.estimate(split))})

    def choose_layout(self, gpu: GpuSpec, num_gpus: int | None, *, fewest: int = 1) -> tuple[Layout, bool]:
        """(layout, fits): `num_gpus` None = auto, the smallest count that fits, from `fewest` GPUs (a
        caller that knows no smaller count fits: concurrency.py).

        The search reads of the card only its GPU workload (for_gpu), its visible memory and whether
        that memory is unified (usable, budget, _may_start), so cards equal in those share one answer:
        `compare --gpus all` has 136 such cards of 173 (issue 15). A refusal is not kept: it is raised
        again."""
        sub = self.for_gpu(gpu)
        if sub is not self:
            return sub.choose_layout(gpu, num_gpus, fewest=fewest)
        key = (num_gpus, fewest, visible_memory_bytes(gpu), gpu.memory.unified)
        kept = self._chosen.get(key)
        if kept is None:
            kept = self._chosen[key] = self._choose_layout(gpu, num_gpus, fewest)
        return kept

    def _choose_layout(self, gpu: GpuSpec, num_gpus: int | None, fewest: int) -> tuple[Layout, bool]:
        usable = self.usable(gpu)
        if num_gpus is not None:
            if num_gpus < 1:
                raise BadInputError("--num-gpus must be at least 1 (or 'auto')")
            explicit = self.explicit_layout(num_gpus)
            if explicit is not None:
                self.check_layout(explicit)
                return explicit, self.budget(gpu, self.workload(explicit)).fits
            known: dict[Hashable, Budget] = {}  # one budget per placement the engine tells apart
            candidates = self.layouts(num_gpus)
            chosen = self._first_fit(candidates, usable, gpu, known)[:2] if candidates else None
            if chosen is not None and chosen[1]:
                return chosen
            # With N GPUs one can always run an (N-1)-GPU layout and leave GPUs idle: some models
            # fit fewer GPUs better (a TP degree that divides the heads beats pipeline stages).
            fewer = self._fewer_gpus(gpu, num_gpus, usable, known)
            if fewer is not None:
                return fewer, True
            if chosen is None:
                nearby = self._nearby_counts(num_gpus)
                if not nearby:  # no count has a layout: the engine refuses every TP degree the heads allow
                    raise self._no_tp_degree()
                raise PlanError(f"{num_gpus} GPUs cannot be split into a tensor/pipeline layout of "
                                f"{self.spec.name}{self._engine_refusal(num_gpus)}; try "
                                f"{', '.join(map(str, nearby))}")
            return chosen
        best: tuple[Layout, bool] | None = None
        # Every count of AUTO_COUNTS is tried: the need is not provably non-increasing in the count
        # (llama.cpp's split points i/n are not nested, a second GPU adds its scheduler's graph
        # copies: llama_cpp_buffers.pipeline_parallel), so no monotone search skips any. Counts whose
        # placement the engine does not tell apart share one budget (engine placement_key).
        shared: dict[Hashable, Budget] = {}
        widest = self.widest_count(fewest)
        searched = False
        for count in AUTO_COUNTS:
            candidates = self.layouts(count) if count >= fewest else []
            if not candidates:
                continue
            if searched and count != widest:
                # layouts that cannot start are not estimated: none is this count's fit, and a wider
                # count's row replaces this count's when none fits
                candidates = self._may_start(gpu, candidates)
                if not candidates:
                    continue
            searched = True
            layout, fits, bud = self._first_fit(candidates, usable, gpu, shared)
            best = layout, fits
            if fits or bud.layout_independent:
                return best  # a refusal no GPU count lifts (a context vLLM refuses) stops at the fewest
        if best is None:  # --tp/--pp that no GPU count can hold (a TP degree the heads do not divide)
            searched = self.wl.tp == 1 and self.tp_problem(1) is not None  # the engine refuses every TP
            if searched:  # the heads allow some TP degrees, the engine none (vLLM -dcp 4 of 14 heads)
                raise self._no_tp_degree()
            asked = self.tp_problem(self.wl.tp) or pp_problem(self.spec, self.wl.pp)
            raise PlanError(asked or f"no tensor/pipeline layout of {self.spec.name} takes --tp "
                            f"{self.wl.tp} --pp {self.wl.pp}")
        return best

    def _engine_refusal(self, count: int) -> str:
        """Why the engine refuses TP `count` where the heads allow it, as a clause ('' when it does not):
        `fit --engine sglang --moe-a2a-backend deepep` on one GPU said only "try 2" (issue 15, round 20)."""
        if count > GPUS_PER_NODE or tp_problem(self.spec, count) is not None:
            return ""
        why = engine_for(self.wl).tp_problem(self.spec, count)
        return f" (the engine refuses TP {count}: {why.replace('; ', ', ')})" if why else ""

    def _no_tp_degree(self) -> PlanError:
        allowed = [t for t in range(1, GPUS_PER_NODE + 1) if tp_problem(self.spec, t) is None]
        return PlanError(f"no TP degree of {self.spec.name} ({', '.join(map(str, allowed))}: the ones "
                         f"its heads allow) starts under this engine; at TP 1: {self.tp_problem(1)}")

    def _may_start(self, gpu: GpuSpec, candidates: Sequence[Layout]) -> list[Layout]:
        """The candidates the engine does not refuse on `gpu` before any estimate (SGLang's static
        share at or below zero: engine refused_before_estimate), in order. The auto search passes over
        the others without changing its answer: none of them fits, a refusal no GPU count lifts
        (layout_independent) ends the search at the first count searched, which is searched whole, and
        the count the search ends at when nothing fits (the widest) is searched whole too (issue 15:
        `compare Llama-3.1-405B --gpus all --engine sglang`, 13 s; bench/auto_search_identical.py)."""
        total = visible_memory_bytes(gpu)
        return [layout for layout in candidates
                if not engine_for(self.workload(layout)).refused_before_estimate(self.spec, total)]

    def widest_count(self, fewest: int = 1) -> int | None:
        """The largest GPU count, from `fewest`, that has a layout (where the auto search ends); call it on
        the planner for_gpu gives."""
        return next((c for c in reversed(AUTO_COUNTS) if c >= fewest and self.layouts(c)), None)

    def widest_layout(self, gpu: GpuSpec) -> Layout:
        """The layout choose_layout(gpu, None) settles on when no GPU count fits: the least-need layout of
        the largest count (its loop ends there), found without trying the counts below it."""
        sub = self.for_gpu(gpu)
        if sub is not self:
            return sub.widest_layout(gpu)
        count = self.widest_count()
        if count is None:
            return self.choose_layout(gpu, None)[0]  # no count takes the layout: choose_layout says why
        return self._first_fit(self.layouts(count), self.usable(gpu), gpu, {})[0]

    def _fewer_gpus(self, gpu: GpuSpec, num_gpus: int, usable: int,
                    known: dict[Hashable, Budget]) -> Layout | None:
        """The layout of fewer than `num_gpus` GPUs that fits: the largest count, then the preferred
        layout. By series of pipeline degrees (fewer_gpus.py), except where the need is not monotone
        along them (an engine that places blocks itself, ZeRO): there every count is tried in turn."""
        placed = engine_for(self.wl).placement_key(self.spec, self.wl) is not None
        if placed or (self.wl.mode.trains and self.wl.zero > 0):
            return self.fewer_gpus_one_by_one(gpu, num_gpus, usable, known)
        def fits(layout: Layout) -> bool:
            return self._layout_budget(gpu, layout, known).fits

        return fewer_gpus_layout(num_gpus, self.layouts, fits, lambda lay: (lay.tp, min(lay.dp, 3)))

    def fewer_gpus_one_by_one(self, gpu: GpuSpec, num_gpus: int, usable: int,
                              known: dict[Hashable, Budget]) -> Layout | None:
        """_fewer_gpus trying every count below `num_gpus` in turn (bench/fewer_gpus_identical.py
        checks the series search against it)."""
        for count in range(num_gpus - 1, 0, -1):
            fewer = self.layouts(count)
            if fewer:
                layout, fits, _ = self._first_fit(fewer, usable, gpu, known)
                if fits:
                    return layout
        return None

    def _first_fit(self, candidates: Sequence[Layout], usable: int, gpu: GpuSpec,
                   known: dict[Hashable, Budget] | None = None) -> tuple[Layout, bool, Budget]:
        """(layout, fits, its budget): the first candidate that fits, else the one with the least need
        (the first of equals)."""
        smallest: tuple[Layout, Budget] | None = None
        for layout in candidates:
            bud = self._layout_budget(gpu, layout, known)
            if bud.fits:
                return layout, True, bud
            if smallest is None or bud.need_bytes < smallest[1].need_bytes:
                smallest = (layout, bud)
        assert smallest is not None
        return smallest[0], False, smallest[1]

    def _layout_budget(self, gpu: GpuSpec, layout: Layout, known: dict[Hashable, Budget] | None) -> Budget:
        """The budget of `layout`, shared by the layouts whose placement key (BaseEngine.placement_key:
        all that the estimate reads of tp, pp and num_gpus) is equal. llama.cpp and Ollama place blocks
        themselves, so each GPU count's layouts share one (16 stages or 2 x 8 alike) and so do all counts
        past the layer count (issue 15: `plan deepseek-r1:671b --gpu RTX-4090 --engine ollama`)."""
        # Without ZeRO each data-parallel replica holds its whole tp x pp model: the estimate reads the
        # replica count only as one, two or more (frameworks.py single_device_lora and the torchtune
        # defaults read dp == 1, nccl_training.communicator_bytes a pair's NCCL communicator apart from a
        # larger group's; ZeRO's dp division is excluded here). `fit --num-gpus 1000` that fits no layout
        # tried ~5,600 layouts of every smaller count, 20 s (issue 15, round 12). Stored only for an
        # engine without a placement key, so a stored one is looked up before validating the workload.
        # Inference reads no replica count at all (those readers are all training's; core.py's note
        # names dp, but a budget holds no note): `compare Llama-3.1-405B --gpus all --engine sglang`
        # estimated each tp x pp of the counts past 8 three times on every card (issue 15).
        replicas = None
        if known is not None and not (self.wl.mode.trains and self.wl.zero > 0):
            replicas = ("replicas", layout.tp, layout.pp, min(layout.dp, 3) if self.wl.mode.trains else 1)
            if replicas in known:
                return known[replicas]
        wl = self.workload(layout)
        key = engine_for(wl).placement_key(self.spec, wl) if known is not None else None
        if key is None:
            key = replicas
        if key is None or known is None:
            return self.budget(gpu, wl)
        bud = known.get(key)
        if bud is None:
            bud = known[key] = self.budget(gpu, wl)
        return bud

    def _nearby_counts(self, n: int) -> list[int]:
        """Up to four GPU counts near `n` that have a layout, nearest first when none is within the window
        (vLLM -dcp 3 of a 14-head model has none near 1: the message ended in "try ", issue 15 round 19)."""
        counts = [c for c in AUTO_COUNTS if self.layouts(c)]
        near = [c for c in counts if abs(c - n) <= max(2, n // 2)]
        return near[:4] or sorted(counts, key=lambda c: abs(c - n))[:4]

    def plan(self, gpu: GpuSpec, num_gpus: int | None = 1, *, limits: bool = True,
             batch_limit: bool = True, with_speed: bool = True, fewest: int = 1,
             offload_split: bool = True) -> FitRow:
        """The FitRow for `gpu`: `num_gpus` GPUs (None: the smallest count that fits, from `fewest`;
        `offload_split`: as fit_layout takes it)."""
        sub = self.for_gpu(gpu)
        if sub is not self:
            return sub.plan(gpu, num_gpus, limits=limits, batch_limit=batch_limit, with_speed=with_speed,
                            fewest=fewest, offload_split=offload_split)
        layout, _ = self.choose_layout(gpu, num_gpus, fewest=fewest)
        note: tuple[str, ...] = ()
        if num_gpus is not None and layout.count < num_gpus:
            note = (f"uses {layout.count} of the {num_gpus} GPUs ({layout.describe()}): "
                    f"no layout of all {num_gpus} fits",)
        return self.fit_layout(gpu, layout, limits=limits, batch_limit=batch_limit, notes=note,
                               with_speed=with_speed, offload_split=offload_split)


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


def _device_weights(est: Estimate) -> int:
    """Weights on the busiest GPU as the engine places them (all of them for engines without a split)."""
    fig = est.engine_figures
    return fig.device_weights_bytes if fig is not None else est.weights_bytes


def _machine_need(gpu: GpuSpec, budget: Budget, est: Estimate) -> int:
    """What a unified-memory machine's RAM holds of a run: the GPU's need plus the host-RAM part where the
    GPU's cap leaves it out (macOS's wired limit, Linux's GTT: GpuSpec.host_ram_in_budget)."""
    figs = est.engine_figures
    host = figs.host_bytes if figs is not None and not gpu.host_ram_in_budget else 0
    return budget.need_bytes + host
