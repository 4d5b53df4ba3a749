"""`llmsize compare`: every model on every GPU kind, and the one-line recommendation per model."""

from __future__ import annotations

from collections.abc import Sequence

from llmsize.estimate.workload import Workload
from llmsize.hardware.concurrency import concurrency_rows
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.fit_models import CompareRow
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.layout import Layout
from llmsize.hardware.plan_estimator import EstimateFn, default_estimator
from llmsize.hardware.planner import Planner
from llmsize.specs.models import ModelSpec


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
        # the whole model on one GPU (no vLLM --dp / --ep split of its experts, no -dcp split of its KV:
        # -dcp 2 at TP 1 is a start vLLM refuses, and `compare -dcp 2 --num-gpus auto` was refused for it;
        # likewise no SGLang attention groups or expert all-to-all, which need TP 2 or more: `compare
        # --moe-a2a-backend deepep` / `--dp-attention 2` were refused for this row, issue 15 round 20)
        whole = planner.estimate(planner.workload(Layout(), data_parallel=1, expert_parallel=False,
                                                  decode_context_parallel=1, moe_a2a_backend=None,
                                                  dp_attention=1, dp_lm_head=False))
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
        on = gpus[0]
        if not fitting:
            # The GPUs column already holds the fewest that fit each (--num-gpus auto, the default): "try
            # --num-gpus auto" beside "2 (PP2) ... fits" sent the user to the table they were reading (issue
            # 15, newcomer round 16). Pick among the rows on the fewest GPUs instead; only a table pinned
            # to one GPU (--num-gpus 1) is lifted by asking for more.
            several = [r for r in rows if r.row.fits]
            if not several:
                pinned = all(r.row.count == 1 for r in rows)
                more = " or --num-gpus auto" if pinned else ""
                return [f"None of these fits one {on}; try a smaller quantization, a shorter "
                        f"--context{more}."]
            fewest = min(r.row.count for r in several)
            fitting = [r for r in several if r.row.count == fewest]
            on = f"{fewest} x {on} (none fits one)"
        fastest = max(fitting, key=lambda r: r.row.decode_tokens_per_s or 0)
        if len(fitting) == 1:  # nothing to weigh it against: "the most bits per weight" said of one row
            best, why = fitting[0], "the only one that fits"
        elif len({r.params for r in fitting}) == 1:
            # Formats of one model: more bits per parameter keep more quality; the biggest weights that fit.
            best = max(fitting, key=lambda r: (r.weights_bytes / max(1, r.params),
                                               r.row.decode_tokens_per_s or 0))
            why = "the most bits per weight that fit"
        else:
            # Different models: bits per weight says nothing between them (qwen3:8b, llama3.1:8b and
            # gemma3:12b are all Q4_K_M; issue 15), so say which is the largest that fits.
            best = max(fitting, key=lambda r: (r.params, r.row.decode_tokens_per_s or 0))
            why = f"the largest model that fits ({best.params / 1e9:,.1f}B parameters)"
        line = (f"Recommendation: {best.model} ({best.weight_format}) on {on}: {why}, "
                f"{format_gib(best.row.headroom_bytes)} to spare")
        if fastest is not best and fastest.row.decode_tokens_per_s and best.row.decode_tokens_per_s:
            ratio = fastest.row.decode_tokens_per_s / best.row.decode_tokens_per_s
            # on another engine, the speed-up is partly the engine's (issue 15, round 8); a speed-up that
            # prints as "1.0x faster" is a tie, not a reason to look at another row
            engine = f" on {fastest.row.engine}" if fastest.row.engine != best.row.engine else ""
            if f"{ratio:.1f}" != "1.0":
                line += f"; {fastest.model} ({fastest.weight_format}{engine}) decodes {ratio:.1f}x faster"
        return [line + "."]
    for model in models:
        mine = [r for r in rows if r.model == model]
        fitting = [r for r in mine if r.row.fits]
        prefix = f"{model}: " if len(models) > 1 else ""
        if not fitting:
            # one reason on every GPU is the engine's, not memory's (a context vLLM refuses): say it, since
            # "more GPUs" and "a quantized variant" cannot lift it
            reasons = {r.row.reason for r in mine}
            shared = next(iter(reasons)) if len(reasons) == 1 and len(mine) > 1 else None
            lines.append(f"{prefix}nothing fits: {shared}" if shared else
                         f"{prefix}nothing fits; try a quantized variant, a shorter --context or more GPUs.")
            continue
        # Equal decode speeds are common where the engine's per-step overhead bounds decode (transformers
        # at batch 1: gpt-oss-20b decodes at the same ~40 tokens/s on an RTX 4090 and an RTX 5090); the
        # order the GPUs were typed decided then (issue 15, newcomer round 10), so the time to the first
        # token and then the headroom (a longer context) break the tie.
        best = min(fitting, key=lambda r: (r.row.count, -(r.row.decode_tokens_per_s or 0),
                                           r.row.ttft_s if r.row.ttft_s is not None else float("inf"),
                                           -r.row.headroom_bytes))
        fastest = max(fitting, key=_tokens)
        speed = (f", ~{best.row.decode_tokens_per_s:,.0f} tokens/s ({best.row.speed_class})"
                 if best.row.decode_tokens_per_s else "")
        # "the fewest GPUs that fit" named B200 among six GPUs that all fit on one; the speed chose it (issue
        # 15, newcomer round 20), so say so where others fit on as few
        tied = [r for r in fitting if r.row.count == best.row.count]
        on_as_few = f"{len(tied)} that fit on {best.row.count} GPU{'' if best.row.count == 1 else 's'}"
        why = ("the fewest GPUs that fit" if len(tied) == 1
               else f"{_decided_by(best, tied)} of the {on_as_few}")
        line = (f"{prefix}Recommendation: {best.row.count}x {best.row.gpu} — {why}, "
                f"{format_gib(best.row.headroom_bytes)} headroom each{speed}")
        faster = _tokens(fastest) > _tokens(best)  # a tie names no second GPU
        if fastest.row.gpu != best.row.gpu and fastest.row.decode_tokens_per_s and faster:
            line += (f"; fastest: {fastest.row.count}x {fastest.row.gpu} "
                     f"(~{fastest.row.decode_tokens_per_s:,.0f} tokens/s)")
        lines.append(line + ".")
    return lines


def _decided_by(best: CompareRow, tied: list[CompareRow]) -> str:
    """What set `best` apart from the rows on as many GPUs, in the order the pick weighs them."""
    others = [r for r in tied if r is not best]
    if all((r.row.decode_tokens_per_s or 0) < (best.row.decode_tokens_per_s or 0) for r in others):
        return "the fastest"
    same = [r for r in others if (r.row.decode_tokens_per_s or 0) == (best.row.decode_tokens_per_s or 0)]
    first = best.row.ttft_s
    if first is not None and all(r.row.ttft_s is None or r.row.ttft_s > first for r in same):
        return "as fast as any, with the quickest first token,"
    return "as fast as any, with the most headroom,"


def _tokens(r: CompareRow) -> float:
    """A row's tokens/s: the aggregate of a concurrency level, else one sequence's decode."""
    return r.row.aggregate_tokens_per_s or r.row.decode_tokens_per_s or 0
