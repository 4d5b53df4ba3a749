"""The oracle: run a workload on the real Hugging Face model under FakeTensorMode + MemTracker.

Every allocation the real modeling code makes is accounted (shape x dtype), none is made, so a
70B-class config traces in seconds on a laptop CPU. What it models and why:

- The model is built from its config (`build_model.py`) on fake tensors without weight init, in
  the workload dtype (default: the dtype config.json declares); `num_layers` may be reduced
  (real widths and vocabularies are kept).
- SDPA is the fused GPU kernel (`fused_sdpa.py`): output + log-sum-exp, never the scores. Eager
  attention stays eager (Gemma 2 and gpt-oss have no SDPA path in transformers 5).
- Inference is Hugging Face `generate`: one prefill forward of the prompt with `use_cache=True`
  and `logits_to_keep=1` (or all logits), then decoding. The decode phase is traced as its most
  expensive step, the last one: the cache is filled untracked as generate leaves it (a prefill
  and one decoding step, so sliding-window layers hold their window), then registered with the
  tracker, and one token is decoded.
- Training is forward + loss (labels -> cross-entropy over the vocabulary) + backward + torch
  AdamW step (foreach, the CUDA default) + zero_grad(set_to_none=True), run twice; the second
  iteration is the steady state. Pure precision (no master weights, no autocast). LoRA via peft.
- A few places where a CPU trace would differ from a CUDA run are made to match it: dropout
  (`native_dropout`), transformers' packed-sequence check, AdamW's step counter, and leaf
  tensors that only the tracker's own hooks keep alive (trace_shims.py, trace_training.py).

Fake tensors live on the CPU device so that no CUDA query is made; MemTracker then counts exact
tensor bytes (on CUDA it would round each block up to 512 bytes, which is the caching
allocator's business, not the model's).

The jobs sit in modules of their own beside this one, which keeps `trace()`: trace_result (the
record it returns), phase_tracker (MemTracker with per-phase peaks), tensor_bytes (weights, buffers
and KV cache as distinct storages), trace_shims (dropout and the data-dependent checks as CUDA runs
them), trace_options (dtype and attention implementation), trace_inference and trace_training (the
two traces), training_setup (checkpointing, float8, LoRA via peft), training_loss (the recipe's
forward and loss) with liger_loss and trl_loss. The names other modules import from here stay
importable from here, under their old names too.

torch, transformers and peft are imported inside functions only.
"""

from __future__ import annotations

import warnings
from typing import Any

from llmsize.errors import BadInputError, MissingExtraError
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.workload import Mode, Workload
from llmsize.measure.build_model import (
    PRETRAINED_DTYPE_TYPES,
    build_fake_model,
    hf_config,
    torch_dtype,
    with_layers,
)
from llmsize.measure.liger_loss import fused_linear_cross_entropy as fused_linear_cross_entropy
from llmsize.measure.phase_tracker import phase_peaks as phase_peaks
from llmsize.measure.phase_tracker import phase_tracker_class as phase_tracker_class
from llmsize.measure.tensor_bytes import cache_bytes as cache_bytes
from llmsize.measure.tensor_bytes import cache_tensors as cache_tensors
from llmsize.measure.tensor_bytes import storage_bytes as storage_bytes
from llmsize.measure.tensor_bytes import weight_and_buffer_bytes as weight_and_buffer_bytes
from llmsize.measure.trace_inference import trace_inference as trace_inference
from llmsize.measure.trace_options import attn_implementation as attn_implementation
from llmsize.measure.trace_options import checkpoint_dtype as checkpoint_dtype
from llmsize.measure.trace_options import eager_only as eager_only
from llmsize.measure.trace_result import PhasePeak as PhasePeak
from llmsize.measure.trace_result import TimelineEvent as TimelineEvent
from llmsize.measure.trace_result import TraceResult as TraceResult
from llmsize.measure.trace_shims import gpu_dropout as gpu_dropout
from llmsize.measure.trace_shims import real_data_shims as real_data_shims
from llmsize.measure.trace_training import trace_training as trace_training
from llmsize.measure.training_loss import forward_autocast as forward_autocast
from llmsize.measure.training_loss import forward_loss as forward_loss
from llmsize.measure.training_setup import LORA_DROPOUT as LORA_DROPOUT
from llmsize.measure.training_setup import lora_targets as lora_targets
from llmsize.measure.training_setup import prepare_training as prepare_training
from llmsize.measure.trl_loss import trl_chunked_nll as trl_chunked_nll


def _require_torch() -> None:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(
            'tracing needs torch and transformers: pip install "llmsize[measure]"'
        ) from exc


def trace(
    config: dict[str, Any],
    wl: Workload,
    *,
    num_layers: int | None = None,
    dtype: str | None = None,
    record_timeline: bool = False,
    pretrained_dtypes: bool | None = None,
) -> TraceResult:
    """Trace `wl` on the Hugging Face model of `config` (a config.json dict) and return its peaks."""
    _require_torch()
    from torch._subclasses.fake_tensor import FakeTensorMode

    from llmsize.measure.fused_sdpa import fused_sdpa_patched

    if num_layers is not None:
        config = with_layers(config, num_layers)
    rc = recipe(wl)
    if not rc.optimizer.is_adamw_torch and wl.mode.trains:
        raise BadInputError(f"the tracer runs torch AdamW (fused or foreach) only, not {rc.optimizer}")
    if wl.mode.trains and rc.activation_offloading:
        raise BadInputError("the tracer cannot offload activations to host memory")
    if wl.gradient_accumulation > 1 or wl.offload_optimizer.value != "none":
        raise BadInputError("the tracer runs one micro-batch per step, without ZeRO offload")
    if wl.mode is Mode.QLORA:
        raise BadInputError("QLoRA needs bitsandbytes on CUDA; the tracer cannot run it")
    if wl.mode.trains and wl.master_weights:
        raise BadInputError("the tracer runs pure-precision training only (master_weights=False)")
    if wl.tp * wl.pp * wl.num_gpus != 1 or wl.zero:
        raise BadInputError("the tracer runs one GPU: no tp/pp/zero")

    dtype_name = str(wl.dtype) if wl.dtype is not None else (dtype or checkpoint_dtype(config))
    tdtype = torch_dtype(dtype_name)
    tracker_cls = phase_tracker_class()
    # transformers, peft and torch warn about things a trace cannot act on (deprecations, peft's
    # MoE target conversion); the trace is a measurement, so it runs quietly.
    with (
        warnings.catch_warnings(),
        FakeTensorMode(allow_non_fake_inputs=False),
        fused_sdpa_patched(),
        real_data_shims(),
        gpu_dropout(),
    ):
        warnings.simplefilter("ignore")
        cfg = hf_config(config)
        if pretrained_dtypes is None:  # as llmsize estimates the model type (build_model.py)
            pretrained_dtypes = str(getattr(cfg, "model_type", "")) in PRETRAINED_DTYPE_TYPES
        model = build_fake_model(
            cfg, tdtype, attn_implementation(wl, eager_only(cfg)), pretrained_dtypes=pretrained_dtypes
        )
        attn_impl = str(model.config._attn_implementation)
        if wl.mode.trains:
            result = trace_training(model, wl, tracker_cls, record_timeline)
        else:
            result = trace_inference(model, wl, tracker_cls, record_timeline)
    return TraceResult(
        model_type=str(getattr(cfg, "model_type", config.get("model_type", ""))),
        attn_implementation=attn_impl,
        num_layers=int(getattr(cfg, "num_hidden_layers", 0) or 0),
        **result,
    )


# tracer.py's names before the split (audio_trace.py, vision_trace.py and real_run.py imported some).
_phase_tracker_class = phase_tracker_class
_phase_peaks = phase_peaks
_storage_bytes = storage_bytes
_weight_and_buffer_bytes = weight_and_buffer_bytes
_real_data_shims = real_data_shims
_gpu_dropout = gpu_dropout
_checkpoint_dtype = checkpoint_dtype
_eager_only = eager_only
_attn_implementation = attn_implementation
_trace_inference = trace_inference
_prepare_training = prepare_training
_trace_training = trace_training
_autocast = forward_autocast
_forward_loss = forward_loss
_trl_chunked_nll = trl_chunked_nll
