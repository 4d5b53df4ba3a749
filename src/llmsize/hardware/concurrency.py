"""Concurrency sweeps: one fit row per GPU and number of sequences decoding together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from llmsize.errors import BadInputError
from llmsize.estimate.workload import Workload
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.fit import plan_cost
from llmsize.hardware.fit_models import FitRow, ModelFit
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.layout import Layout
from llmsize.hardware.plan_estimator import EstimateFn
from llmsize.hardware.planner import Planner
from llmsize.hardware.precision import _option_workload
from llmsize.hardware.speed_serving import serving_output_tokens_per_s, serving_tpot_s
from llmsize.specs.models import ModelSpec


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
    took: dict[str, list[tuple[int, int]]] = {}  # gpu id -> (level, count) of the levels that fit
    pooled: dict[str, tuple[Layout, FitRow]] = {}
    for gpu in gpus:
        # The KV pool's cap: how many sequences of this context the memory left after weights holds
        # (vLLM's "Maximum concurrency" line; the largest batch that fits for the other engines).
        layout, fits = base.choose_layout(gpu, num_gpus)
        took[gpu.id] = [(1, layout.count)] if fits else []  # one sequence: below every level
        one = base.fit_layout(gpu, layout, limits=limits, batch_limit=False)
        usable = base.usable(gpu)
        caps[gpu.id] = one.max_concurrent_seqs or base.max_batch(usable, layout)
        if one.max_concurrent_seqs is not None:
            pooled[gpu.id] = (layout, one)
    rows = []
    # Per GPU, what earlier levels of the auto search showed. More sequences never need less memory on
    # a layout (each holds its own KV), so a count that refused a smaller level refuses a larger one:
    # the search for a larger level starts at the count a smaller one took, and a level above one that
    # no count held takes the widest layout's row (where the search ends). `fit Llama-3.1-405B --gpu
    # T4 --num-gpus auto --engine llama.cpp --concurrency 1,2,...,64` searched every count per level
    # (8 s), and forty levels 2^k over 10 s (issue 15, round 17). bench/concurrency_refused_identical.py
    # compares the rows with the full search's.
    refused: dict[str, int] = {}  # gpu id -> the smallest level no count held
    same: dict[tuple[str, int], FitRow] = {}  # a level given twice is sized once
    for level in levels:
        # estimates keyed by workload, shared with the batch-1 search (a level of 1 searched it again)
        planner = Planner(spec, wl.model_copy(update={"batch": level}), estimator, eff, _memo=base._memo,
                          _inputs=base._inputs, _keys=base._keys)
        for gpu in gpus:
            if gpu.id in pooled:
                layout, one = pooled[gpu.id]
                cap = one.max_concurrent_seqs
                if num_gpus is None and cap is not None and level > cap:
                    # --num-gpus auto: the fewest GPUs whose pool holds this level, as --batch LEVEL
                    # picks them. `fit Llama-3.3-70B-Instruct --gpu H100 --engine vllm --context 32k
                    # --concurrency 16 --num-gpus auto` kept the 3 GPUs of one sequence and said 16 do
                    # not fit, where --batch 16 found 5 (issue 15, newcomer round 12).
                    wider, _ = planner.choose_layout(gpu, None)
                    if wider != layout:
                        layout, one = wider, base.fit_layout(gpu, wider, limits=limits, batch_limit=False)
                rows.append(_pooled_level(base, gpu, layout, one, level))
                continue
            if (gpu.id, level) in same:
                rows.append(same[(gpu.id, level)])
                continue
            row = _level_row(planner, gpu, level, num_gpus, limits, took.setdefault(gpu.id, []), refused)
            row = row.model_copy(update={"concurrency": level, "max_concurrent_seqs": caps[gpu.id]})
            same[(gpu.id, level)] = row
            rows.append(row)
    return rows


def _pooled_level(base: Planner, gpu: GpuSpec, layout: Layout, one: FitRow, level: int) -> FitRow:
    """A concurrency level on an engine that pre-allocates its KV pool (vLLM).

    The engine allocates the same memory at every level (weights, the profile run's activations and
    the pool all sit inside gpu_memory_utilization: vllm/v1/worker/gpu_worker.py
    Worker.determine_available_memory); a level runs when the pool holds that many sequences of the
    context (its "Maximum concurrency"), and the prompts are prefilled in the scheduler's token budget,
    not all at once. The row counts what the level fills of that pool, as --batch LEVEL does.
    """
    cap = one.max_concurrent_seqs
    fits = one.fits and (cap is None or level <= cap)
    # the level's workload with the GPU's engine defaults, as its level-1 row and --batch LEVEL take them:
    # without them SGLang's wave note read chunked_prefill_size 4096 ("8 batches of at most 1") on an H100
    # whose log line says 8192 (sglang_rules.py; issue 15, newuser13)
    sub = base.for_gpu(gpu)
    wl = sub.workload(layout, batch=level)
    speed = sub.speed(gpu, layout, sub.estimate(wl), wl) if fits else None
    # The need and headroom along the pool's rule, as the engine budgets `level` sequences (the figures
    # --batch LEVEL prints): what they fill of the pool and what they leave of it, negative where they
    # exceed it. The level-1 row's margin on every level read "2.6 GiB" next to "no" (issue 15,
    # poolview), then the level-1 need beside the level's headroom: "57.3 | 5.5" at 8 sequences, where
    # --batch 8 prints "59.9 | 5.5" and the two add up to the budget (issue 15, newuser13).
    budget = sub.budget(gpu, wl)  # vllm_budget.py `kv_budget`, sglang_budget.py `_pool_budget`
    update: dict[str, object] = {"concurrency": level, "fits": fits, "per_gpu_bytes": budget.need_bytes,
                                 "headroom_bytes": budget.headroom_bytes}
    if speed is not None:
        tokens = speed.aggregate_tokens_per_s or speed.decode_tokens_per_s
        per_hour, per_mtok = plan_cost(gpu, one.count, tokens)
        update.update(
            decode_tokens_per_s=speed.decode_tokens_per_s, ttft_s=speed.ttft_s, tpot_s=speed.tpot_s,
            aggregate_tokens_per_s=speed.aggregate_tokens_per_s, speed_class=speed.speed_class,
            prefill_tokens_per_s=speed.prefill_tokens_per_s, ttft_class=speed.ttft_class,
            encoder_s=speed.encoder_s,
            decode_bound=speed.decode_bound, compute_bound_concurrency=speed.compute_bound_concurrency,
            speed_constants=speed.constants.model_dump(mode="json") if speed.constants else None,
            speed_notes=speed.notes,
            usd_per_hour=per_hour, usd_per_million_output_tokens=per_mtok,
            # the others' prompts as one wave, or in the batches the engine admits them in as they arrive
            # (SGLang: estimate/engines/sglang_arrivals.py)
            serving_tpot_s=serving_tpot_s(speed.tpot_s, speed.ttft_s, level, wl.context - wl.prefill_tokens,
                                          speed.serving_arrivals, speed.lockstep_cores),
            serving_output_tokens_per_s=serving_output_tokens_per_s(
                speed.tpot_s, speed.ttft_s, level, wl.context - wl.prefill_tokens, speed.serving_arrivals,
                speed.lockstep_cores))
    else:
        update.update(decode_tokens_per_s=None, ttft_s=None, tpot_s=None, aggregate_tokens_per_s=None,
                      speed_class=None, prefill_tokens_per_s=None, ttft_class=None, decode_bound=None,
                      encoder_s=None,
                      speed_notes=(),
                      usd_per_million_output_tokens=None, serving_tpot_s=None,
                      serving_output_tokens_per_s=None)
        if one.fits:
            update["reason"] = (f"{level} sequences of {base.wl.context:,} tokens exceed the KV pool, "
                                f"which holds {cap:,}")
    return one.model_copy(update=update)


def _level_row(planner: Planner, gpu: GpuSpec, level: int, num_gpus: int | None, limits: bool,
               took: list[tuple[int, int]], refused: dict[str, int]) -> FitRow:
    """The fit row of one concurrency level, searching no count an earlier level rules out."""
    if num_gpus is not None:
        return planner.plan(gpu, num_gpus, limits=limits, batch_limit=False)
    if gpu.id in refused and level > refused[gpu.id]:
        return planner.fit_layout(gpu, planner.widest_layout(gpu), limits=limits, batch_limit=False)
    fewest = max((count for below, count in took if below <= level), default=1)
    row = planner.plan(gpu, None, limits=limits, batch_limit=False, fewest=fewest)
    if not row.fits and fewest > 1:  # a refusal the search from one GPU would say at its own count
        row = planner.plan(gpu, None, limits=limits, batch_limit=False)
    if row.fits:
        took.append((level, row.count))
    elif row.count == planner.for_gpu(gpu).widest_count():
        refused[gpu.id] = min(level, refused.get(gpu.id, level))
    return row

