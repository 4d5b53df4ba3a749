"""LoRA/QLoRA that does not fit under the default framework: say whether Unsloth's run would (issue 15, r8).

`fit Qwen3-32B --mode qlora --gpu RTX-4090` answered "Nothing fits ... on several of them: --num-gpus auto"
under transformers' Trainer defaults (fp32 embeddings and lm_head from peft's prepare_model_for_kbit_training,
full-vocabulary fp32 logits), while the run people use to fit a 32B QLoRA on one 24 GB card is Unsloth's
(its own 4-bit loading, offloaded gradient checkpointing, chunked cross-entropy; each modelled under
`--framework unsloth`, estimate/frameworks.py). The hint is the same fit under that framework, sized, not
assumed; it is offered only on NVIDIA GPUs, the ones Unsloth's kernels target.
"""

from __future__ import annotations

from typing import Any

from llmsize.estimate.workload import Framework, Mode, Workload


def unsloth_hint(spec: Any, wl: Workload, options: dict[str, Any], gpu: Any, count: int | None,
                 eff: Any, best_found: bool) -> str | None:
    """One line naming `--framework unsloth` and its peak when it fits where the default does not."""
    if best_found or options.get("framework") is not None or gpu.vendor != "nvidia":
        return None
    if wl.mode not in (Mode.LORA, Mode.QLORA):
        return None
    from llmsize.cli.workload_options import workload_for
    from llmsize.errors import LlmsizeError
    from llmsize.hardware.model_fit import fit_model
    from llmsize.units import GIB

    try:
        other = workload_for(spec, {**options, "framework": Framework.UNSLOTH}, count)
        tried = fit_model(spec, other, gpu, count, efficiency=eff, stop_at_first=True)
    except LlmsizeError:  # a setting Unsloth's recipe refuses: no hint
        return None
    found = tried.best_result
    if found is None:
        return _experts_hint(spec, wl, tried)
    peak = found.row.per_gpu_bytes / GIB
    why = ("; it quantizes the routed experts, which bitsandbytes under transformers >= 5 leaves unquantized"
           if _experts_float(spec, wl) else "")
    return (f"  with --framework unsloth it fits: {found.option.label}, {peak:,.1f} GiB "
            f"per GPU (`llmsize explain` with --framework unsloth shows what its recipe changes{why})")


def _experts_float(spec: Any, wl: Workload) -> bool:
    from llmsize.estimate.bnb_fused_experts import experts_stay_float

    return wl.mode is Mode.QLORA and experts_stay_float(spec, wl)


def _experts_hint(spec: Any, wl: Workload, tried: Any) -> str | None:
    """Where neither run fits but the default's weights are a MoE's unquantized experts, say so: `fit
    Qwen3-30B-A3B --mode qlora --gpu RTX-4090` answered "weights alone take 110.80 GiB" for a 4-bit QLoRA
    and nothing else (issue 15, newcomer round 18). Under transformers >= 5 bitsandbytes passes over the
    stacked experts (estimate/bnb_fused_experts.py; peft's prepare_model_for_kbit_training then casts them
    to fp32 where the framework runs it, estimate/weights.py `_kbit_fp32`); Unsloth quantizes them."""
    from llmsize.units import GIB

    if not _experts_float(spec, wl) or not tried.options:
        return None
    closest = min(tried.options, key=lambda r: r.row.per_gpu_bytes)
    peak = closest.row.per_gpu_bytes / GIB
    return ("  the routed experts are not quantized here: transformers >= 5 stacks them as 3-D parameters, "
            "which bitsandbytes passes over (bitsandbytes#1849; `llmsize explain` shows the dtype they are "
            f"held in); --framework unsloth quantizes them: {peak:,.1f} GiB per GPU")
