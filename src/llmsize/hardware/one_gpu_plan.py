"""The layout `plan` writes a command for: one GPU with part of the model in CPU RAM before several GPUs.

`plan gpt-oss-120b --gpu RTX-4090 --engine llama.cpp` printed a 3-GPU pipeline while `fit` for the same
inputs answered "fits with the experts of 23 of 36 layers in CPU RAM: --n-cpu-moe 23" (issue 15,
newcomer round 15): the user with one card was told to buy two more. llama-server's default `--fit`
keeps every layer on the one GPU and moves experts to CPU RAM until the rest fits ("CUDA0 (NVIDIA
GeForce RTX 4090): 48 layers (34 overflowing)": ggml-org/llama.cpp tools/fit-params/README.md), the
tensors `--n-cpu-moe N` names (common/arg.cpp, `llm_ffn_exps_block_regex`), so a one-GPU run is what
that engine does by itself. The count and its speed are the fit row's own (planner._with_cpu_moe), so
`plan` and `fit` cannot differ. Engine-neutral: it applies wherever the engine reads `n_cpu_moe`.

Likewise an engine that splits layers by itself (Ollama with num_gpu unset keeps what fits on the GPU:
estimate/engines/ollama.py `auto_gpu_layers`): `fit gpt-oss:120b --gpu RTX-4090` said it runs at ~30
tokens/s with 12 of 36 layers on the card, while `plan` printed "this plan runs on 3 x RTX-4090" and
`plan --num-gpus 1` exited 3 "does not fit".
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.estimate.workload import Workload
from llmsize.hardware.fit_models import FitRow
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.plan import plan_fit_rows
from llmsize.specs.models import ModelSpec


@dataclass(frozen=True)
class PlannedRun:
    """The workload and fit row the command is written for; `all_on_gpus` is the fewest-GPU layout with
    every expert on a GPU, when the plan keeps experts in CPU RAM instead (None otherwise)."""

    workload: Workload
    row: FitRow
    all_on_gpus: FitRow | None = None
    engine_split: bool = False  # the engine runs `row` with only some layers on the GPU, by itself


def engine_splits(row: FitRow) -> bool:
    """Whether the engine runs a row that does not fit with some layers in CPU RAM by itself: the fit
    row then carries the split's speed (hardware/fit.py shows a speed only for a fit or such a split)."""
    return not row.fits and row.decode_tokens_per_s is not None and bool(row.gpu_layers)  # not 0 of 61


def plan_run(spec: ModelSpec, wl: Workload, gpu: GpuSpec, count: int | None, *,
             one_gpu_first: bool = True) -> PlannedRun:
    """The run for `count` GPUs (None = auto, the fewest that fit with every weight on a GPU, as `fit
    --num-gpus auto` answers): where one GPU holds the model only with some experts in CPU RAM, that
    one-GPU run for `count` 1, or for None with `one_gpu_first` (plan without --num-gpus), else the
    layout the planner chooses."""
    from llmsize.estimate.engines.registry import engine_for

    reads = engine_for(wl).reads_options
    # only engines that place layers on the CPU at all (--gpu-layers: llama.cpp, Ollama) run one GPU so
    one_gpu = count == 1 or (count is None and one_gpu_first)
    if not one_gpu or "gpu_layers" not in reads or wl.gpu_layers is not None or wl.mode.trains:
        return _whole(spec, wl, gpu, count)
    one = plan_fit_rows(spec, wl, [gpu], 1)[0]
    if one.fits:
        return PlannedRun(wl, one)  # one GPU holds it: the fewest, what auto picks too
    if one.cpu_moe_layers is not None and wl.n_cpu_moe is None and "n_cpu_moe" in reads:
        split = Workload.model_validate({**wl.model_dump(), "n_cpu_moe": one.cpu_moe_layers})
        row = plan_fit_rows(spec, split, [gpu], 1)[0]
        if row.fits:
            return PlannedRun(split, row, _all_on_gpus(spec, wl, gpu))
    if engine_splits(one):
        return PlannedRun(wl, one, _all_on_gpus(spec, wl, gpu), engine_split=True)
    return PlannedRun(wl, one) if count == 1 else _whole(spec, wl, gpu, count)


def _all_on_gpus(spec: ModelSpec, wl: Workload, gpu: GpuSpec) -> FitRow | None:
    """The fewest GPUs holding every weight (auto), named beside a one-GPU run; None where none does."""
    row = plan_fit_rows(spec, wl, [gpu], None)[0]
    return row if row.fits else None


def _whole(spec: ModelSpec, wl: Workload, gpu: GpuSpec, count: int | None) -> PlannedRun:
    return PlannedRun(wl, plan_fit_rows(spec, wl, [gpu], count)[0])
