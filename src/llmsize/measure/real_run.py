"""Really allocate and run a workload on the CPU or a CUDA GPU, on random weights built from config.

- The model is `AutoModelForCausalLM.from_config` (random init, never a download) in the compute
  dtype, built directly on the device. Repository code runs only with `trust_remote_code`.
- inference: one prefill of the prompt with `use_cache=True` (logits for the last position, or
  all with `logits="all"`), then greedy decode steps until the cache holds `context` tokens, as
  Hugging Face `generate` does. Prefill and decode are timed (time to first token, time per
  output token).
- full / training / lora / qlora: forward with labels (cross-entropy over the vocabulary),
  backward, torch AdamW step (`foreach=True`, torch's CUDA default) and `zero_grad(set_to_none=True)`,
  twice; the second step is the steady state that is reported. LoRA via peft, QLoRA via
  bitsandbytes NF4 (CUDA only).

Where the bytes come from:
- cpu: torch's MemTracker counts every tensor the run allocates (exact storage bytes). SDPA runs
  as the fused-kernel allocation model of `fused_sdpa.py`, so attention allocates what it does on
  a GPU, not the CPU math kernel's score matrix; the resident-set growth is reported beside it.
- cuda: `torch.cuda.max_memory_allocated` per phase is the peak; training also runs MemTracker to
  split the peak into gradients and the rest. The real fused kernels run.

torch, transformers, peft and bitsandbytes are imported inside functions only.
"""

from __future__ import annotations

import contextlib
import resource
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from llmsize.errors import BadInputError, MissingExtraError
from llmsize.estimate.workload import Attention, Mode, Workload
from llmsize.measure import cuda_probe
from llmsize.measure.models import CpuStats, PhasePeak, ProgressFn, Timings, no_progress
from llmsize.measure.phase_tracker import kind_bytes

# MemTracker reference types -> our names.

SEED = 0


@dataclass
class RunResult:
    """Raw bytes of a real run, before they are filed under the estimate's components."""

    peak_bytes: int
    peak_phase: str
    phases: list[PhasePeak]
    weights_bytes: int
    adapters_bytes: int
    kv_cache_bytes: int
    gradients_bytes: int
    optimizer_bytes: int
    num_layers: int
    attn_implementation: str
    timings: Timings
    max_reserved_bytes: int = 0
    max_allocated_bytes: int = 0
    notes: list[str] = field(default_factory=list)


class OutOfMemory(Exception):
    """A CUDA out-of-memory during the run; carries what was allocated when it happened."""

    def __init__(self, allocated_bytes: int, reserved_bytes: int, phase: str) -> None:
        super().__init__(f"out of memory during {phase}")
        self.allocated_bytes = allocated_bytes
        self.reserved_bytes = reserved_bytes
        self.phase = phase


# ----------------------------------------------------------------------------------- tracking


def _phase_tracker() -> Any:
    """A MemTracker that also remembers each named phase's peak and what kinds made it up."""
    from torch.distributed._tools.mem_tracker import MemTracker

    class PhaseTracker(MemTracker):  # type: ignore[misc,no-untyped-call,unused-ignore]
        def __init__(self) -> None:
            super().__init__()
            self.phase = "setup"
            self.phase_peaks: dict[str, tuple[int, dict[str, int]]] = {}

        def _update_peak_stats(self, peak_state: Any) -> None:
            super()._update_peak_stats(peak_state)
            total = sum(int(snap["Total"]) for snap in self._curr_mem_snap.values())
            best = self.phase_peaks.get(self.phase)
            if best is None or total > best[0]:
                self.phase_peaks[self.phase] = (total, kind_bytes(self._curr_mem_snap.values()))

        def _track_module_params_and_buffers(self, module: Any, install_grad_hooks: bool = True) -> Any:
            # A frozen real parameter (LoRA's base weights) refuses gradient hooks; it gets no gradient
            # either, so mark it as hooked with handles that have nothing to remove.
            handles: Any = self._param_to_grad_hook_handles
            for param in module.parameters():
                if not param.requires_grad and handles.get(param, None) is None:
                    handles[param] = (_NoHook(), _NoHook())
            return super()._track_module_params_and_buffers(module, install_grad_hooks)

    return PhaseTracker()


class _NoHook:
    """A hook handle for a hook that was never installed."""

    def remove(self) -> None:
        return None


class _NullTracker:
    """Stands in for MemTracker where the allocator's own counters are used (CUDA inference)."""

    phase = "setup"
    phase_peaks: dict[str, tuple[int, dict[str, int]]] = {}  # noqa: RUF012 - never written

    def track_external(self, *_: Any) -> None:
        return None

    def reset_mod_stats(self) -> None:
        return None

    def __enter__(self) -> _NullTracker:
        return self

    def __exit__(self, *_: Any) -> None:
        return None


def storage_bytes(tensors: Any) -> int:
    """Bytes of the distinct storages behind `tensors` (views and tied weights counted once)."""
    seen: dict[int, int] = {}
    for t in tensors:
        if t is None:
            continue
        st = t.untyped_storage()
        seen[st.data_ptr() if st.data_ptr() else id(st)] = int(st.nbytes())
    return sum(seen.values())


def rss_bytes() -> int:
    """This process's resident set now (psutil if present, else /proc/self/statm)."""
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except ImportError:
        pass
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def peak_rss_bytes() -> int:
    """The process's lifetime peak resident set (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


def cpu_stats(rss_before: int) -> CpuStats:
    peak = max(peak_rss_bytes(), rss_before)
    return CpuStats(rss_before_bytes=rss_before, rss_peak_bytes=peak, rss_growth_bytes=peak - rss_before)


# ----------------------------------------------------------------------------------- building


def _attn_implementation(wl: Workload) -> str | None:
    """transformers attention implementation: eager stays eager; sdpa/flash are the SDPA kernels."""
    if wl.attention is Attention.EAGER:
        return "eager"
    if wl.attention in (Attention.SDPA, Attention.FLASH):
        return "sdpa"
    return None


def _hf_config(config: dict[str, Any], *, trust_remote_code: bool, source: str | None) -> Any:
    """The transformers config: built-in classes from the dict; repository code only when allowed."""
    from llmsize.measure.build_model import hf_config

    if config.get("auto_map") and trust_remote_code:
        if not source:
            raise BadInputError("--trust-remote-code needs a Hub repo id or a local folder holding the code")
        from transformers import AutoConfig

        cfg = AutoConfig.from_pretrained(source, trust_remote_code=True)
        for key, value in config.items():
            if key not in ("auto_map", "architectures", "transformers_version", "_name_or_path"):
                setattr(cfg, key, value)
        return cfg
    try:
        return hf_config(config)
    except BadInputError as err:
        if config.get("auto_map"):
            raise BadInputError(
                f"{err.message}; this architecture is defined by its repository's own code",
                hint="pass --trust-remote-code to run that code (only for repositories you trust)",
            ) from err
        raise


def build_model(
    config: dict[str, Any],
    wl: Workload,
    dtype: Any,
    device: str,
    *,
    trust_remote_code: bool,
    source: str | None,
) -> Any:
    """Random-weight model from config, built on `device` in `dtype`, in eval mode."""
    import torch
    from transformers import AutoModelForCausalLM

    from llmsize.measure.build_model import BUILD_ERRORS, unbuildable

    cfg = _hf_config(config, trust_remote_code=trust_remote_code, source=source)
    kwargs: dict[str, Any] = {"dtype": dtype}
    attn = _attn_implementation(wl)
    if attn is not None:
        kwargs["attn_implementation"] = attn
    if trust_remote_code:
        kwargs["trust_remote_code"] = True
    torch.manual_seed(SEED)
    # QLoRA builds on the CPU first so that the full-precision weights never sit on the GPU.
    target = "cpu" if wl.mode is Mode.QLORA else device
    auto: Any = AutoModelForCausalLM
    try:  # the user's config.json in transformers' constructors, as build_fake_model guards them
        with torch.device(target):
            model = auto.from_config(cfg, **kwargs)
    except BUILD_ERRORS as exc:
        raise unbuildable(getattr(cfg, "model_type", "?"), exc) from exc
    if wl.mode is Mode.QLORA:
        model = quantize_nf4(model, dtype, device)
    return model.eval()


def quantize_nf4(model: Any, compute_dtype: Any, device: str) -> Any:
    """Swap every nn.Linear but the head for bitsandbytes NF4 with double quantization, on `device`.

    The QLoRA recipe (Dettmers et al. 2023, arXiv:2305.14314): NF4 storage, double-quantized
    absmax, compute in bf16. Fused MoE expert tensors that are not nn.Linear stay in `compute_dtype`.
    """
    if device != "cuda":
        raise BadInputError("QLoRA needs bitsandbytes on a CUDA GPU", hint="use --device trace or cuda")
    try:
        import bitsandbytes as bnb
    except ImportError as exc:
        raise MissingExtraError("QLoRA measurement needs bitsandbytes: pip install bitsandbytes") from exc
    import torch

    for parent_name, parent in list(model.named_modules()):
        for name, child in list(parent.named_children()):
            full = f"{parent_name}.{name}" if parent_name else name
            if type(child) is not torch.nn.Linear or full.split(".")[-1] == "lm_head":
                continue
            layer = bnb.nn.Linear4bit(
                child.in_features,
                child.out_features,
                bias=child.bias is not None,
                compute_dtype=compute_dtype,
                compress_statistics=True,
                quant_type="nf4",
            )
            layer.weight = bnb.nn.Params4bit(
                child.weight.data, requires_grad=False, compress_statistics=True, quant_type="nf4"
            )
            if child.bias is not None:
                layer.bias = torch.nn.Parameter(child.bias.data, requires_grad=False)
            setattr(parent, name, layer.to(device))  # moving a Params4bit to CUDA quantizes it
    return model.to(device)


# ----------------------------------------------------------------------------------- inference


def _tensor_device(device: str) -> str:
    return "cuda" if device == "cuda" else "cpu"


def _tracker_for(device: str, training: bool) -> Any:
    return _phase_tracker() if device == "cpu" or training else _NullTracker()


class _Peaks:
    """Phase peaks as they are read, and the run-wide allocator maxima (CUDA resets them per phase)."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.phases: list[PhasePeak] = []
        self.max_allocated = 0
        self.max_reserved = 0

    def close(self, tracker: Any, phase: str) -> None:
        """Record `phase`: on CUDA the allocator's peak since the last reset, else the tracker's."""
        if self.device == "cuda":
            allocated, reserved = cuda_probe.allocator_peaks(self.device)
            self.max_allocated = max(self.max_allocated, allocated)
            self.max_reserved = max(self.max_reserved, reserved)
            peak = allocated
        else:
            peak = int(tracker.phase_peaks.get(phase, (0, {}))[0])
        self.phases.append(PhasePeak(phase=phase, peak_bytes=peak))


def run_inference(model: Any, wl: Workload, device: str, progress: ProgressFn = no_progress) -> RunResult:
    """Prefill the prompt, then decode until the cache holds `wl.context` tokens."""
    import torch

    from llmsize.measure.tensor_bytes import cache_bytes, cache_tensors

    dev = _tensor_device(device)
    batch, prompt, context = wl.batch, wl.prefill_tokens, wl.context
    keep = 1 if wl.logits == "last" else 0
    vocab = int(model.config.get_text_config().vocab_size)
    weights = _weights_bytes(model, device)
    gen = torch.Generator(device=dev).manual_seed(SEED)
    peaks = _Peaks(device)
    ttft: list[float] = []
    steps = context - prompt

    progress("prefill", 0, steps + 1)
    if device == "cuda":  # load kernels and create the cuBLAS handle before anything is timed
        with torch.no_grad():
            model(input_ids=torch.zeros((1, 1), dtype=torch.long, device=dev), use_cache=False)
    ids = torch.randint(0, vocab, (batch, prompt), device=dev, generator=gen)
    tracker = _tracker_for(device, training=False)
    tracker.track_external(model)
    cuda_probe.reset_peak(device)
    with tracker, torch.no_grad(), cuda_probe.timed(device, ttft.append):
        tracker.phase = "prefill"
        out = model(input_ids=ids, use_cache=True, logits_to_keep=keep)
        token = out.logits[:, -1, :].to(copy=True, dtype=torch.float32).argmax(-1, keepdim=True)
        cache = out.past_key_values
        del out, ids
    kv_prefill = cache_bytes(cache)
    peaks.close(tracker, "prefill")
    progress("decode", 1, steps + 1)

    kv_full = kv_prefill
    decode_s: list[float] = []
    if steps > 0:
        cuda_probe.reset_peak(device)
        with torch.no_grad():
            untracked = steps - 1 if device == "cpu" else steps
            with cuda_probe.timed(device, decode_s.append):
                for i in range(untracked):
                    out = model(input_ids=token, past_key_values=cache, use_cache=True, logits_to_keep=1)
                    token = out.logits[:, -1, :].argmax(-1, keepdim=True)
                    cache = out.past_key_values
                    del out
                    progress("decode", i + 2, steps + 1)
            if device == "cpu":  # the last step is the decode peak: cache at its longest
                tracker = _phase_tracker()
                tracker.track_external(model, *cache_tensors(cache))
                with tracker, cuda_probe.timed(device, decode_s.append):
                    tracker.phase = "decode"
                    out = model(input_ids=token, past_key_values=cache, use_cache=True, logits_to_keep=1)
                    token = out.logits[:, -1, :].to(copy=True, dtype=torch.float32).argmax(-1, keepdim=True)
                    cache = out.past_key_values
                    del out
                progress("decode", steps + 1, steps + 1)
        kv_full = cache_bytes(cache)
        peaks.close(tracker, "decode")

    top = max(peaks.phases, key=lambda p: p.peak_bytes)
    tpot = sum(decode_s) / steps if steps > 0 else None
    timings = Timings(
        ttft_s=ttft[0] if ttft else None,
        tpot_s=tpot,
        decode_tokens_per_s=batch / tpot if tpot else None,
        decode_steps=steps,
    )
    return RunResult(
        peak_bytes=top.peak_bytes,
        peak_phase=top.phase,
        phases=peaks.phases,
        weights_bytes=weights,
        adapters_bytes=0,
        kv_cache_bytes=kv_prefill if top.phase == "prefill" else kv_full,
        gradients_bytes=0,
        optimizer_bytes=0,
        num_layers=_num_layers(model),
        attn_implementation=str(model.config._attn_implementation),
        timings=timings,
        max_reserved_bytes=peaks.max_reserved,
        max_allocated_bytes=peaks.max_allocated,
    )


# ----------------------------------------------------------------------------------- training


def prepare_training(model: Any, wl: Workload) -> Any:
    """Train mode, optional gradient checkpointing, and peft LoRA adapters for lora/qlora."""
    from llmsize.estimate.frameworks import recipe
    from llmsize.measure.training_setup import lora_config

    model.train()
    if recipe(wl).gradient_checkpointing:
        enable = (
            getattr(model, "activation_checkpointing_enable", None) or model.gradient_checkpointing_enable
        )
        enable()
    if wl.mode in (Mode.LORA, Mode.QLORA):
        lora = lora_config(wl, model, "measuring")
        from peft import get_peft_model

        model = get_peft_model(model, lora)
    return model


def run_training(model: Any, wl: Workload, device: str, progress: ProgressFn = no_progress) -> RunResult:
    """Two steps of forward + backward + AdamW; the second one is reported."""
    import time

    import torch

    dev = _tensor_device(device)
    weights_total = _weights_bytes(model, device)
    model = prepare_training(model, wl)
    trainable = [p for p in model.parameters() if p.requires_grad]
    lora = wl.mode in (Mode.LORA, Mode.QLORA)
    adapters = storage_bytes(iter(trainable)) if lora else 0
    weights = _weights_bytes(model, device) - adapters if device == "cpu" else weights_total
    vocab = int(model.config.get_text_config().vocab_size)
    from llmsize.estimate.frameworks import recipe
    from llmsize.estimate.workload import Optimizer
    from llmsize.measure.training_loss import forward_autocast, forward_loss

    rc = recipe(wl)
    fused = rc.optimizer is Optimizer.ADAMW_FUSED
    opt = torch.optim.AdamW(trainable, lr=1e-5, fused=fused, foreach=not fused)
    gen = torch.Generator(device=dev).manual_seed(SEED)

    tracker = _tracker_for(device, training=True)
    tracker.track_external(model)
    peaks = _Peaks(device)
    step_s = 0.0
    names = ("forward", "backward", "optimizer")
    with tracker:
        for it in (1, 2):
            if it == 2:
                tracker.reset_mod_stats()  # MemTracker refuses a second pass over the same modules otherwise
            start = time.perf_counter()
            for name in names:
                phase = f"{name}{it}"
                progress(phase, (it - 1) * 3 + names.index(name), 6)
                tracker.phase = phase
                cuda_probe.reset_peak(device)
                if name == "forward":
                    ids = torch.randint(0, vocab, (wl.batch, wl.context), device=dev, generator=gen)
                    with forward_autocast(model, rc.autocast, torch.device(dev).type):
                        loss = forward_loss(model, ids, rc.loss, rc.loss_chunks, rc.autocast)
                elif name == "backward":
                    loss.backward()
                    del loss, ids
                else:
                    opt.step()
                    opt.zero_grad(set_to_none=True)
                peaks.close(tracker, phase)
            cuda_probe.synchronize(device)
            step_s = time.perf_counter() - start
    progress("done", 6, 6)
    optimizer = storage_bytes(
        v for st in opt.state.values() for v in st.values() if isinstance(v, torch.Tensor)
    )
    steady = [p for p in peaks.phases if p.phase.endswith("2")]
    top = max(steady, key=lambda p: p.peak_bytes)
    kinds = tracker.phase_peaks.get(top.phase, (0, {}))[1]
    return RunResult(
        peak_bytes=top.peak_bytes,
        peak_phase=top.phase[:-1],
        phases=peaks.phases,
        weights_bytes=weights,
        adapters_bytes=adapters,
        kv_cache_bytes=0,
        gradients_bytes=int(kinds.get("gradients", 0)),
        optimizer_bytes=optimizer,
        num_layers=_num_layers(model),
        attn_implementation=str(model.config._attn_implementation),
        timings=Timings(step_s=step_s),
        max_reserved_bytes=peaks.max_reserved,
        max_allocated_bytes=peaks.max_allocated,
        notes=["step time measured with MemTracker attached (slower than an untracked step)"],
    )


# ----------------------------------------------------------------------------------- helpers


def _weights_bytes(model: Any, device: str) -> int:
    """Parameters and buffers; on CUDA what the allocator holds for them (NF4 quant states included)."""
    if device == "cuda":
        import torch

        return int(torch.cuda.memory_allocated())
    return storage_bytes(t for t in (*model.parameters(), *model.buffers()))


def _num_layers(model: Any) -> int:
    return int(getattr(model.config.get_text_config(), "num_hidden_layers", 0) or 0)


@contextlib.contextmanager
def cpu_attention_model(device: str, training: bool) -> Iterator[None]:
    """CPU inference: SDPA allocates as the fused GPU kernel does (see fused_sdpa.py).

    Training keeps torch's own CPU SDPA (its flash kernel for causal masks), and CUDA the real kernels.
    """
    if device != "cpu" or training:
        yield
        return
    from llmsize.measure.fused_sdpa import fused_sdpa_patched

    with fused_sdpa_patched():
        yield


@contextlib.contextmanager
def oom_as_result(device: str, phase: str = "run") -> Iterator[None]:
    """Turn a CUDA out-of-memory into `OutOfMemory` holding the allocator's counters."""
    try:
        yield
    except Exception as err:
        if device != "cuda" or not cuda_probe.is_oom(err):
            raise
        import torch

        allocated, reserved = int(torch.cuda.max_memory_allocated()), int(torch.cuda.max_memory_reserved())
        torch.cuda.empty_cache()
        raise OutOfMemory(allocated, reserved, phase) from err
