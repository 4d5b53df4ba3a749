"""MemTracker with the peak of each named phase: the oracle's one measuring instrument.

Split out of tracer.py; the text, audio and vision traces (tracer.py, audio_trace.py,
vision_trace.py) all read their peaks through it. torch is imported inside the functions.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

from llmsize.measure.trace_result import PhasePeak, TimelineEvent

# MemTracker reference types -> our category names.
_KIND_NAMES = {
    "Parameter": "params",
    "Buffer": "buffers",
    "Gradient": "gradients",
    "Activation": "activations",
    "Temp": "temporaries",
    "Optstate": "optimizer",
    "Other": "other",
}


def kind_bytes(snapshots: Any) -> dict[str, int]:
    """Bytes per llmsize category summed over a MemTracker snapshot's devices (its reference types
    renamed by _KIND_NAMES); the tracer's and the real runs' phase peaks both record this."""
    kinds: dict[str, int] = {}
    for snap in snapshots:
        for key, val in snap.items():
            name = _KIND_NAMES.get(getattr(key, "value", str(key)))
            if name:
                kinds[name] = kinds.get(name, 0) + int(val)
    return kinds


def phase_tracker_class() -> Any:
    """A MemTracker that also keeps the peak of each named phase (and optionally a timeline)."""
    from copy import deepcopy

    from torch.distributed._tools.mem_tracker import MemTracker, _MemRefType

    _GRAD = _MemRefType.GRAD

    class PhaseTracker(MemTracker):  # type: ignore[no-untyped-call]
        def __init__(self, record_timeline: bool = False) -> None:
            super().__init__()
            self.phase = "setup"
            self.phase_peaks: dict[str, tuple[int, dict[str, int]]] = {}
            self.record_timeline = record_timeline
            self.timeline: list[TimelineEvent] = []
            self._last_op = ""
            self._origin_ctx: tuple[str, str, str] = ("", "", "")
            self.origins: dict[int, tuple[Any, tuple[Any, ...]]] = {}
            self.peak_tensors: dict[str, list[tuple[int, tuple[Any, ...]]]] = {}
            self._by_fqn: dict[str, list[Any]] = {}
            self._indexed = -1

        def _track_module_params_and_buffers(
            self, module: Any, install_grad_hooks: bool = True
        ) -> tuple[int, int]:
            # MemTracker hooks every parameter's gradient; frozen ones (LoRA's base) cannot take a hook.
            params, buffers = super()._track_module_params_and_buffers(module, install_grad_hooks=False)
            if install_grad_hooks:
                for param in module.parameters():
                    handles: Any = self._param_to_grad_hook_handles
                    if param.requires_grad and handles.get(param, None) is None:

                        def _grad_hook(grad: Any) -> None:
                            self._update_and_maybe_create_winfos(grad, _GRAD)

                        self._param_to_grad_hook_handles[param] = (
                            param.register_hook(_grad_hook),
                            param.register_post_accumulate_grad_hook(lambda p: _grad_hook(p.grad)),
                        )
            return params, buffers

        def forget(self, tensor: Any) -> None:
            """Account `tensor` as freed: something only the tracker keeps alive (see trace_training)."""
            from torch.distributed._tools.common_utils import get_untyped_storages
            from torch.distributed._tools.mem_tracker import _UpdateType

            winfos: Any = self._WINFO
            for st in get_untyped_storages(tensor):
                entry = winfos.get(st, None)
                if entry is not None:
                    self._update_snap(_UpdateType.DEL, entry[0])
                    del winfos[st]

        def live_bytes(self) -> int:
            return sum(int(snap["Total"]) for snap in self._curr_mem_snap.values())

        def _active_mod_stats(self) -> Iterator[Any]:
            """The _ModMemStats of the modules now running (those whose fqn is in the ModTracker's parents).

            MemTracker._update_peak_stats (torch/distributed/_tools/mem_tracker.py) finds them by walking
            every tracked module's stats after every op, and each step of that WeakIdKeyDictionary walk
            probes the module for `_fix_weakref` (torch/utils/weak.py WeakIdRef.__call__), a failing
            nn.Module.__getattr__: about half of a training trace's CPU. The stats are indexed by fqn
            instead, rebuilt whenever a module is first tracked; the same stats get the same updates.
            """
            tracking: Any = self.memory_tracking
            if len(tracking) != self._indexed:
                by_fqn: dict[str, list[Any]] = {}
                for stats in tracking.values():
                    by_fqn.setdefault(stats.mod_fqn, []).append(stats)
                self._by_fqn, self._indexed = by_fqn, len(tracking)
            for fqn in self._mod_tracker.parents:
                yield from self._by_fqn.get(fqn, ())

        def _update_peak_stats(self, peak_state: Any) -> None:
            # MemTracker._update_peak_stats (torch 2.13), its module walk through _active_mod_stats
            curr_snap = self._curr_mem_snap
            for mod_stats in self._active_mod_stats():
                if peak_state in mod_stats.snapshots:
                    for dev, dev_snap in curr_snap.items():
                        if mod_stats.local_peak.get(dev, 0) < dev_snap["Total"]:
                            mod_stats.local_peak[dev] = dev_snap["Total"]
                            mod_stats.snapshots[peak_state][-1][dev] = deepcopy(dev_snap)
            for dev, dev_snap in curr_snap.items():
                if self._peak_mem.get(dev, 0) < dev_snap["Total"]:
                    self._peak_mem[dev] = dev_snap["Total"]
                    self._peak_mem_snap[dev] = deepcopy(dev_snap)
            total = self.live_bytes()
            best = self.phase_peaks.get(self.phase)
            if best is None or total > best[0]:
                self.phase_peaks[self.phase] = (total, kind_bytes(self._curr_mem_snap.values()))
                if self.record_timeline:
                    self.peak_tensors[self.phase] = self.live_tensors()
            if self.record_timeline:
                self.timeline.append(
                    TimelineEvent(self.phase, self._last_op, self._innermost_module(), total)
                )

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            self._last_op = (
                str(func.overloadpacket.__name__) if hasattr(func, "overloadpacket") else str(func)
            )
            if self.record_timeline:
                self._origin_ctx = (self.phase, self._last_op, self._innermost_module())
            res = super().__torch_dispatch__(func, types, args, kwargs)  # type: ignore[no-untyped-call]
            if self.record_timeline:
                self._note_origins(res)
            return res

        def _innermost_module(self) -> str:
            parents = [p for p in self._mod_tracker.parents if p != "Global"]
            return max(parents, key=len) if parents else ""

        def _note_origins(self, res: Any) -> None:
            import torch
            from torch.utils._pytree import tree_flatten

            for t in tree_flatten(res)[0]:
                if isinstance(t, torch.Tensor):
                    st = t.untyped_storage()
                    key = id(st)
                    known = self.origins.get(key)
                    if known is None or known[0]() is not st:
                        self.origins[key] = (
                            weakref.ref(st),
                            (*self._origin_ctx, tuple(t.shape), str(t.dtype)),
                        )

        def live_tensors(self) -> list[tuple[int, tuple[Any, ...]]]:
            """(bytes, (phase, op, module, shape, dtype)) of every live storage this tracker saw created."""
            out = []
            winfos: Any = self._WINFO
            for winfo_key, (winfo, _ref) in list(winfos.items()):
                entry = self.origins.get(id(winfo_key))
                if winfo.reftype.value in ("Parameter", "Buffer", "Other", "Optstate"):
                    continue
                if entry is not None and entry[0]() is winfo_key:
                    out.append((winfo.mem_consumed, entry[1]))
                else:  # the output of the op being recorded right now
                    out.append((winfo.mem_consumed, (*self._origin_ctx, ("output",), "")))
            return sorted(out, key=lambda x: -x[0])

    return PhaseTracker


def phase_peaks(tracker: Any, names: tuple[str, ...]) -> tuple[PhasePeak, ...]:
    return tuple(
        PhasePeak(name, tracker.phase_peaks[name][0], tracker.phase_peaks[name][1])
        for name in names
        if name in tracker.phase_peaks
    )
